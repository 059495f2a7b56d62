"""The series-level state that windows carry (season, Theta level and trend) and the
forecaster's use of it: season adjustment and combination with the Theta forecast."""

import pickle

import numpy as np
import pandas as pd
import pytest

from sklstm import LSTMForecaster, make_sequences
from sklstm._combination import DEFAULT_WEIGHT, choose_weight
from sklstm._series_state import (CHANNELS, DRIFT, FACTOR, LEAD, LEVEL, OFFSET,
                                  expanding_slope, future_positions, smoothed_level,
                                  state_channels)


def _monthly(n=120, seed=0, trend=0.05, amplitude=5.0, noise=0.5):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    values = 20 + trend * t + amplitude * np.sin(2 * np.pi * t / 12) + rng.normal(0, noise, n)
    return pd.Series(values, index=pd.date_range("2000-01", periods=n, freq="MS"))


def test_expanding_slope_is_the_least_squares_slope_of_the_steps_so_far():
    values = np.array([1.0, 3.0, 2.0, 6.0, np.nan, 7.0])
    slope = expanding_slope(values)
    assert slope[0] == 0.0
    for end in (2, 4, 6):
        t = np.arange(end)
        keep = np.isfinite(values[:end])
        assert slope[end - 1] == pytest.approx(np.polyfit(t[keep], values[:end][keep], 1)[0])


def test_smoothed_level_picks_the_constant_of_least_one_step_error():
    walk = np.cumsum(np.random.default_rng(0).normal(size=300))
    level, alpha = smoothed_level(walk)
    assert alpha == 1.0  # a random walk: the last value is the best level
    np.testing.assert_allclose(level, walk)
    noise = 5 + np.random.default_rng(1).normal(size=300)
    level, alpha = smoothed_level(noise)
    assert alpha <= 0.15 and abs(level[-1] - 5) < 0.5  # white noise: a long average


def test_state_takes_a_multiplicative_season_out_and_drift_is_half_the_slope():
    t = np.arange(96)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    values = (50 + 0.5 * t) * season
    state = state_channels(values, 12)
    assert np.allclose(state[:, OFFSET], 0)
    np.testing.assert_allclose(state[:, FACTOR], season, atol=0.03)
    adjusted = values / state[:, FACTOR]
    np.testing.assert_allclose(state[-1, DRIFT], np.polyfit(t, adjusted, 1)[0] / 2)
    # A series without a significant season keeps factor 1 and offset 0.
    flat = state_channels(np.random.default_rng(0).normal(size=96), 12)
    assert np.all(flat[:, FACTOR] == 1) and np.all(flat[:, OFFSET] == 0)


def test_the_windows_theta_forecast_is_the_theta_method_at_the_window_end():
    series = _monthly()
    X, _ = make_sequences(series, window_length=24, horizon=6)
    m = LSTMForecaster(hidden_size=4, max_epochs=1, random_state=0).fit(X, _)
    theta = m.scaling_.theta_forecast(np.asarray(X[-1:]))
    state = state_channels(series.to_numpy(), 12)
    end = len(series) - 6 - 1  # the last window ends 6 steps before the series' end
    adjusted = state[end, LEVEL] + state[end, LEAD] + state[end, DRIFT] * np.arange(1, 7)
    future = np.arange(end + 1, end + 7)
    expected = (adjusted + state[future, OFFSET]) * state[future, FACTOR]
    np.testing.assert_allclose(theta[0], expected)


def test_future_positions_read_the_same_phase_one_season_back():
    positions = future_positions(window_length=18, horizon=18, season_length=12)
    # Step h after a window ending at position 17 has the phase of 17 + h - 12k.
    assert positions.tolist() == [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                                  6, 7, 8, 9, 10, 11]
    assert set(future_positions(8, 5, 1)) == {7}


def test_make_sequences_adds_the_state_for_a_calendar_index_only():
    series = _monthly()
    X, y = make_sequences(series, window_length=24, horizon=6)
    assert X.shape == (len(series) - 29, 24, 6) and X.state_season == 12
    assert X.feature_names[1:] == CHANNELS
    np.testing.assert_array_equal(X[:, :, 0], make_sequences(
        series, 24, 6, season_length=None)[0][:, :, 0])
    plain, _ = make_sequences(series.to_numpy(), window_length=24, horizon=6)
    assert plain.shape[2] == 1 and plain.state_season is None
    short, _ = make_sequences(series, window_length=8, horizon=6)  # cannot hold a season
    assert short.shape[2] == 1
    explicit, _ = make_sequences(series.to_numpy(), window_length=8, horizon=6,
                                 season_length=1)
    assert explicit.shape[2] == 6 and explicit.state_season == 1
    sliced = pickle.loads(pickle.dumps(X[[0, 3, 5]]))
    assert sliced.state_season == 12 and sliced.feature_names == X.feature_names


@pytest.mark.parametrize("bad, match", [(13, "longer than window_length"),
                                        (0, "int >= 1"), ("monthly", "'auto'")])
def test_make_sequences_refuses_a_season_it_cannot_carry(bad, match):
    with pytest.raises(ValueError, match=match):
        make_sequences(_monthly(), window_length=12, horizon=3, season_length=bad)


def test_choose_weight_prefers_the_member_that_is_right():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(50, 4))
    noise = rng.normal(size=(50, 4))
    scale = np.ones((50, 1))
    assert choose_weight(truth, truth + noise, truth, scale) == 0.0
    assert choose_weight(truth + noise, truth, truth, scale) == 1.0
    assert 0.3 <= choose_weight(truth + noise, truth - noise, truth, scale) <= 0.7


def test_the_weight_is_chosen_on_held_out_windows_and_is_half_without_them():
    series = _monthly(n=240)
    X, y = make_sequences(series, window_length=24, horizon=6)
    small = dict(hidden_size=8, max_epochs=5, random_state=0)
    blind = LSTMForecaster(early_stopping=False, **small).fit(X, y)
    assert blind.scaling_.base_weight == DEFAULT_WEIGHT
    held = LSTMForecaster(**small).fit(X, y)  # 211 windows: "auto" early stopping is on
    assert "valid_loss" in held.history_
    assert 0.0 <= held.scaling_.base_weight <= 1.0
    # predict returns the combination: the network's own forecast mixed with Theta's.
    w, windows = held.scaling_.base_weight, np.asarray(X[-3:])
    alone = held.scaling_.__class__(**{**vars(held.scaling_), "base_weight": 0.0})
    network = alone.decode(held._forward(windows), windows)
    theta = held.scaling_.theta_forecast(windows)
    np.testing.assert_allclose(held.predict(X[-3:]), (1 - w) * network + w * theta,
                               rtol=1e-5)


def test_a_trending_seasonal_series_beats_seasonal_naive_through_both_doors():
    from sklstm.sktime import LSTMForecaster as SktimeForecaster

    maes, naive = [], []
    for seed in range(3):
        series = _monthly(n=96, seed=seed, trend=0.15)
        train, test = series[:-18], series[-18:]
        X, y = make_sequences(train, window_length=36, horizon=18)
        core = LSTMForecaster(random_state=0, max_epochs=30).fit(X, y).forecast(train)
        maes.append(np.abs(core.to_numpy() - test.to_numpy()).mean())
        last_year = train.to_numpy()[-12:]
        naive.append(np.abs(np.resize(last_year, 18) - test.to_numpy()).mean())
        y_period = train.copy()
        y_period.index = y_period.index.to_period("M")
        adapter = SktimeForecaster(random_state=0, max_epochs=30).fit(
            y_period, fh=np.arange(1, 19))
        np.testing.assert_allclose(adapter.predict().to_numpy(), core.to_numpy(), rtol=1e-5)
    assert np.mean(maes) < 0.8 * np.mean(naive), (maes, naive)


def test_forecast_beyond_the_horizon_rebuilds_the_state_and_keeps_the_first_steps():
    series = _monthly()
    X, y = make_sequences(series, window_length=24, horizon=6)
    m = LSTMForecaster(hidden_size=8, max_epochs=5, random_state=0).fit(X, y)
    six, twenty = m.forecast(series), m.forecast(series, steps=20)
    np.testing.assert_allclose(twenty.to_numpy()[:6], six.to_numpy())
    assert len(twenty) == 20 and np.isfinite(twenty).all()
    assert twenty.index[0] == series.index[-1] + pd.offsets.MonthBegin()


def test_a_series_with_other_columns_than_fitted_is_refused_with_the_state():
    frame = pd.DataFrame({"y": _monthly().to_numpy(), "x": np.arange(120.0)},
                         index=_monthly().index)
    X, y = make_sequences(frame, window_length=24, horizon=3, target="y")
    assert X.shape[2] == 2 + len(CHANNELS)
    m = LSTMForecaster(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    assert m.series_features_ == ("y", "x")
    assert m.forecast(frame).shape == (3,)
    with pytest.raises(ValueError, match="columns"):
        m.forecast(frame[["y"]])


def test_test_windows_completed_by_history_have_the_state_of_the_whole_series():
    series = _monthly(n=120)
    train, test = series[:96], series[96:]
    X_all, _ = make_sequences(series, window_length=24, horizon=3)
    X_test, _ = make_sequences(test, window_length=24, horizon=3, history=train)
    # The state at a step depends on the data before it (level, trend) and on the season
    # estimated from all the data given: the test windows, cut with the whole training
    # history, hold the last windows' values and season of the whole series.
    np.testing.assert_array_equal(X_test[:, :, 0], X_all[-len(X_test):, :, 0])
    np.testing.assert_allclose(X_test[:, :, 1:3], X_all[-len(X_test):, :, 1:3])
    np.testing.assert_allclose(X_test[:, :, 3:], X_all[-len(X_test):, :, 3:])
