"""Calendar (known-future) and series-indicator (static) features, and how windows keep them."""

import numpy as np
import pandas as pd
import pytest

from sklstm import (
    LSTMForecaster,
    add_calendar_features,
    add_series_indicators,
    make_sequences,
)


def test_calendar_features_are_the_phase_lead_steps_ahead():
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    y = pd.Series(np.arange(30.0), index=months, name="sales")
    frame = add_calendar_features(y, lead=3)
    assert frame.columns.tolist() == ["sales", "season_sin", "season_cos"]
    ahead = (months.month - 1 + 3) % 12  # the calendar month three steps ahead, 0-based
    np.testing.assert_allclose(frame["season_sin"], np.sin(2 * np.pi * ahead / 12))
    np.testing.assert_allclose(frame["season_cos"], np.cos(2 * np.pi * ahead / 12))
    # The same from a PeriodIndex, and from integer labels with an explicit season.
    periods = y.set_axis(months.to_period("M"))
    pd.testing.assert_frame_equal(add_calendar_features(periods, lead=3).reset_index(drop=True),
                                  frame.reset_index(drop=True))
    plain = add_calendar_features(y.reset_index(drop=True), lead=3, season_length=12)
    np.testing.assert_allclose(plain["season_sin"], frame["season_sin"])
    quarters = pd.Series(1.0, index=pd.period_range("2020Q1", periods=6, freq="Q"))
    np.testing.assert_allclose(add_calendar_features(quarters)["season_cos"],
                               np.cos(2 * np.pi * np.array([0, 1, 2, 3, 0, 1]) / 4), atol=1e-12)


def test_calendar_features_of_a_panel_follow_each_series_own_dates():
    a = pd.Series(1.0, index=pd.period_range("2020-01", periods=4, freq="M"))
    b = pd.Series(2.0, index=pd.period_range("2020-07", periods=4, freq="M"))
    panel = pd.concat({"a": a, "b": b}, names=["series", "time"])
    frame = add_calendar_features(panel, lead=1)
    months = np.r_[np.arange(1, 5), np.arange(7, 11)]  # next month of each row, 0-based
    np.testing.assert_allclose(frame["season_sin"], np.sin(2 * np.pi * months / 12))
    # Dates in a MultiIndex lose their freq: the step is read from one series' dates.
    dated = pd.concat({"a": a.to_timestamp(), "b": b.to_timestamp()}, names=["series", "time"])
    np.testing.assert_allclose(add_calendar_features(dated, lead=1)["season_sin"],
                               frame["season_sin"])


def test_series_indicators_are_constant_per_series():
    panel = pd.concat({"a": pd.Series(np.arange(5.0)), "b": pd.Series(np.arange(3.0))},
                      names=["series", "time"])
    frame = add_series_indicators(panel)
    assert frame.columns.tolist() == ["y", "series=a", "series=b"]  # an unnamed series: "y"
    assert frame.loc["a", "series=a"].eq(1).all() and frame.loc["a", "series=b"].eq(0).all()
    assert frame.loc["b", "series=b"].eq(1).all() and frame.loc["b", "series=a"].eq(0).all()


def test_bad_feature_requests_are_refused_by_name():
    y = pd.Series(np.arange(10.0))
    with pytest.raises(ValueError, match="season_length='auto' found no season"):
        add_calendar_features(y)
    with pytest.raises(ValueError, match="lead must be a non-negative integer"):
        add_calendar_features(y, lead=-1, season_length=12)
    with pytest.raises(ValueError, match="already has a column 'season_sin'"):
        add_calendar_features(add_calendar_features(y, season_length=4), season_length=4)
    with pytest.raises(ValueError, match="MultiIndex"):
        add_series_indicators(y)
    with pytest.raises(TypeError, match="pandas Series or DataFrame"):
        add_calendar_features(np.arange(10.0), season_length=12)


def test_window_scaling_keeps_static_features_and_covariate_levels():
    rng = np.random.default_rng(0)
    panel = pd.concat({k: pd.Series(level + rng.normal(size=60)) for k, level in
                       [("a", 0.0), ("b", 50.0)]}, names=["series", "time"]).rename("y")
    frame = add_series_indicators(panel)
    X, y = make_sequences(frame, window_length=6, horizon=1, target="y")
    model = LSTMForecaster(scaling="window", max_epochs=1, random_state=0).fit(X, y)
    scaled = model.scaling_.transform(np.asarray(X))
    # The target feature is in each window's own frame (its last value is 0)...
    np.testing.assert_allclose(scaled[:, -1, 0], 0, atol=1e-6)
    # ... the indicators are standardised with training statistics: constant within each
    # window, and different for the two series (per-window scaling would make them all 0).
    indicator = scaled[:, :, 1]
    assert np.allclose(indicator, indicator[:, :1])
    assert len(np.unique(indicator.round(6))) == 2
    mean, deviation = X[:, :, 1].mean(), X[:, :, 1].std()
    np.testing.assert_allclose(indicator, (X[:, :, 1] - mean) / deviation, atol=1e-5)


@pytest.mark.parametrize("architecture", ["direct", "seq2seq"])
def test_known_future_calendar_lets_a_one_step_window_forecast_the_season(architecture):
    # y is a season plus noise; a window of one value cannot tell a rising month from a
    # falling one, the calendar of the target step can.
    rng = np.random.default_rng(0)
    months = pd.period_range("2000-01", periods=240, freq="M")
    season = 5 * np.sin(2 * np.pi * (months.month - 1) / 12)
    y = pd.Series(season + rng.normal(0, 0.5, 240), index=months, name="y")
    errors = {}
    for name, series in [("plain", y.to_frame()), ("calendar", add_calendar_features(y, 1))]:
        X, target = make_sequences(series[:216], window_length=1, horizon=1, target="y")
        X_test, y_test = make_sequences(series[216:], window_length=1, horizon=1, target="y",
                                        history=series[:216])
        model = LSTMForecaster(architecture=architecture, hidden_size=16, max_epochs=60,
                               lr=1e-2, random_state=0)
        errors[name] = np.mean(np.abs(model.fit(X, target).predict(X_test) - y_test))
        if name == "calendar":  # forecast() reads the calendar from the series' last rows
            future = model.forecast(series)
            assert future.index.tolist() == [pd.Period("2020-01", freq="M")]
    assert errors["calendar"] < 0.7 < errors["plain"]
