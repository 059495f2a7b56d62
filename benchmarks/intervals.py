"""Empirical coverage of sklstm's conformal intervals on real series, against AutoETS's.

    pip install statsforecast -c constraints.txt       # the anchor (skipped if absent)
    SKLSTM_DATA=../shared/data python benchmarks/intervals.py            # ~6 min on 2 cores
    SKLSTM_DATA=../shared/data python benchmarks/intervals.py --quick    # a smoke run

Rolling origins: at every origin each method is fitted on the data before it and forecasts the
next ``horizon`` months with 80% and 95% intervals; coverage is the share of actual values
inside, width the mean interval width (in the data's units), over every series, origin and
step.

- weather: monthly mean temperature of all 49 locations (gaps filled), horizon 12, origins
  every 6 months from 2013-07 to 2016-01; sklstm fits one global model over every location's
  windows (window 24, ``scaling="window"``), cut by ``make_sequences(..., series_id=
  "columns")`` in time order so that
  ``calibration_fraction`` holds out the *latest* windows of all locations.
- sunspots: SILSO monthly total sunspot number, horizon 12, origins every 12 months from 2003
  to 2022 (windows of 48 months, the default ``scaling="global"``).

Both use the default ``interval_scale="window"``: each interval scales with the deviation of
its input window, so it follows the series' local volatility (the solar cycle).

AutoETS (statsforecast, season length 12 for the weather, none for sunspots) gives its own
model-based 80% and 95% intervals on each series.
"""

import argparse
import platform
import time

import numpy as np
import pandas as pd
import torch

from sklstm import LSTMForecaster, TimeSeriesImputer, make_sequences
from sklstm.datasets import load_monthly_sunspots, load_monthly_temperatures

COVERAGES = (0.8, 0.95)


def score(actual, lower, upper):
    inside = (actual >= lower) & (actual <= upper)
    return inside.mean(), (upper - lower).mean()


def sklstm_rolling(frame, origins, horizon, window_length, params):
    """Coverage and width of sklstm's intervals, and MAE, over every origin/series/step."""
    records = {c: [] for c in COVERAGES}
    errors, seconds = [], 0.0
    for origin in origins:
        train = frame[frame.index < origin]
        test = frame[frame.index >= origin].iloc[:horizon]
        if len(test) < horizon:
            continue
        # Every series' windows, in time order: calibration_fraction holds out the latest of
        # all series.
        X, y = make_sequences(train, window_length, horizon=horizon, series_id="columns")
        start = time.perf_counter()
        model = LSTMForecaster(**params).fit(X, y)
        last = np.stack([train[c].to_numpy()[-window_length:] for c in frame.columns])[:, :, None]
        point = model.predict(last).reshape(len(frame.columns), horizon)
        bounds = {c: model.predict_interval(last, coverage=c) for c in COVERAGES}
        seconds += time.perf_counter() - start
        actual = test.to_numpy().T  # (series, horizon)
        errors.append(np.abs(actual - point).ravel())
        for c in COVERAGES:
            lower, upper = (b.reshape(len(frame.columns), horizon) for b in bounds[c])
            records[c].append((actual, lower, upper))
    return summarise(records, errors, seconds)


def ets_rolling(frame, origins, horizon, season_length):
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    records = {c: [] for c in COVERAGES}
    errors, seconds = [], 0.0
    levels = [int(round(c * 100)) for c in COVERAGES]
    for origin in origins:
        train = frame[frame.index < origin]
        test = frame[frame.index >= origin].iloc[:horizon]
        if len(test) < horizon:
            continue
        long = train.stack().rename("y").reset_index()
        long.columns = ["ds", "unique_id", "y"]
        start = time.perf_counter()
        sf = StatsForecast(models=[AutoETS(season_length=season_length)], freq="MS", n_jobs=1)
        fc = sf.forecast(df=long, h=horizon, level=levels)
        seconds += time.perf_counter() - start
        fc = fc.set_index(["unique_id", "ds"]).sort_index()
        actual = test.to_numpy().T
        point = np.stack([fc.loc[c, "AutoETS"].to_numpy() for c in frame.columns])
        errors.append(np.abs(actual - point).ravel())
        for c, level in zip(COVERAGES, levels):
            lower = np.stack([fc.loc[s, f"AutoETS-lo-{level}"].to_numpy() for s in frame.columns])
            upper = np.stack([fc.loc[s, f"AutoETS-hi-{level}"].to_numpy() for s in frame.columns])
            records[c].append((actual, lower, upper))
    return summarise(records, errors, seconds)


def summarise(records, errors, seconds):
    row = {"MAE": float(np.mean(np.concatenate(errors))), "seconds": seconds}
    for c, parts in records.items():
        actual = np.concatenate([p[0].ravel() for p in parts])
        lower = np.concatenate([p[1].ravel() for p in parts])
        upper = np.concatenate([p[2].ravel() for p in parts])
        row[c] = score(actual, lower, upper)
        row["n"] = actual.size
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two origins, few epochs")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    epochs = 10 if args.quick else 100

    temps = TimeSeriesImputer(strategy="neighbor_mean").fit_transform(load_monthly_temperatures())
    temps = temps.dropna(axis=1)
    weather_origins = pd.date_range("2013-07-01", "2016-01-01", freq="6MS")
    sunspots = load_monthly_sunspots().to_frame()
    sun_origins = pd.date_range("2003-01-01", "2022-01-01", freq="12MS")
    if args.quick:
        weather_origins, sun_origins = weather_origins[-2:], sun_origins[-2:]

    common = dict(scaling="window", calibration_fraction=0.2, max_epochs=epochs, random_state=0)
    tasks = [
        ("weather, 49 locations, h=12", temps, weather_origins, 12, 24, 12,
         dict(hidden_size=32, batch_size=64, lr=3e-3, **common)),
        ("sunspots (monthly), h=12", sunspots, sun_origins, 12, 48, 1,
         dict(hidden_size=32, **{**common, "scaling": "global"})),
    ]
    print(f"python {platform.python_version()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads\n")
    print("| data | method | coverage 80% | width 80% | coverage 95% | width 95% | MAE | "
          "points | fit+predict (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, frame, origins, horizon, window, season, params in tasks:
        rows = {"sklstm (split conformal)": sklstm_rolling(frame, origins, horizon, window, params)}
        try:
            rows["AutoETS (statsforecast)"] = ets_rolling(frame, origins, horizon, season)
        except ImportError:
            print(f"| {name} | AutoETS | statsforecast is not installed: skipped | | | | | | |")
        for method, row in rows.items():
            print(f"| {name} | {method} | {row[0.8][0]:.1%} | {row[0.8][1]:.2f} | "
                  f"{row[0.95][0]:.1%} | {row[0.95][1]:.2f} | {row['MAE']:.2f} | {row['n']:,} | "
                  f"{row['seconds']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
