"""Per-window seasonal normalisation: each window's own seasonal profile taken out of its target
feature (and out of its targets), then each window in its own frame as ``scaling="window"``.

The profile is read from the window alone (the mean deviation of each phase from its cycle's
level over the window's last complete cycles), so it needs no calendar and no series-level
state: it works on any windows, inside a Pipeline and a grid search, and in the ONNX graph.
It needs windows of at least two seasons. Phases count back from the window's end, so the
step ``h`` after a window has the phase ``h % season_length`` of its profile.
"""

import numpy as np
import torch

from ._base import InnerScaling, TorchScaling
from ._window import WindowScaling


def _profile(column, m):
    """Seasonal profile (n, m) of each row of ``column`` (n, L): phases from the end's cycles."""
    n, length = column.shape
    cycles = length // m
    tail = column[:, length - cycles * m :].reshape(n, cycles, m)
    deviations = tail - tail.mean(axis=2, keepdims=True)
    profile = deviations.mean(axis=1)
    return profile - profile.mean(axis=1, keepdims=True)


def _phases(length, m):
    """Phase of every step of a window of ``length`` (the profile's columns)."""
    return (np.arange(length) - (length - (length // m) * m)) % m


class SeasonalWindowScaling(InnerScaling):
    """The window's seasonal profile out of its target feature, then :class:`WindowScaling`.

    Parameters
    ----------
    inner : WindowScaling
        Fitted on the deseasonalised windows.
    season_length : int
        Steps per season (at least 2; windows hold at least two seasons).
    target_feature : int
    """

    kind = "seasonal"
    choices = {"forecaster": {"seasonal": """as "window", after taking each window's own
        seasonal profile (``season_length`` steps; read from the window's complete cycles, so
        windows must hold two seasons or more) out of the target and putting it back on the
        forecast: a season and a level, each per window."""}}
    examples = (("LSTMForecaster", {"scaling": "seasonal", "season_length": 4}),)

    def __init__(self, inner, season_length, target_feature=0):
        self.inner = inner
        self.season_length = int(season_length)
        self.target_feature = int(target_feature)

    @classmethod
    def fit(cls, X3, y, *, season_length, target_feature=0, max_windows=10_000):
        length = X3.shape[1]
        if season_length is None or length < 2 * season_length:
            raise ValueError(
                f"scaling='seasonal' reads each window's season from its last complete "
                f"cycles: it needs season_length (got {season_length!r}) and windows of two "
                f"seasons or more (the windows have {length} steps). Set season_length, "
                "lengthen the windows, or use scaling='window'."
            )
        def fit_inner(Xt, yt):
            return WindowScaling.fit(Xt, yt, target_feature=target_feature)

        return cls(None, season_length, target_feature)._fit_inner(X3, y, fit_inner,
                                                                   max_windows)

    @classmethod
    def fit_for(cls, estimator, X3, y, choice):
        return cls.fit(X3, y, season_length=estimator.season_length,
                       target_feature=estimator._target_feature(
                           X3, "scaling='seasonal' deseasonalises the feature y continues",
                           "use scaling='window'"))

    def _forward_X(self, X_rows):
        """Deseasonalised windows (float64 copy) and each window's profile (n, m)."""
        Xt = np.array(X_rows, dtype=np.float64)
        column = Xt[:, :, self.target_feature]
        profile = _profile(column, self.season_length)
        Xt[:, :, self.target_feature] = column - profile[:, _phases(column.shape[1],
                                                                    self.season_length)]
        return Xt, profile

    def _future(self, profile, horizon):
        return profile[:, np.arange(horizon) % self.season_length]

    def _forward_y(self, y_rows, profile):
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        return y2 - self._future(profile, y2.shape[1])

    def _backward(self, values, profile):
        return values + self._future(profile, values.shape[1])

    def torch_form(self):
        return _TorchSeasonal(self)


class _TorchSeasonal(TorchScaling):
    def __init__(self, scaling):
        super().__init__()
        self.inner = scaling.inner.torch_form()
        self.m = scaling.season_length
        self.feature = scaling.target_feature

    def encode(self, x):
        f, m = self.feature, self.m
        column = x[:, :, f]
        length = int(column.shape[1])  # a forecaster's graph has a fixed window length
        cycles = length // m
        tail = column[:, length - cycles * m :].reshape(-1, cycles, m)
        profile = (tail - tail.mean(dim=2, keepdim=True)).mean(dim=1)
        profile = profile - profile.mean(dim=1, keepdim=True)
        phases = torch.as_tensor(_phases(length, m))
        adjusted = (column - profile[:, phases]).unsqueeze(2)
        x = torch.cat([x[:, :, :f], adjusted, x[:, :, f + 1 :]], dim=2)
        scaled, inner_context = self.inner.encode(x)
        return scaled, (inner_context, profile)

    def decode(self, out, context):
        inner_context, profile = context
        out = self.inner.decode(out, inner_context)
        return out + profile[:, torch.arange(int(out.shape[1])) % self.m]
