"""The same GridSearchCV on a Dask cluster, on Ray, or in local processes.
=======================================================================

A grid over window length x cell type x network size (8 candidates x 2 time-series folds) on
the SILSO monthly sunspot number, forecasting the next 12 months. The search is an ordinary
scikit-learn ``GridSearchCV``; joblib's backend sends its fits to the workers (the
documentation's gallery runs joblib's local processes with 5 epochs)::

    python examples/distributed_search.py                              # Dask LocalCluster, 2 workers x 1 thread
    python examples/distributed_search.py --scheduler tcp://HOST:8786  # an existing Dask cluster
    python examples/distributed_search.py --backend ray                # Ray on this machine (2 CPUs)
    python examples/distributed_search.py --backend ray --scheduler auto   # an existing Ray cluster
    python examples/distributed_search.py --backend loky               # joblib's local processes
    python examples/distributed_search.py --backend sequential         # one process

On an existing Dask cluster, start the workers without Dask's default
``MALLOC_TRIM_THRESHOLD_=65536`` (it halves the speed of torch training), e.g.
``DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__MALLOC_TRIM_THRESHOLD_=None dask worker ADDRESS``.

Every worker needs sklstm installed (and the data file, or internet access, where the data is
loaded: here only in the client). Each fit uses one torch thread (``torch_threads="auto"``), so
a worker with one core runs one fit at full speed, and the scores are identical whatever the
backend. On GPU workers start one worker per GPU (e.g. ``dask-cuda``'s ``LocalCUDACluster``,
which sets ``CUDA_VISIBLE_DEVICES`` per worker) and pass ``device="cuda"``: each fit then
uses its worker's GPU.
"""

import argparse
import time

import numpy as np
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklstm import LSTMForecaster, SequenceWindower, make_sequences
from sklstm.datasets import load_monthly_sunspots

HORIZON = 12
GRID = {
    "sequencewindower__window_length": [24, 48],
    "lstmforecaster__cell": ["lstm", "gru"],
    "lstmforecaster__hidden_size": [16, 32],
}


def make_search(max_epochs=30, n_splits=2, device="cpu"):
    pipe = make_pipeline(
        SequenceWindower(window_length=48),
        LSTMForecaster(max_epochs=max_epochs, device=device, random_state=0),
    )
    return GridSearchCV(pipe, GRID, cv=TimeSeriesSplit(n_splits=n_splits, gap=HORIZON - 1),
                        scoring="neg_mean_absolute_error", n_jobs=-1)


def data(last_years=None):
    series = load_monthly_sunspots()
    if last_years:
        series = series[-12 * last_years:]
    return make_sequences(series, window_length=48, horizon=HORIZON)


def run(search, X, y, backend="dask", scheduler=None, n_workers=2):
    """Fit ``search`` on the chosen backend; returns the wall time in seconds."""
    start = time.perf_counter()
    if backend == "sequential":
        search.set_params(n_jobs=None).fit(X, y)
    elif backend == "loky":
        search.set_params(n_jobs=n_workers).fit(X, y)
    elif backend == "dask":
        import dask
        from distributed import Client, LocalCluster

        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc
        # hand memory back to the system after nearly every small tensor: torch training ran
        # at half speed in such workers (docs/benchmarks.md). Start them without it (for an
        # existing cluster, start its workers with the same setting, see the module doc).
        # The workers' statistical profiler samples every thread every 10 ms: on a few cores
        # it takes time from the fits (docs/scaleout.md), so it is off here.
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                         "distributed.worker.profile.enabled": False})

        if scheduler:
            client, cluster = Client(scheduler), None
        else:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        with client, parallel_config(backend="dask"):
            search.fit(X, y)
        if cluster is not None:
            cluster.close()
    elif backend == "ray":
        import ray
        from ray.util.joblib import register_ray

        register_ray()
        if scheduler:
            ray.init(address=scheduler)
        else:
            ray.init(num_cpus=n_workers, include_dashboard=False, log_to_driver=False)
        try:
            with parallel_config(backend="ray"):
                search.fit(X, y)
        finally:
            ray.shutdown()
    else:
        raise ValueError(f"unknown backend {backend!r}")
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--backend", default="dask",
                        choices=["dask", "ray", "loky", "sequential"])
    parser.add_argument("--scheduler", default=None,
                        help="Dask scheduler address, or Ray address ('auto' or ray://...)")
    parser.add_argument("--workers", type=int, default=2, help="local workers (1 thread each)")
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="draw each candidate's MAE per fold; with PATH, also write it as a PNG")
    args = parser.parse_args(argv)

    X, y = data()
    search = make_search(args.max_epochs, device=args.device)
    seconds = run(search, X, y, args.backend, args.scheduler, args.workers)
    n_fits = len(search.cv_results_["params"]) * search.n_splits_
    print(f"{args.backend}: {n_fits} fits + refit in {seconds:.0f} s; best "
          f"{search.best_params_} (MAE {-search.best_score_:.1f} over the folds)")
    scores = np.column_stack([search.cv_results_[f"split{i}_test_score"]
                              for i in range(search.n_splits_)])
    for params, row in zip(search.cv_results_["params"], scores):
        print(f"  {params}: fold MAE {', '.join(f'{-s:.2f}' for s in row)}")
    if args.plot is not None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 4))
        labels = [", ".join(str(v) for v in params.values()) for params in search.cv_results_["params"]]
        for fold in range(scores.shape[1]):
            ax.plot(labels, -scores[:, fold], marker="o", label=f"fold {fold + 1}")
        ax.set_ylabel("MAE (sunspot number)")
        ax.set_xlabel("window length, cell, hidden size")
        ax.set_title(f"GridSearchCV on {args.backend}: every candidate, every fold")
        ax.tick_params(axis="x", rotation=30)
        ax.legend()
        if args.plot:
            ax.figure.savefig(args.plot, dpi=100, bbox_inches="tight")
            print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
