"""Static and known-future features, added as columns of a series or panel.

A window-based forecaster reads every column of the series it was cut from, in
:func:`sklstm.make_sequences` and again in ``forecast()``. Features that are columns
therefore need no special path: a series indicator is constant along each series (a static
feature), and a calendar column computed for the step ``lead`` rows ahead is known for every
row, the last ones included, because the calendar is (a known-future feature: the last
``horizon`` rows of each window hold the calendar of the steps to forecast).
"""

import numpy as np
import pandas as pd

from ._panel import is_panel
from .seasonal import infer_season_length

__all__ = ["add_calendar_features", "add_series_indicators"]


def _time_index(frame):
    index = frame.index
    return index.get_level_values(-1) if isinstance(index, pd.MultiIndex) else index


def _as_frame(series, name):
    if isinstance(series, pd.Series):
        return series.to_frame(series.name if series.name is not None else "y")
    if isinstance(series, pd.DataFrame):
        return series
    raise TypeError(
        f"{name} must be a pandas Series or DataFrame with a time index (or a (series, time) "
        f"MultiIndex); got {type(series).__name__}."
    )


def _phase(times, season_length):
    """Position of each label in its season: calendar month, quarter, weekday, hour, ...;
    positions modulo the season for an integer index."""
    if isinstance(times, pd.PeriodIndex):
        times = times.to_timestamp()
    if isinstance(times, pd.DatetimeIndex):
        by_season = {12: times.month - 1, 4: times.quarter - 1, 7: times.dayofweek,
                     5: times.dayofweek, 24: times.hour,
                     52: times.isocalendar().week.to_numpy().clip(1, 52) - 1}
        if season_length in by_season:
            return np.asarray(by_season[season_length], dtype=float)
        raise ValueError(
            f"season_length={season_length} has no calendar meaning for a DatetimeIndex; "
            "use 12, 4, 52, 7, 5 or 24."
        )
    return np.asarray(times, dtype=float) % season_length


def add_calendar_features(series, lead=0, season_length="auto", prefix="season"):
    """Add the phase of each step's season ``lead`` steps ahead, as two columns (sin, cos).

    With ``lead`` equal to the forecast horizon, the last ``horizon`` rows of every window
    cut by :func:`sklstm.make_sequences` carry the calendar of the steps the network
    forecasts: a known-future feature, computed from the time labels alone, so
    ``forecast()`` finds it in the last rows of the series too.

    Parameters
    ----------
    series : pandas Series or DataFrame
        One series on a time index, or a panel with a (series, ..., time) MultiIndex.
    lead : int, default=0
        Steps ahead whose calendar each row gets (0: its own).
    season_length : "auto" or int, default="auto"
        Steps per season ("auto": from the index's frequency, see
        :func:`sklstm.seasonal.infer_season_length`); the phase is the calendar month (12),
        quarter (4), ISO week (52), weekday (7, 5) or hour (24) of a date, or the position
        modulo the season of an integer label.
    prefix : str, default="season"
        Names of the new columns: ``{prefix}_sin`` and ``{prefix}_cos``.

    Returns
    -------
    pandas.DataFrame
        ``series``' columns (a Series becomes its column, named "y" when unnamed) followed by
        the two calendar columns, on the same index.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import add_calendar_features
    >>> y = pd.Series(range(4), index=pd.date_range("2020-11-01", periods=4, freq="MS"))
    >>> add_calendar_features(y, lead=1).round(3)["season_cos"].tolist()
    [0.866, 1.0, 0.866, 0.5]
    """
    frame = _as_frame(series, "series")
    if isinstance(lead, bool) or not isinstance(lead, (int, np.integer)) or lead < 0:
        raise ValueError(f"lead must be a non-negative integer; got {lead!r}.")
    times = _time_index(frame)
    m = (infer_season_length(_one_series_times(frame)) if season_length == "auto"
         else season_length)
    if m is None:
        raise ValueError(
            "season_length='auto' found no season in the index (integer or yearly labels); "
            "pass season_length=."
        )
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2:
        raise ValueError(f"season_length must be 'auto' or an integer >= 2; got {m!r}.")
    if isinstance(times, pd.PeriodIndex) or isinstance(times, pd.DatetimeIndex):
        # The calendar ``lead`` steps ahead: shift the labels on their own frequency.
        freq = times.freq if isinstance(times, pd.PeriodIndex) else (
            times.freq or pd.infer_freq(_one_series_times(frame)))
        if freq is None:
            raise ValueError(
                "the time index has no frequency to step ahead by; give it one (e.g. with "
                "asfreq) or use a PeriodIndex."
            )
        ahead = times + lead * pd.tseries.frequencies.to_offset(freq) if lead else times
    else:
        ahead = np.asarray(times, dtype=float) + lead
    angle = 2 * np.pi * _phase(ahead, m) / m
    for suffix, values in (("sin", np.sin(angle)), ("cos", np.cos(angle))):
        name = f"{prefix}_{suffix}"
        if name in frame.columns:
            raise ValueError(f"series already has a column {name!r}; pass another prefix.")
        frame = frame.assign(**{name: values})
    return frame


def _one_series_times(frame):
    if not isinstance(frame.index, pd.MultiIndex):
        return frame.index
    first = frame.index.droplevel(-1)[0]
    return frame.xs(first, level=list(range(frame.index.nlevels - 1))
                    if frame.index.nlevels > 2 else 0).index


def add_series_indicators(panel, prefix="series"):
    """Add one 0/1 column per series of a panel: a static feature that tells a global model
    which series a window comes from.

    Parameters
    ----------
    panel : pandas Series or DataFrame with a (series, ..., time) MultiIndex
        Many series (see :func:`sklstm.make_sequences`).
    prefix : str, default="series"
        The new columns are named ``{prefix}={key}``.

    Returns
    -------
    pandas.DataFrame
        ``panel``'s columns followed by the indicators, in the order of the series' first
        appearance. Forecast the panel with the same columns (``forecast()`` checks them).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import add_series_indicators
    >>> panel = pd.Series([1.0, 2.0, 3.0, 4.0], name="y", index=pd.MultiIndex.from_tuples(
    ...     [("a", 0), ("a", 1), ("b", 0), ("b", 1)], names=["series", "time"]))
    >>> add_series_indicators(panel).columns.tolist()
    ['y', 'series=a', 'series=b']
    """
    frame = _as_frame(panel, "panel")
    if not is_panel(frame, None):
        raise ValueError(
            "panel must have a (series, ..., time) MultiIndex; a single series needs no "
            "indicator."
        )
    keys = frame.index.droplevel(-1)
    keys = pd.Index(list(keys)) if keys.nlevels > 1 else keys
    out = frame
    for key in pd.unique(np.asarray(keys, dtype=object)):
        name = f"{prefix}={key}"
        if name in out.columns:
            raise ValueError(f"panel already has a column {name!r}; pass another prefix.")
        out = out.assign(**{name: (keys == key).astype(float)})
    return out
