import os
import pickle
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklstm import GRUForecaster, LSTMForecaster, SequenceWindower, make_sequences

from .conftest import requires_cuda

FAST = dict(hidden_size=16, max_epochs=15, lr=0.01, random_state=0)


def sine_windows(n=400, window_length=12, horizon=1, noise=0.0, seed=0):
    rng = np.random.RandomState(seed)
    series = np.sin(np.arange(n) / 6) + noise * rng.randn(n)
    return make_sequences(series, window_length, horizon)


def test_learns_a_sine_with_both_cells_and_architectures():
    X, y = sine_windows(horizon=4)
    for model in [
        LSTMForecaster(**FAST),
        GRUForecaster(**FAST),
        LSTMForecaster(architecture="seq2seq", bidirectional=True, **FAST),
        LSTMForecaster(cell="gru", num_layers=2, dropout=0.1, dense_size=8, **FAST),
    ]:
        model.fit(X[:300], y[:300])
        assert model.predict(X[300:]).shape == (len(X) - 300, 4)
        assert model.score(X[300:], y[300:]) > 0.9, model


def test_gru_forecaster_is_the_lstm_forecaster_with_gru_cells():
    assert GRUForecaster().cell == "gru"
    X, y = sine_windows()
    a = GRUForecaster(**FAST).fit(X, y).predict(X)
    b = LSTMForecaster(cell="gru", **FAST).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_same_random_state_same_predictions_and_different_seeds_differ():
    X, y = sine_windows(noise=0.1)
    p1 = LSTMForecaster(**FAST).fit(X, y).predict(X)
    p2 = LSTMForecaster(**FAST).fit(X, y).predict(X)
    np.testing.assert_array_equal(p1, p2)
    p3 = LSTMForecaster(**{**FAST, "random_state": 1}).fit(X, y).predict(X)
    assert not np.array_equal(p1, p3)
    # Seeding does not leak into the user's global torch random state.
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    LSTMForecaster(**FAST).fit(X, y)
    assert torch.rand(1) == expected


def test_pickle_and_joblib_round_trips_predict_identically(tmp_path):
    X, y = sine_windows()
    model = LSTMForecaster(**FAST).fit(X, y)
    expected = model.predict(X)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), expected)
    joblib.dump(model, tmp_path / "model.joblib")
    np.testing.assert_array_equal(joblib.load(tmp_path / "model.joblib").predict(X), expected)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(clone(model), "net_")


def test_pipeline_grid_search_and_time_series_cv_on_3d_windows():
    X, y = sine_windows(n=500, window_length=20, noise=0.05)
    pipe = make_pipeline(SequenceWindower(window_length=20), LSTMForecaster(**FAST))
    search = GridSearchCV(
        pipe,
        {"sequencewindower__window_length": [5, 20], "lstmforecaster__cell": ["lstm", "gru"]},
        cv=TimeSeriesSplit(n_splits=2, gap=1),
        scoring="neg_root_mean_squared_error",
    )
    search.fit(X, y)
    assert set(search.cv_results_["param_lstmforecaster__cell"]) == {"lstm", "gru"}
    assert search.best_estimator_[-1].n_timesteps_in_ == search.best_params_[
        "sequencewindower__window_length"]
    assert search.score(X, y) > -0.3
    scores = cross_val_score(pipe, X, y, cv=TimeSeriesSplit(n_splits=3))
    assert scores.shape == (3,) and np.all(scores > 0.5)


def test_inputs_numpy_pandas_torch_and_2d_agree():
    X, y = sine_windows()
    model = LSTMForecaster(**FAST).fit(X, y)
    expected = model.predict(X)
    np.testing.assert_array_equal(model.predict(torch.from_numpy(np.array(X))), expected)
    np.testing.assert_array_equal(model.predict(X[:, :, 0]), expected)
    frame = pd.DataFrame(X[:, :, 0], columns=[f"lag{i}" for i in range(12)])
    fitted_on_frame = LSTMForecaster(**FAST).fit(frame, pd.Series(y))
    assert list(fitted_on_frame.feature_names_in_) == list(frame.columns)
    np.testing.assert_array_equal(fitted_on_frame.predict(frame), expected)


def test_predictions_come_back_in_the_units_of_y():
    X, y = sine_windows()
    model = LSTMForecaster(**FAST).fit(X * 100 + 5000, y * 1000 + 20000)
    pred = model.predict(X * 100 + 5000)
    assert r2_score(y * 1000 + 20000, pred) > 0.9
    assert abs(pred.mean() - 20000) < 100


def test_early_stopping_holds_out_the_latest_windows_and_restores_the_best_weights():
    X, y = sine_windows(n=600, noise=0.3)
    model = LSTMForecaster(hidden_size=32, max_epochs=200, lr=0.02, early_stopping=True,
                           validation_fraction=0.2, patience=3, batch_size=64,
                           random_state=0).fit(X, y)
    history = model.history_
    assert len(history) < 200 and "valid_loss" in history
    # The held-out windows are the latest 20%: their loss under the restored weights is the
    # best validation loss of the history.
    n_valid = int(round(len(X) * 0.2))
    scaled = (model.predict(X[-n_valid:]) - y[-n_valid:]) / model.scaling_.target_scale
    assert np.mean(scaled**2) == pytest.approx(history["valid_loss"].min(), rel=1e-4)
    assert history["train_batch_count"].iloc[0] == -(-(len(X) - n_valid) // 64)


def test_early_stopping_auto_depends_on_the_sample_count():
    # The forecasters' "auto": on from 100 windows.
    X, y = sine_windows(n=300)
    assert "valid_loss" not in LSTMForecaster(**FAST).fit(X[:99], y[:99]).history_
    assert "valid_loss" in LSTMForecaster(**FAST).fit(X[:100], y[:100]).history_


def test_warm_start_partial_fit_and_callbacks():
    X, y = sine_windows()

    class CountEpochs(Callback):
        def initialize(self):
            self.epochs = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    counter = CountEpochs()
    model = LSTMForecaster(**{**FAST, "max_epochs": 3}, callbacks=[counter]).fit(X, y)
    assert counter.epochs == 3 and len(model.history_) == 3
    model.set_params(warm_start=True).fit(X, y)
    assert len(model.history_) == 6
    online = LSTMForecaster(**FAST)
    for _ in range(3):
        online.partial_fit(X, y)
    assert len(online.history_) == 3
    with pytest.raises(ValueError, match="12 steps"):
        online.partial_fit(X[:, :5], y)


def test_forecast_carries_future_timestamps():
    index = pd.date_range("2020-01-01", periods=200, freq="D")
    series = pd.Series(np.sin(np.arange(200) / 6), index=index)
    X, y = make_sequences(series, 12, horizon=3)
    model = LSTMForecaster(**FAST).fit(X, y)
    future = model.forecast(series)
    assert list(future.index) == list(pd.date_range("2020-07-19", periods=3, freq="D"))
    # A daily index: the windows carry the series' state (weekly season, level, trend).
    last_window = model.last_window(series)
    assert last_window.shape == (1, 12, 6)
    np.testing.assert_array_equal(last_window[0, :, 0], series.to_numpy()[-12:])
    np.testing.assert_array_equal(future.to_numpy(), model.predict(last_window).ravel())


def test_prediction_of_a_window_depends_on_that_window_only():
    # Bidirectional seq2seq reads the window both ways, but never another sample (such as the
    # next window, which holds this window's target) nor the targets.
    X, y = sine_windows(n=300, horizon=3)
    model = LSTMForecaster(architecture="seq2seq", bidirectional=True, **FAST).fit(X, y)
    together = model.predict(X[:50])
    alone = np.vstack([model.predict(X[i : i + 1]) for i in range(50)])
    np.testing.assert_array_equal(together, alone)
    shuffled = model.predict(X[:50][::-1])[::-1]
    np.testing.assert_array_equal(together, shuffled)


def test_targets_unrelated_to_the_window_cannot_be_learned():
    # If training leaked targets into the inputs (teacher forcing, a bidirectional pass over
    # window + target, a wrong offset), noise targets would be predicted on new data.
    rng = np.random.RandomState(0)
    X = rng.randn(600, 10, 1)
    y = rng.randn(600, 3)
    model = LSTMForecaster(architecture="seq2seq", bidirectional=True, hidden_size=32,
                           max_epochs=30, lr=0.01, early_stopping=False,
                           lr_schedule="plateau", random_state=0).fit(X[:500], y[:500])
    assert model.score(X[:500], y[:500]) > 0.1  # it can memorise its training data ...
    assert model.score(X[500:], y[500:]) < 0.05  # ... but finds nothing to carry over


@pytest.mark.parametrize(
    "params, X, y, error, match",
    [
        ({}, np.full((20, 5, 1), np.nan), np.zeros(20), ValueError, "NaN"),
        ({}, np.full((20, 5, 1), np.inf), np.zeros(20), ValueError, "infinity"),
        ({}, np.zeros((20, 5, 1)), np.full(20, np.nan), ValueError, "NaN"),
        ({}, np.zeros(20), np.zeros(20), ValueError, "1-D.*Reshape your data"),
        ({}, np.zeros((20, 5, 1, 1)), np.zeros(20), ValueError, "4-D"),
        ({}, np.zeros((20, 5, 1)), np.zeros(19), ValueError, "different numbers of samples"),
        ({}, np.zeros((20, 5, 1)), np.zeros((20, 2, 2)), ValueError, "y"),
        ({}, np.zeros((0, 5, 1)), np.zeros(0), ValueError, "0 sample"),
        ({}, np.array([["a"] * 5] * 20), np.zeros(20), ValueError, "convert"),
        ({"cell": "rnn"}, np.zeros((20, 5, 1)), np.zeros(20), ValueError, "'cell' parameter"),
        ({"hidden_size": -3}, np.zeros((20, 5, 1)), np.zeros(20), ValueError, "hidden_size"),
        ({"device": "gpu"}, np.zeros((20, 5, 1)), np.zeros(20), ValueError, "device='gpu'"),
    ],
)
def test_bad_input_fails_before_any_torch_code(params, X, y, error, match):
    model = LSTMForecaster(**params)
    with pytest.raises(error, match=match):
        model.fit(X, y)
    assert not hasattr(model, "net_")


def test_window_length_different_from_the_fitted_one_is_refused():
    X, y = sine_windows()
    model = LSTMForecaster(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="window length of 8 time steps.*fitted on windows of 12"):
        model.predict(X[:, :8])
    with pytest.raises(ValueError, match="window length of 8 time steps"):
        model.predict(X[:, :8, 0])
    fitted_2d = LSTMForecaster(**{**FAST, "max_epochs": 1}).fit(X[:, :, 0], y)
    with pytest.raises(ValueError, match="X has 8 features, but LSTMForecaster is expecting 12"):
        fitted_2d.predict(X[:, :8, 0])
    with pytest.raises(ValueError, match="2 features per time step"):
        model.predict(np.concatenate([X, X], axis=2))


def test_cuda_unavailable_gives_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ValueError, match="CUDA is not available"):
        LSTMForecaster(device="cuda").fit(np.zeros((10, 3, 1)), np.zeros(10))


def test_auto_device_trains():
    X, y = sine_windows()
    model = LSTMForecaster(**FAST, device="auto").fit(X, y)
    assert model.net_.device in {"cpu", "cuda", "mps"}


@pytest.mark.gpu
@requires_cuda
def test_cuda_training_is_repeatable_and_unpickles_without_a_gpu(tmp_path):
    X, y = sine_windows()
    model = LSTMForecaster(**FAST, device="cuda").fit(X, y)
    p1 = model.predict(X)
    p2 = LSTMForecaster(**FAST, device="cuda").fit(X, y).predict(X)
    np.testing.assert_allclose(p1, p2, rtol=1e-5)
    cpu_model = LSTMForecaster(**FAST).fit(X, y)
    assert r2_score(y, p1) > 0.9 and r2_score(y, cpu_model.predict(X)) > 0.9
    joblib.dump(model, tmp_path / "m.joblib")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "p.npy", p1)
    np.save(tmp_path / "y.npy", y)
    script = (
        "import joblib, numpy as np, torch; assert not torch.cuda.is_available();"
        f"m = joblib.load(r'{tmp_path / 'm.joblib'}');"
        f"p = m.predict(np.load(r'{tmp_path / 'X.npy'}'));"
        f"np.testing.assert_allclose(p, np.load(r'{tmp_path / 'p.npy'}'), rtol=1e-4, atol=1e-5);"
        # Training goes on, on the CPU, after unpickling.
        f"m.partial_fit(np.load(r'{tmp_path / 'X.npy'}'), np.load(r'{tmp_path / 'y.npy'}'));"
        "assert m.net_.device == 'cpu' and len(m.history_) == 16"
    )
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)


def test_scale_input_uses_the_series_statistics_only_when_asked():
    X, y = sine_windows()
    scaled = LSTMForecaster(**{**FAST, "max_epochs": 1}).fit(X * 10 + 3, y)
    # The series behind the windows: the first window, then the last step of every other.
    series = np.concatenate([X[0, :, 0], X[1:, -1, 0]]) * 10 + 3
    np.testing.assert_allclose(scaled.scaling_.input_mean, [series.mean()], rtol=1e-12)
    np.testing.assert_allclose(scaled.scaling_.input_scale, [series.std()], rtol=1e-12)
    # A copy of the windows (no longer a view) gives the same statistics: each value once.
    copied = LSTMForecaster(**{**FAST, "max_epochs": 1}).fit(np.array(X * 10 + 3), y)
    np.testing.assert_allclose(copied.scaling_.input_mean, [series.mean()], rtol=1e-12)
    raw = LSTMForecaster(**{**FAST, "max_epochs": 1}, scale_input=False).fit(X * 10 + 3, y)
    np.testing.assert_array_equal(raw.scaling_.input_mean, [0.0])
    np.testing.assert_array_equal(raw.scaling_.input_scale, [1.0])


def test_forecast_refuses_non_numeric_series():
    X, y = sine_windows()
    model = LSTMForecaster(**{**FAST, "max_epochs": 1}).fit(X, y)
    with pytest.raises(TypeError, match="series must hold numbers"):
        model.forecast(np.array(["a"] * 20))
