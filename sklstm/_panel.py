"""Many series at once: split a panel into its series (wide, long or MultiIndexed input).

A panel is cut series by series, so that no window ever holds values of two series; the
samples of all series are then put in time order (by forecast origin, series in their order
of appearance at a tie), so that "the latest samples" (early stopping, calibration,
``TimeSeriesSplit``) are the latest of every series.
"""

import numpy as np
import pandas as pd

COLUMNS = "columns"


def is_panel(series, series_id):
    """Whether ``series`` is to be read as many series."""
    if series_id is not None:
        return True
    index = getattr(series, "index", None)
    return isinstance(index, pd.MultiIndex)


def split_panel(series, series_id, name="series"):
    """``[(key, one_series), ...]`` of a panel (see :func:`iter_panel`)."""
    return list(iter_panel(series, series_id, name))


def panel_rows(series, series_id):
    """Rows of all the series of a panel together (its values' length, once each)."""
    if series_id == COLUMNS:
        return len(series) * series.shape[1]
    return len(series)


def iter_panel(series, series_id, name="series"):
    """``(key, one_series)`` of a panel one at a time, each with a time index; keys in
    order (checked before the first is given).

    - ``series_id="columns"``: a wide DataFrame, one column per (univariate) series;
    - ``series_id=<column>``: a long DataFrame, rows of each value of that column form one
      series (the column itself is not a feature);
    - ``series_id=None`` and a (series, ..., time) MultiIndex: all levels but the last name
      the series.
    """
    if series_id == COLUMNS:
        if not isinstance(series, pd.DataFrame):
            raise TypeError(
                f"series_id='columns' reads a wide DataFrame (one column per series); {name} "
                f"is a {type(series).__name__}."
            )
        if series.columns.duplicated().any():
            raise ValueError(f"{name} has duplicated column names; each series needs its own.")
        # The column names the series, not a feature: each part is an unnamed series.
        return ((column, series[column].rename(None)) for column in series.columns)
    if series_id is not None:
        if not isinstance(series, pd.DataFrame) or series_id not in series.columns:
            columns = list(getattr(series, "columns", []))[:8]
            raise ValueError(
                f"series_id={series_id!r} must be a column of {name} (a long DataFrame with "
                f"one row per series and time); its columns are {columns}."
            )
        if series[series_id].isna().any():
            raise ValueError(f"{name}'s series_id column {series_id!r} holds missing ids.")
        return ((key, _features(part.drop(columns=[series_id])))
                for key, part in series.groupby(series_id, sort=False))
    index = series.index
    if index.nlevels < 2:  # pragma: no cover - guarded by is_panel
        raise ValueError(f"{name} is not a panel.")
    levels = list(range(index.nlevels - 1))
    by = levels if len(levels) > 1 else levels[0]
    return ((key, part.droplevel(levels)) for key, part in series.groupby(level=by, sort=False))


def _features(values):
    return values.iloc[:, 0] if values.shape[1] == 1 else values


def level_names(series, series_id):
    """Names of the (series, time) levels of a panel's sample and forecast labels."""
    if series_id is None:
        return list(series.index.names)
    return ["series" if series_id == COLUMNS else series_id, series.index.name or "time"]


def time_order(origins):
    """Stable order of samples by forecast origin (series order kept at a tie)."""
    index = pd.Index(origins)
    values = index.asi8 if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) else (
        index.to_numpy())
    return np.argsort(values, kind="stable")


def series_index(keys, times, names, sample_keys=None):
    """A (series..., time) MultiIndex of the samples: series ``keys[i]`` at ``times[i]``, or,
    with ``sample_keys``, series ``keys[sample_keys[i]]``.

    Built from codes, not from per-sample tuples (a panel of a million windows would hold a
    million Python tuples).
    """
    keys = list(keys)
    if sample_keys is None:
        sample_keys = np.arange(len(keys))
    sample_keys = np.asarray(sample_keys, dtype=np.intp)
    n_key_levels = len(keys[0]) if keys and isinstance(keys[0], tuple) else 1
    levels, codes = [], []
    for level in range(n_key_levels):
        values = [k[level] if isinstance(k, tuple) else k for k in keys]
        level_codes, uniques = pd.factorize(pd.Index(values, tupleize_cols=False))
        levels.append(uniques)
        codes.append(level_codes[sample_keys])
    time_codes, time_uniques = pd.factorize(pd.Index(times))
    return pd.MultiIndex(levels=levels + [time_uniques], codes=codes + [time_codes],
                         names=names, verify_integrity=False)
