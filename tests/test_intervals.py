"""Split-conformal prediction intervals of the forecasters."""

import numpy as np
import pandas as pd
import pytest

from sklstm import GRUForecaster, LSTMForecaster, make_sequences

NOISE = 0.3


@pytest.fixture(scope="module")
def noisy_sine():
    """A long seasonal series with known Gaussian noise, split into train and test windows."""
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(6000) / 8) + rng.normal(scale=NOISE, size=6000)
    X, y = make_sequences(series[:4000], window_length=24, horizon=3)
    X_test, y_test = make_sequences(series[4000:], window_length=24, horizon=3)
    return X, y, X_test, y_test


@pytest.fixture(scope="module")
def calibrated(noisy_sine):
    X, y, _, _ = noisy_sine
    return LSTMForecaster(hidden_size=16, max_epochs=20, calibration_fraction=0.2,
                          random_state=0).fit(X, y)


@pytest.mark.parametrize("coverage", [0.8, 0.95])
def test_intervals_reach_nominal_coverage_on_a_series_with_known_noise(
    noisy_sine, calibrated, coverage
):
    _, _, X_test, y_test = noisy_sine
    lower, upper = calibrated.predict_interval(X_test, coverage=coverage)
    covered = ((y_test >= lower) & (y_test <= upper)).mean(axis=0)
    assert covered.shape == (3,)
    np.testing.assert_allclose(covered, coverage, atol=0.03)
    # Close to the width of the noise's own interval (the network nearly learns the sine).
    from scipy.stats import norm

    ideal = 2 * norm.ppf(0.5 + coverage / 2) * NOISE
    assert np.all((upper - lower).mean(axis=0) < 1.25 * ideal)


def test_intervals_contain_the_forecast_and_widen_with_coverage(noisy_sine, calibrated):
    _, _, X_test, _ = noisy_sine
    point = calibrated.predict(X_test)
    widths = []
    for coverage in (0.5, 0.8, 0.95):
        lower, upper = calibrated.predict_interval(X_test, coverage=coverage)
        assert lower.shape == upper.shape == point.shape
        assert np.all(lower <= point) and np.all(point <= upper)
        widths.append(upper - lower)
    assert np.all(widths[0] < widths[1]) and np.all(widths[1] < widths[2])


def test_calibration_windows_are_the_latest_and_never_trained_on(noisy_sine):
    X, y, X_test, _ = noisy_sine
    # Without early stopping (its validation windows would calibrate the plain model).
    held = LSTMForecaster(hidden_size=8, max_epochs=3, calibration_fraction=0.25,
                          interval_scale=None, early_stopping=False,
                          random_state=0).fit(X[:400], y[:400])
    plain = LSTMForecaster(hidden_size=8, max_epochs=3, early_stopping=False,
                           random_state=0).fit(X[:300], y[:300])
    # Identical to a model fitted on the first 300 windows only.
    np.testing.assert_array_equal(held.predict(X_test[:50]), plain.predict(X_test[:50]))
    assert held.conformal_scores_.shape == (100, 3)
    assert plain.conformal_scores_ is None
    errors = np.abs(held.predict(X[300:400]) - y[300:400])
    # In time order, oldest first (the adaptive method weights and appends by age).
    np.testing.assert_allclose(errors, held.conformal_scores_, rtol=1e-12)
    # interval_scale="window" (the default): errors in units of their window's deviation.
    scaled = held.set_params(interval_scale="window")
    assert scaled._interval_scaling is None  # the scores keep their meaning until refitted
    window = LSTMForecaster(hidden_size=8, max_epochs=3, calibration_fraction=0.25,
                            early_stopping=False, random_state=0).fit(X[:400], y[:400])
    deviation = np.asarray(X[300:400])[:, :, 0].std(axis=1)
    np.testing.assert_allclose(errors / deviation[:, None], window.conformal_scores_,
                               rtol=1e-9)


@pytest.mark.parametrize("scaling", ["global", "window"])
def test_intervals_scale_with_the_window(noisy_sine, scaling):
    X, y, X_test, _ = noisy_sine
    model = GRUForecaster(hidden_size=8, max_epochs=5, scaling=scaling,
                          calibration_fraction=0.2, random_state=0).fit(X, y)
    lower, upper = model.predict_interval(X_test[:20], coverage=0.8)
    doubled_lower, doubled_upper = model.predict_interval(2 * X_test[:20], coverage=0.8)
    # Twice the series: twice the window's deviation, twice the interval.
    np.testing.assert_allclose(doubled_upper - doubled_lower, 2 * (upper - lower), rtol=1e-4)


def test_early_stopping_windows_calibrate_when_nothing_is_held_out(noisy_sine):
    X, y, X_test, _ = noisy_sine
    model = LSTMForecaster(hidden_size=8, max_epochs=3, early_stopping=True,
                           validation_fraction=0.1, random_state=0).fit(X[:500], y[:500])
    assert model.conformal_scores_.shape == (50, 3)
    lower, upper = model.predict_interval(X_test[:5], coverage=0.9)
    assert np.all(upper > lower)


def test_interval_errors_say_what_to_do(noisy_sine, calibrated):
    X, y, X_test, _ = noisy_sine
    uncalibrated = LSTMForecaster(hidden_size=4, max_epochs=1, early_stopping=False,
                                  random_state=0).fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="calibration_fraction"):
        uncalibrated.predict_interval(X_test[:2])
    small = LSTMForecaster(hidden_size=4, max_epochs=1, calibration_fraction=0.1,
                           random_state=0).fit(X[:100], y[:100])
    with pytest.warns(UserWarning, match="needs at least 99 calibration windows"):
        lower, upper = small.predict_interval(X_test[:2], coverage=0.99)
    assert np.all(lower == -np.inf) and np.all(upper == np.inf)
    for bad in (0, 1, 1.5, "0.9", True):
        with pytest.raises(ValueError, match="coverage must be a number in \\(0, 1\\)"):
            calibrated.predict_interval(X_test[:2], coverage=bad)
    with pytest.raises(ValueError, match="leaves no window"):
        LSTMForecaster(max_epochs=1, calibration_fraction=0.5).fit(X[:1], y[:1])


def test_forecast_with_coverage_returns_the_interval_columns():
    rng = np.random.default_rng(1)
    index = pd.date_range("2000-01-01", periods=400, freq="D")
    series = pd.Series(np.sin(np.arange(400) / 6) + rng.normal(scale=0.1, size=400), index=index)
    X, y = make_sequences(series, window_length=20, horizon=4)
    model = LSTMForecaster(hidden_size=8, max_epochs=10, calibration_fraction=0.2,
                           random_state=0).fit(X, y)
    frame = model.forecast(series, coverage=0.8)
    assert list(frame.columns) == ["forecast", "lower", "upper"]
    assert frame.index.equals(pd.date_range("2001-02-04", periods=4, freq="D"))
    pd.testing.assert_series_equal(frame["forecast"], model.forecast(series))
    assert (frame["lower"] <= frame["forecast"]).all() and (frame["forecast"] <= frame["upper"]).all()
