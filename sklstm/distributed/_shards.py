"""Sharding a panel over the workers, and each worker's lazy windows of its shard."""

import numpy as np
import pandas as pd


def panel_shards(series, series_id, n_workers):
    """Per worker: its share of the panel, in the panel's own form, or the loader."""
    if callable(series) and not isinstance(series, (pd.DataFrame, pd.Series)):
        return [("loader", series, series_id)] * n_workers
    from .._panel import COLUMNS, is_panel, iter_panel

    if not is_panel(series, series_id):
        raise ValueError(
            "series must be a panel (several series: series_id='columns' for a wide frame, "
            "series_id=<column> for a long one, or a (series, time) MultiIndex) or a "
            "callable(rank, n_workers) that loads a worker's shard; a single series "
            "trains in one process with fit().")
    iter_panel(series, series_id)  # the panel's form checked (nothing is split yet)
    if series_id == COLUMNS:
        keys = list(series.columns)
    elif series_id is not None:
        ids = series[series_id]
        keys = list(pd.unique(ids))
    else:
        ids = series.index.droplevel(-1)
        keys = list(pd.unique(ids))
    if len(keys) < n_workers:
        raise ValueError(f"the panel has {len(keys)} series, fewer than n_workers="
                         f"{n_workers}: every worker needs at least one.")
    shards = []
    for rank in range(n_workers):
        mine = keys[rank::n_workers]
        # The worker's series in the panel's own form: a copy of its share, no more.
        if series_id == COLUMNS:
            part = series[mine]
        else:
            part = series[np.asarray(ids.isin(mine))]
        shards.append(("panel", part, series_id))
    return shards


def worker_windows(shard, rank, n_workers, spec):
    from ..windowing import panel_windows

    kind, data, series_id = shard
    panel = data(rank, n_workers) if kind == "loader" else data
    # Lazy windows: the worker holds its series' values once, and a window only while a
    # batch holds it (copied windows take window_length times the data); and the samples'
    # times only, not their (series, time) labels.
    X, y, _, _, origins, _ = panel_windows(
        panel, spec["window_length"], spec["horizon"], 1, None, spec["target"],
        series_id, spec["season_length"])
    origins = pd.Index(origins)
    times = origins.asi8 if isinstance(origins, (pd.DatetimeIndex, pd.PeriodIndex)) \
        else origins.to_numpy(dtype=np.int64)
    return X, y, times, X.n_series


def torchrun_shard(series, series_id, rank, n_workers):
    if callable(series) and not isinstance(series, (pd.DataFrame, pd.Series)):
        return ("loader", series, series_id)
    return panel_shards(series, series_id, n_workers)[rank]
