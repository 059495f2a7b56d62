"""Data-parallel training of one global forecaster over worker processes and machines.

:func:`fit_distributed` splits a panel by series over workers (local processes, or the
processes ``torchrun`` started on a cluster); each worker cuts only its own series'
windows and the workers average their gradients before every step (torch.distributed).
See ``docs/scaleout.md`` and ``examples/distributed_training.py``.
"""

from ._launch import DistributedFitError, fit_distributed

__all__ = ["DistributedFitError", "fit_distributed"]
