"""What a 500 x 500 classification set costs to fit: the defaults against the earlier ones.

Synthetic two-class set (500 sequences of 500 steps: a noisy sine whose class is its
frequency), one process, sklstm's default of one torch thread. Each setting trains
``--epochs`` epochs, timed; the full fit is projected from the time per epoch and the
epochs the setting trains on this set (``max_epochs="auto"`` resolved; early stopping is off
below 10,000 sequences, so a fit runs all of them). Run it alone.

    python benchmarks/classifier_fit_time.py --epochs 3
"""

import argparse
import time

import numpy as np

from sklstm import SequenceClassifier

SETTINGS = {
    "defaults (500 sequences: filters 128-256-128, one network, no crops)": {},
    "defaults at 100-499 sequences (filters 64-128-64)": {"conv_filters": (64, 128, 64)},
    "one network of the defaults below 100 sequences (kernels 32-20-12; they train three)": {
        "conv_filters": (64, 128, 64), "conv_kernels": (32, 20, 12)},
    "earlier defaults (batches of 64, 100 epochs, filters 128-256-128, crops)": {
        "batch_size": 64, "max_epochs": 100, "profile_channel": False,
        "conv_filters": (128, 256, 128), "conv_kernels": (8, 5, 3), "n_networks": 1,
        "crop_fraction": 0.7},
}


def synthetic(n=500, steps=500, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    t = np.arange(steps)
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    X = np.sin(t * (0.05 + 0.02 * y[:, None]) + phase) + rng.normal(0, 0.5, (n, steps))
    return X, y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    X, y = synthetic()
    rows = []
    for name, params in SETTINGS.items():
        timed = SequenceClassifier(random_state=0, **{**params, "max_epochs": args.epochs})
        start = time.perf_counter()
        timed.fit(X, y)
        per_epoch = (time.perf_counter() - start) / args.epochs
        # The epochs of the setting itself, resolved as its fit would (crops known now).
        timed.set_params(max_epochs=params.get("max_epochs", "auto"))
        epochs = timed._training_regime(len(X))["max_epochs"]
        rows.append((name, timed.net_.batch_size, epochs, per_epoch, per_epoch * epochs))
    base = rows[-1][4]
    print("| setting | batch | epochs | s per epoch | projected fit s | ratio to earlier |")
    print("|---|---|---|---|---|---|")
    for name, batch, epochs, per_epoch, total in rows:
        print(f"| {name} | {batch} | {epochs} | {per_epoch:.2f} | {total:.0f} | "
              f"{total / base:.2f}x |")


if __name__ == "__main__":
    main()
