"""Plot forecasts against the actual values (matplotlib, an optional dependency)."""

import numpy as np
import pandas as pd


def plot_forecast(actual, predicted, index=None, history=None, title=None, ylabel=None, ax=None):
    """Draw actual values, forecasts and (optionally) the history before them.

    Parameters
    ----------
    actual : array-like or pandas Series
        True values; a Series' index is the time axis unless ``index`` is given.
    predicted : array-like or pandas Series
        Forecasts of the same times.
    index : array-like, default=None
        Time of each value (e.g. ``make_sequences(...).target_index``).
    history : pandas Series, default=None
        Values before the forecast period, drawn in grey.
    title, ylabel : str, default=None
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklstm.plotting import plot_forecast
    >>> ax = plot_forecast([1.0, 2.0, 3.0], [1.1, 1.9, 3.2])
    >>> len(ax.lines)
    2
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plot_forecast needs matplotlib: pip install matplotlib") from exc
    if index is None:
        index = actual.index if isinstance(actual, pd.Series) else np.arange(len(actual))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    if history is not None:
        ax.plot(history.index, np.asarray(history), color="0.6", label="history")
    ax.plot(index, np.asarray(actual), label="actual", color="C0")
    ax.plot(index, np.ravel(np.asarray(predicted)), label="forecast", color="C1")
    ax.set_title(title or "")
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend()
    return ax
