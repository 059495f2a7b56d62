"""Scores of probabilistic forecasts, and scikit-learn scorers that tune with them.

- :func:`pinball_loss`: the quantile loss of forecasts of several quantiles;
- :func:`interval_score`: Gneiting & Raftery's interval score of central intervals (width plus
  a penalty for every miss), and :func:`msis`, M4's scaled version of it;
- :func:`crps_from_quantiles`: the continuous ranked probability score, approximated from
  forecasts of evenly spread quantiles (twice their mean pinball loss).

Lower is better for all of them. :func:`make_interval_scorer` and :func:`make_quantile_scorer`
wrap them as scorers for ``GridSearchCV`` / ``cross_val_score`` (negated, as scikit-learn's
scorers are "greater is better"): they call the estimator's ``predict_interval`` and
``predict_quantiles``.
"""

import numpy as np

from ._levels import check_coverage, check_quantiles

__all__ = [
    "crps_from_quantiles",
    "interval_score",
    "make_interval_scorer",
    "make_quantile_scorer",
    "msis",
    "pinball_loss",
]


def _as_float(values, name):
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must hold numbers.") from None


def pinball_loss(y_true, y_quantiles, quantiles):
    """Mean pinball (quantile) loss of forecasts of several quantiles.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, horizon)
    y_quantiles : array-like of shape y_true.shape + (n_quantiles,)
        The forecast of each quantile (last axis in the order of ``quantiles``).
    quantiles : array-like of shape (n_quantiles,)
        Levels in (0, 1).

    Returns
    -------
    float
        The mean over samples, steps and quantiles of ``max(q (y - f), (q - 1) (y - f))``.

    Examples
    --------
    >>> from sklstm.metrics import pinball_loss
    >>> round(pinball_loss([1.0, 2.0], [[0.5, 1.5], [2.0, 2.5]], quantiles=[0.1, 0.9]), 6)
    0.0375
    """
    q = check_quantiles(quantiles)
    y = _as_float(y_true, "y_true")
    f = _as_float(y_quantiles, "y_quantiles")
    if f.shape != y.shape + (q.size,):
        raise ValueError(f"y_quantiles must have shape y_true.shape + (n_quantiles,) = "
                         f"{y.shape + (q.size,)}; got {f.shape}.")
    error = y[..., np.newaxis] - f
    return float(np.mean(np.maximum(q * error, (q - 1) * error)))


def interval_score(y_true, lower, upper, coverage):
    """Mean interval score of central ``coverage`` intervals (Gneiting & Raftery, 2007).

    The width ``upper - lower``, plus ``2 / (1 - coverage)`` times the distance by which the
    value falls outside the interval: narrow intervals that still hold the values score best.

    Parameters
    ----------
    y_true, lower, upper : array-like of the same shape
    coverage : float in (0, 1)
        The intervals' nominal coverage (e.g. 0.95, M4's).

    Returns
    -------
    float

    Examples
    --------
    >>> from sklstm.metrics import interval_score
    >>> interval_score([1.0, 5.0], lower=[0.0, 0.0], upper=[2.0, 4.0], coverage=0.8)
    8.0
    """
    alpha = 1 - check_coverage(coverage)
    y, lo, hi = (_as_float(v, n) for v, n in ((y_true, "y_true"), (lower, "lower"),
                                                (upper, "upper")))
    if not y.shape == lo.shape == hi.shape:
        raise ValueError(f"y_true, lower and upper must have one shape; got {y.shape}, "
                         f"{lo.shape} and {hi.shape}.")
    score = (hi - lo) + 2 / alpha * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))
    return float(np.mean(score))


def msis(y_true, lower, upper, coverage, y_train, season_length=1):
    """M4's mean scaled interval score: :func:`interval_score` over the in-sample mean absolute
    seasonal difference of the series' training values.

    Parameters
    ----------
    y_true, lower, upper : array-like of shape (horizon,)
        One series' test values and its intervals.
    coverage : float in (0, 1)
    y_train : array-like of shape (n_train,)
        The series' training values.
    season_length : int, default=1
        The seasonal period of the scaling (M4: 24 hourly, 1 weekly/yearly, 12 monthly).

    Returns
    -------
    float
        The interval score in units of the series' typical seasonal change.

    Examples
    --------
    >>> from sklstm.metrics import msis
    >>> msis([3.0, 4.0], lower=[2.0, 3.0], upper=[4.0, 5.0], coverage=0.95,
    ...      y_train=[0.0, 1.0, 2.0])
    2.0
    """
    history = _as_float(y_train, "y_train").ravel()
    m = int(season_length)
    if m < 1 or history.size <= m:
        raise ValueError(f"y_train needs more than season_length={season_length} values; got "
                         f"{history.size}.")
    scale = np.mean(np.abs(history[m:] - history[:-m]))
    if not scale > 0:
        raise ValueError("y_train does not vary over a season: the scale of MSIS is 0.")
    return float(interval_score(y_true, lower, upper, coverage) / scale)


def crps_from_quantiles(y_true, y_quantiles, quantiles):
    """The CRPS approximated from forecasts of quantiles: twice their mean pinball loss.

    Exact in the limit of many evenly spread levels (e.g. 0.05, 0.10, ..., 0.95); with few
    levels it is the quantile-weighted score used by GluonTS and neuralforecast.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, horizon)
    y_quantiles : array-like of shape y_true.shape + (n_quantiles,)
    quantiles : array-like of shape (n_quantiles,)

    Returns
    -------
    float
        In the units of ``y_true`` (as the MAE of a point forecast, which it equals for a
        forecast without spread).

    Examples
    --------
    >>> from sklstm.metrics import crps_from_quantiles
    >>> crps_from_quantiles([1.0], [[0.0, 1.0, 2.0]], quantiles=[0.25, 0.5, 0.75])
    0.3333333333333333
    """
    return 2 * pinball_loss(y_true, y_quantiles, quantiles)


class _Scorer:
    """A scikit-learn scorer calling ``predict_interval`` or ``predict_quantiles``."""

    def __init__(self, kind, **options):
        self.kind = kind
        self.options = options

    def __call__(self, estimator, X, y, sample_weight=None):
        if self.kind == "interval":
            coverage = self.options["coverage"]
            lower, upper = estimator.predict_interval(X, coverage=coverage)
            return -interval_score(y, lower, upper, coverage)
        quantiles = self.options["quantiles"]
        predicted = estimator.predict_quantiles(X, quantiles=quantiles)
        score = crps_from_quantiles if self.kind == "crps" else pinball_loss
        return -score(np.asarray(y, dtype=np.float64).reshape(predicted.shape[:-1]), predicted,
                      quantiles)

    def __repr__(self):
        options = [f"{k}={v!r}" for k, v in self.options.items()]
        if self.kind == "crps":
            options.append("score='crps'")
        name = "interval" if self.kind == "interval" else "quantile"
        return f"make_{name}_scorer({', '.join(options)})"


def make_interval_scorer(coverage=0.9):
    """A scorer (for ``GridSearchCV(scoring=...)``) of the negated :func:`interval_score` of
    the estimator's ``predict_interval(X, coverage)``.

    Parameters
    ----------
    coverage : float in (0, 1), default=0.9

    Returns
    -------
    callable
        ``scorer(estimator, X, y) -> float``, greater is better.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklstm import LSTMForecaster, make_sequences
    >>> from sklstm.metrics import make_interval_scorer
    >>> X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=12)
    >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, calibration_fraction=0.2,
    ...                        random_state=0)
    >>> scores = cross_val_score(model, X, y, cv=2, scoring=make_interval_scorer(0.8))
    >>> bool(np.all(scores < 0))
    True
    """
    return _Scorer("interval", coverage=check_coverage(coverage))


def make_quantile_scorer(quantiles=(0.1, 0.5, 0.9), score="pinball"):
    """A scorer of the negated :func:`pinball_loss` (or :func:`crps_from_quantiles`) of the
    estimator's ``predict_quantiles(X, quantiles)``.

    Parameters
    ----------
    quantiles : array-like of float in (0, 1), default=(0.1, 0.5, 0.9)
    score : {"pinball", "crps"}, default="pinball"

    Returns
    -------
    callable
        The scorer: ``scorer(estimator, X, y)`` is minus the mean loss of the estimator's
        quantiles on ``X`` against ``y`` (0 at best).

    Examples
    --------
    >>> from sklstm.metrics import make_quantile_scorer
    >>> make_quantile_scorer((0.05, 0.5, 0.95), score="crps")
    make_quantile_scorer(quantiles=(0.05, 0.5, 0.95), score='crps')
    """
    if score not in ("pinball", "crps"):
        raise ValueError(f"score must be 'pinball' or 'crps'; got {score!r}.")
    check_quantiles(quantiles)
    return _Scorer(score, quantiles=tuple(float(q) for q in quantiles))
