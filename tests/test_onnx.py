"""to_onnx: the exported graph (scaling + network + output mapping) predicts as predict does."""

import json

import numpy as np
import pytest

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences

from .conftest import requires_data
from .test_examples import load_example

ort = pytest.importorskip("onnxruntime", reason="ONNX tests need onnxruntime (the onnx extra)")
pytest.importorskip("onnx", reason="to_onnx needs onnx (the onnx extra)")


def _session(model, tmp_path):
    path = tmp_path / "model.onnx"
    model.to_onnx(path)
    return ort.InferenceSession(str(path))


def _assert_matches(session, model, X, proba=False):
    X32 = np.asarray(X, dtype=np.float32)
    out = session.run(None, {"X": X32})[0]
    expected = model.predict_proba(X32) if proba else model.predict(X32).reshape(len(X32), -1)
    # float32 network arithmetic, in two runtimes: equal to 1e-5 relative.
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    return out


@requires_data
def test_sunspot_model_exports(tmp_path):
    from sklstm.datasets import load_sunspots

    sunspot = load_example("sunspot")
    train, test = sunspot.course_split(load_sunspots())
    X, y = make_sequences(train[-6000:], window_length=10)
    model = LSTMForecaster(max_epochs=2, random_state=0).fit(X, y)
    X_test, _ = make_sequences(test, window_length=10, history=train)
    session = _session(model, tmp_path)
    out = _assert_matches(session, model, X_test)
    assert out.shape == (len(X_test), 1)
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["horizon"]) == 1 and json.loads(meta["n_timesteps"]) == 10


@requires_data
@pytest.mark.parametrize("scaling", ["global", "window"])
def test_weather_model_exports(tmp_path, scaling):
    weather = load_example("weather")
    train, test = weather.split(weather.monthly_temperatures()["Canberra"])
    model = weather.fit_city(train, max_epochs=20, scaling=scaling)
    assert model.architecture == "seq2seq" and model.bidirectional
    X, _ = make_sequences(train, window_length=18, horizon=18)
    session = _session(model, tmp_path)
    _assert_matches(session, model, X)
    # Any batch size: one window alone gives the same forecast as in the batch.
    last = model.last_window(train).astype(np.float32)  # the value and its state channels
    one = session.run(None, {"X": last})[0]
    np.testing.assert_allclose(one[0], model.forecast(train).to_numpy(), rtol=1e-5)


def test_car_classifier_exports_probabilities_and_labels(tmp_path):
    car = load_example("car")
    clf = car.train(n_samples=200, max_epochs=5)
    from sklstm.datasets import load_car_colors, make_car_sequences

    session = _session(clf, tmp_path)
    X_toy, _ = load_car_colors()
    _assert_matches(session, clf, X_toy, proba=True)
    X_long, _ = make_car_sequences(n_samples=50, seq_len=11, random_state=3)
    out = _assert_matches(session, clf, X_long, proba=True)  # other lengths: dynamic time axis
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)
    classes = json.loads(session.get_modelmeta().custom_metadata_map["classes"])
    assert classes == clf.classes_.tolist()


def test_multifeature_and_string_label_models_export(tmp_path):
    rng = np.random.default_rng(0)
    series = rng.normal(size=(400, 3)).cumsum(axis=0)
    X, y = make_sequences(series, window_length=8, horizon=2, target=1)
    model = LSTMForecaster(hidden_size=8, max_epochs=2, scaling="window", random_state=0).fit(X, y)
    _assert_matches(_session(model, tmp_path), model, X)
    Xc = rng.normal(size=(30, 12, 3))
    yc = np.array(["x", "y", "z"])[np.arange(30) % 3]
    clf = SequenceClassifier(architecture="recurrent", hidden_size=8, max_epochs=2,
                             random_state=0).fit(Xc, yc)
    _assert_matches(_session(clf, tmp_path), clf, Xc, proba=True)


def test_classifier_averaging_test_crops_is_refused_until_they_are_turned_off(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 80, 1)) + (np.arange(40) % 2)[:, None, None]
    y = np.arange(40) % 2
    clf = SequenceClassifier(hidden_size=4, conv_filters=(4, 4), max_epochs=2,
                             crop_fraction=0.7, random_state=0).fit(X, y)
    assert clf.crop_fraction_ == 0.7  # training crops, so test crops by default
    with pytest.raises(NotImplementedError, match="test_crops=0"):
        clf.to_onnx(tmp_path / "model.onnx")
    # Whole-sequence predictions export and match predict_proba with test_crops=0.
    _assert_matches(_session(clf.set_params(test_crops=0), tmp_path), clf, X, proba=True)
