"""Seasonal adjustment of series: take a regular season out before a network, put it back after.

A recurrent network trained on a few years of monthly data cannot see, in a 12-18-month
window, the long-run mean of each calendar month that a climatology averages over every past
year; it learns the season from noise instead. Removing each series' seasonal profile first
(classical decomposition, as the M4 competition's benchmarks and ES-RNN do) leaves the network
the part it can forecast, and the profile is added back to its forecasts.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._params import IntInterval

__all__ = ["Deseasonalizer", "choose_model", "infer_season_length", "is_seasonal"]

# Season length of a calendar step (the pandas offset's base name, without anchors):
# the cycle most series of that step carry (a year of months/quarters, a week of days...).
_SEASONS = {"M": 12, "MS": 12, "ME": 12, "BM": 12, "BMS": 12, "BME": 12, "SM": 24,
            "SMS": 24, "Q": 4, "QS": 4, "QE": 4, "BQ": 4, "BQS": 4, "BQE": 4,
            "W": 52, "D": 7, "B": 5, "h": 24, "H": 24, "bh": 8, "BH": 8}
_MODELS = ("additive", "multiplicative", "auto")


def infer_season_length(index):
    """The season length of a regular time index, from its frequency; None when unknown.

    Monthly -> 12, quarterly -> 4, weekly -> 52, daily -> 7, business daily -> 5,
    hourly -> 24; yearly, sub-hourly and integer indexes have none.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.seasonal import infer_season_length
    >>> infer_season_length(pd.date_range("2020-01-01", periods=30, freq="MS"))
    12
    >>> infer_season_length(pd.RangeIndex(30)) is None
    True
    """
    freq = getattr(index, "freq", None)
    if freq is None and isinstance(index, pd.DatetimeIndex) and len(index) >= 3:
        freq = pd.infer_freq(index)
    if freq is None:
        return None
    offset = pd.tseries.frequencies.to_offset(freq)
    if offset.n != 1:
        return None
    name = offset.name.split("-")[0]
    return _SEASONS.get(name)


def _acf(values, max_lag):
    centred = values - values.mean()
    denominator = np.sum(centred**2)
    return np.array([np.sum(centred[lag:] * centred[: len(centred) - lag]) / denominator
                     for lag in range(1, max_lag + 1)])


def is_seasonal(values, season_length):
    """Whether a series' autocorrelation at lag ``season_length`` is significant (90%).

    The M4 competition's test: ``|r_m| > 1.645 * sqrt((1 + 2 * sum_{k<m} r_k^2) / n)``;
    a series shorter than three seasons, or a constant one, is not seasonal. A strong trend
    passes it too (its autocorrelation is high at every lag); the classical decomposition
    then finds a flat profile.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.seasonal import is_seasonal
    >>> t = np.arange(120)
    >>> noise = np.random.default_rng(0).normal(size=120)
    >>> is_seasonal(np.sin(2 * np.pi * t / 12), 12), is_seasonal(noise, 12)
    (True, False)
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    m = int(season_length)
    if m < 2 or len(values) < 3 * m or np.ptp(values) == 0:
        return False
    r = _acf(values, m)
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / len(values))
    return bool(abs(r[-1]) > limit)


def _centred_moving_average(values, m):
    """The m-step centred moving average (2 x m for even m), NaN where it does not reach."""
    weights = np.ones(m + 1 - m % 2)
    if m % 2 == 0:
        weights[[0, -1]] = 0.5
    weights /= m
    trend = np.full(len(values), np.nan)
    half = len(weights) // 2
    if len(values) >= len(weights):
        trend[half : len(values) - half] = np.convolve(values, weights, mode="valid")
    return trend


def _extend_ends(trend, m):
    """Fill the NaN ends of a moving average in place by straight lines fitted to its
    first / last ``m`` values."""
    known = np.flatnonzero(~np.isnan(trend))
    if len(known) < 2:
        return
    for side in (known[:m], known[-m:]):
        slope, intercept = np.polyfit(side, trend[side], 1)
        missing = np.arange(0, known[0]) if side[0] == known[0] else np.arange(
            known[-1] + 1, len(trend))
        trend[missing] = intercept + slope * missing


def _trend(values, m):
    """The centred moving average, extended over the half season at each end."""
    trend = _centred_moving_average(values, m)
    # The average does not reach the first and last half season; extending it there (on
    # the line through its nearest season of values) lets every year of a short series count
    # in the profile, and keeps a linear trend out of it.
    _extend_ends(trend, m)
    return trend


def seasonal_profile(values, season_length, model, trend=None):
    """The classical decomposition's seasonal indices, one per phase (phase 0 = first value).

    Each value over (or minus) its centred moving average, averaged per phase and
    normalised to mean 1 (or 0): a trend does not leak into the season.
    """
    values = np.asarray(values, dtype=float)
    m = int(season_length)
    trend = _trend(values, m) if trend is None else trend
    ratio = values / trend if model == "multiplicative" else values - trend
    phases = np.arange(len(values)) % m
    profile = np.array([np.nanmean(ratio[phases == p]) if np.any(
        ~np.isnan(ratio[phases == p])) else np.nan for p in range(m)])
    if np.isnan(profile).any():
        return None  # too short to see every phase detrended
    if model == "multiplicative":
        return profile / profile.mean()
    return profile - profile.mean()


def choose_model(values, season_length):
    """"multiplicative" when trend x season fits a positive series better than trend +
    season (smaller sum of squared residuals), else "additive"."""
    values = np.asarray(values, dtype=float)
    m = int(season_length)
    if not np.nanmin(values) > 0:
        return "additive"
    trend = _trend(values, m)
    phase = np.arange(len(values)) % m
    errors = {}
    for model in ("additive", "multiplicative"):
        profile = seasonal_profile(values, m, model, trend=trend)
        if profile is None:
            return "additive"
        fitted = trend * profile[phase] if model == "multiplicative" else trend + profile[phase]
        errors[model] = np.nansum((values - fitted) ** 2)
    return "multiplicative" if errors["multiplicative"] < errors["additive"] else "additive"


def _as_frame(X):
    """X as a DataFrame on a time index (rows of an array: positions 0, 1, ...)."""
    if isinstance(X, pd.Series):
        return X.to_frame()
    if isinstance(X, pd.DataFrame):
        return X
    return pd.DataFrame(np.asarray(X, dtype=float))


def _series_rows(frame):
    """``[(series key, row positions, time labels), ...]``; key None for a plain frame."""
    if not isinstance(frame.index, pd.MultiIndex):
        return [(None, np.arange(len(frame)), frame.index)]
    levels = list(range(frame.index.nlevels - 1))
    by = levels if len(levels) > 1 else levels[0]
    groups = frame.groupby(level=by, sort=False).indices
    times = frame.index.get_level_values(-1)
    return [(key, rows, times[rows]) for key, rows in groups.items()]


def _positions(index, anchor, step):
    """Steps from ``anchor`` to each label of ``index`` (labels on the anchor's grid)."""
    if isinstance(index, pd.PeriodIndex):
        return (index.asi8 - anchor.ordinal) // step
    if isinstance(index, pd.DatetimeIndex):
        offset = pd.tseries.frequencies.to_offset(step)
        ahead = pd.date_range(anchor, max(anchor, index.max()), freq=offset)
        n_back = len(pd.date_range(min(anchor, index.min()), anchor, freq=offset))
        behind = pd.DatetimeIndex([anchor - k * offset for k in range(n_back, 0, -1)])
        grid = behind.append(ahead)
        found = grid.get_indexer(index)
        if len(ahead) == 0 or ahead[0] != anchor or (found < 0).any():
            raise ValueError(
                f"X's time labels are not on the grid of step {offset.freqstr} through "
                f"{anchor} that the Deseasonalizer was fitted on; pass data at the fitted "
                "frequency."
            )
        return found - len(behind)
    return np.round((np.asarray(index, dtype=float) - anchor) / step).astype(int)


def _step(index):
    if isinstance(index, pd.PeriodIndex):
        return index.freq.n
    if isinstance(index, pd.DatetimeIndex):
        return index.freq or pd.infer_freq(index)
    diffs = np.diff(np.asarray(index, dtype=float))
    return float(np.median(diffs)) if len(diffs) else 1.0


class Deseasonalizer(TransformerMixin, BaseEstimator):
    """Remove each series' seasonal profile, and put it back on forecasts.

    Fits, per series (and column), the seasonal indices of a classical decomposition
    (values over their centred moving average, averaged per phase of the season), but only
    where the series is seasonal (:func:`is_seasonal`); the others pass unchanged.
    ``transform`` subtracts (divides by) the index of each value's phase, ``inverse_transform``
    adds (multiplies) it back, for any time labels on the fitted grid, the future included:
    deseasonalise the history, forecast it, re-seasonalise the forecast.

    Parameters
    ----------
    season_length : "auto" or int, default="auto"
        Steps per season. "auto": from the time index's frequency
        (:func:`infer_season_length`: 12 for months, 4 for quarters, 7 for days, 24 for
        hours...); an index without one (integers, yearly data) is left unchanged.
    model : {"additive", "multiplicative", "auto"}, default="additive"
        How the season combines with the level. "multiplicative" (seasons that grow with
        the level) needs positive values; "auto": per series, the one whose decomposition
        fits the series better (:func:`choose_model`; additive for series with values <= 0).
    test_seasonality : bool, default=True
        Adjust only the series whose autocorrelation at the season's lag is significant;
        False: every series long enough to estimate the profile (two seasons).

    Attributes
    ----------
    season_length_ : int or None
        The season length used (None: no season known; nothing is adjusted).
    series_ : list
        The series keys seen in fit (None for a single series or a plain frame).
    profiles_ : dict
        ``{(series key, column position): (model, first time label, step, indices)}`` of
        every adjusted series; series that are not seasonal are absent.
    n_features_in_ : int
        Columns seen in fit.
    feature_names_in_ : ndarray of str
        Column names, when fit on a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import Deseasonalizer
    >>> index = pd.date_range("2000-01-01", periods=48, freq="MS")
    >>> y = pd.Series(10 + np.tile([3.0, 1.0, -1.0, -3.0], 12), index=index)
    >>> adjusted = Deseasonalizer().fit_transform(y)
    >>> np.allclose(adjusted, 10)
    True
    >>> future = pd.Series(10.0, index=pd.date_range("2004-01-01", periods=4, freq="MS"))
    >>> Deseasonalizer().fit(y).inverse_transform(future).round(6).tolist()
    [13.0, 11.0, 9.0, 7.0]
    """

    _parameter_constraints = {
        "season_length": [StrOptions({"auto"}), IntInterval(2, None, closed="left")],
        "model": [StrOptions(set(_MODELS))],
        "test_seasonality": ["boolean"],
    }

    def __init__(self, season_length="auto", model="additive", test_seasonality=True):
        self.season_length = season_length
        self.model = model
        self.test_seasonality = test_seasonality

    def fit(self, X, y=None):
        """Estimate the seasonal profile of each series of ``X``.

        Parameters
        ----------
        X : pandas Series or DataFrame, or array-like of shape (n_times, n_series)
            Time-ordered values, oldest first; each column is a series. A (series, time)
            MultiIndex holds many series (every column of each). The phase of each value is
            read from its time label (an array's rows are positions 0, 1, ...).
        y : None
            Ignored.

        Returns
        -------
        self : Deseasonalizer
        """
        self._validate_params()
        frame = self._validated_frame(X, reset=True)
        rows = _series_rows(frame)
        self.season_length_ = (infer_season_length(rows[0][2]) if self.season_length == "auto"
                               else int(self.season_length))
        self.series_ = [key for key, _, _ in rows]
        self.profiles_ = {}
        values = frame.to_numpy(dtype=float)
        for key, positions, times in rows:
            for column in range(values.shape[1]):
                profile = self._fit_one(values[positions, column], key, column)
                if profile is not None:
                    self.profiles_[(key, column)] = (profile[0], times[0], _step(times),
                                                     profile[1])
        return self

    def _validated_frame(self, X, reset):
        """X checked as scikit-learn does (numbers, columns, no inf) and as a DataFrame."""
        # A Series' name is not a feature name (a forecast is called "forecast").
        checked = validate_data(self, X.to_frame().to_numpy() if isinstance(X, pd.Series) else X,
                                reset=reset, ensure_all_finite="allow-nan")
        return _as_frame(X if isinstance(X, (pd.Series, pd.DataFrame)) else checked)

    def _fit_one(self, values, key, column):
        m = self.season_length_
        if m is None or np.sum(~np.isnan(values)) < 2 * m:
            return None
        if self.test_seasonality and not is_seasonal(values, m):
            return None
        model = self.model
        if model == "auto":
            model = choose_model(values, m)
        if model == "multiplicative" and not np.nanmin(values) > 0:
            where = f"column {column}" + ("" if key is None else f" of series {key!r}")
            raise ValueError(
                f"model='multiplicative' needs positive values, but {where} has "
                f"{np.nanmin(values)}; use model='additive' (or 'auto')."
            )
        profile = seasonal_profile(values, m, model)
        return None if profile is None else (model, profile)

    def _apply(self, X, inverse):
        check_is_fitted(self, "profiles_")
        if inverse:
            # Forecasts put back in season carry their own column names: only the count counts.
            frame = _as_frame(X if isinstance(X, (pd.Series, pd.DataFrame)) else check_array(
                X, ensure_all_finite="allow-nan"))
            if frame.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {frame.shape[1]} features (columns), but Deseasonalizer was "
                    f"fitted on {self.n_features_in_}; pass one column per fitted column."
                )
        else:
            frame = self._validated_frame(X, reset=False)
        values = frame.to_numpy(dtype=float, copy=True)
        for key, positions, times in _series_rows(frame):
            if key not in self.series_:
                raise ValueError(
                    f"series {key!r} of X was not seen in fit (fitted: {self.series_[:5]}"
                    f"{' ...' if len(self.series_) > 5 else ''}); fit the Deseasonalizer on "
                    "every series it will transform."
                )
            for column in range(values.shape[1]):
                if (key, column) not in self.profiles_:
                    continue
                model, anchor, step, profile = self.profiles_[(key, column)]
                index = profile[_positions(times, anchor, step) % len(profile)]
                part = values[positions, column]
                if model == "multiplicative":
                    part = part * index if inverse else part / index
                else:
                    part = part + index if inverse else part - index
                values[positions, column] = part
        if isinstance(X, pd.Series):
            return pd.Series(values[:, 0], index=X.index, name=X.name)
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(values, index=X.index, columns=X.columns)
        return values

    def transform(self, X):
        """X without each series' seasonal profile (same type, index and columns)."""
        return self._apply(X, inverse=False)

    def inverse_transform(self, X):
        """The seasonal profile put back (e.g. on a forecast indexed by future time labels)."""
        return self._apply(X, inverse=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.requires_fit = True
        return tags
