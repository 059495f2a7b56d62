"""The time-order contract: one place that checks an index before anything is cut or filled.

Every entry point that receives a time index (``make_sequences`` and its ``history=``,
``TimeSeriesImputer``, ``reinstate_missing_timestamps``, ``forecast``) calls these functions,
so that an unsorted, duplicated, misaligned or mixed-timezone index is refused the same way
everywhere, and a future index is built the same way everywhere.
"""

import math
import warnings
from functools import reduce

import numpy as np
import pandas as pd

__all__ = [
    "IrregularTimeIndexWarning",
    "check_time_index",
    "future_index",
    "index_step",
    "infer_calendar_freq",
]

_NS_PER_DAY = 86_400 * 10**9


class IrregularTimeIndexWarning(UserWarning):
    """A DatetimeIndex has gaps of different lengths: some timestamps are probably missing.

    Windows are cut by row, so a window over such an index may span a gap. Put the missing
    timestamps back with :func:`sklstm.reinstate_missing_timestamps` and fill them with
    :class:`sklstm.TimeSeriesImputer`, or silence the warning by type.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> from sklstm import make_sequences
    >>> from sklstm.exceptions import IrregularTimeIndexWarning
    >>> days = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-04", "2020-01-05"])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = make_sequences(pd.Series([1.0, 2.0, 3.0, 4.0], index=days), window_length=2)
    >>> [w.category.__name__ for w in caught]
    ['IrregularTimeIndexWarning']
    """


def is_time_index(index):
    """True for the indexes that carry a time axis (datetime or period)."""
    return isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex))


def _is_ordered_index(index):
    """Indexes whose order means time: datetimes, periods and numbers (positions)."""
    return is_time_index(index) or pd.api.types.is_numeric_dtype(index.dtype)


def check_time_index(index, name, *, warn_irregular=True):
    """Refuse an unsorted or duplicated time index of ``name``; warn when its gaps vary.

    Non-time indexes of strings or objects carry no order and are not checked.
    """
    if index is None or not _is_ordered_index(index) or len(index) < 2:
        return
    if index.hasnans:
        raise ValueError(
            f"{name} has missing values (NaT/NaN) in its index at positions "
            f"{np.flatnonzero(index.isna())[:5].tolist()}; every row needs a timestamp."
        )
    if index.has_duplicates:
        dup = index[index.duplicated()].unique()[:3].tolist()
        raise ValueError(
            f"{name} has duplicated timestamps, e.g. {dup}. Aggregate them first, e.g. "
            f"{name}.groupby(level=0).mean(), or drop them with "
            f"{name}[~{name}.index.duplicated()]."
        )
    if not index.is_monotonic_increasing:
        bad = int(np.flatnonzero(np.diff(_as_numbers(index)) < 0)[0]) + 1
        raise ValueError(
            f"{name} is not sorted by time: row {bad} ({index[bad]!r}) comes before row "
            f"{bad - 1} ({index[bad - 1]!r}) in time. Sort it first with {name}.sort_index()."
        )
    if warn_irregular and isinstance(index, pd.DatetimeIndex) and len(index) >= 3:
        if index.freq is None and pd.infer_freq(index) is None:
            warnings.warn(
                f"{name} has a DatetimeIndex with gaps of different lengths (from "
                f"{index[0]} to {index[-1]}, {len(index)} rows): windows are cut by row, so "
                "a window may span a gap. Put the missing timestamps back as NaN with "
                "sklstm.reinstate_missing_timestamps(...) and fill them with "
                "sklstm.TimeSeriesImputer.",
                IrregularTimeIndexWarning,
                stacklevel=3,
            )


def _as_numbers(index):
    if isinstance(index, pd.DatetimeIndex):
        return index.tz_localize(None).values.astype("datetime64[ns]").astype(np.int64)
    if isinstance(index, pd.PeriodIndex):
        return index.asi8
    return np.asarray(index, dtype=np.float64)


def check_same_timezone(index_a, name_a, index_b, name_b):
    """Refuse comparing a tz-aware with a tz-naive DatetimeIndex (pandas would raise TypeError)."""
    tz_a = getattr(index_a, "tz", None)
    tz_b = getattr(index_b, "tz", None)
    if isinstance(index_a, pd.DatetimeIndex) and isinstance(index_b, pd.DatetimeIndex):
        if (tz_a is None) != (tz_b is None):
            raise ValueError(
                f"{name_a} has timezone {tz_a} but {name_b} has timezone {tz_b}; give both "
                f"the same timezone, e.g. {name_b}.tz_localize({str(tz_a or tz_b)!r}) or "
                ".tz_convert(...)."
            )
    if isinstance(index_a, pd.PeriodIndex) and isinstance(index_b, pd.PeriodIndex):
        if index_a.freq != index_b.freq:
            raise ValueError(
                f"{name_a} has periods of {index_a.freqstr} but {name_b} of "
                f"{index_b.freqstr}; both must have the same frequency."
            )
    if is_time_index(index_a) != is_time_index(index_b) or (
        isinstance(index_a, pd.PeriodIndex) != isinstance(index_b, pd.PeriodIndex)
    ):
        raise ValueError(
            f"{name_a} has a {type(index_a).__name__} but {name_b} a "
            f"{type(index_b).__name__}; give both the same kind of index."
        )


def infer_calendar_freq(index):
    """The plain calendar frequency of a DatetimeIndex with gaps, or None when ambiguous.

    ``pd.infer_freq`` needs a gap-free index and happily answers "B" (business days) when
    every Saturday and Sunday is missing, which would hide real gaps. Here the grid is the
    greatest common step, in whole months for month-aligned data (month starts or ends) and
    in time otherwise, and it is accepted only when it is also the smallest step seen: steps
    of 2 and 3 days alone do not prove a daily grid.
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 2:
        return None
    wall = index.tz_localize(None) if index.tz is not None else index
    midnight = (wall == wall.normalize()).all()
    if midnight and (wall.is_month_start.all() or wall.is_month_end.all()):
        step = _grid_step(wall.year.to_numpy() * 12 + wall.month.to_numpy())
        if step is None:
            return None
        anchor = "S" if wall.is_month_start.all() else "E"
        to_offset = pd.tseries.frequencies.to_offset
        if step % 12 == 0:
            month = int(wall.month[0])
            year = pd.offsets.YearBegin if anchor == "S" else pd.offsets.YearEnd
            return year(step // 12, month=month)
        return to_offset(f"{step}M{anchor}")
    step = _grid_step(wall.values.astype("datetime64[ns]").astype(np.int64))
    if step is None:
        return None
    if step % _NS_PER_DAY == 0 and midnight:
        # Calendar days, so that a tz-aware daily grid keeps midnight across DST changes.
        return pd.offsets.Day(step // _NS_PER_DAY)
    return pd.tseries.frequencies.to_offset(pd.Timedelta(step, unit="ns"))


def _grid_step(positions):
    """The common step of increasing integer positions (months, nanoseconds), or None.

    The greatest common divisor of the steps, accepted only when it is also the smallest
    step seen (steps of 2 and 3 days alone do not prove a daily grid).
    """
    steps = np.diff(positions)
    if (steps <= 0).any():
        return None
    step = reduce(math.gcd, steps.tolist())
    return step if step == steps.min() else None


def index_step(index):
    """The step of an index: its freq, or one inferred without guessing; None if unknown."""
    if isinstance(index, pd.PeriodIndex):
        return index.freq
    if isinstance(index, pd.DatetimeIndex):
        if index.freq is not None:
            return index.freq
        if len(index) >= 3:
            freq = pd.infer_freq(index)
            if freq is not None:
                return pd.tseries.frequencies.to_offset(freq)
        return infer_calendar_freq(index)
    if isinstance(index, pd.RangeIndex):
        return index.step
    if pd.api.types.is_integer_dtype(index.dtype) and len(index) >= 2:
        steps = np.unique(np.diff(np.asarray(index)))
        return int(steps[0]) if len(steps) == 1 else None
    return None


def _same_step(a, b):
    """Whether two frequencies (offsets or strings) describe the same step."""
    try:
        a = pd.tseries.frequencies.to_offset(a)
        b = pd.tseries.frequencies.to_offset(b)
    except (TypeError, ValueError):
        return False
    if a == b:
        return True
    # "D" and "24h" differ as offsets but not for a tz-naive grid.
    try:
        return pd.Timedelta(a) == pd.Timedelta(b)
    except (TypeError, ValueError):
        return False


def resolve_freq(index, freq, name):
    """The step to extend ``index`` by: ``freq`` checked against the index, else its own."""
    own = index_step(index)
    if freq is None:
        if own is None:
            raise ValueError(
                f"cannot tell the frequency of {name}'s index ({type(index).__name__} from "
                f"{index[0]!r} to {index[-1]!r}); pass freq=, e.g. 'D' or 'MS'."
            )
        return own
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)):
        try:
            offset = pd.tseries.frequencies.to_offset(freq)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"freq={freq!r} is not a pandas frequency such as 'D' or 'MS'.") from exc
        if own is not None and not _same_step(offset, own):
            raise ValueError(
                f"freq={freq!r} disagrees with the frequency of {name}'s index "
                f"({getattr(own, 'freqstr', own)!r}); leave freq=None or fix the index."
            )
        return offset
    if isinstance(freq, (int, np.integer)) and not isinstance(freq, bool):
        if own is not None and own != freq:
            raise ValueError(f"freq={freq!r} disagrees with the step {own} of {name}'s index.")
        return int(freq)
    raise ValueError(
        f"freq={freq!r} needs a DatetimeIndex or PeriodIndex; {name} has a "
        f"{type(index).__name__}. Pass an integer step or leave freq=None."
    )


def future_index(index, periods, freq, name):
    """The ``periods`` labels after the end of ``index``, of the same index type."""
    step = resolve_freq(index, freq, name)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=periods, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        future = pd.date_range(index[-1], periods=periods + 1, freq=step)[1:]
        return future.rename(index.name)
    start = index[-1] + step
    return pd.RangeIndex(start, start + periods * step, step, name=index.name)


def extend_back(index, periods, name):
    """The ``periods`` labels before the start of ``index`` (to label rows of a numpy history)."""
    step = resolve_freq(index, None, name)
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(end=index[0] - 1, periods=periods, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        return pd.date_range(end=index[0], periods=periods + 1, freq=step)[:-1].rename(index.name)
    start = index[0] - periods * step
    return pd.RangeIndex(start, index[0], step, name=index.name)


def check_history_adjacent(hist_index, index):
    """Refuse a ``history`` that does not end exactly one step before ``series`` starts."""
    check_same_timezone(index, "series", hist_index, "history")
    last, first = hist_index[-1], index[0]
    if not last < first:
        raise ValueError(
            f"history must end before series starts; history ends at {last!r} and series "
            f"starts at {first!r}."
        )
    step = index_step(index) if len(index) >= 2 else None
    step = step if step is not None else index_step(hist_index)
    if step is None:
        return  # no regular step to compare with: order is all that can be checked
    expected = last + step
    if expected != first:
        raise ValueError(
            f"history must end exactly one step before series starts: history ends at "
            f"{last!r}, so series should start at {expected!r}, but it starts at {first!r}. "
            "Pass the data immediately preceding the series (e.g. history=full[:start])."
        )
