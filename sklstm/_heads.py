"""Probabilistic output heads of the forecasters: what the network predicts per horizon step.

A head turns the network's raw outputs ``(batch, horizon, n_params)`` into the parameters of a
forecast distribution, trains them with its loss, and answers quantiles of it, all in the
network's (scaled) frame; the forecaster maps them to the user's units with its scaling.

- ``"quantile"``: one output per quantile level, trained with the pinball loss of all levels
  at once (MQ-RNN, neuralforecast's ``MQLoss``). The median level's output is read as is and
  the others are built from it by adding (upwards) or subtracting (downwards) softplus
  increments, so the quantiles never cross, whatever the weights.
- ``"normal"``, ``"student_t"``: location, scale (softplus, floored) and, for Student's t,
  the degrees of freedom (2 + softplus: the variance stays finite), trained by negative
  log-likelihood (DeepAR, darts' likelihoods).

Channel 0 of every head is its location (the median): ``predict`` reads it, and the
autoregressive linear map of the window shifts it. A count distribution is not offered: the
network's frame is scaled (per window or globally), where a series' counts are no longer
integers.
"""

import numpy as np
import torch
from scipy import stats
from torch import nn
from torch.nn import functional

# The smallest scale a distribution head predicts (in the scaled frame, where a window's
# deviation is about 1): keeps the likelihood finite on constant stretches.
MIN_SCALE = 1e-3
# Quantile levels a forecaster learns by default (criterion="quantile") and a distribution
# head exports to ONNX: the central 50, 80, 90 and 95% intervals and the median.
DEFAULT_QUANTILES = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)


def quantile_levels(quantiles):
    """The sorted, unique levels of ``quantiles`` with the median added."""
    return tuple(sorted({float(q) for q in quantiles} | {0.5}))


class QuantileOutput(nn.Module):
    """Raw outputs -> non-crossing quantiles at ``levels`` (sorted, the median among them).

    Raw channel 0 is the median; channels ``1..`` are the increments of the other levels,
    nearest the median first, upper ones then lower ones, each through softplus.
    """

    def __init__(self, levels):
        super().__init__()
        self.levels = tuple(float(q) for q in levels)
        self.median = self.levels.index(0.5)
        self.n_params = len(self.levels)

    def forward(self, raw):
        m, n = self.median, self.n_params
        centre = raw[..., :1]
        n_up = n - m - 1
        up = torch.cumsum(functional.softplus(raw[..., 1 : 1 + n_up]), dim=-1)
        down = torch.cumsum(functional.softplus(raw[..., 1 + n_up :]), dim=-1)
        # Lower levels in ascending order: the largest decrement is the lowest level.
        return torch.cat([centre - down.flip(-1), centre, centre + up], dim=-1)


class NormalOutput(nn.Module):
    n_params = 2
    median = 0

    def forward(self, raw):
        return torch.stack([raw[..., 0], functional.softplus(raw[..., 1]) + MIN_SCALE], dim=-1)


class StudentTOutput(nn.Module):
    n_params = 3
    median = 0

    def forward(self, raw):
        return torch.stack([raw[..., 0], functional.softplus(raw[..., 1]) + MIN_SCALE,
                            2.0 + functional.softplus(raw[..., 2])], dim=-1)


class PinballLoss(nn.Module):
    """Mean pinball (quantile) loss of all levels and steps: ``(batch, horizon, n_levels)``
    quantiles against ``(batch, horizon)`` targets."""

    def __init__(self, quantiles=DEFAULT_QUANTILES):
        super().__init__()
        self.register_buffer("levels", torch.tensor(quantile_levels(quantiles)),
                             persistent=False)

    def forward(self, quantiles, target):
        levels = self.levels.to(quantiles.device, quantiles.dtype)
        error = target.reshape(quantiles.shape[:-1]).unsqueeze(-1) - quantiles
        return torch.maximum(levels * error, (levels - 1) * error).mean()


class NormalNLL(nn.Module):
    """Mean negative log-likelihood of the targets under Normal(loc, scale)."""

    def forward(self, params, target):
        target = target.reshape(params.shape[:-1])
        loc, scale = params[..., 0], params[..., 1]
        z = (target - loc) / scale
        return (0.5 * z.square() + torch.log(scale)).mean() + 0.5 * np.log(2 * np.pi)


class StudentTNLL(nn.Module):
    """Mean negative log-likelihood of the targets under Student's t(df, loc, scale)."""

    def forward(self, params, target):
        target = target.reshape(params.shape[:-1])
        loc, scale, df = params[..., 0], params[..., 1], params[..., 2]
        z = (target - loc) / scale
        log_pdf = (torch.lgamma((df + 1) / 2) - torch.lgamma(df / 2)
                   - 0.5 * torch.log(df * np.pi) - torch.log(scale)
                   - (df + 1) / 2 * torch.log1p(z.square() / df))
        return -log_pdf.mean()


# criterion="quantile", ...: (output module factory, loss class, documentation).
HEADS = {
    "quantile": (QuantileOutput, PinballLoss,
                 "pinball loss of every level of ``quantiles`` (a quantile head)"),
    "normal": (lambda levels: NormalOutput(), NormalNLL,
               "Normal negative log-likelihood (a distribution head)"),
    "student_t": (lambda levels: StudentTOutput(), StudentTNLL,
                  "Student's t negative log-likelihood (a distribution head)"),
}


def output_module(kind, levels):
    return HEADS[kind][0](levels)


def head_quantiles(kind, params, fitted_levels, levels):
    """Quantiles ``(n, horizon, len(levels))`` of the head's forecast distribution, in the
    network's frame. A quantile head answers its own levels and interpolates linearly
    between them (monotone: still non-crossing); levels outside its range are refused."""
    levels = np.asarray(levels, dtype=np.float64)
    if kind == "normal":
        return params[..., :1] + params[..., 1:2] * stats.norm.ppf(levels)
    if kind == "student_t":
        return params[..., :1] + params[..., 1:2] * stats.t.ppf(levels, params[..., 2:3])
    return interpolate(params, fitted_levels, levels, "the levels the quantile head was "
                       "trained on", "a distribution head (criterion='normal' or 'student_t')")


def interpolate(values, fitted_levels, levels, known_as, otherwise):
    """``values`` (..., len(fitted_levels)) at ``levels``, linearly between the fitted ones
    (monotone: still non-crossing); a level outside them is refused, naming what the
    fitted levels are (``known_as``) and what to use ``otherwise``."""
    fitted = np.asarray(fitted_levels)
    levels = np.asarray(levels, dtype=np.float64)
    outside = levels[(levels < fitted[0] - 1e-12) | (levels > fitted[-1] + 1e-12)]
    if outside.size:
        raise ValueError(
            f"quantiles {outside.tolist()} lie outside {known_as} ({fitted[0]} to "
            f"{fitted[-1]}); refit with quantiles that include them, or use {otherwise}."
        )
    out = np.empty(values.shape[:-1] + (len(levels),))
    for j, q in enumerate(levels):
        upper = int(np.clip(np.searchsorted(fitted, q), 1, len(fitted) - 1))
        lo_q, hi_q = fitted[upper - 1], fitted[upper]
        t = 0.0 if hi_q == lo_q else (q - lo_q) / (hi_q - lo_q)
        below, above = values[..., upper - 1], values[..., upper]
        # A level that was fitted is read as is (an unbounded neighbour, inf, stays out).
        out[..., j] = below if t <= 0 else above if t >= 1 else (1 - t) * below + t * above
    return out


def head_variance(kind, params):
    """Variance of the head's distribution per step in the network's frame, or None where
    it has none of its own (the quantile head)."""
    if kind == "normal":
        return params[..., 1] ** 2
    if kind == "student_t":
        df = params[..., 2]
        return params[..., 1] ** 2 * df / (df - 2)
    return None


class MembersLoss(nn.Module):
    """``loss`` of each member's logits (the mean over the members), or of the ensemble's."""

    def __init__(self, loss=nn.CrossEntropyLoss, **params):
        super().__init__()
        self.loss = loss(**params)

    def forward(self, y_pred, y_true):
        if y_pred.dim() == 3:
            return torch.stack([self.loss(y_pred[:, j], y_true)
                                for j in range(y_pred.shape[1])]).mean()
        return self.loss(y_pred, y_true)
