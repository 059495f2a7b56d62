"""Careless input through the newer surfaces: model files, the sktime door, parameters.

Each case once surfaced a raw error from inside pandas, torch or Python (or was accepted
silently); each must now be refused with a message that names what is wrong.
"""

import json
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

import sklstm
from sklstm import GRUForecaster, LSTMForecaster, SequenceClassifier, make_sequences


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = make_sequences(np.sin(np.arange(120) / 5), window_length=8)
    model = LSTMForecaster(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    path = tmp_path_factory.mktemp("model") / "model.sklstm"
    model.save(path)
    return path


def _tampered(saved, tmp_path, edit):
    with zipfile.ZipFile(saved) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    meta = json.loads(members["sklstm.json"])
    edit(meta)
    members["sklstm.json"] = json.dumps(meta).encode()
    path = tmp_path / "tampered.sklstm"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("edit, message", [
    (lambda m: m["params"].__setitem__("bogus", 1), r"parameters \['bogus'\]"),
    (lambda m: m.__setitem__("params", [1]), "'params' entry is list"),
    (lambda m: m.__setitem__("fitted", "x"), "'fitted' entry is str"),
    (lambda m: m["fitted"].pop("horizon_"), "lacks part of the fitted model"),
    (lambda m: m["params"].__setitem__("hidden_size", 8), "weights do not fit the network"),
    (lambda m: m["fitted"]["scaling_"].__setitem__("__scaling__", "zzz"), "scaling 'zzz'"),
])
def test_damaged_model_files_are_refused_with_a_message(saved, tmp_path, edit, message):
    with pytest.raises(ValueError, match=message):
        sklstm.load(_tampered(saved, tmp_path, edit))


def test_a_model_file_of_format_one_naming_scalings_by_class_path_still_loads(saved, tmp_path):
    def as_format_one(meta):
        scaling = meta["fitted"]["scaling_"]
        scaling["__object__"] = "sklstm._scaling.GlobalScaling"
        del scaling["__scaling__"]

    original = sklstm.load(saved)
    loaded = sklstm.load(_tampered(saved, tmp_path, as_format_one))
    X, _ = make_sequences(np.sin(np.arange(60) / 5), window_length=8)
    np.testing.assert_array_equal(loaded.predict(X), original.predict(X))


@pytest.mark.parametrize("y", [pd.Series(["a"] * 30), np.array(["x"] * 30),
                               np.array([{"a": 1}] * 30, dtype=object)])
def test_non_numeric_targets_are_refused_by_name(y):
    with pytest.raises(TypeError, match="y must hold numbers"):
        LSTMForecaster(max_epochs=1).fit(np.random.rand(30, 5), y)


@pytest.mark.parametrize("estimator, name", [
    (LSTMForecaster, "hidden_size"), (GRUForecaster, "max_epochs"),
    (SequenceClassifier, "batch_size"), (SequenceClassifier, "test_crops"),
])
def test_a_boolean_is_not_a_count(estimator, name):
    X, y = np.random.rand(20, 6), np.arange(20) % 2
    with pytest.raises(ValueError, match=name):
        estimator(**{name: True, "max_epochs": 1} if name != "max_epochs"
                  else {name: True}).fit(X, y)


def test_sktime_forecaster_refuses_boolean_sizes_and_foreign_exogenous_columns():
    from sklstm.sktime import LSTMForecaster as SktimeLSTM

    index = pd.date_range("2000-01-01", periods=80, freq="D")
    y = pd.Series(np.sin(np.arange(80) / 4), index=index)
    X = pd.DataFrame({"x": np.cos(np.arange(80) / 4)}, index=index)
    with pytest.raises(ValueError, match="horizon"):
        SktimeLSTM(horizon=True, max_epochs=1).fit(y, fh=[1])
    forecaster = SktimeLSTM(window_length=5, hidden_size=4, max_epochs=1, random_state=0)
    forecaster.fit(y, X=X, fh=[1])
    future = pd.DataFrame({"z": [1.0]}, index=[index[-1] + pd.Timedelta("1D")])
    with pytest.raises(ValueError, match=r"X has columns \['z'\].*fitted with \['x'\]"):
        forecaster.predict(X=future)
    plain = SktimeLSTM(window_length=5, hidden_size=4, max_epochs=1, random_state=0)
    plain.fit(y, fh=[1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain.predict(X=future.rename(columns={"z": "x"}))
    assert any("fitted without exogenous X" in str(w.message) for w in caught)


def test_sktime_panel_whose_series_end_early_warns_that_fh_counts_from_the_latest_end():
    from sklstm.sktime import LSTMForecaster as SktimeLSTM

    # A panel indexed by position: "b" is shorter, so it ends 20 steps before "a".
    panel = pd.concat({"a": pd.Series(np.sin(np.arange(80) / 4)),
                       "b": pd.Series(np.cos(np.arange(60) / 4))}, names=["id", "t"])
    forecaster = SktimeLSTM(window_length=6, hidden_size=4, max_epochs=1, random_state=0)
    forecaster.fit(panel.to_frame("y"), fh=[1, 2])
    with pytest.warns(UserWarning, match="1 of the panel's 2 series end before its latest"):
        forecaster.predict()
    aligned = panel.copy()
    aligned.index = pd.MultiIndex.from_tuples(
        [(k, t - (80 if k == "a" else 60)) for k, t in panel.index], names=["id", "t"])
    forecaster.fit(aligned.to_frame("y"), fh=[1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecaster.predict()
