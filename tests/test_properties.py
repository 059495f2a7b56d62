"""Property-based tests: generated indexes and values either get a clear ValueError/TypeError
or outputs whose every window, target and timestamp is the right one."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sklstm import TimeSeriesImputer, make_sequences, reinstate_missing_timestamps
from sklstm._time import future_index

# HYPOTHESIS_EXAMPLES=1000 for a deeper search than the default run's.
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FREQS = ["D", "h", "MS", "ME", "W-MON", "15min", "YS", "QS"]
TZS = [None, "UTC", "Australia/Sydney", "America/New_York"]


@st.composite
def indexes(draw, min_size=2, max_size=40):
    """Indexes of every kind a user passes: sorted or not, gapped, duplicated, tz, Period."""
    n = draw(st.integers(min_size, max_size))
    kind = draw(st.sampled_from(["datetime", "period", "range", "int"]))
    if kind == "datetime":
        freq, tz = draw(st.sampled_from(FREQS)), draw(st.sampled_from(TZS))
        index = pd.date_range("2001-03-01", periods=n + 10, freq=freq, tz=tz)
    elif kind == "period":
        index = pd.period_range("2001-01", periods=n + 10, freq=draw(st.sampled_from("MQD")))
    elif kind == "range":
        index = pd.RangeIndex(5, 5 + n + 10)
    else:
        index = pd.Index(np.arange(n + 10) * 3 + 7)
    positions = np.arange(len(index))
    damage = draw(st.sampled_from(["none", "gaps", "shuffle", "duplicate"]))
    if damage == "gaps":
        keep = draw(st.lists(st.booleans(), min_size=len(index), max_size=len(index)))
        positions = positions[np.asarray(keep, dtype=bool)]
    elif damage == "shuffle":
        positions = np.asarray(draw(st.permutations(positions.tolist())))
    elif damage == "duplicate":
        positions = np.sort(np.r_[positions, draw(st.sampled_from(positions.tolist()))])
    assume(len(positions) >= min_size)
    return index[positions[:max_size]]


values_strategy = st.sampled_from([1.0, 1e-30, 1e30, -1e8]).flatmap(
    lambda scale: st.sampled_from([0.0, 1e8, -3.0]).map(lambda offset: (scale, offset))
)


@SETTINGS
@given(index=indexes(), scale_offset=values_strategy, window=st.integers(1, 6),
       horizon=st.integers(1, 3), stride=st.integers(1, 3))
def test_make_sequences_windows_targets_and_timestamps(index, scale_offset, window, horizon,
                                                       stride):
    scale, offset = scale_offset
    values = offset + scale * np.arange(len(index), dtype=float)
    series = pd.Series(values, index=index)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            X, y = seq = make_sequences(series, window, horizon=horizon, stride=stride)
    except (ValueError, TypeError) as exc:
        assert str(exc)  # a message, never a bare error
        sorted_unique = index.is_monotonic_increasing and not index.has_duplicates
        assert not sorted_unique or len(index) < window + horizon, exc
        return
    assert index.is_monotonic_increasing and not index.has_duplicates
    for i in range(len(y)):
        o = i * stride + window - 1  # row of the origin
        np.testing.assert_array_equal(X[i, :, 0], values[o - window + 1 : o + 1])
        expected = values[o + 1 : o + 1 + horizon]
        np.testing.assert_array_equal(np.atleast_1d(y[i]), expected)
        assert seq.origin[i] == index[o] and seq.target_index[i] == index[o + 1]


@SETTINGS
@given(index=indexes(min_size=12), window=st.integers(1, 5), split=st.integers(6, 11))
def test_history_gives_the_same_windows_as_the_whole_series(index, window, split):
    series = pd.Series(np.arange(len(index), dtype=float), index=index)
    assume(index.is_monotonic_increasing and not index.has_duplicates)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            whole = make_sequences(series, window)
            part = make_sequences(series[split:], window, history=series[:split])
    except ValueError as exc:
        # Only an irregular index may make adjacency unprovable: then it must say so.
        assert "one step before" in str(exc) or "too short" in str(exc)
        return
    first = split - window
    np.testing.assert_array_equal(part.X, whole.X[first:])
    np.testing.assert_array_equal(part.y, whole.y[first:])
    assert part.target_index.equals(whole.target_index[first:])


@SETTINGS
@given(freq=st.sampled_from(FREQS), tz=st.sampled_from(TZS), n=st.integers(3, 60),
       data=st.data())
def test_reinstate_recovers_the_grid_or_refuses(freq, tz, n, data):
    full = pd.date_range("2003-05-01" if freq not in ("MS", "YS", "QS") else "2003-01-01",
                         periods=n, freq=freq, tz=tz)
    keep = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    keep[[0, -1]] = True
    series = pd.Series(np.arange(n, dtype=float), index=full)[keep]
    try:
        out = reinstate_missing_timestamps(series)
    except ValueError as exc:
        assert "freq=" in str(exc)
        return
    # Every value kept at its timestamp; everything else NaN; a regular grid containing the
    # original timestamps: either the original grid or one every gap is a multiple of.
    assert out.index.is_monotonic_increasing and not out.index.has_duplicates
    np.testing.assert_array_equal(out.reindex(series.index).to_numpy(), series.to_numpy())
    assert out.drop(series.index).isna().all()
    assert set(out.index) <= set(full)
    if keep.all() or np.all(np.diff(np.flatnonzero(keep)) >= 1) and 1 in np.diff(np.flatnonzero(keep)):
        assert out.index.equals(full)


@SETTINGS
@given(n=st.integers(2, 40), data=st.data(),
       strategy=st.sampled_from(["linear", "neighbor_mean", "ffill", "seasonal"]),
       period=st.integers(1, 6))
def test_imputer_fills_every_gap_or_says_which(n, data, strategy, period):
    values = np.asarray(data.draw(st.lists(
        st.one_of(st.just(np.nan), st.floats(-1e6, 1e6)), min_size=n, max_size=n)))
    s = pd.Series(values, index=pd.date_range("2020-01", periods=n, freq="MS"))
    imputer = TimeSeriesImputer(strategy=strategy, period=period)
    try:
        out = imputer.fit_transform(s)
    except ValueError as exc:
        assert "no observed value" in str(exc) or "unfilled" in str(exc)
        assert np.isnan(values).any()
        return
    assert out.index.equals(s.index) and not out.isna().any()
    observed = ~np.isnan(values)
    np.testing.assert_array_equal(out.to_numpy()[observed], values[observed])
    lo, hi = values[observed].min(), values[observed].max()
    assert ((out >= lo - 1e-6) & (out <= hi + 1e-6)).all()  # fills stay within the data


@SETTINGS
@given(index=indexes(min_size=3), periods=st.integers(1, 5))
def test_future_index_continues_the_index(index, periods):
    assume(index.is_monotonic_increasing and not index.has_duplicates)
    try:
        future = future_index(index, periods, None, "series")
    except ValueError as exc:
        assert "freq=" in str(exc)
        return
    assert len(future) == periods
    combined = index.append(future)
    assert combined.is_monotonic_increasing and not combined.has_duplicates
    if isinstance(index, pd.DatetimeIndex):
        assert future.tz == index.tz
    else:
        assert type(future) is type(index) or not isinstance(index, pd.PeriodIndex)


@pytest.mark.parametrize("n_missing", [1, 2, 5])
def test_imputer_linear_fill_is_on_the_line(n_missing):
    values = np.arange(20, dtype=float) * 3.0
    gappy = values.copy()
    gappy[5 : 5 + n_missing] = np.nan
    s = pd.Series(gappy, index=pd.period_range("2000-01", periods=20, freq="M"))
    out = TimeSeriesImputer(strategy="linear").fit_transform(s)
    np.testing.assert_allclose(out.to_numpy(), values)
    assert out.index.equals(s.index)
