"""Monthly mean temperature of Australian cities: 18 months in, 18 months out (Dobilas).
=====================================================================================

The weather tutorial's task with sklstm: monthly means of the daily median temperature,
the three missing months imputed as the mean of their neighbours, then a bidirectional
LSTM encoder-decoder (``architecture="seq2seq"``) forecasts 2016-01..2017-06 from the 18
months before, trained on every window that ends before them; and ``LSTMForecaster()`` with
its defaults, one model trained on the windows of every location (a global model: 49 times
the data), which forecasts any city. Judged against seasonal naive (same month last year)
and climatology (mean of the calendar month in training). The
documentation's gallery runs it with one seed and 60 epochs (``--seeds 1 --max-epochs 60``);
the figures in ``docs/results.md`` are the full run's::

    SKLSTM_DATA=../shared/data python examples/weather.py [--city Sydney] [--all-cities]
        [--search] [--plot [weather.png]]
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklstm import LSTMForecaster, SequenceWindower, TimeSeriesImputer, make_sequences
from sklstm.datasets import load_monthly_temperatures

WINDOW = HORIZON = 18
TEST_START = "2016-01-01"
# With ~60 training windows the linear autoregressive part (18 x 18 weights) overfits: off.
MODEL = dict(architecture="seq2seq", bidirectional=True, hidden_size=32, batch_size=16,
             lr=3e-3, max_epochs=300, weight_decay=1e-4, autoregressive=False)


def monthly_temperatures():
    """All locations, month-start index, every gap filled with the mean of its neighbours."""
    return TimeSeriesImputer(strategy="neighbor_mean").fit_transform(load_monthly_temperatures())


def split(series):
    """Training part (all windows end before the test months) and the 18 test months."""
    train = series[series.index < TEST_START]
    test = series[series.index >= TEST_START][:HORIZON]
    return train, test


def baselines(train, test, full):
    """Seasonal naive (same month one year earlier) and climatology (training monthly mean)."""
    naive = np.array([full[d - pd.DateOffset(years=1)] for d in test.index])
    clim_by_month = train.groupby(train.index.month).mean()
    climatology = clim_by_month.loc[test.index.month].to_numpy()
    # The strictly 18-months-ahead variant: the latest same month known at the forecast origin.
    latest = np.array([train[train.index.month == d.month].iloc[-1] for d in test.index])
    return {
        "seasonal naive (same month last year)": naive,
        "seasonal naive (latest year before the origin)": latest,
        "climatology (training mean of the month)": climatology,
    }


def fit_city(train, random_state=0, **params):
    X, y = make_sequences(train, WINDOW, horizon=HORIZON)
    model = LSTMForecaster(random_state=random_state, **{**MODEL, **params})
    return model.fit(X, y)


def forecast_city(model, train, test):
    """The 18 test months forecast from the last 18 training months, on the test index."""
    prediction = model.forecast(train)
    assert prediction.index.equals(test.index), (prediction.index, test.index)
    return prediction


def global_windows(frame):
    """Windows of every location (one column per location: a panel); each window stays
    inside its own location and carries its location's season and level."""
    return make_sequences(frame, WINDOW, horizon=HORIZON, series_id="columns")


def global_forecast(model, train_frame):
    """Each location's 18 months after the training period: (n_locations, 18), in column
    order."""
    forecast = model.forecast(train_frame, series_id="columns")
    return np.stack([forecast.loc[c].to_numpy() for c in train_frame.columns])


def mean_city_mae(test_frame, forecasts):
    """Mean over locations of the MAE of ``forecasts`` (n_locations, 18), in column order."""
    return np.mean([score(test_frame[c], forecasts[i])[0]
                    for i, c in enumerate(test_frame.columns)])


def score(truth, prediction):
    return mean_absolute_error(truth, prediction), root_mean_squared_error(truth, prediction)


def city_report(temps, city, random_state=0, n_seeds=1, **params):
    """Baselines and the network on one city; with ``n_seeds`` > 1 also a seed ensemble."""
    series = temps[city]
    train, test = split(series)
    start = time.perf_counter()
    models = [fit_city(train, random_state + k, **params) for k in range(n_seeds)]
    seconds = time.perf_counter() - start
    forecasts = [forecast_city(model, train, test) for model in models]
    rows = {name: score(test, values) for name, values in baselines(train, test, series).items()}
    rows["sklstm seq2seq bidirectional LSTM"] = score(test, forecasts[0])
    prediction = forecasts[0]
    if n_seeds > 1:
        single = [score(test, f)[0] for f in forecasts]
        rows[f"  same, MAE over {n_seeds} seeds: mean (min..max)"] = (
            f"{np.mean(single):.2f} ({min(single):.2f}..{max(single):.2f})", None)
        prediction = sum(forecasts) / n_seeds
        rows[f"sklstm ensemble: mean forecast of {n_seeds} seeds"] = score(test, prediction)
    return rows, prediction, test, seconds, models[0]


GLOBAL_DEFAULTS = "sklstm defaults, one model over all locations: LSTMForecaster()"


def global_defaults(temps, random_state=0, n_seeds=1, **params):
    """``LSTMForecaster()`` with its defaults, one model over every location's windows.

    Returns the forecasts of every location's 18 test months for each seed, shape
    ``(n_seeds, n_locations, 18)``, and the training seconds of all seeds.
    """
    train_frame = temps[temps.index < TEST_START]
    X, y = global_windows(train_frame)
    start = time.perf_counter()
    models = [LSTMForecaster(random_state=random_state + k, **params).fit(X, y)
              for k in range(n_seeds)]
    seconds = time.perf_counter() - start
    return np.stack([global_forecast(m, train_frame) for m in models]), seconds


def global_rows(temps, city, forecasts):
    """Rows of the city's table for the global model: first seed, seed spread, ensemble."""
    test = split(temps[city])[1]
    mine = forecasts[:, list(temps.columns).index(city)]
    rows = {GLOBAL_DEFAULTS: score(test, mine[0])}
    if len(mine) > 1:
        single = [score(test, f)[0] for f in mine]
        # Named apart from the per-city rows: these are keys of the same table.
        rows[f"  defaults over all locations, MAE over {len(mine)} seeds: mean (min..max)"] = (
            f"{np.mean(single):.2f} ({min(single):.2f}..{max(single):.2f})", None)
        rows[f"  defaults over all locations, ensemble: mean forecast of {len(mine)} seeds"] = (
            score(test, mine.mean(0)))
    return rows


def all_cities(temps, random_state=0, global_forecasts=None, **params):
    """Per-city models vs one global model over all locations: mean MAE over cities."""
    train_frame = temps[temps.index < TEST_START]
    test_frame = temps[temps.index >= TEST_START][:HORIZON]
    X, y = global_windows(train_frame)
    start = time.perf_counter()
    global_model = LSTMForecaster(random_state=random_state, **{**MODEL, **params}).fit(X, y)
    global_seconds = time.perf_counter() - start
    global_pred = global_forecast(global_model, train_frame)
    per_city, clim, naive, seconds = [], [], [], 0.0
    for i, city in enumerate(temps.columns):
        train, test = train_frame[city], test_frame[city]
        start = time.perf_counter()
        model = fit_city(train, random_state, **params)
        seconds += time.perf_counter() - start
        per_city.append(score(test, forecast_city(model, train, test))[0])
        base = baselines(train, test, temps[city])
        clim.append(score(test, base["climatology (training mean of the month)"])[0])
        naive.append(score(test, base["seasonal naive (same month last year)"])[0])
    rows = {
        "seasonal naive": (np.mean(naive), None),
        "climatology": (np.mean(clim), None),
        f"per-city models ({len(temps.columns)})": (np.mean(per_city), seconds),
        "one global model": (mean_city_mae(test_frame, global_pred), global_seconds),
    }
    if global_forecasts is not None:
        forecasts, defaults_seconds = global_forecasts
        rows["one global model, defaults: LSTMForecaster()"] = (
            mean_city_mae(test_frame, forecasts[0]), defaults_seconds / len(forecasts))
    return rows


def grid_search(series, random_state=0, max_epochs=300):
    """Window length (12/18/24 months) x cell type, TimeSeriesSplit with gap = horizon - 1."""
    train, _ = split(series)
    X, y = make_sequences(train, 24, horizon=HORIZON)
    pipe = make_pipeline(SequenceWindower(window_length=24),
                         LSTMForecaster(random_state=random_state,
                                        **{**MODEL, "max_epochs": max_epochs}))
    search = GridSearchCV(
        pipe,
        {"sequencewindower__window_length": [12, 18, 24], "lstmforecaster__cell": ["lstm", "gru"]},
        cv=TimeSeriesSplit(n_splits=2, gap=HORIZON - 1),
        scoring="neg_mean_absolute_error",
    )
    return search.fit(X, y)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--city", default="Canberra")
    parser.add_argument("--all-cities", action="store_true",
                        help="also compare per-city models with one global model")
    parser.add_argument("--search", action="store_true", help="grid search window x cell")
    parser.add_argument("--max-epochs", type=int, default=MODEL["max_epochs"])
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=5, help="seeds averaged in the ensemble")
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="draw actual vs forecast; with PATH, also write it as a PNG")
    args = parser.parse_args(argv)

    temps = monthly_temperatures()
    if args.city not in temps.columns:
        parser.error(f"unknown city {args.city!r}; choose from {', '.join(temps.columns)}")
    rows, _, test, seconds, _ = city_report(
        temps, args.city, args.random_state, n_seeds=args.seeds, max_epochs=args.max_epochs)
    # The defaults, trained once over every location (the same model serves any city).
    global_forecasts = global_defaults(temps, args.random_state, n_seeds=args.seeds)
    rows.update(global_rows(temps, args.city, global_forecasts[0]))
    print(f"{args.city}: forecast {test.index[0]:%Y-%m}..{test.index[-1]:%Y-%m} from the 18 "
          f"months before ({seconds:.1f} s training the per-city models, "
          f"{global_forecasts[1]:.1f} s the global ones)\n")
    print("| model | MAE (deg C) | RMSE (deg C) |\n|---|---|---|")
    for name, (mae, rmse) in rows.items():
        if rmse is None:
            print(f"| {name} | {mae} | |")
        else:
            print(f"| {name} | {mae:.2f} | {rmse:.2f} |")
    if args.all_cities:
        print("\nAll locations, mean MAE over cities (deg C)\n\n| model | MAE | training s |\n|---|---|---|")
        for name, (mae, secs) in all_cities(temps, args.random_state, global_forecasts,
                                            max_epochs=args.max_epochs).items():
            print(f"| {name} | {mae:.2f} | {'' if secs is None else f'{secs:.0f}'} |")
    if args.search:
        search = grid_search(temps[args.city], args.random_state, args.max_epochs)
        train, test = split(temps[args.city])
        last = train.to_numpy()[-24:].reshape(1, 24, 1)
        test_mae = mean_absolute_error(test, search.predict(last).ravel())
        print(f"\nGrid search (windows 12/18/24 x LSTM/GRU, TimeSeriesSplit(2, gap=17)): best "
              f"{search.best_params_}, CV MAE {-search.best_score_:.2f}, test MAE {test_mae:.2f}")
    if args.plot is not None:
        from sklstm.plotting import plot_forecast

        # The headline model: the defaults trained over all locations (first seed).
        column = list(temps.columns).index(args.city)
        prediction = pd.Series(global_forecasts[0][0, column], index=test.index)
        ax = plot_forecast(test, prediction, history=temps[args.city][: test.index[0]][:-1][-36:],
                           title=f"{args.city}: monthly mean temperature, 18-month forecast",
                           ylabel="deg C")
        if args.plot:
            ax.figure.savefig(args.plot, dpi=100, bbox_inches="tight")
            print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
