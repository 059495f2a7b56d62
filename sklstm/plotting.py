"""Plot a forecast with its history and interval, and a fit's training history.

matplotlib is an optional dependency: it is imported when a function is called.
"""

import numpy as np
import pandas as pd

__all__ = ["plot_forecast", "plot_training_history"]


def _pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"{caller} needs matplotlib: pip install matplotlib") from exc
    return plt


def _split_forecast(predicted, lower, upper):
    """Forecast, lower and upper bounds from a Series/array or forecast(coverage=...)'s frame."""
    if isinstance(predicted, pd.DataFrame):
        missing = {"forecast", "lower", "upper"} - set(predicted.columns)
        if missing:
            raise ValueError(
                "predicted: a DataFrame must have the columns 'forecast', 'lower' and 'upper' "
                f"(as forecast(..., coverage=...) returns); missing {sorted(missing)}."
            )
        if lower is not None or upper is not None:
            raise ValueError("predicted: give lower/upper either as columns or as arguments, not both.")
        return predicted["forecast"], predicted["lower"], predicted["upper"]
    if (lower is None) != (upper is None):
        raise ValueError("lower and upper: give both bounds of the interval, or neither.")
    return predicted, lower, upper


def _one_line(name, values):
    """Values of one line as a 1-D float array; (n, 1) is accepted, wider arrays refused."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name}: one line is drawn, so it must be 1-D (or one column); got shape "
            f"{array.shape}. For (n_samples, horizon) predictions pick one step, e.g. "
            f"{name}[:, 0], or plot one sample's horizon with its own index."
        )
    return array


def plot_forecast(actual=None, predicted=None, index=None, history=None, title=None, ylabel=None,
                  ax=None, *, lower=None, upper=None):
    """Draw the forecasts, the actual values, the history before them and an interval.

    Parameters
    ----------
    actual : array-like or pandas Series, default=None
        True values of the forecast period; a Series' index is the time axis unless ``index``
        is given. None for a forecast into the future (nothing to compare with yet).
    predicted : array-like, pandas Series or DataFrame
        Forecasts of the same times, or the DataFrame that ``forecast(series, coverage=...)``
        returns (columns "forecast", "lower", "upper"), whose interval is then drawn.
    index : array-like, default=None
        Time of each value (e.g. ``make_sequences(...).target_index``); by default the index
        of ``actual`` or ``predicted`` when it is a pandas object, else 0, 1, ...
    history : pandas Series, default=None
        Values before the forecast period, drawn in grey.
    title, ylabel : str, default=None
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.
    lower, upper : array-like, default=None
        Bounds of a prediction interval (e.g. from ``predict_interval``), shaded.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklstm.plotting import plot_forecast
    >>> ax = plot_forecast([1.0, 2.0, 3.0], [1.1, 1.9, 3.2], lower=[0.5, 1.4, 2.6],
    ...                    upper=[1.6, 2.5, 3.9])
    >>> len(ax.lines), len(ax.collections)
    (2, 1)
    """
    if predicted is None:
        raise ValueError("predicted: the forecasts to draw are required.")
    predicted, lower, upper = _split_forecast(predicted, lower, upper)
    values = _one_line("predicted", predicted)
    if index is None:
        source = actual if isinstance(actual, pd.Series) else predicted
        index = source.index if isinstance(source, pd.Series) else np.arange(len(values))
    if isinstance(index, pd.MultiIndex):
        raise ValueError(
            "index: a (series, time) MultiIndex holds several series; plot one series at a "
            "time, e.g. plot_forecast(predicted=frame.xs('Canberra', level=0))."
        )
    lines = {}
    for name, array in (("actual", actual), ("lower", lower), ("upper", upper)):
        if array is not None:
            lines[name] = _one_line(name, array)
            if len(lines[name]) != len(values):
                raise ValueError(
                    f"{name}: has {len(lines[name])} values but predicted has {len(values)}; "
                    "they must describe the same times."
                )
    plt = _pyplot("plot_forecast")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    if history is not None:
        ax.plot(history.index, np.asarray(history), color="0.6", label="history")
    if actual is not None:
        ax.plot(index, lines["actual"], label="actual", color="C0")
    ax.plot(index, values, label="forecast", color="C1")
    if lower is not None:
        ax.fill_between(index, lines["lower"], lines["upper"], color="C1", alpha=0.25,
                        label="interval")
    ax.set_title(title or "")
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend()
    return ax


def plot_training_history(estimator, ax=None, log=None):
    """Draw the training (and validation) loss of each epoch of a fitted estimator.

    Parameters
    ----------
    estimator : fitted sklstm estimator or pandas DataFrame
        An estimator with ``history_`` (or that frame itself): one row per epoch. Drawn:
        "train_loss" (mean over the epoch's batches while the weights move), "fit_loss"
        (the epoch's final weights on the whole training set) and, with early stopping,
        "valid_loss". The epoch whose weights were kept (the last best of the validation loss,
        else of the fit loss) is marked.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.
    log : bool, default=None
        Logarithmic loss axis; by default when the loss spans more than a factor of 20.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with the training (and validation) loss of every epoch.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklstm import LSTMForecaster
    >>> from sklstm.plotting import plot_training_history
    >>> X = np.sin(np.arange(300) / 5).reshape(-1, 10, 1)
    >>> model = LSTMForecaster(max_epochs=4, random_state=0).fit(X, X[:, -1, 0])
    >>> ax = plot_training_history(model)
    >>> ax.get_xlabel()
    'epoch'
    """
    history = estimator if isinstance(estimator, pd.DataFrame) else getattr(estimator, "history_", None)
    if history is None:
        raise ValueError(
            "estimator: has no history_; fit it first (or pass its history_ DataFrame)."
        )
    columns = [c for c in ("train_loss", "fit_loss", "valid_loss") if c in history]
    if not columns:
        raise ValueError(
            "estimator: its history has no 'train_loss' column; columns are "
            f"{list(history.columns)}."
        )
    plt = _pyplot("plot_training_history")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    for column in columns:
        ax.plot(history.index, history[column], label=column.replace("_", " "))
    best = _kept_epoch(history)
    if best is not None:
        ax.axvline(best, color="0.5", linestyle="--", label=f"kept (epoch {best})")
    losses = history[columns].to_numpy(dtype=float)
    losses = losses[np.isfinite(losses)]
    if log is None:
        log = losses.size > 0 and losses.min() > 0 and losses.max() / losses.min() > 20
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend()
    return ax


def _kept_epoch(history):
    """The epoch whose weights the fit restored: the last best validation, else fit, loss."""
    for flag in ("valid_loss_best", "fit_loss_best"):
        if flag in history:
            marked = history.index[history[flag].eq(True)]
            if len(marked):
                return marked[-1]
    return None
