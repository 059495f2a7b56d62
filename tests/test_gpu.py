"""CUDA: the same behaviour on the GPU (run with `pytest -m gpu` on a machine with one)."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences, pad_sequences
from sklstm import _net
from sklstm.datasets import make_car_sequences

from .conftest import output_dtypes, requires_cuda

pytestmark = [pytest.mark.gpu, requires_cuda]

X, Y = make_sequences(np.sin(np.arange(1200) / 5) + 0.05 * np.cos(np.arange(1200)), 12, horizon=3)


def test_forecasters_train_on_cuda_and_match_the_cpu_forward():
    model = LSTMForecaster(hidden_size=16, max_epochs=20, lr=0.01, device="cuda",
                           architecture="seq2seq", bidirectional=True, random_state=0).fit(X, Y)
    assert model.net_.device == "cuda"
    assert next(model.net_.module_.parameters()).is_cuda
    pred = model.predict(X)
    assert np.mean((pred - Y) ** 2) < 0.05 * np.var(Y)
    # The same weights on the CPU give the same forecasts, to the tolerance of cuDNN's
    # recurrent kernels, which use TF32 tensor cores by default on Ampere and later (10
    # bits of mantissa: an H200 differed by up to 3e-5 on values of 0.1-0.7).
    model.net_.module_.to("cpu")
    model.net_.device = "cpu"
    np.testing.assert_allclose(model.predict(X), pred, rtol=1e-3, atol=1e-4)


def test_cuda_streaming_batches_match_preloaded(monkeypatch):
    params = dict(hidden_size=8, max_epochs=3, device="cuda", random_state=0)
    preloaded = LSTMForecaster(**params).fit(X, Y)
    monkeypatch.setattr(_net, "MAX_PRELOAD_BYTES", 1)  # every batch prepared on its own
    streamed = LSTMForecaster(**params).fit(X, Y)
    np.testing.assert_allclose(streamed.predict(X), preloaded.predict(X), rtol=1e-4, atol=1e-5)


def test_classifier_variable_length_on_cuda():
    Xc, yc = make_car_sequences(n_samples=400, seq_len=8, random_state=0)
    ragged = pad_sequences([x[: 5 + i % 4] for i, x in enumerate(Xc)])
    for architecture in ("recurrent", "recurrent_fcn"):
        clf = SequenceClassifier(architecture=architecture, hidden_size=32, lr=0.01,
                                 max_epochs=60, device="cuda", random_state=0).fit(ragged, yc)
        assert clf.score(ragged, yc) > 0.9, architecture


def test_interrupted_cuda_refit_keeps_the_previous_model():
    class Interrupt(Callback):
        def on_epoch_end(self, net, **kwargs):
            raise KeyboardInterrupt

    model = LSTMForecaster(hidden_size=8, max_epochs=2, device="cuda", random_state=0).fit(X, Y)
    before = model.predict(X[:10])
    model.set_params(warm_start=True, callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y)
    np.testing.assert_array_equal(model.predict(X[:10]), before)
    assert torch.cuda.is_available() and model.net_.device == "cuda"


def test_bfloat16_mixed_precision_on_cuda_trains_as_well_as_float32():
    params = dict(hidden_size=32, max_epochs=30, lr=0.01, device="cuda", random_state=0)
    full = LSTMForecaster(**params).fit(X, Y)
    mixed = LSTMForecaster(precision="bfloat16", **params).fit(X, Y)
    seen = output_dtypes(mixed)
    pred = mixed.predict(X)
    assert torch.bfloat16 in seen
    assert all(p.dtype == torch.float32 for p in mixed.net_.module_.parameters())
    mse_full = np.mean((full.predict(X) - Y) ** 2)
    assert np.mean((pred - Y) ** 2) < max(2 * mse_full, 0.01 * np.var(Y))
    clf = SequenceClassifier(architecture="recurrent_fcn", precision="bfloat16", lr=0.01,
                             max_epochs=60, device="cuda", random_state=0)
    Xc, yc = make_car_sequences(n_samples=400, seq_len=8, random_state=0)
    assert clf.fit(Xc, yc).score(Xc, yc) > 0.9


def test_a_copied_or_unpickled_cuda_model_runs_without_cudnn_weight_warnings():
    import copy
    import pickle
    import warnings

    model = LSTMForecaster(hidden_size=8, max_epochs=2, device="cuda", random_state=0).fit(X, Y)
    for other in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "RNN module weights are not part of single ..."
            other.predict(X)
            other.set_params(warm_start=True, max_epochs=1).fit(X, Y)
