"""Fill gaps along the time axis, and put missing timestamps back as explicit gaps."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from ._validation import to_numpy_input, validate_sequences

__all__ = ["TimeSeriesImputer", "reinstate_missing_timestamps"]


def reinstate_missing_timestamps(data, freq=None):
    """Return ``data`` reindexed on its full regular time grid, absent timestamps as NaN rows.

    Parameters
    ----------
    data : pandas Series or DataFrame with a DatetimeIndex
        Time-ordered data whose index lacks some timestamps of a regular grid.
    freq : str or None, default=None
        Frequency of the grid (``"D"``, ``"MS"``, ...). None infers it from the index (its
        ``freq`` or the most common step); pass it when the gaps make inference ambiguous.

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
    >>> reinstate_missing_timestamps(s, freq="MS").tolist()
    [1.0, 2.0, nan, 4.0]
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        raise TypeError(f"data must be a pandas Series or DataFrame; got {type(data).__name__}.")
    if not isinstance(data.index, pd.DatetimeIndex):
        raise TypeError(
            f"data must have a DatetimeIndex; got {type(data.index).__name__}. "
            "Set one with data.set_index(pd.to_datetime(...))."
        )
    if data.index.has_duplicates:
        dup = data.index[data.index.duplicated()][:3].tolist()
        raise ValueError(f"data has duplicate timestamps, e.g. {dup}; aggregate them first.")
    index = data.index.sort_values()
    if freq is None:
        freq = index.freq
        if freq is None and len(index) >= 3:
            freq = pd.infer_freq(index)
        if freq is None:
            steps = pd.Series(index[1:] - index[:-1])
            if steps.empty:
                return data.sort_index()
            freq = steps.mode().iloc[0]
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
    """Fill NaN with the value one period earlier (or the nearest earlier/later cycle)."""
    out = X.copy()
    for phase in range(min(period, X.shape[0])):
        out[phase::period] = fill_along_time(X[phase::period], "ffill")
    return out


class TimeSeriesImputer(TransformerMixin, BaseEstimator):
    """Fill missing values along time, in a series or inside each sequence.

    2-D input is time-ordered rows ``(n_times, n_features)`` filled down each column; 3-D input
    ``(n_samples, n_timesteps, n_features)`` is filled along the time steps of each sequence.
    Values are taken from the data being transformed only; nothing is learned in fit but the
    shape, so the imputer cannot carry information across CV folds.

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
        (for "seasonal", the nearest later cycle's).
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
    >>> from sklstm import TimeSeriesImputer
    >>> X = np.array([[1.0], [np.nan], [5.0], [np.nan]])
    >>> TimeSeriesImputer().fit_transform(X).ravel()
    array([1., 3., 5., 5.])
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
        X = to_numpy_input(X)
        if isinstance(X, pd.Series):
            X = X.to_frame()
        return validate_sequences(self, X, reset=reset, allow_nan=True, fixed_timesteps=False)

    def transform(self, X):
        """Return X with every NaN filled; pandas input keeps its index and columns."""
        check_is_fitted(self)
        values = self._validate(X, reset=False)
        # Put time on axis 0: rows for 2-D data, steps for 3-D sequences.
        along_time = values if values.ndim == 2 else values.transpose(1, 0, 2)
        empty = np.isnan(along_time).all(axis=0)
        if empty.any():
            where = np.argwhere(empty)[:3].tolist()
            raise ValueError(
                f"X has series with no observed value at all (column/sequence positions "
                f"{where}); there is nothing to fill them from. Drop them or fill them first."
            )
        if self.strategy == "seasonal":
            filled = _fill_seasonal(along_time, self.period)
        else:
            filled = fill_along_time(along_time, self.strategy)
        filled = filled if values.ndim == 2 else filled.transpose(1, 0, 2)
        if isinstance(X, pd.Series):
            return pd.Series(filled[:, 0], index=X.index, name=X.name)
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(filled, index=X.index, columns=X.columns)
        return filled

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: the input ones (imputation keeps every column)."""
        check_is_fitted(self)
        return _check_feature_names_in(self, input_features)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        return tags
