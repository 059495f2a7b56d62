"""Data-parallel training (sklstm.distributed): two local gloo workers on the CPU."""

import os
import signal

import numpy as np
import pandas as pd
import pytest
from skorch.callbacks import Callback
from sklearn.exceptions import NotFittedError

from sklstm import LSTMForecaster, SequenceClassifier, load
from sklstm.persistence import save
from sklstm.distributed import DistributedFitError, fit_distributed

from .conftest import requires_cuda

PARAMS = dict(hidden_size=8, max_epochs=8, random_state=0)


def panel(n_series=12, length=60, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    index = pd.date_range("2000-01", periods=length, freq="MS")
    return pd.DataFrame({f"s{i}": 10 + i + 3 * np.sin(2 * np.pi * t / 12 + i / 3)
                         + 0.02 * i * t + rng.normal(scale=0.3, size=length)
                         for i in range(n_series)}, index=index)


@pytest.fixture(scope="module")
def fits():
    data = panel()
    return data, {n: fit_distributed(LSTMForecaster(**PARAMS), data, 24, horizon=6,
                                     series_id="columns", n_workers=n) for n in (1, 2)}


def test_two_workers_train_the_model_one_worker_trains(fits, tmp_path):
    data, models = fits
    one, two = models[1], models[2]
    # The held-out windows are cut by one time cutoff over the panel: the same windows
    # (and so as many calibration scores) whatever the number of workers.
    assert one.conformal_scores_.shape == two.conformal_scores_.shape
    assert one.conformal_scores_.shape[0] % 12 == 0  # whole time steps of the 12 series
    assert one.windows_per_step_ == two.windows_per_step_ == 12
    # Same global batch, same data: the same training, up to each worker's shuffle order.
    assert len(one.history_) == len(two.history_)
    best_one, best_two = one.history_["valid_loss"].min(), two.history_["valid_loss"].min()
    assert best_two == pytest.approx(best_one, rel=0.15)
    assert best_two < 0.8 * two.history_["valid_loss"].iloc[0]  # it learnt
    # An ordinary fitted model: forecasts every series, saves and loads.
    forecast = two.forecast(data, series_id="columns")
    assert forecast.index.get_level_values(0).unique().size == 12
    assert len(forecast) == 12 * 6 and np.isfinite(forecast.to_numpy()).all()
    gap = np.abs(forecast.to_numpy() - one.forecast(data, series_id="columns").to_numpy())
    assert np.mean(gap) < 0.5 * data.to_numpy().std()
    save(two, tmp_path / "model")
    np.testing.assert_allclose(load(tmp_path / "model").forecast(data, series_id="columns"),
                               forecast)


def test_the_same_seed_gives_the_same_distributed_fit(fits):
    data, models = fits
    again = fit_distributed(LSTMForecaster(**PARAMS), data, 24, horizon=6,
                            series_id="columns", n_workers=2)
    assert again.history_["train_loss"].tolist() == models[2].history_["train_loss"].tolist()
    np.testing.assert_array_equal(again.forecast(data, series_id="columns").to_numpy(),
                                  models[2].forecast(data, series_id="columns").to_numpy())


def test_calibration_windows_are_the_panels_latest_steps_gathered_from_every_worker():
    data = panel()
    model = fit_distributed(LSTMForecaster(calibration_fraction=0.2, **PARAMS), data, 24,
                            horizon=6, series_id="columns", n_workers=2)
    n_windows = 12 * (60 - 24 - 6 + 1)
    n_scores = model.conformal_scores_.shape[0]
    # Whole time steps of the 12 series, at least the share asked for.
    assert n_scores % 12 == 0 and 0.2 * n_windows <= n_scores < 0.2 * n_windows + 12
    lower, upper = model.predict_interval(model.last_window(data, series_id="columns"), 0.8)
    assert lower.shape == (12, 6) and (lower < upper).all()


class KillWorker(Callback):
    """Kill the worker of ``rank`` at the end of its ``epoch``-th epoch (SIGKILL: no
    chance to report anything, as when the OOM killer strikes)."""

    def __init__(self, rank, epoch):
        self.rank, self.epoch = rank, epoch

    def on_epoch_end(self, net, **kwargs):
        from sklstm.distributed._context import active

        if active().rank == self.rank and len(net.history) == self.epoch:
            os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_worker_ends_the_fit_with_a_clear_error_and_leaves_the_estimator_unfitted():
    estimator = LSTMForecaster(callbacks=[KillWorker(rank=1, epoch=2)], **PARAMS)
    with pytest.raises(DistributedFitError, match="worker 1 of 2 was killed by signal 9"):
        fit_distributed(estimator, panel(), 24, horizon=6, series_id="columns", n_workers=2,
                        timeout=60)
    with pytest.raises(NotFittedError):
        estimator.predict(np.zeros((1, 24, 1)))


def test_a_checkpointed_fit_resumes_where_the_killed_one_stopped(tmp_path):
    import torch

    path = tmp_path / "fit.ckpt"
    params = dict(PARAMS, early_stopping=False)
    with pytest.raises(DistributedFitError, match="killed by signal 9"):
        fit_distributed(LSTMForecaster(callbacks=[KillWorker(rank=1, epoch=3)], **params),
                        panel(), 24, horizon=6, series_id="columns", n_workers=2,
                        timeout=60, checkpoint=path)
    saved = torch.load(path, weights_only=True)["history"]
    assert 2 <= len(saved) <= 3  # the epochs the first worker finished before the failure
    # Another network cannot resume from it.
    with pytest.raises(DistributedFitError, match="written by a different fit"):
        fit_distributed(LSTMForecaster(**dict(params, hidden_size=4)), panel(), 24,
                        horizon=6, series_id="columns", n_workers=2, timeout=60,
                        checkpoint=path)
    model = fit_distributed(LSTMForecaster(**params), panel(), 24, horizon=6,
                            series_id="columns", n_workers=2, timeout=60, checkpoint=path)
    assert model.resumed_from_epoch_ == len(saved)
    assert len(model.history_) == params["max_epochs"]
    assert model.history_["train_loss"].iloc[: len(saved)].tolist() == [
        row["train_loss"] for row in saved]
    # Training went on from the saved weights: the loss keeps falling.
    assert model.history_["train_loss"].iloc[-1] < saved[-1]["train_loss"]
    assert not path.exists()  # the fit completed: nothing left to resume
    assert np.isfinite(model.forecast(panel(), series_id="columns").to_numpy()).all()


def _failing_loader(rank, n_workers):
    if rank == 1:
        raise ValueError("this shard's file is missing")
    data = panel()
    return data[data.columns[rank::n_workers]]


def test_the_fitted_model_pickles_without_the_workers_process_group(fits):
    # With nccl (CUDA) the worker holds a gloo group for host values; the fitted model's
    # callbacks keep the worker's context, so pickling it (to return it to the driver)
    # must leave the group behind: a process group cannot be pickled.
    import pickle
    import threading

    from sklstm.distributed._context import WorkerContext

    context = WorkerContext(0, 2, np.arange(1000), 2000, cpu_group=threading.Lock())
    context.resume_state = {"history": [{"epoch": 1}]}
    copy = pickle.loads(pickle.dumps(context))
    assert copy.cpu_group is None and copy.resume_state is None and copy.origins.size == 0
    assert (copy.rank, copy.world_size, copy.n_windows) == (0, 2, 2000)
    assert context.cpu_group is not None and context.origins.size == 1000  # untouched
    data, models = fits
    again = pickle.loads(pickle.dumps(models[2]))
    np.testing.assert_array_equal(again.forecast(data, series_id="columns"),
                                  models[2].forecast(data, series_id="columns"))


def test_a_worker_error_is_reported_by_the_driver():
    with pytest.raises(DistributedFitError, match="shard's file is missing"):
        fit_distributed(LSTMForecaster(**PARAMS), _failing_loader, 24, horizon=6,
                        series_id="columns", n_workers=2, timeout=60)


def test_bad_calls_say_what_to_do():
    data = panel(n_series=3)
    with pytest.raises(ValueError, match="fewer than n_workers=4"):
        fit_distributed(LSTMForecaster(), data, 24, series_id="columns", n_workers=4)
    with pytest.raises(ValueError, match="must be a panel"):
        fit_distributed(LSTMForecaster(), data["s0"], 24, n_workers=2)
    with pytest.raises(ValueError, match="n_workers must be a positive int"):
        fit_distributed(LSTMForecaster(), data, 24, series_id="columns", n_workers=0)
    with pytest.raises(TypeError, match="trains a forecaster"):
        fit_distributed(SequenceClassifier(), data, 24, series_id="columns")
    for key in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        assert key not in os.environ
    with pytest.raises(ValueError, match="torchrun"):
        fit_distributed(LSTMForecaster(), data, 24, series_id="columns", n_workers=None)


@pytest.mark.gpu
@requires_cuda
def test_on_cuda_the_workers_reduce_with_nccl_and_the_model_stays_on_cuda():
    data = panel()
    model = fit_distributed(LSTMForecaster(device="cuda", **PARAMS), data, 24, horizon=6,
                            series_id="columns", n_workers=1)
    assert model.device == "cuda" and model.net_.device.startswith("cuda")
    assert np.isfinite(model.forecast(data, series_id="columns").to_numpy()).all()
