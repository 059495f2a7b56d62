"""The time-order contract: every entry point that takes an index refuses the same mistakes."""

import warnings

import numpy as np
import pandas as pd
import pytest

from sklstm import (
    LSTMForecaster,
    TimeSeriesImputer,
    make_sequences,
    reinstate_missing_timestamps,
)
from sklstm.exceptions import IrregularTimeIndexWarning

DAYS = pd.date_range("2020-01-01", periods=60, freq="D")


def daily(values=None, index=DAYS, name="v"):
    values = np.arange(len(index), dtype=float) if values is None else values
    return pd.Series(values, index=index, name=name)


# -- make_sequences ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "series, message",
    [
        (daily().iloc[::-1], "not sorted by time"),
        (daily().iloc[[0, 2, 1, 3, 4, 5, 6, 7]], "not sorted by time"),
        (pd.concat([daily(), daily().iloc[-2:]]), "duplicated timestamps"),
    ],
)
def test_make_sequences_refuses_unsorted_or_duplicated_index(series, message):
    with pytest.raises(ValueError, match=message):
        make_sequences(series, window_length=3)


def test_make_sequences_warns_on_irregular_gaps_and_points_to_the_fix():
    s = daily().drop(DAYS[[10, 11, 30]])
    with pytest.warns(IrregularTimeIndexWarning, match="reinstate_missing_timestamps"):
        make_sequences(s, window_length=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make_sequences(daily(), window_length=3)  # a regular index: no warning


def test_history_must_end_exactly_one_step_before_the_series():
    s = daily()
    with pytest.raises(ValueError, match="exactly one step before"):
        make_sequences(s[30:], window_length=5, history=s[:25])  # ends 5 days early
    with pytest.raises(ValueError, match="must end before series starts"):
        make_sequences(s[30:], window_length=5, history=s[:35])  # overlaps
    seq = make_sequences(s[30:], window_length=5, history=s[:30])
    np.testing.assert_array_equal(seq.X[0, :, 0], s.iloc[25:30].to_numpy())
    assert seq.y[0] == s.iloc[30] and seq.target_index[0] == DAYS[30]


def test_history_columns_are_joined_by_name_not_position():
    frame = pd.DataFrame({"a": np.arange(60.0), "b": -np.arange(60.0)}, index=DAYS)
    swapped = frame[:30][["b", "a"]]
    seq = make_sequences(frame[30:], window_length=4, history=swapped, target="a")
    expected = make_sequences(frame, window_length=4, target="a")
    np.testing.assert_array_equal(seq.X, expected.X[26:])
    np.testing.assert_array_equal(seq.y, expected.y[26:])
    with pytest.raises(ValueError, match="columns"):
        make_sequences(frame[30:], 4, history=frame[:30].rename(columns={"b": "c"}), target="a")


def test_numpy_history_keeps_the_series_timestamps():
    s = daily()
    seq = make_sequences(s[30:], window_length=5, history=s[:30].to_numpy())
    assert seq.target_index.equals(DAYS[30:])
    assert seq.origin.equals(DAYS[29:-1])
    np.testing.assert_array_equal(seq.X[0, :, 0], np.arange(25.0, 30.0))


@pytest.mark.parametrize("series_tz, history_tz", [("UTC", None), (None, "Australia/Sydney")])
def test_history_with_another_timezone_kind_is_refused_clearly(series_tz, history_tz):
    s = daily()
    series = s[30:].tz_localize(series_tz) if series_tz else s[30:]
    history = s[:30].tz_localize(history_tz) if history_tz else s[:30]
    with pytest.raises(ValueError, match="timezone"):
        make_sequences(series, window_length=5, history=history)


def test_same_instant_in_two_timezones_is_adjacent():
    s = daily(index=pd.date_range("2020-01-01", periods=60, freq="D", tz="UTC"))
    history = s[:30].tz_convert("Europe/Berlin")
    seq = make_sequences(s[30:], window_length=5, history=history)
    assert seq.target_index[0] == s.index[30]


# -- reinstate_missing_timestamps ------------------------------------------------------------
def test_missing_weekend_is_reinstated_not_read_as_business_days():
    s = daily().drop(DAYS[[4, 5]])  # 2020-01-04 and -05: a Saturday and a Sunday
    out = reinstate_missing_timestamps(s)
    assert out.index.equals(DAYS) and out.isna().sum() == 2
    business = pd.Series(1.0, index=pd.bdate_range("2020-01-01", periods=20))
    out = reinstate_missing_timestamps(business)  # weekends come back as NaN
    assert out.index.equals(pd.date_range("2020-01-01", "2020-01-28", freq="D"))
    assert out.isna().sum() == 8


@pytest.mark.parametrize("freq", ["MS", "ME", "D", "h", "W-SUN", "15min", "YS"])
def test_calendar_frequency_is_inferred_from_gapped_data(freq):
    full = pd.date_range("2001-01-01", periods=40, freq=freq)
    s = pd.Series(np.arange(40.0), index=full).drop(full[[3, 17, 18, 30]])
    out = reinstate_missing_timestamps(s)
    assert out.index.equals(full)
    np.testing.assert_array_equal(out.dropna().to_numpy(), s.to_numpy())


def test_ambiguous_or_disordered_index_is_refused():
    odd = pd.Series(1.0, index=pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-06"]))
    with pytest.raises(ValueError, match="Pass freq="):
        reinstate_missing_timestamps(odd)
    assert len(reinstate_missing_timestamps(odd, freq="D")) == 6
    with pytest.raises(ValueError, match="not sorted"):
        reinstate_missing_timestamps(daily().iloc[::-1])
    with pytest.raises(ValueError, match="duplicated"):
        reinstate_missing_timestamps(pd.concat([daily(), daily()[:1]]))


def test_tz_aware_daily_grid_keeps_midnight_across_dst():
    idx = pd.date_range("2024-03-20", periods=20, freq="D", tz="Europe/Berlin")
    out = reinstate_missing_timestamps(pd.Series(1.0, index=idx).drop(idx[[8, 12]]))
    assert out.index.equals(idx)


# -- TimeSeriesImputer ---------------------------------------------------------------------
def test_imputer_refuses_unsorted_time_index():
    s = daily(np.where(np.arange(60) % 7 == 3, np.nan, 1.0))
    for strategy in ("linear", "neighbor_mean", "ffill"):
        with pytest.raises(ValueError, match="not sorted"):
            TimeSeriesImputer(strategy=strategy).fit_transform(s.iloc[::-1])


@pytest.mark.parametrize(
    "values, period",
    [
        ([1.0, np.nan, 3.0, 4.0, np.nan, 6.0], 12),  # the window is not longer than the period
        ([np.nan, 2.0, 3.0, np.nan, 5.0, 6.0, np.nan, 8.0, 9.0], 3),  # same season missing
        ([1.0, np.nan, 3.0], 5),  # the period exceeds the data
    ],
)
def test_seasonal_imputer_raises_on_gaps_it_cannot_fill(values, period):
    s = pd.Series(values, index=pd.date_range("2020-01", periods=len(values), freq="MS"))
    with pytest.raises(ValueError, match="unfilled.*strategy='linear'"):
        TimeSeriesImputer(strategy="seasonal", period=period).fit_transform(s)
    filled = TimeSeriesImputer(strategy="linear").fit_transform(s)
    assert not filled.isna().any()


def test_one_shape_convention_2d_arrays_are_samples_by_steps():
    # 2-D X means (n_samples, n_timesteps) for the imputer as for the estimators: rows are
    # never filled from one another.
    X = np.array([[1.0, np.nan, 3.0], [10.0, 20.0, np.nan]])
    out = TimeSeriesImputer(strategy="linear").fit_transform(X)
    np.testing.assert_array_equal(out, [[1.0, 2.0, 3.0], [10.0, 20.0, 20.0]])
    with pytest.raises(ValueError, match="no observed value.*time-major"):
        TimeSeriesImputer().fit_transform(np.array([[1.0, 2.0], [np.nan, np.nan]]))
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0]}, index=pd.date_range("2020", periods=3))
    assert TimeSeriesImputer(strategy="linear").fit_transform(frame)["a"].tolist() == [1, 2, 3]


# -- forecast ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_feature_model():
    frame = pd.DataFrame(
        {"a": np.sin(np.arange(200) / 5), "b": np.cos(np.arange(200) / 5)},
        index=pd.date_range("2020-01-01", periods=200, freq="D"),
    )
    X, y = make_sequences(frame, window_length=8, horizon=2, target="a")
    return frame, LSTMForecaster(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)


def test_forecast_checks_column_count_names_and_order(two_feature_model):
    frame, model = two_feature_model
    assert model.series_features_ == ("a", "b")
    with pytest.raises(ValueError, match=r"reorder them with series\[\['a', 'b'\]\]"):
        model.forecast(frame[["b", "a"]])
    with pytest.raises(ValueError, match="fitted on"):
        model.forecast(frame.rename(columns={"b": "c"}))
    with pytest.raises(ValueError, match="1 column"):
        model.forecast(frame["a"])
    out = model.forecast(frame)
    assert out.index.equals(pd.date_range("2020-07-19", periods=2, freq="D"))


def test_forecast_of_a_one_feature_model_refuses_two_columns():
    s = daily(np.sin(np.arange(60) / 3))
    X, y = make_sequences(s, window_length=5)
    model = LSTMForecaster(hidden_size=4, max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="2 column"):
        model.forecast(pd.DataFrame({"v": s, "w": s}))


def test_forecast_checks_freq_and_time_order(two_feature_model):
    frame, model = two_feature_model
    with pytest.raises(ValueError, match="disagrees"):
        model.forecast(frame, freq="MS")
    assert model.forecast(frame, freq="D").index[0] == pd.Timestamp("2020-07-19")
    with pytest.raises(ValueError, match="not sorted"):
        model.forecast(frame.iloc[::-1])
    with pytest.raises(ValueError, match="hold NaN"):
        model.forecast(frame.assign(a=np.r_[frame["a"].to_numpy()[:-1], np.nan]))


@pytest.mark.parametrize(
    "index",
    [
        pd.period_range("2000-01", periods=60, freq="M"),
        pd.date_range("2000-01-01", periods=60, freq="D", tz="Australia/Sydney"),
        pd.date_range("2000-01-01", periods=60, freq="MS"),
        pd.RangeIndex(100, 160),
        pd.Index(np.arange(0, 120, 2)),
    ],
    ids=["period", "tz-aware", "month-start", "range", "int-step-2"],
)
def test_forecast_returns_the_index_type_it_was_given(index):
    s = pd.Series(np.sin(np.arange(60) / 3), index=index)
    X, y = make_sequences(s, window_length=5, horizon=3)
    model = LSTMForecaster(hidden_size=4, max_epochs=1).fit(X, y)
    out = model.forecast(s)
    assert type(out.index) is type(index) or isinstance(index, pd.Index) and not isinstance(
        index, (pd.DatetimeIndex, pd.PeriodIndex)
    )
    assert len(out) == 3
    full = s.index.append(out.index)
    if isinstance(index, pd.DatetimeIndex):
        assert out.index.tz == index.tz
        assert out.index[0] == index[-1] + index.freq
    elif isinstance(index, pd.PeriodIndex):
        assert out.index[0] == index[-1] + 1
    else:
        step = index[1] - index[0]
        assert list(out.index) == [index[-1] + step * k for k in (1, 2, 3)]
    assert full.is_monotonic_increasing and not full.has_duplicates


def test_reinstate_fills_in_missing_periods():
    index = pd.PeriodIndex(["2020-01", "2020-02", "2020-05"], freq="M")
    out = reinstate_missing_timestamps(pd.Series([1.0, 2.0, 5.0], index=index))
    assert out.index.equals(pd.period_range("2020-01", "2020-05", freq="M"))
    assert out.isna().sum() == 2 and out.iloc[-1] == 5.0
    with pytest.raises(ValueError, match="disagrees"):
        reinstate_missing_timestamps(pd.Series([1.0, 2.0, 5.0], index=index), freq="D")


@pytest.mark.parametrize(
    "X, error, message",
    [
        (np.array([1.0, np.nan, 3.0]), ValueError, r"1-D.*make_sequences.*reshape\(1, -1\)"),
        ([1.0, 2.0, 3.0], ValueError, "1-D"),
        ({"a": 1}, TypeError, "X must be an array-like of sequences.*dict"),
        (None, TypeError, "got NoneType"),
    ],
)
def test_no_array_or_1d_array_says_what_sklstm_expects(X, error, message):
    with pytest.raises(error, match=message):
        TimeSeriesImputer().fit(X)
    with pytest.raises(error, match=message):
        LSTMForecaster(max_epochs=1).fit(X, np.zeros(3))
