"""SeedEnsemble: members with their own seeds, averaged; less spread across seeds."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor

from sklstm import LSTMForecaster, SequenceClassifier, make_sequences
from sklstm.ensemble import SeedEnsemble


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(160) / 4.0) + rng.normal(scale=0.3, size=160)
    X, y = make_sequences(series[:120], window_length=12, horizon=3)
    X_test, y_test = make_sequences(series[120:], window_length=12, horizon=3,
                                    history=series[:120])
    return X, y, X_test, y_test


def test_members_have_their_own_seeds_and_the_mean_is_returned(small_data):
    X, y, X_test, _ = small_data
    base = LSTMForecaster(hidden_size=8, max_epochs=10)
    ensemble = SeedEnsemble(base, n_members=3, random_state=0).fit(X, y)
    assert len(set(ensemble.seeds_)) == 3
    assert [m.random_state for m in ensemble.estimators_] == list(ensemble.seeds_)
    assert base.random_state is None  # the template is untouched
    members = np.array([m.predict(X_test) for m in ensemble.estimators_])
    np.testing.assert_allclose(ensemble.predict(X_test), members.mean(axis=0))
    assert not np.allclose(members[0], members[1])
    # Repeatable: the same random_state gives the same members.
    again = SeedEnsemble(base, n_members=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(again.predict(X_test), ensemble.predict(X_test))
    assert is_regressor(ensemble) and not is_classifier(ensemble)
    restored = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_array_equal(restored.predict(X_test), ensemble.predict(X_test))
    assert clone(ensemble).get_params()["n_members"] == 3


def test_averaging_shrinks_the_spread_across_seeds(small_data):
    X, y, X_test, y_test = small_data
    base = LSTMForecaster(hidden_size=8, max_epochs=15)
    singles = [np.abs(clone(base).set_params(random_state=s).fit(X, y).predict(X_test)
                      - y_test).mean() for s in range(4)]
    ensembles = [np.abs(SeedEnsemble(base, n_members=4, random_state=s).fit(X, y)
                        .predict(X_test) - y_test).mean() for s in range(4)]
    assert np.std(ensembles) < np.std(singles)


def test_classifier_members_average_probabilities():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 10, 1))
    y = np.where(X[:, :, 0].mean(axis=1) > 0, "up", "down")
    ensemble = SeedEnsemble(SequenceClassifier(architecture="recurrent", hidden_size=8,
                                               max_epochs=5), n_members=2, random_state=0)
    ensemble.fit(X, y)
    proba = ensemble.predict_proba(X)
    np.testing.assert_allclose(proba, np.mean([m.predict_proba(X) for m in ensemble.estimators_],
                                              axis=0))
    assert ensemble.classes_.tolist() == ["down", "up"]
    np.testing.assert_array_equal(ensemble.predict(X), ensemble.classes_[proba.argmax(axis=1)])
    assert is_classifier(ensemble)


def test_forecast_is_the_mean_forecast_and_bad_input_is_refused(small_data):
    import pandas as pd

    series = pd.Series(np.sin(np.arange(100) / 4.0))
    X, y = make_sequences(series, window_length=12, horizon=3)
    ensemble = SeedEnsemble(LSTMForecaster(hidden_size=4, max_epochs=3), n_members=2,
                            random_state=0).fit(X, y)
    forecast = ensemble.forecast(series)
    expected = np.mean([m.forecast(series).to_numpy() for m in ensemble.estimators_], axis=0)
    np.testing.assert_allclose(forecast.to_numpy(), expected)
    assert forecast.index.tolist() == [100, 101, 102]
    with pytest.raises(ValueError, match="n_members must be a positive integer"):
        SeedEnsemble(LSTMForecaster(), n_members=0).fit(X, y)
    with pytest.raises(ValueError, match="intervals from a member"):
        ensemble.forecast(series, coverage=0.9)
