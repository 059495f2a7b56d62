"""Full-size task runs (minutes): `pytest -m slow`. CI runs them as a separate step."""

import numpy as np
import pytest

from .conftest import requires_data
from .test_examples import load_example

pytestmark = [pytest.mark.slow, requires_data]


def test_sunspot_defaults_beat_the_course_and_persistence():
    sunspot = load_example("sunspot")
    from sklstm.datasets import load_sunspots

    train, test = sunspot.course_split(load_sunspots())
    rows, _ = sunspot.baselines(train, test)
    _, rmse, _ = sunspot.run(train, test)
    assert rmse < rows["persistence (tomorrow = today)"]
    assert rmse < 14.38, rmse


def test_weather_canberra_beats_seasonal_naive():
    weather = load_example("weather")
    temps = weather.monthly_temperatures()
    rows, prediction, test, _, _ = weather.city_report(temps, "Canberra")
    mae = rows["sklstm seq2seq bidirectional LSTM"][0]
    assert mae < rows["seasonal naive (same month last year)"][0], mae
    assert np.isfinite(prediction).all()


def test_car_generated_longer_sequences():
    car = load_example("car")
    from sklstm.datasets import make_car_sequences

    clf = car.train(n_samples=1500, seq_len=10, max_epochs=60)
    X, y = make_car_sequences(n_samples=1000, seq_len=10, random_state=7)
    assert clf.score(X, y) == 1.0


def test_sktime_workflow_tuned_model_beats_seasonal_naive():
    pytest.importorskip("sktime", reason="the sktime workflow needs sktime")
    workflow = load_example("sktime_workflow")
    search, _, holdout, rolling = workflow.forecasting_report(workflow.FULL)
    ours, naive = "sklstm (tuned by ForecastingGridSearchCV)", 'NaiveForecaster(strategy="last", sp=12)'
    assert holdout[ours] < holdout[naive], holdout
    mean = {name: frame.filter(like="test_").iloc[:, 0].mean() for name, frame in rolling.items()}
    assert mean[ours] < mean[naive], mean
    _, _, accuracy, _ = workflow.classification_report(workflow.FULL)
    assert accuracy >= 0.9


def test_weather_canberra_global_defaults_beat_seasonal_naive_for_every_seed():
    # LSTMForecaster() with its defaults, one model over every location's windows (with their
    # series state): Canberra's 18 test months beat seasonal naive for each of seeds 0..4.
    # 0.2's plain windows also beat climatology (1.19) for every seed; the 0.3 defaults do
    # not (1.21, 1.15, 1.38, 1.17, 1.15; mean 1.21): the embedded
    # locations' filled starts and short records make some series' states unreliable (see
    # the tour, which uses plain windows for that reason). Kept as a floor, reported open.
    weather = load_example("weather")
    temps = weather.monthly_temperatures()
    train, test = weather.split(temps["Canberra"])
    base = weather.baselines(train, test, temps["Canberra"])
    naive_mae = weather.score(test, base["seasonal naive (same month last year)"])[0]
    forecasts, _ = weather.global_defaults(temps, random_state=0, n_seeds=5)
    canberra = forecasts[:, list(temps.columns).index("Canberra")]
    maes = [weather.score(test, f)[0] for f in canberra]
    clim_mae = weather.score(test, base["climatology (training mean of the month)"])[0]
    assert max(maes) < naive_mae, (maes, naive_mae)
    assert np.mean(maes) < min(clim_mae, 1.18), maes
    rows = weather.global_rows(temps, "Canberra", forecasts)
    assert rows[weather.GLOBAL_DEFAULTS][0] == pytest.approx(maes[0])


def test_weather_canberra_the_seeds_way_with_core_defaults_beats_climatology():
    # The tutorial's task the tutorial's way: Canberra alone, 18 months in, 18 out, a
    # bidirectional encoder-decoder, every other setting the core defaults (the windows
    # carry the series' state, make_sequences' default). Mean of seeds 0..4.
    from sklstm import LSTMForecaster, make_sequences

    weather = load_example("weather")
    temps = weather.monthly_temperatures()
    train, test = weather.split(temps["Canberra"])
    climatology = weather.baselines(train, test, temps["Canberra"])[
        "climatology (training mean of the month)"]
    clim_mae = weather.score(test, climatology)[0]
    X, y = make_sequences(train, 18, horizon=18)
    assert X.state_season == 12
    maes = []
    for seed in range(5):
        model = LSTMForecaster(architecture="seq2seq", bidirectional=True,
                               random_state=seed).fit(X, y)
        maes.append(weather.score(test, model.forecast(train))[0])
    assert np.mean(maes) < min(clim_mae, 1.18), maes
