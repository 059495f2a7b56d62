"""Per-window (reversible instance) scaling: exact round trips, and forecasts beyond the
training range."""

import numpy as np
import pandas as pd
import pytest

from sklstm import LSTMForecaster, SequenceWindower, make_sequences
from sklstm._scaling import WindowScaling


@pytest.mark.parametrize(
    "series",
    [np.full(60, 7.5), 3.0 + 0.25 * np.arange(60), 1e8 + np.arange(60.0), -2.0 * np.arange(60.0)],
    ids=["constant", "linear", "offset", "falling"],
)
def test_window_scaling_is_exactly_reversible(series):
    X, y = make_sequences(series, window_length=6, horizon=3)
    scaling = WindowScaling.fit(X, y)
    encoded = scaling.encode_target(y, X)
    np.testing.assert_allclose(scaling.decode(encoded, X), y, rtol=1e-6, atol=1e-6)
    # Every window of a constant or linear series looks the same in its own frame.
    frames = scaling.transform(X)
    np.testing.assert_allclose(frames, np.broadcast_to(frames[:1], frames.shape), atol=1e-5)
    np.testing.assert_allclose(encoded, np.broadcast_to(encoded[:1], encoded.shape), atol=1e-5)


def test_linear_series_forecast_exactly_beyond_the_training_range():
    train = 5.0 + 0.5 * np.arange(300)
    X, y = make_sequences(train, window_length=8, horizon=2)
    model = LSTMForecaster(scaling="window", hidden_size=8, max_epochs=30, lr=0.01,
                           random_state=0).fit(X, y)
    # A series at ten times the level and another slope: still a straight line in its frame.
    test = 1e4 + 0.5 * np.arange(50)
    X_test, y_test = make_sequences(test, window_length=8, horizon=2)
    np.testing.assert_allclose(model.predict(X_test), y_test, atol=0.02)
    global_model = LSTMForecaster(hidden_size=8, max_epochs=30, lr=0.01,
                                  random_state=0).fit(X, y)
    assert np.abs(global_model.predict(X_test) - y_test).mean() > 100 * np.abs(
        model.predict(X_test) - y_test).mean()


def test_trend_with_growing_season_beats_seasonal_naive():
    t = np.arange(240)
    series = (100 + 2 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12))  # multiplicative season
    train, test = series[:192], series[192:]
    X, y = make_sequences(train, window_length=24, horizon=1)
    model = LSTMForecaster(scaling="window", hidden_size=32, max_epochs=150, lr=3e-3,
                           random_state=0).fit(X, y)
    X_test, y_test = make_sequences(test, window_length=24, history=train)
    mae = np.abs(model.predict(X_test) - y_test).mean()
    seasonal_naive = np.abs(series[180:228] - test).mean()
    assert mae < seasonal_naive, (mae, seasonal_naive)


def test_window_scaling_uses_the_target_feature_of_multivariate_windows():
    frame = pd.DataFrame({"a": np.arange(100.0), "b": 1000 + 10 * np.arange(100.0)})
    X, y = make_sequences(frame, window_length=5, target="b")
    assert X.target_position == 1
    model = LSTMForecaster(scaling="window", max_epochs=2, random_state=0).fit(X, y)
    assert model.scaling_.target_feature == 1
    # Selecting features keeps track of where the target went.
    Xt = SequenceWindower(window_length=3, features=[1]).fit_transform(X)
    assert Xt.target_position == 0
    with pytest.raises(ValueError, match="does not say which one"):
        LSTMForecaster(scaling="window", max_epochs=1).fit(np.asarray(X), y)
    with pytest.raises(ValueError, match="structure"):
        model.set_params(warm_start=True, scaling="global").fit(X, y)


def test_flat_windows_keep_targets_of_ordinary_size():
    # A seasonal series with a long flat stretch (a filled gap): windows inside it have a
    # deviation of 0 or float noise; dividing by it would put their targets at ~1e15.
    series = np.sin(np.arange(400) / 4.0) * 5 + 20
    series[100:160] = 20.0 + np.arange(60) * 1e-15
    X, y = make_sequences(series, window_length=18, horizon=6)
    scaling = WindowScaling.fit(X, y)
    deviations = np.asarray(X)[:, :, 0].std(axis=1)
    assert (deviations < 1e-10).any()
    np.testing.assert_allclose(scaling.floor, 0.1 * np.median(deviations), rtol=1e-9)
    encoded = scaling.encode_target(y, X)
    assert np.abs(encoded).max() < 100
    np.testing.assert_allclose(scaling.decode(encoded, X), y, rtol=1e-6, atol=1e-5)
    model = LSTMForecaster(scaling="window", hidden_size=16, max_epochs=30,
                           random_state=0).fit(X, y)
    assert np.abs(model.predict(X) - y).mean() < 1.0  # not blown up by the flat windows


# -- scaling="seasonal": each window's own season out, then its own frame -------------------
def test_seasonal_profile_is_read_from_the_windows_last_complete_cycles():
    from sklstm._scaling._seasonal import _phases, _profile

    pattern = np.array([3.0, -1.0, 0.0, -2.0])
    # 10 steps, season 4: two complete cycles at the end (steps 2..9), a trend beneath.
    steps = np.arange(10)
    window = 100 + 0.0 * steps + pattern[(steps - 2) % 4]
    profile = _profile(window[np.newaxis], 4)
    np.testing.assert_allclose(profile[0], pattern - pattern.mean())
    assert _phases(10, 4).tolist() == [2, 3, 0, 1, 2, 3, 0, 1, 2, 3]


def test_seasonal_scaling_follows_a_season_at_a_level_never_seen_in_training():
    t = np.arange(400)
    rng = np.random.default_rng(0)
    series = 10 + 5 * np.sin(2 * np.pi * t / 12) + 0.05 * rng.normal(size=400)
    X, y = make_sequences(series[:300], window_length=36, horizon=12)
    shifted = series[300:] + 50  # far outside the training range
    X_new, y_new = make_sequences(shifted, window_length=36, horizon=12)
    errors = {}
    for scaling in ("seasonal", "global"):
        model = LSTMForecaster(scaling=scaling, season_length=12, hidden_size=16,
                               max_epochs=30, random_state=0).fit(X, y)
        errors[scaling] = np.abs(model.predict(X_new) - y_new).mean()
    assert errors["seasonal"] < 0.5 < errors["global"]


def test_seasonal_scaling_needs_a_season_and_two_of_them_in_each_window():
    X, y = make_sequences(np.sin(np.arange(200) / 2), window_length=20)
    with pytest.raises(ValueError, match="season_length"):
        LSTMForecaster(scaling="seasonal", max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="two seasons or more"):
        LSTMForecaster(scaling="seasonal", season_length=12, max_epochs=1).fit(X, y)
