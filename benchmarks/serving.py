"""Serving: onnxruntime on the exported graph against sklstm's own predict, in the same run.

    pip install -e ".[onnx]" -c constraints.txt
    python benchmarks/serving.py            # ~1 minute on 2 cores
    python benchmarks/serving.py --quick

Models of the tasks' shapes, trained for one epoch on synthetic data (throughput does not
depend on the weights): the sunspot forecaster (LSTM 64, window 10), the weather forecaster
(bidirectional seq2seq, 18 -> 18) and the car classifier (LSTM-FCN). For each: windows per
second over a large batch, and the latency of one window (median of repeats), for
``model.predict`` / ``predict_proba`` (torch, everything included: validation, scaling,
output mapping) and ``InferenceSession.run`` on ``model.to_onnx()`` (the same work inside the
graph). Both use the machine's cores (torch's and onnxruntime's default thread pools). The
largest difference between the two outputs is printed with the table.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time

import numpy as np
import torch

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences


def models(quick):
    rng = np.random.default_rng(0)
    sun = np.abs(np.sin(np.arange(20_010) / 270.0) * 150 + rng.normal(0, 15, 20_010))
    Xs, ys = make_sequences(sun, 10)
    monthly = np.sin(np.arange(240) * 2 * np.pi / 12) * 8 + 14 + rng.normal(0, 1, 240)
    Xw, yw = make_sequences(monthly, 18, horizon=18)
    Xc = rng.integers(0, 4, size=(2_000, 6, 1)).astype(float)
    yc = Xc.max(axis=(1, 2)).astype(int)
    common = dict(max_epochs=1, random_state=0)
    n = 2_000 if quick else 20_000
    return [
        ("sunspot: LSTM 64, window 10 -> 1", LSTMForecaster(**common).fit(Xs, ys), "predict",
         np.asarray(Xs[:n])),
        ("weather: bidirectional seq2seq 32, 18 -> 18",
         LSTMForecaster(architecture="seq2seq", bidirectional=True, hidden_size=32,
                        autoregressive=False, **common).fit(Xw, yw), "predict",
         np.resize(np.asarray(Xw), (n // 4, 18, 1))),
        ("car: LSTM-FCN classifier, 6 steps", SequenceClassifier(**common).fit(Xc, yc),
         "predict_proba", np.resize(Xc, (n // 4, 6, 1))),
    ]


def timed(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    import onnxruntime as ort

    print(f"python {platform.python_version()}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), onnxruntime {ort.__version__}, "
          f"{os.cpu_count()} cores, {platform.machine()}\n")
    print("| model | rows | torch predict (rows/s) | onnxruntime (rows/s) | ratio | "
          "1-row latency torch (ms) | 1-row latency onnxruntime (ms) | ratio | max abs diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    folder = tempfile.mkdtemp()
    for name, model, method, X in models(args.quick):
        path = os.path.join(folder, "model.onnx")
        model.to_onnx(path)
        session = ort.InferenceSession(path)
        X32 = X.astype(np.float32)
        predict = getattr(model, method)
        batch_torch = timed(lambda: predict(X32), args.repeats)
        batch_onnx = timed(lambda: session.run(None, {"X": X32}), args.repeats)
        one = X32[:1]
        one_torch = timed(lambda: predict(one), args.repeats * 20)
        one_onnx = timed(lambda: session.run(None, {"X": one}), args.repeats * 20)
        diff = np.abs(session.run(None, {"X": X32})[0]
                      - np.asarray(predict(X32)).reshape(len(X32), -1)).max()
        rows = len(X32)
        print(f"| {name} | {rows:,} | {rows / batch_torch:,.0f} | {rows / batch_onnx:,.0f} | "
              f"{batch_torch / batch_onnx:.2f}x | {one_torch * 1e3:.2f} | {one_onnx * 1e3:.3f} | "
              f"{one_torch / one_onnx:.1f}x | {diff:.1e} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
