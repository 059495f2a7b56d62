"""The skorch net the estimators own, with a fast data path.

skorch's defaults feed batches through a ``DataLoader`` that fetches and collates every sample
in Python, and validate on the *oldest* fifth of unshuffled rows. For small recurrent models the
collation dominates the epoch. Here the net keeps skorch's training loop, callbacks and history,
but batches are sliced from one tensor already on the device (or, when the windows would be too
large to materialise, gathered batch by batch from the strided view), and the validation rows
are the latest ones.
"""

import numpy as np
import torch
from skorch import NeuralNet

# Windows up to this size (as float32) are copied once onto the device; larger inputs stay a
# strided numpy view and each batch is gathered on its own.
MAX_PRELOAD_BYTES = 256 * 2**20
# Validation and prediction batches: large enough that per-batch overhead vanishes.
EVAL_BATCH_ELEMENTS = 2**22


def to_device_tensor(array, device, dtype=torch.float32):
    """Copy a (possibly strided) numpy array into a contiguous tensor on ``device``."""
    np_dtype = np.float32 if dtype == torch.float32 else None
    array = np.ascontiguousarray(array, dtype=np_dtype)
    if not array.flags.writeable:
        # torch cannot share read-only memory (windows of make_sequences are read-only).
        array = array.copy()
    return torch.from_numpy(array).to(device=device, dtype=dtype)


class SequenceData:
    """Rows ``[start, stop)`` of the training data: windows, targets and optional lengths.

    ``X`` is a tensor on the device or a 3-D numpy view; ``y`` and ``lengths`` are tensors on
    the device. Subsets share the arrays, so splitting copies nothing.
    """

    def __init__(self, X, y, lengths=None, start=0, stop=None):
        self.X, self.y, self.lengths = X, y, lengths
        self.start = start
        self.stop = len(y) if stop is None else stop

    def __len__(self):
        return self.stop - self.start

    def rows(self, start, stop):
        return SequenceData(self.X, self.y, self.lengths, self.start + start, self.start + stop)

    def batch(self, index, device):
        """Inputs and targets for ``index`` (a slice or a 1-D tensor of row numbers)."""
        if isinstance(self.X, torch.Tensor):
            Xb = self.X[index]
        else:
            rows = index if isinstance(index, slice) else index.cpu().numpy()
            Xb = to_device_tensor(self.X[rows], device)
        yb = self.y[index]
        if self.lengths is None:
            return Xb, yb
        return {"X": Xb, "lengths": self.lengths[index]}, yb


class BatchIterator:
    """Yields device batches of a :class:`SequenceData`; reshuffles on every pass if asked."""

    def __init__(self, data, batch_size, device, generator=None):
        self.data, self.batch_size, self.device = data, batch_size, device
        self.generator = generator

    def __len__(self):
        return -(-len(self.data) // self.batch_size)

    def __iter__(self):
        n, start, size = len(self.data), self.data.start, self.batch_size
        if self.generator is None:
            for i in range(0, n, size):
                yield self.data.batch(slice(start + i, start + min(i + size, n)), self.device)
            return
        order = torch.randperm(n, generator=self.generator)
        order += start  # in place: for 50M windows each copy of the order costs 400 MB
        if isinstance(self.data.X, torch.Tensor):
            order = order.to(self.data.X.device)
        for i in range(0, n, size):
            yield self.data.batch(order[i : i + size], self.device)


class LatestSplit:
    """skorch ``train_split`` holding out the latest ``fraction`` of the (time-ordered) rows."""

    def __init__(self, fraction):
        self.fraction = fraction

    def __call__(self, dataset, y=None, **fit_params):
        n = len(dataset)
        n_valid = max(1, int(round(n * self.fraction)))
        return dataset.rows(0, n - n_valid), dataset.rows(n - n_valid, n)


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` that iterates over :class:`SequenceData` without a DataLoader.

    The shuffling seed is the skorch parameter ``iterator_train__seed``.
    """

    def get_dataset(self, X, y=None):
        if isinstance(X, SequenceData):
            return X
        return super().get_dataset(X, y)

    def get_iterator(self, dataset, training=False):
        if not isinstance(dataset, SequenceData):
            return super().get_iterator(dataset, training=training)
        if training:
            seed = self.get_params_for("iterator_train").get("seed", 0)
            generator = torch.Generator().manual_seed(int(seed))
            return BatchIterator(dataset, self.batch_size, self.device, generator)
        step_elements = max(1, int(np.prod(dataset.X.shape[1:])))
        size = max(self.batch_size, EVAL_BATCH_ELEMENTS // step_elements)
        return BatchIterator(dataset, size, self.device)
