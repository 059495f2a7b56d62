"""Prediction intervals, the training history, and a model saved without pickle.
===============================================================================

On the monthly mean temperature of 49 Australian locations shipped with sklstm (no download):
one global encoder-decoder forecasts every location 18 months ahead, with split-conformal
intervals calibrated on the latest fifth of the training windows (``calibration_fraction``).
The example checks how often the 2016-2017 actuals fall inside the 80% intervals, draws
Canberra's forecast with its interval and the fit's loss curve, then saves the model with
``model.save`` (JSON, numpy arrays and torch weights in a zip, no pickle) and checks that
``sklstm.load`` gives back the same forecasts::

    python examples/intervals_and_saving.py [--max-epochs 40] [--plot [intervals.png]]
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np

import sklstm
from sklstm import LSTMForecaster, TimeSeriesImputer, make_sequences
from sklstm.datasets import load_australian_temperatures

HORIZON = 18
TEST_START = "2016-01-01"
MODEL = dict(architecture="seq2seq", bidirectional=True, hidden_size=32, lr=3e-3,
             autoregressive=False, scaling="window", calibration_fraction=0.2)


def fit(max_epochs=40, random_state=0):
    temps = TimeSeriesImputer().fit_transform(load_australian_temperatures())
    train = temps[temps.index < TEST_START]
    test = temps[temps.index >= TEST_START].iloc[:HORIZON]
    X, y = make_sequences(train, HORIZON, horizon=HORIZON, series_id="columns")
    model = LSTMForecaster(max_epochs=max_epochs, random_state=random_state, **MODEL).fit(X, y)
    return model, train, test


def coverage_of(frame, test):
    """Share of the test months inside [lower, upper], over every location."""
    actual = test.T.stack()  # indexed by (location, month), as forecast() is
    actual = actual.reindex(frame.index).to_numpy()
    if np.isnan(actual).any():
        raise ValueError("the forecast's (location, month) labels do not match the test months")
    return float(np.mean((frame["lower"].to_numpy() <= actual)
                         & (actual <= frame["upper"].to_numpy())))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--max-epochs", type=int, default=40)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--plot", nargs="?", const="", default=None, metavar="PATH",
                        help="draw Canberra's interval and the loss curve; with PATH, save them")
    args = parser.parse_args(argv)

    model, train, test = fit(args.max_epochs, args.random_state)
    frame = model.forecast(train, series_id="columns", coverage=0.8)
    width = float((frame["upper"] - frame["lower"]).mean())
    print(f"80% intervals of {len(train.columns)} locations x {HORIZON} months: "
          f"{coverage_of(frame, test):.1%} of the actual months inside, mean width {width:.2f} "
          "deg C (calibrated on the latest 20% of the training windows)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "weather.sklstm"
        model.save(path)
        loaded = sklstm.load(path)
        same = np.array_equal(loaded.forecast(train, series_id="columns", coverage=0.8).to_numpy(),
                              frame.to_numpy())
        print(f"saved to a {path.stat().st_size / 1024:.0f} kB file without pickle; loaded "
              f"model gives {'identical' if same else 'DIFFERENT'} forecasts and intervals")

    if args.plot is not None:
        import matplotlib.pyplot as plt

        from sklstm.plotting import plot_forecast, plot_training_history

        fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4))
        plot_forecast(test["Canberra"], frame.xs("Canberra", level=0),
                      history=train["Canberra"][-36:], ax=left, ylabel="deg C",
                      title="Canberra: 18-month forecast with its 80% interval")
        plot_training_history(model, ax=right)
        right.set_title("Loss per epoch (scaled units)")
        if args.plot:
            fig.savefig(args.plot, dpi=100, bbox_inches="tight")
            print(f"\nplot written to {args.plot}")


if __name__ == "__main__":
    main()
