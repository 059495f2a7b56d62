"""scikit-learn's estimator checks over every public estimator, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm import (
    Deseasonalizer,
    GRUForecaster,
    LSTMForecaster,
    SequenceClassifier,
    SequenceWindower,
    TimeSeriesImputer,
)

# Small networks trained long enough to pass the checks that demand a real fit
# (R^2 > 0.5 for regressors, accuracy > 0.83 for classifiers).
_FAST = dict(hidden_size=16, max_epochs=40, lr=0.01, batch_size=32)

ESTIMATORS = [
    SequenceWindower(),
    SequenceWindower(window_length=1),
    TimeSeriesImputer(),
    # period=1: the checks inject NaN at random, and a longer period would (rightly) refuse
    # a season never observed in their short rows; tests/test_impute.py covers period > 1.
    TimeSeriesImputer(strategy="seasonal", period=1),
    # Rows are time steps: an explicit season makes the output depend on row order (the
    # checks shuffle and subset rows), so only the default runs here; tests/test_seasonal.py
    # covers explicit seasons.
    Deseasonalizer(),
    LSTMForecaster(**_FAST),
    GRUForecaster(**_FAST),
    LSTMForecaster(architecture="seq2seq", bidirectional=True, **_FAST),
    SequenceClassifier(**_FAST),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
