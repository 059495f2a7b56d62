"""One global forecaster trained data-parallel over 10,000 series.
=================================================================

A panel of 10,000 synthetic monthly series (each with its own level, trend, season and
noise; 96 months each) trains one ``LSTMForecaster`` with two local worker processes: the
series are split between the workers, each cuts the windows of its own series only, and
the workers average their gradients before every step (torch.distributed, gloo on the
CPU). The fitted model is an ordinary one: it forecasts the next 12 months of every series
on the driver. The documentation's gallery runs it on 500 series::

    python examples/distributed_training.py                      # 10,000 series, 2 workers
    python examples/distributed_training.py --workers 1          # the same in one worker
    python examples/distributed_training.py --n-series 500 --max-epochs 2

On a cluster, start the same script on every machine with torch's launcher and pass
``n_workers=None`` (each process then joins the group torchrun set up), e.g. 2 machines x
4 processes::

    torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d \\
        --rdzv_endpoint=HOST:29400 my_training.py

and give ``fit_distributed`` a function ``shard(rank, n_workers)`` that loads only that
worker's series, so that no machine reads the whole panel.
"""

import argparse
import time

import numpy as np
import pandas as pd

from sklstm import LSTMForecaster
from sklstm.distributed import fit_distributed

HORIZON, WINDOW = 12, 24


def synthetic_panel(n_series, length=96, random_state=0):
    """A wide frame of ``n_series`` monthly series: level x (season + trend) + noise."""
    rng = np.random.default_rng(random_state)
    t = np.arange(length)
    level = rng.lognormal(mean=3, sigma=1, size=(n_series, 1))
    amplitude = rng.uniform(0, 0.3, size=(n_series, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n_series, 1))
    trend = rng.normal(0, 0.003, size=(n_series, 1))
    noise = rng.uniform(0.02, 0.1, size=(n_series, 1))
    values = level * (1 + amplitude * np.sin(2 * np.pi * t / 12 + phase) + trend * t
                      + noise * rng.standard_normal((n_series, length)))
    index = pd.date_range("2015-01", periods=length, freq="MS")
    return pd.DataFrame(values.T, index=index,
                        columns=[f"series_{i:05d}" for i in range(n_series)])


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="One global forecaster trained data-parallel over many series.")
    parser.add_argument("--n-series", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-epochs", type=int, default=5)
    args = parser.parse_args(argv)

    panel = synthetic_panel(args.n_series)
    train, test = panel.iloc[:-HORIZON], panel.iloc[-HORIZON:]
    print(f"{args.n_series:,} series x {len(train)} months for training, "
          f"{args.workers} worker(s)")
    start = time.perf_counter()
    model = fit_distributed(
        LSTMForecaster(max_epochs=args.max_epochs, random_state=0), train,
        window_length=WINDOW, horizon=HORIZON, series_id="columns",
        n_workers=args.workers)
    fit_seconds = time.perf_counter() - start
    print(f"fit: {fit_seconds:.1f} s wall (including starting the workers), "
          f"{len(model.history_)} epochs")
    for rank, w in enumerate(model.data_parallel_["workers"]):
        print(f"  worker {rank}: {w['series']:,} series, {w['windows']:,} lazy windows over "
              f"{w['data_mb']:.0f} MiB of series values and state ({w['window_mb']:.0f} MiB "
              f"if copied), peak memory {w['peak_rss_mb']:.0f} MiB ({w['rss_before_mb']:.0f} "
              f"MiB before its data), fit {w['fit_seconds']:.1f} s")

    start = time.perf_counter()
    forecast = model.forecast(train, series_id="columns")
    seconds = time.perf_counter() - start
    values = forecast if isinstance(forecast, pd.Series) else forecast.iloc[:, 0]
    predicted = values.unstack(0)[panel.columns].to_numpy()
    actual = test.to_numpy()
    print(f"forecast: {predicted.shape[1]:,} series x {predicted.shape[0]} months in "
          f"{seconds:.1f} s")
    scale = np.mean(np.abs(np.diff(train.to_numpy(), axis=0)), axis=0)
    mase = np.mean(np.abs(predicted - actual), axis=0) / scale
    naive = np.mean(np.abs(train.to_numpy()[-1] - actual), axis=0) / scale
    print(f"mean MASE over the series: {mase.mean():.3f} (last value carried forward: "
          f"{naive.mean():.3f})")
    return model, mase


if __name__ == "__main__":
    main()
