"""sklstm benchmarks: every framework side by side in one run, same data, same threads.

    SKLSTM_DATA=../shared/data python benchmarks/run.py [--quick] [--out docs/benchmarks.md]

Sections (ratios are to the hand-written PyTorch loop measured in the same run):
1. windowing: the tutorials' Python loop vs make_sequences (time, peak memory);
2. training throughput on the sunspot task, batch 32 and 256 (seconds per epoch);
3. time to beat the course's test RMSE (14.38) on sunspots;
4. small data, many epochs (weather shape, seq2seq, 200 epochs);
5. inference throughput and single-window latency;
6. a 50-million-point series with window 512 trains without materialising the windows.
"""

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

from sklearn.metrics import root_mean_squared_error  # noqa: E402
from skorch import NeuralNetRegressor  # noqa: E402
from skorch.callbacks import Callback  # noqa: E402

import sklstm  # noqa: E402
from sklstm import LSTMForecaster, make_sequences  # noqa: E402
from sklstm.datasets import load_sunspots  # noqa: E402

COURSE_RMSE = 14.38
# Every framework runs with this many torch threads (sklstm with torch_threads=None, so
# that the pinned setting applies to it too: its default would be one thread).
THREADS = 2


class CourseLSTM(nn.Module):
    """The course's network: LSTM(64) -> Dense(32) -> Dense(1) (Keras Dense: no activation).

    ``relu=True``: a ReLU after the dense layer, as sklstm's dense head has; the throughput
    section compares frameworks on this same network, so that the ratio is their overhead.
    """

    def __init__(self, hidden=64, dense=32, relu=False):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.dense = nn.Linear(hidden, dense)
        self.act = nn.ReLU() if relu else nn.Identity()
        self.out = nn.Linear(dense, 1)

    def forward(self, X):
        _, (h, _) = self.lstm(X)
        return self.out(self.act(self.dense(h[-1])))


def to_sequences(seq_size, obs):
    """The tutorials' windowing loop (T81-558 notebook), kept verbatim in spirit."""
    x, y = [], []
    for i in range(len(obs) - seq_size):
        window = obs[i : (i + seq_size)]
        after_window = obs[i + seq_size]
        window = [[v] for v in window]
        x.append(window)
        y.append(after_window)
    return np.array(x), np.array(y)


# -- 1. windowing ---------------------------------------------------------------------------
def window_probe(kind, n):
    """Run one windowing method on ``n`` points in this process; print seconds and peak RSS
    growth (bytes) over the series itself. Run in a fresh process for a clean peak."""
    series = np.random.RandomState(0).rand(n) * 300
    values = series.tolist() if kind == "loop" else series
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.perf_counter()
    if kind == "loop":
        X, _ = to_sequences(10, values)
    else:
        X, _ = make_sequences(values, 10, season_length=None)  # plain, as the loop's
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
    assert X.shape[0] >= n - 10 - 1
    print(seconds, max(peak, 0), series.nbytes)


def bench_windowing(sizes):
    import subprocess

    rows = []
    for n in sizes:
        measured = {}
        for kind in ("loop", "make_sequences"):
            out = subprocess.run([sys.executable, __file__, "--window-probe", kind, str(n)],
                                 check=True, capture_output=True, text=True).stdout.split()
            measured[kind] = [float(v) for v in out]
        (t_loop, m_loop, nbytes), (t_fast, m_fast, _) = measured["loop"], measured["make_sequences"]
        rows.append((n, t_loop, t_fast, m_loop / nbytes, m_fast / nbytes))
    return rows


# -- 2. training throughput ----------------------------------------------------------------------
def raw_epoch_loop(X, y, batch_size, epochs, seed=0, relu=False):
    """The floor: a hand-written loop over pre-made tensors, shuffled each epoch."""
    torch.manual_seed(seed)
    model = CourseLSTM(relu=relu)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    Xt = torch.as_tensor(np.ascontiguousarray(X), dtype=torch.float32)
    yt = torch.as_tensor(np.array(y), dtype=torch.float32).reshape(-1, 1)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(len(Xt))
        for i in range(0, len(Xt), batch_size):
            idx = perm[i : i + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    return model, times


def skorch_epochs(X, y, batch_size, epochs, relu=False):
    # train_split=None: skorch's default would train on 80% of the windows and validate on
    # the rest every epoch, a different amount of work from the other columns.
    net = NeuralNetRegressor(CourseLSTM, module__relu=relu, max_epochs=epochs,
                             batch_size=batch_size, lr=1e-3, optimizer=torch.optim.Adam,
                             train_split=None, verbose=0)
    net.fit(np.ascontiguousarray(X, dtype=np.float32), y.astype(np.float32).reshape(-1, 1))
    return [row["dur"] for row in net.history]


# The hand-written loop takes plain Adam steps; these switch off what sklstm's defaults add on
# top (gradient clipping, the plateau schedule, the best-weights check after every epoch) so
# that both do the same work. The defaults are measured in a row of their own.
EQUAL_WORK = dict(clip_grad_norm=None, lr_schedule=None, restore_best_weights=False)


def sklstm_epochs(X, y, batch_size, epochs, **params):
    # An epoch is a full pass over all the windows, as the raw loop's (samples_per_epoch="auto"
    # would draw 16,384 of the 55,150, and max_samples_per_series="auto" keep the latest
    # 20,000 of the windows a user gets).
    model = LSTMForecaster(dense_size=32, autoregressive=False, early_stopping=False,
                           max_epochs=epochs, batch_size=batch_size, random_state=0,
                           samples_per_epoch=None, max_samples_per_series=None,
                           torch_threads=None, **params)
    model.fit(X, y)
    return list(model.history_["dur"])


def keras_epochs(X, y, batch_size, epochs):
    try:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf  # noqa: F401
        from tensorflow import keras
    except ImportError:
        return None
    tf.config.threading.set_intra_op_parallelism_threads(THREADS)
    model = keras.Sequential([keras.layers.Input((X.shape[1], 1)), keras.layers.LSTM(64),
                              keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    model.fit(np.asarray(X), y, batch_size=batch_size, epochs=epochs, verbose=0,
              callbacks=[Timer()])
    return times


def bench_training(X, y, batch_sizes, epochs, rounds=3, user=None):
    """Median seconds per epoch of each framework, over ``rounds`` interleaved rounds.

    ``user``: the windows a user gets by default (``make_sequences``' series state), for the
    defaults row; the other rows train on the plain windows ``X``.

    The machine's speed drifts by several percent within minutes; running the frameworks in
    turn, round after round, exposes each to the same drift.
    """
    runs = {
        # The raw loop and skorch train sklstm's network (dense layer with a ReLU).
        "raw PyTorch loop": lambda bs: raw_epoch_loop(X, y, bs, epochs + 1, relu=True)[1][1:],
        "skorch NeuralNetRegressor (DataLoader defaults, no validation split)":
            lambda bs: skorch_epochs(X, y, bs, epochs + 1, relu=True)[1:],
        "sklstm LSTMForecaster (equal work)":
            lambda bs: sklstm_epochs(X, y, bs, epochs + 1, **EQUAL_WORK)[1:],
        "sklstm LSTMForecaster defaults (+clipping, schedule, best-weights check)":
            lambda bs: sklstm_epochs(*(user or (X, y)), bs, epochs + 1)[1:],
    }
    results = {}
    for bs in batch_sizes:
        times = {name: [] for name in runs}
        for _ in range(rounds):
            for name, run in runs.items():
                times[name].extend(run(bs))
        results[bs] = {name: np.median(t) for name, t in times.items()}
        keras = keras_epochs(X, y, bs, epochs + 1)
        results[bs]["Keras/TensorFlow"] = None if keras is None else np.median(keras[1:])
    return results


# -- 3. time to accuracy -------------------------------------------------------------------------
class TestRMSE(Callback):
    """Evaluates the test RMSE after each epoch; its own time is excluded from the clock."""

    def __init__(self, X_test, y_test, target):
        self.X_test, self.y_test, self.target = X_test, y_test, target

    def initialize(self):
        self.reached_at, self.excluded, self.start = None, 0.0, time.perf_counter()
        return self

    def on_epoch_end(self, net, **kwargs):
        t0 = time.perf_counter()
        training_time = t0 - self.start - self.excluded
        # fit is atomic: the estimator receives its net when training ends, so lend it the
        # net being trained for this probe and take it back.
        self.estimator.net_ = net
        try:
            rmse = root_mean_squared_error(self.y_test, self.estimator.predict(self.X_test))
        finally:
            del self.estimator.net_
        self.excluded += time.perf_counter() - t0
        if self.reached_at is None and rmse < self.target:
            self.reached_at = training_time
        net.history.record("test_rmse", rmse)


def course_settings_time_to_accuracy(X, y, X_test, y_test, max_epochs=60):
    """The course notebook's settings in a plain loop: unscaled data, batch 32, Adam 1e-3,
    validation on every epoch, early stopping patience 5 (its validation set is the test set,
    so the loss below doubles as the accuracy check)."""
    torch.manual_seed(0)
    model = CourseLSTM()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    ds = torch.utils.data.TensorDataset(torch.tensor(np.asarray(X), dtype=torch.float32),
                                        torch.tensor(y, dtype=torch.float32).reshape(-1, 1))
    loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True)
    Xv = torch.tensor(np.asarray(X_test), dtype=torch.float32)
    best, bad, clock, reached, epochs = np.inf, 0, 0.0, None, 0
    for epoch in range(max_epochs):
        start = time.perf_counter()
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            rmse = float(torch.sqrt(loss_fn(model(Xv).squeeze(1),
                                            torch.tensor(y_test, dtype=torch.float32))))
        clock += time.perf_counter() - start  # validation is part of the notebook's loop
        epochs = epoch + 1
        if reached is None and rmse < COURSE_RMSE:
            reached = clock
        if rmse < best - 1e-4:
            best, bad = rmse, 0
        else:
            bad += 1
            if bad >= 5:
                break
    return reached, clock, best, epochs


# The fastest settings found (2026-11-24, seeds 0-2 on the course split; nothing else tuned;
# since 0.3 the defaults train on the latest 20,000 windows too, max_samples_per_series):
# the latest 20,000 training windows (1945-1999: the older counts differ in level, and a
# linear AR(10) fitted on them scores 14.17 against 14.51 on all windows), batches of 128 and
# one learning-rate cycle with a 1e-2 peak over 8 epochs.
FAST_SETTINGS = dict(batch_size=128, lr=1e-2, lr_schedule="onecycle", max_epochs=8)
FAST_RECENT_WINDOWS = 20_000


def sklstm_time_to_accuracy(X, y, X_test, y_test, seed=0, **params):
    probe = TestRMSE(X_test, y_test, COURSE_RMSE)
    model = LSTMForecaster(random_state=seed, torch_threads=None,
                           callbacks=[("test_rmse", probe)], **params)
    probe.estimator = model
    start = time.perf_counter()
    model.fit(X, y)
    total = time.perf_counter() - start - probe.excluded
    final = root_mean_squared_error(y_test, model.predict(X_test))
    return probe.reached_at, total, final, len(model.history_)


# -- 4. small data, many epochs -------------------------------------------------------------------
class Seq2Seq(nn.Module):
    def __init__(self, horizon=18, hidden=32):
        super().__init__()
        self.horizon = horizon
        self.enc = nn.LSTM(1, hidden, batch_first=True, bidirectional=True)
        self.dec = nn.LSTM(2 * hidden, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, X):
        _, (h, _) = self.enc(X)
        ctx = torch.cat([h[-2], h[-1]], dim=1).unsqueeze(1).expand(-1, self.horizon, -1)
        dec, _ = self.dec(ctx)
        return self.out(dec).squeeze(-1)


def bench_small(epochs=200, batch_size=16):
    rng = np.random.RandomState(0)
    series = 14 + 6 * np.sin(np.arange(116) * 2 * np.pi / 12) + rng.randn(116)
    X, y = make_sequences(series, 18, horizon=18, season_length=None)  # the raw loop's windows
    X = np.ascontiguousarray(X, dtype=np.float32)
    y = y.astype(np.float32)
    # raw loop
    torch.manual_seed(0)
    model = Seq2Seq()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(np.ascontiguousarray(y))
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(Xt))
        for i in range(0, len(Xt), batch_size):
            idx = perm[i : i + batch_size]
            opt.zero_grad()
            nn.functional.mse_loss(model(Xt[idx]), yt[idx]).backward()
            opt.step()
    raw = time.perf_counter() - start
    net = NeuralNetRegressor(Seq2Seq, max_epochs=epochs, batch_size=batch_size, lr=1e-3,
                             optimizer=torch.optim.Adam, verbose=0)
    start = time.perf_counter()
    net.fit(X, y)
    sk = time.perf_counter() - start
    timings = {"raw PyTorch loop": raw, "skorch NeuralNetRegressor (defaults)": sk}
    for name, params in [("sklstm LSTMForecaster (equal work)", EQUAL_WORK),
                         ("sklstm LSTMForecaster defaults (+clipping, schedule, best weights)",
                          {})]:
        ours_model = LSTMForecaster(architecture="seq2seq", bidirectional=True, hidden_size=32,
                                    autoregressive=False, max_epochs=epochs,
                                    batch_size=batch_size, random_state=0,
                                    torch_threads=None, **params)
        start = time.perf_counter()
        ours_model.fit(X, y)
        timings[name] = time.perf_counter() - start
    return len(X), timings


# -- 5. inference -------------------------------------------------------------------------------
def bench_inference(X, y, X_test, repeats=5):
    Xc = np.ascontiguousarray(X_test, dtype=np.float32)
    model = LSTMForecaster(dense_size=32, autoregressive=False, early_stopping=False,
                           max_epochs=1, random_state=0, torch_threads=None).fit(X[:5000], y[:5000])
    module = model.net_.module_.eval()
    net = NeuralNetRegressor(CourseLSTM, max_epochs=1, batch_size=32, verbose=0,
                             train_split=None).fit(
        np.ascontiguousarray(X[:5000], dtype=np.float32), y[:5000].astype(np.float32)[:, None])

    def best_of(fn):
        fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    def raw_forward():
        with torch.inference_mode():
            return module(torch.from_numpy(Xc)).numpy()

    n = len(Xc)
    throughput = {
        "raw full-batch forward": n / best_of(raw_forward),
        "skorch predict": n / best_of(lambda: net.predict(Xc)),
        "sklstm predict": n / best_of(lambda: model.predict(X_test)),
    }
    one = X_test[:1]
    one_c = Xc[:1]

    def raw_one():
        with torch.inference_mode():
            return module(torch.from_numpy(one_c)).numpy()

    latency = {
        "raw full-batch forward": best_of(raw_one),
        "skorch predict": best_of(lambda: net.predict(one_c)),
        "sklstm predict": best_of(lambda: model.predict(one)),
    }
    return n, throughput, latency


# -- 6. 50 million points ------------------------------------------------------------------------
class EnoughBatches(Exception):
    """Ends the 50M-point run after a few batches (fit is atomic: the model is not kept)."""


class StopAfter(Callback):
    def __init__(self, n_batches):
        self.n_batches = n_batches

    def initialize(self):
        self.seen = 0
        return self

    def on_batch_end(self, net, **kwargs):
        self.seen += 1
        if self.seen >= self.n_batches:
            raise EnoughBatches


def bench_huge(n_points=50_000_000, window=512, n_batches=5):
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    series = np.random.RandomState(0).rand(n_points).astype(np.float32)
    X, y = make_sequences(series, window)
    stopper = StopAfter(n_batches)
    model = LSTMForecaster(hidden_size=16, batch_size=64, early_stopping=False,
                           callbacks=[stopper], random_state=0, torch_threads=None)
    start = time.perf_counter()
    try:
        model.fit(X, y)
    except EnoughBatches:
        pass
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"points": n_points, "window": window, "batches": stopper.seen,
            "windows bytes if materialised": X.shape[0] * window * 4,
            "series bytes": series.nbytes, "peak RSS growth": rss - rss0, "seconds": seconds}


# -- report -------------------------------------------------------------------------------------
def fmt_ratio(value, base):
    return "n/a" if value is None else f"{value / base:.2f}x"


def machine_facts():
    import skorch
    import sklearn

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, torch threads {torch.get_num_threads()}; "
            f"Python {platform.python_version()}, torch {torch.__version__}, skorch "
            f"{skorch.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
            f"sklstm {sklstm.__version__}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--out", default=None, help="write the markdown report here")
    parser.add_argument("--skip", nargs="*", default=[], help="sections to skip (1..6)")
    parser.add_argument("--sections", nargs="*", default=None,
                        help="run only these sections (1..6); docs/benchmarks.md runs each alone")
    parser.add_argument("--window-probe", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.window_probe:
        return window_probe(args.window_probe[0], int(args.window_probe[1]))
    torch.set_num_threads(THREADS)
    os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))

    from sunspot import course_split

    train, test = course_split(load_sunspots())
    # Plain windows of the series (one channel) where frameworks are compared on the same
    # network and data; the windows a user gets by default (the series' state channels
    # too, ``season_length="auto"``) where sklstm's defaults are timed as a user runs them.
    X, y = make_sequences(train, 10, season_length=None)
    X_test, y_test = make_sequences(test, 10, season_length=None)
    X_user, y_user = make_sequences(train, 10)
    X_test_user, y_test_user = make_sequences(test, 10)
    if args.quick:
        X, y = X[-4000:], y[-4000:]
        X_user, y_user = X_user[-4000:], y_user[-4000:]
    lines = ["# Benchmarks", "",
             f"Command: `SKLSTM_DATA=../shared/data python benchmarks/run.py"
             f"{' --quick' if args.quick else ''}`", "", f"Machine: {machine_facts()}", ""]

    def emit(*new):
        lines.extend(new)
        print("\n".join(new), flush=True)

    if args.sections is not None:
        args.skip = [str(n) for n in range(1, 7) if str(n) not in args.sections]
    print(f"Machine: {machine_facts()}\n", flush=True)

    if "1" not in args.skip:
        sizes = [73_000, 500_000] if args.quick else [73_000, 5_000_000]
        emit("## 1. Windowing (window 10)", "",
             "| points | Python loop s | make_sequences s | speed-up | loop peak RSS growth / series | "
             "make_sequences peak RSS growth / series |", "|---|---|---|---|---|---|")
        for n, t_loop, t_fast, m_loop, m_fast in bench_windowing(sizes):
            emit(f"| {n:,} | {t_loop:.3f} | {t_fast:.5f} | {t_loop / t_fast:,.0f}x | "
                 f"{m_loop:.1f}x | {m_fast:.2f}x |")
        emit("")
    if "2" not in args.skip:
        epochs = 1 if args.quick else 3  # per round; 3 rounds (2 epochs did not resolve 5%)
        emit("## 2. Training throughput, sunspot task (LSTM 64 -> dense 32 + ReLU -> 1)", "",
             f"{len(X):,} windows of 10 days; median seconds per epoch over 3 interleaved rounds "
             f"of {epochs} epoch(s) after a warm-up epoch each; every framework trains the same "
             "network; ratio to the raw loop.", "",
             "| framework | batch 32 s/epoch | ratio | batch 256 s/epoch | ratio |",
             "|---|---|---|---|---|")
        res = bench_training(X, y, [32, 256], epochs, rounds=1 if args.quick else 3,
                             user=(X_user, y_user))
        for name in res[32]:
            a, b = res[32][name], res[256][name]
            if a is None:
                emit(f"| {name} | not installed: skipped | | | |")
                continue
            emit(f"| {name} | {a:.2f} | {fmt_ratio(a, res[32]['raw PyTorch loop'])} | "
                 f"{b:.2f} | {fmt_ratio(b, res[256]['raw PyTorch loop'])} |")
        emit("")
    if "3" not in args.skip and not args.quick:
        emit("## 3. Time to beat the course's test RMSE (14.38)", "",
             "| run | reached < 14.38 after s | total s | epochs | final/best test RMSE |",
             "|---|---|---|---|---|")
        show = lambda v: "never" if v is None else f"{v:.1f}"  # noqa: E731
        recent = slice(-FAST_RECENT_WINDOWS, None)
        c_reach, c_total, c_best, c_epochs = course_settings_time_to_accuracy(X, y, X_test, y_test)
        emit(f"| course notebook settings (plain PyTorch loop, batch 32, unscaled, "
             f"validation every epoch, patience 5) | {show(c_reach)} | {c_total:.1f} | "
             f"{c_epochs} | {c_best:.2f} (best) |")
        r_reach, r_total, r_best, r_epochs = course_settings_time_to_accuracy(
            X[recent], y[recent], X_test, y_test)
        emit(f"| course notebook settings, latest {FAST_RECENT_WINDOWS:,} windows | "
             f"{show(r_reach)} | {r_total:.1f} | {r_epochs} | {r_best:.2f} (best) |")
        # The defaults, and the same on every window (the defaults until 0.3).
        defaults = {"Defaults": ("sklstm LSTMForecaster defaults", {}),
                    "Defaults on every window": (
                        "sklstm defaults on every window (`max_samples_per_series=None`, the "
                        "defaults until 0.3)", {"max_samples_per_series": None})}
        reached = {}
        for name, (label, params) in defaults.items():
            reached[name] = []
            for seed in (0, 1, 2):
                s_reach, s_total, s_final, s_epochs = sklstm_time_to_accuracy(
                    X_user, y_user, X_test_user, y_test_user, seed=seed, **params)
                reached[name].append(s_reach)
                emit(f"| {label}, random_state={seed} | {show(s_reach)} | {s_total:.1f} | "
                     f"{s_epochs} | {s_final:.2f} (final) |")
        fast = ", ".join(f"{k}={v!r}" for k, v in FAST_SETTINGS.items())
        fast_reach = []
        for seed in (0, 1, 2):
            f_reach, f_total, f_final, f_epochs = sklstm_time_to_accuracy(
                X_user[recent], y_user[recent], X_test_user, y_test_user, seed=seed,
                **FAST_SETTINGS)
            fast_reach.append(f_reach)
            emit(f"| sklstm `{fast}`, latest {FAST_RECENT_WINDOWS:,} windows, random_state="
                 f"{seed} | {show(f_reach)} | {f_total:.1f} | {f_epochs} | {f_final:.2f} (final) |")
        emit("")
        if all(v is not None for v in fast_reach):
            emit(f"Fastest settings: reached < 14.38 after at most {max(fast_reach):.1f} s, "
                 f"{max(fast_reach) / c_total:.2f}x the course settings' whole run "
                 f"({c_total:.1f} s) in this run.")
        for name, reach in reached.items():
            if all(v is not None for v in reach):
                emit(f"{name}: reached < 14.38 after at most {max(reach):.1f} s, "
                     f"{max(reach) / c_total:.2f}x the course settings' whole run in this run.")
            else:
                emit(f"{name}: did not reach < 14.38 for every seed in this run.")
        emit("")
    if "4" not in args.skip:
        n_small, small = bench_small(epochs=50 if args.quick else 200)
        emit("## 4. Small data, many epochs (weather shape)", "",
             f"{n_small} windows, 18 -> 18 months, bidirectional seq2seq (hidden 32), batch 16, "
             f"{50 if args.quick else 200} epochs.", "", "| framework | seconds | ratio |",
             "|---|---|---|")
        for name, value in small.items():
            emit(f"| {name} | {value:.2f} | {fmt_ratio(value, small['raw PyTorch loop'])} |")
        emit("")
    if "5" not in args.skip:
        n_test, throughput, latency = bench_inference(X, y, X_test)
        emit("## 5. Inference", "", f"Predicting the {n_test:,} sunspot test windows (best of 5).",
             "", "| path | windows/s | ratio | one-window latency ms |", "|---|---|---|---|")
        base = throughput["raw full-batch forward"]
        for name in throughput:
            emit(f"| {name} | {throughput[name]:,.0f} | {throughput[name] / base:.2f}x | "
                 f"{latency[name] * 1e3:.2f} |")
        emit("")
    if "6" not in args.skip:
        huge = bench_huge(n_points=5_000_000 if args.quick else 50_000_000)
        emit("## 6. Windows stay views", "",
             f"{huge['points']:,} points, window {huge['window']}: the window matrix would take "
             f"{huge['windows bytes if materialised'] / 1e9:.0f} GB. LSTMForecaster trained "
             f"{huge['batches']} batches in {huge['seconds']:.1f} s (validation, scaling "
             f"statistics and the targets included) with a peak RSS growth of "
             f"{huge['peak RSS growth'] / 1e6:,.0f} MB, for a series of "
             f"{huge['series bytes'] / 1e6:,.0f} MB.", "")
    if args.out:
        Path(args.out).write_text("\n".join(lines) + "\n")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
