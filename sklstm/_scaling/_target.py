"""The log and/or first differences of the target feature, before another scaling."""

import numpy as np
import torch

from ._base import InnerScaling, TorchScaling


class TargetTransform(InnerScaling):
    """The log and/or the first differences of the target feature, before a scaling.

    ``log``: multiplicative series (a season or noise that grows with the level) become
    additive; ``difference``: the network forecasts the steps' changes, and the forecast is
    the window's last value plus their running sum. Both are undone on the way back. The
    inner scaling (global or per window) is fitted on transformed windows (a sample of at
    most ``max_windows``). Chosen by the forecasters' ``log_transform`` and ``difference``
    rather than by ``scaling`` (it wraps the scaling ``scaling`` chooses).

    Parameters
    ----------
    inner : Scaling
    target_feature : int
    log, difference : bool
    """

    kind = "target_transform"
    examples = (("LSTMForecaster", {"log_transform": True}),
                ("LSTMForecaster", {"difference": True, "scaling": "window"}))

    def __init__(self, inner, target_feature=0, log=False, difference=False):
        self.inner = inner
        self.target_feature = int(target_feature)
        self.log = bool(log)
        self.difference = bool(difference)

    @classmethod
    def fit(cls, X3, y, fit_inner, *, target_feature, log, difference, max_windows=10_000):
        """``fit_inner(X_transformed, y_transformed)`` fits the inner scaling."""
        return cls(None, target_feature, log, difference)._fit_inner(X3, y, fit_inner,
                                                                     max_windows)

    def _check_positive(self, values, name):
        if self.log and not np.all(np.asarray(values)[np.isfinite(values)] > 0):
            raise ValueError(
                f"log_transform=True needs positive values of the target, but {name} holds "
                f"{np.nanmin(values)}; shift the series above 0 or leave log_transform off."
            )

    def _forward_X(self, X_rows, name="X"):
        """Transformed windows (float64 copy) and each window's last transformed value."""
        Xt = np.array(X_rows, dtype=np.float64)
        column = Xt[:, :, self.target_feature]
        if self.log:
            self._check_positive(column, name)
            column = np.log(column)
        last = column[:, -1].copy()
        if self.difference:
            column = np.diff(column, axis=1, prepend=column[:, :1])
        Xt[:, :, self.target_feature] = column
        return Xt, last

    def _forward_y(self, y_rows, last):
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        if self.log:
            self._check_positive(y2, "y")
            y2 = np.log(y2)
        if self.difference:
            y2 = np.diff(np.concatenate([last[:, None], y2], axis=1), axis=1)
        return y2

    def _backward(self, values, last):
        if self.difference:
            values = last[:, None] + np.cumsum(values, axis=1)
        return np.exp(values) if self.log else values

    def torch_form(self):
        return _TorchTarget(self)


class _TorchTarget(TorchScaling):
    def __init__(self, scaling):
        super().__init__()
        self.inner = scaling.inner.torch_form()
        self.log, self.difference = scaling.log, scaling.difference
        self.feature = scaling.target_feature

    def encode(self, x):
        f = self.feature
        column = x[:, :, f : f + 1]
        if self.log:
            column = torch.log(column)
        last = column[:, -1, :]
        if self.difference:
            column = column - torch.cat([column[:, :1], column[:, :-1]], dim=1)
        x = torch.cat([x[:, :, :f], column, x[:, :, f + 1 :]], dim=2)
        scaled, inner_context = self.inner.encode(x)
        return scaled, (inner_context, last)

    def decode(self, out, context):
        inner_context, last = context
        out = self.inner.decode(out, inner_context)
        if self.difference:
            out = last + torch.cumsum(out, dim=1)
        if self.log:
            out = torch.exp(out)
        return out
