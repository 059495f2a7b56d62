"""Fingerprints of the predictions of 36 small configurations (forecasters, classifier, sktime
adapters; every scaling, intervals, warm start, partial_fit, crops), to show that a change
that should not change behaviour does not: run it with the sklstm before and after the change
and compare the two files.

    git worktree add /tmp/before <commit>
    PYTHONPATH=/tmp/before python benchmarks/fingerprints.py before.json
    python benchmarks/fingerprints.py after.json
    python -c "import json; a, b = (json.load(open(f)) for f in ('before.json', 'after.json')); print([k for k in a if a[k] != b.get(k)])"
"""
import hashlib, sys, warnings, json
import numpy as np, pandas as pd
warnings.filterwarnings("ignore")
import sklstm
from sklstm import LSTMForecaster, GRUForecaster, SequenceClassifier, make_sequences
from sklstm.datasets import make_car_sequences

def h(a):
    a = np.asarray(a, dtype=np.float64)
    return hashlib.sha1(np.round(a, 12).tobytes()).hexdigest()[:12] + f" {a.ravel()[:2]}"

out = {}
rng = np.random.default_rng(0)
t = np.arange(600)
series = pd.Series(10 + t / 50 + np.sin(t / 5) + 0.2 * rng.normal(size=600),
                   index=pd.date_range("2000-01-01", periods=600, freq="D"))
X, y = make_sequences(series[:500], window_length=12, horizon=3)
Xt, yt = make_sequences(series[500:], window_length=12, horizon=3, history=series[:500])
small = dict(hidden_size=8, max_epochs=4, random_state=0)
configs = {
  "direct": {}, "seq2seq_bi": {"architecture": "seq2seq", "bidirectional": True},
  "window": {"scaling": "window"}, "log": {"log_transform": True},
  "diff_window": {"difference": True, "scaling": "window"},
  "calib": {"calibration_fraction": 0.2}, "onecycle": {"lr_schedule": "onecycle", "lr": 1e-2},
  "early": {"early_stopping": True}, "mae": {"criterion": "mae"}, "dense": {"dense_size": 4},
}
for name, params in configs.items():
    m = LSTMForecaster(**small, **params).fit(X, y)
    out["lstm_" + name] = h(m.predict(Xt))
    if m.conformal_scores_ is not None:
        out["lstm_" + name + "_int"] = h(np.concatenate(m.predict_interval(Xt, 0.8)))
    out["lstm_" + name + "_hist"] = h(m.history_["train_loss"].to_numpy())
m = GRUForecaster(**small).fit(X, y); out["gru"] = h(m.predict(Xt))
m.set_params(warm_start=True, max_epochs=2).fit(X, y); out["gru_warm"] = h(m.predict(Xt))
m = LSTMForecaster(**small); m.partial_fit(X, y); m.partial_fit(X, y); out["partial"] = h(m.predict(Xt))
out["forecast"] = h(LSTMForecaster(**small).fit(X, y).forecast(series[:500]).to_numpy())
# classifier
Xc, yc = make_car_sequences(n_samples=200, seq_len=6, random_state=0)
Xn, _ = make_car_sequences(n_samples=50, seq_len=6, random_state=1)
for name, params in {"car": {}, "rec": {"architecture": "recurrent"},
                     "both": {"scaling": "both"}, "seq": {"scaling": "sequence"},
                     "balanced": {"class_weight": "balanced"}}.items():
    c = SequenceClassifier(hidden_size=8, max_epochs=3, random_state=0, conv_filters=(8, 8), **params).fit(Xc, yc)
    out["clf_" + name] = h(c.predict_proba(Xn))
long = rng.normal(size=(60, 80, 1)); long[::2, 20:40] += 2; ylong = np.arange(60) % 2
long[:10, 70:] = np.nan
c = SequenceClassifier(hidden_size=8, max_epochs=3, random_state=0, conv_filters=(8, 8)).fit(long, ylong)
out["clf_crops"] = h(c.predict_proba(long)); out["clf_crop_fraction"] = str(c.crop_fraction_)
# sktime adapter
import sklstm.sktime as st
yy = pd.Series(20 + 5 * np.sin(np.arange(120) * 2 * np.pi / 12) + np.arange(120) / 10,
               index=pd.period_range("2000-01", periods=120, freq="M"))
f = st.LSTMForecaster(window_length=12, hidden_size=8, max_epochs=5, random_state=0).fit(yy, fh=list(range(1, 19)))
out["sktime_default"] = h(f.predict().to_numpy())
f = st.GRUForecaster(window_length=12, hidden_size=8, max_epochs=5, random_state=0, calibration_fraction=0.2).fit(yy, fh=[1, 2, 3])
out["sktime_gru_int"] = h(f.predict_interval(coverage=0.8).to_numpy())
sc = st.SequenceClassifier(hidden_size=8, max_epochs=3, random_state=0, conv_filters=(8, 8)).fit(Xc.transpose(0, 2, 1) if Xc.ndim == 3 else Xc[:, None, :], yc)
out["sktime_clf"] = h(sc.predict_proba(Xn.transpose(0, 2, 1) if Xn.ndim == 3 else Xn[:, None, :]))
json.dump(out, open(sys.argv[1], "w"), indent=1)
print(len(out), "fingerprints")
