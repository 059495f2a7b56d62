"""Checkpoints of a data-parallel fit: where the first worker writes its training state after
every epoch, and the state a later call resumes from."""

import os


def checkpoint_path(checkpoint):
    if checkpoint is None:
        return None
    if not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(f"checkpoint must be a file path (str or path-like) or None; got "
                        f"{type(checkpoint).__name__}.")
    path = os.path.abspath(os.fspath(checkpoint))
    if not os.path.isdir(os.path.dirname(path)):
        raise ValueError(f"checkpoint={checkpoint!r}: its folder {os.path.dirname(path)!r} "
                         "does not exist; create it first.")
    return path


def resume_state(path):
    """The checkpoint at ``path`` to resume from (None: none yet). Checked against the fit
    once the network is built (:func:`sklstm._netbuild.restore_training_state`)."""
    import torch

    if not os.path.exists(path):
        return None
    return torch.load(path, map_location="cpu", weights_only=True)
