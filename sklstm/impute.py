"""Fill gaps along the time axis, and put missing timestamps back as explicit gaps."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ._time import check_time_index, infer_calendar_freq, is_time_index
from ._validation import to_numpy_input, validate_sequences

__all__ = ["TimeSeriesImputer", "reinstate_missing_timestamps"]

_BUSINESS_OFFSETS = (
    pd.offsets.BusinessDay,
    pd.offsets.CustomBusinessDay,
    pd.offsets.BusinessHour,
    pd.offsets.CustomBusinessHour,
)


def reinstate_missing_timestamps(data, freq=None):
    """Return ``data`` reindexed on its full regular time grid, absent timestamps as NaN rows.

    Parameters
    ----------
    data : pandas Series or DataFrame with a DatetimeIndex or PeriodIndex
        Time-ordered data (sorted, no duplicated timestamps) whose index lacks some
        timestamps of a regular grid (a PeriodIndex: some periods).
    freq : str, pandas offset or None, default=None
        Frequency of the grid (``"D"``, ``"MS"``, ...). None: the index's own ``freq``, else
        the plain calendar step that every gap is a multiple of (whole months for
        month-aligned data). Business-day and other calendars are never guessed: daily data
        lacking its weekends gets its weekends back. Ambiguous indexes are refused; pass
        ``freq=`` then.

    Returns
    -------
    Series or DataFrame
        Same values on every original timestamp, a NaN row on every missing one.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import reinstate_missing_timestamps
    >>> s = pd.Series([1.0, 2.0, 4.0],
    ...               index=pd.to_datetime(["2020-01-01", "2020-02-01", "2020-04-01"]))
    >>> reinstate_missing_timestamps(s).tolist()
    [1.0, 2.0, nan, 4.0]
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise TypeError(f"data must be a pandas Series or DataFrame; got {type(data).__name__}.")
    if isinstance(data.index, pd.PeriodIndex):
        # Periods carry their frequency: the grid is every period from the first to the last.
        check_time_index(data.index, "data", warn_irregular=False)
        if freq is not None and pd.tseries.frequencies.to_offset(freq) != data.index.freq:
            raise ValueError(
                f"freq={freq!r} disagrees with the PeriodIndex's frequency "
                f"{data.index.freqstr!r}; leave freq=None."
            )
        full = pd.period_range(data.index[0], data.index[-1], freq=data.index.freq)
        return data.reindex(full.rename(data.index.name)) if len(data.index) else data.copy()
    if not isinstance(data.index, pd.DatetimeIndex):
        raise TypeError(
            f"data must have a DatetimeIndex or PeriodIndex; got {type(data.index).__name__}. "
            "Set one with data.set_index(pd.to_datetime(...))."
        )
    index = data.index
    check_time_index(index, "data", warn_irregular=False)
    if len(index) < 2:
        return data.copy()
    if freq is None:
        freq = index.freq
        if freq is None or isinstance(freq, _BUSINESS_OFFSETS):
            # A business calendar is never assumed: missing weekends are real gaps.
            freq = infer_calendar_freq(index)
        if freq is None:
            steps = pd.Series(np.diff(index)).value_counts().head(3)
            raise ValueError(
                "cannot tell the frequency of data's index: its steps "
                f"({', '.join(str(pd.Timedelta(k)) for k in steps.index)}, ...) have no common "
                "calendar step that also occurs in the data. Pass freq=, e.g. freq='D' or "
                "freq='MS'."
            )
    full = pd.date_range(index[0], index[-1], freq=freq)
    extra = index.difference(full)
    if len(extra):
        raise ValueError(
            f"timestamps {extra[:3].tolist()} are off the regular grid of frequency {freq!r}; "
            "pass the right freq= or resample the data first."
        )
    return data.reindex(full)


def _previous_valid(valid):
    """Position of the last valid value at or before each position along axis 0 (-1: none)."""
    pos = np.arange(valid.shape[0]).reshape((-1,) + (1,) * (valid.ndim - 1))
    return np.maximum.accumulate(np.where(valid, pos, -1), axis=0)


def _next_valid(valid):
    """Position of the first valid value at or after each position along axis 0 (n: none)."""
    n = valid.shape[0]
    return n - 1 - _previous_valid(valid[::-1])[::-1]


def fill_along_time(X, strategy):
    """Fill NaN along axis 0 from the nearest valid values before and after."""
    valid = ~np.isnan(X)
    n = X.shape[0]
    prev, nxt = _previous_valid(valid), _next_valid(valid)
    has_prev, has_next = prev >= 0, nxt < n
    before = np.take_along_axis(X, np.clip(prev, 0, n - 1), axis=0)
    after = np.take_along_axis(X, np.clip(nxt, 0, n - 1), axis=0)
    if strategy == "ffill":
        between = before
    elif strategy == "neighbor_mean":
        between = (before + after) / 2
    else:  # linear
        pos = np.arange(n).reshape((-1,) + (1,) * (X.ndim - 1))
        span = np.where(nxt > prev, nxt - prev, 1)
        between = before + (after - before) * (pos - prev) / span
    # At the edges only one side exists: carry that value.
    filled = np.where(has_prev & has_next, between, np.where(has_prev, before, after))
    return np.where(valid, X, filled)


def _fill_seasonal(X, period):
    """Fill NaN with the value one period earlier (or the nearest earlier/later cycle).

    A phase that is never observed stays NaN: the caller reports it.
    """
    out = X.copy()
    for phase in range(min(period, X.shape[0])):
        values = X[phase::period]
        observed = ~np.isnan(values).all(axis=0)
        out[phase::period] = np.where(observed, fill_along_time(values, "ffill"), values)
    return out


class TimeSeriesImputer(TransformerMixin, BaseEstimator):
    """Fill missing values along time, in a series or inside each sequence.

    The shapes follow sklstm's one convention (see the user guide): arrays are samples
    first, so 2-D X is ``(n_samples, n_timesteps)`` and each row is filled along its time
    steps, and 3-D X ``(n_samples, n_timesteps, n_features)`` is filled along the steps of
    each sequence. A pandas Series, or a DataFrame with a DatetimeIndex or PeriodIndex, is a
    time series: filled down its rows, one column per feature (its index must be sorted).
    Values are taken from the data being transformed only; nothing is learned in fit but
    the shape, so the imputer cannot carry information across CV folds.

    Parameters
    ----------
    strategy : {"neighbor_mean", "linear", "ffill", "seasonal"}, default="neighbor_mean"
        - "neighbor_mean": mean of the previous and the next observed value (the weather
          tutorial's rule);
        - "linear": linear interpolation in position between those two values;
        - "ffill": the previous observed value (causal: uses no future value);
        - "seasonal": the value at the same position one ``period`` earlier (causal), or of
          the nearest earlier cycle holding a value.

        Gaps at the start or end, having only one neighbour, take that neighbour's value
        (for "seasonal", the nearest later cycle's). A gap that cannot be filled (a season
        never observed, a sequence with no value) raises a ValueError naming it.
    period : int or None, default=None
        Season length in steps, required for ``strategy="seasonal"`` (12 for monthly data).

    Attributes
    ----------
    n_features_in_ : int
        Columns seen in fit.
    feature_names_in_ : ndarray of str
        Column names, when fit on a DataFrame with string column names.

    Notes
    -----
    "neighbor_mean" and "linear" use the next observation to fill a gap, so a filled value
    can carry information from its future. Inside a forecasting pipeline prefer "ffill" or
    "seasonal", or fill before cutting windows as the weather tutorial does.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import TimeSeriesImputer
    >>> X = np.array([[1.0, np.nan, 5.0, np.nan]])          # one sequence of 4 steps
    >>> TimeSeriesImputer().fit_transform(X)
    array([[1., 3., 5., 5.]])
    >>> s = pd.Series([1.0, None, 5.0], index=pd.date_range("2020-01", periods=3, freq="MS"))
    >>> TimeSeriesImputer(strategy="linear").fit_transform(s).tolist()
    [1.0, 3.0, 5.0]
    """

    _parameter_constraints = {
        "strategy": [StrOptions({"neighbor_mean", "linear", "ffill", "seasonal"})],
        "period": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(self, strategy="neighbor_mean", *, period=None):
        self.strategy = strategy
        self.period = period

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and record the shape of X."""
        if self.strategy == "seasonal" and self.period is None:
            raise ValueError(
                "strategy='seasonal' needs period=<season length in steps>, e.g. period=12 "
                "for monthly data with a yearly season."
            )
        self._validate(X, reset=True)
        return self

    def _validate(self, X, reset):
        """``(values, time_major)``: validated values and whether rows are time."""
        X = to_numpy_input(X)
        time_major = isinstance(X, pd.Series) or (
            isinstance(X, pd.DataFrame) and is_time_index(X.index)
        )
        if time_major:
            check_time_index(X.index, "X", warn_irregular=False)
            if isinstance(X, pd.Series):
                X = X.to_frame()
        values = validate_sequences(self, X, reset=reset, allow_nan=True, fixed_timesteps=False)
        return values, time_major

    def transform(self, X):
        """Return X with every NaN filled; pandas input keeps its index and columns."""
        check_is_fitted(self)
        values, time_major = self._validate(X, reset=False)
        # Put time on axis 0: (n_times, n_series, n_features).
        if time_major:
            along_time = values[:, np.newaxis, :]
        elif values.ndim == 2:
            along_time = values.T[:, :, np.newaxis]
        else:
            along_time = values.transpose(1, 0, 2)
        if self.strategy == "seasonal":
            filled = _fill_seasonal(along_time, self.period)
        else:
            filled = fill_along_time(along_time, self.strategy)
        self._check_all_filled(filled, time_major, values.ndim)
        if time_major:
            filled = filled[:, 0, :]
        elif values.ndim == 2:
            filled = filled[:, :, 0].T
        else:
            filled = filled.transpose(1, 0, 2)
        if isinstance(X, pd.Series):
            return pd.Series(filled[:, 0], index=X.index, name=X.name)
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(filled, index=X.index, columns=X.columns)
        return filled

    def _check_all_filled(self, filled, time_major, ndim):
        """Raise naming the gaps a strategy left (filled is (n_times, n_series, n_features))."""
        left = np.isnan(filled)
        if not left.any():
            return
        step, series, feature = (int(v) for v in np.argwhere(left)[0])
        n_left = int(left.sum())
        if time_major:
            where = f"row {step} of column {feature}"
        elif ndim == 2:
            where = f"sample {series}, step {step}"
        else:
            where = f"sample {series}, step {step}, feature {feature}"
        empty = left.all(axis=0)
        if empty.any():
            raise ValueError(
                f"X has sequence(s) with no observed value at all ({where}); there is nothing "
                "to fill them from. Drop them or fill them first. Note: 2-D arrays are "
                "(n_samples, n_timesteps), each row one sequence; to fill a time-major series "
                "(rows are time), pass a pandas Series/DataFrame with a DatetimeIndex or "
                "PeriodIndex, or transpose it."
            )
        raise ValueError(
            f"strategy='seasonal' with period={self.period} left {n_left} gap(s) unfilled "
            f"(first: {where}): that season is never observed in the sequence (it is missing "
            "every cycle, or the period is as long as the data). Use strategy='linear' or "
            "'ffill', which fill every gap of a sequence with at least one value."
        )

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the input ones (imputation keeps every column)."""
        check_is_fitted(self)
        return _check_feature_names_in(self, input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        return tags
