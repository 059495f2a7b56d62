"""The skorch net the estimators own, and the fast data path plugged into it.

skorch's defaults feed batches through a ``DataLoader`` that fetches and collates every sample
in Python, and validate on the *oldest* fifth of unshuffled rows. For small recurrent models the
collation dominates the epoch. Here the data path is given to an ordinary skorch ``NeuralNet``
through its own parameters: the training data is a :class:`SequenceData` (a torch ``Dataset``
that skorch passes through untouched), ``iterator_train``/``iterator_valid`` are
:class:`BatchIterator` (batches sliced from one tensor already on the device, or gathered from
the strided view when the windows are too large to materialise), and ``train_split`` is
:class:`LatestSplit` (the latest rows validate).
"""

import contextlib
import copy
import functools

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.utils import TeeGenerator

from ._callbacks import StopTraining
from ._lazy_windows import dense, is_lazy

# Windows up to this size (as float32) are prepared once onto the device; larger inputs stay a
# strided numpy view and each batch is prepared on its own.
MAX_PRELOAD_BYTES = 256 * 2**20
# Callback events of every batch: sent only to the callbacks that handle them.
PER_BATCH_EVENTS = ("on_batch_begin", "on_batch_end", "on_grad_computed")
# Validation and prediction batches: large enough that per-batch overhead vanishes. Counted
# in per-step values of the widest of the input and the recurrent layer's output (which is
# what a batch's activations hold: 64 hidden units on 6 input channels are 10x the input).
EVAL_BATCH_ELEMENTS = 2**22


def step_width(module, n_features):
    """Values per time step that an evaluation batch holds: the wider of the input and the
    recurrent encoder's output (its hidden size times its directions)."""
    encoder = getattr(module, "encoder", None)
    hidden = getattr(encoder, "hidden_size", 0) or 0
    directions = 2 if getattr(encoder, "bidirectional", False) else 1
    return max(int(n_features), int(hidden) * directions)
# The early-stopping loss (and the best-weights check) is measured on at most this many rows,
# evenly spread over the held-out rows: an estimate as steady as the whole set's at a fraction
# of its cost when hundreds of thousands of windows are held out (M4 hourly: 29,000).
MAX_EVAL_ROWS = 8192


def to_device_tensor(array, device, dtype=torch.float32):
    """Copy a (possibly strided) numpy array into a contiguous tensor on ``device``."""
    np_dtype = np.float32 if dtype == torch.float32 else None
    array = np.ascontiguousarray(array, dtype=np_dtype)
    if not array.flags.writeable:
        # torch cannot share read-only memory (windows of make_sequences are read-only).
        array = array.copy()
    return torch.from_numpy(array).to(device=device, dtype=dtype)


# The estimators' ``precision``: the autocast dtype of the forward passes (None: float32).
AUTOCAST_DTYPES = {"float32": None, "bfloat16": torch.bfloat16}


def autocast(net):
    """The mixed-precision context of ``net.precision`` on the net's device (a no-op for
    float32)."""
    dtype = AUTOCAST_DTYPES[net.precision]
    if dtype is None:
        return contextlib.nullcontext()
    kind = torch.device(net.device).type
    if kind == "cpu" and not cpu_runs_bfloat16_lstm():
        # oneDNN builds bfloat16 LSTMs only on CPUs with AVX-512 (on AVX2 it raises "could
        # not create a primitive descriptor"): there the recurrent layers run torch's own
        # float32 kernels and the dense and convolutional layers still run in bfloat16.
        context = contextlib.ExitStack()
        context.enter_context(torch.backends.mkldnn.flags(enabled=False))
        context.enter_context(torch.autocast(kind, dtype=dtype))
        return context
    return torch.autocast(kind, dtype=dtype)


@functools.lru_cache(maxsize=1)
def cpu_runs_bfloat16_lstm():
    """Whether this CPU runs an LSTM under bfloat16 autocast (probed once per process)."""
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            torch.nn.LSTM(1, 1)(torch.zeros(1, 1, 1))
    except RuntimeError:
        return False
    return True


def compact_recurrent_weights(module):
    """Lay each recurrent layer's weights out in cuDNN's single block again.

    A module copied or unpickled (the state kept for an interrupted refit, a model returned
    by a data-parallel worker) holds them apart, and cuDNN then copies them together at
    every call (torch warns). A no-op on the CPU and when they already are one block.
    """
    for layer in module.modules():
        if isinstance(layer, torch.nn.RNNBase):
            layer.flatten_parameters()


class SequenceData(torch.utils.data.Dataset):
    """Rows ``[start, stop)`` of the training data: windows, targets and optional lengths.

    ``prepare(X_rows, y_rows) -> (X_float32, y)`` puts raw rows in the network's frame (the
    estimator's scaling). Data that fits in ``MAX_PRELOAD_BYTES`` is prepared once into tensors
    on ``device``; larger data stays a numpy view and each batch is prepared when it is drawn.
    Subsets share the arrays, so splitting copies nothing.
    """

    def __init__(self, X, y=None, lengths=None, *, prepare=None, device="cpu",
                 y_dtype=torch.float32):
        if y is None:  # skorch's predict/forward pass X alone: a placeholder target
            y = np.zeros(len(X), dtype=np.float32)
        self.device, self.y_dtype = device, y_dtype
        self.start, self.stop = 0, len(y)
        self.lengths = None if lengths is None else torch.as_tensor(lengths).to(device)
        n_bytes = X.shape[0] * int(np.prod(X.shape[1:])) * 4
        # Lazy windows were asked for to keep memory to the series': never preloaded.
        if not is_lazy(X) and (prepare is None or n_bytes <= MAX_PRELOAD_BYTES):
            X_ready, y_ready = (X, y) if prepare is None else prepare(X, y)
            self.X = to_device_tensor(X_ready, device)
            self.y = torch.as_tensor(np.asarray(y_ready)).to(device=device, dtype=y_dtype)
            self.prepare = None
        else:
            self.X, self.y, self.prepare = X, y, prepare

    def rows(self, start, stop):
        subset = object.__new__(SequenceData)
        subset.__dict__.update(self.__dict__)
        subset.start, subset.stop = self.start + start, self.start + stop
        return subset

    def __len__(self):
        return self.stop - self.start

    def __getitem__(self, i):
        Xb, yb = self.batch(torch.as_tensor([self.start + i]))
        first = (lambda v: {k: t[0] for k, t in v.items()}) if isinstance(Xb, dict) else (
            lambda v: v[0])
        return first(Xb), yb[0]

    def batch(self, index):
        """Inputs and targets for ``index`` (a slice or a 1-D tensor of absolute row numbers)."""
        if self.prepare is None:
            Xb, yb = self.X[index], self.y[index]
        else:
            rows = index if isinstance(index, slice) else index.cpu().numpy()
            X_ready, y_ready = self.prepare(dense(self.X[rows]), dense(self.y[rows]))
            Xb = to_device_tensor(X_ready, self.device)
            yb = torch.as_tensor(np.asarray(y_ready)).to(device=self.device, dtype=self.y_dtype)
        if self.lengths is None:
            return Xb, yb
        return {"X": Xb, "lengths": self.lengths[index]}, yb


class BatchIterator:
    """skorch iterator over a :class:`SequenceData`: a new shuffle order on every pass if asked.

    Parameters (skorch routes them as ``iterator_train__*`` / ``iterator_valid__*``):
    ``batch_size``; ``shuffle``; ``seed`` of the shuffling generator; ``eval_elements``:
    enlarge batches to about this many input elements (for validation, where batch size does
    not change the result); ``augment``: None, or ``augment(Xb, yb, generator) -> (Xb, yb)``
    applied to every shuffled batch (the classifier's random crops, ``_augment``);
    ``samples_per_epoch``: None, or a pass (an epoch) draws only this many rows: the next ones
    of a shuffled order that carries over from pass to pass, so that every row is drawn once
    before any is drawn twice (skorch builds the training iterator once per fit);
    ``max_rows`` (unshuffled passes): None, or visit at most this many rows, evenly spread;
    ``hidden_width``: the recurrent layer's output width, which ``eval_elements`` counts
    when it is wider than the input.
    """

    def __init__(self, dataset, batch_size, shuffle=False, seed=0, eval_elements=None,
                 augment=None, crop_fraction=None, samples_per_epoch=None, max_rows=None,
                 hidden_width=0):
        self.dataset = dataset
        if eval_elements:
            shape = dataset.X.shape
            width = max(int(np.prod(shape[2:])), int(hidden_width))
            step_elements = max(1, shape[1] * width)
            batch_size = max(batch_size, eval_elements // step_elements)
        self.batch_size = batch_size
        self.generator = torch.Generator().manual_seed(int(seed)) if shuffle else None
        n = len(dataset)
        self.per_pass = n if not samples_per_epoch else min(n, int(samples_per_epoch))
        self.max_rows = max_rows if max_rows and max_rows < n else None
        self._order, self._cursor = None, 0
        if crop_fraction is not None and crop_fraction < 1 and augment is None:
            # A classifier pickled before augment= existed keeps this setting in its net.
            from ._augment import RandomCrops

            augment = RandomCrops(crop_fraction)
        self.augment = augment

    def __len__(self):
        rows = self.per_pass if self.generator is not None else (
            self.max_rows or len(self.dataset))
        return -(-rows // self.batch_size)

    def __iter__(self):
        data = self.dataset
        n, start, size = len(data), data.start, self.batch_size
        if self.generator is None:
            if self.max_rows:
                rows = torch.as_tensor(np.linspace(0, n - 1, self.max_rows).round()
                                       .astype(np.int64)) + start
                for i in range(0, len(rows), size):
                    yield data.batch(rows[i : i + size])
                return
            for i in range(0, n, size):
                yield data.batch(slice(start + i, start + min(i + size, n)))
            return
        for i in range(0, self.per_pass, size):
            batch = data.batch(self._next_rows(min(size, self.per_pass - i)))
            if self.augment is not None:
                batch = self.augment(*batch, self.generator)
            yield batch

    def _next_rows(self, count):
        """The next ``count`` rows of the shuffled order (a new order when it runs out)."""
        taken = []
        while count:
            if self._order is None or self._cursor == len(self._order):
                data = self.dataset
                order = torch.randperm(len(data), generator=self.generator)
                order += data.start  # in place: for 50M windows each copy costs 400 MB
                if isinstance(data.X, torch.Tensor):
                    order = order.to(data.X.device)
                self._order, self._cursor = order, 0
            part = self._order[self._cursor : self._cursor + count]
            self._cursor += len(part)
            count -= len(part)
            taken.append(part)
        return taken[0] if len(taken) == 1 else torch.cat(taken)


class LatestSplit:
    """skorch ``train_split`` holding out the latest ``n_valid`` of the (time-ordered) rows
    (``_holdout`` counts them)."""

    def __init__(self, n_valid):
        self.n_valid = n_valid

    def __call__(self, dataset, y=None, **fit_params):
        n = len(dataset)
        n_valid = min(int(self.n_valid), n)
        return dataset.rows(0, n - n_valid), dataset.rows(n - n_valid, n)


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` that lets KeyboardInterrupt through and skips redundant mode sets.

    skorch's ``partial_fit`` swallows KeyboardInterrupt and returns a half-trained net as if
    training had finished; a grid search would then go on to score it. Here Ctrl-C stops the
    fit (and whatever called it); the estimator restores its previous state. Early stopping
    ends training with :class:`StopTraining` instead.
    """

    # Set by _netbuild from the estimator's ``precision`` (not a skorch parameter).
    precision = "float32"

    # skorch pickles these attributes' tensors so that they load on another device (a CUDA
    # model on a machine without one). The callbacks hold tensors too (the best weights, the
    # schedule's optimizer), so they go with them, in the same stream: the schedule then
    # still steps the net's own optimizer after unpickling.
    cuda_dependent_attributes_ = NeuralNet.cuda_dependent_attributes_ + [
        "callbacks", "_listeners_cache"]

    def __deepcopy__(self, memo):
        # A copy in memory (the state a refit restores when interrupted) copies the
        # attributes themselves: skorch's pickling route would refuse callbacks that can
        # be copied but not pickled (a class defined in a function), and it is slower.
        copied = type(self).__new__(type(self))
        memo[id(self)] = copied
        for name, value in self.__dict__.items():
            copied.__dict__[name] = copy.deepcopy(value, memo)
        return copied

    def __setstate__(self, state):
        super().__setstate__(state)
        # skorch leaves a torch.device here when the saved device is missing on this machine
        # (a CUDA model unpickled on a CPU one); sklstm reads the device as a string.
        self.device = str(self.device)

    def infer(self, x, **fit_params):
        # Training, validation and the best-weights pass all call infer: under autocast for
        # mixed precision. Losses are computed in float32 whatever the forward ran in
        # (``float()`` returns a float32 output itself).
        with autocast(self):
            output = super().infer(x, **fit_params)
        return output.float()

    def _set_training(self, training=True):
        # skorch sets the mode before every batch, and module.train() walks every submodule
        # (about a tenth of a small LSTM's step on the CPU); switch only when it changes.
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    # A small recurrent net's step takes well under a millisecond on the CPU, so skorch's
    # bookkeeping around it shows: these keep what skorch does and drop what it repeats.
    def train_step(self, batch, **fit_params):
        # skorch hands the optimizer a closure and collects the step in an accumulator, for
        # optimizers that re-evaluate the loss (LBFGS); the others step once, directly.
        if isinstance(self.optimizer_, torch.optim.LBFGS):
            return super().train_step(batch, **fit_params)
        self._zero_grad_optimizer()
        step = self.train_step_single(batch, **fit_params)
        if self._listeners("on_grad_computed"):  # gradient clipping
            self.notify("on_grad_computed",
                        named_parameters=TeeGenerator(self.get_all_learnable_params()),
                        batch=batch, training=True)
        self._step_optimizer(None)
        return step

    def notify(self, method_name, **cb_kwargs):
        # Per-batch events go only to the callbacks that handle them (skorch calls every
        # callback's mostly empty method three times a batch).
        if method_name not in PER_BATCH_EVENTS:
            return super().notify(method_name, **cb_kwargs)
        getattr(self, method_name)(self, **cb_kwargs)
        for callback in self._listeners(method_name):
            getattr(callback, method_name)(self, **cb_kwargs)

    def _listeners(self, event):
        """The callbacks whose ``event`` method is not the no-op of skorch's ``Callback``."""
        cache = self.__dict__.get("_listeners_cache")
        if cache is None or cache[0] is not self.callbacks_:
            handles = {
                e: [cb for _, cb in self.callbacks_
                    if e in vars(cb) or getattr(type(cb), e, None) is not getattr(Callback, e)]
                for e in PER_BATCH_EVENTS
            }
            cache = self._listeners_cache = (self.callbacks_, handles)
        return cache[1][event]

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        # skorch's loop, with the batch size read from the targets (skorch's get_len
        # inspects the inputs' structure on every batch).
        if iterator is None:
            return
        history, batch_count = self.history, 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            history.record_batch(prefix + "_loss", step["loss"].item())
            history.record_batch(prefix + "_batch_size", len(batch[1]))
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        history.record(prefix + "_batch_count", batch_count)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        if not self.initialized_:
            self.initialize()
        compact_recurrent_weights(self.module_)
        fit_params.pop("_routing_method", None)
        self.notify("on_train_begin", X=X, y=y)
        try:
            self.fit_loop(X, y, _routing_method="partial_fit", **fit_params)
        except StopTraining:
            pass
        self.notify("on_train_end", X=X, y=y)
        return self
