"""Forecast accuracy on the standard yardsticks: M3 (yearly, quarterly, monthly, other) and M4
(hourly, weekly), each with the competition's horizon and its test period, against naive,
seasonal naive and statsforecast's AutoETS, AutoTheta and AutoARIMA in the same run.

sklstm's two doors, with defaults (a user who reads the README):

- ``core``: the windows door, ``make_sequences(panel, window_length=W, horizon=H,
  season_length=m)`` -> ``LSTMForecaster(random_state=seed)`` -> ``forecast(panel)``, one
  global model per set, with W = 2H (the issue's "windows of 2H"), shortened to what the
  shortest training series allows (M3 yearly: 8; monthly: 30); the panel indexed so that
  every series ends at period 0, as for the sktime door (see ``aligned_at_ends``);
- ``sktime``: ``sklstm.sktime.LSTMForecaster(season_length=m, random_state=seed)`` fit on
  the panel (every series indexed to end at period 0: sktime counts ``fh`` from the panel's
  latest time), ``fh`` = 1..H, its window "auto" (the same rule: 2H, at least a season, what
  the shortest series allows).

m is the competition's season (12 monthly, 4 quarterly, 24 hourly; 1 yearly, weekly and
"other": the windows then carry the Theta level and trend without a season). The series
are indexed by position, so neither door can read the season from a calendar (with a
monthly/quarterly/hourly time index, ``season_length="auto"``, both doors' default, finds
it). With the same settings the two doors give the same forecasts (tests/test_one_engine.py).

Metrics as the M competitions define them: sMAPE (200 |y - f| / (|y| + |f|), mean over the
horizon, then over series) and MASE (MAE over the in-sample MAE of the seasonal naive forecast,
seasonal period of the competition, 1 for yearly/other/weekly); the share of series where a
method's sMAPE is below seasonal naive's; wall time of the whole set. Series are indexed by
position (the competitions give no calendar for many), so the seasonal period is passed
explicitly.

    SKLSTM_DATA=../shared/data python benchmarks/competitions.py --sets m3-monthly \
        --methods naive,snaive,ets,theta,core,sktime --seeds 0
    SKLSTM_DATA=../shared/data python benchmarks/competitions.py --write-docs

Forecasts are cached per set, method and seed in ``benchmarks/results/competitions/`` (with
their wall time), so that the table is re-drawn without re-running; ``--refresh`` re-runs.
The anchors need ``pip install -e ".[stats]" -c constraints.txt``. Run it alone on the machine.
"""

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CACHE = HERE / "results" / "competitions"
DOCS = HERE.parent / "docs" / "competitions.md"
PLOT = HERE.parent / "docs" / "competitions.png"
SETS = ("m3-yearly", "m3-quarterly", "m3-monthly", "m3-other", "m4-hourly", "m4-weekly")
BASELINES = ("naive", "snaive", "ets", "theta", "arima")
SKLSTM = ("core", "sktime")


def load(name):
    from sklstm.datasets import load_m3, load_m4

    source, frequency = name.split("-")
    return (load_m3 if source == "m3" else load_m4)(frequency)


def _histories(competition):
    return {k: s.droplevel(0) for k, s in competition.train.groupby(level="series_id",
                                                                    sort=False)}


# -- methods: each returns {series_id: forecast array of length H} -----------------------------
def naive(comp, seed):
    return {k: np.repeat(s.iloc[-1], comp.horizon) for k, s in _histories(comp).items()}


def snaive(comp, seed):
    m, h = comp.season_length, comp.horizon
    out = {}
    for k, s in _histories(comp).items():
        last = s.to_numpy()[-m:] if len(s) >= m else np.repeat(s.iloc[-1], m)
        out[k] = np.resize(last, h) if m > 1 else np.repeat(s.iloc[-1], h)
    return out


def _statsforecast(model_name):
    def method(comp, seed):
        from statsforecast import StatsForecast
        from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

        model = {"ets": AutoETS, "theta": AutoTheta, "arima": AutoARIMA}[model_name]
        frame = comp.train.rename("y").reset_index().rename(
            columns={"series_id": "unique_id", "period": "ds"})
        sf = StatsForecast(models=[model(season_length=comp.season_length)], freq=1, n_jobs=1)
        result = sf.forecast(df=frame, h=comp.horizon)
        column = [c for c in result.columns if c not in ("unique_id", "ds")][0]
        return {k: part[column].to_numpy() for k, part in result.groupby("unique_id")}
    return method


def core_window(comp):
    """2H, or what the shortest training series allows (a window and H targets)."""
    shortest = int(comp.info["n_train"].min())
    return max(2, min(2 * comp.horizon, shortest - comp.horizon))


def aligned_at_ends(comp):
    """The training panel with every series indexed to end at period 0 (positions counted
    back from its end): the competitions' series end at different times, and their test
    periods are each one's next H steps. Both doors see this panel, so that the windows'
    time order (the latest are the early-stopping validation windows, which also choose
    the Theta weight) holds every series' last windows."""
    ends = comp.train.groupby(level="series_id", sort=False).size()
    ids = comp.train.index.get_level_values(0)
    periods = comp.train.index.get_level_values(1) - ends.reindex(ids).to_numpy() + 1
    return pd.Series(comp.train.to_numpy(), name="y",
                     index=pd.MultiIndex.from_arrays([ids, periods], names=["series_id", "t"]))


def core(comp, seed, **params):
    from sklstm import LSTMForecaster, make_sequences

    # The competition states each set's frequency; a calendar-indexed series gets the same
    # from make_sequences' season_length="auto" (M3/M4 are indexed by position).
    panel = aligned_at_ends(comp)
    X, y = make_sequences(panel, window_length=core_window(comp), horizon=comp.horizon,
                          season_length=comp.season_length)
    model = LSTMForecaster(random_state=seed, **params).fit(X, y)
    forecast = model.forecast(panel)
    return {k: s.to_numpy() for k, s in forecast.groupby(level=0, sort=False)}


def core_seasonal(comp, seed):
    """A candidate, not a default: the windows door with each window's season taken out
    (``scaling="seasonal"``) where the competition has a season and windows hold two."""
    m = comp.season_length
    seasonal = m > 1 and core_window(comp) >= 2 * m
    return core(comp, seed, **(dict(scaling="seasonal", season_length=m) if seasonal else {}))


def core_window_scaling(comp, seed):
    """A candidate, not a default: the windows door with per-window scaling inside the
    series state (``scaling="window"``)."""
    return core(comp, seed, scaling="window")


def sktime_door(comp, seed, **params):
    from sklstm.sktime import LSTMForecaster

    # sktime reads fh from the panel's cutoff (its latest time point): series indexed by
    # position end at different times, and a shorter one would be forecast from the longest
    # one's end. Every series is put to end at period 0, so fh 1..H is each one's next H.
    y = aligned_at_ends(comp).to_frame()
    fh = list(range(1, comp.horizon + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The default window ("auto": 2H, at least a season, what the shortest series
        # allows); the competition's season, as the core door is given it.
        forecaster = LSTMForecaster(season_length=comp.season_length, random_state=seed,
                                    **params)
        forecaster.fit(y, fh=fh)
        prediction = forecaster.predict()
    return {k: s.to_numpy() for k, s in prediction["y"].groupby(level=0, sort=False)}


def sktime_global(comp, seed):
    """A diagnostic, not a default: the adapter with the core's global scaling."""
    return sktime_door(comp, seed, scaling="global")


# The training defaults before issue 28 (a constant rate of 1e-3 halved on plateaus, up to
# 100 epochs): issue 28's faster defaults are measured against them.
PLATEAU_TRAINING = dict(lr=1e-3, lr_schedule="plateau", max_epochs=100)


def core_plateau(comp, seed):
    return core(comp, seed, **PLATEAU_TRAINING)


def sktime_plateau(comp, seed):
    return sktime_door(comp, seed, **PLATEAU_TRAINING)


METHODS = {"naive": naive, "snaive": snaive, "ets": _statsforecast("ets"),
           "theta": _statsforecast("theta"), "arima": _statsforecast("arima"),
           "core": core, "core-seasonal": core_seasonal, "core-window": core_window_scaling,
           "sktime": sktime_door,
           "sktime-global": sktime_global, "core-plateau": core_plateau, "sktime-plateau": sktime_plateau}
SEEDED = {"core", "core-seasonal", "core-window", "sktime", "sktime-global", "core-plateau",
          "sktime-plateau"}


# -- metrics ------------------------------------------------------------------------------------
def smape(y, f):
    return float(np.mean(200 * np.abs(y - f) / (np.abs(y) + np.abs(f))))


def mase(history, y, f, m):
    history = np.asarray(history, dtype=float)
    m = m if len(history) > m else 1
    scale = np.mean(np.abs(history[m:] - history[:-m]))
    return float(np.mean(np.abs(y - f)) / scale) if scale > 0 else np.nan


def score(comp, forecasts):
    """Per series: sMAPE and MASE."""
    rows = []
    histories = _histories(comp)
    for k, truth in comp.test.groupby(level="series_id", sort=False):
        y, f = truth.to_numpy(), np.asarray(forecasts[k], dtype=float)
        rows.append({"series_id": k, "smape": smape(y, f),
                     "mase": mase(histories[k], y, f, comp.season_length)})
    return pd.DataFrame(rows).set_index("series_id")


# -- running and caching ------------------------------------------------------------------------
def _cache_file(set_name, method, seed):
    suffix = f"-seed{seed}" if method in SEEDED else ""
    return CACHE / set_name / f"{method}{suffix}.csv"


def run(set_name, method, seed, comp, refresh=False):
    file = _cache_file(set_name, method, seed)
    if file.is_file() and not refresh:
        frame = pd.read_csv(file, index_col=0)
        return {k: row.dropna().to_numpy() for k, row in frame.iterrows()}, json.loads(
            file.with_suffix(".json").read_text())["seconds"]
    start = time.perf_counter()
    forecasts = METHODS[method](comp, seed)
    seconds = time.perf_counter() - start
    file.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame.from_dict({k: np.asarray(v, dtype=float) for k, v in forecasts.items()},
                           orient="index").to_csv(file)
    file.with_suffix(".json").write_text(json.dumps({"seconds": seconds}))
    return forecasts, seconds


def summarise(set_name, comp, results):
    """One row per method: mean sMAPE/MASE (mean and spread over seeds), share beating
    seasonal naive, wall time."""
    reference = score(comp, snaive(comp, 0))
    rows = []
    for method, runs in results.items():
        scores = [score(comp, forecasts) for _, forecasts, _ in runs]
        smapes = [s["smape"].mean() for s in scores]
        mases = [s["mase"].mean() for s in scores]
        beats = np.mean([(s["smape"] < reference["smape"]).mean() for s in scores])
        rows.append({
            "set": set_name, "method": method, "seeds": len(runs),
            "sMAPE": np.mean(smapes), "sMAPE spread": np.ptp(smapes) if len(runs) > 1 else 0.0,
            "MASE": np.mean(mases), "beats snaive": beats,
            "seconds": np.mean([seconds for _, _, seconds in runs]),
        })
    return rows


def table(rows):
    frame = pd.DataFrame(rows)
    lines = ["| set | method | seeds | sMAPE | spread | MASE | beats seasonal naive | wall s |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for _, r in frame.iterrows():
        lines.append(f"| {r['set']} | {r['method']} | {r['seeds']} | {r['sMAPE']:.2f} | "
                     f"{r['sMAPE spread']:.2f} | {r['MASE']:.3f} | {r['beats snaive']:.0%} | "
                     f"{r['seconds']:.0f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--methods", default="naive,snaive,ets,theta,core,sktime")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--cached-only", action="store_true",
                        help="leave out (set, method, seed) runs that are not cached yet")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    methods = args.methods.split(",")
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods {sorted(unknown)}; choose from {sorted(METHODS)}")
    rows = []
    for set_name in args.sets.split(","):
        comp = load(set_name)
        results = {}
        for method in methods:
            runs = []
            for seed in (seeds if method in SEEDED else [0]):
                if args.cached_only and not _cache_file(set_name, method, seed).is_file():
                    continue
                forecasts, seconds = run(set_name, method, seed, comp, args.refresh)
                runs.append((seed, forecasts, seconds))
                print(f"{set_name} {method} seed {seed}: {seconds:.0f} s", flush=True)
            if runs:
                results[method] = runs
        set_rows = summarise(set_name, comp, results)
        rows += set_rows
        print(table(set_rows), flush=True)
    if args.write_docs:
        write_docs(rows, args)
    return rows


NOTES = """
How to read it: sMAPE and MASE are means over the set's series (lower is better); "beats
seasonal naive" is the share of series whose sMAPE is below seasonal naive's; "spread" is the
range of the mean sMAPE over the seeds; wall time is the whole set, training and forecasting.
Naive, seasonal naive and the statsforecast models are deterministic (one run). A check of
the metric against the competition: naive on M3 "other" (no season, so the competition's
Naive2 is naive) scores 6.30 here as in Makridakis & Hibon (2000).

`core` and `sktime` are the two doors with the engine and defaults of this release: windows that
carry each series' state (seasonal indices, Theta level and trend), the season taken out
with it, the network's forecast combined with the Theta forecast (weight chosen on the
held-out windows), trained with the "auto" training: one learning-rate cycle of 30 epochs
peaking at 5e-3 (every set here has thousands of windows or more; below 1,000 the
forecasters keep the plateau training).
`core-plateau` and `sktime-plateau` are the same doors with the plateau training (`lr=1e-3,
lr_schedule="plateau", max_epochs=100`: a constant rate halved when the validation loss
stalls, early stopping after 15 epochs without improvement). Given the same panel and
settings the two doors compute the same forecasts (tests/test_one_engine.py); their rows
differ only by float rounding and by the order in which sktime hands over the panel.

What it says (seeds 0-2): both doors beat seasonal naive's mean sMAPE on all six sets with
either training. The one-cycle training against the plateau training (core door, seeds 0-2, mean sMAPE and
spread): M3 yearly 16.30 (0.46) against 16.29 (0.36), quarterly 9.10 (0.10) against 9.10
(0.19), monthly 13.95 (0.27) against 14.14 (0.14), other 4.19 (0.04) against 4.29 (0.15): as
good or better on the four M3 sets; M4 hourly 12.86 (0.79) against 12.58 (0.40) and weekly
8.26 (0.14) against 8.06 (0.28): worse by less than the plateau training's seed spread on both M4 sets, but
on every seed of M4 hourly by MASE (1.288 / 1.256 / 1.361 against 1.166 / 1.127 / 1.265).
The M4 sets are the largest (294,000 and 353,000 windows) and still improved slowly after
the 66th epoch of the plateau training; 30 epochs of 16,384 windows see each window 1.7 times.

The `sktime` rows with the one-cycle training are seed 0 (seeds 0-2 on M3 yearly and
quarterly): equal to the core door's seed 0 to the digits shown (M4 hourly 12.55 / 1.288).

Wall time: the six sets take 274 s a seed with the one-cycle defaults (core door, alone on the
machine) against 530 s for seed 0 with the plateau training measured alone the same day (M4
hourly 148 against 353 s, M3 monthly 52 against 80, M4 weekly 45 against 67): 0.52x. The
`core-plateau` and `sktime-plateau` rows' wall times (817 s a seed) are from runs of two processes
on the two cores, as noted above, and are not comparable with the others'. Candidates
tried on seed 0 before the choice (M4 hourly sMAPE, seconds): the plateau training 12.54 in 353
s; a constant 3e-3 12.68 in 317 s; batches of 256 at 1e-3 13.36 in 284 s, at 2e-3 12.94 in
593 s (an epoch of 256-window batches costs more than one of 64: the recurrence is
compute-bound); one cycle peaking at 5e-3 over 20, 25 and 30 epochs 13.40, 13.01, 12.55 in
101, 119 and 146 s; on seed 2, one cycle at 1e-2 13.08 and batches of 32 12.51 (but 12.91
on seed 1 against 12.69 with 64).

Re-measured 2026-12-05 (session 13) on that day's machine (an AMD EPYC with AVX2 only; the
table above is from an AVX-512 machine, and one-thread fits differ in their last bits
between the two, so seeds land elsewhere), core door, both trainings in one run, alone
(`SKLSTM_DATA=../shared/data python benchmarks/competitions.py --sets
m3-yearly,m3-quarterly,m3-monthly,m3-other,m4-hourly,m4-weekly --methods core,core-plateau
--seeds 0`): **the six sets take 381 s with the one-cycle defaults against 820 s with the
plateau training, 0.46x** (M4 hourly 203 against 599 s, M3 monthly 68 against 108, M4 weekly
70 against 70, the three small M3 sets 40 against 43). Seed 0, one-cycle against plateau,
sMAPE (MASE): M3 yearly 16.06 (2.744) against 16.08 (2.752), quarterly 9.15 (1.103) against
9.20 (1.104), monthly 14.57 (0.885) against 13.98 (0.862), other 4.22 (1.764) against 4.37
(1.843), M4 hourly 12.65 (1.189) against 13.01 (1.208), M4 weekly 8.15 (2.294) against 8.34
(2.451). The two sets that session 8 found worse, or this run did, over seeds 0-2 (seeds 1-2
run two at a time; `--seeds 1,2`): M3 monthly 14.17 (spread 0.77; 14.57 / 13.80 / 14.14)
against 14.08 (0.23; 13.98 / 14.05 / 14.21), MASE 0.873 against 0.869; M4 hourly 12.69 (spread 0.12; 12.65 / 12.68 /
12.76) against 12.82 (0.52; 13.01 / 12.49 / 12.97), MASE 1.203 (1.189 / 1.264 / 1.157)
against 1.229 (1.208 / 1.162 / 1.318). On this machine the one-cycle defaults are as
accurate as the plateau training on every set, within its seed spread, and better on M4
hourly by both measures, in under half the time; M3 monthly's seed 0 is the cycle's one
bad draw.

Which data chose the defaults: the series state, the Theta combination and its weight rule,
scaling "auto" and samples_per_epoch "auto" were chosen on M3 monthly and M4 hourly (with
the 86-series weather corpus of docs/accuracy.md and the sunspot task as checks); the
one-cycle training (one cycle, 5e-3, 30 epochs) on M4 hourly and M3 monthly (seed 0; M4 weekly
and the other M3 sets seed 0 as a check before the three-seed run). M3 yearly, quarterly and
other were not used to choose anything else. `max_samples_per_series="auto"` (each series'
latest 20,000 windows, chosen on the daily sunspot series, docs/benchmarks.md section 3)
leaves every series here whole: the longest, in M4 weekly, has 2,597 observations. The data
sets that ship inside sktime, pmdarima and statsmodels were not used.
"""


def plot(rows, path):
    """Each method's mean sMAPE relative to seasonal naive's, per set (below 1: better)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = pd.DataFrame(rows)
    sets = list(dict.fromkeys(frame["set"]))
    methods = [m for m in ("naive", "ets", "theta", "arima", "core", "sktime")
               if m in set(frame["method"])]
    reference = frame[frame["method"] == "snaive"].set_index("set")["sMAPE"]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / max(len(methods), 1)
    for j, method in enumerate(methods):
        part = frame[frame["method"] == method].set_index("set")
        ratios = [part["sMAPE"].get(s, np.nan) / reference.get(s, np.nan) for s in sets]
        ax.bar(np.arange(len(sets)) + (j - (len(methods) - 1) / 2) * width, ratios, width,
               label=method)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(np.arange(len(sets)), sets)
    ax.set_ylabel("mean sMAPE / seasonal naive's")
    ax.set_ylim(0.5, 1.6)
    ax.legend(ncol=len(methods), fontsize=8, loc="upper left")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def write_docs(rows, args):
    cached = " --cached-only" if args.cached_only else ""
    plot(rows, PLOT)
    DOCS.write_text(f"""# The M3 and M4 competitions

Generated by `SKLSTM_DATA=../shared/data python benchmarks/competitions.py --sets {args.sets}
--methods {args.methods} --seeds {args.seeds}{cached} --write-docs`. Wall times are of the
whole set on one core (torch's default of one thread; the runs were two processes on the two
cores). See the script's docstring for the doors, the window rule and the metrics (sMAPE and
MASE as the competitions define them).

{table(rows)}

![Mean sMAPE relative to seasonal naive, per set and method](competitions.png)
{NOTES}""")


if __name__ == "__main__":
    main()
