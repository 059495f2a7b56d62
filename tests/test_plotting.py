"""The plotting helpers draw what they are given, and refuse what they cannot draw."""

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the plotting helpers need matplotlib")
matplotlib.use("Agg")

from sklstm import LSTMForecaster  # noqa: E402
from sklstm.plotting import plot_forecast, plot_training_history  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    matplotlib.pyplot.close("all")


def test_forecast_frame_with_interval_is_drawn_on_its_time_axis():
    index = pd.date_range("2020-01-01", periods=3, freq="MS")
    frame = pd.DataFrame({"forecast": [1.0, 2.0, 3.0], "lower": [0.0, 1.0, 2.0],
                          "upper": [2.0, 3.0, 4.0]}, index=index)
    history = pd.Series([0.5, 0.7], index=pd.date_range("2019-11-01", periods=2, freq="MS"))
    ax = plot_forecast(predicted=frame, history=history)
    labels = [line.get_label() for line in ax.lines]
    assert labels == ["history", "forecast"]
    forecast_line = ax.lines[1]
    np.testing.assert_array_equal(forecast_line.get_ydata(), [1.0, 2.0, 3.0])
    # the shaded band spans exactly lower..upper
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == 0.0 and band.max() == 4.0


def test_forecast_rejects_mismatched_lengths_and_half_intervals():
    with pytest.raises(ValueError, match="actual: has 2 values but predicted has 3"):
        plot_forecast([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="give both bounds"):
        plot_forecast([1.0], [1.0], lower=[0.0])
    with pytest.raises(ValueError, match="missing \\['lower', 'upper'\\]"):
        plot_forecast(predicted=pd.DataFrame({"forecast": [1.0]}))
    # (n_samples, horizon) predictions are not flattened into one line of n * horizon points
    with pytest.raises(ValueError, match=r"predicted: one line .* got shape \(3, 2\)"):
        plot_forecast(np.zeros(6), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"actual: one line .* got shape \(3, 2\)"):
        plot_forecast(np.zeros((3, 2)), np.zeros(3))
    ax = plot_forecast(np.zeros((3, 1)), np.ones((3, 1)))  # one column is one line
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.0, 1.0, 1.0])
    panel = pd.Series([1.0, 2.0], index=pd.MultiIndex.from_tuples([("a", 0), ("b", 0)]))
    with pytest.raises(ValueError, match="one series at a time"):
        plot_forecast(predicted=panel)


def test_training_history_marks_the_kept_epoch():
    X = np.sin(np.arange(600) / 5).reshape(-1, 10, 1)
    model = LSTMForecaster(max_epochs=6, random_state=0).fit(X, X[:, -1, 0])
    ax = plot_training_history(model)
    drawn = {line.get_label(): line for line in ax.lines}
    np.testing.assert_allclose(drawn["train loss"].get_ydata(), model.history_["train_loss"])
    kept = [label for label in drawn if label.startswith("kept")]
    best = model.history_["fit_loss"].idxmin()
    assert kept == [f"kept (epoch {best})"]


def test_training_history_needs_a_fitted_estimator():
    with pytest.raises(ValueError, match="has no history_; fit it first"):
        plot_training_history(LSTMForecaster())
