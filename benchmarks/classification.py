"""Classification benchmark: sklstm against sktime's 1-NN DTW and MiniRocket.

Accuracy, log loss (calibration of ``predict_proba``) and fit time on the classification sets
that ship with sktime (JapaneseVowels, BasicMotions, ItalyPowerDemand, PLAID, ACSF1, with
their own train/test splits) and the car task, several seeds for the stochastic methods.

    python benchmarks/classification.py                      # everything, writes the table
    python benchmarks/classification.py --datasets BasicMotions --seeds 0 1 --methods sklstm

Needs sktime (the ``dev`` extra). Run it alone: torch threads spin when another process
competes for the cores. The table it prints is the one in docs/classification.md.
"""

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.metrics import accuracy_score, log_loss

from sklstm import SequenceClassifier, pad_sequences
from sklstm.datasets import load_car_colors, make_car_sequences

DATASETS = ["JapaneseVowels", "BasicMotions", "ItalyPowerDemand", "PLAID", "ACSF1", "car"]
SKLSTM_METHODS = {
    "sklstm defaults": {},
    "sklstm defaults, no training crops": {"crop_fraction": 1.0},
    "sklstm recurrent (LSTM)": {"architecture": "recurrent"},
    "sklstm recurrent_fcn (LSTM-FCN)": {"architecture": "recurrent_fcn"},
    "sklstm recurrent_fcn (GRU-FCN)": {"architecture": "recurrent_fcn", "cell": "gru"},
}


def load(name, split):
    """``(X, y)``: X NaN-padded ``(n, n_timesteps, n_features)`` as sklstm reads it."""
    if name == "car":
        return _car(split)
    from sktime.datasets import load_UCR_UEA_dataset

    X, y = load_UCR_UEA_dataset(name, split=split.upper(), return_type="df-list")
    return pad_sequences([frame.to_numpy(dtype=float) for frame in X]), np.asarray(y)


def _car(split):
    # Trained on the course's six toy sequences; tested on 1,000 generated cars of the same
    # length at every position and length (the course's live demo, systematically).
    if split == "train":
        return load_car_colors()
    return make_car_sequences(n_samples=1000, seq_len=6, random_state=7)


def sktime_input(X):
    """sktime's list of DataFrames (time x channels) without the NaN padding."""
    import pandas as pd

    frames = []
    for seq in X:
        observed = ~np.isnan(seq).all(axis=1)
        frames.append(pd.DataFrame(seq[observed]))
    return frames


def znormalize(X):
    """Each sequence and feature by its own mean and deviation (NaN padding kept): the UCR
    archive's usual preprocessing, which PLAID's appliance currents (amplitudes from 0.01 to
    460) do not have."""
    mean = np.nanmean(X, axis=1, keepdims=True)
    deviation = np.nanstd(X, axis=1, keepdims=True)
    return (X - mean) / np.where(deviation > 0, deviation, 1.0)


def run_sklstm(params, X, y, X_test, y_test, seed):
    """``({label suffix: (accuracy, log loss)}, fit seconds)`` of one fit.

    A model trained on crops is also scored on whole sequences alone (``test_crops=0``):
    the same fit, so the test-time crops' gain is paired, free of the spread of seeds.
    """
    # torch's own threads, as the figures in docs/classification.md were measured (sklstm's
    # default would use one).
    clf = SequenceClassifier(random_state=seed, torch_threads=None, **params)
    start = time.perf_counter()
    clf.fit(X, y)
    seconds = time.perf_counter() - start
    scores = {"": _scores(clf, X_test, y_test)}
    if clf.crop_fraction_ < 1 and clf.test_crops != 0:
        clf.set_params(test_crops=0)
        scores[", same fits without test crops"] = _scores(clf, X_test, y_test)
    return scores, seconds


def _scores(clf, X_test, y_test):
    proba = clf.predict_proba(X_test)
    pred = clf.classes_[proba.argmax(axis=1)]
    return accuracy_score(y_test, pred), log_loss(y_test, proba, labels=clf.classes_)


# Full-window DTW over PLAID's 537 x 537 pairs of up to 1,344 steps is hours of compute on
# two cores; there it runs in a 10% Sakoe-Chiba band (named in the table).
DTW_WINDOW = {"PLAID": 0.1}


def run_sktime(method, X, y, X_test, y_test, seed, dataset=None):
    from sktime.classification.distance_based import KNeighborsTimeSeriesClassifier
    from sktime.classification.kernel_based import RocketClassifier
    from sktime.transformations.panel.padder import PaddingTransformer

    Xs, Xs_test = sktime_input(X), sktime_input(X_test)
    equal = len({len(f) for f in Xs + Xs_test}) == 1
    longest = max(len(f) for f in Xs + Xs_test)
    if method == "1-NN DTW":
        window = DTW_WINDOW.get(dataset)
        clf = KNeighborsTimeSeriesClassifier(
            n_neighbors=1, distance="dtw",
            distance_params=None if window is None else {"window": window})
        if not equal:  # sktime's DTW needs equal lengths: NaN-free zero padding
            clf = PaddingTransformer(pad_length=longest) * clf
            equal = False
    else:
        clf = RocketClassifier(rocket_transform="minirocket", random_state=seed)
        if not equal or longest < 9:  # MiniRocket needs equal lengths of at least 9 steps
            clf = PaddingTransformer(pad_length=max(9, longest)) * clf
            equal = False
    if equal:  # numpy3D (n, channels, time) is sktime's fast path
        Xs = np.stack([f.to_numpy().T for f in Xs])
        Xs_test = np.stack([f.to_numpy().T for f in Xs_test])
    else:
        import pandas as pd

        Xs = pd.concat(Xs, keys=range(len(Xs)))
        Xs_test = pd.concat(Xs_test, keys=range(len(Xs_test)))
    start = time.perf_counter()
    clf.fit(Xs, y)
    seconds = time.perf_counter() - start
    pred = clf.predict(Xs_test)
    try:
        proba = clf.predict_proba(Xs_test)
        loss = log_loss(y_test, np.clip(proba, 1e-15, 1), labels=np.unique(y))
    except Exception:  # noqa: BLE001 - a method without probabilities
        loss = float("nan")
    return accuracy_score(y_test, pred), loss, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--methods", nargs="+", default=None,
                        help="subset of: " + ", ".join(list(SKLSTM_METHODS) +
                                                        ["1-NN DTW", "MiniRocket"]))
    parser.add_argument("--params", default="{}",
                        help="JSON of extra SequenceClassifier parameters (exploration)")
    parser.add_argument("--json", default=None, help="write raw results here")
    parser.add_argument("--znormalize", action="store_true",
                        help="z-normalise every sequence (each feature by its own mean and "
                             "deviation) before the sklstm methods (exploration: PLAID)")
    args = parser.parse_args(argv)
    extra = json.loads(args.params)
    methods = args.methods or list(SKLSTM_METHODS) + ["1-NN DTW", "MiniRocket"]
    warnings.filterwarnings("ignore")
    results = []
    for name in args.datasets:
        X, y = load(name, "train")
        X_test, y_test = load(name, "test")
        print(f"## {name}: train {X.shape}, test {X_test.shape}, {len(np.unique(y))} classes",
              flush=True)
        for method in methods:
            seeds = args.seeds if method != "1-NN DTW" else [0]  # deterministic
            for seed in seeds:
                if method in SKLSTM_METHODS:
                    prepare = znormalize if args.znormalize else (lambda v: v)
                    scores, sec = run_sklstm({**SKLSTM_METHODS[method], **extra},
                                             prepare(X), y, prepare(X_test), y_test, seed)
                    scores = {method + suffix: score for suffix, score in scores.items()}
                else:
                    acc, loss, sec = run_sktime(method, X, y, X_test, y_test, seed, name)
                    label = method
                    if method == "1-NN DTW" and name in DTW_WINDOW:
                        label = f"1-NN DTW (window {DTW_WINDOW[name]:.0%})"
                    scores = {label: (acc, loss)}
                for label, (acc, loss) in scores.items():
                    results.append(dict(dataset=name, method=label, seed=seed, accuracy=acc,
                                        log_loss=loss, fit_seconds=sec))
                    print(f"  {label:34s} seed {seed}: acc {acc:.3f}  log loss {loss:.3f}  "
                          f"fit {sec:.1f} s", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print()
    print(table(results))


def table(results):
    import pandas as pd

    frame = pd.DataFrame(results)
    rows = []
    for (dataset, method), group in frame.groupby(["dataset", "method"], sort=False):
        acc = group["accuracy"]
        rows.append(
            f"| {dataset} | {method} | {acc.mean():.3f} ± {acc.std(ddof=0):.3f} | "
            f"{group['log_loss'].mean():.3f} | {group['fit_seconds'].mean():.1f} | {len(group)} |"
        )
    head = ("| data set | method | accuracy (mean ± sd) | log loss | fit s | runs |\n"
            "|---|---|---|---|---|---|")
    return head + "\n" + "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
