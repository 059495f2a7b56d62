"""Scores of probabilistic forecasts, their scorers, and the forecasters' quantiles."""

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mean_pinball_loss
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from sklstm import LSTMForecaster, make_sequences
from sklstm.metrics import (
    crps_from_quantiles,
    interval_score,
    make_interval_scorer,
    make_quantile_scorer,
    msis,
    pinball_loss,
)


def test_pinball_loss_is_scikit_learns_averaged_over_the_quantiles():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(50, 3))
    levels = [0.1, 0.5, 0.9]
    forecasts = np.stack([y + rng.normal(size=y.shape) for _ in levels], axis=-1)
    expected = np.mean([mean_pinball_loss(y.ravel(), forecasts[..., j].ravel(), alpha=q)
                        for j, q in enumerate(levels)])
    assert pinball_loss(y, forecasts, levels) == pytest.approx(expected)
    with pytest.raises(ValueError, match="shape"):
        pinball_loss(y, forecasts[..., :2], levels)
    with pytest.raises(ValueError, match="quantiles"):
        pinball_loss(y, forecasts, [0.1, 0.5, 1.0])


def test_crps_from_many_quantiles_approaches_the_normal_closed_form():
    levels = np.linspace(0.005, 0.995, 199)
    quantiles = stats.norm.ppf(levels)[np.newaxis, :]  # a standard normal forecast
    for y in (0.0, 0.7, -2.0):
        exact = (y * (2 * stats.norm.cdf(y) - 1) + 2 * stats.norm.pdf(y) - 1 / np.sqrt(np.pi))
        assert crps_from_quantiles([y], quantiles, levels) == pytest.approx(exact, rel=0.02)


def test_interval_score_and_msis_by_hand():
    # Inside: the width; outside: the width plus 2 / alpha times the miss.
    assert interval_score([1.0], [0.0], [2.0], 0.9) == pytest.approx(2.0)
    assert interval_score([3.0], [0.0], [2.0], 0.9) == pytest.approx(2.0 + 20 * 1.0)
    history = np.array([0.0, 10.0, 0.0, 10.0, 0.0])  # seasonal (m=2) differences are 0...
    with pytest.raises(ValueError, match="does not vary"):
        msis([1.0], [0.0], [2.0], 0.95, history, season_length=2)
    assert msis([1.0], [0.0], [2.0], 0.95, history, season_length=1) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="coverage"):
        interval_score([1.0], [0.0], [2.0], 1.5)


@pytest.fixture(scope="module")
def calibrated():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(700) / 5) + rng.normal(scale=0.2, size=700)
    X, y = make_sequences(series, window_length=12, horizon=2)
    model = LSTMForecaster(hidden_size=8, max_epochs=10, calibration_fraction=0.25,
                           random_state=0).fit(X, y)
    return model, X, y


def test_conformal_quantiles_never_cross_and_agree_with_predict_and_intervals(calibrated):
    model, X, _ = calibrated
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    q = model.predict_quantiles(X[-50:], quantiles=levels)
    assert q.shape == (50, 2, 5)
    assert np.all(np.diff(q, axis=-1) >= 0)
    np.testing.assert_array_equal(q[..., 2], model.predict(X[-50:]))
    lower, upper = model.predict_interval(X[-50:], coverage=0.9)
    np.testing.assert_allclose(q[..., 0], lower)
    np.testing.assert_allclose(q[..., 4], upper)
    with pytest.raises(ValueError, match="quantiles"):
        model.predict_quantiles(X[-5:], quantiles=[0.0, 0.5])


def test_quantiles_need_calibration_windows():
    X, y = make_sequences(np.sin(np.arange(200) / 5), window_length=8)
    model = LSTMForecaster(hidden_size=4, max_epochs=1, early_stopping=False,
                           random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="calibration_fraction"):
        model.predict_quantiles(X[-3:])


def test_scorers_rank_a_calibrated_model_and_tune_in_a_grid_search(calibrated):
    model, X, y = calibrated
    X_test, y_test = X[-100:], y[-100:]
    interval = make_interval_scorer(0.8)(model, X_test, y_test)
    lower, upper = model.predict_interval(X_test, coverage=0.8)
    assert interval == pytest.approx(-interval_score(y_test, lower, upper, 0.8))
    pinball = make_quantile_scorer((0.1, 0.5, 0.9))(model, X_test, y_test)
    crps = make_quantile_scorer((0.1, 0.5, 0.9), score="crps")(model, X_test, y_test)
    assert pinball < 0 and crps == pytest.approx(2 * pinball)
    search = GridSearchCV(
        LSTMForecaster(hidden_size=4, max_epochs=2, calibration_fraction=0.25, random_state=0),
        {"cell": ["lstm", "gru"]}, cv=TimeSeriesSplit(n_splits=2),
        scoring=make_quantile_scorer((0.1, 0.5, 0.9))).fit(X[:400], y[:400])
    assert np.isfinite(search.best_score_) and search.best_score_ < 0
