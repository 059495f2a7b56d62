"""CUDA: the same behaviour on the GPU (run with `pytest -m gpu` on a machine with one)."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences, pad_sequences
from sklstm import _net
from sklstm.datasets import make_car_sequences

from .conftest import requires_cuda

pytestmark = [pytest.mark.gpu, requires_cuda]

X, Y = make_sequences(np.sin(np.arange(1200) / 5) + 0.05 * np.cos(np.arange(1200)), 12, horizon=3)


def test_forecasters_train_on_cuda_and_match_the_cpu_forward():
    model = LSTMForecaster(hidden_size=16, max_epochs=20, lr=0.01, device="cuda",
                           architecture="seq2seq", bidirectional=True, random_state=0).fit(X, Y)
    assert model.net_.device == "cuda"
    assert next(model.net_.module_.parameters()).is_cuda
    pred = model.predict(X)
    assert np.mean((pred - Y) ** 2) < 0.05 * np.var(Y)
    # The same weights on the CPU give the same forecasts (float32 tolerance).
    model.net_.module_.to("cpu")
    model.net_.device = "cpu"
    np.testing.assert_allclose(model.predict(X), pred, rtol=1e-4, atol=1e-5)


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
