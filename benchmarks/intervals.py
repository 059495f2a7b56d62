"""Probabilistic forecasts on real series: coverage, MSIS and pinball loss of every sklstm
method against AutoETS's intervals, measured in the same run.

    pip install -e ".[stats]" -c constraints.txt      # AutoETS (statsforecast); skipped if absent
    SKLSTM_DATA=../shared/data python benchmarks/intervals.py --sets weather,m3-monthly,m4-hourly
    SKLSTM_DATA=../shared/data python benchmarks/intervals.py --write-docs   # docs/intervals.md

Sets:

- ``m3-monthly`` (1,428 series, 18 months ahead) and ``m4-hourly`` (414 series, 48 hours
  ahead): the competitions' own test periods (one origin), one global model per method over
  every series (the windows door with the competitions' settings, as
  ``benchmarks/competitions.py``'s ``core``: windows of 2H with the series' state).
- ``weather``: monthly mean temperature of the 49 locations (gaps filled), 12 months ahead,
  one global model fitted on the data before 2013-07 and then *used* for three years:
  at each origin (every 3 months, 2013-07 .. 2016-04) it forecasts the next 12 months of
  every location, and the adaptive methods add the errors of the months observed since the
  previous origin (``update_intervals_from_series``: each forecast from its window as it
  was when issued, NaN for the steps not observed yet), starting, before the first
  origin, with the last 12 months' (a season of forecasts as they would have been issued). The errors grow as the origins move away
  from the training data: this is where a split-conformal guarantee (exchangeable windows)
  no longer holds.

Methods (sklstm defaults otherwise):

- ``conformal``: ``LSTMForecaster()`` (point forecast, split conformal on the early-stopping
  validation windows);
- ``adaptive``: the same model with ``calibration_decay=0.98`` (recent errors weigh more, by
  time step) and, on the weather panel, ``update_intervals_from_series`` before its first
  use (the last season) and at every origin;
- ``quantile-cqr`` / ``quantile-head``: ``criterion="quantile"`` (nine levels), conformalised
  (the default) or the head's own quantiles; ``quantile-adaptive`` (weather) adds the
  decay and updates;
- ``normal-cqr`` / ``normal-head``: ``criterion="normal"``, likewise;
- ``AutoETS``: statsforecast's intervals at 50/80/90/95% (refitted at every weather origin).

Scores over every series, origin and step: coverage of the 80% and 95% intervals, MSIS of the
95% interval (M4's: the interval score over the series' in-sample mean absolute seasonal
difference), and the mean scaled pinball loss over the nine levels 0.025..0.975 (the same
scale; twice it approximates the scaled CRPS). Results are cached in
``benchmarks/results/intervals/``; ``--refresh`` re-runs. Run it alone on the machine.
"""

import argparse
import copy
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import competitions  # noqa: E402  (benchmarks/competitions.py: loading and the core door)

CACHE = HERE / "results" / "intervals"
DOCS = HERE.parent / "docs" / "intervals.md"
FAN = HERE.parent / "docs" / "intervals_fan.svg"
LEVELS = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)
SETS = ("weather", "m3-monthly", "m4-hourly")
DECAY = 0.98
WEATHER_ORIGINS = pd.date_range("2013-07-01", "2016-04-01", freq="3MS")
WEATHER_H, WEATHER_W = 12, 24
SEASON = 12  # months: the adaptive model's errors before first use


# -- scores -------------------------------------------------------------------------------
def scale_of(history, m):
    history = np.asarray(history, dtype=float)
    m = m if len(history) > m else 1
    scale = np.mean(np.abs(history[m:] - history[:-m]))
    return scale if scale > 0 else np.nan


def scores(actual, quantiles, scale):
    """actual (n, h), quantiles (n, h, 9) at LEVELS, scale (n,) -> coverage, MSIS, pinball."""
    scale = np.asarray(scale, dtype=float)[:, None]
    out = {}
    for c in (0.8, 0.95):
        lo, hi = LEVELS.index(round((1 - c) / 2, 3)), LEVELS.index(round((1 + c) / 2, 3))
        out[f"cover{int(c * 100)}"] = float(np.mean(
            (actual >= quantiles[..., lo]) & (actual <= quantiles[..., hi])))
    lower, upper = quantiles[..., 0], quantiles[..., -1]
    alpha = 0.05
    interval = (upper - lower + 2 / alpha * np.maximum(lower - actual, 0)
                + 2 / alpha * np.maximum(actual - upper, 0))
    out["MSIS"] = float(np.nanmean(np.mean(interval, axis=1) / scale[:, 0]))
    levels = np.asarray(LEVELS)
    error = actual[..., None] - quantiles
    pinball = np.maximum(levels * error, (levels - 1) * error).mean(axis=(1, 2))
    out["pinball"] = float(np.nanmean(pinball / scale[:, 0]))
    return out


# -- the competitions (one origin) ------------------------------------------------------------
def _competition_model(comp, seed, **params):
    from sklstm import LSTMForecaster, make_sequences

    panel = competitions.aligned_at_ends(comp)
    X, y = make_sequences(panel, window_length=competitions.core_window(comp),
                          horizon=comp.horizon, season_length=comp.season_length)
    start = time.perf_counter()
    model = LSTMForecaster(random_state=seed, **params).fit(X, y)
    windows = model.last_window(panel)
    ids = list(dict.fromkeys(panel.index.get_level_values(0)))
    return model, windows, ids, time.perf_counter() - start


def _quantiles_of(model, windows, interval_method=None, decay=None):
    model = copy.copy(model)
    if interval_method is not None:
        model.interval_method_ = interval_method
    if decay is not None:
        model.calibration_decay = decay
    return model.predict_quantiles(windows, LEVELS)


def competition_methods(comp, seed):
    """{method: (quantiles (n_series, h, 9), seconds)} and the series ids' order."""
    out = {}
    model, windows, ids, seconds = _competition_model(comp, seed)
    out["conformal"] = (_quantiles_of(model, windows), seconds)
    out["adaptive"] = (_quantiles_of(model, windows, decay=DECAY), seconds)
    for head in ("quantile", "normal"):
        model, windows, ids, seconds = _competition_model(comp, seed, criterion=head)
        out[f"{head}-cqr"] = (_quantiles_of(model, windows), seconds)
        out[f"{head}-head"] = (_quantiles_of(model, windows, "head"), seconds)
    return out, ids


def ets_quantiles(frame, horizon, season_length, freq):
    """AutoETS's quantiles at LEVELS (its mean as the median) per unique_id."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    sf = StatsForecast(models=[AutoETS(season_length=season_length)], freq=freq, n_jobs=1)
    fc = sf.forecast(df=frame, h=horizon, level=[50, 80, 90, 95])
    out = {}
    for key, part in fc.groupby("unique_id", sort=False):
        columns = []
        for q in LEVELS:
            if q == 0.5:
                columns.append(part["AutoETS"].to_numpy())
            else:
                level = int(round(abs(2 * q - 1) * 100))
                side = "lo" if q < 0.5 else "hi"
                columns.append(part[f"AutoETS-{side}-{level}"].to_numpy())
        out[key] = np.stack(columns, axis=-1)
    return out


def run_competition(name, seed, refresh):
    comp = competitions.load(name)
    file = CACHE / name / f"seed{seed}.npz"
    histories = competitions._histories(comp)
    ids = list(histories)
    if file.is_file() and not refresh:
        stored = np.load(file, allow_pickle=False)
        methods = {k: (stored[k], float(stored[f"{k}__seconds"])) for k in stored.files
                   if not k.endswith("__seconds")}
    else:
        methods, order = competition_methods(comp, seed)
        assert order == ids, "the panel's series order changed"
        try:
            frame = comp.train.rename("y").reset_index().rename(
                columns={"series_id": "unique_id", "period": "ds"})
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ets = ets_quantiles(frame, comp.horizon, comp.season_length, 1)
            methods["AutoETS"] = (np.stack([ets[k] for k in ids]), time.perf_counter() - start)
        except ImportError:
            print("statsforecast is not installed: AutoETS skipped", flush=True)
        file.parent.mkdir(parents=True, exist_ok=True)
        np.savez(file, **{k: v for k, (v, _) in methods.items()},
                 **{f"{k}__seconds": np.array(s) for k, (_, s) in methods.items()})
    actual = np.stack([comp.test.loc[k].to_numpy() for k in ids])
    scale = np.array([scale_of(histories[k], comp.season_length) for k in ids])
    return {k: {**scores(actual, q, scale), "seconds": s} for k, (q, s) in methods.items()}


# -- the weather panel (a model used for three years) -------------------------------------------
def weather_frame():
    from sklstm import TimeSeriesImputer
    from sklstm.datasets import load_monthly_temperatures

    temps = TimeSeriesImputer(strategy="neighbor_mean").fit_transform(
        load_monthly_temperatures())
    return temps.dropna(axis=1)


def weather_methods(frame, seed):
    """{method: (quantiles (origins, locations, h, 9), seconds)}, actual, scale."""
    from sklstm import LSTMForecaster, make_sequences

    first = WEATHER_ORIGINS[0]
    train = frame[frame.index < first]
    X, y = make_sequences(train, WEATHER_W, horizon=WEATHER_H, series_id="columns")
    variants = {
        "conformal": ({}, None, False), "adaptive": ({}, None, True),
        "quantile-cqr": ({"criterion": "quantile"}, None, False),
        "quantile-head": ({"criterion": "quantile"}, "head", False),
        "quantile-adaptive": ({"criterion": "quantile"}, None, True),
        "normal-cqr": ({"criterion": "normal"}, None, False),
        "normal-head": ({"criterion": "normal"}, "head", False),
    }
    fitted, out = {}, {}
    for method, (params, interval_method, adaptive) in variants.items():
        key = json.dumps(params, sort_keys=True)
        start = time.perf_counter()
        if key not in fitted:
            fitted[key] = (LSTMForecaster(random_state=seed, **params).fit(X, y),
                           time.perf_counter() - start)
        base, fit_seconds = fitted[key]
        model = copy.deepcopy(base)
        if interval_method is not None:
            model.interval_method_ = interval_method
        if adaptive:
            model.calibration_decay = DECAY
        # Before its first use, the adaptive model takes the errors of the forecasts it
        # would have issued over the last season (windows as issued: their state from the
        # data up to each origin; the fit's held-out windows saw their own targets in
        # their season); then, at each origin, the months observed since the previous one.
        known_until = first - pd.DateOffset(months=SEASON)
        rows = []
        for origin in WEATHER_ORIGINS:
            if adaptive:
                model.update_intervals_from_series(frame[frame.index < origin],
                                                   since=known_until, series_id="columns")
                known_until = origin
            windows = model.last_window(frame[frame.index < origin], series_id="columns")
            rows.append(model.predict_quantiles(windows, LEVELS))
        out[method] = (np.stack(rows), fit_seconds + time.perf_counter() - start)
    return out


def weather_ets(frame):
    rows, start = [], time.perf_counter()
    for origin in WEATHER_ORIGINS:
        train = frame[frame.index < origin]
        long = train.stack().rename("y").reset_index()
        long.columns = ["ds", "unique_id", "y"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ets = ets_quantiles(long, WEATHER_H, 12, "MS")
        rows.append(np.stack([ets[c] for c in frame.columns]))
    return np.stack(rows), time.perf_counter() - start


def run_weather(seed, refresh):
    frame = weather_frame()
    file = CACHE / "weather" / f"seed{seed}.npz"
    if file.is_file() and not refresh:
        stored = np.load(file, allow_pickle=False)
        methods = {k: (stored[k], float(stored[f"{k}__seconds"])) for k in stored.files
                   if not k.endswith("__seconds")}
    else:
        methods = weather_methods(frame, seed)
        try:
            methods["AutoETS"] = weather_ets(frame)
        except ImportError:
            print("statsforecast is not installed: AutoETS skipped", flush=True)
        file.parent.mkdir(parents=True, exist_ok=True)
        np.savez(file, **{k: v for k, (v, _) in methods.items()},
                 **{f"{k}__seconds": np.array(s) for k, (_, s) in methods.items()})
    actual, scale = [], []
    for origin in WEATHER_ORIGINS:
        test = frame[frame.index >= origin].iloc[:WEATHER_H]
        actual.append(test.to_numpy().T)
        scale.append([scale_of(frame[c][frame.index < origin].to_numpy(), 12)
                      for c in frame.columns])
    actual = np.concatenate(actual)
    scale = np.concatenate(scale)
    return {k: {**scores(actual, q.reshape((-1,) + q.shape[2:]), scale), "seconds": s}
            for k, (q, s) in methods.items()}, (frame, methods)


# -- the page -------------------------------------------------------------------------------------
def table(rows):
    lines = ["| set | method | seeds | coverage 80% | coverage 95% | MSIS | scaled pinball | "
             "wall s |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(
            f"| {r['set']} | {r['method']} | {r['seeds']} | {r['cover80']:.1%} | "
            f"{r['cover95']:.1%} | {r['MSIS']:.3f} (±{r['MSIS spread']:.3f}) | "
            f"{r['pinball']:.4f} | {r['seconds']:.0f} |")
    return "\n".join(lines)


def summarise(set_name, per_seed):
    rows = []
    for method in per_seed[0]:
        runs = [s[method] for s in per_seed if method in s]
        msis = [r["MSIS"] for r in runs]
        rows.append({"set": set_name, "method": method, "seeds": len(runs),
                     **{k: float(np.mean([r[k] for r in runs]))
                        for k in ("cover80", "cover95", "MSIS", "pinball", "seconds")},
                     "MSIS spread": float(np.ptp(msis)) if len(runs) > 1 else 0.0})
    return rows


def fan_chart(frame, methods, path, location="Canberra", method="adaptive"):
    """The weather panel's fan chart for one location: the observed series and, from three
    origins a year apart, the median with its 50/80/95% bands."""
    from sklstm._svg import line_chart_svg

    columns = list(frame.columns)
    j = columns.index(location) if location in columns else 0
    quantiles = methods[method][0]
    observed = frame[columns[j]][WEATHER_ORIGINS[0] - pd.DateOffset(years=2):]
    series = {"observed": (observed.index.to_numpy(), observed.to_numpy())}
    bands = []
    for k in range(0, len(WEATHER_ORIGINS), 4):
        q = quantiles[k, j]
        steps = pd.date_range(WEATHER_ORIGINS[k], periods=WEATHER_H, freq="MS").to_numpy()
        bands += [(steps, q[:, lo], q[:, hi]) for lo, hi in ((0, 8), (2, 6), (3, 5))]
        series[f"median from {WEATHER_ORIGINS[k]:%Y-%m}"] = (steps, q[:, 4])
    line_chart_svg(path, series, f"{columns[j]}: 12-month forecasts ({method}), 50/80/95% "
                   "bands", "monthly mean temperature (°C)", bands=bands)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    rows, weather = [], None
    for name in args.sets.split(","):
        per_seed = []
        for seed in seeds:
            if name == "weather":
                result, weather = run_weather(seed, args.refresh)
            else:
                result = run_competition(name, seed, args.refresh)
            per_seed.append(result)
            print(f"{name} seed {seed} done", flush=True)
        rows += summarise(name, per_seed)
    text = table(rows)
    print(text)
    if args.write_docs:
        command = (f"SKLSTM_DATA=../shared/data python benchmarks/intervals.py --sets "
                   f"{args.sets} --seeds {args.seeds} --write-docs")
        page = DOCS.read_text() if DOCS.is_file() else ""
        begin, end = "<!-- table: intervals.py -->", "<!-- end table -->"
        block = f"{begin}\n`{command}`\n\n{text}\n{end}"
        if begin in page:
            page = page[: page.index(begin)] + block + page[page.index(end) + len(end):]
        else:
            page += "\n" + block + "\n"
        DOCS.write_text(page)
        if weather is not None:
            fan_chart(*weather, FAN)


if __name__ == "__main__":
    main()
