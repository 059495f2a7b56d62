"""Daily sunspot number: forecast tomorrow from the last days (Heaton, T81-558 class 10.2).
========================================================================================

The course's split: the gap-free series from 1848-12-23, train before 2000, test
2000-01-01..2017-06-30; windows of 10 days predict the next day. Reports test RMSE, training
time and epochs of LSTMForecaster next to persistence and a ridge regression on the same
windows, then (``--search``) a grid search over window length and cell type. The
documentation's gallery runs it with 3 epochs (``--max-epochs 3``); the figures in
``docs/results.md`` are the full run's::

    SKLSTM_DATA=../shared/data python examples/sunspot.py [--search] [--plot [sunspot.png]]
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklstm import LSTMForecaster, SequenceWindower, make_sequences
from sklstm.datasets import load_sunspots

COURSE_RMSE = {"Keras notebook": 14.43, "PyTorch notebook": 14.38}


def course_split(series, end="2017-06-30"):
    """The course's train/test split of the gap-free series."""
    series = series["1848-12-23":end]
    return series[:"1999-12-31"], series["2000-01-01":]


def flat(X):
    return X.reshape(len(X), -1)


def baselines(train, test, window_length=10, ridge_window=30):
    """Persistence and ridge regression on the test targets of the course's windows."""
    _, y_test = make_sequences(test, window_length)
    X_test, _ = make_sequences(test, window_length)
    rows = {"persistence (tomorrow = today)": root_mean_squared_error(y_test, X_test[:, -1, 0])}
    for w in sorted({window_length, ridge_window}):
        Xtr, ytr = make_sequences(train, w)
        # Same test targets as the network: windows of w days ending on the same days.
        Xte, yte = make_sequences(test, w, history=train)
        Xte, yte = Xte[-len(y_test):], yte[-len(y_test):]
        ridge = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(flat(Xtr), ytr)
        rows[f"ridge regression, {w}-day windows"] = root_mean_squared_error(yte, ridge.predict(flat(Xte)))
    return rows, y_test


def run(train, test, window_length=10, max_epochs=None, random_state=0, **params):
    X_train, y_train = make_sequences(train, window_length)
    X_test, y_test = make_sequences(test, window_length)
    # max_epochs None: the forecaster's default (one learning-rate cycle of 30 epochs).
    epochs = {} if max_epochs is None else {"max_epochs": max_epochs}
    model = LSTMForecaster(random_state=random_state, **epochs, **params)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    rmse = root_mean_squared_error(y_test, model.predict(X_test))
    return model, rmse, seconds


def grid_search(train, test, windows=(10, 30), cells=("lstm", "gru"), n_splits=3,
                max_epochs=None, random_state=0):
    """Tune window length and cell type with TimeSeriesSplit; score the best on the test set."""
    longest = max(windows)
    X, y = make_sequences(train, longest)
    pipe = make_pipeline(
        SequenceWindower(window_length=longest),
        LSTMForecaster(random_state=random_state,
                       **({} if max_epochs is None else {"max_epochs": max_epochs})),
    )
    search = GridSearchCV(
        pipe,
        {"sequencewindower__window_length": list(windows), "lstmforecaster__cell": list(cells)},
        cv=TimeSeriesSplit(n_splits=n_splits, gap=longest),
        scoring="neg_root_mean_squared_error",
        refit=True,
    )
    start = time.perf_counter()
    search.fit(X, y)
    seconds = time.perf_counter() - start
    # Test windows of the longest length (with the training history), same 6,381 targets.
    X_test, y_test = make_sequences(test, longest, history=train)
    _, y_course = make_sequences(test, 10)
    X_test, y_test = X_test[-len(y_course):], y_test[-len(y_course):]
    rmse = root_mean_squared_error(y_test, search.predict(X_test))
    return search, rmse, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--max-epochs", type=int, default=None,
                        help="default: the forecaster's (30)")
    parser.add_argument("--search", action="store_true", help="also run the grid search")
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="draw the last year of the test period; with PATH, also write it as a PNG")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    train, test = course_split(load_sunspots())
    print(f"train {len(train):,} days ({train.index[0].date()}..{train.index[-1].date()}), "
          f"test {len(test):,} days ({test.index[0].date()}..{test.index[-1].date()})")
    rows, _ = baselines(train, test, args.window)
    model, rmse, seconds = run(train, test, args.window, args.max_epochs, args.random_state)
    print("\n| model | test RMSE |\n|---|---|")
    for name, value in COURSE_RMSE.items():
        print(f"| course LSTM ({name}, printed) | {value:.2f} |")
    for name, value in rows.items():
        print(f"| {name} | {value:.2f} |")
    print(f"| LSTMForecaster defaults, window {args.window} | {rmse:.2f} |")
    print(f"\nLSTMForecaster: {seconds:.1f} s, {len(model.history_)} epochs "
          f"(best weights restored by early stopping)")
    if args.search:
        search, s_rmse, s_seconds = grid_search(train, test, max_epochs=args.max_epochs,
                                                random_state=args.random_state)
        print(f"\nGrid search (TimeSeriesSplit(3), windows 10/30 x LSTM/GRU): "
              f"best {search.best_params_}, CV RMSE {-search.best_score_:.2f}, "
              f"test RMSE {s_rmse:.2f}, {s_seconds:.0f} s")
    if args.plot is not None:
        from sklstm.plotting import plot_forecast

        X_test, y_test = (seq := make_sequences(test, args.window))
        ax = plot_forecast(y_test[-365:], model.predict(X_test[-365:]),
                           index=seq.target_index[-365:], title="Daily sunspot number, test")
        if args.plot:
            ax.figure.savefig(args.plot, dpi=100, bbox_inches="tight")
            print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
