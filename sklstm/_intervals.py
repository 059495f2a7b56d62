"""Split-conformal prediction intervals of the forecasters: calibration and bounds.

The scores are the absolute errors of windows the network was not trained on (the latest:
``calibration_fraction`` held out, or the early-stopping validation windows), optionally
divided by each window's deviation of the target, so that intervals are wide in volatile
stretches and narrow in calm ones.
"""

import warnings

import numpy as np

from ._scaling import SCALINGS
from ._validation import check_coverage, check_quantiles


def calibration_state(estimator, X3, y, n_held, use_early_stopping, scaling=None):
    """The fitted attributes of the intervals: ``conformal_scores_`` (sorted, per step) and
    the scaling their scores were divided by (``_interval_scaling``; None: y's units)."""
    est = estimator
    n_train = X3.shape[0] - n_held
    if n_held:
        start = n_train
    elif use_early_stopping(n_train):
        start = n_train - max(1, int(round(n_train * est.validation_fraction)))
    else:
        return {"conformal_scores_": None}
    X_cal, y_cal = X3[start:], est._encode_y(y[start:])
    # What the scores are divided by, fixed here whatever interval_scale is set to later:
    # each window's deviation of the target, floored as the window scaling floors it, from
    # the training windows only (so the calibration scores stay exchangeable with a future
    # window's).
    interval_scaling = None
    if est.interval_scale == "window":
        interval_scaling = SCALINGS["window"].fit(
            X3[:n_train], target_feature=est._target_feature(
                X3, "interval_scale='window' scales each interval by the deviation of the "
                "target in its window", "pass interval_scale=None"))
    scaling = est.scaling_ if scaling is None else scaling
    errors = np.abs(y_cal - scaling.decode(est._forward(X_cal), X_cal))
    scores = np.sort(errors / window_scales(interval_scaling, X_cal), axis=0)
    return {"_interval_scaling": interval_scaling, "conformal_scores_": scores}


def window_scales(interval_scaling, X3):
    """Per-window scale of the conformal scores: (n, 1)."""
    if interval_scaling is None:
        return np.ones((X3.shape[0], 1))
    _, scale = interval_scaling.statistics(X3)
    return scale[:, [interval_scaling.target_feature]]


def require_scores(scores):
    """Refuse a model without calibration windows, saying how to get them."""
    if scores is None:
        raise ValueError(
            "prediction intervals need windows held out of training: fit with "
            "calibration_fraction=0.1 (say), or with early stopping on."
        )


def score_quantile(scores, coverage):
    """The ``ceil((n + 1) * coverage)``-th smallest score of each step (inf, with a warning,
    when fewer than ``coverage / (1 - coverage)`` windows were calibrated on)."""
    require_scores(scores)
    check_coverage(coverage)
    n_cal = scores.shape[0]
    rank = int(np.ceil((n_cal + 1) * coverage))
    if rank <= n_cal:
        return scores[rank - 1]
    # Too few calibration windows to guarantee this coverage: the honest split-conformal
    # interval is unbounded.
    needed = int(np.ceil(coverage / (1 - coverage)))
    warnings.warn(
        f"coverage={coverage} needs at least {needed} calibration windows, but the model was "
        f"calibrated on {n_cal}: the interval is unbounded (-inf, inf). Raise "
        "calibration_fraction or lower coverage.",
        UserWarning,
        stacklevel=3,
    )
    return np.full(scores.shape[1], np.inf)


def bounds(estimator, X3, score_quantiles):
    """Point forecasts ``(n, horizon)`` and, per quantile of the scores (``score_quantile``),
    the half widths ``(n, horizon)`` of the intervals (one pass of the network for all)."""
    est = estimator
    point = est.scaling_.decode(est._forward(X3), X3)
    scales = window_scales(getattr(est, "_interval_scaling", None), X3)
    return point, [quantile[np.newaxis, :] * scales for quantile in score_quantiles]


def conformal_quantiles(estimator, X3, quantiles):
    """Quantile ``q`` of each step: the lower bound of the central interval of coverage
    ``1 - 2q`` (``q < 0.5``), the point forecast (``q = 0.5``) or the upper bound of coverage
    ``2q - 1``. Levels further from the median get wider intervals (the scores are sorted),
    so the quantiles never cross. Shape ``(n, horizon, n_quantiles)``."""
    levels = check_quantiles(quantiles)
    require_scores(estimator.conformal_scores_)
    inner = [score_quantile(estimator.conformal_scores_, abs(2 * q - 1))
             for q in levels if q != 0.5]
    point, half_widths = bounds(estimator, X3, inner)
    out, widths = [], iter(half_widths)
    for q in levels:
        if q == 0.5:
            out.append(point)
        else:
            width = next(widths)
            out.append(point - width if q < 0.5 else point + width)
    return np.stack(out, axis=-1)
