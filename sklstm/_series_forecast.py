"""``forecast()``: the forecasters' steps after the end of a series (or a panel), with their
timestamps. Cuts the last window of each series, checks it against what the model was fitted
on, predicts, and puts the forecasts on the future time axis."""

import numpy as np
import pandas as pd

from ._panel import is_panel, level_names, series_index, split_panel
from ._time import future_index
from ._validation import series_values


def forecast(estimator, series, freq=None, coverage=None, series_id=None):
    """See :meth:`sklstm.LSTMForecaster.forecast`."""
    est = estimator
    est._check_fitted()
    parts = split_panel(series, series_id) if is_panel(series, series_id) else [(None, series)]
    windows, futures = [], []
    for key, part in parts:
        try:
            window, future = last_window(est, part, freq)
        except ValueError as error:
            if key is None:
                raise
            raise ValueError(f"series {key!r} of the panel: {error}") from None
        windows.append(window)
        futures.append(future)
    window = np.concatenate(windows)
    prediction = est.predict(window).reshape(len(parts), est.horizon_)
    if parts[0][0] is None:
        index = futures[0]
    else:
        keys = [key for key, _ in parts for _ in range(est.horizon_)]
        times = [time for future in futures for time in future]
        index = series_index(keys, times, level_names(series, series_id))
    if coverage is None:
        return pd.Series(prediction.ravel(), index=index, name="forecast")
    lower, upper = est.predict_interval(window, coverage=coverage)
    return pd.DataFrame(
        {"forecast": prediction.ravel(), "lower": np.ravel(lower), "upper": np.ravel(upper)},
        index=index,
    )


def last_window(estimator, series, freq):
    """The input window after the end of one series, and the future index."""
    est = estimator
    values, index, columns = series_values(series, "series")
    check_series_columns(est, values, columns)
    if values.shape[0] < est.n_timesteps_in_:
        raise ValueError(
            f"series has {values.shape[0]} rows; forecasting needs the last "
            f"{est.n_timesteps_in_} (the fitted window length)."
        )
    window = values[-est.n_timesteps_in_ :][np.newaxis]
    if np.isnan(window).any():
        raise ValueError(
            f"the last {est.n_timesteps_in_} rows of series (the input window) hold NaN; "
            "fill them first, e.g. with sklstm.TimeSeriesImputer."
        )
    if index is None:
        index = pd.RangeIndex(values.shape[0])
    future = future_index(index, est.horizon_, freq, "series")
    return (window[:, :, 0] if est._fit_ndim == 2 else window), future


def check_series_columns(estimator, values, columns):
    """The series' columns are the ones the windows were cut from, in the same order."""
    n_fitted = estimator._n_step_features
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
