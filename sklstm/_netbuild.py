"""Building the skorch net of an estimator from its parameters, and refreshing it.

Three entry points, one per moment of a model's life:

- :func:`build_net`: a fresh fit (callbacks, validation split and schedule for ``n_samples``);
- :func:`refresh_net`: a continued fit (``warm_start``, ``partial_fit``) gives the fitted net
  the current training parameters;
- :func:`prediction_net`: an initialised net ready for saved weights (``sklstm.load``).

The estimator supplies ``_module_class()``, ``_module_params()``, ``_criterion()`` and
``_train_batch_params()``; everything skorch-specific stays in this module and ``_net``.
"""

import inspect

import torch
from skorch.callbacks import Callback, LRScheduler

from ._callbacks import (
    BestTrainingWeights,
    EpochProgress,
    FiniteLossGuard,
    GradientClipping,
    LatestEarlyStopping,
    OneCycleSchedule,
    TimeBudget,
)
from ._components import OPTIMIZERS
from ._net import (
    EVAL_BATCH_ELEMENTS,
    MAX_EVAL_ROWS,
    BatchIterator,
    LatestSplit,
    SequenceData,
    SequenceNet,
)
from ._holdout import latest_count, panel_count
from ._recurrent_params import AUTO_EARLY_STOPPING_MIN_SAMPLES, AUTO_SAMPLES_PER_EPOCH
from .distributed._context import active as active_worker

# Parameters that shape the network or the meaning of its outputs: a warm start or a
# partial_fit cannot change them (the module params are compared as well).
STRUCTURE_PARAMS = ("scaling", "scale_input", "scale_target", "autoregressive",
                    "log_transform", "difference", "season_length")


# -- the components ----------------------------------------------------------------------------
def optimizer_class(estimator):
    optimizer = estimator.optimizer
    return OPTIMIZERS[optimizer] if isinstance(optimizer, str) else optimizer


def _takes_weight_decay(estimator):
    return "weight_decay" in inspect.signature(optimizer_class(estimator)).parameters


def optimizer_kwargs(estimator):
    params = dict(estimator.optimizer_params or {})
    if _takes_weight_decay(estimator):
        params["weight_decay"] = estimator.weight_decay
    return params


def check_components(estimator):
    """What the parameter constraints cannot say about the optimizer and the callbacks."""
    opt = estimator.optimizer
    if not isinstance(opt, str) and not (
        isinstance(opt, type) and issubclass(opt, torch.optim.Optimizer)
    ):
        raise TypeError(
            f"optimizer must be one of {sorted(OPTIMIZERS)} or a subclass of "
            f"torch.optim.Optimizer; got {opt!r}."
        )
    for i, callback in enumerate(estimator.callbacks or []):
        target = callback[1] if isinstance(callback, tuple) and len(callback) == 2 else callback
        if isinstance(callback, tuple) and (len(callback) != 2 or not isinstance(callback[0], str)):
            target = None
        if not isinstance(target, Callback):
            raise TypeError(
                f"callbacks[{i}] must be a skorch callback instance or a (name, callback) "
                f"tuple; got {callback!r}."
            )
    params = estimator.optimizer_params or {}
    if not all(isinstance(k, str) for k in params):
        raise TypeError(f"optimizer_params must map names to values; got {params!r}.")
    if "lr" in params or "weight_decay" in params:
        raise ValueError(
            "optimizer_params must not hold 'lr' or 'weight_decay'; set the estimator's "
            "lr= and weight_decay= parameters instead."
        )
    if estimator.weight_decay and not _takes_weight_decay(estimator):
        raise ValueError(
            f"weight_decay={estimator.weight_decay} was given, but the optimizer "
            f"{optimizer_class(estimator).__name__} takes no weight_decay; use weight_decay=0 "
            "or an optimizer that has it (e.g. 'adam', 'adamw', 'sgd')."
        )


def initialize(estimator, step):
    """Run a skorch initialisation step; name our parameter when torch refuses its value."""
    try:
        step()
    except TypeError as exc:
        raise TypeError(
            f"the net could not be built with optimizer={estimator.optimizer!r}, "
            f"optimizer_params={estimator.optimizer_params!r} and "
            f"criterion={getattr(estimator, 'criterion', None)!r}: {exc}. Check the names in "
            "optimizer_params against the optimizer's arguments."
        ) from exc


def criterion_signature(criterion, params):
    """A comparable description of a criterion and its parameters (tensors as lists)."""
    return criterion, {k: v.tolist() if isinstance(v, torch.Tensor) else v
                       for k, v in params.items()}


def samples_per_epoch(estimator):
    """The training samples an epoch draws at most (None: all of them)."""
    setting = getattr(estimator, "samples_per_epoch", None)  # models pickled before 0.3
    return AUTO_SAMPLES_PER_EPOCH if setting == "auto" else setting


def regime(estimator, n_samples):
    """lr_schedule, lr, max_epochs for n_samples ("auto" resolved; workers count the panel)."""
    return estimator._training_regime(None if n_samples is None else panel_count(n_samples))


def train_iterator_params(estimator):
    """``iterator_train__*`` parameters: the epoch's sample budget and the estimator's own."""
    return {"samples_per_epoch": samples_per_epoch(estimator),
            **estimator._train_batch_params()}


def skorch_verbose(verbose):
    """skorch prints its per-epoch table from verbose=2 (1 is sklstm's progress line)."""
    return int(verbose) - 1 if verbose and verbose > 1 else 0


# -- when training ends ----------------------------------------------------------------------
def early_stopping_on(setting, n_samples, auto=AUTO_EARLY_STOPPING_MIN_SAMPLES):
    """Whether ``early_stopping=setting`` holds out validation samples out of ``n_samples``
    (``auto``: the threshold of "auto", the estimator's ``AUTO_EARLY_STOPPING``; in a
    data-parallel fit, of the whole panel's samples)."""
    if isinstance(setting, bool):
        return setting
    threshold = auto if setting == "auto" else int(setting)
    return panel_count(n_samples) >= threshold


def training_plan(estimator, n_samples, early):
    """``(n_valid, batch_size, samples_per_epoch)`` of a fresh or continued fit.

    In a data-parallel worker: the worker's share of the panel's held-out windows, the
    global batch split over the workers, and one sample budget per epoch for all of them
    (every worker must take as many steps as the others: the least any worker can fill).
    """
    est = estimator
    context = active_worker()
    if context is None:
        n_valid = latest_count(est.validation_fraction, n_samples, at_least_one=False) \
            if early else 0
        return n_valid, est._batch_size(n_samples), samples_per_epoch(est)
    n_valid = latest_count(est.validation_fraction, n_samples) if early else 0
    world = context.world_size
    batch = max(1, est._batch_size(panel_count(n_samples)) // world)
    budget = samples_per_epoch(est)
    mine = n_samples - n_valid if budget is None else min(n_samples - n_valid, -(-budget // world))
    return n_valid, batch, max(1, int(context.min(mine)))


def split_and_callbacks(estimator, n_samples, epochs=None):
    """``train_split`` and the callbacks (the user's, then ours) for the current params.

    ``epochs``: how many epochs this call trains at most (``max_epochs`` if None), which
    sets the length of a one-cycle schedule. Ours, in the order they act at the end of
    an epoch: the loss guard, gradient clipping (per batch), the best-weights keeper
    (which measures the loss on the training set when nothing is held out), the
    learning-rate schedule that reads that loss (or the validation loss), early stopping,
    and the time budget (``max_time``).
    """
    est = estimator
    callbacks = list(est.callbacks or []) + [("finite_loss", FiniteLossGuard())]
    if est.verbose == 1:
        callbacks.append(("progress", EpochProgress()))
    if est.clip_grad_norm is not None:
        callbacks.append(
            ("clip_grad_norm", GradientClipping(est.clip_grad_norm))
        )
    early = early_stopping_on(est.early_stopping, n_samples, est.AUTO_EARLY_STOPPING)
    n_valid, batch_size, per_pass = training_plan(est, n_samples, early)
    context = active_worker()
    if context is not None:
        from .distributed._callbacks import AllReduceGradients, PanelLosses

        # First: every later callback (clipping, the schedules, early stopping) sees the
        # averaged gradients and the panel's losses.
        callbacks = [("data_parallel_gradients", AllReduceGradients(context.world_size)),
                     ("data_parallel_losses", PanelLosses(context))] + callbacks
        n_samples_checked, n_valid_checked = panel_count(n_samples), panel_count(n_valid)
    else:
        n_samples_checked, n_valid_checked = n_samples, n_valid
    if early and (n_valid_checked < 1 or n_samples_checked - n_valid_checked < 1):
        raise ValueError(
            f"early_stopping holds out the latest validation_fraction="
            f"{est.validation_fraction} of the samples, which leaves no training or "
            f"no validation sample out of n_samples={n_samples}; pass more samples "
            "or early_stopping=False."
        )
    monitor = "valid_loss" if early else "train_loss"
    if not early and est.restore_best_weights:
        callbacks.append(("best_weights", BestTrainingWeights()))
        monitor = "fit_loss"
    training = regime(est, n_samples)
    if training["lr_schedule"] == "plateau":
        # Halve the step when the monitored loss has stalled for a third of the patience:
        # the oscillation of a too-large step settles before early stopping gives up.
        callbacks.append((
            "lr_schedule",
            LRScheduler("ReduceLROnPlateau", monitor=monitor, factor=0.5,
                        patience=max(1, est.patience // 3), min_lr=training["lr"] / 64),
        ))
    elif training["lr_schedule"] == "onecycle":
        per_epoch = n_samples - n_valid
        if per_pass:
            per_epoch = min(per_epoch, per_pass)
        n_batches = -(-per_epoch // batch_size)
        total = (training["max_epochs"] if epochs is None else epochs) * n_batches
        pinned = {"betas", "momentum"} & set(est.optimizer_params or {})  # the user's
        callbacks.append(("lr_schedule", OneCycleSchedule(training["lr"], total, not pinned)))
    if early:
        callbacks.append(
            ("early_stopping", LatestEarlyStopping(patience=est.patience,
                                                   load_best=est.restore_best_weights))
        )
    if est.max_time is not None:  # last: the epoch's score is recorded before it stops
        callbacks.append(("max_time", TimeBudget(est.max_time, stop=context is None)))
        if context is not None:
            from .distributed._callbacks import SharedStop

            callbacks.append(("data_parallel_stop", SharedStop(context)))
    if context is not None and context.checkpoint_path is not None:
        from .distributed._callbacks import EpochCheckpoint

        callbacks.append(("data_parallel_checkpoint", EpochCheckpoint(
            context.checkpoint_path, checkpoint_fingerprint(est, context),
            write=context.is_driver)))
    return (LatestSplit(n_valid) if early else None), callbacks


def restore_training_state(net, state, fingerprint):
    """Weights, optimizer state and history of a checkpoint, into a freshly built net (the
    schedule and early stopping start their counts afresh for the epochs left)."""
    from skorch.history import History

    if state.get("fingerprint") != fingerprint:
        raise ValueError(
            "the checkpoint was written by a different fit (another network, criterion, "
            "optimizer or panel); delete it, or pass another checkpoint path.")
    net.module_.load_state_dict(state["module"])
    net.optimizer_.load_state_dict(state["optimizer"])
    net.history = History(state["history"])


def checkpoint_fingerprint(estimator, context):
    """What a checkpoint must match to be resumed: the network and the panel's size."""
    return repr({"structure": structure(estimator), "n_windows": context.n_windows,
                 "criterion": criterion_signature(*estimator._criterion()),
                 "optimizer": optimizer_kwargs(estimator)})


# -- the net -----------------------------------------------------------------------------------
def _net(estimator, device, train_split, callbacks, batch_size, training):
    est = estimator
    criterion, criterion_params = est._criterion()
    net = SequenceNet(
        module=est._module_class(),
        criterion=criterion,
        optimizer=optimizer_class(est),
        lr=training["lr"],
        max_epochs=training["max_epochs"],
        batch_size=batch_size,
        train_split=train_split,
        callbacks=callbacks,
        dataset=SequenceData,
        iterator_train=BatchIterator,
        iterator_train__shuffle=True,
        iterator_valid=BatchIterator,
        iterator_valid__eval_elements=EVAL_BATCH_ELEMENTS,
        iterator_valid__hidden_width=est.hidden_size * (2 if est.bidirectional else 1),
        iterator_valid__max_rows=MAX_EVAL_ROWS,
        device=device,
        verbose=skorch_verbose(est.verbose),
        compile=est.compile,
        **{f"optimizer__{k}": v for k, v in optimizer_kwargs(est).items()},
        **{f"criterion__{k}": v for k, v in criterion_params.items()},
        **{f"module__{k}": v for k, v in est._module_params().items()},
        **{f"iterator_train__{k}": v for k, v in train_iterator_params(est).items()},
    )
    net.precision = est.precision
    return net


def build_net(estimator, device, n_samples, epochs=None):
    """A new, uninitialised net for a fresh fit on ``n_samples`` samples."""
    train_split, callbacks = split_and_callbacks(estimator, n_samples, epochs)
    net = _net(estimator, device, train_split, callbacks, estimator._batch_size(n_samples),
               regime(estimator, n_samples))
    _apply_plan(estimator, net, n_samples)
    return net


def _apply_plan(estimator, net, n_samples):
    # A data-parallel worker's batch size and sample budget (see training_plan); the same
    # as set already in one process.
    if active_worker() is not None:
        early = early_stopping_on(estimator.early_stopping, n_samples,
                                  estimator.AUTO_EARLY_STOPPING)
        _, net.batch_size, net.iterator_train__samples_per_epoch = training_plan(
            estimator, n_samples, early)


def prediction_net(estimator, device):
    """An initialised net of the fitted structure, for weights read from a file.

    It holds no training callbacks of ours: a later ``warm_start`` fit or ``partial_fit``
    installs them for its own data (:func:`refresh_net`).
    """
    # The batch size of prediction is eval_elements' (see BatchIterator); this one is unused.
    net = _net(estimator, device, None, list(estimator.callbacks or []),
               estimator._batch_size(None), regime(estimator, None))
    initialize(estimator, net.initialize)
    return net


def refresh_net(estimator, net, n_samples, epochs=None):
    """Give a continued net the current training parameters (lr, epochs, stopping, ...).

    Returns what the estimator records of the components now in use
    (``_criterion_used``, ``_optimizer_used``).
    """
    est = estimator
    training = regime(est, n_samples)
    net.max_epochs, net.batch_size = training["max_epochs"], est._batch_size(n_samples)
    net.verbose = skorch_verbose(est.verbose)
    net.precision = est.precision
    criterion, criterion_params = est._criterion()
    if criterion_signature(criterion, criterion_params) != est._criterion_used:
        for key in [k for k in vars(net) if k.startswith("criterion__")]:
            delattr(net, key)
        for k, v in criterion_params.items():
            setattr(net, f"criterion__{k}", v)
        net.criterion = criterion
        net._initialize_criterion()
        net._initialize_optimizer()
    kwargs = optimizer_kwargs(est)
    if optimizer_class(est) is not net.optimizer or kwargs != est._optimizer_used:
        for key in [k for k in vars(net) if k.startswith("optimizer__")]:
            delattr(net, key)
        for k, v in kwargs.items():
            setattr(net, f"optimizer__{k}", v)
        net.optimizer, net.lr = optimizer_class(est), training["lr"]
        initialize(est, net._initialize_optimizer)
    else:
        # Every fit starts at lr (a schedule may have lowered the groups' rate); the
        # virtual parameter updates the optimizer's param groups in place.
        net.set_params(lr=training["lr"])
    for k, v in train_iterator_params(est).items():
        setattr(net, f"iterator_train__{k}", v)
    net.iterator_valid__max_rows = MAX_EVAL_ROWS
    train_split, callbacks = split_and_callbacks(est, n_samples, epochs)
    net.train_split = train_split
    # Not set_params(callbacks=...): skorch initialises the *old* list there.
    net.callbacks = callbacks
    net._initialize_callbacks()
    _apply_plan(est, net, n_samples)
    return {"_criterion_used": criterion_signature(criterion, criterion_params),
            "_optimizer_used": kwargs}


# -- structure ---------------------------------------------------------------------------------
def structure(estimator):
    """What a continued fit may not change: the module, its parameters, the scaling."""
    described = {"module": estimator._module_class().__name__, **estimator._module_params()}
    for name in STRUCTURE_PARAMS:
        if hasattr(estimator, name):
            described[name] = getattr(estimator, name)
    return described


def check_structure_unchanged(estimator):
    now, then = structure(estimator), estimator._structure
    changed = sorted(k for k in set(now) | set(then) if now.get(k) != then.get(k))
    if changed:
        detail = ", ".join(f"{k}: {then.get(k)!r} -> {now.get(k)!r}" for k in changed)
        raise ValueError(
            f"cannot continue training (warm_start=True or partial_fit) after a change of "
            f"the network's structure ({detail}). Fit a new model with warm_start=False, "
            "or restore the parameters."
        )
