"""Cut series into (history window, target) samples and choose the window an estimator sees.

Why this module is long: ``make_sequences`` (series -> windows, with the time-order and
``history=`` contract), ``pad_sequences`` and ``SequenceWindower`` (windows -> the window an
estimator sees) are the two halves of one contract about what a sample holds; their input
checks live in ``_validation`` and the time index rules in ``_time``.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from numbers import Integral

from ._panel import is_panel, iter_panel, level_names, panel_rows, series_index, time_order
from ._time import (
    check_history_adjacent,
    check_time_index,
    extend_back,
)
from ._validation import (
    SHAPE_ATTRIBUTES_DOC,
    as_3d,
    check_int_param,
    series_values,
    to_numpy_input,
    validate_sequences,
)
from ._series_state import CHANNELS, resolve_season_length, with_state
from ._lazy_windows import LazyWindows
from ._window_array import (WindowArray, window_feature_names, window_state_season,
                            window_target_position)

__all__ = ["Sequences", "SequenceWindower", "make_sequences", "pad_sequences"]


class Sequences(tuple):
    """The ``(X, y)`` pair returned by :func:`make_sequences`, with the time of every sample.

    It unpacks like a tuple (``X, y = make_sequences(...)``) and carries two indexes of length
    ``n_samples``:

    - ``origin``: the time (or position) of the last value of each window, the forecast origin;
    - ``target_index``: the time (or position) of the first target step of each sample, the
      index to put one-step predictions back on the time axis.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import make_sequences
    >>> days = pd.date_range("2024-01-01", periods=5, freq="D")
    >>> seq = make_sequences(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=days), window_length=3)
    >>> X, y = seq
    >>> X.shape, y.tolist()
    ((2, 3, 1), [4.0, 5.0])
    >>> seq.target_index.strftime("%m-%d").tolist()
    ['01-04', '01-05']
    """

    def __new__(cls, X, y, origin, target_index):
        self = super().__new__(cls, (X, y))
        self.origin = origin
        self.target_index = target_index
        return self

    def __reduce__(self):
        # tuple subclasses pickle (and copy) by their items only; keep the indexes too.
        return (type(self), (self[0], self[1], self.origin, self.target_index))

    def __repr__(self):
        return (f"Sequences(X shape={self[0].shape}, y shape={self[1].shape}, "
                f"target_index={self.target_index[:1].tolist()}..)")

    @property
    def X(self):
        return self[0]

    @property
    def y(self):
        return self[1]


def _panel_sequences(series, window_length, horizon, stride, history, target, series_id,
                     season_length, lazy):
    """make_sequences of every series of a panel, in time order, with (series, time) labels.

    The series' rows (with their state channels) go into one buffer, each window is the row
    it starts at, and the windows are gathered from it once in time order (or never, with
    ``lazy``: :class:`~sklstm._lazy_windows.LazyWindows`).
    """
    X, y, keys, sample_keys, origins, targets = panel_windows(
        series, window_length, horizon, stride, history, target, series_id, season_length)
    if not lazy:
        X, y = X.materialize(), y.materialize()
    names = level_names(series, series_id)
    return Sequences(X, y, series_index(keys, origins, names, sample_keys),
                     series_index(keys, targets, names, sample_keys))


def panel_windows(series, window_length, horizon, stride, history, target, series_id,
                  season_length):
    """A panel's lazy windows and targets in time order, the series' keys, each sample's
    series (a position in the keys), and the samples' origins and first target times."""
    window_length = check_int_param(window_length, "window_length")
    horizon = check_int_param(horizon, "horizon")
    stride = check_int_param(stride, "stride")
    if history is not None:
        raise ValueError(
            "history= completes the first windows of one series; with many series, pass the "
            "panel that holds both periods and select the samples by their origin."
        )
    # Each series is cut and its rows written into the one buffer at once, keeping only
    # where its windows are: the panel is never held twice (a buffer and the series' rows).
    cuts, keys, buffer, offsets = [], [], None, []
    parts = iter_panel(series, series_id)  # checks the panel's form first
    total = panel_rows(series, series_id)
    row = 0
    for key, part in parts:
        try:
            cut = _cut(part, window_length, horizon, stride, None, target, season_length)
        except ValueError as error:
            raise ValueError(f"series {key!r} of the panel: {error}") from None
        if buffer is None:
            buffer = np.empty((total, cut.rows.shape[1]), dtype=cut.rows.dtype)
        if cut.rows.shape[1] != buffer.shape[1]:
            raise ValueError(f"series {key!r} of the panel has {cut.rows.shape[1]} columns "
                             f"(with any state channels), the first series {buffer.shape[1]}; "
                             "every series needs the same columns.")
        common = np.result_type(buffer.dtype, cut.rows.dtype)
        if common != buffer.dtype:  # series of different dtypes (int and float): promote
            buffer = buffer.astype(common)
        buffer[row : row + len(cut.rows)] = cut.rows
        offsets.append(row)
        row += len(cut.rows)
        cut.rows = cut.values = None
        cuts.append(cut)
        keys.append(key)
    if not cuts:
        raise ValueError("series holds no series (the panel is empty).")
    buffer = buffer[:row]
    seasons = {cut.season for cut in cuts}
    if len(seasons) > 1:
        raise ValueError(
            f"season_length={season_length!r} resolved to different seasons {sorted(map(str, seasons))} "
            "for the series of the panel (their time indexes differ in frequency); pass "
            "season_length as an int, or None.")
    buffer.flags.writeable = False
    starts = np.concatenate([np.arange(offset, offset + cut.n_all, cut.stride)
                             for offset, cut in zip(offsets, cuts)])
    origins, targets = _sample_times(cuts)
    order = time_order(origins)
    counts = [len(range(0, cut.n_all, cut.stride)) for cut in cuts]
    sample_keys = np.repeat(np.arange(len(cuts)), counts)[order]

    target_col = cuts[0].target_col
    starts = starts[order]
    X = LazyWindows(buffer, starts, window_length)
    # The targets follow each window: the same starts, read window_length rows on.
    y = LazyWindows(buffer, starts, horizon, target_col, squeeze=True, offset=window_length)
    names = cuts[0].names
    X.feature_names = names if all(cut.names == names for cut in cuts) else None
    X.target_position = target_col
    X.state_season = seasons.pop()
    X.n_series = len(cuts)
    return X, y, keys, sample_keys, origins[order], targets[order]


def _sample_times(cuts):
    """The origins and first target times of every cut's samples, concatenated.

    Taken from each distinct index at once (the series of a wide frame share one), not as
    one index object per series.
    """
    pieces = []
    for cut in cuts:
        if not pieces or pieces[-1][0] is not cut.index:
            pieces.append((cut.index, []))
        shift = cut.n_history if cut.index is None else 0  # positions count from the series
        pieces[-1][1].append(cut.first - shift + np.arange(0, cut.n_all, cut.stride))
    origins, targets = [], []
    for index, parts in pieces:
        where = np.concatenate(parts)
        if index is None:  # positions
            origins.append(pd.Index(where))
            targets.append(pd.Index(where + 1))
        else:
            origins.append(index.take(where))
            targets.append(index.take(where + 1))
    return origins[0].append(origins[1:]), targets[0].append(targets[1:])


class _Cut:
    """One series cut into windows, before the windows exist: ``rows`` (n_times, features
    [+ state channels]); window ``i`` starts at row ``i * stride``, ``i < n_all / stride``,
    and its origin is ``index[first + i * stride]`` (a position when ``index`` is None)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    @property
    def origin(self):
        if self.index is None:
            return pd.RangeIndex(self.first - self.n_history,
                                 self.first - self.n_history + self.n_all, self.stride)
        return self.index[self.first : self.first + self.n_all : self.stride]

    @property
    def target_index(self):
        if self.index is None:
            return self.origin + 1
        return self.index[self.first + 1 : self.first + 1 + self.n_all : self.stride]


def _target_column(columns, n_columns, target):
    shown = columns if columns is not None else list(range(n_columns))
    if target is None:
        if n_columns > 1:
            raise ValueError(
                f"series has {n_columns} columns {shown[:5]}; name the one to forecast "
                "with target=<column name or position>."
            )
        return 0
    if columns is not None and target in columns:
        return columns.index(target)
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool) and (
        -n_columns <= target < n_columns
    ):
        return int(target) % n_columns
    raise ValueError(f"target={target!r} is not a column of series; columns are {shown}.")


def _align_history(history, values, index, columns):
    """History values in the column order of the series, and their index, after the checks."""
    hist_values, hist_index, hist_columns = series_values(history, "history")
    if hist_values.shape[1] != values.shape[1]:
        raise ValueError(
            f"history has {hist_values.shape[1]} columns but series has {values.shape[1]}; "
            "they must hold the same features."
        )
    if columns is not None and hist_columns is not None and values.shape[1] > 1:
        # Join by name, never by position: swapped columns would give wrong windows.
        if set(hist_columns) != set(columns) or len(set(columns)) != len(columns):
            raise ValueError(
                f"history's columns {hist_columns[:5]} do not match series' columns "
                f"{columns[:5]}; both need the same column names."
            )
        order = [hist_columns.index(c) for c in columns]
        hist_values = hist_values[:, order]
    if index is not None and hist_index is not None:
        check_history_adjacent(hist_index, index)
    return hist_values, hist_index


def make_sequences(series, window_length, horizon=1, stride=1, history=None, target=None,
                   series_id=None, season_length="auto", lazy=False):
    """Cut a series into windows of history and the values that follow them.

    Parameters
    ----------
    series : pandas Series or DataFrame, or array-like of shape (n_times,) or (n_times, n_features)
        Time-ordered values, oldest first. Several columns are several features per step.
    window_length : int
        Number of steps in each window of history.
    horizon : int, default=1
        Number of steps to predict after each window.
    stride : int, default=1
        Distance in steps between the origins of consecutive samples.
    history : same type as ``series``, default=None
        Data immediately preceding ``series``. Its last ``window_length`` rows are put in front
        of ``series`` so that every target in ``series`` gets a complete window (use the
        training series as the history of the test series).
    target : column label or int, default=None
        Column to forecast when ``series`` has several columns.
    series_id : "columns", column label or None, default=None
        Many series at once (a panel), cut series by series so that no window holds values
        of two series: "columns" reads a wide DataFrame (one column per series); a column
        label reads a long DataFrame whose rows of each value of that column form one
        series. A Series/DataFrame with a (series, ..., time) MultiIndex is a panel without
        it. The samples of all series come in time order (by origin; series order at a tie)
        and their ``origin``/``target_index`` are (series, time) MultiIndexes. The windows of
        a panel are copied (once, into one array), unless ``lazy``.
    season_length : "auto", int >= 1 or None, default="auto"
        Carry each series' state in the windows, so that a forecaster can use what the whole
        series says and a window of 2H steps cannot: five channels appended after the
        series' features (``season_factor``, ``season_offset``, ``level``, ``level_lead``,
        ``level_drift``): the classical decomposition's seasonal indices of a series whose
        season is significant, and the Theta method's level and trend of the
        season-adjusted target, step by step. :class:`LSTMForecaster` takes the season out
        with them and combines its forecast with the Theta forecast (see its ``scaling``).
        An int is the season's steps (12 for months, 24 for hours; 1: no season, the level
        and trend only); "auto": the season of a time index's frequency when the windows
        hold one season (monthly, quarterly, weekly, daily, hourly), else None; None:
        plain windows of the series' own features. The windows then are a copy.
    lazy : bool, default=False
        For a panel: keep one buffer of the series' values (and state channels) and cut each
        window from it when it is used, instead of copying every window (``window_length``
        times the panel). ``X`` and ``y`` are then lazy windows: the forecasters'
        ``fit``, ``predict`` and the intervals take them batch by batch, slices stay lazy,
        and anything else (``np.asarray``, arithmetic) gathers the windows it touches. For
        panels too large to hold as windows (``sklstm.distributed.fit_distributed`` cuts
        each worker's windows this way). Ignored for a single series, whose windows are
        views already.

    Returns
    -------
    sequences : Sequences
        Unpacks as ``(X, y)``. ``X`` has shape ``(n_samples, window_length, n_features)`` and is
        a read-only view on the series (no window is copied: editing the series in place
        afterwards changes the windows); ``y`` is a copy of the targets (it never changes
        afterwards), of shape ``(n_samples,)`` for ``horizon=1``, else
        ``(n_samples, horizon)``. ``sequences.origin`` and
        ``sequences.target_index`` give the time of each sample's last input and first target.

    Notes
    -----
    Without ``history`` there are ``(n_times - window_length - horizon) // stride + 1`` samples;
    with it, ``(n_times - horizon) // stride + 1``. Sample ``i`` uses rows
    ``[o - window_length + 1, o]`` as input and rows ``[o + 1, o + horizon]`` as target, where
    ``o`` is its origin: no window holds a value at or after its target's time.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import make_sequences
    >>> X, y = make_sequences(np.arange(6.0), window_length=3)
    >>> X[:, :, 0]
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y
    array([3., 4., 5.])
    """
    window_length = check_int_param(window_length, "window_length")
    horizon = check_int_param(horizon, "horizon")
    stride = check_int_param(stride, "stride")
    if not isinstance(lazy, (bool, np.bool_)):
        raise TypeError(f"lazy must be True or False; got {lazy!r}.")
    if is_panel(series, series_id):
        return _panel_sequences(series, window_length, horizon, stride, history, target,
                                series_id, season_length, bool(lazy))
    cut = _cut(series, window_length, horizon, stride, history, target, season_length)
    n_all = cut.n_all
    rows = cut.rows.view()
    rows.flags.writeable = False
    windows = np.lib.stride_tricks.sliding_window_view(rows, window_length, axis=0)
    X = windows.transpose(0, 2, 1)[:n_all:stride].view(WindowArray)
    # Column names travel with the windows so that forecast() can check them later.
    X.feature_names = cut.names
    X.target_position = cut.target_col
    X.state_season = cut.season

    target_values = cut.values[:, cut.target_col]
    # The targets are copied (once, the size of the target column): labels must not change
    # when the caller later edits the series in place. The windows stay views (copying
    # them would cost window_length times the series).
    if horizon == 1:
        y = target_values[window_length : window_length + n_all : stride].copy()
    else:
        y = np.lib.stride_tricks.sliding_window_view(target_values, horizon)[
            window_length : window_length + n_all : stride
        ].copy()
    return Sequences(X, y, cut.origin, cut.target_index)


def _cut(series, window_length, horizon, stride, history, target, season_length):
    """Validate one series and say where its windows are (see :class:`_Cut`)."""
    values, index, columns = series_values(series, "series")
    target_col = _target_column(columns, values.shape[1], target)

    n_history = 0
    all_values = values  # the whole data the series state is computed from
    if history is not None:
        hist_values, hist_index = _align_history(history, values, index, columns)
        all_values = np.concatenate([hist_values.astype(values.dtype, copy=False), values])
        if hist_values.shape[0] < window_length:
            raise ValueError(
                f"history has {hist_values.shape[0]} rows but window_length={window_length} "
                f"needs at least {window_length} to complete the first windows of series."
            )
        n_history = window_length
        hist_tail = hist_values[-n_history:]
        # Only this concatenation copies (once, the size of the series), never the windows.
        values = np.concatenate([hist_tail.astype(values.dtype, copy=False), values])
        if index is not None:
            # The series' own timestamps are kept whatever history carries; a numpy history
            # is labelled with the steps before the series.
            before = (
                hist_index[-n_history:]
                if hist_index is not None
                else extend_back(index, n_history, "series")
            )
            index = before.append(index)

    n_times = values.shape[0]
    n_all = n_times - window_length - horizon + 1
    if n_all < 1:
        available = n_times - n_history
        raise ValueError(
            f"series has {available} rows{' plus ' + str(n_history) + ' of history' if n_history else ''}"
            f", too short for window_length={window_length} and horizon={horizon} (needs at "
            f"least {window_length + horizon - n_history} rows). Shorten the window or pass "
            "more data."
        )
    season = resolve_season_length(season_length, index, window_length)
    names = None if columns is None else tuple(columns)
    state_values = values
    if season is not None:
        # The state of the whole history and series (a test series completed by its
        # training history has the state the training windows had), on the rows cut here.
        state_values = with_state(all_values, target_col, season)[-len(values):]
        names = None if names is None else names + CHANNELS
    # Slices and ranges, not gathered arrays: the indexes cost no memory per sample either.
    return _Cut(rows=state_values, values=values, stride=stride, n_all=n_all,
                target_col=target_col, names=names, season=season, index=index,
                first=window_length - 1, n_history=n_history)


def pad_sequences(sequences, length=None, padding="post"):
    """Stack sequences of different lengths into one NaN-padded 3-D array.

    Parameters
    ----------
    sequences : iterable of array-like of shape (n_timesteps_i,) or (n_timesteps_i, n_features)
        The sequences, each time-ordered; pandas objects are taken by value.
    length : int or None, default=None
        Steps of the output; None: the longest sequence. Longer sequences are refused.
    padding : {"post", "pre"}, default="post"
        Put the NaN padding after (post) or before (pre) each sequence.

    Returns
    -------
    ndarray of shape (n_sequences, length, n_features)
        The input of :class:`sklstm.SequenceClassifier` for variable-length data.

    Examples
    --------
    >>> from sklstm import pad_sequences
    >>> pad_sequences([[1.0, 2.0], [3.0]])[:, :, 0]
    array([[ 1.,  2.],
           [ 3., nan]])
    """
    if padding not in ("post", "pre"):
        raise ValueError(f"padding must be 'post' or 'pre'; got {padding!r}.")
    arrays = []
    for i, seq in enumerate(sequences):
        values = np.asarray(seq.to_numpy() if hasattr(seq, "to_numpy") else seq, dtype=float)
        values = values[:, np.newaxis] if values.ndim == 1 else values
        if values.ndim != 2 or values.shape[0] == 0:
            raise ValueError(
                f"sequence {i} must be a non-empty (n_timesteps,) or (n_timesteps, n_features) "
                f"array; got shape {values.shape}."
            )
        arrays.append(values)
    if not arrays:
        raise ValueError("sequences is empty; pass at least one sequence.")
    n_features = {a.shape[1] for a in arrays}
    if len(n_features) > 1:
        raise ValueError(f"sequences have different numbers of features: {sorted(n_features)}.")
    longest = max(a.shape[0] for a in arrays)
    length = longest if length is None else check_int_param(length, "length")
    if longest > length:
        raise ValueError(f"a sequence has {longest} steps, more than length={length}.")
    out = np.full((len(arrays), length, n_features.pop()), np.nan)
    for i, a in enumerate(arrays):
        if padding == "post":
            out[i, : a.shape[0]] = a
        else:
            out[i, length - a.shape[0] :] = a
    return out


class SequenceWindower(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Give an estimator the last ``window_length`` steps of each sequence.

    Put it in front of a forecaster in a Pipeline so that the window length becomes an
    ordinary hyper-parameter: cut the longest window once with :func:`make_sequences`, and let
    ``GridSearchCV`` try shorter ones (``sequencewindower__window_length``). Outputs are views.

    Parameters
    ----------
    window_length : int or None, default=None
        Number of most recent steps to keep; None keeps them all.
    stride : int, default=1
        Keep every ``stride``-th step, counted back from the most recent one (which is always
        kept).
    features : list of int or None, default=None
        Positions of the features (last axis of 3-D X) to keep; None keeps them all.

    Attributes
    ----------
    {shape_attributes}

    Notes
    -----
    ``set_output(transform="pandas")`` gives a DataFrame for 2-D output (one column per kept
    step, named by :meth:`get_feature_names_out`); 3-D output stays an array, as pandas has
    no 3-D container, so a whole pipeline can be switched to pandas output.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import SequenceWindower
    >>> X = np.arange(12.0).reshape(2, 6)
    >>> SequenceWindower(window_length=3).fit_transform(X)
    array([[ 3.,  4.,  5.],
           [ 9., 10., 11.]])
    """

    _parameter_constraints = {
        "window_length": [Interval(Integral, 1, None, closed="left"), None],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "features": ["array-like", None],
    }

    def __init__(self, window_length=None, *, stride=1, features=None):
        self.window_length = window_length
        self.stride = stride
        self.features = features

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the shape of X and check that the window fits in it."""
        X = validate_sequences(self, X, reset=True, allow_nan=True, dtype="numeric")
        self._check_window(as_3d(X))
        return self

    def _check_window(self, X3):
        if self.window_length is not None and self.window_length > X3.shape[1]:
            raise ValueError(
                f"window_length={self.window_length} is longer than the {X3.shape[1]} time "
                f"steps of X (shape {X3.shape}); cut longer histories with make_sequences or "
                "choose a shorter window."
            )
        if self.features is not None:
            features = np.asarray(self.features)
            if features.ndim != 1 or features.dtype.kind not in "iu" or features.size == 0:
                raise TypeError(
                    f"features must be a non-empty list of integer positions; got {self.features!r}."
                )
            if features.min() < -X3.shape[2] or features.max() >= X3.shape[2]:
                raise ValueError(
                    f"features={self.features!r} refers to positions outside the {X3.shape[2]} "
                    "features of X."
                )

    def _kept_steps(self, n_steps):
        window = n_steps if self.window_length is None else self.window_length
        # Start so that the most recent step is always among the kept ones.
        start = n_steps - window + (window - 1) % self.stride
        return np.arange(n_steps)[start :: self.stride]

    def transform(self, X):
        """Return the last ``window_length`` steps (every ``stride``-th) of each sequence."""
        check_is_fitted(self)
        names = window_feature_names(X)
        target = window_target_position(X)
        season = window_state_season(X)
        index = X.index if isinstance(X, pd.DataFrame) else None
        X = validate_sequences(self, X, reset=False, allow_nan=True, dtype="numeric")
        is_2d, X3 = X.ndim == 2, as_3d(X)
        steps = self._kept_steps(X3.shape[1])
        Xt = X3[:, steps[0] :: self.stride]
        if season is not None and self.features is None and (
                self.stride != 1 or Xt.shape[1] < season):
            raise ValueError(
                f"X carries its series' state (make_sequences(season_length=...), season "
                f"{season}): the kept steps must be consecutive (stride=1; got "
                f"{self.stride}) and hold one season ({Xt.shape[1]} kept). Keep at least "
                f"{season} steps, or cut the windows with season_length=None.")
        if self.features is not None:
            season = None  # a selection of features: plain windows
            Xt = Xt[:, :, np.asarray(self.features)]
            kept = (np.asarray(self.features) % X3.shape[2]).tolist()
            names = None if names is None else tuple(np.asarray(names, dtype=object)[kept])
            target = kept.index(target) if target in kept else None
        if is_2d and Xt.shape[2] == 1:
            Xt = Xt[:, :, 0]
            if _get_output_config("transform", self)["dense"] == "pandas":
                return pd.DataFrame(Xt, columns=self.get_feature_names_out(), index=index)
            return Xt
        if names is not None or target is not None or season is not None:
            Xt = Xt.view(WindowArray)
            Xt.feature_names, Xt.target_position = names, target
            Xt.state_season = season
        return Xt

    def get_feature_names_out(self, input_features=None):
        """Names of the kept time steps (the columns of 2-D output).

        The input's column names when fit on a DataFrame, else ``"t-k"`` for the step ``k``
        steps before the most recent one (``"t-0"``).
        """
        check_is_fitted(self)
        steps = self._kept_steps(self.n_timesteps_in_)
        names = getattr(self, "feature_names_in_", None)
        if input_features is not None:
            names = np.asarray(input_features, dtype=object)
            if len(names) != self.n_timesteps_in_:
                raise ValueError(
                    f"input_features has {len(names)} names but X had "
                    f"{self.n_timesteps_in_} time steps in fit."
                )
        if names is None:
            last = self.n_timesteps_in_ - 1
            return np.asarray([f"t-{last - k}" for k in steps], dtype=object)
        return np.asarray(names, dtype=object)[steps]

    def set_output(self, *, transform=None):
        """Choose the container of 2-D output: "default" (arrays) or "pandas".

        Parameters
        ----------
        transform : {"default", "pandas"} or None, default=None
            None leaves the setting unchanged.

        Returns
        -------
        self : object
        """
        if transform is None:
            return self
        if transform not in ("default", "pandas"):
            raise ValueError(
                f"transform={transform!r} is not supported by SequenceWindower; use "
                "'default' or 'pandas'."
            )
        # The attribute sklearn's own set_output uses: clone() and set_config() honour it.
        self._sklearn_output_config = {"transform": transform}
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


SequenceWindower.__doc__ = SequenceWindower.__doc__.replace(
    "    {shape_attributes}\n", SHAPE_ATTRIBUTES_DOC)
