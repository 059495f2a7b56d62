"""sklstm's estimators behind sktime's interfaces: sktime's own suite, then their behaviour.

sktime's ``check_estimator`` runs its conformance tests on every parameter set of
``get_test_params``; no test is excluded here.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sktime", reason="the sktime adapters need sktime")

from sktime.forecasting.base import ForecastingHorizon  # noqa: E402
from sktime.utils.estimator_checks import check_estimator  # noqa: E402

from sklstm import LSTMForecaster as CoreLSTMForecaster  # noqa: E402
from sklstm.sktime import GRUForecaster, LSTMForecaster, SequenceClassifier  # noqa: E402
from sklstm.sktime._classifier import to_time_major  # noqa: E402

from .conftest import run_fresh_python  # noqa: E402

ADAPTERS = [LSTMForecaster, GRUForecaster, SequenceClassifier]


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda cls: cls.__name__)
def test_sktime_check_estimator_passes(adapter):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(adapter, raise_exceptions=False, verbose=False)
    not_passed = {name: str(outcome)[:300] for name, outcome in results.items()
                  if outcome != "PASSED"}
    assert len(results) > 100  # the suite ran (hundreds of test/fixture combinations)
    assert not_passed == {}


def test_import_sklstm_does_not_import_sktime():
    # sktime hidden: `import sklstm` (and its estimators) must still work.
    code = (
        "import sys\n"
        "sys.modules['sktime'] = None\n"
        "import sklstm\n"
        "from sklstm import LSTMForecaster, SequenceClassifier\n"
        "assert not any(m.startswith('sktime.') for m in sys.modules)\n"
        "try:\n"
        "    import sklstm.sktime\n"
        "except ImportError as error:\n"
        "    assert 'pip install sktime' in str(error)\n"
        "else:\n"
        "    raise SystemExit('sklstm.sktime imported without sktime')\n"
        "print('ok')\n"
    )
    assert run_fresh_python(code).stdout.strip() == "ok"


def _sine(n=160, start=0, level=0.0, name="y"):
    t = np.arange(start, start + n)
    return pd.Series(level + np.sin(t / 4.0), index=pd.RangeIndex(start, start + n), name=name)


SMALL = dict(window_length=12, hidden_size=16, max_epochs=40, random_state=0)


def test_forecaster_follows_a_sine_with_relative_and_absolute_horizons():
    y = _sine()
    # Per-window scaling (the default) needs more than SMALL's 40 epochs on a pure sine.
    forecaster = LSTMForecaster(**{**SMALL, "max_epochs": 100}).fit(y, fh=[1, 2, 3])
    relative = forecaster.predict()
    absolute = forecaster.predict(fh=ForecastingHorizon([160, 161, 162], is_relative=False))
    truth = np.sin(np.arange(160, 163) / 4.0)
    assert relative.index.tolist() == [160, 161, 162]
    pd.testing.assert_series_equal(relative, absolute)
    assert np.max(np.abs(relative.to_numpy() - truth)) < 0.15
    assert forecaster.horizon_ == 3


def test_recursion_beyond_the_horizon_is_the_cores():
    y = _sine()
    forecaster = LSTMForecaster(horizon=1, **SMALL).fit(y)
    path = forecaster.predict(fh=[1, 2, 3]).to_numpy()
    # An integer index has no season: the windows carry the level and trend (season 1).
    assert (forecaster.window_length_, forecaster.season_length_) == (12, 1)
    np.testing.assert_allclose(path, forecaster.estimator_.forecast(y, steps=3), rtol=1e-10)
    # fh=[3] alone gives the third step of that path.
    np.testing.assert_allclose(forecaster.predict(fh=[3]).to_numpy(), path[2:], rtol=1e-6)


def test_panel_is_one_global_model_with_a_series_time_index():
    # Two series at very different levels; one network over both (per-window scaling).
    a, b = _sine(level=0.0), _sine(level=100.0)
    panel = pd.concat({"a": a, "b": b}, names=["series", "time"]).to_frame("y")
    forecaster = LSTMForecaster(scaling="window", **SMALL).fit(panel, fh=[1, 2])
    assert isinstance(forecaster.estimator_, CoreLSTMForecaster)  # one network, not one per series
    # Windows are cut per series: 2 x (160 - 12 - 2 + 1), none across the boundary, and
    # come in time order (the latest are the early-stopping validation windows).
    windows, targets = forecaster._training_windows(panel, None)
    assert windows.shape == (2 * 147, 12, 6)  # y and its series' state (level, trend)
    low = np.all(np.abs(windows[:, :, 0]) < 1.01, axis=1)
    high = np.all(windows[:, :, 0] > 98, axis=1)
    assert np.all(low ^ high) and low.sum() == high.sum() == 147
    assert np.array_equal(low, np.tile([True, False], 147))  # a's and b's windows of a time
    prediction = forecaster.predict()
    expected_index = pd.MultiIndex.from_product([["a", "b"], [160, 161]], names=["series", "time"])
    assert prediction.index.equals(expected_index)
    truth = np.sin(np.arange(160, 162) / 4.0)
    np.testing.assert_allclose(prediction.loc["a", "y"].to_numpy(), truth, atol=0.2)
    np.testing.assert_allclose(prediction.loc["b", "y"].to_numpy(), truth + 100, atol=0.2)


def test_unequal_length_panel_forecasts_each_series_from_its_own_end():
    a, b = _sine(n=160), _sine(n=150)
    panel = pd.concat({"a": a, "b": b}, names=["series", "time"]).to_frame("y")
    forecaster = LSTMForecaster(**SMALL).fit(panel, fh=[1])
    prediction = forecaster.predict(fh=ForecastingHorizon([160], is_relative=False))["y"]
    # a ends at 159: time 160 is one step ahead; b ends at 149: eleven recursive steps.
    core = forecaster.estimator_
    assert prediction.loc["a"].tolist() == pytest.approx(core.forecast(a, steps=1)[-1:])
    assert prediction.loc["b"].tolist() == pytest.approx(core.forecast(b, steps=11)[-1:])


def test_exogenous_values_are_inputs_and_recursion_needs_them():
    rng = np.random.default_rng(0)
    n = 200
    x = pd.DataFrame({"x": rng.normal(size=n)}, index=pd.RangeIndex(n))
    # y follows yesterday's x: only a model reading X can forecast it.
    y = pd.Series(np.r_[0.0, 2 * x["x"].to_numpy()[:-1]], index=x.index, name="y")
    train_y, train_x = y[:180], x[:180]
    # Global scaling: with per-window scaling (the default) a target that is pure noise
    # driven by X is divided by each window's own spread, which hides the linear link.
    forecaster = LSTMForecaster(**{**SMALL, "max_epochs": 150, "scaling": "global"}).fit(
        train_y, X=train_x, fh=[1])
    prediction = forecaster.predict(X=x[180:181])
    assert abs(prediction.iloc[0] - y.iloc[180]) < 0.15
    with pytest.raises(ValueError, match="exogenous X of every intermediate step"):
        forecaster.predict(fh=[1, 2, 3])
    three = forecaster.predict(fh=[1, 2, 3], X=x[180:183])
    assert three.index.tolist() == [180, 181, 182]
    np.testing.assert_allclose(three.to_numpy(), 2 * x["x"].to_numpy()[179:182], atol=0.15)


@pytest.mark.parametrize("strategy", ["refit", "continue"])
def test_update_moves_the_cutoff_and_retrains(strategy):
    y = _sine(n=200)
    forecaster = LSTMForecaster(update_strategy=strategy, **SMALL).fit(y[:160], fh=[1])
    weights = [p.detach().clone() for p in forecaster.estimator_.net_.module_.parameters()]
    forecaster.update(y[160:180])
    assert forecaster.predict().index.tolist() == [180]
    new = list(forecaster.estimator_.net_.module_.parameters())
    assert any(not np.allclose(w, p.detach()) for w, p in zip(weights, new))
    # update_params=False only moves the cutoff.
    before = [p.detach().clone() for p in forecaster.estimator_.net_.module_.parameters()]
    forecaster.update(y[180:190], update_params=False)
    assert forecaster.predict().index.tolist() == [190]
    after = list(forecaster.estimator_.net_.module_.parameters())
    assert all(np.allclose(w, p.detach()) for w, p in zip(before, after))


def test_too_short_series_and_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="window_length \\+ horizon"):
        LSTMForecaster(window_length=30, max_epochs=1).fit(_sine(n=20), fh=[1])
    with pytest.raises(ValueError, match="update_strategy"):
        LSTMForecaster(update_strategy="sometimes", max_epochs=1).fit(_sine(), fh=[1])
    with pytest.raises(ValueError, match="window_length"):
        LSTMForecaster(window_length=0, max_epochs=1).fit(_sine(), fh=[1])


def _monthly_panel(seed=0):
    """Three monthly series with seasons of different shapes and sizes at different levels."""
    rng = np.random.default_rng(seed)
    season = np.array([5.0, 4, 2, 0, -2, -4, -5, -4, -2, 0, 2, 4])
    index = pd.date_range("2000-01-01", periods=120, freq="MS")
    series = {name: pd.Series(level + sign * np.tile(season, 10) + rng.normal(0, 0.3, 120),
                              index=index)
              for name, level, sign in [("a", 10, 1), ("b", 40, -1), ("c", 25, 0.5)]}
    return pd.concat(series, names=["series", "time"]).to_frame("y"), season


def test_the_windows_carry_each_series_state_from_the_calendar():
    panel, _ = _monthly_panel()
    forecaster = LSTMForecaster(max_epochs=1, random_state=0).fit(panel[:300], fh=[1])
    # "auto": twice the horizon but at least the season, which the monthly index gives.
    assert (forecaster.window_length_, forecaster.season_length_) == (12, 12)
    windows, targets = forecaster._training_windows(panel[:300], None)
    assert windows.state_season == 12 and windows.shape[2] == 6
    assert forecaster.estimator_.window_season_ == 12
    # Without the state, plain windows of y.
    plain = LSTMForecaster(max_epochs=1, season_length=None, random_state=0).fit(
        panel[:300], fh=[1])
    assert plain.season_length_ is None and plain.estimator_.window_season_ is None


def test_seasonal_panel_is_forecast_in_its_units_and_beats_seasonal_naive():
    panel, season = _monthly_panel()
    train = panel.groupby(level=0).head(108)
    forecaster = LSTMForecaster(max_epochs=30, random_state=0).fit(train, fh=range(1, 13))
    # 3 x 85 windows: the forecasters' "auto" turns early stopping on from 100 windows, and
    # the held-out windows choose the Theta forecast's weight.
    assert forecaster.estimator_.early_stopping == "auto"
    assert "valid_loss" in forecaster.estimator_.history_
    assert 0 <= forecaster.estimator_.scaling_.base_weight <= 1
    prediction = forecaster.predict()
    truth = panel.groupby(level=0).tail(12)
    assert prediction.index.equals(truth.index)
    error = np.abs(prediction["y"].to_numpy() - truth["y"].to_numpy()).mean()
    naive = np.abs(train.groupby(level=0).tail(12)["y"].to_numpy() - truth["y"].to_numpy()).mean()
    assert error < naive


def test_without_state_the_adapter_is_the_core_network_on_raw_windows():
    panel, _ = _monthly_panel()
    plain = dict(season_length=None, early_stopping=False, scaling="global")
    forecaster = LSTMForecaster(max_epochs=5, random_state=0, **plain).fit(panel, fh=[1, 2])
    windows, targets = forecaster._training_windows(panel, None)
    assert windows.shape[2] == 1
    core = CoreLSTMForecaster(max_epochs=5, random_state=0, early_stopping=False).fit(
        windows, targets)
    last = np.stack([panel.loc[k, "y"].to_numpy()[-2 * 2 :] for k in "abc"])[:, :, None]
    assert forecaster.window_length_ == 4  # "auto": twice the horizon (no season)
    np.testing.assert_allclose(forecaster.predict()["y"].to_numpy(),
                               core.predict(last).ravel(), rtol=1e-6)


def test_season_length_is_checked_by_name():
    panel, _ = _monthly_panel()
    with pytest.raises(ValueError, match="season_length"):
        LSTMForecaster(season_length=0, max_epochs=1).fit(panel, fh=[1])
    with pytest.raises(ValueError, match="season_length=13 is longer than window_length=12"):
        LSTMForecaster(season_length=13, window_length=12, max_epochs=1).fit(panel, fh=[1])


def test_classifier_reads_numpy3d_through_a_view_and_unequal_lengths_by_padding():
    X = np.random.default_rng(0).normal(size=(5, 2, 30))
    view = to_time_major(X)
    assert view.shape == (5, 30, 2) and np.shares_memory(view, X)
    frames = [pd.DataFrame(np.ones((n, 2))) for n in (4, 6)]
    padded = to_time_major(frames)
    assert padded.shape == (2, 6, 2)
    assert np.isnan(padded[0, 4:]).all() and not np.isnan(padded[1]).any()


def test_classifier_learns_a_shape_anywhere_in_unequal_length_series():
    rng = np.random.default_rng(0)
    series, labels = [], []
    for i in range(60):
        n = int(rng.integers(30, 45))
        values = rng.normal(scale=0.1, size=n)
        start = int(rng.integers(0, n - 8))
        label = i % 2
        values[start : start + 8] += np.hanning(8) * (2 if label else -2)
        series.append(pd.DataFrame({"c0": values}))
        labels.append(["dip", "bump"][label])
    labels = np.array(labels)
    clf = SequenceClassifier(max_epochs=30, random_state=0).fit(series[:40], labels[:40])
    assert clf.classes_.tolist() == ["bump", "dip"]
    proba = clf.predict_proba(series[40:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert np.mean(clf.predict(series[40:]) == labels[40:]) >= 0.9


def test_prediction_intervals_through_sktime():
    rng = np.random.default_rng(0)
    y = pd.Series(np.sin(np.arange(600) / 6) + rng.normal(scale=0.2, size=600))
    forecaster = LSTMForecaster(calibration_fraction=0.2, **SMALL).fit(y[:500], fh=[1, 2])
    assert forecaster.get_tag("capability:pred_int")
    assert not LSTMForecaster().get_tag("capability:pred_int")
    interval = forecaster.predict_interval(coverage=[0.8, 0.95])
    assert interval.shape == (2, 4)
    point = forecaster.predict()
    for coverage in (0.8, 0.95):
        upper = interval.xs((coverage, "upper"), axis=1, level=[1, 2]).iloc[:, 0]
        lower = interval.xs((coverage, "lower"), axis=1, level=[1, 2]).iloc[:, 0]
        assert (lower.to_numpy() < point.to_numpy()).all() and (point.to_numpy() < upper.to_numpy()).all()
    # The core's intervals, for the same last window (with its state channels).
    core = forecaster.estimator_
    lo, up = core.predict_interval(core.last_window(y[:500]), 0.8)
    np.testing.assert_allclose(
        interval.xs((0.8, "lower"), axis=1, level=[1, 2]).iloc[:, 0].to_numpy(), lo.ravel())
    quantiles = forecaster.predict_quantiles(alpha=[0.1, 0.9])
    np.testing.assert_allclose(quantiles.iloc[:, 0].to_numpy(), lo.ravel())
    np.testing.assert_allclose(quantiles.iloc[:, 1].to_numpy(), up.ravel())
    with pytest.raises(ValueError, match="calibrated for the network's 2 direct steps"):
        forecaster.predict_interval(fh=[1, 2, 3], coverage=0.8)
