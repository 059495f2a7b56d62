"""sklstm inside sktime: a tuned recurrent forecaster and the classifier in a pipeline.
====================================================================================

A tuned recurrent forecaster against seasonal naive, and the classifier in an sktime pipeline.

1. Canberra's monthly mean temperature (from the "Rain in Australia" data): sktime's
   ``ForecastingGridSearchCV`` with an ``ExpandingWindowSplitter`` picks the window length and
   the cell type of :class:`sklstm.sktime.GRUForecaster`; the chosen model forecasts the 18
   held-out months, then ``evaluate`` compares it with ``NaiveForecaster(strategy="last",
   sp=12)`` (same month last year) over rolling origins.
2. BasicMotions (ships with sktime): per-series standardisation then
   :class:`sklstm.sktime.SequenceClassifier`, as one sktime classification pipeline.

The documentation's gallery runs the quick settings (``--small``)::

    python examples/sktime_workflow.py            # full settings (~2 minutes on 2 cores)
    python examples/sktime_workflow.py --small    # a quick run (the test suite's)
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_basic_motions
from sktime.forecasting.base import ForecastingHorizon
from sktime.forecasting.model_evaluation import evaluate
from sktime.forecasting.model_selection import ForecastingGridSearchCV
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import MeanAbsoluteError
from sktime.split import ExpandingWindowSplitter
from sktime.transformations.series.adapt import TabularToSeriesAdaptor

from sklstm import TimeSeriesImputer
from sklstm.datasets import load_monthly_temperatures
from sklstm.sktime import GRUForecaster, SequenceClassifier

HORIZON = 18
# The weather example's settings: ~60 training windows call for a small network, small
# batches and no linear autoregressive part (18 x 18 weights would overfit).
# The weather example's tuned network, as it was tuned: on plain windows of the raw series
# (season_length=None: without the series state the adapter's default windows carry) with
# global scaling.
MODEL = dict(architecture="seq2seq", bidirectional=True, hidden_size=32, batch_size=16,
             lr=3e-3, weight_decay=1e-4, autoregressive=False, scaling="global",
             season_length=None)
FULL = {"max_epochs": 300, "grid_windows": [12, 18, 24], "step": 6}
SMALL = {"max_epochs": 30, "grid_windows": [18], "step": 12}


def canberra():
    """Monthly mean temperature of Canberra, gaps filled, on a monthly PeriodIndex."""
    temps = TimeSeriesImputer(strategy="neighbor_mean").fit_transform(load_monthly_temperatures())
    y = temps["Canberra"]
    y.index = y.index.to_period("M")
    return y


def tuned_forecaster(y_train, settings, random_state=0):
    """Grid search over window length and cell type with expanding-window validation."""
    fh = ForecastingHorizon(np.arange(1, HORIZON + 1))
    search = ForecastingGridSearchCV(
        GRUForecaster(max_epochs=settings["max_epochs"], random_state=random_state, **MODEL),
        cv=ExpandingWindowSplitter(fh=fh, initial_window=48, step_length=settings["step"]),
        param_grid={"window_length": settings["grid_windows"], "cell": ["lstm", "gru"]},
        scoring=MeanAbsoluteError(),
    )
    return search.fit(y_train, fh=fh)


def forecasting_report(settings, random_state=0):
    y = canberra()
    y_train, y_test = y[:-HORIZON], y[-HORIZON:]
    start = time.perf_counter()
    search = tuned_forecaster(y_train, settings, random_state)
    seconds = time.perf_counter() - start
    mae = MeanAbsoluteError()
    naive = NaiveForecaster(strategy="last", sp=12).fit(y_train, fh=np.arange(1, HORIZON + 1))
    holdout = {
        "sklstm (tuned by ForecastingGridSearchCV)": mae(y_test, search.predict()),
        'NaiveForecaster(strategy="last", sp=12)': mae(y_test, naive.predict()),
    }
    # Rolling origins over the whole series: the tuned settings refitted at each origin.
    cv = ExpandingWindowSplitter(fh=np.arange(1, HORIZON + 1), initial_window=60,
                                 step_length=settings["step"])
    rolling = {
        "sklstm (tuned by ForecastingGridSearchCV)": evaluate(search.best_forecaster_, cv, y,
                                                             scoring=mae),
        'NaiveForecaster(strategy="last", sp=12)': evaluate(
            NaiveForecaster(strategy="last", sp=12), cv, y, scoring=mae),
    }
    return search, seconds, holdout, rolling


def classification_report(settings, random_state=0):
    X_train, y_train = load_basic_motions(split="train", return_type="numpy3D")
    X_test, y_test = load_basic_motions(split="test", return_type="numpy3D")
    pipeline = TabularToSeriesAdaptor(StandardScaler()) * SequenceClassifier(
        max_epochs=settings["max_epochs"], random_state=random_state)
    start = time.perf_counter()
    pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(pipeline.predict(X_test) == y_test))
    majority = float(np.mean(y_test == max(set(y_train), key=list(y_train).count)))
    return pipeline, seconds, accuracy, majority


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--small", action="store_true", help="few epochs, a one-window grid")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="draw the held-out forecast against seasonal naive; with PATH, also write it as a PNG")
    args = parser.parse_args(argv)
    settings = SMALL if args.small else FULL
    # sktime announces a change of its remember_data default on every new forecaster.
    warnings.filterwarnings("ignore", message=".*remember_data", category=FutureWarning)

    search, seconds, holdout, rolling = forecasting_report(settings, args.random_state)
    print(f"Canberra, monthly mean temperature: chosen {search.best_params_} "
          f"(grid search {seconds:.0f} s)")
    print("\n| method | MAE, 18 held-out months (deg C) | mean MAE, rolling origins "
          f"({len(next(iter(rolling.values())))} folds) |\n|---|---|---|")
    for name in holdout:
        score = rolling[name].filter(like="test_").iloc[:, 0].mean()
        print(f"| {name} | {holdout[name]:.2f} | {score:.2f} |")
    if args.plot is not None:
        from sklstm.plotting import plot_forecast

        y = canberra().to_timestamp()
        naive = y.shift(12)[-HORIZON:]  # same month last year
        ax = plot_forecast(y[-HORIZON:], search.predict().to_timestamp(),
                           history=y[-HORIZON - 36:-HORIZON], ylabel="deg C",
                           title="Canberra: GRUForecaster tuned by ForecastingGridSearchCV")
        ax.plot(naive.index, naive.to_numpy(), color="0.3", linestyle=":",
                label="seasonal naive")
        ax.legend()
        if args.plot:
            ax.figure.savefig(args.plot, dpi=100, bbox_inches="tight")
            print(f"\nplot written to {args.plot}")

    pipeline, seconds, accuracy, majority = classification_report(settings, args.random_state)
    print(f"\nBasicMotions, {pipeline.__class__.__name__} (per-series standardisation * "
          f"SequenceClassifier), fit {seconds:.0f} s")
    print(f"\n| measure | value |\n|---|---|\n| test accuracy | {accuracy:.1%} |\n"
          f"| majority class | {majority:.1%} |")


if __name__ == "__main__":
    main()
