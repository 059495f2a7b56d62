"""Launching a data-parallel fit: local worker processes, or the processes ``torchrun`` started.

The driver (the caller of :func:`fit_distributed`) never builds windows. Each worker builds
the windows of its own series (``make_sequences`` on its shard), joins the process group,
runs the estimator's ordinary ``fit`` (``_context`` makes the few panel-wide decisions
agree), and the first worker hands back the fitted estimator.
"""

import os
import pickle
import socket
import tempfile
import time
import traceback
from datetime import timedelta
from pathlib import Path

import numpy as np

from .._lazy_windows import buffer_bytes
from ._checkpoint import checkpoint_path, resume_state
from ._context import WorkerContext, activated
from ._shards import panel_shards, torchrun_shard, worker_windows


class DistributedFitError(RuntimeError):
    """A worker of a data-parallel fit failed, died or was interrupted; the estimator is
    left as it was before the call."""


def fit_distributed(estimator, series, window_length, horizon=1, *, season_length="auto",
                    series_id=None, target=None, n_workers=2, backend=None, timeout=None,
                    checkpoint=None):
    """Fit ``estimator`` on the windows of a panel, data-parallel over worker processes.

    One global model, as ``estimator.fit(*make_sequences(series, ...))`` would train, with
    the windows split by series over ``n_workers`` processes: each worker cuts the windows of
    its own series only (no worker holds the whole panel's windows), computes the gradients
    of its share of every batch, and the workers average them before each step (the
    torch.distributed collectives DDP uses: gloo on the CPU, nccl on CUDA). The result is
    an ordinary fitted estimator: ``forecast``, ``predict``, intervals, ``save``/``load``
    and ONNX work as after ``fit``.

    What the workers share (and why it is not bit-for-bit the one-process fit): the
    held-out windows (early stopping's validation windows and the calibration windows) are
    cut by one time cutoff over the panel (whole time steps), so they are the same
    windows whatever the number of workers; the global batch (``batch_size``) is split
    evenly over the workers; each worker draws its own shuffled order; the scaling's
    statistics are those of the first worker's shard (for ``scaling="auto"`` with series
    state every window is scaled by itself and nothing is shared); the Theta weight is
    chosen on the errors of every worker's held-out windows, the conformal scores are
    gathered from all of them (in time order, at most 8,192). With ``n_workers=1`` the
    fit is the one-process fit of the same windows.

    Parameters
    ----------
    estimator : LSTMForecaster or GRUForecaster
        Unfitted or fitted (a fresh fit either way); fitted in place on success.
    series : pandas DataFrame or Series (a panel), or callable
        The panel, as :func:`sklstm.make_sequences` reads it (with ``series_id``); the
        driver splits it by series (series ``i`` to worker ``i % n_workers``) and sends each
        worker only its share. Or ``series(rank, n_workers) -> panel``: each worker loads
        its own shard (a cluster, data that does not fit one machine); it must give every
        series to exactly one worker.
    window_length, horizon, season_length, target :
        As :func:`sklstm.make_sequences`.
    series_id : str, default=None
        As :func:`sklstm.make_sequences` ("columns" for a wide frame).
    n_workers : int or None, default=2
        Local worker processes to start. None: this process is one of the workers that
        ``torchrun`` (``python -m torch.distributed.run``) started, which set ``RANK``,
        ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT``; every worker calls
        ``fit_distributed`` with the same arguments and the first (rank 0) gets the fitted
        estimator back (the others get None).
    backend : {"gloo", "nccl"}, default=None
        None: "nccl" for a CUDA ``device``, else "gloo".
    timeout : float, default=None
        Seconds a worker waits for the others at a collective before the fit fails
        (None: 30 minutes).
    checkpoint : str or path-like, default=None
        A file the first worker writes after every epoch (the weights, the optimizer's
        state and the history). When the file exists at the start, the fit resumes from
        it: same estimator parameters and panel (else a ``ValueError`` inside the
        workers), training continues for the epochs left of ``max_epochs`` (the
        learning-rate schedule and early stopping's patience count afresh from there;
        the best weights of the epochs before are not kept). Removed when the fit
        completes. ``resumed_from_epoch_`` says where the fit started. On a cluster, a
        path every machine can reach is only needed by the first worker's.

    Returns
    -------
    estimator : the fitted estimator (None on the workers of rank > 0 under ``torchrun``)
        Besides the estimator's usual fitted attributes, ``data_parallel_``: the number of
        workers and, per worker, its windows and series, the data it held (``data_mb``: its
        series' values and state channels, from which its lazy windows are cut; and
        ``window_mb``, what the windows would take copied), its peak resident memory before
        cutting them, after and at the end (MiB) and its fit time; and
        ``resumed_from_epoch_`` (0 unless resumed from a ``checkpoint``).

    Raises
    ------
    DistributedFitError
        A worker raised, died (killed, out of memory) or timed out: the message names the
        worker and its error; the estimator is unchanged.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklstm import LSTMForecaster
    >>> from sklstm.distributed import fit_distributed
    >>> t = pd.date_range("2000-01", periods=60, freq="MS")
    >>> panel = pd.DataFrame({f"s{i}": 10 + np.sin(np.arange(60) / 2 + i) for i in range(8)},
    ...                      index=t)
    >>> model = fit_distributed(LSTMForecaster(hidden_size=8, max_epochs=2, random_state=0),
    ...                         panel, window_length=12, horizon=3, series_id="columns",
    ...                         n_workers=2)  # doctest: +SKIP
    >>> model.forecast(panel, series_id="columns").shape  # doctest: +SKIP
    (24, 1)
    """
    from sklearn.base import clone

    _check_estimator(estimator)
    spec = {"window_length": window_length, "horizon": horizon, "season_length": season_length,
            "target": target, "checkpoint": checkpoint_path(checkpoint)}
    if n_workers is None:
        return _run_under_torchrun(estimator, series, spec, series_id, backend, timeout)
    if isinstance(n_workers, bool) or not isinstance(n_workers, (int, np.integer)) \
            or n_workers < 1:
        raise ValueError(f"n_workers must be a positive int (or None under torchrun); got "
                         f"{n_workers!r}.")
    shards = panel_shards(series, series_id, int(n_workers))
    fitted = _run_local(clone(estimator), shards, spec, backend, timeout, int(n_workers))
    estimator.__dict__.update(fitted.__dict__)
    return estimator


def _check_estimator(estimator):
    from ..forecasting import LSTMForecaster

    if not isinstance(estimator, LSTMForecaster):
        raise TypeError(
            f"fit_distributed trains a forecaster (LSTMForecaster or GRUForecaster) on a "
            f"panel's windows; got {type(estimator).__name__}. Classifiers train in one "
            "process (their data sets are small); a grid search scales out with "
            "joblib's Dask or Ray backend.")


# -- the worker ------------------------------------------------------------------------------
def _worker_fit(estimator, shard, spec, rank, n_workers):
    """Inside a joined process group: this worker's windows, the fit, the fitted estimator
    (rank 0) or None."""
    import torch.distributed as dist

    base_rss = _peak_rss_mb()
    X, y, times, n_series = worker_windows(shard, rank, n_workers, spec)
    windows_rss = _peak_rss_mb()
    cpu_group = dist.new_group(backend="gloo") if dist.get_backend() == "nccl" else None
    counts = [0] * n_workers
    dist.all_gather_object(counts, (len(X), n_series), group=cpu_group)
    context = WorkerContext(rank, n_workers, times, sum(c for c, _ in counts), cpu_group)
    if spec.get("checkpoint") is not None:
        context.checkpoint_path = spec["checkpoint"]
        context.resume_state = resume_state(context.checkpoint_path)
    device = estimator.device
    if str(device) == "cuda":  # each local worker its own GPU, "cuda" again afterwards
        import torch

        local = int(os.environ.get("LOCAL_RANK", rank)) % max(1, torch.cuda.device_count())
        torch.cuda.set_device(local)
        estimator.set_params(device=f"cuda:{local}")
    start = time.perf_counter()
    try:
        with activated(context):
            estimator.fit(X, y)
    finally:
        estimator.set_params(device=device)
    seconds = time.perf_counter() - start
    report = {"windows": len(X), "series": n_series,
              "data_mb": buffer_bytes(X, y) / 2**20,  # what the worker holds
              "window_mb": (X.nbytes + y.nbytes) / 2**20,  # what the windows would take
              "rss_before_mb": base_rss, "rss_windows_mb": windows_rss,
              "peak_rss_mb": _peak_rss_mb(),
              "fit_seconds": seconds}
    reports = context.gather(report)
    if rank != 0:
        return None
    if context.checkpoint_path is not None and os.path.exists(context.checkpoint_path):
        os.remove(context.checkpoint_path)  # the fit is complete: nothing left to resume
    estimator.resumed_from_epoch_ = (0 if context.resume_state is None
                                     else len(context.resume_state["history"]))
    # The panel's series interleave per time step (what calibration_decay ages by).
    estimator.windows_per_step_ = sum(s for _, s in counts)
    estimator.data_parallel_ = {"n_workers": n_workers, "workers": reports}
    return estimator


def _peak_rss_mb():
    """This process's peak resident memory so far (MiB; Linux reports KiB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _backend(estimator, backend):
    if backend is not None:
        return backend
    return "nccl" if str(getattr(estimator, "device", "cpu")).startswith("cuda") else "gloo"


def _timeout(timeout):
    return timedelta(seconds=1800 if timeout is None else float(timeout))


def _local_worker(rank, n_workers, port, estimator, shard, spec, backend, timeout, out_dir):
    """Entry point of a local worker process: result or error into ``out_dir``."""
    import torch.distributed as dist

    out = Path(out_dir)
    try:
        dist.init_process_group(backend, init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                world_size=n_workers, timeout=timeout)
        fitted = _worker_fit(estimator, shard, spec, rank, n_workers)
        if rank == 0:
            with open(out / "estimator.tmp", "wb") as f:
                pickle.dump(fitted, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(out / "estimator.tmp", out / "estimator.pkl")
        dist.barrier()
        dist.destroy_process_group()
    except BaseException as error:  # noqa: BLE001 - reported to the driver, then exit 1
        (out / f"error-{rank}.txt").write_text(
            f"{type(error).__name__}: {error}\n\n{traceback.format_exc()}")
        os._exit(1)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_local(estimator, shards, spec, backend, timeout, n_workers):
    import multiprocessing

    backend = _backend(estimator, backend)
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="sklstm-dp-") as out_dir:
        port = _free_port()
        processes = [
            context.Process(target=_local_worker, name=f"sklstm-worker-{rank}",
                            args=(rank, n_workers, port, estimator, shards[rank], spec,
                                  backend, _timeout(timeout), out_dir))
            for rank in range(n_workers)
        ]
        for process in processes:
            process.start()
        try:
            failed = _wait(processes, out_dir)
        except BaseException:  # Ctrl-C in the driver: stop the workers, leave the estimator
            _stop(processes)
            raise
        if failed is not None:
            _stop(processes)
            raise DistributedFitError(_failure_message(failed, out_dir, n_workers))
        with open(Path(out_dir) / "estimator.pkl", "rb") as f:
            return pickle.load(f)


def _wait(processes, out_dir=None):
    """Wait for every worker; ``(rank, exit code)`` of the worker that failed first, or None.

    When one fails, its peers usually fail a moment later with a lost connection: wait a
    little for them, then name the worker that caused it (killed by a signal, or one whose
    own error is not a lost peer) rather than the first one seen."""
    while True:
        alive = False
        for process in processes:
            process.join(timeout=0.05)
            if process.exitcode is None:
                alive = True
            elif process.exitcode != 0:
                return _culprit(processes, out_dir)
        if not alive:
            return None
        time.sleep(0.05)


def _culprit(processes, out_dir, grace=3.0):
    deadline = time.perf_counter() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.perf_counter()))
    failed = [(rank, p.exitcode) for rank, p in enumerate(processes)
              if p.exitcode not in (None, 0)]
    killed = [f for f in failed if f[1] < 0]
    if killed:
        return killed[0]
    for rank, code in failed:
        report = Path(out_dir) / f"error-{rank}.txt" if out_dir else None
        if report is None or not report.is_file() or not _lost_peer(
                report.read_text().splitlines()[0]):
            return rank, code
    return failed[0]


def _stop(processes):
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def _failure_message(failed, out_dir, n_workers):
    rank, code = failed
    reports = {int(f.stem.split("-")[1]): f.read_text().splitlines()[0]
               for f in Path(out_dir).glob("error-*.txt")}
    how = (f"was killed by signal {-code}" if code < 0 else f"exited with status {code}")
    message = (f"the data-parallel fit failed: worker {rank} of {n_workers} {how}; the "
               "estimator is unchanged.")
    # A worker's own error says more than its peers' report of the lost connection.
    own = [r for r, text in sorted(reports.items()) if not _lost_peer(text)]
    for r in own or sorted(reports):
        message += f" Worker {r} reported: {reports[r]}"
        break
    return message


def _lost_peer(text):
    lowered = text.lower()
    return any(s in lowered for s in ("connection closed", "connection reset", "timed out",
                                      "broken pipe", "gloo"))


# -- torchrun --------------------------------------------------------------------------------
def _run_under_torchrun(estimator, series, spec, series_id, backend, timeout):
    import torch.distributed as dist
    from sklearn.base import clone

    missing = [k for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
               if k not in os.environ]
    if missing:
        raise ValueError(
            f"n_workers=None joins the workers torchrun started, but {missing} are not set: "
            "launch the script with `torchrun --nproc_per_node=N script.py` (or "
            "`python -m torch.distributed.run`), or pass n_workers=N to start local workers.")
    rank, n_workers = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    shard = torchrun_shard(series, series_id, rank, n_workers)
    dist.init_process_group(_backend(estimator, backend), timeout=_timeout(timeout))
    try:
        fitted = _worker_fit(clone(estimator), shard, spec, rank, n_workers)
        dist.barrier()
    finally:
        dist.destroy_process_group()
    if fitted is not None:
        estimator.__dict__.update(fitted.__dict__)
        return estimator
    return None


