"""Data-parallel training (``sklstm.distributed``): throughput with 1 and 2 local workers,
per-worker memory, and a projection for N machines.

    python benchmarks/data_parallel.py                     # 10,000 series, 1 and 2 workers
    python benchmarks/data_parallel.py --batch-size 512 --skip-memory   # a larger batch
    python benchmarks/data_parallel.py --n-series 2000 --epochs 2

Measured: one global ``LSTMForecaster`` (defaults but ``max_epochs`` and no early stopping, so
that both runs do the same number of steps) on the synthetic panel of
``examples/distributed_training.py`` (monthly, 96 months, windows of 24, 12 ahead), fitted
with ``fit_distributed(n_workers=1)`` and ``n_workers=2``; training windows per second from
the workers' fit time (start-up excluded, reported apart); each worker's peak resident
memory, the data it holds (its series' values and state channels, from which each batch's
windows are cut) and what its windows would take copied; the gradient bytes each step
all-reduces.

Projected (not measured: one machine here): a step on N machines costs the compute of a
worker's share of the batch (measured here in one process at batch B/N) plus a ring
all-reduce of the gradients, ``2 (N - 1) / N x bytes / bandwidth + 2 (N - 1) x latency``,
for a 10 Gbit/s network with 50 microseconds per message (stated assumptions; replace
them with the cluster's). Run it alone on the machine.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))

BANDWIDTH = 10e9 / 8  # bytes per second
LATENCY = 50e-6  # seconds per message


def measure(n_series, epochs, workers, batch_size="auto"):
    from distributed_training import HORIZON, WINDOW, synthetic_panel

    from sklstm import LSTMForecaster
    from sklstm.distributed import fit_distributed

    panel = synthetic_panel(n_series).iloc[:-HORIZON]
    start = time.perf_counter()
    model = fit_distributed(
        LSTMForecaster(max_epochs=epochs, early_stopping=False, batch_size=batch_size,
                       random_state=0), panel,
        window_length=WINDOW, horizon=HORIZON, series_id="columns", n_workers=workers)
    wall = time.perf_counter() - start
    reports = model.data_parallel_["workers"]
    fit = max(r["fit_seconds"] for r in reports)
    steps_windows = model.net_.history[-1]["train_batch_count"] * epochs
    per_epoch = sum(b["train_batch_size"] for b in model.net_.history[-1]["batches"])
    n_params = sum(p.numel() for p in model.net_.module_.parameters())
    return {"workers": workers, "wall": wall, "fit": fit,
            "windows_per_s": per_epoch * workers * epochs / fit,
            "steps": steps_windows, "grad_bytes": 4 * n_params, "reports": reports,
            "batch": model.net_.batch_size * workers}


def memory_growth(largest, n_series, batch_size):
    """How a worker's peak memory grows with its shard: 2 workers at a quarter and a half of
    the panel (1 epoch), and the full run; the slope against the data each worker holds."""
    runs = [measure(n_series // 4, 1, 2, batch_size), measure(n_series // 2, 1, 2, batch_size),
            largest]
    print("\n### Per-worker memory as the shard grows (2 workers)\n")
    print("| series per worker | data held MiB | as copied windows MiB | RSS MiB before the "
          "data | after cutting its windows | peak (fit) |")
    print("|---|---|---|---|---|---|")
    data, peak = [], []
    for r, n in zip(runs, (n_series // 4, n_series // 2, n_series)):
        for w in r["reports"][:1]:  # the workers' shards are alike: the first
            data.append(w["data_mb"])
            peak.append(w["peak_rss_mb"])
            print(f"| {n // 2:,} | {w['data_mb']:.0f} | {w['window_mb']:.0f} | "
                  f"{w['rss_before_mb']:.0f} | {w['rss_windows_mb']:.0f} | "
                  f"{w['peak_rss_mb']:.0f} |")
    slope = (peak[-1] - peak[0]) / (data[-1] - data[0])
    fixed = peak[-1] - slope * data[-1]
    print(f"\nPeak memory grows {slope:.2f} MiB per MiB of data held (least-data to "
          f"most-data run: the shard received, its buffer, the samples' starts and times); "
          f"the rest, {fixed:.0f} MiB, is the same for any shard (Python, torch, the model, "
          "its optimizer and its batch and prediction workspaces).\n")


def step_compute(batch, repeats=10):
    """Seconds of one training step of the default network at ``batch`` windows (one
    process, one thread)."""
    import torch
    from distributed_training import HORIZON, WINDOW, synthetic_panel

    from sklstm import LSTMForecaster, make_sequences

    panel = synthetic_panel(64).iloc[:-HORIZON]
    X, y = make_sequences(panel, WINDOW, horizon=HORIZON, series_id="columns")
    model = LSTMForecaster(max_epochs=1, early_stopping=False, random_state=0).fit(X, y)
    net = model.net_
    rows = np.arange(batch) % len(X)
    Xb, yb = model._prepare_rows(X[rows], model._encode_y(y[rows]))
    Xb = torch.as_tensor(np.asarray(Xb, dtype=np.float32))
    yb = torch.as_tensor(np.asarray(yb, dtype=np.float32))
    net.module_.train()
    for _ in range(3):  # warm-up
        net.train_step((Xb, yb))
    blocks = []
    for _ in range(5):  # the fastest of 5 blocks: the least disturbed
        start = time.perf_counter()
        for _ in range(repeats):
            net.train_step((Xb, yb))
        blocks.append((time.perf_counter() - start) / repeats)
    return min(blocks)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-series", type=int, default=10_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true",
                        help="leave out the per-worker memory runs (2 more fits)")
    parser.add_argument("--batch-size", default="auto",
                        help="the global batch (split over the workers); 'auto' or an int")
    args = parser.parse_args(argv)
    batch_size = args.batch_size if args.batch_size == "auto" else int(args.batch_size)
    runs = [measure(args.n_series, args.epochs, w, batch_size) for w in (1, 2)]
    print(f"### {args.n_series:,} series, {args.epochs} epochs (no early stopping), "
          f"global batch {runs[0]['batch']}\n")
    print("| workers | training windows / s | speed-up | fit s (per worker) | wall s "
          "(with start-up and sharding) | per-worker data held MiB (as copied windows) | "
          "per-worker peak RSS MiB (before the data; growth) |")
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        mb = ", ".join(f"{w['data_mb']:.0f} ({w['window_mb']:.0f})" for w in r["reports"])
        rss = ", ".join(f"{w['peak_rss_mb']:.0f} ({w['rss_before_mb']:.0f}; "
                        f"+{w['peak_rss_mb'] - w['rss_before_mb']:.0f})" for w in r["reports"])
        print(f"| {r['workers']} | {r['windows_per_s']:,.0f} | "
              f"{r['windows_per_s'] / runs[0]['windows_per_s']:.2f}x | {r['fit']:.1f} | "
              f"{r['wall']:.1f} | {mb} | {rss} |")
    if not args.skip_memory:
        memory_growth(runs[1], args.n_series, batch_size)
    grad = runs[0]["grad_bytes"]
    batch = runs[0]["batch"]
    print(f"\nGradients all-reduced per step: {grad / 1024:.0f} KiB "
          f"({grad // 4:,} parameters, float32).\n")
    print("### Projection for N machines (one worker each; compute measured at batch B/N "
          "here, all-reduce modelled)\n")
    print("| N | batch per worker | compute s/step | all-reduce s/step | windows / s | "
          "speed-up |")
    print("|---|---|---|---|---|---|")
    base = None
    for n in (1, 2, 4, 8, 16, 32):
        per = max(1, batch // n)
        compute = step_compute(per)
        comm = 0.0 if n == 1 else 2 * (n - 1) / n * grad / BANDWIDTH + 2 * (n - 1) * LATENCY
        rate = per * n / (compute + comm)
        base = base or rate
        print(f"| {n} | {per} | {compute * 1e3:.2f} ms | {comm * 1e3:.2f} ms | {rate:,.0f} | "
              f"{rate / base:.1f}x |")


if __name__ == "__main__":
    main()
