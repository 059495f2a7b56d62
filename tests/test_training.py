"""Training ends well: best weights kept, clipping and the schedule act, both architectures learn."""

import numpy as np
import pytest
import torch

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences

from .conftest import output_dtypes


def pattern_anywhere(n=240, length=40, seed=0):
    """Class 1: a bump (rise then fall) somewhere; class 0: a step of the same height."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 0.3, size=(n, length, 1))
    y = rng.integers(0, 2, n)
    for i in range(n):
        start = rng.integers(0, length - 8)
        shape = np.r_[np.linspace(0, 3, 4), np.linspace(3, 0, 4)] if y[i] else np.full(8, 1.5)
        X[i, start : start + 8, 0] += shape
    return X, y


@pytest.mark.parametrize("architecture", ["recurrent", "recurrent_fcn"])
def test_each_architecture_learns_a_pattern_anywhere_in_the_sequence(architecture):
    X, y = pattern_anywhere()
    X_test, y_test = pattern_anywhere(seed=1)
    clf = SequenceClassifier(architecture=architecture, hidden_size=32, lr=0.01,
                             max_epochs=60, random_state=0).fit(X, y)
    assert clf.score(X_test, y_test) > 0.9, architecture


def test_training_crops_keep_a_single_local_pattern_learnable():
    # Crops of 70% of 100 steps sometimes miss the 8-step bump (the label is then noise for
    # that batch); the class is still read from whole sequences at prediction.
    X, y = pattern_anywhere(n=240, length=100)
    X_test, y_test = pattern_anywhere(n=200, length=100, seed=1)
    clf = SequenceClassifier(hidden_size=16, conv_filters=(32, 64, 32), max_epochs=40,
                             crop_fraction=0.7, random_state=0).fit(X, y)
    assert clf.crop_fraction_ == 0.7
    assert clf.score(X_test, y_test) > 0.95


def test_the_returned_model_has_the_best_recorded_training_loss():
    # One batch per epoch and a large step: the loss oscillates, and the last step is not
    # the best; the model returned is the best one, measured on the whole training set.
    X, y = pattern_anywhere(n=50)
    clf = SequenceClassifier(architecture="recurrent", lr=0.05, max_epochs=40, batch_size=64,
                             clip_grad_norm=None, lr_schedule=None, random_state=0).fit(X, y)
    history = clf.history_
    best = history["fit_loss"].min()
    assert history["fit_loss"].iloc[-1] > best  # the last epoch was worse...
    proba = clf.predict_proba(X)
    loss = -np.mean(np.log(proba[np.arange(len(y)), np.searchsorted(clf.classes_, y)]))
    assert loss == pytest.approx(best, rel=1e-4)  # ...and is not what was kept
    without = SequenceClassifier(architecture="recurrent", lr=0.05, max_epochs=40,
                                 clip_grad_norm=None, lr_schedule=None,
                                 restore_best_weights=False, random_state=0).fit(X, y)
    assert "fit_loss" not in without.history_


def test_gradient_clipping_bounds_the_step():
    X, y = make_sequences(np.sin(np.arange(300) / 3) * 100, window_length=8)
    start = LSTMForecaster(hidden_size=8, max_epochs=1, lr=1e-12, optimizer="sgd",
                           random_state=0).fit(X, y).net_.module_.state_dict()

    def moved(model):  # global norm of the change of all weights
        state = model.net_.module_.state_dict()
        return float(torch.sqrt(sum(((state[k] - start[k]) ** 2).sum() for k in state)))

    models = {
        clip: LSTMForecaster(hidden_size=8, max_epochs=2, clip_grad_norm=clip, lr=1.0,
                             optimizer="sgd", lr_schedule=None, restore_best_weights=False,
                             early_stopping=False, batch_size=64, random_state=0).fit(X, y)
        for clip in (None, 0.01)
    }
    # SGD with lr 1 moves by the gradient: clipped at 0.01, each step is at most 0.01 long.
    steps = models[0.01].history_["train_batch_count"].sum()
    assert moved(models[0.01]) <= 0.01 * steps * 1.001
    assert moved(models[None]) > 10 * moved(models[0.01])


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_fused_gradient_clipping_matches_torchs_clip_grad_norm(scale):
    from sklstm._callbacks import GradientClipping

    torch.manual_seed(0)
    shapes = [(64, 1), (64, 16), (64,), (1, 16), (1,)]
    grads = [torch.randn(s) * scale for s in shapes]
    ours = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    theirs = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    for g, a, b in zip(grads, ours, theirs):
        a.grad, b.grad = g.clone(), g.clone()
    unused = torch.nn.Parameter(torch.zeros(3))  # no gradient: skipped, as torch does
    GradientClipping(1.0).on_grad_computed(
        None, named_parameters=[(str(i), p) for i, p in enumerate(ours + [unused])])
    torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    for a, b in zip(ours, theirs):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-6, atol=0)
    assert unused.grad is None


def test_the_plateau_schedule_lowers_the_learning_rate():
    X, y = make_sequences(np.random.default_rng(0).normal(size=400), window_length=8)
    model = LSTMForecaster(hidden_size=8, max_epochs=40, lr=0.01, patience=3,
                           lr_schedule="plateau",
                           random_state=0).fit(X, y)  # noise: the loss stalls quickly
    final_lr = model.net_.optimizer_.param_groups[0]["lr"]
    assert final_lr < 0.01 and final_lr >= 0.01 / 64
    constant = LSTMForecaster(hidden_size=8, max_epochs=40, lr=0.01, patience=3,
                              lr_schedule=None, random_state=0).fit(X, y)
    assert constant.net_.optimizer_.param_groups[0]["lr"] == 0.01


def test_the_forecasters_default_schedule_is_one_cycle_of_30_epochs_peaking_at_5e_3():
    X, y = make_sequences(np.sin(np.arange(1200) / 5), window_length=8)
    record = RecordLR()
    model = LSTMForecaster(hidden_size=4, early_stopping=False, callbacks=[record],
                           random_state=0).fit(X, y)
    rates = np.array(record.rates)
    assert len(model.history_) == 30
    assert rates.max() == pytest.approx(5e-3, rel=1e-3) and rates[-1] < 5e-3 / 1000
    # The classifier keeps its own defaults (chosen on the UCR archive, issue 26).
    assert SequenceClassifier().get_params()["lr_schedule"] == "plateau"


def test_below_a_thousand_samples_the_forecasters_train_on_the_plateau_schedule():
    X, y = make_sequences(np.random.default_rng(0).normal(size=400), window_length=8)
    record = RecordLR()
    model = LSTMForecaster(hidden_size=4, patience=3, early_stopping=False,
                           callbacks=[record], random_state=0).fit(X, y)
    rates = np.array(record.rates)
    assert model.net_.max_epochs == 100
    assert rates[0] == 1e-3 and np.all(np.diff(rates) <= 0) and rates[-1] < 1e-3  # halved
    # A value set replaces its part of "auto": the cycle's epochs with a rate of one's own.
    record = RecordLR()
    model = LSTMForecaster(hidden_size=4, lr_schedule="onecycle", lr=0.02, early_stopping=False,
                           callbacks=[record], random_state=0).fit(X, y)
    assert len(model.history_) == 30 and max(record.rates) == pytest.approx(0.02, rel=1e-3)


def test_the_classifier_trains_small_sets_for_at_least_a_thousand_steps():
    from sklstm.classification import AUTO_MIN_EPOCHS, AUTO_MIN_STEPS

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 64)), np.arange(40) % 2
    X[::2, 50:] = np.nan  # unequal lengths, the longest 64 steps: trained on crops
    record = RecordLR()
    clf = SequenceClassifier(architecture="recurrent", hidden_size=4, callbacks=[record],
                             n_networks=1, random_state=0).fit(X, y)
    # 40 sequences of up to 64 steps, trained on crops: batches of 16 (about 16 an epoch, never
    # under 16), three steps an epoch, so 334 epochs for 1,000 steps (100 epochs in
    # batches of 64 were 100 steps).
    assert clf.crop_fraction_ < 1 and clf.net_.batch_size == 16
    assert len(clf.history_) == -(-AUTO_MIN_STEPS // 3) == 334
    assert len(record.rates) == clf.history_["train_batch_count"].sum() >= AUTO_MIN_STEPS
    # Large sets: batches of 64 and at least AUTO_MIN_EPOCHS epochs; set values are kept.
    assert SequenceClassifier()._training_regime(20_000)["max_epochs"] == AUTO_MIN_EPOCHS
    assert SequenceClassifier()._batch_size(20_000) == 64
    assert SequenceClassifier(max_epochs=7)._training_regime(40)["max_epochs"] == 7
    assert clf.set_params(batch_size=40)._training_regime(40)["max_epochs"] == 1000
    # Whole sequences (short ones, or all of one length: no crops) are not repeated beyond
    # AUTO_MIN_EPOCHS.
    whole = SequenceClassifier(architecture="recurrent", hidden_size=4, n_networks=1,
                               random_state=0)
    assert len(whole.fit(X[:, :20], y).history_) == AUTO_MIN_EPOCHS
    equal = rng.normal(size=(40, 64))
    assert len(whole.fit(equal, y).history_) == AUTO_MIN_EPOCHS and whole.crop_fraction_ == 1


@pytest.mark.parametrize("optimizer, params, key, expected", [
    ("adam", {"betas": (0.8, 0.9)}, "betas", (0.8, 0.9)),  # the user's beta1 is kept
    ("sgd", {}, "momentum", 0),  # plain SGD is not turned into momentum SGD
    ("adam", {}, "betas", (0.95, 0.999)),  # else beta1 cycles back to 0.95
])
def test_the_one_cycle_schedule_cycles_only_a_momentum_nobody_set(optimizer, params, key,
                                                                   expected):
    X, y = make_sequences(np.sin(np.arange(200) / 5), window_length=8)
    model = LSTMForecaster(hidden_size=4, max_epochs=3, lr_schedule="onecycle",
                           optimizer=optimizer, optimizer_params=params,
                           random_state=0).fit(X, y)
    assert model.net_.optimizer_.param_groups[0][key] == pytest.approx(expected)


class RecordLR(__import__("skorch").callbacks.Callback):
    """Records the learning rate of every training batch."""

    def initialize(self):
        self.rates = []
        return self

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self.rates.append(net.optimizer_.param_groups[0]["lr"])


def test_the_one_cycle_schedule_rises_to_lr_then_anneals():
    X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=8)
    record = RecordLR()
    model = LSTMForecaster(hidden_size=8, max_epochs=6, batch_size=32, lr=0.01,
                           lr_schedule="onecycle", early_stopping=False,
                           callbacks=[record], random_state=0).fit(X, y)
    rates = np.array(record.rates)
    assert len(rates) == model.history_["train_batch_count"].sum() == 6 * -(-len(X) // 32)
    peak = int(np.argmax(rates))
    assert rates[peak] == pytest.approx(0.01, rel=1e-3)
    assert rates[0] == pytest.approx(0.01 / 25)
    assert 0.2 * len(rates) < peak < 0.4 * len(rates)  # the rise takes 30% of the batches
    assert np.all(np.diff(rates[: peak + 1]) > 0) and np.all(np.diff(rates[peak:]) < 0)
    assert rates[-1] < 0.01 / 1000
    # The fitted model (its net holds the scheduler) pickles, and a warm start runs a new
    # cycle from the fitted weights.
    restored = __import__("pickle").loads(__import__("pickle").dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    restored.set_params(warm_start=True, max_epochs=2).fit(X, y)
    assert len(restored.history_) == 8


def test_the_one_cycle_schedule_spans_the_epochs_of_each_call():
    # partial_fit trains one epoch: its cycle is that epoch's batches; early stopping holds
    # out the validation rows, so the cycle counts only the training batches.
    X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=8)
    record = RecordLR()
    model = LSTMForecaster(hidden_size=8, batch_size=32, lr=0.01, lr_schedule="onecycle",
                           callbacks=[record], random_state=0)
    model.partial_fit(X, y)
    first = np.array(record.rates)
    assert first[0] == pytest.approx(0.01 / 25) and first.max() == pytest.approx(0.01, rel=1e-2)
    assert first[-1] < first.max() / 10
    model.partial_fit(X, y)  # a new cycle
    assert np.array(record.rates)[0] == pytest.approx(0.01 / 25)
    record = RecordLR()
    held = LSTMForecaster(hidden_size=8, batch_size=32, lr=0.01, lr_schedule="onecycle",
                          early_stopping=True, max_epochs=3, patience=10,
                          callbacks=[record], random_state=0).fit(X, y)
    rates = np.array(record.rates)
    assert len(rates) == held.history_["train_batch_count"].sum()
    assert rates[-1] < 0.01 / 1000  # the cycle ended with the last training batch


def test_per_batch_events_reach_the_callbacks_that_handle_them():
    # The net sends per-batch events only to callbacks that define them: a user's callback
    # sees every batch, a gradient hook sees every step, and LBFGS (which re-evaluates the
    # loss in a closure) still trains.
    class Counter(__import__("skorch").callbacks.Callback):
        def initialize(self):
            self.begin = self.end = self.grads = 0
            return self

        def on_batch_begin(self, net, training=False, **kwargs):
            self.begin += training

        def on_batch_end(self, net, training=False, **kwargs):
            self.end += training

        def on_grad_computed(self, net, named_parameters, **kwargs):
            self.grads += all(p.grad is not None for _, p in named_parameters)

    X, y = make_sequences(np.sin(np.arange(300) / 4), window_length=8)
    counter = Counter()
    model = LSTMForecaster(hidden_size=8, max_epochs=3, batch_size=16, callbacks=[counter],
                           early_stopping=False, random_state=0).fit(X, y)
    batches = model.history_["train_batch_count"].sum()
    assert counter.begin == counter.end == counter.grads == batches > 0
    sizes = model.net_.history[-1, "batches", :, "train_batch_size"]
    assert sum(sizes) == len(y) and sizes[-1] == (len(y) % 16 or 16)
    lbfgs = LSTMForecaster(hidden_size=8, max_epochs=3, batch_size=64, lr=0.1,
                           optimizer=torch.optim.LBFGS, random_state=0).fit(X, y)
    assert np.isfinite(lbfgs.history_["train_loss"]).all()
    assert lbfgs.history_["train_loss"].iloc[-1] < lbfgs.history_["train_loss"].iloc[0]


def test_an_optimizer_without_weight_decay_is_accepted_unless_weight_decay_is_set():
    X, y = make_sequences(np.sin(np.arange(300) / 4), window_length=8)
    with pytest.raises(ValueError, match="weight_decay=0.1 .* LBFGS takes no weight_decay"):
        LSTMForecaster(hidden_size=8, max_epochs=1, optimizer=torch.optim.LBFGS,
                       weight_decay=0.1).fit(X, y)


class _FakeClock:
    """A clock that advances one second each time it is read."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        self.now += 1.0
        return self.now


def test_max_time_ends_training_after_the_epoch_that_reaches_it_with_the_best_weights(
        monkeypatch):
    import sklstm._callbacks as callbacks

    monkeypatch.setattr(callbacks, "time", _FakeClock())
    # Read once when training starts and once per epoch: 2.5 s are reached in the 3rd epoch.
    X, y = pattern_anywhere(n=50)
    clf = SequenceClassifier(architecture="recurrent", lr=0.05, max_epochs=40,
                             clip_grad_norm=None, lr_schedule=None, max_time=2.5,
                             random_state=0).fit(X, y)
    history = clf.history_
    assert len(history) == 3 and history["stopped_by"].iloc[-1] == "max_time"
    proba = clf.predict_proba(X)
    loss = -np.mean(np.log(proba[np.arange(len(y)), np.searchsorted(clf.classes_, y)]))
    assert loss == pytest.approx(history["fit_loss"].min(), rel=1e-4)
    unbounded = SequenceClassifier(architecture="recurrent", lr=0.05, max_epochs=5,
                                   clip_grad_norm=None, lr_schedule=None,
                                   random_state=0).fit(X, y)
    assert len(unbounded.history_) == 5 and "stopped_by" not in unbounded.history_


def test_max_time_with_early_stopping_and_through_the_sktime_door():
    import pandas as pd

    from sklstm.sktime import LSTMForecaster as SktimeForecaster

    X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=12)
    model = LSTMForecaster(hidden_size=8, max_epochs=50, early_stopping=True, max_time=1e-9,
                           random_state=0).fit(X, y)
    assert len(model.history_) == 1 and "valid_loss" in model.history_
    assert np.isfinite(model.predict(X[:3])).all()
    series = pd.Series(np.sin(np.arange(120) / 4))
    forecaster = SktimeForecaster(hidden_size=4, max_epochs=50, max_time=1e-9,
                                  random_state=0).fit(series, fh=[1, 2])
    assert len(forecaster.estimator_.history_) == 1
    with pytest.raises(ValueError, match="max_time"):
        LSTMForecaster(max_time=0).fit(X, y)


@pytest.mark.parametrize("name", ["adam", "adamw", "sgd", "rmsprop"])
def test_builtin_optimizers_step_exactly_as_torchs(name):
    from sklstm._components import OPTIMIZERS

    ours = OPTIMIZERS[name]
    theirs = next(c for c in ours.__mro__[1:] if c.__module__.startswith("torch.optim"))
    results = []
    for cls in (ours, theirs):
        torch.manual_seed(0)
        module = torch.nn.LSTM(3, 5, batch_first=True)
        opt = cls(module.parameters(), lr=0.01, weight_decay=0.01)
        for step in range(4):
            opt.zero_grad()
            out, _ = module(torch.linspace(-1, 1, 2 * 6 * 3).reshape(2, 6, 3) * (step + 1))
            (out ** 2).mean().backward()
            opt.step()
        state = cls(module.parameters()).state_dict()  # the round trip keeps working
        opt.load_state_dict(opt.state_dict())
        results.append([p.detach().clone() for p in module.parameters()])
        assert state["param_groups"]
    for a, b in zip(*results):
        assert torch.equal(a, b)


def test_a_fresh_process_fit_does_not_import_the_torch_compiler():
    # torch's optimizers import torch._dynamo on first use (about a second per fresh process)
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from sklstm import LSTMForecaster, make_sequences\n"
            "X, y = make_sequences(np.sin(np.arange(220) / 5.0), window_length=10)\n"
            "LSTMForecaster(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)\n"
            "print('torch._dynamo' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_samples_per_epoch_draws_every_sample_once_before_any_twice():
    from sklstm._net import BatchIterator, SequenceData

    data = SequenceData(np.arange(50, dtype=np.float32).reshape(50, 1, 1),
                        np.arange(50, dtype=np.float32))
    iterator = BatchIterator(data, batch_size=8, shuffle=True, seed=0, samples_per_epoch=20)
    assert len(iterator) == 3
    epochs = [torch.cat([yb for _, yb in iterator]).long().tolist() for _ in range(5)]
    assert [len(e) for e in epochs] == [20] * 5
    drawn = sum(epochs, [])
    assert sorted(drawn[:50]) == list(range(50))  # the first 50 draws: each row once
    assert sorted(drawn[50:100]) == list(range(50))
    # Unshuffled (validation) passes visit at most max_rows rows, evenly spread, ends kept.
    valid = BatchIterator(data, batch_size=8, max_rows=5)
    assert torch.cat([yb for _, yb in valid]).long().tolist() == [0, 12, 24, 37, 49]


def test_samples_per_epoch_sets_the_batches_an_epoch_takes():
    X, y = make_sequences(np.sin(np.arange(300) / 5.0), window_length=10)
    model = LSTMForecaster(hidden_size=4, max_epochs=3, batch_size=16, samples_per_epoch=50,
                           early_stopping=False, random_state=0).fit(X, y)
    assert model.history_["train_batch_count"].tolist() == [4, 4, 4]
    whole = LSTMForecaster(hidden_size=4, max_epochs=1, batch_size=16, samples_per_epoch=None,
                           early_stopping=False, random_state=0).fit(X, y)
    assert whole.history_["train_batch_count"].tolist() == [-(-len(X) // 16)]


def bfloat16_outputs():
    """The dtypes a bfloat16 fit's layers produce on this machine: all bfloat16, except that
    on a CPU without AVX-512 (no oneDNN bfloat16 LSTM) the recurrent layers stay float32."""
    from sklstm._net import cpu_runs_bfloat16_lstm

    return {torch.bfloat16} if cpu_runs_bfloat16_lstm() else {torch.bfloat16, torch.float32}


def test_bfloat16_precision_runs_the_forward_passes_in_bfloat16_and_keeps_float32_weights():
    series = np.sin(np.arange(1200) / 5) + 0.05 * np.cos(np.arange(1200))
    X, Y = make_sequences(series, 12, horizon=3)
    params = dict(hidden_size=16, max_epochs=20, lr=0.01, random_state=0)
    full = LSTMForecaster(**params).fit(X, Y)
    mixed = LSTMForecaster(precision="bfloat16", **params).fit(X, Y)
    assert all(p.dtype == torch.float32 for p in mixed.net_.module_.parameters())
    assert np.isfinite(mixed.history_["train_loss"]).all()
    seen = output_dtypes(mixed)
    pred = mixed.predict(X)
    assert seen == bfloat16_outputs() and pred.dtype == np.float64
    full_seen = output_dtypes(full)
    full_pred = full.predict(X)
    assert full_seen == {torch.float32}
    # bfloat16 keeps 8 bits of mantissa: the fit is as good, not identical.
    mse_full, mse_mixed = np.mean((full_pred - Y) ** 2), np.mean((pred - Y) ** 2)
    assert mse_mixed < 0.01 * np.var(Y) and mse_full < 0.01 * np.var(Y)
    assert not np.allclose(pred, full_pred, rtol=1e-6, atol=0)


def test_precision_is_validated_and_a_classifier_trains_in_bfloat16():
    X, y = pattern_anywhere(n=120, length=20)
    with pytest.raises(ValueError, match="precision"):
        SequenceClassifier(precision="float16").fit(X, y)
    clf = SequenceClassifier(precision="bfloat16", max_epochs=5, random_state=0).fit(X, y)
    seen = output_dtypes(clf)
    proba = clf.predict_proba(X)
    assert seen == bfloat16_outputs()
    assert proba.dtype == np.float64 and np.allclose(proba.sum(axis=1), 1)
