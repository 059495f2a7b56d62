"""The UCR benchmark's report: wins, ties, losses and the paired test over sets."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import wilcoxon

from .conftest import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "ucr.py"


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT, "ucr_benchmark")


def test_the_paired_test_leaves_ties_out_and_matches_scipy(bench):
    ours = np.array([0.90, 0.80, 0.75, 0.99, 0.60, 0.70, 0.85, 0.50])
    theirs = np.array([0.85, 0.80, 0.70, 0.95, 0.65, 0.60, 0.80, 0.40])
    expected = wilcoxon(np.delete(ours - theirs, 1)).pvalue
    assert bench.paired_test(ours, theirs) == pytest.approx(expected)
    # Float noise from averaging seeds is a tie, not a win of 1e-17.
    noisy = theirs.copy()
    noisy[1] += 1e-15
    assert bench.paired_test(ours, noisy) == pytest.approx(expected)
    assert bench.paired_test(ours, ours) is None


def test_a_classifier_that_wins_everywhere_is_significant_and_a_coin_flip_is_not(bench):
    rng = np.random.default_rng(0)
    theirs = rng.uniform(0.5, 0.9, size=30)
    assert bench.paired_test(theirs + 0.05, theirs) < 1e-5
    signs = np.where(np.arange(30) % 2 == 0, 1.0, -1.0)
    assert bench.paired_test(theirs + 0.05 * signs, theirs) > 0.5


def test_the_report_counts_wins_ties_losses_and_shows_the_p_value(bench, monkeypatch):
    names = [f"set{i}" for i in range(6)]
    per_set = pd.DataFrame({
        "sklstm": [0.9, 0.8, 0.7, 0.6, 0.95, 0.5],
        "MiniRocket": [0.8, 0.8, 0.6, 0.7, 0.90, 0.4],
        "1-NN DTW": [0.5, 0.5, 0.5, 0.5, 0.50, 0.4],
        "HC2": [0.95, 0.85, 0.75, 0.65, 0.97, 0.55],
        "InceptionTime": [0.9, 0.9, 0.6, 0.5, 0.80, 0.6],
    }, index=names)
    spread = pd.DataFrame({"sklstm": np.zeros(6)}, index=names)
    fit = pd.DataFrame({"sklstm": np.ones(6)}, index=names)
    text, complete = bench.report(per_set, spread, fit)
    assert len(complete) == 6
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| ") and "/" in line}
    assert rows["MiniRocket"][2] == "4 / 1 / 1"
    assert rows["HC2"][2] == "0 / 0 / 6"
    assert float(rows["HC2"][3]) == pytest.approx(bench.paired_test(per_set["sklstm"],
                                                                    per_set["HC2"]), abs=5e-4)
    assert float(rows["MiniRocket"][3]) > float(rows["HC2"][3])
