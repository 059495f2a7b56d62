"""save()/sklstm.load(): JSON parameters, plain arrays and tensors; never pickle."""

import io
import json
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch

import sklstm
from sklstm import GRUForecaster, LSTMForecaster, SequenceClassifier, make_sequences


def _series():
    index = pd.date_range("2000-01-01", periods=300, freq="D")
    return pd.Series(np.sin(np.arange(300) / 5) + np.arange(300) / 100, index=index, name="v")


@pytest.fixture(scope="module")
def forecaster():
    X, y = make_sequences(_series(), window_length=12, horizon=3)
    return LSTMForecaster(hidden_size=8, max_epochs=3, scaling="window", calibration_fraction=0.2,
                          optimizer="adamw", criterion="huber", random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def classifier():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 10, 2))
    y = np.where(X[:, :, 0].mean(axis=1) > 0, "up", "down")
    return SequenceClassifier(hidden_size=8, conv_filters=(4, 8, 4), max_epochs=3,
                              random_state=0).fit(X, y)


def _rewrite(path, member, content):
    """Replace one member of a model file (to forge or damage it)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[member] = content
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_forecaster_round_trip_predicts_identically(tmp_path, forecaster):
    path = tmp_path / "model.sklstm"
    forecaster.save(path)
    loaded = sklstm.load(path)
    assert type(loaded) is LSTMForecaster
    assert loaded.get_params() == forecaster.get_params()
    X, _ = make_sequences(_series(), window_length=12, horizon=3)
    np.testing.assert_array_equal(loaded.predict(X), forecaster.predict(X))
    for a, b in zip(loaded.predict_interval(X[-5:], 0.8), forecaster.predict_interval(X[-5:], 0.8)):
        np.testing.assert_array_equal(a, b)
    pd.testing.assert_series_equal(loaded.forecast(_series()), forecaster.forecast(_series()))
    pd.testing.assert_frame_equal(loaded.history_, forecaster.history_, check_dtype=False)
    # The loaded model can keep training (a fresh optimizer state).
    loaded.set_params(warm_start=True, max_epochs=1).fit(X, make_sequences(_series(), 12, 3)[1])
    assert len(loaded.history_) == len(forecaster.history_) + 1


@pytest.mark.parametrize("labels", [np.array(["a", "b", "c"]), np.array([3, 7, 11])])
def test_classifier_round_trip_keeps_labels_and_probabilities(tmp_path, labels):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 8, 1))
    y = labels[np.arange(30) % 3]
    clf = SequenceClassifier(architecture="recurrent", cell="gru", hidden_size=8, max_epochs=2,
                             random_state=0).fit(X, y)
    clf.save(tmp_path / "clf.sklstm")
    loaded = sklstm.load(tmp_path / "clf.sklstm")
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    assert loaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_a_fresh_process_predicts_bit_identically(tmp_path, forecaster, classifier):
    forecaster.save(tmp_path / "f.sklstm")
    classifier.save(tmp_path / "c.sklstm")
    X, _ = make_sequences(_series(), window_length=12, horizon=3)
    Xc = np.random.default_rng(2).normal(size=(7, 10, 2))
    np.save(tmp_path / "X.npy", np.asarray(X))
    np.save(tmp_path / "Xc.npy", Xc)
    code = (
        "import sys, numpy as np, sklstm\n"
        "d = sys.argv[1]\n"
        "np.save(d + '/pf.npy', sklstm.load(d + '/f.sklstm').predict(np.load(d + '/X.npy')))\n"
        "np.save(d + '/pc.npy', sklstm.load(d + '/c.sklstm').predict_proba(np.load(d + '/Xc.npy')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "pf.npy"), forecaster.predict(X))
    np.testing.assert_array_equal(np.load(tmp_path / "pc.npy"), classifier.predict_proba(Xc))


class _Payload:
    def __reduce__(self):
        return (print, ("this ran from a model file",))


def test_pickled_payloads_are_refused(tmp_path, forecaster, capsys):
    path = tmp_path / "forged.sklstm"
    forecaster.save(path)
    weights = io.BytesIO()
    torch.save({"weight": _Payload()}, weights)
    _rewrite(path, "weights.pt", weights.getvalue())
    with pytest.raises(ValueError, match="refuses to load objects"):
        sklstm.load(path)
    assert "this ran" not in capsys.readouterr().out

    forecaster.save(path)
    arrays = io.BytesIO()
    np.savez(arrays, a0=np.array([_Payload()], dtype=object))
    _rewrite(path, "arrays.npz", arrays.getvalue())
    with pytest.raises(ValueError, match="not plain arrays"):
        sklstm.load(path)
    assert "this ran" not in capsys.readouterr().out

    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(forecaster))
    with pytest.raises(ValueError, match="not an sklstm model file"):
        sklstm.load(pickled)


def test_files_naming_other_classes_or_newer_formats_are_refused(tmp_path, forecaster):
    path = tmp_path / "m.sklstm"
    forecaster.save(path)
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("sklstm.json"))
    evil = json.loads(json.dumps(meta))
    evil["params"]["optimizer"] = {"__class__": "os.system"}
    _rewrite(path, "sklstm.json", json.dumps(evil))
    with pytest.raises(ValueError, match="'os.system', which sklstm does not load"):
        sklstm.load(path)
    newer = json.loads(json.dumps(meta))
    newer["format_version"], newer["sklstm_version"] = 99, "9.0"
    _rewrite(path, "sklstm.json", json.dumps(newer))
    with pytest.raises(ValueError, match="written by sklstm 9.0 in model format 99.*Upgrade"):
        sklstm.load(path)
    other = json.loads(json.dumps(meta))
    other["estimator"] = "Popen"
    _rewrite(path, "sklstm.json", json.dumps(other))
    with pytest.raises(ValueError, match="unknown estimator 'Popen'"):
        sklstm.load(path)


def test_a_cuda_trained_model_loads_on_a_machine_without_cuda(tmp_path, forecaster):
    path = tmp_path / "m.sklstm"
    forecaster.save(path)
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("sklstm.json"))
    meta["params"]["device"], meta["trained_on"] = "cuda", "cuda:0"  # as written on a GPU
    _rewrite(path, "sklstm.json", json.dumps(meta))
    loaded = sklstm.load(path)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert str(loaded.net_.device).startswith(expected)
    assert loaded.device == "cuda"  # the parameter as saved
    X, _ = make_sequences(_series(), window_length=12, horizon=3)
    if expected == "cpu":
        np.testing.assert_array_equal(loaded.predict(X), forecaster.predict(X))
    assert sklstm.load(path, device="cpu").device == "cpu"


def test_pickle_maps_every_tensor_to_the_loading_device(forecaster):
    # skorch pickles the module's, optimizer's and criterion's tensors in a block it loads
    # onto the device at hand (a CUDA model unpickles on a machine without one). A tensor
    # pickled outside it (the best weights, the schedule's optimizer, both held by
    # callbacks) would demand CUDA when loaded: none may be.
    outside = []

    class Spy(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, torch.Tensor):
                outside.append(tuple(obj.shape))
            return NotImplemented

    Spy(io.BytesIO()).dump(forecaster)
    assert outside == []
    loaded = pickle.loads(pickle.dumps(forecaster))
    # skorch's LRScheduler (plateau) holds lr_scheduler_, the one-cycle schedule scheduler_.
    schedules = [getattr(cb, "lr_scheduler_", None) or getattr(cb, "scheduler_", None)
                 for _, cb in loaded.net_.callbacks_]
    schedules = [s for s in schedules if s is not None]
    # The schedule still steps the net's own optimizer, not a copy of it.
    assert schedules and all(s.optimizer is loaded.net_.optimizer_ for s in schedules)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_model_pickled_on_cuda_predicts_and_trains_on_on_a_machine_without_it():
    X, y = make_sequences(_series(), window_length=12, horizon=3)
    model = LSTMForecaster(hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    expected = model.predict(X)
    model.net_.device = "cuda"  # what a net trained on a GPU carries into its pickle
    with pytest.warns(UserWarning, match="not available"):
        loaded = pickle.loads(pickle.dumps(model))
    assert loaded.net_.device == "cpu"
    np.testing.assert_array_equal(loaded.predict(X), expected)
    loaded.partial_fit(X, y)  # training goes on, on the CPU
    assert len(loaded.history_) == 4 and loaded.net_.device == "cpu"


def test_parameters_that_are_objects_cannot_be_saved_and_say_so(tmp_path):
    from skorch.callbacks import EpochTimer

    X, y = make_sequences(_series(), window_length=12)
    model = GRUForecaster(hidden_size=4, max_epochs=1, callbacks=[EpochTimer()]).fit(X, y)
    with pytest.raises(TypeError, match="callbacks.*cannot be saved.*pickle"):
        model.save(tmp_path / "m.sklstm")
    with pytest.raises(Exception, match="not fitted"):
        LSTMForecaster().save(tmp_path / "unfitted.sklstm")
