"""CPU against CUDA: training and prediction time of sklstm's estimators, in the same run.

    python benchmarks/device.py            # needs a CUDA device for the CUDA rows
    python benchmarks/device.py --quick    # smaller sizes
    SKLSTM_DATA=../shared/data python benchmarks/device.py --sunspot   # + the sunspot task

Synthetic data of the tasks' shapes (no data files needed, so it runs on a bare GPU machine).
Each fit runs a fixed number of epochs (no early stopping) so every row does the same work;
times are the median of ``--repeats`` runs after one warm-up (the CPU rows of the large
case: one run, no warm-up, since each takes tens of seconds). Each case runs on the CPU
(torch's default threads), on CUDA in float32 and on CUDA with ``precision="bfloat16"``
(mixed precision: forward passes under ``torch.autocast``); the last column is the final
training loss, so that a faster row that learns less shows. A second table sweeps the batch
size of the sunspot shape. The tables are the ones in docs/benchmarks.md, section 7.
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

COMMON = dict(early_stopping=False, random_state=0, verbose=0, torch_threads=None)


def sunspot_shape(quick):
    n = 10_000 if quick else 55_160
    series = np.sin(np.arange(n + 10) / 27.0) * 50 + np.random.default_rng(0).normal(0, 10, n + 10)
    return make_sequences(series, 10)


def cases(quick):
    Xs, ys = sunspot_shape(quick)
    monthly = np.sin(np.arange(120) * 2 * np.pi / 12) * 8 + 14
    Xw, yw = make_sequences(monthly, 18, horizon=18)
    rng = np.random.default_rng(0)
    Xc = rng.normal(size=(270, 29, 12))
    yc = rng.integers(0, 9, 270)
    n_large = 5_000 if quick else 50_000
    Xb, yb = make_sequences(np.sin(np.arange(n_large + 64) / 9.0), 64)
    return [
        ("sunspot shape: LSTM 64, batch 64, 55k windows x 10, 2 epochs", LSTMForecaster,
         dict(max_epochs=2, **COMMON), Xs, ys),
        ("weather shape: seq2seq bidirectional 32, 63 windows 18->18, 50 epochs",
         LSTMForecaster, dict(architecture="seq2seq", bidirectional=True, hidden_size=32,
                              batch_size=16, max_epochs=50, **COMMON), Xw, yw),
        ("classifier LSTM-FCN, 270 x 29 x 12, 9 classes, 20 epochs", SequenceClassifier,
         dict(architecture="recurrent_fcn", max_epochs=20, **COMMON), Xc, yc),
        ("large: LSTM 256 x 2 layers, batch 1024, 50k windows x 64, 2 epochs", LSTMForecaster,
         dict(hidden_size=256, num_layers=2, batch_size=1024, max_epochs=2, **COMMON), Xb, yb),
    ]


def synchronize():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(fn, repeats, warmup=True):
    if warmup:
        fn()  # CUDA context, cuDNN autotuning, allocator
    seconds = []
    for _ in range(repeats):
        synchronize()
        start = time.perf_counter()
        fn()
        synchronize()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def variants():
    rows = [("cpu", "float32")]
    if torch.cuda.is_available():
        rows += [("cuda", "float32"), ("cuda", "bfloat16")]
    return rows


def measure(cls, params, X, y, device, precision, repeats, warmup=True):
    model = cls(device=device, precision=precision, **params)
    fit = timed(lambda: model.fit(X, y), repeats, warmup)
    predict = timed(lambda: model.predict(X), repeats, warmup)
    return fit, predict, float(model.history_["train_loss"].iloc[-1])


def device_table(args):
    print("| case | device | precision | fit s | predict s | fit speed-up | predict speed-up "
          "| final train loss |")
    print("|---|---|---|---|---|---|---|---|")
    for name, cls, params, X, y in cases(args.quick):
        base = None
        for device, precision in variants():
            heavy_cpu = device == "cpu" and "large" in name
            fit, predict, loss = measure(cls, params, X, y, device, precision,
                                         1 if heavy_cpu else args.repeats, not heavy_cpu)
            base = base or (fit, predict)
            speed = ("1.0x", "1.0x") if device == "cpu" else (
                f"{base[0] / fit:.1f}x", f"{base[1] / predict:.1f}x")
            print(f"| {name} | {device} | {precision} | {fit:.2f} | {predict:.3f} | "
                  f"{speed[0]} | {speed[1]} | {loss:.4f} |", flush=True)


def batch_table(args):
    X, y = sunspot_shape(args.quick)
    print()
    print("Sunspot shape (LSTM 64, 55k windows x 10), 2 epochs, by batch size: fit seconds "
          "(final training loss).")
    print()
    heads = [f"{d} {p}" for d, p in variants()]
    print("| batch | " + " | ".join(heads) + " |")
    print("|---|" + "---|" * len(heads))
    for batch in (32, 256, 1024, 4096):
        cells = []
        for device, precision in variants():
            params = dict(max_epochs=2, batch_size=batch, **COMMON)
            model = LSTMForecaster(device=device, precision=precision, **params)
            seconds = timed(lambda: model.fit(X, y), args.repeats)
            cells.append(f"{seconds:.2f} ({model.history_['train_loss'].iloc[-1]:.3f})")
        print(f"| {batch} | " + " | ".join(cells) + " |", flush=True)


def sunspot_table():
    """The sunspot task with the defaults (early stopping and all) on each device: what a
    user of the task gets, not equal work."""
    from sklearn.metrics import root_mean_squared_error

    from sklstm.datasets import load_sunspots

    series = load_sunspots()["1848-12-23":"2017-06-30"]
    Xtr, ytr = make_sequences(series[:"1999-12-31"], 10)
    Xte, yte = make_sequences(series["2000-01-01":], 10)
    print()
    print("Sunspot task, LSTMForecaster defaults (random_state=0): fit seconds, epochs run "
          "(early stopping), test RMSE.")
    print()
    print("| device | precision | fit s | epochs | test RMSE |")
    print("|---|---|---|---|---|")
    for device, precision in variants():
        model = LSTMForecaster(random_state=0, device=device, precision=precision)
        synchronize()
        start = time.perf_counter()
        model.fit(Xtr, ytr)
        synchronize()
        seconds = time.perf_counter() - start
        rmse = root_mean_squared_error(yte, model.predict(Xte))
        print(f"| {device} | {precision} | {seconds:.1f} | {len(model.history_)} | "
              f"{rmse:.2f} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sunspot", action="store_true",
                        help="also fit the sunspot task with the defaults (needs its data)")
    args = parser.parse_args(argv)
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print(f"torch {torch.__version__}, {os.cpu_count()} CPU cores "
          f"({torch.get_num_threads()} torch threads), GPU: {gpu}, "
          f"Python {platform.python_version()}")
    print()
    device_table(args)
    batch_table(args)
    if args.sunspot:
        sunspot_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
