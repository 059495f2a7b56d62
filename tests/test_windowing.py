import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklstm import SequenceWindower, make_sequences


@settings(max_examples=200, deadline=None)
@given(
    data=arrays(np.float64, st.tuples(st.integers(2, 60), st.integers(1, 3)),
                elements=st.floats(-1e6, 1e6)),
    window_length=st.integers(1, 20),
    horizon=st.integers(1, 5),
    stride=st.integers(1, 4),
)
def test_every_window_is_the_slice_it_stands_for(data, window_length, horizon, stride):
    n_times = data.shape[0]
    if window_length + horizon > n_times:
        with pytest.raises(ValueError, match="too short"):
            make_sequences(data, window_length, horizon, stride, target=0)
        return
    seq = make_sequences(data, window_length, horizon, stride, target=0)
    X, y = seq
    expected_n = (n_times - window_length - horizon) // stride + 1
    assert X.shape == (expected_n, window_length, data.shape[1])
    assert y.shape == ((expected_n,) if horizon == 1 else (expected_n, horizon))
    for i in range(expected_n):
        origin = seq.origin[i]
        assert origin == i * stride + window_length - 1
        np.testing.assert_array_equal(X[i], data[origin - window_length + 1 : origin + 1])
        np.testing.assert_array_equal(np.ravel(y[i]), data[origin + 1 : origin + 1 + horizon, 0])
        # No window holds a value at or after its first target's time.
        assert seq.target_index[i] == origin + 1 > origin
    # Nothing silently dropped: with stride 1 the last target is the last row of the data.
    if stride == 1:
        assert np.ravel(y[-1])[-1] == data[-1, 0]


@settings(max_examples=100, deadline=None)
@given(
    n_hist=st.integers(1, 40),
    n_test=st.integers(1, 40),
    window_length=st.integers(1, 10),
    horizon=st.integers(1, 3),
)
def test_history_completes_the_first_windows(n_hist, n_test, window_length, horizon):
    full = np.arange(n_hist + n_test, dtype=float)
    history, series = full[:n_hist], full[n_hist:]
    if n_hist < window_length:
        with pytest.raises(ValueError, match="history has"):
            make_sequences(series, window_length, horizon, history=history)
        return
    if n_test < horizon:
        with pytest.raises(ValueError, match="too short"):
            make_sequences(series, window_length, horizon, history=history)
        return
    seq = make_sequences(series, window_length, horizon, history=history)
    X, y = seq
    # Every target in the test series gets a sample, and its window ends just before it.
    assert len(y) == n_test - horizon + 1
    np.testing.assert_array_equal(np.ravel(y if horizon == 1 else y[:, 0]), series[: len(y)])
    np.testing.assert_array_equal(X[:, -1, 0] + 1, np.ravel(y if horizon == 1 else y[:, 0]))
    np.testing.assert_array_equal(seq.target_index, np.arange(len(y)))


def test_windows_are_views_of_the_series():
    series = np.random.rand(1000)
    X, y = make_sequences(series, window_length=50)
    assert np.shares_memory(X, series)
    assert not X.flags.writeable
    assert X.base is not None


def test_targets_do_not_change_when_the_caller_edits_the_series_in_place():
    series = np.arange(100.0)
    for horizon in (1, 3):
        expected = np.array(make_sequences(series, window_length=5, horizon=horizon).y)
        edited = series.copy()
        X, y = make_sequences(edited, window_length=5, horizon=horizon)
        edited[:] = -1.0  # a careless in-place edit after cutting
        np.testing.assert_array_equal(y, expected)
        assert not np.shares_memory(y, edited)


def test_pandas_series_keeps_time_index():
    index = pd.date_range("2000-01-01", periods=30, freq="D")
    series = pd.Series(np.arange(30.0), index=index)
    seq = make_sequences(series, window_length=5, horizon=2)
    assert seq.origin[0] == pd.Timestamp("2000-01-05")
    assert seq.target_index[0] == pd.Timestamp("2000-01-06")
    assert seq.target_index[-1] == pd.Timestamp("2000-01-29")
    train, test = series[:20], series[20:]
    seq_test = make_sequences(test, window_length=5, history=train)
    assert seq_test.target_index[0] == test.index[0]
    np.testing.assert_array_equal(seq_test.X[0, :, 0], train.to_numpy()[-5:])


def test_dataframe_needs_a_target_and_keeps_features():
    df = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) * 10})
    with pytest.raises(ValueError, match="target="):
        make_sequences(df, 3)
    X, y = make_sequences(df, 3, target="b")
    assert X.shape == (7, 3, 2)
    np.testing.assert_array_equal(y, df["b"].to_numpy()[3:])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(series=np.arange(5.0), window_length=6), ValueError, "too short"),
        (dict(series=np.arange(5.0), window_length=2, horizon=0), ValueError, "horizon"),
        (dict(series=np.arange(5.0), window_length=0), ValueError, "window_length"),
        (dict(series=np.arange(5.0), window_length=2.5), TypeError, "window_length"),
        (dict(series=np.array(["a", "b", "c"]), window_length=1), TypeError, "numbers"),
        (dict(series=np.zeros((4, 2, 2)), window_length=1), ValueError, "3-D"),
        (dict(series=np.array([]), window_length=1), ValueError, "empty"),
        (dict(series=np.array([1.0, np.inf, 2.0]), window_length=1), ValueError, "infinity"),
    ],
)
def test_bad_input_is_refused_clearly(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_sequences(**kwargs)


def test_history_must_precede_series():
    index = pd.date_range("2000-01-01", periods=10, freq="D")
    s = pd.Series(np.arange(10.0), index=index)
    with pytest.raises(ValueError, match="history must end before"):
        make_sequences(s[:5], 2, history=s[5:])


def test_make_sequences_on_5_million_points_copies_no_window():
    import tracemalloc

    series = np.random.rand(5_000_000)
    tracemalloc.start()
    X, y = make_sequences(series, window_length=10)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert X.shape == (4_999_990, 10, 1)
    # Materialised windows would be 10x the series; the views and lazy indexes cost next to
    # nothing: the copy of the targets (the size of the series) is the largest allocation.
    assert peak < 1.25 * series.nbytes
    assert np.shares_memory(X, series)


def test_windower_keeps_the_latest_steps_as_views():
    X = np.random.rand(4, 30, 2)
    Xt = SequenceWindower(window_length=10).fit_transform(X)
    np.testing.assert_array_equal(Xt, X[:, -10:])
    assert np.shares_memory(Xt, X)
    strided = SequenceWindower(window_length=10, stride=3).fit_transform(X)
    np.testing.assert_array_equal(strided, X[:, [20, 23, 26, 29]])
    one = SequenceWindower(window_length=5, features=[1]).fit_transform(X)
    np.testing.assert_array_equal(one, X[:, -5:, [1]])


def test_windower_refuses_windows_longer_than_the_data():
    with pytest.raises(ValueError, match="window_length=40 is longer than the 30"):
        SequenceWindower(window_length=40).fit(np.zeros((3, 30, 1)))
    fitted = SequenceWindower(window_length=5).fit(np.zeros((3, 30, 1)))
    with pytest.raises(ValueError, match="fitted on windows of 30"):
        fitted.transform(np.zeros((3, 20, 1)))
