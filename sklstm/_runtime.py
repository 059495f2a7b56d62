"""Where and how a fit or a prediction runs: the device, torch's threads, the seeds.

Nothing here knows an estimator's other parameters: the estimators and the training loop
call these helpers with the values they need.
"""

import contextlib

import numpy as np
import torch

# Devices a recurrent net can train on; "meta" and friends hold no data.
DEVICE_TYPES = ("cpu", "cuda", "mps")


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
    if parsed.type not in DEVICE_TYPES:
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


def loadable_device(device):
    """``device`` if it exists here, else the CPU (a CUDA-trained model on a laptop)."""
    try:
        return resolve_device(device)
    except ValueError:
        return "cpu"


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


def threads_for(setting, device):
    """Torch threads for a fit/predict with ``torch_threads=setting`` on ``device``.

    None: leave the caller's setting. "auto": one thread on the CPU. The recurrent networks
    sklstm trains are small and latency-bound: a second thread gains little on a quiet
    machine (see docs/benchmarks.md), and when another process uses the cores, threads that
    wait for each other spin and a fit can run ten times slower. One thread also keeps
    results identical whatever the number of parallel jobs. Worker processes of joblib,
    Dask and Ray then need no setting of their own.
    """
    if setting != "auto":
        return setting
    if device == "auto":
        device = resolve_device("auto")
    return 1 if str(device).startswith("cpu") else None


def call_seed(seed, epochs_done):
    """Seed of one training call: a new shuffle order and dropout stream after every epoch."""
    return int(np.random.SeedSequence([seed, epochs_done]).generate_state(1)[0] >> 1)


def draw_seed(random_state):
    """The int32 seed a fresh fit draws from ``random_state`` (scikit-learn's forms)."""
    from sklearn.utils import check_random_state

    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
