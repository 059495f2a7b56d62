"""One engine behind the doors: the core's forecast beyond the horizon, and the sktime door
giving the windows door's forecasts when both are given the same settings."""

import numpy as np
import pandas as pd
import pytest

from sklstm import LSTMForecaster, add_calendar_features, make_sequences


def _series(n=160, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.Series(5 + np.sin(2 * np.pi * t / 12) + 0.05 * t + 0.1 * rng.normal(size=n),
                     index=pd.period_range("2000-01", periods=n, freq="M"), name="y")


SMALL = dict(hidden_size=8, max_epochs=5, random_state=0)


def test_forecast_beyond_the_horizon_feeds_the_forecasts_back():
    series = _series()
    # Plain windows (no series state): the recursion extends the window in place.
    X, y = make_sequences(series, window_length=12, horizon=3, season_length=None)
    model = LSTMForecaster(**SMALL).fit(X, y)
    forecast = model.forecast(series, steps=7)
    assert len(forecast) == 7
    assert forecast.index.equals(pd.period_range(series.index[-1] + 1, periods=7, freq="M"))
    # By hand: three passes of the network, each window ending with the forecasts so far.
    window = series.to_numpy()[-12:]
    path = []
    while len(path) < 7:
        step = model.predict(window[np.newaxis])[0]
        path.extend(step)
        window = np.concatenate([window, step])[-12:]
    np.testing.assert_allclose(forecast.to_numpy(), path[:7], rtol=1e-12)
    # Fewer steps than the horizon: the first of the direct forecasts.
    np.testing.assert_allclose(model.forecast(series, steps=2).to_numpy(),
                               model.forecast(series).to_numpy()[:2])


def test_recursion_with_known_future_features_reads_them_from_future():
    series = _series()
    frame = add_calendar_features(series.to_frame(), lead=0)
    X, y = make_sequences(frame, window_length=12, horizon=2, target="y")
    model = LSTMForecaster(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="pass future="):
        model.forecast(frame, steps=5)
    future_index = pd.period_range(series.index[-1] + 1, periods=5, freq="M")
    future = add_calendar_features(pd.DataFrame({"y": np.nan}, index=future_index), lead=0)
    forecast = model.forecast(frame, steps=5, future=future)
    assert len(forecast) == 5 and np.isfinite(forecast).all()
    # The future's target column is not read: any value gives the same forecast.
    other = future.assign(y=123.0)
    np.testing.assert_array_equal(model.forecast(frame, steps=5, future=other), forecast)
    with pytest.raises(ValueError, match="NaN in the features fed back"):
        model.forecast(frame, steps=5, future=future.iloc[:3].reindex(future_index))
    with pytest.raises(ValueError, match="intervals are calibrated"):
        model.forecast(frame, steps=5, future=future, coverage=0.9)


def test_panel_forecast_beyond_the_horizon():
    panel = pd.concat({"a": _series(seed=0), "b": _series(seed=1) * 3},
                      names=["id", "time"])
    X, y = make_sequences(panel, window_length=12, horizon=2)
    model = LSTMForecaster(scaling="window", **SMALL).fit(X, y)
    forecast = model.forecast(panel, steps=5)
    assert forecast.index.get_level_values(0).tolist() == ["a"] * 5 + ["b"] * 5
    alone = model.forecast(panel.loc["b"], steps=5)
    np.testing.assert_allclose(forecast.loc["b"].to_numpy(), alone.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("season", ["auto", 1, None])
@pytest.mark.parametrize("scaling", ["global", "window"])
def test_the_sktime_door_gives_the_windows_doors_forecast_for_the_same_settings(scaling,
                                                                               season):
    from sklstm.sktime import LSTMForecaster as SktimeForecaster

    series = _series()
    settings = dict(scaling=scaling, **SMALL)
    door = SktimeForecaster(window_length=12, horizon=3, season_length=season, **settings)
    door.fit(series, fh=list(range(1, 8)))
    X, y = make_sequences(series, window_length=12, horizon=3, season_length=season)
    assert X.state_season == {"auto": 12, 1: 1, None: None}[season]
    core = LSTMForecaster(**settings).fit(X, y)
    np.testing.assert_allclose(door.predict().to_numpy(), core.forecast(series, steps=7),
                               rtol=1e-10)


def test_the_two_doors_defaults_resolve_to_the_same_windows():
    """The adapter's "auto" window (2H, at least a season) and season are what a windows
    user passes to make_sequences; a panel included."""
    from sklstm.sktime import LSTMForecaster as SktimeForecaster

    panel = pd.concat({"a": _series(seed=0), "b": _series(seed=1) * 3}, names=["id", "t"])
    door = SktimeForecaster(**SMALL).fit(panel.to_frame("y"), fh=[1, 2, 3, 4, 5])
    assert (door.window_length_, door.season_length_) == (12, 12)
    X, y = make_sequences(panel, window_length=12, horizon=5)
    core = LSTMForecaster(**SMALL).fit(X, y)
    np.testing.assert_allclose(door.predict().to_numpy().ravel(),
                               core.forecast(panel).to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("criterion", ["quantile", "normal"])
def test_the_sktime_doors_quantiles_and_variances_are_the_cores(criterion):
    from sklstm.sktime import LSTMForecaster as SktimeForecaster

    series = _series()
    settings = dict(criterion=criterion, **SMALL)
    door = SktimeForecaster(window_length=12, horizon=3, **settings).fit(series, fh=[1, 2, 3])
    assert door.get_tag("capability:pred_int")
    X, y = make_sequences(series, window_length=12, horizon=3)
    core = LSTMForecaster(**settings).fit(X, y)
    window = core.last_window(series)
    levels = [0.05, 0.5, 0.95]
    np.testing.assert_allclose(door.predict_quantiles(alpha=levels).to_numpy(),
                               core.predict_quantiles(window, levels)[0], rtol=1e-10)
    lower, upper = core.predict_interval(window, coverage=0.9)
    np.testing.assert_allclose(door.predict_interval(coverage=[0.9]).to_numpy(),
                               np.column_stack([lower[0], upper[0]]), rtol=1e-10)
    np.testing.assert_allclose(door.predict_var().to_numpy()[:, 0],
                               core.predict_var(window)[0], rtol=1e-10)
