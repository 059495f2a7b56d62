"""log_transform and difference: exactly undone, and what they are for (growth, trends)."""

import numpy as np
import pytest

from sklstm import LSTMForecaster, load, make_sequences
from sklstm._scaling import GlobalScaling, TargetTransform, WindowScaling


@pytest.mark.parametrize("inner", ["global", "window"])
@pytest.mark.parametrize("log, difference", [(True, False), (False, True), (True, True)])
def test_the_transform_is_exactly_reversible(inner, log, difference):
    rng = np.random.default_rng(0)
    series = np.exp(rng.normal(size=(300, 2)).cumsum(axis=0) * 0.05) * 10
    X, y = make_sequences(series, window_length=8, horizon=3, target=1)

    def fit_inner(Xt, yt):
        if inner == "window":
            return WindowScaling.fit(Xt, yt, target_feature=1)
        return GlobalScaling.fit(Xt, yt, scale_target=True, overlapping=False)

    transform = TargetTransform.fit(X, y, fit_inner, target_feature=1, log=log,
                                    difference=difference)
    X_rows = np.asarray(X)
    encoded = transform.encode_target(y, X_rows)  # float32: the network's frame
    np.testing.assert_allclose(transform.decode(encoded, X_rows), y, rtol=1e-6)
    # The inputs the network sees: the target feature transformed, the other as it was.
    Xt = transform._forward_X(X_rows)[0]
    column = np.log(X_rows[:, :, 1]) if log else X_rows[:, :, 1]
    if difference:
        column = np.diff(column, axis=1, prepend=column[:, :1])
    np.testing.assert_allclose(Xt[:, :, 1], column)
    np.testing.assert_allclose(Xt[:, :, 0], X_rows[:, :, 0])


def test_differences_follow_a_trend_far_beyond_the_training_range():
    t = np.arange(400.0)
    series = 3.0 * t + np.sin(t / 3)
    X, y = make_sequences(series[:300], window_length=12, horizon=4)
    X_test, y_test = make_sequences(series[300:], window_length=12, horizon=4,
                                    history=series[:300])
    params = dict(hidden_size=16, max_epochs=60, lr=1e-2, random_state=0)
    differenced = LSTMForecaster(difference=True, **params).fit(X, y)
    plain = LSTMForecaster(**params).fit(X, y)
    error = np.abs(differenced.predict(X_test) - y_test).mean()
    # Test values run up to 1,200 where training ended at 900.
    assert error < 1.0 < np.abs(plain.predict(X_test) - y_test).mean()


def test_log_differences_forecast_exponential_growth():
    t = np.arange(300.0)
    series = 5.0 * 1.02**t * (1 + 0.1 * np.sin(2 * np.pi * t / 12))
    X, y = make_sequences(series[:240], window_length=24, horizon=6)
    X_test, y_test = make_sequences(series[240:], window_length=24, horizon=6,
                                    history=series[:240])
    model = LSTMForecaster(log_transform=True, difference=True, hidden_size=16, max_epochs=80,
                           lr=1e-2, random_state=0).fit(X, y)
    relative = np.abs(model.predict(X_test) / y_test - 1)
    assert relative.mean() < 0.05


def test_log_of_a_non_positive_target_is_refused_by_name():
    X, y = make_sequences(np.linspace(-1, 1, 50), window_length=5)
    with pytest.raises(ValueError, match="log_transform=True needs positive values"):
        LSTMForecaster(log_transform=True, max_epochs=1).fit(X, y)


def test_transformed_models_save_and_export(tmp_path):
    rng = np.random.default_rng(1)
    series = np.exp(rng.normal(size=200).cumsum() * 0.05) * 10
    X, y = make_sequences(series, window_length=10, horizon=2)
    model = LSTMForecaster(log_transform=True, difference=True, scaling="window",
                           hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    model.save(tmp_path / "m.sklstm")
    np.testing.assert_allclose(load(tmp_path / "m.sklstm").predict(X), model.predict(X),
                               rtol=1e-6)
    ort = pytest.importorskip("onnxruntime", reason="ONNX needs onnxruntime (the onnx extra)")
    pytest.importorskip("onnx", reason="to_onnx needs onnx (the onnx extra)")
    model.to_onnx(tmp_path / "m.onnx")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    out = session.run(None, {"X": np.asarray(X, dtype=np.float32)})[0]
    np.testing.assert_allclose(out, model.predict(np.asarray(X, dtype=np.float32)), rtol=1e-4)
