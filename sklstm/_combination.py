"""How much of the Theta forecast a forecaster's output takes (windows with series state).

The M competitions' lesson is that combinations beat their members; ES-RNN and most of the M4
top ten combined a network with statistical models. How much weight the statistical member
deserves differs from one data set to another (on M3 monthly the Theta method alone is as
good as a global network; on long hourly series a network is far better), so it is chosen
on data: the windows the network did not train on (those held out for calibration, or the
early-stopping validation windows, the latest ones), by the loss the network was trained
with (squared errors, or absolute errors for ``criterion="mae"`` and the quantile head, whose
point forecast is its median), each window's errors
divided by its mean absolute step change (as MASE does, so that no series dominates by its
level). Without such windows the weight is one half, the equal-weight combination.
"""

import copy
import warnings

import numpy as np

from ._holdout import held_out_start
from ._lazy_windows import dense
from .distributed._context import active as active_worker

# Weights of the Theta forecast tried; 0 is the network alone, 1 the Theta forecast alone.
WEIGHTS = np.linspace(0.0, 1.0, 11)
# Without windows to choose on: the equal-weight combination.
DEFAULT_WEIGHT = 0.5


def step_change(scaling, X3):
    """Each window's mean absolute step change of the target, (n, 1), before the floor."""
    column = np.asarray(X3[:, :, scaling.target_feature], dtype=np.float64)
    if column.shape[1] < 2:
        return np.ones((len(column), 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a window without two observations
        return np.nanmean(np.abs(np.diff(column, axis=1)), axis=1, keepdims=True)


def floored(scale):
    """``scale`` floored at a tenth of its median (1 where nothing is known)."""
    typical = np.nanmedian(scale) if scale.size else np.nan
    floor = 0.1 * typical if np.isfinite(typical) and typical > 0 else 1.0
    return np.where(np.isfinite(scale), np.maximum(scale, floor), floor)


# Held-out windows read at a time (lazy windows are gathered block by block).
_BLOCK_ELEMENTS = 2**21


def choose_weight(network, theta, y, scale, loss=np.square):
    """The weight of ``WEIGHTS`` whose combination has the least mean scaled ``loss``."""
    scaled = [loss((y - ((1 - w) * network + w * theta)) / scale) for w in WEIGHTS]
    totals = np.array([np.nansum(e) for e in scaled] + [np.count_nonzero(np.isfinite(e))
                                                          for e in scaled], dtype=np.float64)
    context = active_worker()
    if context is not None:  # a data-parallel worker: the panel's held-out windows
        totals = context.sum(totals)
    with np.errstate(invalid="ignore", divide="ignore"):
        errors = totals[: len(WEIGHTS)] / totals[len(WEIGHTS):]
    return float(WEIGHTS[int(np.nanargmin(errors))]) if np.isfinite(errors).any() \
        else DEFAULT_WEIGHT


def weighted(estimator, scaling, X3, y, n_held, use_early_stopping):
    """A copy of ``scaling`` (a fitted ``SeriesStateScaling``) with its base weight chosen."""
    est = estimator
    start = held_out_start(est, X3.shape[0], n_held, use_early_stopping)
    chosen = copy.copy(scaling)
    if start is None:
        chosen.base_weight = DEFAULT_WEIGHT
        return chosen
    X_val, y_val = X3[start:], est._encode_y(y[start:])
    chosen.base_weight = 0.0
    network, theta, scale = [], [], []
    rows = max(1, _BLOCK_ELEMENTS // max(1, int(np.prod(X3.shape[1:]))))
    for begin in range(0, len(X_val), rows):
        block = dense(X_val[begin : begin + rows])
        network.append(chosen.decode(est._forward(block), block))
        theta.append(chosen.theta_forecast(block))
        scale.append(step_change(chosen, block))
    y_val = np.asarray(y_val, dtype=np.float64)
    if network:
        network, theta = np.concatenate(network), np.concatenate(theta)
        scale = floored(np.concatenate(scale))
    else:  # a data-parallel worker whose series all end before the panel's held-out steps
        network = theta = np.empty(y_val.shape)
        scale = np.ones((0, 1))
    # The loss the network was trained with: absolute errors for "mae", else squared.
    loss = np.abs if est.criterion in ("mae", "quantile") else np.square
    chosen.base_weight = choose_weight(network, theta, y_val, scale, loss)
    return chosen
