"""Many series at once: make_sequences cuts each series apart, forecast() returns every series'
future with a (series, time) index."""

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklstm import LSTMForecaster, make_sequences

SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)), deadline=None)


@st.composite
def panels(draw):
    n_series = draw(st.integers(1, 4))
    lengths = [draw(st.integers(8, 30)) for _ in range(n_series)]
    starts = [draw(st.integers(0, 10)) for _ in range(n_series)]
    frames = {}
    for k, (n, start) in enumerate(zip(lengths, starts)):
        # Values that name their series and position: a window mixing series is visible.
        frames[f"s{k}"] = pd.Series(1000.0 * k + np.arange(start, start + n),
                                    index=pd.RangeIndex(start, start + n))
    return pd.concat(frames, names=["series", "time"])


@SETTINGS
@given(panel=panels(), window=st.integers(1, 5), horizon=st.integers(1, 3),
       stride=st.integers(1, 2))
def test_windows_never_cross_a_series_boundary(panel, window, horizon, stride):
    seq = make_sequences(panel, window_length=window, horizon=horizon, stride=stride)
    X, y = np.asarray(seq.X)[:, :, 0], np.asarray(seq.y).reshape(len(seq.y), -1)
    expected = sum(len(range(0, len(part) - window - horizon + 1, stride))
                   for _, part in panel.groupby(level=0))
    assert len(X) == len(y) == len(seq.origin) == expected
    for i, (key, origin) in enumerate(seq.origin):
        values = panel.loc[key]
        assert origin in values.index
        np.testing.assert_array_equal(X[i], values.loc[origin - window + 1 : origin].to_numpy())
        np.testing.assert_array_equal(y[i], values.loc[origin + 1 : origin + horizon].to_numpy())
        assert seq.target_index[i] == (key, origin + 1)
    times = [t for _, t in seq.origin]
    assert times == sorted(times)  # time order across series: latest samples last


def test_wide_long_and_multiindex_panels_give_the_same_samples():
    index = pd.date_range("2001-01-01", periods=30, freq="MS", name="month")
    wide = pd.DataFrame({"north": np.arange(30.0), "south": 50 + np.arange(30.0) ** 1.5},
                        index=index)
    long = wide.stack().rename("temp").reset_index(level=1).rename(columns={"level_1": "site"})
    multi = wide.stack().swaplevel().sort_index()
    a = make_sequences(wide, 6, horizon=2, series_id="columns")
    b = make_sequences(long, 6, horizon=2, series_id="site")
    c = make_sequences(multi, 6, horizon=2)
    for other in (b, c):
        np.testing.assert_array_equal(a.X, other.X)
        np.testing.assert_array_equal(a.y, other.y)
        assert [tuple(t) for t in a.origin] == [tuple(t) for t in other.origin]
    assert a.origin.names == ["series", "month"] and b.origin.names == ["site", "month"]
    assert a.origin[:2].tolist() == [("north", index[5]), ("south", index[5])]


def test_panel_forecast_has_every_series_future_from_its_own_end():
    t = np.arange(300)
    a = pd.Series(np.sin(t / 6.0), index=pd.RangeIndex(300))
    b = pd.Series(20 + 3 * np.sin(t[:250] / 6.0), index=pd.RangeIndex(250))
    panel = pd.concat({"a": a, "b": b}, names=["series", "time"])
    X, y = make_sequences(panel, window_length=24, horizon=3)
    model = LSTMForecaster(scaling="window", hidden_size=16, max_epochs=20,
                           random_state=0).fit(X, y)
    forecast = model.forecast(panel)
    assert forecast.index.tolist() == [("a", 300), ("a", 301), ("a", 302),
                                       ("b", 250), ("b", 251), ("b", 252)]
    assert forecast.index.names == ["series", "time"]
    # The same numbers as forecasting each series alone.
    np.testing.assert_array_equal(forecast.loc["a"].to_numpy(), model.forecast(a).to_numpy())
    np.testing.assert_array_equal(forecast.loc["b"].to_numpy(), model.forecast(b).to_numpy())
    truth = 20 + 3 * np.sin(np.arange(250, 253) / 6.0)
    np.testing.assert_allclose(forecast.loc["b"].to_numpy(), truth, atol=0.5)
    # Wide panels and intervals too.
    wide = pd.DataFrame({"a": a.to_numpy()[:250], "b": b.to_numpy()})
    frame = LSTMForecaster(scaling="window", hidden_size=8, max_epochs=3, calibration_fraction=0.2,
                           random_state=0).fit(X, y).forecast(wide, series_id="columns",
                                                              coverage=0.8)
    assert list(frame.columns) == ["forecast", "lower", "upper"]
    assert frame.index.get_level_values("series").tolist() == ["a"] * 3 + ["b"] * 3


def test_panel_errors_name_the_series_and_the_fix():
    panel = pd.concat({"long": pd.Series(np.arange(20.0)), "short": pd.Series(np.arange(3.0))},
                      names=["series", "time"])
    with pytest.raises(ValueError, match="series 'short' of the panel: series has 3 rows"):
        make_sequences(panel, window_length=5)
    with pytest.raises(ValueError, match="history= completes the first windows of one series"):
        make_sequences(panel, window_length=2, history=panel)
    with pytest.raises(ValueError, match="series_id='site' must be a column"):
        make_sequences(pd.DataFrame({"x": np.arange(10.0)}), 3, series_id="site")
    with pytest.raises(TypeError, match="series_id='columns' reads a wide DataFrame"):
        make_sequences(pd.Series(np.arange(10.0)), 3, series_id="columns")
    unsorted = pd.concat({"a": pd.Series([1.0, 2.0, 3.0, 4.0], index=[3, 1, 2, 4])},
                         names=["series", "time"])
    with pytest.raises(ValueError, match="sort_index"):
        make_sequences(unsorted, 2)
