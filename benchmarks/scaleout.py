"""Scale-out and threads: a grid of 8 fits on each joblib backend, and epochs under load.

    pip install -e ".[dask,ray]" -c constraints.txt
    SKLSTM_DATA=../shared/data python benchmarks/scaleout.py     # ~4 minutes on 2 cores

1. The grid of ``examples/distributed_search.py`` cut to 4 candidates (window 24/48 x
   LSTM/GRU) x 2 time-series folds = 8 fits (``refit=False``) on the monthly sunspot series,
   each fold training on the same number of windows (``max_train_size``: 8 equal fits):
   sequential, joblib loky ``n_jobs=2``, a Dask ``LocalCluster`` of 2 worker processes x 1
   thread (started without Dask's ``MALLOC_TRIM_THRESHOLD_`` and its profiler, see
   docs/scaleout.md), Ray with 2 CPUs. Wall time of the search, the backend's start-up
   apart; every process (the main one included) has imported sklstm and fitted a tiny model
   before the clock (see ``warm_process``); ratio = sequential / backend; every backend's
   ``cv_results_`` scores are compared with the sequential ones.
2. Seconds per epoch of the sunspot-task network (LSTM 64 -> dense, batch 64, 20,000 windows
   of 10 steps) on a quiet machine and while another process runs a CPU-bound loop on the
   same cores, with torch's default threads (``torch_threads=None``: as before the rule) and
   with the rule (``torch_threads="auto"``: one thread on the CPU).

Run it on an otherwise idle machine.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

from distributed_search import HORIZON, data, make_search  # noqa: E402
from sklearn.model_selection import TimeSeriesSplit  # noqa: E402

from sklstm import LSTMForecaster, make_sequences  # noqa: E402

BACKENDS = ("sequential", "loky", "dask", "ray")
GRID4 = {"sequencewindower__window_length": [24, 48], "lstmforecaster__cell": ["lstm", "gru"]}


def warm_process(pause=0.0):
    """What a long-lived worker has done once: import sklstm and fit a tiny model.

    torch imports ``torch._dynamo`` when the first optimizer of a process is built (0.9 s on
    this machine) and sets up its kernels on the first forward and backward pass; a fresh
    worker would pay that inside the clock, and the main process only once. ``pause`` keeps
    a worker busy so that the next warm-up task goes to the other one.
    """
    X, y = make_sequences(np.sin(np.arange(60.0)), 8)
    LSTMForecaster(hidden_size=4, max_epochs=1).fit(X, y).predict(X)
    time.sleep(pause)
    return os.getpid()


def _backend(name):
    """Start a backend (timed apart from the search); returns (joblib config, n_jobs, stop)."""
    if name == "sequential":
        warm_process()
        return {}, None, lambda: None
    if name == "loky":
        from joblib import Parallel, delayed

        # Start loky's reusable workers and warm both.
        Parallel(n_jobs=2)(delayed(warm_process)(1.0) for _ in range(2))
        return {}, 2, lambda: None
    if name == "dask":
        import dask
        from distributed import Client, LocalCluster

        # The worker's statistical profiler samples every thread's stack every 10 ms: on 2
        # cores it takes time from the fits (1.55x with it, 1.62x and 1.76x without).
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                         "distributed.worker.profile.enabled": False})
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        client.run(warm_process)  # every worker, before the clock

        def stop():
            client.close()
            cluster.close()

        return {"backend": "dask"}, -1, stop
    import ray
    from ray.util.joblib import register_ray

    register_ray()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.get([ray.remote(warm_process).remote(1.0) for _ in range(2)])
    return {"backend": "ray"}, -1, ray.shutdown


def grid_section(max_epochs, backends=BACKENDS):
    from joblib import parallel_config

    X, y = data()
    rows, reference = [], None
    for backend in ("sequential", *[b for b in backends if b != "sequential"]):
        search = make_search(max_epochs=max_epochs)
        # The 8 fits of the grid only (the refit on all data is one more sequential fit), on
        # training windows of equal size (a sliding window: max_train_size), so that the 8
        # fits are equal work and 2 workers could at best halve the time.
        cv = TimeSeriesSplit(n_splits=2, gap=HORIZON - 1, max_train_size=len(X) // 3)
        search.set_params(param_grid=GRID4, refit=False, cv=cv)
        try:
            start = time.perf_counter()
            config, n_jobs, stop = _backend(backend)
            startup = time.perf_counter() - start
        except ImportError as error:
            rows.append((backend, None, None, f"skipped: {error}"))
            continue
        try:
            search.set_params(n_jobs=n_jobs)
            start = time.perf_counter()
            with parallel_config(**config):
                search.fit(X, y)
            seconds = time.perf_counter() - start
        finally:
            stop()
        scores = np.column_stack([search.cv_results_[f"split{i}_test_score"] for i in range(2)])
        if reference is None:
            reference = scores
        same = "identical" if np.array_equal(scores, reference) else "DIFFERENT"
        rows.append((backend, seconds, startup, same))
        print(f"  {backend}: {seconds:.1f} s (+{startup:.1f} s start-up, {same})",
              file=sys.stderr, flush=True)
    base = rows[0][1]
    print("| backend | 8 fits (s) | speed-up vs sequential | backend start-up (s) | "
          "cv scores vs sequential |")
    print("|---|---|---|---|---|")
    names = {"sequential": "sequential (n_jobs=1)", "loky": "joblib loky, n_jobs=2",
             "dask": "Dask LocalCluster, 2 workers x 1 thread", "ray": "Ray, num_cpus=2"}
    for backend, seconds, startup, same in rows:
        if seconds is None:
            print(f"| {names[backend]} | - | - | - | {same} |")
        else:
            print(f"| {names[backend]} | {seconds:.1f} | {base / seconds:.2f}x | "
                  f"{startup:.1f} | {same} |")


def epoch_seconds(X, y, threads, epochs=3):
    model = LSTMForecaster(max_epochs=epochs, early_stopping=False, restore_best_weights=False,
                           lr_schedule=None, torch_threads=threads, random_state=0)
    model.fit(X, y)
    return statistics.median(model.history_["dur"].iloc[1:])  # the first epoch warms up


def threads_section():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(20_010) / 27.0) * 50 + rng.normal(0, 10, 20_010)
    X, y = make_sequences(series, 10)
    settings = [("torch default (torch_threads=None, 2 threads)", None),
                ('the rule (torch_threads="auto", 1 thread)', "auto")]
    quiet = {name: epoch_seconds(X, y, threads) for name, threads in settings}
    competitor = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1.0)
        busy = {name: epoch_seconds(X, y, threads) for name, threads in settings}
    finally:
        competitor.kill()
    print("| threads | quiet machine (s/epoch) | one CPU-bound process beside it (s/epoch) | "
          "slow-down |")
    print("|---|---|---|---|")
    for name, _ in settings:
        print(f"| {name} | {quiet[name]:.2f} | {busy[name]:.2f} | "
              f"{busy[name] / quiet[name]:.2f}x |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=40)
    parser.add_argument("--skip-grid", action="store_true")
    parser.add_argument("--skip-threads", action="store_true")
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=BACKENDS,
                        help="backends of the grid (sequential always runs: the reference)")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} "
          f"cores, caller's torch threads {torch.get_num_threads()}\n")
    if not args.skip_grid:
        print(f"### Grid of 8 fits (max_epochs={args.max_epochs})\n")
        grid_section(args.max_epochs, args.backends)
        print()
    if not args.skip_threads:
        print("### Epoch time under a competing process\n")
        threads_section()


if __name__ == "__main__":
    main()
