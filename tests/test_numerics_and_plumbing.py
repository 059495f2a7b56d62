"""Numbers keep their meaning; careless component parameters get clear errors."""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

from sklstm import (
    GRUForecaster,
    LSTMForecaster,
    SequenceClassifier,
    SequenceWindower,
    TimeSeriesImputer,
    make_sequences,
)
from sklstm.datasets import make_car_sequences
from sklstm.exceptions import NonFiniteLossError

SINE = np.sin(np.arange(1500) / 5)


def test_large_offset_keeps_its_variation():
    # 1e8 + sin(t): a float32 cast before standardisation would make it constant.
    X, y = make_sequences(1e8 + SINE, window_length=12)
    model = LSTMForecaster(hidden_size=16, max_epochs=15, random_state=0).fit(X, y)
    assert model.scaling_.input_mean[0] == pytest.approx(1e8, abs=1)
    assert r2_score(y, model.predict(X)) > 0.9


def test_tiny_values_are_learned_as_well_as_unit_ones():
    X, y = make_sequences(1e-12 * SINE, window_length=12)
    model = LSTMForecaster(hidden_size=16, max_epochs=15, random_state=0).fit(X, y)
    assert r2_score(y, model.predict(X)) > 0.9


@pytest.mark.parametrize("where", ["X", "y"])
def test_values_beyond_float32_are_refused_naming_the_argument(where):
    X, y = make_sequences(SINE[:200], window_length=5)
    X, y = (X * 1e39, y) if where == "X" else (X, y * 1e39)
    with pytest.raises(ValueError, match=f"{where} holds values up to .* float32"):
        LSTMForecaster(max_epochs=1).fit(X, y)


def test_the_float32_range_check_reads_the_largest_magnitude_whatever_its_sign():
    from sklstm._value_checks import check_float32_range

    values = np.array([[1.0, np.nan], [-4e38, 2.0]])
    with pytest.raises(ValueError, match="values up to 4e\\+38"):
        check_float32_range(values, "X")
    check_float32_range(np.full((3, 2), np.nan), "X")  # nothing but NaN: nothing too large
    check_float32_range(np.array([[-3e38, np.nan, 3e38]]), "X")  # within float32's range
    check_float32_range(np.empty((0, 3)), "X")


def test_a_diverging_fit_stops_with_a_clear_error_and_no_model():
    X, y = make_sequences(SINE[:300], window_length=5)
    model = LSTMForecaster(max_epochs=5, lr=1e12, optimizer="sgd", scale_target=False)
    with pytest.raises(NonFiniteLossError, match="diverged. Lower lr"):
        model.fit(X, y * 1e30)
    assert not hasattr(model, "net_")


def test_sequences_pickle_copy_and_deepcopy():
    s = pd.Series(SINE[:50], index=pd.date_range("2020", periods=50, freq="D"), name="v")
    seq = make_sequences(s, window_length=5, horizon=2)
    for other in (pickle.loads(pickle.dumps(seq)), copy.copy(seq), copy.deepcopy(seq)):
        X, y = other
        np.testing.assert_array_equal(X, seq.X)
        np.testing.assert_array_equal(y, seq.y)
        assert other.target_index.equals(seq.target_index)
        assert other.origin.equals(seq.origin)
        assert other.X.feature_names == ("v",)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"optimizer": int}, TypeError, "optimizer must be one of"),
        ({"callbacks": ["x"]}, TypeError, r"callbacks\[0\] must be a skorch callback"),
        ({"callbacks": [("name", 3)]}, TypeError, r"callbacks\[0\]"),
        ({"device": "meta"}, ValueError, "device='meta' cannot train"),
        ({"device": "not-a-device"}, ValueError, "is not a torch device"),
        ({"optimizer_params": {"lr": 0.1}}, ValueError, "set the estimator's lr="),
        ({"criterion": "hinge"}, ValueError, "criterion"),
        ({"optimizer_params": {"nonsense": 1}}, TypeError, "optimizer_params=.*nonsense"),
    ],
)
def test_component_parameters_fail_fast_with_their_name(params, error, message):
    X, y = make_sequences(SINE[:100], window_length=5)
    with pytest.raises(error, match=message):
        LSTMForecaster(max_epochs=1, **params).fit(X, y)


def test_criterion_and_optimizer_params_reach_the_net():
    X, y = make_sequences(SINE[:100], window_length=5)
    model = GRUForecaster(max_epochs=1, criterion="huber", optimizer="adamw",
                          optimizer_params={"betas": (0.8, 0.9)}).fit(X, y)
    assert isinstance(model.net_.criterion_, torch.nn.HuberLoss)
    assert model.net_.optimizer_.param_groups[0]["betas"] == (0.8, 0.9)
    model = LSTMForecaster(max_epochs=1, criterion=torch.nn.L1Loss).fit(X, y)
    assert isinstance(model.net_.criterion_, torch.nn.L1Loss)


def test_classifier_class_weight_keys_and_ragged_lists():
    X, y = make_car_sequences(n_samples=60, random_state=0)
    with pytest.raises(ValueError, match=r"class_weight has keys \[7\]"):
        SequenceClassifier(max_epochs=1, class_weight={1: 1.0, 7: 2.0}).fit(X, y)
    with pytest.raises(ValueError, match="ragged list.*pad_sequences"):
        SequenceClassifier(max_epochs=1).fit([[1.0, 2.0], [3.0]], [0, 1])


def test_net_is_an_ordinary_skorch_net():
    X, y = make_sequences(SINE[:200], window_length=5)
    model = LSTMForecaster(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    net = model.net_
    assert net.get_params()["iterator_train__shuffle"] is True
    # skorch's own predict works on data in the network's frame.
    scaled = model.scaling_.transform(np.asarray(X[:7]))
    out = net.forward(torch.from_numpy(scaled)).numpy()
    np.testing.assert_allclose(net.predict(scaled), out)
    np.testing.assert_allclose(model.scaling_.decode(out)[:, 0], model.predict(X[:7]), rtol=1e-5)


def test_pipeline_set_output_pandas():
    X = np.arange(40.0).reshape(4, 10)
    X[1, 3] = np.nan
    pipe = make_pipeline(TimeSeriesImputer(), SequenceWindower(window_length=3))
    out = pipe.set_output(transform="pandas").fit_transform(X)
    # The imputer's pandas output names the steps x0..x9; the windower keeps the last three.
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["x7", "x8", "x9"]
    np.testing.assert_array_equal(out.to_numpy(), X[:, -3:])
    alone = SequenceWindower(window_length=3).set_output(transform="pandas").fit_transform(X)
    assert list(alone.columns) == ["t-2", "t-1", "t-0"]
    X3 = np.arange(60.0).reshape(2, 10, 3)
    assert SequenceWindower(window_length=2).set_output(transform="pandas").fit_transform(
        X3).shape == (2, 2, 3)
