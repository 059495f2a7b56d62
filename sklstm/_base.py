"""Machinery shared by the recurrent estimators: the fit template, seeding, device, the net.

The estimators *own* a skorch net (``net_``) built in ``fit``; ``__init__`` only stores
parameters. ``fit``, ``partial_fit`` and warm starts are written once here, as a template
method (sktime's ``BaseForecaster.fit`` -> ``_fit``): validate, set up targets and scaling on a
fresh fit, build or refresh the net, train; the whole call is atomic. Subclasses supply only
the target handling (validation, encoding, decoding), the module and the loss.
"""

import contextlib
import copy
import inspect
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback, GradientNormClipping, LRScheduler

from ._callbacks import (
    BestTrainingWeights,
    EpochProgress,
    FiniteLossGuard,
    LatestEarlyStopping,
    OneCycleSchedule,
)
from ._net import (
    EVAL_BATCH_ELEMENTS,
    BatchIterator,
    LatestSplit,
    SequenceData,
    SequenceNet,
    to_device_tensor,
)
from ._validation import as_3d, validate_sequences

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
# early_stopping="auto" turns early stopping on from this many samples (as in
# HistGradientBoosting): below it a validation split costs too much of the data.
AUTO_EARLY_STOPPING_MIN_SAMPLES = 10_000
# Predictions run on whole blocks of this many rows (padded with zeros): see ``_forward``.
PREDICT_ROW_BLOCK = 16
# Devices a recurrent net can train on; "meta" and friends hold no data.
_DEVICE_TYPES = ("cpu", "cuda", "mps")


def resolve_device(device):
    """Return the torch device string for ``device``, or raise a ValueError saying why not."""
    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda', 'cuda:N', 'mps' or "
            "'auto'."
        ) from exc
    if parsed.type not in _DEVICE_TYPES:
        raise ValueError(
            f"device={device!r} cannot train a network (it holds no data or is not "
            "supported); use 'cpu', 'cuda', 'cuda:N', 'mps' or 'auto'."
        )
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} but CUDA is not available on this machine; use "
                "device='cpu' or device='auto'."
            )
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} but only {torch.cuda.device_count()} CUDA device(s) exist."
            )
    if parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r} but MPS is not available; use device='cpu'.")
    return str(parsed)


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch for the block and restore the global random state afterwards."""
    devices = []
    if device.startswith("cuda"):
        index = torch.device(device).index
        devices = [torch.cuda.current_device() if index is None else index]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run the block with ``n_threads`` torch threads, then restore the caller's setting."""
    before = torch.get_num_threads()
    if n_threads is None or n_threads == before:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def call_seed(seed, epochs_done):
    """Seed of one training call: a new shuffle order and dropout stream after every epoch."""
    return int(np.random.SeedSequence([seed, epochs_done]).generate_state(1)[0] >> 1)


# The docstring paragraphs of the parameters that end training, shared by every estimator.
TRAINING_END_DOC = """    patience : int, default=15
        Epochs without improvement before stopping.
    clip_grad_norm : float or None, default=1.0
        Clip the norm of all gradients to this value at every step (in the scaled frame);
        None: no clipping.
    lr_schedule : {"plateau", "onecycle"} or None, default="plateau"
        "plateau": halve the learning rate when the monitored loss (validation loss with
        early stopping, else the loss on the whole training set) has not improved for
        ``max(1, patience // 3)`` epochs, down to ``lr / 64``. "onecycle": one cycle over
        the epochs of the call (``max_epochs``, or one for ``partial_fit``), stepped after
        every batch: the rate rises from ``lr / 25`` to ``lr`` over the first 30 percent of the
        batches and anneals to ``lr / 1e4``; ``lr`` is then the peak, and a few epochs with
        a larger ``lr`` (e.g. 1e-2) often train as well as many at a constant rate.
        None: a constant rate.
    restore_best_weights : bool, default=True
        Return the weights of the best epoch: by the validation loss with early stopping,
        else by the loss of the whole training set measured after each epoch (``fit_loss``
        in ``history_``), so that a last, bad step is never what is kept.
"""

# The docstring paragraph of the thread rule (``_threads``), shared by every estimator.
TORCH_THREADS_DOC = """    torch_threads : int, "auto" or None, default="auto"
        Torch threads while fitting and predicting; the caller's setting is restored
        afterwards. "auto": one thread on the CPU (these small networks gain little from
        more, and threads spin when other processes use the cores; results then do not
        depend on the number of parallel jobs); the caller's setting on a GPU. None: leave
        torch's setting as it is.
"""


# Parameters that shape the network or the meaning of its outputs: a warm start or a
# partial_fit cannot change them (the module params are compared as well).
_STRUCTURE_PARAMS = ("scaling", "scale_input", "scale_target", "autoregressive",
                     "log_transform", "difference")


class BaseRecurrent(BaseEstimator):
    """Parameters and the fit/predict template common to forecasters and classifiers."""

    _parameter_constraints = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_size": [Interval(Integral, 1, None, closed="left"), None],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS)), type],
        "optimizer_params": [dict, None],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "lr_schedule": [StrOptions({"plateau", "onecycle"}), None],
        "restore_best_weights": ["boolean"],
        "scale_input": ["boolean"],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "compile": ["boolean"],
        "torch_threads": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
    }

    # -- hooks for subclasses -------------------------------------------------------------
    _target_dtype = torch.float32

    def _module_class(self):
        raise NotImplementedError

    def _module_params(self):
        """Keyword arguments of the module; subclasses add their own to these."""
        return {
            "n_features": self._n_step_features,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            "dense_size": self.dense_size,
        }

    def _criterion(self):
        """``(criterion class or instance, {criterion__ params})``."""
        raise NotImplementedError

    def _prepare_X(self, X, reset):
        """Validated ``(X3, lengths or None)``."""
        return self._validate_X(X, reset=reset), None

    def _validate_y(self, y, n_samples):
        raise NotImplementedError

    def _init_targets(self, y, classes):
        """Fresh fit: learn what the targets are (classes, horizon)."""
        raise NotImplementedError

    def _check_targets(self, y, classes):
        """Continued fit: refuse targets that do not match the fitted ones."""
        raise NotImplementedError

    def _encode_y(self, y):
        """Targets as stored for training (before any scaling)."""
        raise NotImplementedError

    def _fit_scaling(self, X3, y):
        raise NotImplementedError

    def _remember_input(self, X):
        """Fresh fit: keep what the raw X says beyond its values (none by default)."""

    def _n_held_out(self, n_samples):
        """Latest samples kept out of training (for calibration); none by default."""
        return 0

    def _after_training(self, X3, y, n_held, lengths):
        """Called with all validated samples once training succeeded (nothing by default)."""

    # -- the fit template -----------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train on sequences X and their targets y.

        With ``warm_start=True`` and a fitted model, training continues from the fitted
        weights with the current training parameters (lr, max_epochs, batch_size, ...).
        The call is atomic: if it raises (or is interrupted), the estimator is left as it
        was before the call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Sequences (windows of history); numpy, pandas (2-D) or torch.
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            Targets of the sequences.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        continuing = bool(self.warm_start) and self._is_fitted()
        return self._fit_atomic(X, y, epochs=None, continuing=continuing)

    def _partial_fit(self, X, y, classes=None):
        continuing = self._is_fitted()
        self._validate_params()
        return self._fit_atomic(X, y, epochs=1, continuing=continuing, classes=classes)

    def _is_fitted(self):
        return hasattr(self, "net_")

    def _fit_atomic(self, X, y, *, epochs, continuing, classes=None):
        """Run ``_train``; on any exception (KeyboardInterrupt included) restore the estimator.

        A continued fit trains the net in place, so the net is snapshot first.
        """
        saved = dict(self.__dict__)
        net_before = copy.deepcopy(self.net_) if continuing else None
        try:
            with torch_threads(self._threads()):
                self._train(X, y, epochs=epochs, continuing=continuing, classes=classes)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            if net_before is not None:
                self.net_ = net_before
            raise
        return self

    def _train(self, X, y, *, epochs, continuing, classes):
        self._check_component_params()
        X3, lengths = self._prepare_X(X, reset=not continuing)
        y = self._validate_y(y, X3.shape[0])
        n_held = self._n_held_out(X3.shape[0])
        X_all, y_all, lengths_all = X3, y, lengths
        if n_held:
            X3, y = X3[:-n_held], y[:-n_held]
            lengths = None if lengths is None else lengths[:-n_held]
        if continuing:
            self._check_targets(y, classes)
            self._check_structure_unchanged()
            device = self.net_.device  # a CUDA model unpickled on a CPU machine is on the CPU
        else:
            device = resolve_device(self.device)
            self._init_targets(y, classes)
            self._remember_input(X)
            self._seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
            self.scaling_ = self._fit_scaling(X3, y)
        data = SequenceData(
            X3,
            self._encode_y(y),
            lengths,
            prepare=self._prepare_rows,
            device=device,
            y_dtype=self._target_dtype,
        )
        epochs_done = len(self.net_.history) if continuing else 0
        seed = call_seed(self._seed, epochs_done)
        with seeded(seed, device):
            if continuing:
                net = self.net_
                self._refresh_training_params(net, X3.shape[0], epochs)
            else:
                self._structure = self._current_structure()
                self._criterion_used = _signature(*self._criterion())
                self._optimizer_used = self._optimizer_kwargs()
                net = self._build_net(device, X3.shape[0], epochs)
                self._initialize(net.initialize)
            net.iterator_train__seed = seed
            fit_params = {} if epochs is None else {"epochs": epochs}
            net.partial_fit(data, None, **fit_params)
        self.net_ = net
        self.history_ = _history_frame(net.history)
        self._after_training(X_all, y_all, n_held, lengths_all)

    def _prepare_rows(self, X_rows, y_rows):
        """Raw rows -> the network's frame: scaled float32 windows; targets as encoded."""
        return self.scaling_.transform(X_rows), y_rows

    # -- parameters of the components -----------------------------------------------------
    def _initialize(self, step):
        """Run a skorch initialisation step; name our parameter when torch refuses its value."""
        try:
            step()
        except TypeError as exc:
            raise TypeError(
                f"the net could not be built with optimizer={self.optimizer!r}, "
                f"optimizer_params={self.optimizer_params!r} and "
                f"criterion={getattr(self, 'criterion', None)!r}: {exc}. Check the names in "
                "optimizer_params against the optimizer's arguments."
            ) from exc

    def _optimizer_class(self):
        if isinstance(self.optimizer, str):
            return _OPTIMIZERS[self.optimizer]
        return self.optimizer

    def _check_component_params(self):
        """Refuse component parameters that skorch or torch would fail on later, obscurely."""
        opt = self.optimizer
        if not isinstance(opt, str) and not (
            isinstance(opt, type) and issubclass(opt, torch.optim.Optimizer)
        ):
            raise TypeError(
                f"optimizer must be one of {sorted(_OPTIMIZERS)} or a subclass of "
                f"torch.optim.Optimizer; got {opt!r}."
            )
        for i, callback in enumerate(self.callbacks or []):
            target = callback[1] if isinstance(callback, tuple) and len(callback) == 2 else callback
            if isinstance(callback, tuple) and (len(callback) != 2 or not isinstance(callback[0], str)):
                target = None
            if not isinstance(target, Callback):
                raise TypeError(
                    f"callbacks[{i}] must be a skorch callback instance or a (name, callback) "
                    f"tuple; got {callback!r}."
                )
        params = self.optimizer_params or {}
        if not all(isinstance(k, str) for k in params):
            raise TypeError(f"optimizer_params must map names to values; got {params!r}.")
        if "lr" in params or "weight_decay" in params:
            raise ValueError(
                "optimizer_params must not hold 'lr' or 'weight_decay'; set the estimator's "
                "lr= and weight_decay= parameters instead."
            )
        if self.weight_decay and not self._optimizer_takes_weight_decay():
            raise ValueError(
                f"weight_decay={self.weight_decay} was given, but the optimizer "
                f"{self._optimizer_class().__name__} takes no weight_decay; use weight_decay=0 "
                "or an optimizer that has it (e.g. 'adam', 'adamw', 'sgd')."
            )

    def _optimizer_kwargs(self):
        params = dict(self.optimizer_params or {})
        if self._optimizer_takes_weight_decay():
            params["weight_decay"] = self.weight_decay
        return params

    def _optimizer_takes_weight_decay(self):
        return "weight_decay" in inspect.signature(self._optimizer_class()).parameters

    def _skorch_verbose(self):
        """skorch prints its per-epoch table from verbose=2 (1 is sklstm's progress line)."""
        return int(self.verbose) - 1 if self.verbose and self.verbose > 1 else 0

    def _use_early_stopping(self, n_samples):
        if self.early_stopping == "auto":
            return n_samples >= AUTO_EARLY_STOPPING_MIN_SAMPLES
        return bool(self.early_stopping)

    def _split_and_callbacks(self, n_samples, epochs=None):
        """``train_split`` and the callbacks (the user's, then ours) for the current params.

        ``epochs``: how many epochs this call trains at most (``max_epochs`` if None), which
        sets the length of a one-cycle schedule. Ours, in the order they act at the end of
        an epoch: the loss guard, gradient clipping (per batch), the best-weights keeper
        (which measures the loss of the whole training set when nothing is held out), the
        learning-rate schedule that reads that loss (or the validation loss), and early
        stopping.
        """
        callbacks = list(self.callbacks or []) + [("finite_loss", FiniteLossGuard())]
        if self.verbose == 1:
            callbacks.append(("progress", EpochProgress()))
        if self.clip_grad_norm is not None:
            callbacks.append(
                ("clip_grad_norm", GradientNormClipping(gradient_clip_value=self.clip_grad_norm))
            )
        early = self._use_early_stopping(n_samples)
        n_valid = int(round(n_samples * self.validation_fraction)) if early else 0
        if early and (n_valid < 1 or n_samples - n_valid < 1):
            raise ValueError(
                f"early_stopping holds out the latest validation_fraction="
                f"{self.validation_fraction} of the samples, which leaves no training or "
                f"no validation sample out of n_samples={n_samples}; pass more samples "
                "or early_stopping=False."
            )
        monitor = "valid_loss" if early else "train_loss"
        if not early and self.restore_best_weights:
            callbacks.append(("best_weights", BestTrainingWeights()))
            monitor = "fit_loss"
        if self.lr_schedule == "plateau":
            # Halve the step when the monitored loss has stalled for a third of the patience:
            # the oscillation of a too-large step settles before early stopping gives up.
            callbacks.append((
                "lr_schedule",
                LRScheduler("ReduceLROnPlateau", monitor=monitor, factor=0.5,
                            patience=max(1, self.patience // 3), min_lr=self.lr / 64),
            ))
        elif self.lr_schedule == "onecycle":
            n_batches = -(-(n_samples - n_valid) // self.batch_size)
            total = (self.max_epochs if epochs is None else epochs) * n_batches
            callbacks.append(("lr_schedule", OneCycleSchedule(self.lr, total)))
        if not early:
            return None, callbacks
        callbacks.append(
            ("early_stopping", LatestEarlyStopping(patience=self.patience,
                                                   load_best=self.restore_best_weights))
        )
        return LatestSplit(self.validation_fraction), callbacks

    def _build_net(self, device, n_samples, epochs=None):
        criterion, criterion_params = self._criterion()
        train_split, callbacks = self._split_and_callbacks(n_samples, epochs)
        return SequenceNet(
            module=self._module_class(),
            criterion=criterion,
            optimizer=self._optimizer_class(),
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=train_split,
            callbacks=callbacks,
            dataset=SequenceData,
            iterator_train=BatchIterator,
            iterator_train__shuffle=True,
            iterator_valid=BatchIterator,
            iterator_valid__eval_elements=EVAL_BATCH_ELEMENTS,
            device=device,
            verbose=self._skorch_verbose(),
            compile=self.compile,
            **{f"optimizer__{k}": v for k, v in self._optimizer_kwargs().items()},
            **{f"criterion__{k}": v for k, v in criterion_params.items()},
            **{f"module__{k}": v for k, v in self._module_params().items()},
            **{f"iterator_train__{k}": v for k, v in self._train_batch_params().items()},
        )

    def _train_batch_params(self):
        """How training batches are drawn beyond shuffling (``BatchIterator`` parameters)."""
        return {}

    def _current_structure(self):
        structure = {"module": self._module_class().__name__, **self._module_params()}
        for name in _STRUCTURE_PARAMS:
            if hasattr(self, name):
                structure[name] = getattr(self, name)
        return structure

    def _check_structure_unchanged(self):
        now, then = self._current_structure(), self._structure
        changed = sorted(k for k in set(now) | set(then) if now.get(k) != then.get(k))
        if changed:
            detail = ", ".join(f"{k}: {then.get(k)!r} -> {now.get(k)!r}" for k in changed)
            raise ValueError(
                f"cannot continue training (warm_start=True or partial_fit) after a change of "
                f"the network's structure ({detail}). Fit a new model with warm_start=False, "
                "or restore the parameters."
            )

    def _refresh_training_params(self, net, n_samples, epochs=None):
        """Give a continued net the current training parameters (lr, epochs, stopping, ...)."""
        net.max_epochs, net.batch_size = self.max_epochs, self.batch_size
        net.verbose = self._skorch_verbose()
        criterion, criterion_params = self._criterion()
        if _signature(criterion, criterion_params) != self._criterion_used:
            for key in [k for k in vars(net) if k.startswith("criterion__")]:
                delattr(net, key)
            for k, v in criterion_params.items():
                setattr(net, f"criterion__{k}", v)
            net.criterion = criterion
            net._initialize_criterion()
            net._initialize_optimizer()
        optimizer_kwargs = self._optimizer_kwargs()
        if self._optimizer_class() is not net.optimizer or optimizer_kwargs != self._optimizer_used:
            for key in [k for k in vars(net) if k.startswith("optimizer__")]:
                delattr(net, key)
            for k, v in optimizer_kwargs.items():
                setattr(net, f"optimizer__{k}", v)
            net.optimizer, net.lr = self._optimizer_class(), self.lr
            self._initialize(net._initialize_optimizer)
        else:
            # Every fit starts at lr (a schedule may have lowered the groups' rate); the
            # virtual parameter updates the optimizer's param groups in place.
            net.set_params(lr=self.lr)
        for k, v in self._train_batch_params().items():
            setattr(net, f"iterator_train__{k}", v)
        train_split, callbacks = self._split_and_callbacks(n_samples, epochs)
        net.train_split = train_split
        # Not set_params(callbacks=...): skorch initialises the *old* list there.
        net.callbacks = callbacks
        net._initialize_callbacks()
        self._criterion_used = _signature(criterion, criterion_params)
        self._optimizer_used = optimizer_kwargs

    # -- validation and prediction ------------------------------------------------------------
    def _validate_X(self, X, reset, allow_nan=False, fixed_timesteps=True):
        """Validated X as a 3-D ``(n_samples, n_timesteps, n_features)`` view."""
        return as_3d(
            validate_sequences(
                self,
                X,
                reset=reset,
                allow_nan=allow_nan,
                fixed_timesteps=fixed_timesteps,
                in_float32_range=True,
            )
        )

    def _threads(self):
        """Torch threads for this fit/predict (None: leave the caller's setting).

        "auto": one thread on the CPU. The recurrent networks sklstm trains are small and
        latency-bound: a second thread gains little on a quiet machine (see
        docs/benchmarks.md), and when another process uses the cores, threads that wait for
        each other spin and a fit can run ten times slower. One thread also keeps results
        identical whatever the number of parallel jobs. Worker processes of joblib, Dask
        and Ray then need no setting of their own.
        """
        threads = getattr(self, "torch_threads", "auto")
        if threads != "auto":
            return threads
        net = getattr(self, "net_", None)
        device = net.device if net is not None else self.device
        if device == "auto":
            device = resolve_device("auto")
        return 1 if str(device).startswith("cpu") else None

    def _forward(self, X3, lengths=None, view=None):
        """Module outputs for validated windows, in large batches, without autograd.

        ``view(Xb, lengths_b) -> (Xb, lengths_b)``, if given, changes each scaled block
        before the network reads it (the classifier's prediction-time crops).
        """
        with torch_threads(self._threads()):
            return self._forward_blocks(X3, lengths, view)

    def _forward_blocks(self, X3, lengths, view=None):
        module, device = self.net_.module_, self.net_.device
        module.eval()
        n = X3.shape[0]
        size = max(PREDICT_ROW_BLOCK, EVAL_BATCH_ELEMENTS // max(1, int(np.prod(X3.shape[1:]))))
        size -= size % PREDICT_ROW_BLOCK
        lengths = None if lengths is None else torch.as_tensor(lengths)
        outputs = []
        with torch.inference_mode():
            for start in range(0, n, size):
                xb = to_device_tensor(self.scaling_.transform(X3[start : start + size]), device)
                lb = None if lengths is None else lengths[start : start + size].to(device)
                if view is not None:
                    xb, lb = view(xb, lb)
                rows = xb.shape[0]
                extra = -rows % PREDICT_ROW_BLOCK
                if extra:
                    # BLAS rounds rows of a partial block (and lone rows) differently in the
                    # last bit; zero rows up to whole blocks keep a window's prediction the
                    # same whether it is predicted alone or among others.
                    xb = torch.cat([xb, xb.new_zeros((extra,) + xb.shape[1:])])
                    if lb is not None:
                        lb = torch.cat([lb, lb.new_full((extra,), xb.shape[1])])
                out = module(xb) if lb is None else module(xb, lengths=lb)
                outputs.append(out[:rows].float().cpu().numpy())
        return np.concatenate(outputs, axis=0).astype(np.float64)

    def _check_fitted(self):
        check_is_fitted(self, "net_")

    # What to_onnx exports: "forecaster" (outputs in y's units) or "classifier" (probabilities).
    _onnx_kind = "forecaster"

    def to_onnx(self, path):
        """Export the fitted model as an ONNX graph (serve it with onnxruntime, no PyTorch).

        The graph takes float32 windows ``(batch, n_timesteps, n_features)`` named "X" (any
        batch size) and holds the whole prediction: input scaling (computed in float64 as in
        :meth:`predict`), the network, and the outputs in the user's units — forecasts of
        shape ``(batch, horizon)``, or the classifier's probabilities ``(batch, n_classes)``
        in the order of ``classes_`` (sequences of any length, without NaN padding). The
        labels, horizon and window length are stored in the model's metadata. Needs the
        ``onnx`` package (the ``onnx`` extra).

        Parameters
        ----------
        path : str or path-like
            The ``.onnx`` file to write.
        """
        from ._export import export_onnx

        export_onnx(self, path, self._onnx_kind, dynamic_time=self._onnx_kind == "classifier")

    def save(self, path):
        """Write the fitted model to ``path`` without pickle (load it with :func:`sklstm.load`).

        Parameters are stored as JSON, fitted arrays as plain arrays and the weights as
        tensors; loading never unpickles arbitrary objects and needs no GPU. Parameters that
        are objects (callbacks, a loss instance) cannot be stored this way: pickle such a
        model instead.

        Parameters
        ----------
        path : str or path-like
            The file to write (conventionally ``.sklstm``).
        """
        from .persistence import save

        save(self, path)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _signature(criterion, params):
    """A comparable description of a criterion and its parameters (tensors as lists)."""
    return criterion, {k: v.tolist() if isinstance(v, torch.Tensor) else v for k, v in params.items()}


def _history_frame(history):
    """skorch's per-epoch history as a DataFrame (batch-level entries left out)."""
    rows = [{k: v for k, v in epoch.items() if k != "batches"} for epoch in history]
    frame = pd.DataFrame(rows)
    return frame.set_index("epoch") if "epoch" in frame else frame
