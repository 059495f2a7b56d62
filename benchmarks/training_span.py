"""How much history the forecasters train on: the probe behind ``max_samples_per_series="auto"``.

The daily sunspot series is the one long series of the accuracy benchmark's corpora (55,160
training days; no series of M3, M4 hourly/weekly or the weather panel has 20,000 windows).
The value was chosen without the course's test years: every candidate trains on the windows
that end before 1990 (51,500) and is scored on 1990-1999, windows of 10 days predicting the
next day, with every other setting at its default; ``--split test`` scores the course's
split (train before 2000, test 2000-01-01..2017-06-30) instead.

    SKLSTM_DATA=../shared/data python benchmarks/training_span.py
    SKLSTM_DATA=../shared/data python benchmarks/training_span.py --split test --caps 20000,all

Run it alone on the machine (torch uses 2 threads); about 25 s a fit on 2 cores.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import root_mean_squared_error

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

from sklstm import LSTMForecaster, make_sequences  # noqa: E402
from sklstm.datasets import load_sunspots  # noqa: E402
from sunspot import course_split  # noqa: E402


def split(name):
    train, test = course_split(load_sunspots())
    if name == "validation":
        return train[:"1989-12-31"], train["1990-01-01":]
    return train, test


def probe(train, test, caps, seeds, window_length=10):
    """Rows ``(cap, seed, windows kept, RMSE, seconds)`` for each cap (None: all)."""
    X, y = make_sequences(train, window_length)
    X_test, y_test = make_sequences(test, window_length)
    rows = []
    for cap in caps:
        for seed in seeds:
            model = LSTMForecaster(max_samples_per_series=cap, random_state=seed,
                                   torch_threads=None)
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
            rmse = root_mean_squared_error(y_test, model.predict(X_test))
            rows.append((cap, seed, len(X) - model.training_start_, rmse, seconds))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["validation", "test"], default="validation")
    parser.add_argument("--caps", default="10000,20000,40000,all",
                        help="max_samples_per_series values to compare (all: None)")
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    caps = [None if c == "all" else int(c) for c in args.caps.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    train, test = split(args.split)
    rows = probe(train, test, caps, seeds)
    print(f"train {train.index[0]:%Y-%m-%d}..{train.index[-1]:%Y-%m-%d}, scored on "
          f"{test.index[0]:%Y-%m-%d}..{test.index[-1]:%Y-%m-%d} (windows of 10 days)\n")
    print("| max_samples_per_series | windows kept | RMSE per seed | mean RMSE | "
          "mean s |")
    print("|---|---:|---|---:|---:|")
    for cap in caps:
        mine = [r for r in rows if r[0] == cap]
        print(f"| {'None (all)' if cap is None else f'{cap:,}'} | {mine[0][2]:,} | "
              f"{' / '.join(f'{r[3]:.3f}' for r in mine)} | "
              f"{np.mean([r[3] for r in mine]):.3f} | {np.mean([r[4] for r in mine]):.1f} |")


if __name__ == "__main__":
    main()
