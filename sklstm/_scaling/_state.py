"""Windows that carry their series' state (``make_sequences(season_length=...)``): the season
taken out with the series' own indices, and the network's forecast combined with the Theta
forecast the channels hold.

See ``sklstm._series_state`` for the channels. This scaling reads them, feeds the network the
season-adjusted target (without the channels: levels in the user's units would differ from
series to series) through another scaling (``inner``: the estimator's ``scaling``), and maps
the network's output back: ``(1 - w) * network + w * theta``, in the adjusted frame, then
the season put back. ``w`` (``base_weight``) is chosen by the estimator after training, on
windows the network did not train on (see ``LSTMForecaster``): 0 keeps the network alone.
"""

import numpy as np
import torch

from .._series_state import DRIFT, FACTOR, LEAD, LEVEL, N_CHANNELS, OFFSET, future_positions
from ._base import InnerScaling, TorchScaling


class SeriesStateScaling(InnerScaling):
    """The season-adjusted target through ``inner``, combined with the Theta forecast.

    Parameters
    ----------
    inner : Scaling
        Fitted on the adjusted windows without the state channels.
    first_channel : int
        Position of the first of the five state channels (the last five features).
    season_length : int
        Steps per season (1: none); the windows hold at least one.
    target_feature : int
    horizon : int
    base_weight : float
        Weight of the Theta forecast in the combination.
    """

    kind = "series_state"
    # Not a value of ``scaling``: windows from make_sequences(season_length=...) select it.
    choices = {}
    examples = (("LSTMForecaster", {"windows": {"season_length": 4}}),
                ("LSTMForecaster", {"windows": {"season_length": 1}, "scaling": "window"}))

    def __init__(self, inner, first_channel, season_length, target_feature, horizon,
                 base_weight=0.0):
        self.inner = inner
        self.first_channel = int(first_channel)
        self.season_length = int(season_length)
        self.target_feature = int(target_feature)
        self.horizon = int(horizon)
        self.base_weight = float(base_weight)

    @classmethod
    def fit(cls, X3, y, fit_inner, *, season_length, target_feature, max_windows=10_000):
        first = X3.shape[2] - N_CHANNELS
        horizon = 1 if y.ndim == 1 else y.shape[1]  # y validated: an array or lazy targets
        scaling = cls(None, first, season_length, target_feature, horizon)
        return scaling._fit_inner(X3, y, fit_inner, max_windows)

    def n_channels(self, n_features):
        return self.inner.n_channels(n_features - N_CHANNELS)

    # -- arithmetic (float64) -------------------------------------------------------------
    def _forward_X(self, X_rows):
        X = np.asarray(X_rows, dtype=np.float64)
        state = X[:, :, self.first_channel :]
        factor, offset = state[:, :, FACTOR], state[:, :, OFFSET]
        Xt = X[:, :, : self.first_channel].copy()
        f = self.target_feature
        Xt[:, :, f] = Xt[:, :, f] / factor - offset
        future = future_positions(X.shape[1], self.horizon, self.season_length)
        last = state[:, -1, :]
        steps = np.arange(1, self.horizon + 1)
        theta = (last[:, [LEVEL]] + last[:, [LEAD]] + last[:, [DRIFT]] * steps)
        return Xt, (factor[:, future], offset[:, future], theta)

    def _forward_y(self, y_rows, context):
        factor, offset, _ = context
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        return y2 / factor - offset

    def _backward(self, values, context):
        factor, offset, theta = context
        w = self.base_weight
        return ((1 - w) * values + w * theta + offset) * factor

    def theta_forecast(self, X_rows):
        """The Theta forecast the windows' channels hold, in the user's units: (n, horizon)."""
        factor, offset, theta = self._forward_X(X_rows)[1]
        return (theta + offset) * factor

    def torch_form(self):
        return _TorchState(self)


class _TorchState(TorchScaling):
    def __init__(self, scaling):
        super().__init__()
        self.inner = scaling.inner.torch_form()
        self.first = scaling.first_channel
        self.feature = scaling.target_feature
        self.m = scaling.season_length
        self.horizon = scaling.horizon
        self.base_weight = scaling.base_weight

    def encode(self, x):
        first, f = self.first, self.feature
        factor, offset = x[:, :, first + FACTOR], x[:, :, first + OFFSET]
        adjusted = (x[:, :, f] / factor - offset).unsqueeze(2)
        scaled, inner_context = self.inner.encode(
            torch.cat([x[:, :, :f], adjusted, x[:, :, f + 1 : first]], dim=2))
        length = int(factor.shape[1])  # a forecaster's graph has a fixed window length
        future = torch.as_tensor(future_positions(length, self.horizon, self.m))
        steps = torch.arange(1, self.horizon + 1, dtype=x.dtype)
        end = x[:, -1, :]
        theta = (end[:, first + LEVEL : first + LEVEL + 1]
                 + end[:, first + LEAD : first + LEAD + 1]
                 + end[:, first + DRIFT : first + DRIFT + 1] * steps)
        return scaled, (inner_context, factor[:, future], offset[:, future], theta)

    def decode(self, out, context):
        inner_context, factor, offset, theta = context
        out = self.inner.decode(out, inner_context)
        w = self.base_weight
        return ((1 - w) * out + w * theta + offset) * factor
