"""Probabilistic forecasts: the quantile and distribution heads, conformalised quantile
regression, the adaptive (decayed, updated) conformal method, saving and export."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch

from sklstm import LSTMForecaster, load, make_sequences
from sklstm._heads import (NormalNLL, PinballLoss, QuantileOutput, StudentTNLL,
                           quantile_levels)
from sklstm._intervals import conformal_quantile

HEADS = ["quantile", "normal", "student_t"]


def noisy_sine(n=700, seed=0, noise=0.3):
    rng = np.random.default_rng(seed)
    return np.sin(np.arange(n) / 5) + rng.normal(scale=noise, size=n)


@pytest.fixture(scope="module")
def windows():
    return make_sequences(noisy_sine(), window_length=12, horizon=2)


@pytest.fixture(scope="module", params=HEADS)
def fitted(request, windows):
    X, y = windows
    model = LSTMForecaster(hidden_size=16, max_epochs=15, criterion=request.param,
                           calibration_fraction=0.3, random_state=0, torch_threads=1)
    return model.fit(X[:500], y[:500])


def test_quantile_output_never_crosses_whatever_the_raw_outputs():
    levels = quantile_levels((0.05, 0.2, 0.8, 0.95))
    head = QuantileOutput(levels)
    raw = torch.randn(64, 3, len(levels)) * 50  # extreme raw outputs included
    out = head(raw)
    assert out.shape == raw.shape
    assert bool((out.diff(dim=-1) >= 0).all())
    torch.testing.assert_close(out[..., levels.index(0.5)], raw[..., 0])


def test_pinball_loss_matches_the_hand_computed_value():
    levels = (0.1, 0.5, 0.9)
    quantiles = torch.tensor([[[0.0, 1.0, 2.0]]])
    target = torch.tensor([[1.5]])
    # errors y - q: 1.5, 0.5, -0.5 -> 0.1 * 1.5, 0.5 * 0.5, 0.1 * 0.5
    expected = (0.15 + 0.25 + 0.05) / 3
    assert PinballLoss(levels)(quantiles, target).item() == pytest.approx(expected)


@pytest.mark.parametrize("loss, distribution", [
    (NormalNLL(), lambda p: torch.distributions.Normal(p[..., 0], p[..., 1])),
    (StudentTNLL(), lambda p: torch.distributions.StudentT(p[..., 2], p[..., 0], p[..., 1])),
])
def test_likelihood_losses_are_torchs_negative_log_likelihoods(loss, distribution):
    gen = torch.Generator().manual_seed(0)
    params = torch.stack([torch.randn(8, 3, generator=gen), torch.rand(8, 3, generator=gen) + .5,
                          torch.rand(8, 3, generator=gen) * 5 + 2.5], dim=-1)
    target = torch.randn(8, 3, generator=gen)
    expected = -distribution(params).log_prob(target).mean()
    torch.testing.assert_close(loss(params, target), expected)


def test_quantiles_never_cross_and_the_median_is_predict(fitted, windows):
    X, _ = windows
    levels = [0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975]
    q = fitted.predict_quantiles(X[500:], quantiles=levels)
    assert q.shape == (len(X) - 500, 2, len(levels))
    assert np.all(np.diff(q, axis=-1) >= 0)
    np.testing.assert_allclose(q[..., levels.index(0.5)], fitted.predict(X[500:]))
    lower, upper = fitted.predict_interval(X[500:], coverage=0.9)
    np.testing.assert_allclose(lower, q[..., 1])
    np.testing.assert_allclose(upper, q[..., -2])


def test_cqr_covers_about_the_nominal_share_on_exchangeable_noise(fitted, windows):
    X, y = windows
    assert fitted.interval_method_ == "cqr"
    lower, upper = fitted.predict_interval(X[500:], coverage=0.8)
    covered = np.mean((y[500:] >= lower) & (y[500:] <= upper))
    assert 0.7 <= covered <= 0.92, covered


def test_the_head_method_reads_the_distribution_uncalibrated(windows):
    X, y = windows
    model = LSTMForecaster(hidden_size=16, max_epochs=15, criterion="normal",
                           interval_method="head", random_state=0, torch_threads=1)
    model.fit(X[:500], y[:500])
    assert model.conformal_scores_ is None
    # A normal head's 68% interval is location +- scale, i.e. +- sqrt(predict_var).
    lower, upper = model.predict_interval(X[500:], coverage=0.6826894921370859)
    np.testing.assert_allclose((upper - lower) / 2, np.sqrt(model.predict_var(X[500:])),
                               rtol=1e-4)
    # Trained by likelihood on noise of deviation 0.3: the spread is learned, not fixed.
    assert 0.15 < np.median(np.sqrt(model.predict_var(X[500:]))) < 0.6


def test_conformal_quantile_by_hand_with_and_without_decay():
    scores = np.array([[5.0], [1.0], [3.0], [2.0], [4.0]])  # oldest first
    # Plain: the ceil(6 * 0.5) = 3rd smallest.
    assert conformal_quantile(scores, 0.5)[0] == 3.0
    assert np.isinf(conformal_quantile(scores, 0.9)[0])  # ceil(6 * 0.9) = 6 > 5 scores
    # Decay 0.5: weights 1/16, 1/8, 1/4, 1/2, 1 (newest last), total + 1 = 2.9375.
    # Sorted scores 1, 2, 3, 4, 5 carry 1/8, 1/2, 1/4, 1, 1/16; the cumulative share reaches
    # 0.5 at score 4: (0.125 + 0.5 + 0.25 + 1) / 2.9375 = 0.638.
    assert conformal_quantile(scores, 0.5, decay=0.5)[0] == 4.0
    assert conformal_quantile(scores, 0.2, decay=0.5)[0] == 2.0


def test_decay_ages_a_panels_windows_by_time_step_not_by_series_order():
    # Two series a step: A's error 1, B's error 10, over 20 steps. Aged by window, the
    # newest series of each step outweighs the other and the order of the series decides
    # the quantile; aged by step (the windows of a step share a weight) it does not.
    a_first = np.tile([[1.0], [10.0]], (20, 1))
    b_first = np.tile([[10.0], [1.0]], (20, 1))
    by_window = [conformal_quantile(s, 0.35, decay=0.5)[0] for s in (a_first, b_first)]
    by_step = [conformal_quantile(s, 0.35, decay=0.5, per_step=2)[0] for s in (a_first, b_first)]
    assert by_window == [10.0, 1.0]
    assert by_step == [1.0, 1.0]  # A: just under 2 of the 5 of weight: 0.4 > 0.35


def test_steps_not_observed_yet_are_left_out_and_each_step_ages_on_its_own():
    # Column 0 observed in every row, column 1 only in the first three (then NaN).
    scores = np.array([[5.0, 5.0], [1.0, 1.0], [3.0, 3.0], [2.0, np.nan], [4.0, np.nan]])
    plain = conformal_quantile(scores, 0.5)
    assert plain[0] == 3.0  # ceil(6 * 0.5) = 3rd of five
    assert plain[1] == conformal_quantile(scores[:3, 1:], 0.5)[0] == 3.0  # 2nd of three
    # Decay 0.5: column 1's newest observed score (3.0) weighs 1, not 1/4.
    decayed = conformal_quantile(scores, 0.5, decay=0.5)
    assert decayed[1] == conformal_quantile(scores[:3, 1:], 0.5, decay=0.5)[0]


def test_update_intervals_takes_partly_observed_targets():
    X, y = make_sequences(noisy_sine(), window_length=12, horizon=3)
    model = LSTMForecaster(hidden_size=8, max_epochs=3, calibration_fraction=0.2,
                           calibration_decay=0.9, random_state=0).fit(X[:500], y[:500])
    n = len(model.conformal_scores_)
    partial = y[500:510].copy()
    partial[:, 1:] = np.nan  # only the first step observed so far
    model.update_intervals(X[500:510], partial)
    assert len(model.conformal_scores_) == n + 10
    assert np.isnan(model.conformal_scores_[-10:, 1:]).all()
    assert np.isfinite(model.conformal_scores_[-10:, 0]).all()
    lower, upper = model.predict_interval(X[510:520], coverage=0.8)
    assert np.isfinite(lower).all() and (lower < upper).all()
    with pytest.raises(ValueError, match="y"):
        model.update_intervals(X[500:510], np.full((10, 3), np.inf))


def test_updates_from_a_series_use_each_window_as_it_was_issued():
    t = pd.date_range("2000-01", periods=96, freq="MS")
    rng = np.random.default_rng(0)
    panel = pd.DataFrame({k: 5 + k + np.sin(np.arange(96) * np.pi / 6)
                          + rng.normal(scale=0.2, size=96) for k in range(3)}, index=t)
    X, y = make_sequences(panel[:72], window_length=24, horizon=3, series_id="columns")
    model = LSTMForecaster(hidden_size=4, max_epochs=2, calibration_fraction=0.2,
                           calibration_decay=0.95, random_state=0).fit(X, y)
    from sklstm._series_forecast import issued_windows

    Xi, yi = issued_windows(model, panel[:80], "2006-01-01", series_id="columns")
    # Origins 2005-10 (its third step is 2006-01) .. 2006-07, the 3 series at each.
    assert Xi.shape == (10 * 3, 24, X.shape[2]) and yi.shape == (30, 3)
    # Each window is the one last_window gives at its origin: state from the data up to it.
    at = panel[panel.index <= "2006-02-01"]
    np.testing.assert_allclose(Xi[12:15], model.last_window(at, series_id="columns"))
    # Steps before since (counted already) and after the data (unseen yet) are NaN.
    assert np.isnan(yi[0, :2]).all() and yi[0, 2] == panel.loc["2006-01-01", 0]
    assert np.isnan(yi[-3:, 1:]).all() and np.isfinite(yi[-3:, 0]).all()
    n = len(model.conformal_scores_)
    model.update_intervals_from_series(panel[:80], "2006-01-01", series_id="columns")
    assert len(model.conformal_scores_) == n + 30
    with pytest.raises(ValueError, match="no forecast"):
        model.update_intervals_from_series(panel[:80], "2030-01-01", series_id="columns")


def test_a_panels_windows_tell_the_forecaster_how_many_share_a_step():
    t = pd.date_range("2000-01", periods=60, freq="MS")
    panel = pd.DataFrame({k: np.sin(np.arange(60) / 3 + k) + 5 for k in range(3)}, index=t)
    X, y = make_sequences(panel, window_length=12, horizon=2, series_id="columns")
    assert X.n_series == 3 and pickle.loads(pickle.dumps(X)).n_series == 3
    model = LSTMForecaster(hidden_size=4, max_epochs=1, calibration_fraction=0.2,
                           calibration_decay=0.9, random_state=0).fit(X, y)
    assert model.windows_per_step_ == 3
    single = make_sequences(panel[0], window_length=12, horizon=2)[0]
    assert LSTMForecaster(hidden_size=4, max_epochs=1, random_state=0).fit(
        single, make_sequences(panel[0], window_length=12, horizon=2)[1]).windows_per_step_ == 1


def test_adaptive_intervals_widen_when_errors_grow():
    rng = np.random.default_rng(1)
    t = np.arange(1200)
    noise = np.where(t < 800, 0.1, 0.6) * rng.normal(size=len(t))
    X, y = make_sequences(np.sin(t / 5) + noise, window_length=12)
    params = dict(hidden_size=8, max_epochs=10, calibration_fraction=0.2, random_state=0,
                  torch_threads=1)
    fixed = LSTMForecaster(**params).fit(X[:700], y[:700])
    adaptive = LSTMForecaster(calibration_decay=0.97, **params).fit(X[:700], y[:700])
    before = adaptive.predict_interval(X[-1:], coverage=0.8)
    # The noisy stretch arrives window by window; each is added once its target is known.
    for start in range(700, len(X) - 100, 25):
        adaptive.update_intervals(X[start : start + 25], y[start : start + 25])
    after = adaptive.predict_interval(X[-1:], coverage=0.8)
    width = lambda b: float(b[1][0] - b[0][0])  # noqa: E731
    assert width(after) > 1.5 * width(before)
    test = slice(len(X) - 100, None)
    cover = lambda m: np.mean((y[test] >= m.predict_interval(X[test], 0.8)[0])  # noqa: E731
                              & (y[test] <= m.predict_interval(X[test], 0.8)[1]))
    print(cover(fixed), cover(adaptive))
    assert cover(fixed) < 0.65 and 0.72 <= cover(adaptive) <= 0.9


@pytest.mark.parametrize("criterion", HEADS)
def test_saved_loaded_and_pickled_models_give_identical_quantiles(criterion, tmp_path):
    t = np.arange(240)
    panel = pd.DataFrame({"a": np.sin(t / 3) + t * 0.01, "b": 5 + 2 * np.sin(t / 3)},
                         index=pd.date_range("2000", periods=240, freq="MS"))
    X, y = make_sequences(panel, window_length=12, horizon=3, series_id="columns")
    model = LSTMForecaster(hidden_size=8, max_epochs=3, criterion=criterion,
                           random_state=0, torch_threads=1).fit(X, y)
    assert model.window_season_ == 12 and model.interval_method_ == "cqr"
    levels = [0.05, 0.25, 0.5, 0.75, 0.95]
    expected = model.predict_quantiles(X[-20:], levels)
    model.save(tmp_path / "m.sklstm")
    np.testing.assert_array_equal(load(tmp_path / "m.sklstm").predict_quantiles(X[-20:], levels),
                                  expected)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(model)).predict_quantiles(X[-20:], levels), expected)


@pytest.mark.parametrize("criterion", ["quantile", "normal"])
def test_onnx_graph_carries_the_head(criterion, windows, tmp_path):
    ort = pytest.importorskip("onnxruntime", reason="ONNX export is checked with onnxruntime")
    pytest.importorskip("onnx", reason="to_onnx needs the onnx extra")
    X, y = windows
    model = LSTMForecaster(hidden_size=8, max_epochs=2, criterion=criterion,
                           interval_method="head", random_state=0).fit(X[:300], y[:300])
    model.to_onnx(tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    forecast, quantiles = session.run(None, {"X": np.asarray(X[300:320], np.float32)})
    np.testing.assert_allclose(forecast, model.predict(X[300:320]), atol=1e-5)
    expected = model.predict_quantiles(X[300:320], model.quantile_levels_)
    np.testing.assert_allclose(quantiles, expected, atol=1e-5)


def test_student_t_export_is_refused_by_name(windows, tmp_path):
    pytest.importorskip("onnx", reason="to_onnx needs the onnx extra")
    X, y = windows
    model = LSTMForecaster(hidden_size=4, max_epochs=1, criterion="student_t",
                           random_state=0).fit(X[:200], y[:200])
    with pytest.raises(NotImplementedError, match="student_t"):
        model.to_onnx(tmp_path / "m.onnx")


def test_careless_settings_get_clear_errors(windows):
    X, y = windows
    with pytest.raises(ValueError, match="interval_method='head' reads a probabilistic head"):
        LSTMForecaster(max_epochs=1, interval_method="head").fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="quantiles must be numbers in"):
        LSTMForecaster(max_epochs=1, criterion="quantile", quantiles=(0.1, 1.5)).fit(
            X[:100], y[:100])
    with pytest.raises(ValueError, match="only the median"):
        LSTMForecaster(max_epochs=1, criterion="quantile", quantiles=(0.5,)).fit(
            X[:100], y[:100])
    model = LSTMForecaster(hidden_size=4, max_epochs=1, criterion="quantile",
                           quantiles=(0.1, 0.9), interval_method="head", random_state=0)
    model.fit(X[:200], y[:200])
    with pytest.raises(ValueError, match=r"outside the levels the quantile head was trained"):
        model.predict_quantiles(X[:5], [0.05, 0.5])
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        model.sample(X[:5], n_samples=0)
    with pytest.raises(ValueError, match="the network was built for head 'quantile'"):
        model.set_params(criterion="normal").partial_fit(X[:200], y[:200])
    assert model.head_ == "quantile"  # the failed call left the model as it was


def test_samples_follow_the_forecast_distribution(fitted, windows):
    X, _ = windows
    draws = fitted.sample(X[500:510], n_samples=4000, random_state=0)
    assert draws.shape == (4000, 10, 2)
    q = fitted.predict_quantiles(X[500:510], [0.1, 0.5, 0.9])
    share_below = (draws <= q[..., 1][np.newaxis]).mean()
    assert abs(share_below - 0.5) < 0.03
    inside = ((draws >= q[..., 0]) & (draws <= q[..., 2])).mean()
    assert abs(inside - 0.8) < 0.03


def test_a_grid_search_chooses_between_heads_by_pinball_loss(windows):
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    from sklstm.metrics import make_quantile_scorer

    X, y = windows
    search = GridSearchCV(
        LSTMForecaster(hidden_size=8, max_epochs=3, random_state=0, torch_threads=1),
        {"criterion": ["quantile", "normal", "student_t"]}, cv=TimeSeriesSplit(n_splits=2),
        scoring=make_quantile_scorer((0.1, 0.5, 0.9))).fit(X[:400], y[:400])
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and np.all(scores < 0)
    assert search.best_estimator_.head_ == search.best_params_["criterion"]
