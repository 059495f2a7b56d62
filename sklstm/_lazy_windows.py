"""``LazyWindows``: a panel's windows (or targets) cut on demand from one buffer of its series.

A panel's windows cannot be one strided view (each series is its own array, and the windows
come in time order across series), so ``make_sequences`` copies them: ``window_length`` times
the panel's values, and more with the series-state channels. ``make_sequences(..., lazy=True)``
keeps instead one buffer of the series' values (the panel's size) and, per window, the row it
starts at; a window exists only while a batch holds it.

What stays lazy: slices (``X[a:b]``, how training and held-out windows are split), ``len``,
``shape`` and the attributes the estimators read. What gathers: integer or boolean indexing
(a batch, a sample of windows) gives an ordinary array of just those rows; anything else numpy
does with the object (``np.asarray``, ufuncs, ``np.concatenate``, ...) gathers all rows first,
so every consumer is correct, and the engine's training and prediction paths take rows in
batches so that they never hold more than a batch.
"""

import numbers

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from ._window_array import WindowArray

# Rows gathered at a time when a whole LazyWindows is materialised (bounds the index array).
_GATHER_ROWS = 65_536


class LazyWindows(NDArrayOperatorsMixin):
    """Rows ``values[s : s + length]`` for each start ``s``: windows (``column=None``, shape
    ``(n, length, n_features)``) or one column of them (targets: ``(n, length)``, or ``(n,)``
    when ``squeeze`` and ``length == 1``).

    ``values`` is shared, never copied or written; the windows carry ``make_sequences``'
    attributes (``feature_names``, ``target_position``, ``state_season``, ``n_series``).
    """

    feature_names = None
    target_position = None
    state_season = None
    n_series = None

    def __init__(self, values, starts, length, column=None, *, squeeze=False, offset=0):
        values = np.asarray(values)
        if values.flags.writeable:
            values = values.view()
            values.flags.writeable = False
        self.values = values
        self.starts = np.asarray(starts, dtype=np.intp)
        self.length = int(length)
        self.column = column
        self.squeeze = bool(squeeze)
        self.offset = int(offset)  # rows start at ``start + offset`` (targets after windows)

    # -- what an ndarray answers without data ---------------------------------------------
    @property
    def shape(self):
        n = len(self.starts)
        if self.column is None:
            return (n, self.length, self.values.shape[1])
        return (n,) if self.squeeze and self.length == 1 else (n, self.length)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def size(self):
        return int(np.prod(self.shape))

    @property
    def nbytes(self):
        """Bytes the rows would take gathered (as ``ndarray.nbytes``)."""
        return self.size * self.values.itemsize

    def __len__(self):
        return len(self.starts)

    def __repr__(self):
        kind = "windows" if self.column is None else "targets"
        return f"LazyWindows({kind}, shape={self.shape}, buffer={self.values.shape})"

    # -- indexing -------------------------------------------------------------------------
    def _with_starts(self, starts):
        lazy = object.__new__(type(self))
        lazy.__dict__.update(self.__dict__)
        lazy.starts = starts
        return lazy

    def __getitem__(self, key):
        if isinstance(key, tuple):
            if not key:
                return self.materialize()
            head = self[key[0]]
            if isinstance(head, LazyWindows):
                head = head.materialize()
            rest = key[1:]
            # Indexed as a WindowArray: the windows' attributes survive X[rows, ...].
            if isinstance(key[0], numbers.Integral):
                return head[rest]
            return head[(slice(None),) + rest]
        if isinstance(key, slice):
            return self._with_starts(self.starts[key])
        if isinstance(key, numbers.Integral):
            return self._gather(self.starts[[int(key)]])[0]
        if key is Ellipsis:
            return self.materialize()
        return self._gather(self.starts[np.asarray(key)])

    def reshape(self, *shape):
        """``reshape(len(self), -1)`` (what the forecasters do to targets) stays lazy."""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        if self.column is not None and len(shape) == 2 and shape[0] in (len(self), -1) \
                and shape[1] in (self.length, -1):
            lazy = self._with_starts(self.starts)
            lazy.squeeze = False
            return lazy
        return self.materialize().reshape(shape)

    # -- gathering ------------------------------------------------------------------------
    def _gather(self, starts):
        offsets = np.arange(self.length)
        if self.column is None:
            out = np.empty((len(starts), self.length, self.values.shape[1]), self.dtype)
        else:
            out = np.empty((len(starts), self.length), self.dtype)
        for begin in range(0, len(starts), _GATHER_ROWS):
            rows = starts[begin : begin + _GATHER_ROWS, None] + (offsets + self.offset)
            part = self.values[rows] if self.column is None else self.values[rows, self.column]
            out[begin : begin + len(rows)] = part
        if self.column is not None:
            return out[:, 0] if self.squeeze and self.length == 1 else out
        out = out.view(WindowArray)
        out.feature_names, out.target_position = self.feature_names, self.target_position
        out.state_season, out.n_series = self.state_season, self.n_series
        return out

    def materialize(self):
        """All rows as an ordinary array (a ``WindowArray`` for windows)."""
        return self._gather(self.starts)

    def __array__(self, dtype=None, copy=None):
        out = np.asarray(self.materialize())
        return out if dtype is None else out.astype(dtype, copy=False)

    def __getattr__(self, name):
        # Any other ndarray attribute (astype, strides, sum, T, ...) answers for the gathered
        # rows: correct for every consumer; the engine's own paths never get here.
        if name.startswith("_") or name in ("values", "starts", "length", "column", "squeeze",
                                            "offset") or not hasattr(np.ndarray, name):
            # Probes for other types (``hasattr(X, "iloc")``) must not gather anything.
            raise AttributeError(name)
        return getattr(self.materialize(), name)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(np.asarray(x) if isinstance(x, LazyWindows) else x for x in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return func(*_dense(args), **_dense(kwargs))

    def __reduce__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in ("values", "starts")}
        # (a read-only view pickles as its own data; X and y of one panel share the object)
        return (_rebuild, (self.values, self.starts, self.length, self.column,
                           self.squeeze, state))


def _rebuild(values, starts, length, column, squeeze, state):
    lazy = LazyWindows(values, starts, length, column, squeeze=squeeze)  # offset: in state
    lazy.__dict__.update(state)
    return lazy


def _dense(value):
    if isinstance(value, LazyWindows):
        return np.asarray(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_dense(v) for v in value)
    if isinstance(value, dict):
        return {k: _dense(v) for k, v in value.items()}
    return value


def is_lazy(X):
    return isinstance(X, LazyWindows)


def dense(X):
    """X as an ndarray-like: lazy windows gathered, anything else unchanged."""
    return X.materialize() if isinstance(X, LazyWindows) else X


def buffer_bytes(*arrays):
    """Bytes held by lazy windows and targets together (shared buffers counted once)."""
    seen, total = set(), 0
    for a in arrays:
        if isinstance(a, LazyWindows):
            buffer = a.values if a.values.base is None else a.values.base
            if id(buffer) not in seen:
                seen.add(id(buffer))
                total += a.values.nbytes
            total += a.starts.nbytes
        else:
            total += np.asarray(a).nbytes
    return total


def covered_blocks(X, rows=_GATHER_ROWS):
    """The buffer values that ``X``'s rows use, each once, in blocks of at most ``rows``
    buffer rows (what validating or summarising X must read, without a copy of it all)."""
    T = len(X.values)
    edges = np.zeros(T + 1, dtype=np.int64)
    np.add.at(edges, X.starts + X.offset, 1)
    np.add.at(edges, np.minimum(X.starts + X.offset + X.length, T), -1)
    used = np.cumsum(edges[:-1]) > 0
    for begin in range(0, T, rows):
        mask = used[begin : begin + rows]
        if mask.any():
            block = X.values[begin : begin + rows]
            yield block[mask] if X.column is None else block[mask, X.column]


def take_rows(a, rows):
    """``a[rows]`` as an ndarray (lazy windows gather only those rows)."""
    return a[rows] if isinstance(a, LazyWindows) else np.asarray(a)[rows]
