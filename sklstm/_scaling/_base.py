"""The ``Scaling`` abstraction every scaling implements, its registry and shared arithmetic.

A scaling maps samples between the user's units and the network's frame. Statistics are
computed and applied in float64 and only the result is cast to float32, so an offset such as
``1e8 + sin(t)`` keeps its variation (a float32 cast first would flatten it). The same object
scales training batches, validation batches and prediction blocks, and maps predictions back,
so no other module does arithmetic on the user's units.

What a scaling is (one class, one module of this package; it registers itself by ``kind``):

- ``fit(X3, y, **options)`` (classmethod) -> a fitted instance;
  ``fit_for(estimator, X3, y, choice)`` fits it from an estimator's parameters;
- ``transform(X_rows)``, ``prepare(X_rows, y_rows)``, ``encode_target(y_rows, X_rows)``,
  ``decode(outputs, X_rows)``, ``n_channels(n_features)``;
- ``get_state()`` / ``from_state(state)``: what a model file stores (plain values, arrays and
  nested scalings only; ``persistence`` writes them by ``kind``);
- ``torch_form()``: the same arithmetic as a torch module for the ONNX graph (``_export``
  chains ``encode`` -> network -> ``decode``);
- ``choices``: the values of an estimator's ``scaling`` parameter that select it, per role
  ("forecaster", "classifier"), with their documentation; ``examples``: estimator settings
  that reach it (the registry test fits, saves, loads and exports each).
"""

import inspect
import warnings

import numpy as np
import torch

from .._lazy_windows import covered_blocks, is_lazy, take_rows
from .._value_checks import covering_views

# Rows scaled at a time: bounds the float64 temporaries of large inputs.
_CHUNK_ELEMENTS = 2**22

SCALINGS = {}


class Scaling:
    """Base class of the scalings (see the module's documentation)."""

    kind = None  # the registered name
    # {role: {choice: documentation}}: the estimator parameter values that select this class.
    choices = {}
    # [(estimator class name, {params})]: settings of an estimator that use this scaling.
    examples = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("kind"):
            if cls.kind in SCALINGS and SCALINGS[cls.kind] is not cls:
                raise ValueError(f"two scalings are registered as {cls.kind!r}")
            SCALINGS[cls.kind] = cls

    @classmethod
    def fit(cls, X3, y=None, **options):
        raise NotImplementedError

    @classmethod
    def fit_for(cls, estimator, X3, y, choice):
        """Fit as ``estimator`` (its parameters) with ``scaling=choice`` asks."""
        raise NotImplementedError

    def transform(self, X_rows):
        """Samples in the network's frame, float32, contiguous (a new array)."""
        raise NotImplementedError

    def encode_target(self, y_rows, X_rows=None):
        """Targets in the network's frame, float32, shape (n, horizon)."""
        raise NotImplementedError

    def decode(self, outputs, X_rows=None):
        """Network outputs (n, horizon) back in the user's units, float64."""
        raise NotImplementedError

    def prepare(self, X_rows, y_rows):
        """Samples and targets in the network's frame (float32)."""
        return self.transform(X_rows), self.encode_target(y_rows, X_rows)

    def n_channels(self, n_features):
        """Features per step the network reads, for ``n_features`` input features."""
        return n_features

    def get_state(self):
        """What a model file stores: the instance's attributes (values, arrays, scalings)."""
        return dict(vars(self))

    @classmethod
    def from_state(cls, state):
        scaling = cls.__new__(cls)
        scaling.__dict__.update(state)
        return scaling

    def torch_form(self):
        """A :class:`TorchScaling` doing this arithmetic in float64 torch."""
        raise NotImplementedError(
            f"the {self.kind!r} scaling has no torch form, so a model using it cannot be "
            "exported to ONNX."
        )


class InnerScaling(Scaling):
    """A transform of the target feature (and the targets) before another scaling, ``inner``.

    Subclasses give ``_forward_X(X_rows) -> (Xt, context)`` (transformed float64 windows and
    what each window's way back needs), ``_forward_y(y_rows, context)`` and
    ``_backward(values, context)`` (inner-decoded outputs -> the user's units); the passes
    through ``inner`` are written here once.
    """

    def _fit_inner(self, X3, y, fit_inner, max_windows):
        """Fit ``inner = fit_inner(Xt, yt)`` on transformed windows (at most ``max_windows``,
        evenly spread)."""
        rows = np.arange(len(X3))
        if len(X3) > max_windows:
            rows = np.linspace(0, len(X3) - 1, max_windows).astype(int)
        Xt, context = self._forward_X(take_rows(X3, rows))
        self.inner = fit_inner(Xt, self._forward_y(take_rows(y, rows), context))
        return self

    def n_channels(self, n_features):
        return self.inner.n_channels(n_features)

    def prepare(self, X_rows, y_rows):
        Xt, context = self._forward_X(X_rows)
        return self.inner.prepare(Xt, self._forward_y(y_rows, context))

    def transform(self, X_rows):
        return self.inner.transform(self._forward_X(X_rows)[0])

    def encode_target(self, y_rows, X_rows=None):
        Xt, context = self._forward_X(X_rows)
        return self.inner.encode_target(self._forward_y(y_rows, context), Xt)

    def decode(self, outputs, X_rows=None):
        Xt, context = self._forward_X(X_rows)
        return self._backward(self.inner.decode(outputs, Xt), context)


class TorchScaling(torch.nn.Module):
    """A scaling inside an ONNX graph: ``encode(x) -> (scaled, context)``,
    ``decode(outputs, context) -> outputs in the user's units`` (float64 tensors)."""

    def encode(self, x):
        raise NotImplementedError

    def decode(self, out, context):
        raise NotImplementedError


def as64(value):
    return torch.as_tensor(np.asarray(value, dtype=np.float64))


def scaling_choices(role):
    """``{choice: Scaling class}`` of the registered scalings for an estimator role."""
    return {choice: cls for cls in SCALINGS.values() for choice in cls.choices.get(role, {})}


def scaling_doc(role):
    """The documentation of every choice of ``scaling`` for ``role``, one paragraph each."""
    return "\n".join(f'"{choice}": {inspect.cleandoc(doc)}' for cls in SCALINGS.values()
                     for choice, doc in cls.choices.get(role, {}).items())


# -- shared arithmetic -----------------------------------------------------------------------
def chunks(X):
    step_elements = max(1, int(np.prod(X.shape[1:])))
    rows = max(1, _CHUNK_ELEMENTS // step_elements)
    for start in range(0, X.shape[0], rows):
        yield X[start : start + rows]


def row_chunks(X):
    start = 0
    for chunk in chunks(X):
        yield start, chunk
        start += len(chunk)


def _value_blocks(X3, overlapping):
    """Blocks (n_values, n_features) of float64 that together hold the values of X3."""
    n_features = X3.shape[-1]
    if is_lazy(X3):  # the buffer rows the windows use, each once, or every window's steps
        parts = covered_blocks(X3) if overlapping else chunks(X3)
        for part in parts:
            yield np.asarray(part, dtype=np.float64).reshape(-1, n_features)
        return
    for part in covering_views(X3) if overlapping else [X3]:
        if part.ndim == 2:
            yield part.astype(np.float64)
            continue
        for chunk in chunks(part):
            yield chunk.reshape(-1, n_features).astype(np.float64)


def feature_statistics(X3, *, overlapping):
    """Per-feature mean and standard deviation (float64) of every value X3 holds, NaN ignored.

    ``overlapping``: X3 is cut from one series (forecasting windows), so each value is counted
    once however the windows overlap (any stride); otherwise every step of every sequence.
    Two passes over blocks: exact in float64 and never a copy of the whole input.
    """
    n_features = X3.shape[-1]
    count, total = np.zeros(n_features), np.zeros(n_features)
    for values in _value_blocks(X3, overlapping):
        observed = ~np.isnan(values)
        count += observed.sum(axis=0)
        total += np.where(observed, values, 0.0).sum(axis=0)
    mean = np.divide(total, count, out=np.zeros(n_features), where=count > 0)
    squares = np.zeros(n_features)
    for values in _value_blocks(X3, overlapping):
        squares += np.nansum((values - mean) ** 2, axis=0)
    std = np.sqrt(np.divide(squares, count, out=np.zeros(n_features), where=count > 0))
    scale = np.where(np.isfinite(std) & (std > 0), std, 1.0)
    return mean, scale


def sequence_deviation(values):
    """Standard deviation of each sequence and feature over its observed steps: (n, f)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
        return np.nanstd(values.astype(np.float64, copy=False), axis=1)
