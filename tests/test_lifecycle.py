"""An atomic lifecycle: fit completes or leaves the estimator as it was; Ctrl-C propagates."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from skorch.callbacks import Callback

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences
from sklstm.datasets import make_car_sequences

X, Y = make_sequences(np.sin(np.arange(400) / 5), window_length=12)
SMALL = dict(hidden_size=8, max_epochs=3, random_state=0)


class RaiseAt(Callback):
    """Raise ``exc`` at the end of the epoch that makes the history ``at`` long."""

    def __init__(self, exc, at):
        self.exc, self.at = exc, at

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) >= self.at:
            raise self.exc("stop here")


class FirstBatch(Callback):
    """Record the targets of the first batch of every epoch (the shuffle order)."""

    def initialize(self):
        self.first = getattr(self, "first", [])
        return self

    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        if training and len(net.history[-1]["batches"]) == 1:  # the net opened it
            self.first.append(batch[1][:5].cpu().numpy().copy())


def fitted_state(model):
    return {k: v for k, v in vars(model).items() if k.endswith("_")}


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_interrupted_first_fit_leaves_the_estimator_unfitted(exc):
    model = LSTMForecaster(**SMALL, callbacks=[RaiseAt(exc, at=2)])
    with pytest.raises(exc):
        model.fit(X, Y)
    assert fitted_state(model) == {}
    assert not hasattr(model, "net_")


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_interrupted_refit_keeps_the_previous_model(exc):
    model = LSTMForecaster(**SMALL).fit(X, Y)
    before, history = model.predict(X[:20]), len(model.history_)
    model.set_params(warm_start=True, callbacks=[RaiseAt(exc, at=history + 1)])
    with pytest.raises(exc):
        model.fit(X, Y)
    np.testing.assert_array_equal(model.predict(X[:20]), before)
    assert len(model.history_) == len(model.net_.history) == history
    # A fresh (not warm) refit that fails keeps the previous model too.
    model.set_params(warm_start=False, callbacks=[RaiseAt(exc, at=1)])
    with pytest.raises(exc):
        model.fit(X, Y)
    np.testing.assert_array_equal(model.predict(X[:20]), before)


def test_keyboard_interrupt_stops_a_grid_search():
    pipe = LSTMForecaster(hidden_size=4, max_epochs=3, callbacks=[RaiseAt(KeyboardInterrupt, 1)])
    search = GridSearchCV(pipe, {"cell": ["lstm", "gru"]}, cv=TimeSeriesSplit(2), error_score=0)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, Y)
    assert not hasattr(search, "best_estimator_")


def test_a_real_sigint_interrupts_fit_and_leaves_the_estimator_as_it_was():
    script = textwrap.dedent(
        """
        import os, signal
        import numpy as np
        from skorch.callbacks import Callback
        from sklstm import LSTMForecaster, make_sequences

        # A shell that starts a job in the background leaves SIGINT ignored for it (and its
        # children): Python then installs no KeyboardInterrupt handler. Restore it.
        signal.signal(signal.SIGINT, signal.default_int_handler)

        class SendSigint(Callback):
            def on_epoch_end(self, net, **kwargs):
                if len(net.history) == 2:
                    os.kill(os.getpid(), signal.SIGINT)

        X, y = make_sequences(np.sin(np.arange(300) / 5), window_length=8)
        model = LSTMForecaster(hidden_size=4, max_epochs=50, callbacks=[SendSigint()])
        try:
            model.fit(X, y)
        except KeyboardInterrupt:
            print("interrupted", hasattr(model, "net_"))
        else:
            print("finished", len(model.history_))
        """
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.stdout.strip() == "interrupted False", out.stdout + out.stderr


def test_warm_start_honours_changed_training_parameters():
    model = LSTMForecaster(**SMALL).fit(X, Y)
    model.set_params(warm_start=True, lr=0.05, max_epochs=2, batch_size=17,
                     early_stopping=False, lr_schedule=None)
    model.fit(X, Y)
    assert model.net_.optimizer_.param_groups[0]["lr"] == 0.05
    assert len(model.history_) == 3 + 2
    assert model.history_["train_batch_count"].iloc[-1] == -(-len(X) // 17)
    assert "valid_loss" not in model.history_.iloc[-1].dropna()
    model.set_params(early_stopping=True, validation_fraction=0.25, max_epochs=2)
    model.fit(X, Y)
    assert np.isfinite(model.history_["valid_loss"].iloc[-1])
    assert model.history_["train_batch_count"].iloc[-1] == -(-(len(X) - 97) // 17)
    model.set_params(optimizer="sgd", optimizer_params={"momentum": 0.5}, early_stopping=False)
    model.fit(X, Y)
    assert type(model.net_.optimizer_).__name__ == "SGD"
    assert model.net_.optimizer_.param_groups[0]["momentum"] == 0.5


@pytest.mark.parametrize(
    "change", [{"hidden_size": 9}, {"cell": "gru"}, {"num_layers": 2}, {"scale_target": False}]
)
def test_warm_start_and_partial_fit_refuse_structure_changes(change):
    model = LSTMForecaster(**SMALL).fit(X, Y)
    before = model.predict(X[:5])
    model.set_params(warm_start=True, **change)
    with pytest.raises(ValueError, match="structure"):
        model.fit(X, Y)
    with pytest.raises(ValueError, match="structure"):
        model.partial_fit(X, Y)
    np.testing.assert_array_equal(model.predict(X[:5]), before)


def test_every_partial_fit_draws_a_new_shuffle_order():
    recorder = FirstBatch()
    model = LSTMForecaster(hidden_size=4, random_state=0, callbacks=[recorder])
    for _ in range(3):
        model.partial_fit(X, Y)
    firsts = recorder.first
    assert len(firsts) == 3
    assert not np.array_equal(firsts[0], firsts[1]) and not np.array_equal(firsts[1], firsts[2])
    # ... and the sequence of calls is repeatable with the same random_state.
    again = FirstBatch()
    twin = LSTMForecaster(hidden_size=4, random_state=0, callbacks=[again])
    for _ in range(3):
        twin.partial_fit(X, Y)
    for a, b in zip(firsts, again.first):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.predict(X[:10]), twin.predict(X[:10]))


def test_partial_fit_continues_the_dropout_stream():
    # Same weights, same data, but the second call must not replay the first's dropout masks:
    # two partial_fit calls differ from one call repeated on a copy.
    model = LSTMForecaster(hidden_size=8, dropout=0.5, num_layers=2, random_state=0)
    model.partial_fit(X, Y)
    copy = clone(model).partial_fit(X, Y)
    model.partial_fit(X, Y)
    copy.partial_fit(X, Y)
    np.testing.assert_array_equal(model.predict(X[:5]), copy.predict(X[:5]))
    assert model.history_["train_loss"].iloc[0] != model.history_["train_loss"].iloc[1]


def test_partial_fit_classes_behave_as_sgdclassifier():
    Xc, yc = make_car_sequences(n_samples=60, random_state=0)
    clf = SequenceClassifier(hidden_size=4, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(Xc, yc)
    with pytest.raises(ValueError, match=r"labels not among the classes: \[3\]"):
        clf.partial_fit(Xc, yc, classes=[1, 2])
    assert not hasattr(clf, "classes_")
    clf.partial_fit(Xc[yc < 3], yc[yc < 3], classes=[1, 2, 3])
    np.testing.assert_array_equal(clf.classes_, [1, 2, 3])
    clf.partial_fit(Xc, yc)
    clf.partial_fit(Xc, yc, classes=[3, 2, 1])  # the same set is accepted
    with pytest.raises(ValueError, match="not the same as on the first call"):
        clf.partial_fit(Xc, yc, classes=[1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"labels not among the classes: \[7\]"):
        clf.partial_fit(Xc, np.where(yc == 3, 7, yc))
    assert clf.predict_proba(Xc).shape == (60, 3)
