"""``forecast()``: the forecasters' steps after the end of a series (or a panel), with their
timestamps. Cuts the last window of each series, checks it against what the model was fitted
on, predicts, and puts the forecasts on the future time axis."""

import numpy as np
import pandas as pd

from ._series_state import N_CHANNELS, with_state
from ._panel import is_panel, level_names, series_index, split_panel
from ._time import future_index
from ._validation import check_int_param, series_values


def forecast(estimator, series, freq=None, coverage=None, series_id=None, steps=None,
             future=None):
    """See :meth:`sklstm.LSTMForecaster.forecast`."""
    est = estimator
    est._check_fitted()
    steps = est.horizon_ if steps is None else check_int_param(steps, "steps")
    if coverage is not None and steps > est.horizon_:
        raise ValueError(
            f"prediction intervals are calibrated for the network's {est.horizon_} direct "
            f"steps, but steps={steps}; forecast at most {est.horizon_} steps with coverage, "
            "or fit with a horizon that covers them."
        )
    panel = is_panel(series, series_id)
    parts = split_panel(series, series_id) if panel else [(None, series)]
    future_parts = _future_parts(future, series_id, panel)
    windows, indexes, others, histories = [], [], [], []
    for key, part in parts:
        try:
            window, index, history = last_window(est, part, freq, steps)
            others.append(_future_others(est, future_parts, key, index, steps))
        except ValueError as error:
            if key is None:
                raise
            raise ValueError(f"series {key!r} of the panel: {error}") from None
        windows.append(window)
        indexes.append(index)
        histories.append(history)
    window = np.concatenate(windows)
    if steps <= est.horizon_:
        prediction = est.predict(window).reshape(len(parts), est.horizon_)[:, :steps]
    else:
        prediction = forecast_paths(est, histories, others, steps)
    if parts[0][0] is None:
        index = indexes[0]
    else:
        keys = [key for key, _ in parts for _ in range(steps)]
        times = [time for future_index_ in indexes for time in future_index_]
        index = series_index(keys, times, level_names(series, series_id))
    if coverage is None:
        return pd.Series(prediction.ravel(), index=index, name="forecast")
    lower, upper = (np.reshape(b, (len(parts), est.horizon_))[:, :steps]
                    for b in est.predict_interval(window, coverage=coverage))
    return pd.DataFrame(
        {"forecast": prediction.ravel(), "lower": np.ravel(lower), "upper": np.ravel(upper)},
        index=index,
    )


def last_windows(estimator, series, series_id=None):
    """See :meth:`sklstm.LSTMForecaster.last_window`."""
    estimator._check_fitted()
    panel = is_panel(series, series_id)
    parts = split_panel(series, series_id) if panel else [(None, series)]
    windows = []
    for key, part in parts:
        try:
            windows.append(last_window(estimator, part, None)[0])
        except ValueError as error:
            if key is None:
                raise
            raise ValueError(f"series {key!r} of the panel: {error}") from None
    return np.concatenate(windows)


def n_series_features(estimator):
    """Features of the series the windows were cut from (without the state channels)."""
    state = N_CHANNELS if getattr(estimator, "window_season_", None) is not None else 0
    return estimator._n_step_features - state


def input_windows(estimator, histories):
    """The last input window of each history (n_i, n_series_features) for the network, with
    the series-state channels when the model was fitted on windows that carry them."""
    est = estimator
    length, season = est.n_timesteps_in_, getattr(est, "window_season_", None)
    target = getattr(est, "_window_target", None) or 0
    windows = []
    for history in histories:
        history = np.asarray(history, dtype=np.float64)
        if season is not None:
            history = with_state(history, target, season)
        windows.append(history[-length:])
    return np.stack(windows)


def forecast_paths(estimator, histories, others, n_steps):
    """Forecast ``n_steps`` after the end of each history (arrays (n_i, n_series_features)),
    ``horizon_`` steps per pass of the network: the one recursion behind ``forecast()`` and
    the sktime adapter. ``others`` as :func:`recursive_paths`. Returns ``(n, n_steps)``.

    Windows that carry the series' state are rebuilt from the history extended by the
    forecasts at each pass (the state of a series depends on all of it); plain windows
    are extended in place.
    """
    est = estimator
    if getattr(est, "window_season_", None) is None:
        windows = input_windows(est, histories)
        if est._fit_ndim == 2:
            windows = windows[:, :, 0]
        return recursive_paths(est, windows, others, n_steps)
    target = getattr(est, "_window_target", None) or 0
    histories = [np.asarray(h, dtype=np.float64) for h in histories]
    rest = np.arange(histories[0].shape[1]) != target
    paths = np.empty((len(histories), 0))
    while paths.shape[1] < n_steps:
        prediction = est.predict(input_windows(est, histories)).reshape(
            len(histories), est.horizon_)
        done = paths.shape[1]
        take = min(est.horizon_, n_steps - done)
        paths = np.concatenate([paths, prediction[:, :take]], axis=1)
        if paths.shape[1] >= n_steps:
            break
        for i, other in enumerate(others):
            rows = np.empty((take, histories[i].shape[1]))
            rows[:, target] = prediction[i, :take]
            rows[:, rest] = other[done : done + take] if other is not None else \
                histories[i][-1, rest]
            histories[i] = np.concatenate([histories[i], rows])
    return paths


def recursive_paths(estimator, windows, others, n_steps):
    """Forecast ``n_steps`` after each window, ``horizon_`` steps per pass of the network.

    The forecasts are appended to the window as the target feature; ``others[i]`` holds the
    other features of window ``i`` for the steps fed back (``(n_steps, n_features - 1)``, in
    the window's order without the target), or None when the window has no other feature
    (or its path is not needed beyond one pass). Returns ``(n_windows, n_steps)``.
    """
    est = estimator
    windows = np.asarray(windows, dtype=np.float64)
    squeeze = windows.ndim == 2
    if squeeze:
        windows = windows[:, :, np.newaxis]
    length, horizon = windows.shape[1], est.horizon_
    target = getattr(est, "_window_target", None) or 0
    rest = np.arange(windows.shape[2]) != target
    paths = np.empty((len(windows), 0))
    while paths.shape[1] < n_steps:
        batch = windows[:, :, 0] if squeeze else windows
        prediction = est.predict(batch).reshape(len(windows), horizon)
        done = paths.shape[1]
        take = min(horizon, n_steps - done)
        paths = np.concatenate([paths, prediction[:, :take]], axis=1)
        if paths.shape[1] >= n_steps:
            break
        new_rows = np.empty((len(windows), take, windows.shape[2]))
        new_rows[:, :, target] = prediction[:, :take]
        for i, other in enumerate(others):
            if other is not None:
                new_rows[i][:, rest] = other[done : done + take]
            else:
                # No other feature, or a path complete after fewer steps (its later steps are
                # discarded): any finite values keep the batch valid.
                new_rows[i][:, rest] = windows[i, -1, rest]
        windows = np.concatenate([windows, new_rows], axis=1)[:, -length:]
    return paths


def _future_parts(future, series_id, panel):
    if future is None:
        return None
    if panel:
        return dict(split_panel(future, series_id, name="future"))
    return {None: future}


def _future_others(estimator, future_parts, key, index, steps):
    """The non-target features of the steps the recursion feeds back (None if none needed)."""
    est = estimator
    n_features = n_series_features(est)
    if steps <= est.horizon_ or n_features == 1:
        return None
    if future_parts is None or key not in future_parts:
        raise ValueError(
            f"forecasting {steps} steps with a network of horizon {est.horizon_} is recursive "
            f"and needs the other {n_features - 1} feature(s) of every step fed back; pass "
            f"future= with them for the {steps} steps after the end (the target column may "
            "be NaN), or fit with a horizon that covers the steps."
        )
    values, future_index_, _ = series_values(future_parts[key], "future")
    if values.shape[1] != n_features:
        raise ValueError(f"future has {values.shape[1]} column(s); the windows had "
                         f"{n_features} (pass the same columns as the series).")
    if future_index_ is not None:
        rows = pd.DataFrame(values, index=future_index_).reindex(index)
        values = rows.to_numpy()
    if values.shape[0] < steps:
        raise ValueError(f"future has {values.shape[0]} rows; the recursion needs the "
                         f"{steps} steps after the end of the series.")
    target = getattr(est, "_window_target", None) or 0
    others = np.delete(values[:steps], target, axis=1)
    if np.isnan(others).any():
        raise ValueError(
            f"future holds NaN in the features fed back for the {steps} steps after the end "
            f"({index[0]} .. {index[-1]}); give every one of them."
        )
    return others


def last_window(estimator, series, freq, steps=None):
    """The input window after the end of one series, the index of the next ``steps`` and
    the series' values."""
    est = estimator
    values, index, columns = series_values(series, "series")
    check_series_columns(est, values, columns)
    if values.shape[0] < est.n_timesteps_in_:
        raise ValueError(
            f"series has {values.shape[0]} rows; forecasting needs the last "
            f"{est.n_timesteps_in_} (the fitted window length)."
        )
    if np.isnan(values[-est.n_timesteps_in_ :]).any():
        raise ValueError(
            f"the last {est.n_timesteps_in_} rows of series (the input window) hold NaN; "
            "fill them first, e.g. with sklstm.TimeSeriesImputer."
        )
    if index is None:
        index = pd.RangeIndex(values.shape[0])
    future = future_index(index, est.horizon_ if steps is None else steps, freq, "series")
    window = input_windows(est, [values])
    return (window[:, :, 0] if est._fit_ndim == 2 else window), future, values


def check_series_columns(estimator, values, columns):
    """The series' columns are the ones the windows were cut from, in the same order."""
    n_fitted = n_series_features(estimator)
    fitted = estimator.series_features_
    if values.shape[1] != n_fitted:
        raise ValueError(
            f"series has {values.shape[1]} column(s) {columns if columns else ''} but the "
            f"forecaster was fitted on windows of {n_fitted} feature(s)"
            f"{' ' + str(list(fitted)) if fitted else ''}; "
            "pass the same columns as the series the windows were cut from."
        )
    if fitted is None or columns is None or list(columns) == list(fitted):
        return
    if n_fitted == 1 and (columns[0] is None or fitted[0] is None):
        return  # an unnamed single series: nothing to compare
    hint = (
        f"reorder them with series[{list(fitted)!r}]"
        if set(columns) == set(fitted)
        else "pass the columns the model was fitted on"
    )
    raise ValueError(
        f"series has columns {list(columns)} but the forecaster was fitted on "
        f"{list(fitted)} (in this order); {hint}."
    )


def issued_windows(estimator, series, since, series_id=None):
    """The forecasts the model would have issued on ``series`` whose steps reach ``since``:
    ``(X, y)``, each window as it was at its origin (its state channels from the data up
    to the origin only) and its observed targets, NaN for steps before ``since`` (counted
    already) or after the end of the series (not observed yet). Oldest origin first, every
    series at each origin in the panel's order (how ``update_intervals`` ages errors)."""
    est = estimator
    est._check_fitted()
    panel = is_panel(series, series_id)
    parts = split_panel(series, series_id) if panel else [(None, series)]
    length, horizon = est.n_timesteps_in_, est.horizon_
    target = getattr(est, "_window_target", None) or 0
    issued = []  # (origin time, series order, window, targets)
    for order, (key, part) in enumerate(parts):
        values, index, _ = series_values(part, "series")
        if values.shape[1] != n_series_features(est):
            where = "" if key is None else f"series {key!r} of the panel: "
            raise ValueError(f"{where}series has {values.shape[1]} features; the model was "
                             f"fitted on {n_series_features(est)}.")
        index = pd.RangeIndex(len(values)) if index is None else index
        try:
            first = int(index.searchsorted(since))
        except (TypeError, ValueError) as error:
            raise TypeError(f"since={since!r} cannot be compared with the series' index "
                            f"({type(index).__name__}): {error}") from None
        steps = np.arange(horizon)
        for q in range(max(length - 1, first - horizon), len(values) - 1):
            positions = q + 1 + steps
            observed = (positions >= first) & (positions < len(values))
            if not observed.any():
                continue
            y = np.full(horizon, np.nan)
            y[observed] = values[positions[observed], target]
            window = input_windows(est, [values[: q + 1]])[0]
            issued.append((index[q], order, window, y))
    if not issued:
        raise ValueError(
            f"no forecast of the series has a step at or after since={since!r}, or the "
            f"series are shorter than a window ({length} steps) plus one; pass an earlier "
            "since or a longer series.")
    issued.sort(key=lambda row: (row[0], row[1]))
    return (np.stack([row[2] for row in issued]), np.stack([row[3] for row in issued]))
