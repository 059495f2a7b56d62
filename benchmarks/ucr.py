"""The UCR archive: ``SequenceClassifier()`` with defaults against the field's anchors.

Each set's own train/test split (the archive's), sklstm's defaults only, seeds 0-2;
MiniRocket (sktime, seeds 0-2) and 1-NN DTW (sktime, deterministic) measured in the same
run; HIVE-COTE 2 and InceptionTime from their published default-split accuracies
(``published_ucr_accuracy.csv``: aeon's example results files, resample 0).

    pip install -e ".[bench]" -c constraints.txt               # sktime and numba: the anchors
    SKLSTM_DATA=../shared/data python benchmarks/ucr.py --subset quick
    SKLSTM_DATA=../shared/data python benchmarks/ucr.py --subset all --shard 1/2 &
    SKLSTM_DATA=../shared/data python benchmarks/ucr.py --subset all --shard 2/2
    SKLSTM_DATA=../shared/data python benchmarks/ucr.py --subset all --cached-only --write-docs
    SKLSTM_DATA=../shared/data python benchmarks/ucr.py --subset quick --cached-only --write-docs \
        --methods "sklstm,MiniRocket,1-NN DTW,sklstm earlier"   # the earlier defaults beside

Subsets (fixed by cost before any result was seen): ``quick``, the 38 sets of at most
40,000 training values (sequences x length), which run in a few hours on 2 cores; ``all``,
the 63 sets in ``../shared/data/ucr`` (the rest when a GPU or more time is lent).

Every (set, method, seed) is cached in ``benchmarks/results/ucr/`` as it finishes, so runs
resume and two processes (``--shard 1/2`` and ``2/2``, one core each: sklstm's default is
one torch thread) share the work. Scores: accuracy and log loss on the test split, fit and
predict seconds. ``--write-docs`` fills the UCR block of ``docs/classification.md``: per
set, the mean and spread over seeds, the mean accuracy and mean rank over the sets every
method finished, wins/ties/losses of sklstm against each anchor with the Wilcoxon
signed-rank test's p-value over those sets (``paired_test``), and a scatter plot of
sklstm against InceptionTime (``docs/ucr_vs_inceptiontime.png``).
"""

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, log_loss

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CACHE = HERE / "results" / "ucr"
PUBLISHED = HERE / "published_ucr_accuracy.csv"
DOCS = HERE.parent / "docs" / "classification.md"
SCATTER = HERE.parent / "docs" / "ucr_vs_inceptiontime.png"
MEASURED = ("sklstm", "MiniRocket", "1-NN DTW")
# sklstm's settings per method: the defaults, and the defaults before issue 26's changes
# (batches of 64 and 100 epochs whatever the set's size, no profile channel), kept for the
# before/after columns. Not in MEASURED: run with --methods, shown beside, never ranked.
def _earlier_defaults(X):
    """The defaults before issue 26 (0.2), pinned: one network, the full-width branch with
    LSTM-FCN's kernels (8, 5, 3, each at most a quarter of the longest sequence), 100 epochs in
    batches of 64, crops of 70% for any sequences of 64 steps or more."""
    real = np.isfinite(np.asarray(X, dtype=float).reshape(len(X), X.shape[1], -1)).any(axis=2)
    longest = int(real.any(axis=0).nonzero()[0].max()) + 1 if real.any() else 0
    return {"batch_size": 64, "max_epochs": 100, "profile_channel": False,
            "conv_filters": (128, 256, 128), "n_networks": 1,
            "conv_kernels": tuple(min(k, max(1, longest // 4)) for k in (8, 5, 3)),
            "crop_fraction": 0.7 if longest >= 64 else 1.0}


# Each method: the SequenceClassifier parameters, or a function of the training X giving them.
SKLSTM_SETTINGS = {
    "sklstm": {},
    "sklstm earlier": _earlier_defaults,
}
SEEDED = (*SKLSTM_SETTINGS, "MiniRocket")
QUICK_VALUES = 40_000
# Full-window DTW on sequences this long is hours on 2 cores: a 10% Sakoe-Chiba band there
# (named in the table).
DTW_BAND_FROM = 1000


def data_folder():
    root = os.environ.get("SKLSTM_DATA")
    if not root:
        raise SystemExit("set SKLSTM_DATA to the folder holding ucr/ (../shared/data here)")
    return Path(root) / "ucr"


def set_names(subset):
    from sklstm.datasets import load_ucr

    names = sorted({f.name.split("_TRAIN")[0] for f in data_folder().glob("*_TRAIN.tsv*")})
    if subset == "all":
        return names
    if subset != "quick":
        return [n.strip() for n in subset.split(",") if n.strip()]
    out = []
    for name in names:
        X, _ = load_ucr(name, "train", length=None)
        if X.shape[0] * X.shape[1] <= QUICK_VALUES:
            out.append(name)
    return out


def _cache_file(name, method, seed):
    tag = method.replace(" ", "_")
    return CACHE / name / (f"{tag}-seed{seed}.json" if method in SEEDED else f"{tag}.json")


def run_one(name, method, seed, X, y, X_test, y_test):
    if method in SKLSTM_SETTINGS:
        from sklstm import SequenceClassifier

        settings = SKLSTM_SETTINGS[method]
        params = settings(X) if callable(settings) else settings
        clf = SequenceClassifier(random_state=seed, **params)
        start = time.perf_counter()
        clf.fit(X, y)
        fit_s = time.perf_counter() - start
        start = time.perf_counter()
        proba = clf.predict_proba(X_test)
        predict_s = time.perf_counter() - start
        pred = clf.classes_[proba.argmax(axis=1)]
        loss = log_loss(y_test, proba, labels=clf.classes_)
        return {"accuracy": accuracy_score(y_test, pred), "log_loss": loss,
                "fit_seconds": fit_s, "predict_seconds": predict_s}
    import classification  # benchmarks/classification.py: the sktime anchors

    band = X.shape[1] >= DTW_BAND_FROM
    if band:
        classification.DTW_WINDOW[name] = 0.1
    start = time.perf_counter()
    acc, loss, fit_s = classification.run_sktime(method, X[..., np.newaxis], y,
                                                 X_test[..., np.newaxis], y_test, seed, name)
    total = time.perf_counter() - start
    return {"accuracy": acc, "log_loss": loss, "fit_seconds": fit_s,
            "predict_seconds": total - fit_s, "dtw_band": 0.1 if band and method == "1-NN DTW"
            else None}


def run_set(name, methods, seeds, cached_only):
    from sklstm.datasets import load_ucr

    rows, data = [], None
    for method in methods:
        for seed in (seeds if method in SEEDED else [0]):
            file = _cache_file(name, method, seed)
            if file.is_file():
                result = json.loads(file.read_text())
            elif cached_only:
                continue
            else:
                if data is None:
                    data = _common_width(load_ucr(name, "train") + load_ucr(name, "test"))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    result = run_one(name, method, seed, *data)
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(json.dumps(result))
                print(f"{name:30s} {method:10s} seed {seed}: acc {result['accuracy']:.3f} "
                      f"fit {result['fit_seconds']:.1f} s", flush=True)
            rows.append({"dataset": name, "method": method, "seed": seed, **result})
    return rows


def _common_width(data):
    """Variable-length sets: each split is NaN-padded to its own longest sequence; pad both
    to the longer (NaN is sklstm's padding)."""
    X, y, X_test, y_test = data
    width = max(X.shape[1], X_test.shape[1])
    pad = lambda A: np.pad(A, ((0, 0), (0, width - A.shape[1])),  # noqa: E731
                           constant_values=np.nan)
    return pad(X), y, pad(X_test), y_test


def published():
    frame = pd.read_csv(PUBLISHED, comment="#").set_index("dataset")
    return frame[["HC2", "InceptionTime"]]


def summary(results, names):
    """Per set: mean accuracy (and spread over seeds) per method, measured and published."""
    frame = pd.DataFrame(results)
    mean = frame.pivot_table(index="dataset", columns="method", values="accuracy",
                             aggfunc="mean")
    spread = frame.pivot_table(index="dataset", columns="method", values="accuracy",
                               aggfunc=lambda a: float(np.ptp(a)))
    fit = frame.pivot_table(index="dataset", columns="method", values="fit_seconds",
                            aggfunc="mean")
    per_set = mean.reindex(names).join(published(), how="left")
    return per_set, spread.reindex(names), fit.reindex(names)


def paired_test(ours, theirs):
    """Two-sided Wilcoxon signed-rank p-value of per-set accuracies (Demsar 2006: the paired
    test of two classifiers over many data sets, as critical-difference diagrams use); sets
    where both score the same are left out (``zero_method="wilcox"``). None when every set
    ties."""
    from scipy.stats import wilcoxon

    diff = np.asarray(ours, dtype=float) - np.asarray(theirs, dtype=float)
    # Float noise left by averaging seeds is a tie, which the test leaves out.
    diff = np.where(np.abs(diff) > 1e-9, diff, 0.0)
    if not diff.any():
        return None
    return float(wilcoxon(diff, zero_method="wilcox").pvalue)


def _paired(ours, theirs):
    """Wins / ties / losses of ``ours`` and the paired test's p-value, as table cells."""
    diff = ours - theirs
    wtl = f"{(diff > 1e-9).sum()} / {(diff.abs() <= 1e-9).sum()} / {(diff < -1e-9).sum()}"
    p = paired_test(ours, theirs)
    return wtl, "" if p is None else f"{p:.3f}"


def report(per_set, spread, fit):
    methods = [m for m in MEASURED if m in per_set] + ["HC2", "InceptionTime"]
    extra = [m for m in SKLSTM_SETTINGS if m not in MEASURED and m in per_set]
    complete = per_set[methods].dropna()
    lines = [f"Sets with every method's result: {len(complete)} of {len(per_set)}.", "",
             "| set | " + " | ".join(methods + extra) + " | sklstm spread | sklstm fit s |",
             "| --- |" + " ---: |" * (len(methods) + len(extra) + 2)]
    for name, row in per_set.iterrows():
        cells = [("" if pd.isna(row.get(m)) else f"{row[m]:.3f}") for m in methods + extra]
        s = spread.loc[name].get("sklstm", np.nan) if "sklstm" in spread else np.nan
        f = fit.loc[name].get("sklstm", np.nan) if "sklstm" in fit else np.nan
        lines.append(f"| {name} | " + " | ".join(cells) +
                     f" | {'' if pd.isna(s) else f'{s:.3f}'} | {'' if pd.isna(f) else f'{f:.0f}'} |")
    if len(complete):
        ranks = complete.rank(axis=1, ascending=False).mean()
        lines += ["", "| method | mean accuracy | mean rank | sklstm wins / ties / losses "
                  "| Wilcoxon p, sklstm vs it |", "| --- | ---: | ---: | ---: | ---: |"]
        for m in methods:
            if m == "sklstm" or "sklstm" not in complete:
                wtl = p = ""
            else:
                wtl, p = _paired(complete["sklstm"], complete[m])
            lines.append(f"| {m} | {complete[m].mean():.4f} | {ranks[m]:.2f} | {wtl} | {p} |")
        for m in extra:  # beside the table: its mean over the same sets, unranked
            shown = per_set.loc[complete.index, m]
            if shown.notna().all() and "sklstm" in complete:
                wtl, p = _paired(complete["sklstm"], shown)
                lines.append(f"| {m} (not ranked) | {shown.mean():.4f} |  | {wtl} | {p} |")
        if "MiniRocket" in per_set and "sklstm" in per_set:
            # Over every set both were measured on: MiniRocket is measured in the same run,
            # so the sets without published anchors (missing values, unequal lengths) count.
            measured = [m for m in MEASURED if m in per_set]
            both = per_set[measured].dropna()
            lines += ["", f"Over all {len(both)} sets measured here (published anchors or "
                      "not), mean accuracy: " + ", ".join(
                          f"{m} {both[m].mean():.4f}" for m in measured) + "."]
            behind = both[both["MiniRocket"] - both["sklstm"] > 0.10]
            lines += ["", "Sets more than 10 points below MiniRocket (of those "
                      f"{len(both)}): " + (
                ", ".join(f"{n} ({r['sklstm']:.3f} vs {r['MiniRocket']:.3f})"
                          for n, r in behind.iterrows()) or "none") + "."]
    return "\n".join(lines), complete


def scatter(complete, path, earlier=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    if earlier is not None:  # the earlier defaults, hollow, on the same sets
        ax.scatter(complete["InceptionTime"], earlier.reindex(complete.index), s=14,
                   facecolors="none", edgecolors="grey", label="sklstm earlier defaults")
    ax.scatter(complete["InceptionTime"], complete["sklstm"], s=14, label="sklstm defaults")
    if earlier is not None:
        ax.legend(loc="lower right", fontsize=8)
    ax.plot([0, 1], [0, 1], color="black", linewidth=0.8)
    ax.set_xlabel("InceptionTime (published, default split)")
    ax.set_ylabel("sklstm defaults (mean of seeds)")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.set_title("UCR test accuracy per set (above the line: sklstm wins)", fontsize=9)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def write_docs(text, command):
    begin, end = "<!-- ucr: begin -->", "<!-- ucr: end -->"
    block = f"{begin}\n`{command}`\n\n{text}\n\n![sklstm against InceptionTime]({SCATTER.name})\n{end}"
    page = DOCS.read_text()
    if begin in page:
        page = page[: page.index(begin)] + block + page[page.index(end) + len(end):]
    else:
        page += "\n## The UCR archive\n\n" + block + "\n"
    DOCS.write_text(page)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subset", default="quick",
                        help="quick, all, or comma-separated set names")
    parser.add_argument("--methods", default=",".join(MEASURED))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--shard", default="1/1", help="i/n: this process runs every n-th set")
    parser.add_argument("--cached-only", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    names = set_names(args.subset)
    index, count = (int(v) for v in args.shard.split("/"))
    mine = names[index - 1 :: count]
    methods = [m.strip() for m in args.methods.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    results = []
    for name in mine:
        results += run_set(name, methods, seeds, args.cached_only)
    if not results:
        print("no results yet")
        return
    per_set, spread, fit = summary(results, mine)
    text, complete = report(per_set, spread, fit)
    print(text)
    if args.write_docs:
        chosen = "" if args.methods == ",".join(MEASURED) else f' --methods "{args.methods}"'
        command = (f"SKLSTM_DATA=../shared/data python benchmarks/ucr.py --subset {args.subset} "
                   f"--seeds {args.seeds}{chosen} --cached-only --write-docs")
        write_docs(text, command)
        if len(complete):
            scatter(complete, SCATTER, per_set.get("sklstm earlier"))


if __name__ == "__main__":
    main()
