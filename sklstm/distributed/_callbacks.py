"""skorch callbacks of a data-parallel fit: averaged gradients, the panel's losses, the
shared stop and the checkpoint."""

import os

import torch
import torch.distributed as dist
from skorch.callbacks import Callback


class AllReduceGradients(Callback):
    """Average the gradients over the workers after every backward pass (before clipping
    and the optimizer's step): every worker then takes the same step, as with DDP, whose
    wrapper is left out so that the fitted module is the plain one (saved, exported and
    loaded as any other). One flat all-reduce per step."""

    def __init__(self, world_size):
        self.world_size = world_size

    def on_grad_computed(self, net, named_parameters, **kwargs):
        params = [p for _, p in named_parameters if p.grad is not None]
        if not params:
            return
        flat = torch.cat([p.grad.reshape(-1) for p in params])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat /= self.world_size
        offset = 0
        for p in params:
            n = p.grad.numel()
            p.grad.copy_(flat[offset : offset + n].view_as(p.grad))
            offset += n


class PanelLosses(Callback):
    """Replace the epoch's ``train_loss`` and ``valid_loss`` by the panel's (the workers'
    means weighted by their sample counts), before the schedule and early stopping read
    them, so that every worker takes the same decisions."""

    def __init__(self, context):
        self.context = context

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        for prefix in ("train", "valid"):
            key = f"{prefix}_loss"
            if key not in row:
                continue
            sizes = [b.get(f"{prefix}_batch_size", 0) for b in row.get("batches", [])]
            net.history.record(key, self.context.mean_loss(row[key], sum(sizes)))
        if "valid_loss" in row:
            best = min(h["valid_loss"] for h in net.history if "valid_loss" in h)
            net.history.record("valid_loss_best", row["valid_loss"] <= best)


class SharedStop(Callback):
    """End training on every worker when one of them would (the time budget is each
    worker's clock): the last callback of the epoch."""

    def __init__(self, context):
        self.context = context

    def on_epoch_end(self, net, **kwargs):
        from .._callbacks import StopTraining

        if self.context.max(net.history[-1].get("stopped_by") == "max_time"):
            net.history.record("stopped_by", "max_time")
            raise StopTraining


class EpochCheckpoint(Callback):
    """After every epoch the first worker writes what a resumed fit starts from: the
    module's weights, the optimizer's state and the history (``torch.save`` to a temporary
    file, then renamed over the last checkpoint, so a worker killed while writing leaves
    the previous one whole). The last callback of the epoch."""

    def __init__(self, path, fingerprint, write):
        self.path, self.fingerprint, self.write = path, fingerprint, write

    def on_epoch_end(self, net, **kwargs):
        if not self.write:
            return
        state = {"fingerprint": self.fingerprint,
                 "module": net.module_.state_dict(),
                 "optimizer": net.optimizer_.state_dict(),
                 "history": _plain(list(net.history))}
        temporary = f"{self.path}.writing"
        torch.save(state, temporary)
        os.replace(temporary, self.path)


def _plain(value):
    """History values as plain Python (numpy scalars -> numbers): a checkpoint must load
    with ``torch.load(weights_only=True)``, which runs no code from the file."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    return value
