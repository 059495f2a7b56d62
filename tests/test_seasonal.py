"""Deseasonalizer: seasonal profiles removed per series and put back on any time label."""

import numpy as np
import pandas as pd
import pytest

from sklstm import Deseasonalizer
from sklstm.seasonal import infer_season_length, is_seasonal

MONTHS = pd.date_range("2000-01-01", periods=96, freq="MS")
SEASON = np.array([5.0, 4, 2, 0, -2, -4, -5, -4, -2, 0, 2, 4])


def _monthly(values, start="2000-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def test_additive_season_with_trend_is_removed_exactly():
    trend = 20 + 0.1 * np.arange(96)
    y = _monthly(trend + np.tile(SEASON, 8))
    adjusted = Deseasonalizer().fit_transform(y)
    # A linear trend passes the centred moving average unchanged: the season comes out exact.
    np.testing.assert_allclose(adjusted.to_numpy(), trend, atol=1e-9)
    assert adjusted.index.equals(y.index)


def test_inverse_transform_continues_the_season_into_the_future_and_past():
    y = _monthly(10 + np.tile(SEASON, 8))
    adjuster = Deseasonalizer().fit(y)
    future = _monthly(np.full(15, 10.0), start="2008-01-01")  # the month after the end: Jan
    np.testing.assert_allclose(adjuster.inverse_transform(future).to_numpy(),
                               10 + np.resize(SEASON, 15))
    past = _monthly(np.full(3, 10.0), start="1999-10-01")  # Oct, Nov, Dec before the start
    np.testing.assert_allclose(adjuster.inverse_transform(past).to_numpy(), 10 + SEASON[9:])


def test_multiplicative_season_growing_with_the_level():
    level = 100 * 1.01 ** np.arange(96)
    factors = 1 + SEASON / 20
    y = _monthly(level * np.tile(factors, 8))
    adjuster = Deseasonalizer(model="multiplicative").fit(y)
    adjusted = adjuster.transform(y).to_numpy()
    assert np.max(np.abs(adjusted / level - 1)) < 0.01
    additive = Deseasonalizer(model="additive").fit_transform(y).to_numpy()
    assert np.max(np.abs(additive / level - 1)) > 3 * np.max(np.abs(adjusted / level - 1))
    assert Deseasonalizer(model="auto").fit(y).profiles_[(None, 0)][0] == "multiplicative"
    assert Deseasonalizer(model="auto").fit(y - 200).profiles_[(None, 0)][0] == "additive"
    # A positive series whose season keeps its size as the level grows is additive.
    steady = _monthly(level + 5 * np.tile(SEASON, 8))
    assert Deseasonalizer(model="auto").fit(steady).profiles_[(None, 0)][0] == "additive"


def test_series_without_a_season_pass_unchanged():
    rng = np.random.default_rng(0)
    walk = _monthly(np.cumsum(rng.normal(size=96)))
    adjuster = Deseasonalizer().fit(walk)
    assert adjuster.profiles_ == {}
    pd.testing.assert_series_equal(adjuster.transform(walk), walk)
    # No known season for an integer index (and "auto"): nothing is adjusted.
    plain = pd.Series(10 + np.tile(SEASON, 8))
    assert Deseasonalizer().fit(plain).season_length_ is None
    # ... unless the season length is given: positions then give the phase.
    given = Deseasonalizer(season_length=12).fit(plain)
    np.testing.assert_allclose(given.transform(plain), 10, atol=1e-9)


def test_panel_round_trip_and_per_series_profiles():
    rng = np.random.default_rng(1)
    a = _monthly(10 + np.tile(SEASON, 8) + rng.normal(0, 0.2, 96))
    b = _monthly(50 - np.tile(SEASON, 7) + rng.normal(0, 0.2, 84), start="2001-04-01")
    c = _monthly(rng.normal(size=90))  # noise: no profile
    panel = pd.concat({"a": a, "b": b, "c": c}, names=["city", "month"])
    adjuster = Deseasonalizer().fit(panel)
    assert set(adjuster.profiles_) == {("a", 0), ("b", 0)}
    adjusted = adjuster.transform(panel)
    assert adjusted.index.equals(panel.index)
    assert adjusted.loc["a"].std() < 0.5 < a.std()
    assert adjusted.loc["b"].std() < 0.5 < b.std()
    pd.testing.assert_series_equal(adjusted.loc["c"], panel.loc["c"])
    np.testing.assert_allclose(adjuster.inverse_transform(adjusted), panel, atol=1e-9)
    # b starts in April: its phase 0 is its own first month, not a's January.
    np.testing.assert_allclose(adjuster.profiles_[("b", 0)][3][:3], -SEASON[:3], atol=0.3)
    np.testing.assert_allclose(adjuster.inverse_transform(
        pd.concat({"b": _monthly(np.full(3, 50.0), start="2008-04-01")}, names=["city", "month"])
    ).to_numpy().ravel(), 50 - SEASON[:3], atol=0.3)
    np.testing.assert_allclose(adjuster.profiles_[("a", 0)][3][:3], SEASON[:3], atol=0.3)


def test_wide_frame_and_array_columns_are_separate_series():
    frame = pd.DataFrame({"x": 10 + np.tile(SEASON, 8), "y": 3 - 2 * np.tile(SEASON, 8)},
                         index=MONTHS)
    adjusted = Deseasonalizer().fit_transform(frame)
    np.testing.assert_allclose(adjusted, [[10, 3]] * 96, atol=1e-9)
    array = Deseasonalizer(season_length=12).fit_transform(frame.to_numpy())
    assert isinstance(array, np.ndarray)
    np.testing.assert_allclose(array, adjusted.to_numpy())


def test_bad_input_is_refused_by_name():
    y = _monthly(10 + np.tile(SEASON, 8))
    with pytest.raises(ValueError, match="season_length"):
        Deseasonalizer(season_length=1).fit(y)
    with pytest.raises(ValueError, match="model"):
        Deseasonalizer(model="log").fit(y)
    with pytest.raises(ValueError, match="positive values"):
        Deseasonalizer(model="multiplicative").fit(y - 10)
    adjuster = Deseasonalizer().fit(pd.concat({"a": y}, names=["s", "t"]))
    with pytest.raises(ValueError, match="series 'z' of X was not seen in fit"):
        adjuster.transform(pd.concat({"z": y}, names=["s", "t"]))
    single = Deseasonalizer().fit(y)
    off_grid = pd.Series(1.0, index=pd.date_range("2010-01-15", periods=3, freq="D"))
    with pytest.raises(ValueError, match="not on the grid"):
        single.transform(off_grid)
    with pytest.raises(ValueError, match="features"):
        single.transform(np.c_[y.to_numpy(), y.to_numpy()])


def test_infer_season_length_and_seasonality_test():
    assert infer_season_length(pd.date_range("2000", periods=5, freq="MS")) == 12
    assert infer_season_length(pd.date_range("2000", periods=5, freq="QS")) == 4
    assert infer_season_length(pd.date_range("2000", periods=5, freq="D")) == 7
    assert infer_season_length(pd.date_range("2000", periods=5, freq="h")) == 24
    assert infer_season_length(pd.period_range("2000-01", periods=5, freq="M")) == 12
    assert infer_season_length(pd.date_range("2000", periods=5, freq="YS")) is None
    assert infer_season_length(pd.RangeIndex(5)) is None
    rng = np.random.default_rng(0)
    t = np.arange(120)
    assert is_seasonal(np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, 120), 12)
    assert not is_seasonal(rng.normal(size=120), 12)
    assert not is_seasonal(np.sin(2 * np.pi * t / 12)[:30], 12)  # under three seasons
