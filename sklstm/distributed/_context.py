"""The worker's side of a data-parallel fit: who it is and how it agrees with the others.

A data-parallel fit runs the ordinary ``fit`` in every worker, on the worker's own shard of
windows. The few places where the engine must see the whole panel rather than the shard ask
:func:`active` and, inside a worker, combine their numbers over the workers with the
collectives below (torch.distributed: gloo on the CPU, nccl on CUDA):

- which windows are held out (:meth:`WorkerContext.latest_count`: by a time cutoff shared by
  all workers, so the held-out windows are the same whatever the number of workers);
- the batch size, the epoch's sample budget and early stopping's "auto" (from the panel's
  window count);
- the gradients (averaged after every backward pass, as DDP does) and the epoch's losses
  (early stopping and the schedules read the panel's, so every worker stops together);
- the scaling's statistics (the first worker's, sent to all) and, after training, the
  Theta weight (its errors summed over workers) and the calibration windows (gathered).

Outside a worker :func:`active` is None and nothing changes.
"""

import contextlib
import contextvars

import numpy as np
import torch
import torch.distributed as dist

_ACTIVE = contextvars.ContextVar("sklstm_data_parallel", default=None)


def active():
    """The current :class:`WorkerContext`, or None outside a data-parallel fit."""
    return _ACTIVE.get()


@contextlib.contextmanager
def activated(context):
    token = _ACTIVE.set(context)
    try:
        yield context
    finally:
        _ACTIVE.reset(token)


class WorkerContext:
    """One worker of a data-parallel fit.

    Parameters
    ----------
    rank, world_size : int
        This worker's rank and the number of workers (the process group's).
    origins : ndarray of int64
        The time of each of this worker's windows (nanoseconds or positions), in the
        windows' (time) order: what the held-out windows are cut by.
    n_windows : int
        Windows over all workers.
    """

    def __init__(self, rank, world_size, origins, n_windows, cpu_group=None):
        self.rank, self.world_size = int(rank), int(world_size)
        self.origins = np.asarray(origins, dtype=np.int64)
        self.n_windows = int(n_windows)
        # The group of the collectives on host values (a gloo group beside nccl's, which
        # reduces CUDA tensors only); None: the default group.
        self.cpu_group = cpu_group
        # fit_distributed(checkpoint=...): where the first worker writes the state after
        # each epoch, and the state a resumed fit starts from (None: a fresh start).
        self.checkpoint_path = None
        self.resume_state = None

    def __getstate__(self):
        # The fitted estimator keeps its training callbacks, and they this context: a process
        # group means nothing outside the worker (and nccl's cannot be pickled), nor do the
        # windows' times or a checkpoint's state.
        state = dict(self.__dict__, cpu_group=None, resume_state=None)
        state["origins"] = self.origins[:0]
        return state

    @property
    def is_driver(self):
        return self.rank == 0

    # -- collectives ---------------------------------------------------------------------
    def sum(self, values):
        """Elementwise sum over the workers of a float array (float64 on the wire)."""
        tensor = torch.as_tensor(np.asarray(values, dtype=np.float64).copy())
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM, group=self.cpu_group)
        return tensor.numpy()

    def max(self, value):
        tensor = torch.tensor([float(value)], dtype=torch.float64)
        dist.all_reduce(tensor, op=dist.ReduceOp.MAX, group=self.cpu_group)
        return float(tensor[0])

    def min(self, value):
        tensor = torch.tensor([float(value)], dtype=torch.float64)
        dist.all_reduce(tensor, op=dist.ReduceOp.MIN, group=self.cpu_group)
        return float(tensor[0])

    def gather(self, obj):
        """Every worker's ``obj``, in rank order (pickled: keep it small)."""
        out = [None] * self.world_size
        dist.all_gather_object(out, obj, group=self.cpu_group)
        return out

    def broadcast(self, obj):
        """The first worker's ``obj``, on every worker."""
        box = [obj if self.rank == 0 else None]
        dist.broadcast_object_list(box, src=0, group=self.cpu_group)
        return box[0]

    # -- what the engine asks ------------------------------------------------------------
    def latest_count(self, fraction, n_rows, at_least_one=True):
        """How many of this worker's first ``n_rows`` windows (time-ordered) are among the
        panel's latest ``fraction``: those at or after the cutoff time where the panel's
        windows of the latest whole time steps first reach ``round(N * fraction)`` (N: the
        panel's windows among the first ``n_rows`` of every worker)."""
        times = self.origins[:n_rows]
        unique, counts = np.unique(times, return_counts=True)
        merged = {}
        for part_times, part_counts in self.gather((unique, counts)):
            for t, c in zip(part_times.tolist(), part_counts.tolist()):
                merged[t] = merged.get(t, 0) + c
        total = sum(merged.values())
        wanted = int(round(total * fraction))
        if at_least_one:
            wanted = max(1, wanted)
        if wanted <= 0:
            return 0
        running, cutoff = 0, None
        for t in sorted(merged, reverse=True):
            running += merged[t]
            cutoff = t
            if running >= wanted:
                break
        return int(np.count_nonzero(times >= cutoff))

    def mean_loss(self, loss, count):
        """The panel's mean of per-worker mean losses weighted by their sample counts."""
        total, n = self.sum([float(loss) * count, float(count)])
        return total / n if n else float("nan")
