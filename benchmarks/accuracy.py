"""Forecast accuracy on series nobody tuned for: sklstm against baselines, statistical anchors
and the deep-learning peers, with rolling origins.

Corpus (real data, offline from ``SKLSTM_DATA``; none of it ships with sktime or any other
package): the monthly series of the "Rain in Australia" file, per location, of two
variables, mean temperature (mean of MinTemp/MaxTemp) and mean 3 pm humidity; and the SILSO
monthly sunspot number (``SN_m_tot_V2.0.csv``). A month counts when it has at least 20 daily
values; each series is cut to its first..last counted month and kept when it has at least 84
months with at most 10% of them missing (filled with the mean of their neighbours).

Evaluation: horizons 6 and 18 months, 3 forecast origins per series (the last ``h`` months,
and 6 and 12 months earlier); each method is trained on everything before the origin.
MASE scales each series' MAE by the in-sample MAE of the seasonal naive forecast (season 12
for the weather, 1 for sunspots); ``rel. MAE`` is a method's MAE over seasonal naive's on the
same series and origins ("beats seasonal naive" when < 1).

    SKLSTM_DATA=../shared/data python benchmarks/accuracy.py                 # every method
    SKLSTM_DATA=../shared/data python benchmarks/accuracy.py --methods naive,sklstm-global
    SKLSTM_DATA=../shared/data python benchmarks/accuracy.py --write-docs    # docs/accuracy.md

Each method's forecasts are cached in ``benchmarks/results/accuracy/<method>.csv`` (so that
a slow peer is not re-run to re-draw the table); ``--refresh`` re-runs. The statistical anchors
need ``pip install -e ".[stats]" -c constraints.txt``; the peers need
``pip install neuralforecast darts -c constraints.txt`` and are skipped with a message when
they are missing. Run it alone on the machine: timings are wall times.
"""

import argparse
import json
import logging
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sklstm import (
    LSTMForecaster,
    TimeSeriesImputer,
    add_calendar_features,
    add_series_indicators,
    make_sequences,
)
from sklstm.datasets import load_monthly_sunspots, load_weather_aus
from sklstm.ensemble import SeedEnsemble
from sklstm.seasonal import Deseasonalizer
from sklstm.sktime import LSTMForecaster as SeriesLSTMForecaster

HERE = Path(__file__).resolve().parent
CACHE = HERE / "results" / "accuracy"
HORIZONS = (6, 18)
N_ORIGINS, ORIGIN_STEP = 3, 6
MIN_DAYS, MIN_MONTHS, MAX_MISSING = 20, 84, 0.10
VARIABLES = {"temperature": None, "humidity3pm": "Humidity3pm"}


# --------------------------------------------------------------------------- corpus


def _monthly(daily, values):
    month = daily["Date"].dt.to_period("M").dt.to_timestamp()
    grouped = values.groupby([month, daily["Location"]])
    means = grouped.mean().where(grouped.count() >= MIN_DAYS)
    return means.unstack("Location").sort_index().asfreq("MS")


def corpus():
    """{group: {series name: monthly pd.Series}} and {group: season length}."""
    daily = load_weather_aus()
    groups = {}
    for group, column in VARIABLES.items():
        if column is None:
            ok = daily[["MinTemp", "MaxTemp"]].notna().all(axis=1)
            values = daily.loc[ok, ["MinTemp", "MaxTemp"]].mean(axis=1)
            frame = _monthly(daily[ok], values)
        else:
            frame = _monthly(daily, daily[column])
        kept = {}
        for name, series in frame.items():
            valid = series.dropna()
            if valid.empty:
                continue
            series = series[valid.index[0]:valid.index[-1]]
            if len(series) >= MIN_MONTHS and series.isna().mean() <= MAX_MISSING:
                kept[name] = TimeSeriesImputer(strategy="neighbor_mean").fit_transform(series)
        groups[group] = kept
    sunspots = load_monthly_sunspots()
    sunspots.index = sunspots.index.to_period("M").to_timestamp()
    groups["sunspots"] = {"sunspots": sunspots.asfreq("MS")}
    seasons = {"temperature": 12, "humidity3pm": 12, "sunspots": 1}
    return groups, seasons


def window_length(h):
    """The input window: at least a year, at least the horizon (the weather task's 18 -> 18)."""
    return max(12, h)


# --------------------------------------------------------------------------- methods
# Each takes {name: training series} (one group), the horizon and the season length, and
# returns {name: array of h forecasts}.


def naive(train, h, m):
    return {k: np.repeat(s.iloc[-1], h) for k, s in train.items()}


def seasonal_naive(train, h, m):
    return {k: np.resize(s.to_numpy()[-m:], h) for k, s in train.items()}


def _monthly_profile(s):
    """Mean of each calendar month over the series (its climatology)."""
    return s.groupby(s.index.month).mean()


def _future_months(s, h):
    """Calendar months of the ``h`` steps after the end of a monthly series."""
    return pd.date_range(s.index[-1], periods=h + 1, freq="MS")[1:].month


def climatology(train, h, m):
    if m == 1:
        return {k: np.repeat(s.mean(), h) for k, s in train.items()}
    return {k: _monthly_profile(s).loc[_future_months(s, h)].to_numpy()
            for k, s in train.items()}


def _statsforecast(model_name):
    def method(train, h, m):
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

        model = {"AutoETS": AutoETS, "AutoTheta": AutoTheta, "AutoARIMA": AutoARIMA}[model_name]
        frame = _long(train)
        sf = StatsForecast(models=[model(season_length=m)], freq="MS", n_jobs=1)
        result = sf.forecast(df=frame, h=h)
        return {k: part[model_name].to_numpy() for k, part in result.groupby("unique_id")}
    return method


def _long(train):
    return pd.concat([pd.DataFrame({"unique_id": k, "ds": s.index, "y": s.to_numpy()})
                      for k, s in train.items()], ignore_index=True)


def _windows(train, w, h):
    panel = pd.concat(train, names=["series", "time"])
    return make_sequences(panel, window_length=w, horizon=h)


def _sklstm(make_model, per_series, window=None):
    """An sklstm model per series or one over the group; ``window`` overrides max(12, h)."""
    def method(train, h, m):
        w = window or window_length(h)
        if per_series:
            out = {}
            for k, s in train.items():
                X, y = make_sequences(s, window_length=w, horizon=h)
                model = make_model().fit(X, y)
                out[k] = model.forecast(s).to_numpy()
            return out
        X, y = _windows(train, w, h)
        model = make_model().fit(X, y)
        forecast = model.forecast(pd.concat(train, names=["series", "time"]))
        return {k: forecast.loc[k].to_numpy() for k in train}
    return method


def _with_inputs(make_model, inputs, window=None):
    """One sklstm model over the group, each step with more input features than its value:
    ``inputs(series)`` gives them as {name: values of every step}; None: the calendar of the
    step h ahead and an indicator of the series (sklstm.add_calendar_features and
    add_series_indicators)."""
    def method(train, h, m):
        w = window or window_length(h)
        if inputs is None:
            panel = pd.concat(train, names=["series", "time"]).rename("y")
            frame = add_series_indicators(add_calendar_features(panel, lead=h))
            X, y = make_sequences(frame, window_length=w, horizon=h, target="y")
            model = make_model().fit(X, y)
            forecast = model.forecast(frame)
            return {k: forecast.loc[k].to_numpy() for k in train}
        frames = {k: pd.DataFrame({"y": s.to_numpy(), **inputs(s)}, index=s.index)
                  for k, s in train.items()}
        panel = pd.concat(frames, names=["series", "time"])
        X, y = make_sequences(panel, window_length=w, horizon=h, target="y")
        model = make_model().fit(X, y)
        forecast = model.forecast(panel)
        return {k: forecast.loc[k].to_numpy() for k in train}
    return method


def _month_of_year(s):
    """Variant tried: month-of-year (sin, cos) as two more input features of each step."""
    angle = 2 * np.pi * (s.index.month - 1) / 12
    return {"month_sin": np.sin(angle), "month_cos": np.cos(angle)}


def _climatology_of_each_step(s):
    """Variant tried: each step's training climatology (mean of its calendar month), so that
    the window carries the series' long-run seasonal profile."""
    return {"climatology": _monthly_profile(s).loc[s.index.month].to_numpy()}


def _deseasonalised(make_model, w):
    """Variant tried: the network forecasts the departure from the training climatology."""
    def method(train, h, m):
        w_ = w or window_length(h)
        profiles = {k: _monthly_profile(s) for k, s in train.items()}
        anomalies = {k: s - profiles[k].loc[s.index.month].to_numpy() for k, s in train.items()}
        X, y = _windows(anomalies, w_, h)
        model = make_model().fit(X, y)
        forecast = model.forecast(pd.concat(anomalies, names=["series", "time"]))
        return {k: forecast.loc[k].to_numpy() + profiles[k].loc[_future_months(s, h)].to_numpy()
                for k, s in train.items()}
    return method


def _adjusted(make_model, demean=False, standardise=False, **deseasonalizer):
    """One model over the group's deseasonalised series (sklstm.Deseasonalizer), the
    profile put back on its forecasts; ``demean``: each series' mean taken out too."""
    def method(train, h, m):
        w = window_length(h)
        panel = pd.concat(train, names=["series", "time"])
        adjuster = Deseasonalizer(**deseasonalizer).fit(panel)
        adjusted = adjuster.transform(panel)
        means = adjusted.groupby(level=0).transform("mean") if demean else 0 * adjusted
        scales = adjusted.groupby(level=0).transform("std") if standardise else 1 + 0 * adjusted
        scaled = (adjusted - means) / scales
        X, y = make_sequences(scaled, window_length=w, horizon=h)
        model = make_model().fit(X, y)
        forecast = model.forecast(scaled)
        forecast = forecast * scales.groupby(level=0).first().loc[
            forecast.index.get_level_values(0)].to_numpy() + means.groupby(level=0).first().loc[
            forecast.index.get_level_values(0)].to_numpy()
        forecast = adjuster.inverse_transform(forecast)
        return {k: forecast.loc[k].to_numpy() for k in train}
    return method


def _series_level(make_model, calendar=False):
    """The series-level front door (sklstm.sktime): one model fit on the group's panel;
    ``calendar``: the calendar of the step h ahead as exogenous input (known future)."""
    def method(train, h, m):
        # Monthly periods (sktime reads a panel's step from a PeriodIndex; a DatetimeIndex
        # level loses its freq in a MultiIndex), every series relabelled to end at the same
        # month: sktime forecasts a panel from one cutoff, and a series whose training part
        # ends earlier (origins are per series) would be forecast from the wrong step. Each
        # series' seasonal phase is its own (positions from its start), so the shift is moot.
        end = pd.Period("2100-01", freq="M")
        periods = {k: s.set_axis(pd.period_range(end=end, periods=len(s), freq="M"))
                   for k, s in train.items()}
        panel = pd.concat(periods, names=["series", "time"]).to_frame("y")
        X = add_calendar_features(panel, lead=h).drop(columns="y") if calendar else None
        prediction = make_model().fit(panel, X=X, fh=np.arange(1, h + 1)).predict()
        return {k: prediction.loc[k, "y"].to_numpy() for k in train}
    return method


def _neuralforecast(train, h, m):
    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning").setLevel(logging.ERROR)
    # Defaults, as a user would write them; only the progress bar and logger are off.
    model = LSTM(h=h, input_size=window_length(h), enable_progress_bar=False, logger=False,
                 enable_model_summary=False)
    nf = NeuralForecast(models=[model], freq="MS")
    nf.fit(df=_long(train))
    result = nf.predict().reset_index()
    return {k: part["LSTM"].to_numpy() for k, part in result.groupby("unique_id")}


def _darts(train, h, m):
    from darts import TimeSeries
    from darts.models import BlockRNNModel

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning").setLevel(logging.ERROR)
    series = [TimeSeries.from_series(s.astype("float32")) for s in train.values()]
    model = BlockRNNModel(input_chunk_length=window_length(h), output_chunk_length=h,
                          model="LSTM", random_state=0,
                          pl_trainer_kwargs={"enable_progress_bar": False, "logger": False,
                                             "enable_model_summary": False})
    model.fit(series, verbose=False)
    predictions = model.predict(n=h, series=series, verbose=False)
    return {k: p.values().ravel() for k, p in zip(train, predictions)}


METHODS = {
    "naive": naive,
    "seasonal naive": seasonal_naive,
    "climatology": climatology,
    "AutoETS": _statsforecast("AutoETS"),
    "AutoTheta": _statsforecast("AutoTheta"),
    "AutoARIMA": _statsforecast("AutoARIMA"),
    "sklstm defaults": _series_level(lambda: SeriesLSTMForecaster(random_state=0)),
    "sklstm core per series": _sklstm(lambda: LSTMForecaster(random_state=0), per_series=True),
    "sklstm window scaling": _sklstm(lambda: LSTMForecaster(scaling="window", random_state=0),
                                     per_series=True),
    "sklstm global": _sklstm(lambda: LSTMForecaster(scaling="window", random_state=0),
                             per_series=False),
    "sklstm global 5-seed ensemble": _sklstm(
        lambda: SeedEnsemble(LSTMForecaster(scaling="window"), n_members=5, random_state=0),
        per_series=False),
    "neuralforecast LSTM": _neuralforecast,
    "darts BlockRNNModel (LSTM)": _darts,
}
# Variants tried on the weather groups while looking for better defaults (run them with
# --methods; they are not in the default list). Figures: docs/accuracy.md.
_NO_AR = dict(scaling="window", autoregressive=False, random_state=0)
EXPERIMENTS = {
    "exp: global, window 24": _sklstm(
        lambda: LSTMForecaster(scaling="window", random_state=0), per_series=False, window=24),
    "exp: global, window 36": _sklstm(
        lambda: LSTMForecaster(scaling="window", random_state=0), per_series=False, window=36),
    "exp: global, window 24, global scaling": _sklstm(
        lambda: LSTMForecaster(random_state=0), per_series=False, window=24),
    "exp: global, window 24, no AR": _sklstm(
        lambda: LSTMForecaster(**_NO_AR), per_series=False, window=24),
    "exp: global, window 24, no AR, month inputs": _with_inputs(
        lambda: LSTMForecaster(**_NO_AR), _month_of_year, window=24),
    "exp: global, window 24, no AR, deseasonalised": _deseasonalised(
        lambda: LSTMForecaster(autoregressive=False, random_state=0), 24),
    "exp: global, global scaling": _sklstm(
        lambda: LSTMForecaster(random_state=0), per_series=False),
    "exp: global, climatology input, global scaling": _with_inputs(
        lambda: LSTMForecaster(random_state=0), _climatology_of_each_step),
    "exp: global, climatology input": _with_inputs(
        lambda: LSTMForecaster(scaling="window", random_state=0), _climatology_of_each_step),
    "exp: adjusted, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0)),
    "exp: adjusted all, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), test_seasonality=False),
    "exp: adjusted all, demeaned, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), demean=True,
        test_seasonality=False),
    "exp: defaults, window 18": _series_level(
        lambda: SeriesLSTMForecaster(window_length=18, random_state=0)),
    "exp: defaults, calendar input": _series_level(
        lambda: SeriesLSTMForecaster(random_state=0), calendar=True),
    "exp: global, calendar and series indicators": _with_inputs(
        lambda: LSTMForecaster(scaling="window", random_state=0), None),
    "exp: defaults, global scaling": _series_level(
        lambda: SeriesLSTMForecaster(scaling="global", random_state=0)),
    "exp: defaults, global scaling, additive": _series_level(
        lambda: SeriesLSTMForecaster(scaling="global", seasonal_model="additive",
                                     random_state=0)),
    "exp: defaults, global scaling, not centred": _series_level(
        lambda: SeriesLSTMForecaster(scaling="global", center_series=False, random_state=0)),
    "exp: defaults, no seasonal adjustment": _series_level(
        lambda: SeriesLSTMForecaster(season_length=None, random_state=0)),
    "exp: defaults, no early stopping": _series_level(
        lambda: SeriesLSTMForecaster(early_stopping=False, random_state=0)),
    "exp: adjusted all ends, demeaned, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), demean=True,
        test_seasonality=False),
    "exp: adjusted ends, standardised, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), demean=True,
        standardise=True),
    "exp: adjusted ends, demeaned, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), demean=True),
    "exp: adjusted ends, demeaned": _adjusted(
        lambda: LSTMForecaster(random_state=0), demean=True),
    "exp: adjusted": _adjusted(lambda: LSTMForecaster(random_state=0)),
    "exp: adjusted auto model, early stopping": _adjusted(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), model="auto"),
    "exp: adjusted, window scaling, early stopping": _adjusted(
        lambda: LSTMForecaster(scaling="window", early_stopping=True, random_state=0)),
    "exp: global, early stopping": _sklstm(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), per_series=False),
    "exp: global, climatology input, early stopping": _with_inputs(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), _climatology_of_each_step),
    "exp: global, deseasonalised, early stopping": _deseasonalised(
        lambda: LSTMForecaster(early_stopping=True, random_state=0), None),
}
# The seed spread of the sklstm methods (seed 0 is the default list's run).
for _seed in (1, 2):
    EXPERIMENTS[f"seed {_seed}: defaults, global scaling, additive"] = _series_level(
        lambda seed=_seed: SeriesLSTMForecaster(scaling="global", seasonal_model="additive",
                                                random_state=seed))
    EXPERIMENTS[f"seed {_seed}: sklstm defaults"] = _series_level(
        lambda seed=_seed: SeriesLSTMForecaster(random_state=seed))
    EXPERIMENTS[f"seed {_seed}: sklstm core per series"] = _sklstm(
        lambda seed=_seed: LSTMForecaster(random_state=seed), per_series=True)
    EXPERIMENTS[f"seed {_seed}: sklstm global"] = _sklstm(
        lambda seed=_seed: LSTMForecaster(scaling="window", random_state=seed), per_series=False)
# The training defaults before issue 28 (a constant rate of 1e-3 halved on plateaus, up to
# 100 epochs), against which issue 28's faster defaults were measured.
PLATEAU_TRAINING = dict(lr=1e-3, lr_schedule="plateau", max_epochs=100)
for _seed in (0, 1, 2):
    EXPERIMENTS[f"seed {_seed}: plateau training, sklstm defaults"] = _series_level(
        lambda seed=_seed: SeriesLSTMForecaster(random_state=seed, **PLATEAU_TRAINING))
    EXPERIMENTS[f"seed {_seed}: plateau training, sklstm global"] = _sklstm(
        lambda seed=_seed: LSTMForecaster(scaling="window", random_state=seed, **PLATEAU_TRAINING),
        per_series=False)
DEFAULT_METHODS = list(METHODS)
METHODS.update(EXPERIMENTS)
REQUIRES = {"AutoETS": "statsforecast", "AutoTheta": "statsforecast",
            "AutoARIMA": "statsforecast", "neuralforecast LSTM": "neuralforecast",
            "darts BlockRNNModel (LSTM)": "darts"}


# --------------------------------------------------------------------------- evaluation


def origins(n, h):
    """Positions of the forecast origins (train = series[:origin]), latest last."""
    return [n - h - ORIGIN_STEP * k for k in reversed(range(N_ORIGINS))]


def run_method(name, groups, seasons):
    """Forecasts of one method: a long frame (group, series, h, origin, step, forecast)."""
    rows, start = [], time.perf_counter()
    for group, members in groups.items():
        m = seasons[group]
        for h in HORIZONS:
            for k in range(N_ORIGINS):
                train = {s: y.iloc[:origins(len(y), h)[k]] for s, y in members.items()}
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    forecasts = METHODS[name](train, h, m)
                for s, values in forecasts.items():
                    values = np.asarray(values, dtype=float)
                    if values.shape != (h,):
                        raise ValueError(f"{name} gave {values.shape} forecasts for {s}, h={h}")
                    rows += [(group, s, h, k, step, v) for step, v in enumerate(values)]
    seconds = time.perf_counter() - start
    frame = pd.DataFrame(rows, columns=["group", "series", "h", "origin", "step", "forecast"])
    return frame, seconds


def score(forecasts, groups, seasons):
    """Per (method, group, series, h): MAE, sMAPE and the MASE scale, over the origins."""
    records = []
    for (method, group, series, h), part in forecasts.groupby(["method", "group", "series", "h"]):
        y = groups[group][series]
        m = seasons[group]
        errors, smapes, scales = [], [], []
        for k, block in part.groupby("origin"):
            origin = origins(len(y), h)[k]
            actual = y.to_numpy()[origin:origin + h]
            pred = block.sort_values("step")["forecast"].to_numpy()
            errors.append(np.mean(np.abs(actual - pred)))
            smapes.append(np.mean(200 * np.abs(actual - pred)
                                  / np.maximum(np.abs(actual) + np.abs(pred), 1e-8)))
            past = y.to_numpy()[:origin]
            scales.append(np.mean(np.abs(past[m:] - past[:-m])))
        with np.errstate(divide="ignore", invalid="ignore"):  # a flat past: MASE is inf
            mase = np.mean(np.array(errors) / np.array(scales))
        records.append({"method": method, "group": group, "series": series, "h": h,
                        "mae": np.mean(errors), "smape": np.mean(smapes), "mase": mase})
    return pd.DataFrame(records)


def relative_mae(part, scores):
    """A method's MAE over seasonal naive's, per (group, series, h) of ``part``."""
    key = ["group", "series", "h"]
    snaive = scores[scores.method == "seasonal naive"].set_index(key)["mae"]
    return part.set_index(key)["mae"] / snaive


def relative_mae_per_series(part, scores):
    """A method's MAE over seasonal naive's per series, over every horizon and origin."""
    key = ["group", "series"]
    snaive = scores[scores.method == "seasonal naive"].groupby(key)["mae"].mean()
    return part.groupby(key)["mae"].mean() / snaive


def summary(scores, seconds):
    rows = []
    for method, part in scores.groupby("method", sort=False):
        rel = relative_mae(part, scores)
        series_rel = relative_mae_per_series(part, scores)
        rows.append({
            "method": method,
            "MASE (mean)": part["mase"].mean(),
            "sMAPE % (mean)": part["smape"].mean(),
            "rel. MAE (geo. mean)": float(np.exp(np.log(rel).mean())),
            "beats seasonal naive": float((rel < 1).mean()),
            "beats s. naive (series)": float((series_rel < 1).mean()),
            "MASE temperature": part.loc[part.group == "temperature", "mase"].mean(),
            "MASE humidity": part.loc[part.group == "humidity3pm", "mase"].mean(),
            "MASE sunspots": part.loc[part.group == "sunspots", "mase"].mean(),
            "wall s": seconds.get(method, float("nan")),
        })
    return pd.DataFrame(rows).sort_values("MASE (mean)")


def markdown(table):
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    body = ""
    for _, row in table.iterrows():
        cells = []
        for col, v in row.items():
            if col.startswith("beats s"):
                cells.append(f"{v:.0%}")
            elif isinstance(v, float):
                cells.append(f"{v:.0f}" if col == "wall s" else f"{v:.3f}")
            else:
                cells.append(str(v))
        body += "| " + " | ".join(cells) + " |\n"
    return head + body


def plot(scores, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5))
    for method, part in scores.groupby("method"):
        if method == "seasonal naive":
            continue
        rel = np.sort(relative_mae(part, scores).to_numpy())
        style = "-" if method.startswith("sklstm") else "--"
        ax.plot(np.linspace(0, 100, len(rel)), rel, style, label=method, linewidth=1.5)
    ax.axhline(1.0, color="k", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("% of series x horizons (sorted per method)")
    ax.set_ylabel("MAE / seasonal naive's MAE (log)")
    ax.set_title("Rolling-origin MAE relative to seasonal naive, every series and horizon")
    ax.legend(fontsize=8, ncol=2)
    fig.savefig(path, dpi=100, bbox_inches="tight")


def available(name):
    module = REQUIRES.get(name)
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        print(f"skipped {name}: `{module}` is not installed "
              f"(pip install {module} -c constraints.txt)")
        return False
    return True


def method_names(text):
    """The comma-separated method names of ``--methods``; a name may hold commas itself
    ("exp: global, window 24"), so at each position the longest run of pieces that forms a
    known name is taken (one name may be the start of another)."""
    pieces, names, start = text.split(","), [], 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            candidate = ",".join(pieces[start:end]).strip()
            if candidate in METHODS:
                names.append(candidate)
                start = end
                break
        else:  # unknown: reported by the caller
            names.append(pieces[start].strip())
            start += 1
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS),
                        help="comma-separated subset of: " + ", ".join(METHODS))
    parser.add_argument("--refresh", action="store_true", help="re-run cached methods")
    parser.add_argument("--write-docs", action="store_true",
                        help="write docs/accuracy.md and docs/accuracy.png")
    args = parser.parse_args(argv)
    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")
    groups, seasons = corpus()
    print("corpus: " + ", ".join(f"{g} {len(s)} series" for g, s in groups.items()))
    CACHE.mkdir(parents=True, exist_ok=True)
    timing_file = CACHE / "wall_seconds.json"
    seconds = json.loads(timing_file.read_text()) if timing_file.exists() else {}
    frames = []
    for name in method_names(args.methods):
        if name not in METHODS:
            parser.error(f"unknown method {name!r}; choose from {', '.join(METHODS)}")
        file = CACHE / (name.replace(" ", "_").replace(",", "").replace("(", "")
                        .replace(")", "") + ".csv")
        if file.exists() and not args.refresh:
            frame = pd.read_csv(file)
        elif available(name):
            print(f"running {name} ...", flush=True)
            try:
                frame, seconds[name] = run_method(name, groups, seasons)
            except Exception as error:  # a peer that breaks is reported, not fatal
                print(f"  {name} failed: {type(error).__name__}: {error}")
                continue
            frame.to_csv(file, index=False)
            timing_file.write_text(json.dumps(seconds, indent=1))
            print(f"  {seconds[name]:.0f} s", flush=True)
        else:
            continue
        frames.append(frame.assign(method=name))
    if "seasonal naive" not in {f["method"].iloc[0] for f in frames}:
        frame, seconds["seasonal naive"] = run_method("seasonal naive", groups, seasons)
        frames.append(frame.assign(method="seasonal naive"))
    scores = score(pd.concat(frames), groups, seasons)
    table = summary(scores, seconds)
    text = markdown(table)
    print(text)
    if args.write_docs:
        write_docs(text, scores, groups)


def write_docs(text, scores, groups):
    docs = HERE.parent / "docs"
    plot(scores, docs / "accuracy.png")
    n_series = sum(len(s) for s in groups.values())
    template = (HERE / "accuracy_page.md").read_text()
    page = template.format(table=text, n_series=n_series,
                           groups=", ".join(f"{g}: {len(s)}" for g, s in groups.items()))
    (docs / "accuracy.md").write_text(page)
    print(f"wrote {docs / 'accuracy.md'} and {docs / 'accuracy.png'}")


if __name__ == "__main__":
    main()
