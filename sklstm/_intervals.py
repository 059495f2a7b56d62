"""The forecasters' intervals, quantiles, variances and samples: calibration and answers.

Three sources (``interval_method``):

- ``"conformal"``: split conformal around the point forecast. The scores are the absolute
  errors of windows the network was not trained on (the latest: ``calibration_fraction``
  held out, or the early-stopping validation windows), optionally divided by each window's
  deviation of the target, so that intervals are wide in volatile stretches and narrow in
  calm ones.
- ``"head"``: the probabilistic head's own quantiles (``_heads``), mapped to the user's units.
- ``"cqr"``: the head's quantiles, each level moved by the conformal quantile of its signed
  errors on the held-out windows (conformalised quantile regression, one level at a time:
  a lower level ``q`` is calibrated so that at most a share ``q`` of values fall below it,
  an upper one so that at least ``q`` do not exceed it).

Scores are kept in time order (oldest first). ``calibration_decay`` weights them
geometrically towards the newest (Barber et al. 2023); ``update`` appends the scores of newly
observed windows, which with a decay is the adaptive, rolling form of the method.

Windows with series state: the head's spread is mapped to the user's units with the Theta
combination switched off (the spread is the network's), and centred on the combined point
forecast, so that the median is always ``predict``'s value.
"""

import copy
import warnings

import numpy as np

from . import _heads
from ._holdout import held_out_start
from .distributed._context import active as active_worker
from ._scaling import SCALINGS
from ._levels import check_coverage, check_quantiles

# At most this many held-out windows are scored at fit (evenly spread, in time order) and
# kept by ``update`` (the newest): bounds the model's size on large panels.
MAX_CALIBRATION = 8192
# The level grid that sampling interpolates the quantile function on.
_SAMPLE_LEVELS = np.linspace(0.005, 0.995, 199)


def median_channel(estimator):
    """Which output of the head is its median (its location)."""
    if estimator.head_ == "quantile":
        return estimator.quantile_levels_.index(0.5)
    return 0


def resolve_method(estimator, has_calibration):
    method = estimator.interval_method
    if method != "auto":
        return method
    if estimator.head_ is None:
        return "conformal"
    return "cqr" if has_calibration else "head"


def calibration_state(estimator, X3, y, n_held, use_early_stopping, scaling=None):
    """The fitted attributes of the intervals: ``interval_method_``, ``conformal_scores_``
    (time order; None without held-out windows or for the "head" method) and the scaling
    their scores were divided by (``_interval_scaling``; None: y's units)."""
    est = estimator
    n_train = X3.shape[0] - n_held
    worker = active_worker()
    start = held_out_start(est, X3.shape[0], n_held, use_early_stopping)
    method = resolve_method(est, start is not None)
    state = {"interval_method_": method, "conformal_scores_": None}
    if start is None or method == "head":
        if method == "cqr":
            raise ValueError(
                "interval_method='cqr' calibrates the head on windows held out of training, "
                "but none were: fit with calibration_fraction=0.1 (say) or with early "
                "stopping on, or use interval_method='head'."
            )
        return state
    rows = np.arange(start, X3.shape[0])
    cap = MAX_CALIBRATION if worker is None else max(1, MAX_CALIBRATION // worker.world_size)
    if len(rows) > cap:
        rows = rows[np.linspace(0, len(rows) - 1, cap).round().astype(int)]
    X_cal, y_cal = X3[rows], est._encode_y(y[rows])
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
    if worker is not None:  # every worker divides by the same statistics: the first's
        interval_scaling = worker.broadcast(interval_scaling)
    state["_interval_scaling"] = interval_scaling
    scaling = est.scaling_ if scaling is None else scaling
    if len(rows):
        scores = _scores(est, method, X_cal, y_cal, scaling, interval_scaling)
    else:  # a data-parallel worker without held-out windows
        tail = () if method == "conformal" else (len(_off_median(est.quantile_levels_)),)
        scores = np.empty((0, est.horizon_) + tail,
                          dtype=np.float64 if method == "conformal" else np.float32)
    if worker is not None:
        # The panel's calibration windows, merged in time order (the decay ages them).
        parts = worker.gather((worker.origins[rows], scores))
        times = np.concatenate([t for t, _ in parts])
        scores = np.concatenate([s for _, s in parts])[np.argsort(times, kind="stable")]
    state["conformal_scores_"] = scores
    return state


def _scores(est, method, X_cal, y_cal, scaling, interval_scaling):
    scales = window_scales(interval_scaling, X_cal)
    y_cal = np.asarray(y_cal, dtype=np.float64)
    if method == "conformal":
        point = scaling.decode(est._forward(X_cal), X_cal)
        return np.abs(y_cal - point) / scales
    levels = _off_median(est.quantile_levels_)
    predicted = head_quantiles(est, X_cal, levels, scaling=scaling)
    return ((y_cal[..., np.newaxis] - predicted) / scales[..., np.newaxis]).astype(np.float32)


def _off_median(levels):
    return [q for q in levels if q != 0.5]


def window_scales(interval_scaling, X3):
    """Per-window scale of the conformal scores: (n, 1)."""
    if interval_scaling is None:
        return np.ones((X3.shape[0], 1))
    _, scale = interval_scaling.statistics(X3)
    return scale[:, [interval_scaling.target_feature]]


def require_scores(estimator):
    """Refuse a model without calibration windows, saying how to get them."""
    if estimator.conformal_scores_ is None:
        raise ValueError(
            "prediction intervals need windows held out of training: fit with "
            "calibration_fraction=0.1 (say), or with early stopping on (or train a "
            "probabilistic head: criterion='quantile', 'normal' or 'student_t')."
        )


def conformal_quantile(scores, level, decay=None, per_step=1):
    """The conformal ``level`` quantile of time-ordered ``scores`` (axis 0), per column.

    The smallest score whose weighted share of the scores, with one more (the new window's)
    of weight 1 above them all, reaches ``level``; the weights are ``decay ** age`` (all 1
    without decay: the ``ceil((n + 1) * level)``-th smallest score), the age counted in time
    steps of ``per_step`` windows each, from the newest (a panel's series share a step). NaN
    scores (steps not observed yet, see ``update``) are left out: each column is aged among
    its own observed scores. Infinite where no score reaches it.
    """
    scores = np.asarray(scores, dtype=np.float64)
    observed = ~np.isnan(scores)
    # Each column is aged among its own observed scores (NaN: a step not observed yet).
    newer = np.cumsum(observed[::-1], axis=0)[::-1] - observed
    weights = observed.astype(np.float64)
    if decay not in (None, 1):
        weights *= float(decay) ** (newer // max(int(per_step), 1))
    order = np.argsort(np.where(observed, scores, np.inf), axis=0, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=0)
    share = np.cumsum(np.take_along_axis(weights, order, axis=0), axis=0) / (
        weights.sum(axis=0) + 1.0)
    reached = share >= level - 1e-12
    first = reached.argmax(axis=0)
    out = np.take_along_axis(ordered, first[np.newaxis], axis=0)[0]
    return np.where(reached.any(axis=0), out, np.inf)


def _per_step(estimator):
    # Models saved before 0.3 lack the attribute: one window a step, as they were fitted.
    return getattr(estimator, "windows_per_step_", 1)


def score_quantile(estimator, coverage):
    """The conformal ``coverage`` quantile of the absolute scores, per step (inf, with a
    warning, when too few windows were calibrated on)."""
    require_scores(estimator)
    check_coverage(coverage)
    quantile = conformal_quantile(estimator.conformal_scores_, coverage,
                                  estimator.calibration_decay, _per_step(estimator))
    if np.isinf(quantile).any():
        n_cal = estimator.conformal_scores_.shape[0]
        needed = int(np.ceil(coverage / (1 - coverage)))
        warnings.warn(
            f"coverage={coverage} needs at least {needed} calibration windows, but the model "
            f"was calibrated on {n_cal}: the interval is unbounded (-inf, inf). Raise "
            "calibration_fraction or lower coverage.",
            UserWarning,
            stacklevel=3,
        )
    return quantile


def spread_scaling(scaling):
    """The scaling that maps a head's spread to the user's units: ``scaling`` without the
    Theta combination of series-state windows (the spread is the network's alone)."""
    if getattr(scaling, "base_weight", 0.0):
        scaling = copy.copy(scaling)
        scaling.base_weight = 0.0
    return scaling


def head_quantiles(estimator, X3, levels, scaling=None, params=None):
    """The head's quantiles at ``levels`` in the user's units, ``(n, horizon, L)``: its
    spread mapped without the combination and centred on the point forecast."""
    est = estimator
    scaling = est.scaling_ if scaling is None else scaling
    params = est._forward_params(X3) if params is None else params
    median = params[..., median_channel(est)]
    point = scaling.decode(median, X3)
    spread = spread_scaling(scaling)
    base = point if spread is scaling else spread.decode(median, X3)
    network = _heads.head_quantiles(est.head_, params, est.quantile_levels_, levels)
    return np.stack([point + spread.decode(network[..., j], X3) - base
                     for j in range(len(levels))], axis=-1)


def cqr_quantiles(estimator, X3, levels):
    """The conformalised head's quantiles at ``levels``, ``(n, horizon, L)``."""
    est = estimator
    require_scores(est)
    fitted = list(est.quantile_levels_)
    off = _off_median(fitted)
    params = est._forward_params(X3)
    raw = head_quantiles(est, X3, off, params=params)
    scales = window_scales(getattr(est, "_interval_scaling", None), X3)[..., np.newaxis]
    moves = np.empty(raw.shape[1:])
    scores = est.conformal_scores_
    for j, q in enumerate(off):
        if q > 0.5:
            moves[:, j] = conformal_quantile(scores[..., j], q, est.calibration_decay,
                                             _per_step(est))
        else:
            moves[:, j] = -conformal_quantile(-scores[..., j], 1 - q, est.calibration_decay,
                                              _per_step(est))
    corrected = raw + moves[np.newaxis] * scales
    point = est.scaling_.decode(params[..., median_channel(est)], X3)[..., np.newaxis]
    below = [j for j, q in enumerate(off) if q < 0.5]
    above = [j for j, q in enumerate(off) if q > 0.5]
    # Each level is moved on its own: re-sort within each side of the median (the
    # rearrangement of Chernozhukov et al. 2010), which keeps them from crossing.
    lower = np.sort(np.minimum(corrected[..., below], point), axis=-1)
    upper = np.sort(np.maximum(corrected[..., above], point), axis=-1)
    values = np.concatenate([lower, point, upper], axis=-1)
    return _heads.interpolate(values, fitted, levels, "the calibrated levels",
                              "interval_method='head' with a distribution head")


def quantiles(estimator, X3, levels):
    """Quantiles ``(n, horizon, L)`` at ``levels`` (any order), by ``interval_method_``."""
    est = estimator
    levels = check_quantiles(levels)
    method = est.interval_method_
    if method == "head":
        return head_quantiles(est, X3, levels)
    if method == "cqr":
        order = np.argsort(levels)
        out = np.empty(X3.shape[:1] + (est.horizon_, len(levels)))
        out[..., order] = cqr_quantiles(est, X3, levels[order])
        return out
    return conformal_quantiles(est, X3, levels)


def conformal_quantiles(estimator, X3, levels):
    """Quantile ``q`` of each step: the lower bound of the central interval of coverage
    ``1 - 2q`` (``q < 0.5``), the point forecast (``q = 0.5``) or the upper bound of coverage
    ``2q - 1``. Levels further from the median get wider intervals, so the quantiles never
    cross. Shape ``(n, horizon, n_quantiles)``."""
    est = estimator
    point, scales = _point_and_scales(est, X3)
    out = []
    for q in levels:
        if q == 0.5:
            out.append(point)
            continue
        width = score_quantile(est, abs(2 * q - 1))[np.newaxis, :] * scales
        out.append(point - width if q < 0.5 else point + width)
    return np.stack(out, axis=-1)


def _point_and_scales(estimator, X3):
    """The point forecast ``(n, horizon)`` and each window's scale of the conformal scores
    ``(n, 1)``, for intervals around the point forecast."""
    require_scores(estimator)
    point = estimator.scaling_.decode(estimator._forward(X3), X3)
    return point, window_scales(getattr(estimator, "_interval_scaling", None), X3)


def interval(estimator, X3, coverage):
    """Bounds ``(n, horizon)`` of the central interval of ``coverage``."""
    coverage = check_coverage(coverage)
    if estimator.interval_method_ == "conformal":
        point, scales = _point_and_scales(estimator, X3)
        half = score_quantile(estimator, coverage)[np.newaxis, :] * scales
        return point - half, point + half
    bounds = quantiles(estimator, X3, [(1 - coverage) / 2, (1 + coverage) / 2])
    return bounds[..., 0], bounds[..., 1]


# The interquartile range of a normal distribution in standard deviations: the variance of
# a quantile-based forecast is read from it.
_NORMAL_IQR = 2 * 0.6744897501960817


def variance(estimator, X3):
    """Forecast variance per step ``(n, horizon)`` in the user's units: a distribution
    head's own (its spread mapped by the scaling's slope at the median, exact for the
    affine scalings), otherwise from the interquartile range as a normal one's."""
    est = estimator
    if est.head_ in ("normal", "student_t") and est.interval_method_ == "head":
        params = est._forward_params(X3)
        var = _heads.head_variance(est.head_, params)
        median = params[..., 0]
        spread = spread_scaling(est.scaling_)
        step = 1e-3
        slope = (spread.decode(median + step, X3) - spread.decode(median - step, X3)) / (
            2 * step)
        return var * slope**2
    q = quantiles(est, X3, [0.25, 0.75])
    return ((q[..., 1] - q[..., 0]) / _NORMAL_IQR) ** 2


def sample(estimator, X3, n_samples, rng):
    """Draws ``(n_samples, n, horizon)`` of each step's forecast distribution (marginal per
    step): inverse-transform sampling of the quantile function, interpolated between 199
    levels (within the fitted levels for a quantile head)."""
    est = estimator
    levels = _SAMPLE_LEVELS
    if est.interval_method_ != "head" or est.head_ == "quantile":
        low, high = _level_range(est)
        levels = np.linspace(low, high, 199)
    values = quantiles(est, X3, levels)
    # Beyond the levels the quantile function is known at, draws take the outermost value.
    u = np.clip(rng.uniform(size=(n_samples,) + values.shape[:-1]), levels[0], levels[-1])
    index = np.clip(np.searchsorted(levels, u), 1, len(levels) - 1)
    lo, hi = levels[index - 1], levels[index]
    t = (u - lo) / (hi - lo)
    values = np.broadcast_to(values, (n_samples,) + values.shape)
    below = np.take_along_axis(values, (index - 1)[..., np.newaxis], -1)[..., 0]
    above = np.take_along_axis(values, index[..., np.newaxis], -1)[..., 0]
    return (1 - t) * below + t * above


def _level_range(est):
    if est.interval_method_ == "conformal":
        n = est.conformal_scores_.shape[0]
        edge = max(0.005, 1.0 / (n + 1))  # the widest interval the scores bound
        return edge, 1 - edge
    return est.quantile_levels_[0], est.quantile_levels_[-1]


def update(estimator, X3, y):
    """Append the scores of newly observed windows (newest last), keeping the newest
    ``MAX_CALIBRATION``. NaN in y (steps not observed yet) gives NaN scores, which the
    quantiles leave out."""
    est = estimator
    require_scores(est)
    new = _scores(est, est.interval_method_, X3, est._encode_y(y), est.scaling_,
                  getattr(est, "_interval_scaling", None))
    scores = np.concatenate([est.conformal_scores_, new.astype(est.conformal_scores_.dtype)])
    return scores[-MAX_CALIBRATION:]
