"""Smoke versions of the three tasks on the real data (few epochs, small slices)."""

import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline

from sklstm import LSTMForecaster, SequenceWindower, make_sequences

from .conftest import load_script, requires_data

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(name):
    return load_script(EXAMPLES / f"{name}.py", f"example_{name}")


def test_car_example_is_perfect_on_toy_and_new_cars():
    out = io.StringIO()
    with redirect_stdout(out):
        load_example("car").main([])
    text = out.getvalue()
    assert "| the course's 6 toy sequences | 100.0% |" in text
    assert "| 1,000 generated cars, other positions and lengths | 100.0% |" in text


@requires_data
def test_weather_smoke_forecast_shape_index_and_baselines():
    weather = load_example("weather")
    temps = weather.monthly_temperatures()
    assert temps.isna().sum().sum() == 0
    rows, prediction, test, _, model = weather.city_report(temps, "Canberra", max_epochs=30)
    assert prediction.shape == (18,)
    assert prediction.index.equals(pd.date_range("2016-01-01", "2017-06-01", freq="MS"))
    assert prediction.index.equals(test.index)
    assert model.net_.module_.decoder is not None and model.bidirectional
    naive_mae = rows["seasonal naive (same month last year)"][0]
    clim_mae = rows["climatology (training mean of the month)"][0]
    assert naive_mae == pytest.approx(1.68, abs=0.01)
    assert clim_mae == pytest.approx(1.19, abs=0.01)
    # Even a short training run forecasts the seasonal shape: far better than a flat mean.
    flat = np.full(18, temps["Canberra"][: "2015-12"].mean())
    assert rows["sklstm seq2seq bidirectional LSTM"][0] < np.mean(np.abs(test - flat))


@requires_data
def test_weather_global_windows_never_cross_locations():
    weather = load_example("weather")
    temps = weather.monthly_temperatures()[["Canberra", "Sydney", "Darwin"]][: "2015-12"]
    sequences = weather.global_windows(temps)
    X, y = sequences
    per_city = len(temps) - 36 + 1
    # Each window: the temperature and its location's state (season, level, trend).
    assert X.shape == (3 * per_city, 18, 6) and y.shape == (3 * per_city, 18)
    cities = sequences.origin.get_level_values(0)
    for city in temps.columns:
        block = np.flatnonzero(cities == city)
        assert len(block) == per_city
        values = temps[city].to_numpy()
        np.testing.assert_array_equal(X[block][:, :, 0][0], values[:18])
        np.testing.assert_array_equal(y[block][-1], values[-18:])


@requires_data
def test_sunspot_smoke_beats_the_mean_and_reports_baselines():
    sunspot = load_example("sunspot")
    from sklstm.datasets import load_sunspots

    train, test = sunspot.course_split(load_sunspots())
    assert (len(train), len(test)) == (55_160, 6_391)
    rows, y_test = sunspot.baselines(train, test)
    assert len(y_test) == 6_381
    assert rows["persistence (tomorrow = today)"] == pytest.approx(14.6, abs=0.05)
    model, rmse, _ = sunspot.run(train["1980":], test, max_epochs=3)
    mean_rmse = root_mean_squared_error(y_test, np.full(len(y_test), train.mean()))
    assert rmse < 0.5 * mean_rmse
    assert rmse < 20


class _RecordingForecaster(LSTMForecaster):
    """Forecaster that notes which time positions it saw in fit and was asked about."""

    log = []

    def fit(self, X, y):
        type(self).log.append(("fit", float(np.max(X)), float(np.max(y))))
        return super().fit(X, y)

    def predict(self, X):
        type(self).log.append(("predict", float(np.min(X[:, -1])) + 1, None))
        return super().predict(X)


@pytest.mark.parametrize("horizon", [1, 3])
def test_each_fold_sees_only_its_own_past(horizon):
    # The series' values are their own time positions, so every value a model sees tells
    # when it was observed.
    series = np.arange(600, dtype=float)
    X, y = make_sequences(series, 30, horizon=horizon)
    _RecordingForecaster.log = []
    pipe = make_pipeline(SequenceWindower(window_length=30),
                         _RecordingForecaster(hidden_size=4, max_epochs=1, random_state=0))
    search = GridSearchCV(pipe, {"sequencewindower__window_length": [5, 30]},
                          cv=TimeSeriesSplit(n_splits=3, gap=horizon - 1), refit=False)
    search.fit(X, y)
    log = _RecordingForecaster.log
    fits = [entry for entry in log if entry[0] == "fit"]
    predicts = [entry for entry in log if entry[0] == "predict"]
    assert len(fits) == len(predicts) == 6
    for (_, seen_x, seen_y), (_, first_test_target, _) in zip(fits, predicts):
        # Inputs and targets used for training all precede the first target scored.
        assert seen_x < first_test_target and seen_y < first_test_target


@requires_data
def test_grid_search_and_cross_validate_on_real_sunspots():
    from sklstm.datasets import load_sunspots

    series = load_sunspots()["1990":"1999"]
    X, y = make_sequences(series, 30)
    pipe = make_pipeline(SequenceWindower(window_length=30),
                         LSTMForecaster(hidden_size=16, max_epochs=3, lr=3e-3, random_state=0))
    cv = TimeSeriesSplit(n_splits=2, gap=0)
    search = GridSearchCV(pipe, {"sequencewindower__window_length": [10, 30],
                                 "lstmforecaster__cell": ["lstm", "gru"]},
                          cv=cv, scoring="neg_root_mean_squared_error").fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert -search.best_score_ < np.std(y)
    scores = cross_validate(pipe, X, y, cv=cv, scoring="neg_root_mean_squared_error")
    assert np.all(-scores["test_score"] < np.std(y))


@requires_data
def test_sktime_workflow_small_runs_end_to_end():
    pytest.importorskip("sktime", reason="the sktime workflow needs sktime")
    workflow = load_example("sktime_workflow")
    out = io.StringIO()
    with redirect_stdout(out):
        workflow.main(["--small"])
    text = out.getvalue()
    rows = {line.split("|")[1].strip(): line.split("|")[2:-1] for line in text.splitlines()
            if line.startswith("| ") and not line.startswith("| method")}
    sklstm = [float(v) for v in rows["sklstm (tuned by ForecastingGridSearchCV)"]]
    naive = [float(v) for v in rows['NaiveForecaster(strategy="last", sp=12)']]
    assert len(sklstm) == len(naive) == 2 and np.isfinite(sklstm).all()
    # Seasonal naive's rolling-origin MAE on Canberra is a fixed property of the data.
    assert 1.0 < naive[1] < 2.0
    accuracy = float(rows["test accuracy"][0].strip(" %")) / 100
    majority = float(rows["majority class"][0].strip(" %")) / 100
    assert accuracy > majority + 0.3


@requires_data
def test_distributed_search_example_on_a_local_dask_cluster():
    pytest.importorskip("distributed", reason="needs dask.distributed (dev extra)")
    example = load_example("distributed_search")
    X, y = example.data(last_years=40)
    search = example.make_search(max_epochs=2)
    search.set_params(param_grid={"sequencewindower__window_length": [24, 48]})
    seconds = example.run(search, X, y, backend="dask")
    assert seconds > 0 and search.best_params_["sequencewindower__window_length"] in (24, 48)
    sequential = example.make_search(max_epochs=2)
    sequential.set_params(param_grid={"sequencewindower__window_length": [24, 48]})
    example.run(sequential, X, y, backend="sequential")
    for i in range(2):
        np.testing.assert_array_equal(search.cv_results_[f"split{i}_test_score"],
                                      sequential.cv_results_[f"split{i}_test_score"])


def test_intervals_and_saving_example_covers_and_round_trips():
    example = load_example("intervals_and_saving")
    model, train, test = example.fit(max_epochs=10)
    frame = model.forecast(train, series_id="columns", coverage=0.8)
    assert frame.index.get_level_values(0).nunique() == train.shape[1]
    # 882 (location, month) pairs: calibrated 80% intervals hold most of them, not all.
    assert 0.6 <= example.coverage_of(frame, test) < 1.0
    out = io.StringIO()
    with redirect_stdout(out):
        example.main(["--max-epochs", "10"])
    assert "loaded model gives identical forecasts and intervals" in out.getvalue()


@requires_data
def test_weather_global_defaults_forecast_every_location_in_order():
    # The global model's forecasts line up with the locations (columns) and the test months;
    # a short run already follows each city's own level (Darwin is hot, Canberra is not).
    weather = load_example("weather")
    temps = weather.monthly_temperatures()
    forecasts, seconds = weather.global_defaults(temps, random_state=0, n_seeds=1,
                                                 max_epochs=5)
    assert forecasts.shape == (1, temps.shape[1], 18) and seconds > 0
    columns = list(temps.columns)
    assert forecasts[0, columns.index("Darwin")].mean() > forecasts[
        0, columns.index("Canberra")].mean() + 8
    rows = weather.global_rows(temps, "Canberra", forecasts)
    test = weather.split(temps["Canberra"])[1]
    assert rows[weather.GLOBAL_DEFAULTS][0] == pytest.approx(
        np.mean(np.abs(test.to_numpy() - forecasts[0, columns.index("Canberra")])))


def test_distributed_training_example_trains_one_model_that_forecasts_every_series():
    out = io.StringIO()
    with redirect_stdout(out):
        model, mase = load_example("distributed_training").main(
            ["--n-series", "200", "--max-epochs", "2"])
    assert model.data_parallel_["n_workers"] == 2
    workers = model.data_parallel_["workers"]
    assert [w["series"] for w in workers] == [100, 100]
    assert len(mase) == 200 and np.isfinite(mase).all()
    # Better than carrying the last value forward, already after two epochs.
    assert "mean MASE" in out.getvalue() and mase.mean() < 1.0
