"""The accuracy benchmark's protocol: origins, baselines and metrics on series with known answers."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from .conftest import load_script

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "accuracy.py"


@pytest.fixture(scope="module")
def bench():
    return load_script(SCRIPT, "accuracy_benchmark")


def seasonal_series(n, noise=0.0, trend=0.0, seed=0):
    index = pd.date_range("2005-01-01", periods=n, freq="MS")
    rng = np.random.default_rng(seed)
    values = (10 + 5 * np.sin(2 * np.pi * index.month / 12) + trend * np.arange(n)
              + noise * rng.normal(size=n))
    return pd.Series(values, index=index)


def test_origins_leave_every_test_period_inside_the_series(bench):
    for h in (6, 18):
        cuts = bench.origins(100, h)
        assert cuts == sorted(cuts) and len(cuts) == bench.N_ORIGINS
        assert cuts[-1] + h == 100  # the latest origin forecasts the last h months


def test_baselines_are_exact_where_they_should_be(bench):
    groups = {"g": {"a": seasonal_series(96), "b": seasonal_series(90, trend=0.1)}}
    seasons = {"g": 12}
    frames = [bench.run_method(name, groups, seasons)[0].assign(method=name)
              for name in ("naive", "seasonal naive", "climatology")]
    scores = bench.score(pd.concat(frames), groups, seasons).set_index(["method", "series", "h"])
    # A pure season is forecast exactly by seasonal naive and by climatology.
    assert scores.loc[("seasonal naive", "a", 18), "mae"] == pytest.approx(0, abs=1e-9)
    assert scores.loc[("climatology", "a", 6), "mae"] == pytest.approx(0, abs=1e-9)
    # With a trend of 0.1 a month, seasonal naive is off by 12 * 0.1 at every step...
    assert scores.loc[("seasonal naive", "b", 6), "mae"] == pytest.approx(1.2)
    # ... which is exactly its in-sample MAE, so its MASE is 1.
    assert scores.loc[("seasonal naive", "b", 6), "mase"] == pytest.approx(1.0)
    assert scores.loc[("naive", "b", 6), "mae"] > 1.2


def test_summary_counts_series_that_beat_seasonal_naive(bench):
    groups = {"temperature": {f"s{i}": seasonal_series(96, noise=1.0, seed=i) for i in range(4)}}
    seasons = {"temperature": 12}
    frames = [bench.run_method(name, groups, seasons)[0].assign(method=name)
              for name in ("seasonal naive", "climatology")]
    scores = bench.score(pd.concat(frames), groups, seasons)
    table = bench.summary(scores, {}).set_index("method")
    assert table.loc["seasonal naive", "rel. MAE (geo. mean)"] == pytest.approx(1.0)
    # On noise around a fixed season the mean of several years beats last year's value.
    assert table.loc["climatology", "beats seasonal naive"] == 1.0
    assert table.loc["climatology", "beats s. naive (series)"] == 1.0
    assert table.loc["seasonal naive", "beats s. naive (series)"] == 0.0
    assert "| climatology |" in bench.markdown(table.reset_index())


def test_method_names_may_hold_commas(bench):
    accuracy = bench
    assert accuracy.method_names("climatology, exp: global, window 24,AutoETS") == [
        "climatology", "exp: global, window 24", "AutoETS"]
    assert accuracy.method_names("climatology,nonsense") == ["climatology", "nonsense"]
    # A name that starts another one does not cut the longer one short.
    longer = "exp: global, climatology input, early stopping"
    assert accuracy.method_names(f"exp: global, climatology input,{longer}") == [
        "exp: global, climatology input", longer]


def test_series_share_averages_the_horizons_of_a_series(bench):
    scores = pd.DataFrame({
        "method": ["seasonal naive"] * 4 + ["m"] * 4,
        "group": "g", "series": ["a", "a", "b", "b"] * 2, "h": [6, 18] * 4,
        # m: series a loses at h=6 but wins over both horizons; b loses at both.
        "mae": [1.0, 3.0, 1.0, 1.0, 1.5, 2.0, 1.2, 1.1],
        "smape": 0.0, "mase": 1.0,
    })
    m = scores[scores.method == "m"]
    assert bench.relative_mae_per_series(m, scores).round(3).tolist() == [0.875, 1.15]
    table = bench.summary(scores, {}).set_index("method")
    assert table.loc["m", "beats s. naive (series)"] == 0.5
    assert table.loc["m", "beats seasonal naive"] == 0.25
