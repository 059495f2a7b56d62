"""Torch threads per fit, and grid searches on Dask and Ray identical to sequential ones."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklstm import LSTMForecaster, SequenceClassifier, SequenceWindower, make_sequences

from .conftest import run_fresh_python


class RecordThreads(Callback):
    """Writes torch's thread count at every epoch into the history."""

    def on_epoch_end(self, net, **kwargs):
        net.history.record("torch_threads", torch.get_num_threads())


@pytest.fixture
def caller_threads():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield 2
    torch.set_num_threads(before)


def _data():
    X, y = make_sequences(np.sin(np.arange(300) / 5), window_length=10)
    return X, y


@pytest.mark.parametrize("setting, expected", [("auto", 1), (3, 3), (None, 2)])
def test_fit_and_predict_use_their_threads_and_restore_the_callers(
    caller_threads, setting, expected
):
    X, y = _data()
    model = LSTMForecaster(hidden_size=4, max_epochs=2, torch_threads=setting, random_state=0,
                           callbacks=[RecordThreads()]).fit(X, y)
    assert model.history_["torch_threads"].tolist() == [expected, expected]
    assert torch.get_num_threads() == caller_threads
    model.predict(X)
    assert torch.get_num_threads() == caller_threads


def test_threads_are_restored_when_fit_fails(caller_threads):
    X, y = _data()
    with pytest.raises(ValueError):
        LSTMForecaster(max_epochs=1, torch_threads=1).fit(X, y[:-1])
    assert torch.get_num_threads() == caller_threads
    with pytest.raises(ValueError, match="torch_threads"):
        SequenceClassifier(torch_threads=0).fit(np.zeros((4, 3, 1)), [0, 1, 0, 1])


def _search(n_jobs=None):
    X, y = make_sequences(np.sin(np.arange(400) / 6) + np.arange(400) / 200, window_length=24)
    pipe = make_pipeline(SequenceWindower(window_length=24),
                         LSTMForecaster(hidden_size=8, max_epochs=3, random_state=0))
    search = GridSearchCV(
        pipe,
        {"sequencewindower__window_length": [12, 24], "lstmforecaster__cell": ["lstm", "gru"]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_mean_absolute_error",
        n_jobs=n_jobs,
    )
    return search, X, y


def _scores(search):
    return np.array([search.cv_results_[f"split{i}_test_score"] for i in range(2)])


@pytest.fixture(scope="module")
def sequential_scores():
    search, X, y = _search()
    return _scores(search.fit(X, y))


def _fit_in_worker():
    """Run inside a worker: the threads a default fit uses, and the worker's own setting."""
    import torch as worker_torch

    X, y = _data()
    model = LSTMForecaster(hidden_size=4, max_epochs=1, callbacks=[RecordThreads()],
                           random_state=0).fit(X, y)
    return int(model.history_["torch_threads"].iloc[0]), worker_torch.get_num_threads()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dask_search_equals_the_sequential_one(sequential_scores):
    distributed = pytest.importorskip("distributed", reason="needs dask.distributed (dev extra)")
    from joblib import parallel_config

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        search, X, y = _search(n_jobs=-1)
        with parallel_config(backend="dask"):
            search.fit(X, y)
        in_fit, worker_setting = client.submit(_fit_in_worker, pure=False).result()
    np.testing.assert_array_equal(_scores(search), sequential_scores)
    assert in_fit == 1  # one thread per worker, as in the main process
    assert worker_setting >= 1


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_ray_search_equals_the_sequential_one(sequential_scores):
    ray = pytest.importorskip("ray", reason="needs ray (the ray extra)")
    from joblib import parallel_config
    from ray.util.joblib import register_ray

    register_ray()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        search, X, y = _search(n_jobs=-1)
        with parallel_config(backend="ray"):
            search.fit(X, y)
        in_fit, _ = ray.get(ray.remote(_fit_in_worker).remote())
    finally:
        ray.shutdown()
    np.testing.assert_array_equal(_scores(search), sequential_scores)
    assert in_fit == 1


def test_loky_search_equals_the_sequential_one(sequential_scores):
    search, X, y = _search(n_jobs=2)
    np.testing.assert_array_equal(_scores(search.fit(X, y)), sequential_scores)


def test_import_leaves_dask_distributed_alone_and_registers_when_it_comes():
    pytest.importorskip("distributed", reason="needs dask.distributed (dev extra)")
    code = (
        "import sys, numpy as np, pandas as pd\n"
        "import sklstm\n"
        "assert 'distributed' not in sys.modules, 'import sklstm imported distributed'\n"
        "from distributed.protocol import serialize, deserialize\n"
        "index = pd.date_range('2000', periods=60, freq='MS')\n"
        "X, y = sklstm.make_sequences(pd.Series(np.sin(np.arange(60) / 3), index=index), 24,"
        " horizon=2)\n"
        "Z = deserialize(*serialize(X))\n"
        "assert type(Z).__name__ == 'WindowArray' and Z.state_season == 12, type(Z)\n"
    )
    run_fresh_python(code)
