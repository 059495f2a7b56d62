import numpy as np
import pandas as pd
import pytest

from sklstm import TimeSeriesImputer, reinstate_missing_timestamps

from .conftest import requires_data

NAN = np.nan


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ("neighbor_mean", [NAN, 1.0, 2.5, 2.5, 4.0, 4.0]),
        ("linear", [NAN, 1.0, 2.0, 3.0, 4.0, 4.0]),
        ("ffill", [NAN, 1.0, 1.0, 1.0, 4.0, 4.0]),
    ],
)
def test_strategies_fill_from_neighbours(strategy, expected):
    x = np.array([[NAN, 1.0, NAN, NAN, 4.0, NAN]])  # one sequence: 2-D is (n_samples, n_steps)
    out = TimeSeriesImputer(strategy=strategy).fit_transform(x)[0]
    expected[0] = 1.0  # the leading gap has one neighbour only
    np.testing.assert_allclose(out, expected)


def test_seasonal_takes_the_same_position_one_period_earlier():
    x = np.array([1.0, 2.0, 3.0, 10.0, NAN, 30.0, NAN, NAN, 300.0])[None, :]
    out = TimeSeriesImputer(strategy="seasonal", period=3).fit_transform(x)[0]
    np.testing.assert_array_equal(out, [1, 2, 3, 10, 2, 30, 10, 2, 300])


def test_seasonal_needs_a_period():
    with pytest.raises(ValueError, match="period"):
        TimeSeriesImputer(strategy="seasonal").fit(np.zeros((3, 1)))


def test_fills_inside_3d_sequences_along_time():
    X = np.array([[[1.0], [NAN], [3.0]], [[NAN], [5.0], [7.0]]])
    out = TimeSeriesImputer(strategy="linear").fit_transform(X)
    np.testing.assert_array_equal(out[:, :, 0], [[1, 2, 3], [5, 5, 7]])


def test_pandas_in_pandas_out_index_unchanged():
    index = pd.date_range("2020-01-01", periods=4, freq="MS")
    df = pd.DataFrame({"a": [1.0, NAN, 3.0, 4.0], "b": [NAN, 2.0, 2.0, NAN]}, index=index)
    out = TimeSeriesImputer().fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(index) and list(out.columns) == ["a", "b"]
    assert out.loc["2020-02-01", "a"] == 2.0
    s = TimeSeriesImputer().fit_transform(df["a"])
    assert isinstance(s, pd.Series) and s.index.equals(index)
    out_np = TimeSeriesImputer().set_output(transform="pandas").fit_transform(df.to_numpy())
    assert list(out_np.columns) == ["x0", "x1"]


def test_all_nan_column_is_refused():
    with pytest.raises(ValueError, match="no observed value"):
        TimeSeriesImputer().fit_transform(np.array([[1.0, 2.0], [NAN, NAN]]))


def test_reinstate_missing_timestamps():
    idx = pd.to_datetime(["2020-01-01", "2020-02-01", "2020-05-01"])
    out = reinstate_missing_timestamps(pd.DataFrame({"v": [1.0, 2.0, 5.0]}, index=idx), "MS")
    assert len(out) == 5 and out["v"].isna().sum() == 2
    assert out.loc["2020-05-01", "v"] == 5.0
    with pytest.raises(TypeError, match="DatetimeIndex"):
        reinstate_missing_timestamps(pd.Series([1.0, 2.0]))
    with pytest.raises(ValueError, match="off the regular grid"):
        reinstate_missing_timestamps(pd.Series([1.0, 2.0], index=pd.to_datetime(
            ["2020-01-01", "2020-01-15"])), freq="MS")


@requires_data
def test_canberra_gaps_filled_with_the_mean_of_their_neighbours():
    from sklstm.datasets import load_monthly_temperatures

    canberra = load_monthly_temperatures()["Canberra"]
    filled = TimeSeriesImputer(strategy="neighbor_mean").fit_transform(canberra)
    assert filled.isna().sum() == 0
    assert filled.index.equals(canberra.index)
    for month in canberra.index[canberra.isna()]:
        i = canberra.index.get_loc(month)
        assert filled.iloc[i] == pytest.approx((canberra.iloc[i - 1] + canberra.iloc[i + 1]) / 2)
    observed = canberra.notna()
    np.testing.assert_array_equal(filled[observed], canberra[observed])
