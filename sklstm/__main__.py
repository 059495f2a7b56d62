"""``python -m sklstm``: a one-minute tour on embedded data, printing what a user would check.

1. Forecasting: a noisy seasonal series (generated, seed 0) cut into windows; a Pipeline of
   SequenceWindower and LSTMForecaster tuned by GridSearchCV over window length and cell type
   with TimeSeriesSplit; test RMSE next to seasonal-naive and ridge baselines.
2. Classification: the course's car toy data (shipped with sklstm) and generated cars.
"""

import time

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklstm import LSTMForecaster, SequenceClassifier, SequenceWindower, make_sequences
from sklstm.datasets import load_car_colors, make_car_sequences


def seasonal_series(n=1200, period=24, seed=0):
    """A season, a slow trend and a non-linear AR(1) disturbance: hard for a linear model."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    noise = np.zeros(n)
    for i in range(1, n):
        noise[i] = 0.8 * np.tanh(2 * noise[i - 1]) + 0.3 * rng.randn()
    return np.sin(2 * np.pi * t / period) + 0.001 * t + noise


def forecasting_demo(period=24):
    series = seasonal_series(period=period)
    train, test = series[:1000], series[1000:]
    longest = 2 * period
    X, y = make_sequences(train, longest)
    X_test, y_test = make_sequences(test, longest, history=train)
    pipe = make_pipeline(SequenceWindower(window_length=longest),
                         LSTMForecaster(hidden_size=32, max_epochs=40, lr=5e-3, random_state=0))
    search = GridSearchCV(
        pipe,
        {"sequencewindower__window_length": [period // 2, longest],
         "lstmforecaster__cell": ["lstm", "gru"]},
        cv=TimeSeriesSplit(n_splits=3, gap=1),
        scoring="neg_root_mean_squared_error",
    )
    start = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - start
    ridge = RidgeCV().fit(X[:, :, 0], y)
    rows = {
        "seasonal naive (same step last period)": root_mean_squared_error(
            y_test, X_test[:, -period, 0]),
        f"ridge regression on {longest}-step windows": root_mean_squared_error(
            y_test, ridge.predict(X_test[:, :, 0])),
        "sklstm grid search (window x cell)": root_mean_squared_error(
            y_test, search.predict(X_test)),
    }
    print("Forecasting a generated seasonal series one step ahead "
          f"(train {len(train)}, test {len(test)} steps)")
    print(f"best parameters: {search.best_params_}  ({seconds:.0f} s for the search)\n")
    print("| model | test RMSE |\n|---|---|")
    for name, value in rows.items():
        print(f"| {name} | {value:.3f} |")


def classification_demo():
    X_toy, y_toy = load_car_colors()
    X_train, y_train = make_car_sequences(n_samples=600, seq_len=6, random_state=0)
    X_new, y_new = make_car_sequences(n_samples=300, seq_len=6, random_state=1)
    clf = SequenceClassifier(hidden_size=32, lr=0.01, max_epochs=60, random_state=0)
    clf.fit(X_train, y_train)
    print("\nWhich car passed the pinhole camera? (SequenceClassifier)")
    print(f"accuracy on the course's 6 toy sequences: {clf.score(X_toy, y_toy):.0%}")
    print(f"accuracy on 300 new cars at other positions and lengths: {clf.score(X_new, y_new):.0%}")
    example = np.array([[0, 0, 0, 0, 0, 2]], dtype=np.float32)[:, :, None]
    print(f"a colour-2 car entering at the last step is classified as: {clf.predict(example)[0]}")


if __name__ == "__main__":
    forecasting_demo()
    classification_demo()
