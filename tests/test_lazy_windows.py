"""Lazy panel windows (``make_sequences(..., lazy=True)``): the same samples as the copied
windows, the same fit, and memory of the series rather than of the windows."""

import pickle
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from sklstm import LSTMForecaster, make_sequences
from sklstm._lazy_windows import LazyWindows


def monthly_panel(n_series, length=72, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    level = rng.lognormal(3, 0.5, size=(n_series, 1))
    season = np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6, size=(n_series, 1)))
    values = level * (1 + 0.2 * season + 0.05 * rng.standard_normal((n_series, length)))
    index = pd.date_range("2010-01", periods=length, freq="MS")
    return pd.DataFrame(values.T, index=index, columns=[f"s{i}" for i in range(n_series)])


def test_lazy_windows_are_the_copied_windows():
    panel = monthly_panel(7)
    eager = make_sequences(panel, 24, horizon=6, series_id="columns")
    lazy = make_sequences(panel, 24, horizon=6, series_id="columns", lazy=True)
    assert isinstance(lazy.X, LazyWindows) and isinstance(lazy.y, LazyWindows)
    assert lazy.X.shape == eager.X.shape and lazy.y.shape == eager.y.shape
    np.testing.assert_array_equal(np.asarray(lazy.X), eager.X)
    np.testing.assert_array_equal(np.asarray(lazy.y), eager.y)
    assert lazy.origin.equals(eager.origin) and lazy.target_index.equals(eager.target_index)
    for name in ("feature_names", "target_position", "state_season", "n_series"):
        assert getattr(lazy.X, name) == getattr(eager.X, name)
    # Slices stay lazy; indexing gathers just those rows, with the windows' attributes.
    part = lazy.X[10:40]
    assert isinstance(part, LazyWindows) and len(part) == 30
    rows = np.array([3, 0, 77])
    np.testing.assert_array_equal(lazy.X[rows], eager.X[rows])
    assert lazy.X[rows].state_season == eager.X.state_season
    np.testing.assert_array_equal(lazy.X[5], eager.X[5])
    np.testing.assert_array_equal(lazy.X[:, -1, 0], eager.X[:, -1, 0])
    np.testing.assert_array_equal(lazy.y[-3:], eager.y[-3:])
    # numpy operations see the gathered windows.
    assert np.allclose(lazy.X.mean(), eager.X.mean()) and np.allclose(lazy.X * 2, eager.X * 2)
    # Probes for other types gather nothing; ndarray's methods answer for the windows.
    calls = []
    original = LazyWindows.materialize
    LazyWindows.materialize = lambda self: calls.append(1) or original(self)
    try:
        assert not hasattr(lazy.X, "iloc") and not hasattr(lazy.X, "columns") and not calls
        assert lazy.X.strides == eager.X.copy().strides and calls
    finally:
        LazyWindows.materialize = original
    # Pickled with its buffer, not its windows.
    restored = pickle.loads(pickle.dumps(lazy.X))
    np.testing.assert_array_equal(np.asarray(restored), eager.X)
    assert len(pickle.dumps(lazy.X)) < eager.X.nbytes / 4


def test_horizon_one_and_a_long_panel():
    panel = monthly_panel(3)
    long = panel.stack().rename("value").reset_index(level=1).rename(
        columns={"level_1": "site"})
    eager = make_sequences(long, 12, series_id="site")
    lazy = make_sequences(long, 12, series_id="site", lazy=True)
    assert lazy.y.shape == eager.y.shape == (len(eager.X),)
    np.testing.assert_array_equal(np.asarray(lazy.y), eager.y)
    np.testing.assert_array_equal(np.asarray(lazy.X), eager.X)


def test_a_fit_on_lazy_windows_is_the_fit_on_copied_windows():
    panel = monthly_panel(12)
    eager = make_sequences(panel, 24, horizon=6, series_id="columns")
    lazy = make_sequences(panel, 24, horizon=6, series_id="columns", lazy=True)
    params = dict(hidden_size=8, max_epochs=3, random_state=0)
    a = LSTMForecaster(**params).fit(*eager)
    b = LSTMForecaster(**params).fit(*lazy)
    assert a.history_["valid_loss"].tolist() == b.history_["valid_loss"].tolist()
    np.testing.assert_array_equal(a.predict(eager.X[-20:]), b.predict(lazy.X[-20:]))
    np.testing.assert_array_equal(a.predict(eager.X[-20:]), a.predict(lazy.X[-20:]))
    lo_a, hi_a = a.predict_interval(eager.X[-5:])
    lo_b, hi_b = b.predict_interval(lazy.X[-5:])
    np.testing.assert_allclose(lo_a, lo_b) and np.testing.assert_allclose(hi_a, hi_b)
    np.testing.assert_array_equal(np.asarray(a.forecast(panel, series_id="columns")),
                                  np.asarray(b.forecast(panel, series_id="columns")))


def test_a_grid_search_with_time_series_splits_takes_lazy_windows():
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

    X, y = make_sequences(monthly_panel(6), 24, horizon=3, series_id="columns", lazy=True)
    search = GridSearchCV(LSTMForecaster(max_epochs=2, random_state=0),
                          {"hidden_size": [4, 8]}, cv=TimeSeriesSplit(2), error_score="raise",
                          scoring="neg_mean_absolute_error").fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert X[np.arange(5), ...].state_season == X.state_season == 12


def test_bad_values_in_lazy_windows_are_named():
    panel = monthly_panel(3)
    panel.iloc[30, 1] = np.nan
    X, y = make_sequences(panel, 12, horizon=2, series_id="columns", season_length=None,
                          lazy=True)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LSTMForecaster(max_epochs=1).fit(X, y)
    panel = monthly_panel(3)
    panel.iloc[-1, 0] = np.nan  # in the targets only
    X, y = make_sequences(panel, 12, horizon=2, series_id="columns", season_length=None,
                          lazy=True)
    LSTMForecaster(max_epochs=1).fit(X[:-3], y[:-3])  # windows without it are fine
    with pytest.raises(ValueError, match="Input y contains NaN"):
        LSTMForecaster(max_epochs=1).fit(X, y)


def traced_fit_peak(n_series):
    X, y = make_sequences(monthly_panel(n_series), 24, horizon=6, series_id="columns",
                          lazy=True)
    model = LSTMForecaster(hidden_size=8, max_epochs=1, random_state=0)
    tracemalloc.start()
    try:
        model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, X.nbytes + y.nbytes


def test_a_lazy_fit_grows_with_the_series_not_the_windows():
    # 400 more series of 72 months: 20 MiB more of copied windows (with the five state
    # channels), 1.3 MiB more of buffer. The Python-side allocations of the whole fit
    # (numpy's are traced) grow by far less than the copied windows do; the rest of the
    # peak (samples of 10,000 windows for the scaling, batches) is the same for any panel.
    small, copied_small = traced_fit_peak(400)
    large, copied_large = traced_fit_peak(800)
    assert large - small < 0.25 * (copied_large - copied_small), (
        small / 2**20, large / 2**20, (copied_large - copied_small) / 2**20)
