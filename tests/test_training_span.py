"""max_samples_per_series: how much of a long history the forecasters train on."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import InvalidParameterError

from sklstm import GRUForecaster, LSTMForecaster, SequenceWindower, make_sequences
from sklstm._window_array import from_make_sequences
from sklstm.forecasting import AUTO_MAX_SAMPLES_PER_SERIES

SMALL = dict(hidden_size=4, max_epochs=2, early_stopping=False, random_state=0)


def daily(n, level=0.0, name=None):
    t = np.arange(n, dtype=float)
    return pd.Series(level + np.sin(t / 5.0) + t / n, name=name,
                     index=pd.date_range("1900-01-01", periods=n, freq="D"))


def test_a_series_trains_on_its_latest_windows_exactly_as_if_cut_by_hand():
    X, y = make_sequences(daily(700), 10)
    capped = LSTMForecaster(max_samples_per_series=250, **SMALL).fit(X, y)
    by_hand = LSTMForecaster(max_samples_per_series=None, **SMALL).fit(X[-250:], y[-250:])
    assert capped.training_start_ == len(X) - 250
    assert by_hand.training_start_ == 0
    np.testing.assert_allclose(capped.predict(X[:50]), by_hand.predict(X[:50]), rtol=1e-5)
    # The older windows are not trained on: the fit differs from one on all of them.
    whole = LSTMForecaster(max_samples_per_series=None, **SMALL).fit(X, y)
    assert not np.allclose(whole.predict(X[:50]), capped.predict(X[:50]))


def test_a_panel_keeps_the_latest_windows_of_each_series():
    panel = pd.concat([daily(400, 1000.0 * k + 10, name=f"s{k}") for k in range(3)], axis=1)
    X, y = make_sequences(panel, 10, series_id="columns", season_length=None)
    model = GRUForecaster(max_samples_per_series=120, **SMALL).fit(X, y)
    assert model.training_start_ == len(X) - 3 * 120
    kept = y[model.training_start_:]
    series = (kept // 1000).astype(int)  # each series lives on its own thousand
    assert np.bincount(series).tolist() == [120, 120, 120]
    for k in range(3):  # ... and they are its latest 120 targets
        np.testing.assert_array_equal(kept[series == k], y[y // 1000 == k][-120:])


def test_auto_keeps_the_latest_windows_of_make_sequences_and_every_row_of_other_arrays():
    n = AUTO_MAX_SAMPLES_PER_SERIES + 40
    X, y = make_sequences(daily(n + 5), 5, season_length=None)
    assert len(X) == n
    fast = dict(hidden_size=2, max_epochs=1, samples_per_epoch=64, early_stopping=False,
                random_state=0)
    model = LSTMForecaster(**fast).fit(X, y)
    assert model.get_params()["max_samples_per_series"] == "auto"
    assert model.training_start_ == 40
    # Windows cut by hand carry no time order sklstm can trust: "auto" keeps all of them,
    # an explicit number keeps the latest rows.
    plain = np.asarray(X).copy()
    assert LSTMForecaster(**fast).fit(plain, y).training_start_ == 0
    assert LSTMForecaster(max_samples_per_series=100, **fast).fit(plain, y).training_start_ == n - 100
    # A short series is untouched.
    Xs, ys = make_sequences(daily(300), 10)
    assert LSTMForecaster(**SMALL).fit(Xs, ys).training_start_ == 0


def test_the_rule_holds_in_every_door():
    X, y = make_sequences(daily(500), 10)
    search = GridSearchCV(LSTMForecaster(max_samples_per_series=100, **SMALL),
                          {"hidden_size": [4]}, cv=TimeSeriesSplit(2)).fit(X, y)
    # The refit on all 490 windows and each split's fit keep their latest 100.
    assert search.best_estimator_.training_start_ == len(X) - 100
    pipe = make_pipeline(SequenceWindower(window_length=7),
                         LSTMForecaster(max_samples_per_series=100, **SMALL)).fit(X, y)
    assert pipe[-1].training_start_ == len(X) - 100
    # "auto" reads the windows' origin, which survives a search's row split and a windower.
    assert from_make_sequences(_safe_indexing(X, np.arange(50)))
    assert from_make_sequences(SequenceWindower(window_length=7).fit_transform(X))
    assert not from_make_sequences(np.asarray(X))

    sktime_door = pytest.importorskip("sklstm.sktime", reason="the sktime door needs sktime")
    forecaster = sktime_door.LSTMForecaster(window_length=10, max_samples_per_series=100,
                                            **SMALL)
    forecaster.fit(daily(500), fh=[1, 2])
    inner = forecaster.estimator_
    assert inner.training_start_ > 0
    assert inner.get_params()["max_samples_per_series"] == 100


@pytest.mark.parametrize("value", [0, -5, "all", 2.5])
def test_max_samples_per_series_is_validated(value):
    X, y = make_sequences(daily(100), 10)
    with pytest.raises(InvalidParameterError, match="max_samples_per_series"):
        LSTMForecaster(max_samples_per_series=value, **SMALL).fit(X, y)


def test_the_training_span_benchmark_reports_the_windows_each_cap_keeps():
    from pathlib import Path

    from .conftest import load_script

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "training_span.py"
    bench = load_script(script, "training_span_benchmark")
    series = daily(420)
    rows = bench.probe(series[:360], series[360:], caps=[120, None], seeds=[0])
    assert [(cap, kept) for cap, _, kept, _, _ in rows] == [(120, 120), (None, 350)]
    assert all(np.isfinite(rmse) and rmse < 1.0 for _, _, _, rmse, _ in rows)
