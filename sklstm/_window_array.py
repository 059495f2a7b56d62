"""``WindowArray``: the windows of ``make_sequences``, remembering what they were cut from.

The names of the series' columns and the position of the forecast target travel with the
windows (through slicing, ``np.concatenate(...).view(WindowArray)`` and pickling), so that a
forecaster can record them in ``fit`` and ``forecast`` can check a series against them.
"""

import numpy as np


class WindowArray(np.ndarray):
    """A plain ndarray (usually a read-only view of windows) that remembers its column names.

    ``make_sequences`` labels its windows with the series' columns so that an estimator can
    record them in ``fit`` and ``forecast`` can refuse a series whose columns differ. Every
    numpy operation treats it as an ordinary array; the names are dropped as soon as the
    feature axis no longer matches them.
    """

    feature_names = None
    # Position of the forecast target among the features (``make_sequences(target=...)``).
    target_position = None
    # Season length of the series-state channels (the last five features, see
    # ``_series_state``) when ``make_sequences(season_length=...)`` appended them; else None.
    state_season = None
    # Number of series whose windows were interleaved in time order (a panel's
    # ``make_sequences``): that many consecutive windows share a time step, which is how
    # ``calibration_decay`` ages errors by time rather than by window.
    n_series = None

    def __array_finalize__(self, obj):
        self.feature_names = getattr(obj, "feature_names", None)
        self.target_position = getattr(obj, "target_position", None)
        self.state_season = getattr(obj, "state_season", None)
        self.n_series = getattr(obj, "n_series", None)

    def __repr__(self):
        return repr(self.view(np.ndarray))

    def __reduce__(self):
        constructor, args, state = super().__reduce__()
        return constructor, args, (state, self.feature_names, self.target_position,
                                   self.state_season, self.n_series)

    def __setstate__(self, state):
        array_state, self.feature_names, self.target_position, *rest = state
        rest = rest + [None] * (2 - len(rest))  # pickled before 0.3: fewer attributes
        self.state_season, self.n_series = rest
        super().__setstate__(array_state)


def window_feature_names(X):
    """Column names carried by windows from ``make_sequences``, when they still fit X."""
    names = getattr(X, "feature_names", None)
    if names is None or getattr(X, "ndim", 0) != 3 or len(names) != X.shape[2]:
        return None
    return names


def window_target_position(X):
    """Position of the target feature carried by windows from ``make_sequences``, if valid."""
    position = getattr(X, "target_position", None)
    if position is None or getattr(X, "ndim", 0) != 3 or not 0 <= position < X.shape[2]:
        return None
    return position


def window_state_season(X):
    """Season length of the series-state channels the windows carry, or None."""
    from ._series_state import N_CHANNELS

    season = getattr(X, "state_season", None)
    if season is None or getattr(X, "ndim", 0) != 3 or X.shape[2] <= N_CHANNELS:
        return None
    return int(season)


def from_make_sequences(X):
    """Whether X are windows of ``make_sequences`` (in time order, their series counted)."""
    return hasattr(X, "n_series")


def window_series_count(X):
    """How many series' windows share each time step in X (1 unless a panel's windows)."""
    count = getattr(X, "n_series", None)
    return int(count) if count else 1


def register_with_distributed():
    """Send windows to dask.distributed workers with their attributes.

    distributed serialises any ndarray subclass with its numpy serialiser, which rebuilds a
    plain ndarray: the windows would reach a worker without ``state_season`` (and the
    estimator would read the state channels as ordinary features). Pickling keeps them.
    Called when sklstm is imported if dask.distributed already is, else when it is
    imported (:func:`register_when_imported`).
    """
    import pickle

    try:
        from distributed.protocol import dask_deserialize, dask_serialize
    except Exception:  # not installed, or broken: nothing to register with
        return False

    @dask_serialize.register(WindowArray)
    def _serialize(windows):
        return {}, [pickle.dumps(windows, protocol=5)]

    @dask_deserialize.register(WindowArray)
    def _deserialize(header, frames):
        return pickle.loads(frames[0])

    return True


class _RegisterOnImport:
    """A ``sys.meta_path`` finder that lets ``distributed.protocol`` load as usual, then
    registers the windows' serialiser with it (once; the finder then leaves)."""

    def find_spec(self, name, path=None, target=None):
        if name != "distributed.protocol":
            return None
        import importlib.util
        import sys

        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def exec_and_register(module):
            exec_module(module)
            register_with_distributed()

        loader.exec_module = exec_and_register
        return spec


def register_when_imported():
    import sys

    if not any(isinstance(f, _RegisterOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _RegisterOnImport())
