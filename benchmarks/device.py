"""CPU against CUDA: training and prediction time of sklstm's estimators, in the same run.

    python benchmarks/device.py            # needs a CUDA device for the CUDA column
    python benchmarks/device.py --quick    # smaller sizes

Synthetic data of the tasks' shapes (no data files needed, so it runs on a bare GPU machine).
Each fit runs a fixed number of epochs (no early stopping) so both devices do the same work;
times are the median of ``--repeats`` runs after one warm-up. The markdown table it prints is
the one in docs/benchmarks.md ("CPU vs CUDA").
"""

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences


def cases(quick):
    n_sun = 10_000 if quick else 55_160
    series = np.sin(np.arange(n_sun + 10) / 27.0) * 50 + np.random.default_rng(0).normal(
        0, 10, n_sun + 10)
    Xs, ys = make_sequences(series, 10)
    monthly = np.sin(np.arange(120) * 2 * np.pi / 12) * 8 + 14
    Xw, yw = make_sequences(monthly, 18, horizon=18)
    rng = np.random.default_rng(0)
    Xc = rng.normal(size=(270, 29, 12))
    yc = rng.integers(0, 9, 270)
    Xb, yb = make_sequences(np.sin(np.arange(200_010 if not quick else 20_010) / 9.0), 64)
    common = dict(early_stopping=False, random_state=0, verbose=0, torch_threads=None)
    return [
        ("sunspot shape: LSTM 64, batch 64, 55k windows x 10", LSTMForecaster,
         dict(max_epochs=2, **common), Xs, ys),
        ("weather shape: seq2seq bidirectional, 63 windows 18->18", LSTMForecaster,
         dict(architecture="seq2seq", bidirectional=True, hidden_size=32, batch_size=16,
              max_epochs=50, **common), Xw, yw),
        ("classifier LSTM-FCN, 270 x 29 x 12, 9 classes", SequenceClassifier,
         dict(architecture="recurrent_fcn", max_epochs=20, **common), Xc, yc),
        ("large: LSTM 256 x 2 layers, batch 1024, 200k windows x 64", LSTMForecaster,
         dict(hidden_size=256, num_layers=2, batch_size=1024, max_epochs=1, **common), Xb, yb),
    ]


def timed(fn, repeats):
    fn()  # warm-up: CUDA context, cuDNN autotuning, allocator
    seconds = []
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"torch {torch.__version__}, {os.cpu_count()} CPU cores "
          f"({torch.get_num_threads()} torch threads), GPU: {gpu}, {platform.python_version()}")
    print()
    print("| case | device | fit s | predict s | fit CPU/CUDA | predict CPU/CUDA |")
    print("|---|---|---|---|---|---|")
    for name, cls, params, X, y in cases(args.quick):
        row = {}
        for device in devices:
            model = cls(device=device, **params)
            fit = timed(lambda: model.fit(X, y), args.repeats)
            predict = timed(lambda: model.predict(X), args.repeats)
            row[device] = (fit, predict)
        for device in devices:
            fit, predict = row[device]
            ratio_fit = ratio_pred = ""
            if device == "cuda":
                ratio_fit = f"{row['cpu'][0] / fit:.1f}x"
                ratio_pred = f"{row['cpu'][1] / predict:.1f}x"
            print(f"| {name} | {device} | {fit:.2f} | {predict:.3f} | {ratio_fit} | "
                  f"{ratio_pred} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
