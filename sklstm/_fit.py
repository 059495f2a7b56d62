"""The fit template every recurrent estimator runs (``fit``, ``partial_fit``, warm starts).

As sktime's ``BaseForecaster.fit`` -> ``_fit``: validate, learn the targets, the input and the
scaling on a fresh fit, build or refresh the net, train, then let the estimator learn what
it learns from the trained model (conformal scores). The estimator's hooks *return* what they
learn, as dictionaries of fitted attributes; this module is the one place that sets them, in
the order below, so a hook never depends on another hook having run first:

1. ``_prepare_X(X, reset)`` -> ``(X3, lengths)``; ``_validate_y(y, n)`` -> y;
   ``_first_training_sample(X, n)`` -> the oldest samples left out (``training_start_``);
   ``_n_held_out(n)`` -> the latest samples kept out of training;
2. fresh fit: ``_target_state(y, classes)``, ``_input_state(X, X3, lengths)``,
   ``_scaling_state(X3, y)``; continued fit: ``_check_targets(y, classes)``;
3. both: ``_batch_state()`` (how training batches are drawn);
4. after training: ``_trained_state(X3_all, y_all, n_held, lengths_all)``.

The whole call is atomic: on any exception (KeyboardInterrupt included) the estimator is left
as it was before the call.
"""

import copy

import pandas as pd

from . import _netbuild
from ._net import SequenceData
from ._runtime import call_seed, draw_seed, resolve_device, seeded, torch_threads
from .distributed._context import active as active_worker


def fit_atomic(estimator, X, y, *, epochs, continuing, classes=None):
    """Run :func:`train`; on any exception restore the estimator (and a continued net)."""
    saved = dict(estimator.__dict__)
    net_before = copy.deepcopy(estimator.net_) if continuing else None
    try:
        with torch_threads(estimator._threads()):
            train(estimator, X, y, epochs=epochs, continuing=continuing, classes=classes)
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(saved)
        if net_before is not None:
            estimator.net_ = net_before
        raise
    return estimator


def _learn(estimator, state):
    for name, value in state.items():
        setattr(estimator, name, value)


def train(estimator, X, y, *, epochs, continuing, classes):
    est = estimator
    _netbuild.check_components(est)
    X3, lengths = est._prepare_X(X, reset=not continuing)
    y = est._validate_y(y, X3.shape[0])
    start = est._first_training_sample(X, X3.shape[0])
    if start:
        X3, y = X3[start:], y[start:]
        lengths = None if lengths is None else lengths[start:]
    n_held = est._n_held_out(X3.shape[0])
    X_all, y_all, lengths_all = X3, y, lengths
    if n_held:
        X3, y = X3[:-n_held], y[:-n_held]
        lengths = None if lengths is None else lengths[:-n_held]
    if continuing:
        est._check_targets(y, classes)
        _netbuild.check_structure_unchanged(est)
        device = est.net_.device  # a CUDA model unpickled on a CPU machine is on the CPU
    else:
        device = resolve_device(est.device)
        _learn(est, est._target_state(y, classes))
        _learn(est, est._input_state(X, X3, lengths))
        _learn(est, {"_seed": draw_seed(est.random_state)})
        _learn(est, _shared(est._scaling_state(X3, y)))
    _learn(est, est._batch_state())
    if start is not None:
        _learn(est, {"training_start_": start})
    data = SequenceData(
        X3,
        est._encode_y(y),
        lengths,
        prepare=est._prepare_rows,
        device=device,
        y_dtype=est._target_dtype,
    )
    worker = active_worker()
    resume = None if worker is None or continuing else worker.resume_state
    if resume is not None:  # a data-parallel fit resumed from its checkpoint
        epochs = max(0, _netbuild.regime(est, X3.shape[0])["max_epochs"] - len(resume["history"]))
    epochs_done = len(est.net_.history) if continuing else (
        0 if resume is None else len(resume["history"]))
    seed = call_seed(est._seed, epochs_done)
    with seeded(seed, device):
        if continuing:
            net = est.net_
            _learn(est, _netbuild.refresh_net(est, net, X3.shape[0], epochs))
        else:
            criterion, criterion_params = est._criterion()
            _learn(est, {
                "_structure": _netbuild.structure(est),
                "_criterion_used": _netbuild.criterion_signature(criterion, criterion_params),
                "_optimizer_used": _netbuild.optimizer_kwargs(est),
            })
            net = _netbuild.build_net(est, device, X3.shape[0], epochs)
            _netbuild.initialize(est, net.initialize)
            if resume is not None:
                _netbuild.restore_training_state(
                    net, resume, _netbuild.checkpoint_fingerprint(est, worker))
        # Each worker of a data-parallel fit shuffles its shard in its own order.
        net.iterator_train__seed = seed + (worker.rank if worker is not None else 0)
        fit_params = {} if epochs is None else {"epochs": epochs}
        net.partial_fit(data, None, **fit_params)
    _learn(est, {"net_": net, "history_": history_frame(net.history)})
    _learn(est, est._trained_state(X_all, y_all, n_held, lengths_all))


def _shared(state):
    """A data-parallel worker's learnt state replaced by the first worker's, so that every
    worker scales its windows alike (statistics of one shard, a sample of the series)."""
    worker = active_worker()
    return state if worker is None else worker.broadcast(state)


def history_frame(history):
    """skorch's per-epoch history as a DataFrame (batch-level entries left out)."""
    rows = [{k: v for k, v in epoch.items() if k != "batches"} for epoch in history]
    frame = pd.DataFrame(rows)
    return frame.set_index("epoch") if "epoch" in frame else frame
