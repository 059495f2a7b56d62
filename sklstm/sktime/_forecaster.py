"""sklstm's LSTM/GRU forecasters as sktime forecasters (``BaseForecaster``).

One network is trained over the windows of every series of ``y`` (a single series, a panel or
a hierarchy: a global model). Each window holds ``window_length`` past rows of the target and
of the exogenous columns; the network predicts the next ``horizon`` target values at once.
Steps beyond ``horizon`` are forecast recursively: the predictions are appended to the history
(with the exogenous values ``predict`` is given for those steps) and the network is applied
again.

One engine: the windows (with each series' state: season, Theta level and trend) are
``make_sequences``', the network, the season adjustment and the combination with the Theta
forecast are ``sklstm.LSTMForecaster``'s, and the recursion is ``forecast()``'s
(``_series_forecast.forecast_paths``). This adapter converts sktime's containers and its
forecasting horizon, resolves the "auto" window and season from ``y``, and checks the
exogenous data sktime passes.

Why this module is long: sktime's forecasting-horizon bookkeeping (each series of a panel
forecast from its own end, exogenous rows for recursive steps, intervals per coverage) and
the numpydoc documentation.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import StrOptions, validate_parameter_constraints
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from .. import forecasting as _core
from .._heads import HEADS
from .._panel import series_index, split_panel
from .._time import IrregularTimeIndexWarning
from .._params import IntInterval, Param, ParamSet, declare
from .._series_forecast import forecast_paths, input_windows
from .._window_array import WindowArray
from ..seasonal import infer_season_length
from ..windowing import make_sequences

__all__ = ["ADAPTER_PARAMS", "GRUForecaster", "LSTMForecaster"]

# The adapter's own parameters: how series become windows and back.
_SERIES_PARAMS = ParamSet(
    Param("window_length", "auto", [StrOptions({"auto"}), IntInterval(1, None, closed="left")],
          '"auto" or int',
          """Past steps in each input window. "auto": twice the horizon and at least one
          season (so that the windows carry the season), shortened to what the shortest
          series allows (a window and ``horizon`` targets) but never below 2."""),
    Param("horizon", None, [IntInterval(1, None, closed="left"), None], "int or None",
          """Steps the network predicts at once. None: the largest step of the ``fh`` given
          to ``fit`` (1 when ``fit`` gets no ``fh``)."""),
    Param("season_length", "auto",
          [StrOptions({"auto"}), IntInterval(1, None, closed="left"), None],
          '"auto", int >= 1 or None',
          """The series' state the windows carry (``make_sequences(season_length=...)``):
          each series' seasonal indices (when its season is significant) and its Theta
          level and trend; the core forecaster takes the season out with them and combines
          its forecast with the Theta forecast. "auto": the season of the index's frequency
          (12 for months, 4 for quarters, 7 for days, 24 for hours) when the windows hold
          it, else 1 (the level and trend only); None: plain windows (the network alone)."""),
    Param("update_strategy", "refit", [StrOptions({"refit", "continue"})],
          '{"refit", "continue"}',
          """What ``update(y_new, update_params=True)`` does: "refit" trains a new network on
          all data seen so far; "continue" keeps training the fitted network (warm start,
          same scaling) on all data seen so far, which is cheaper. With
          ``update_params=False`` only the cutoff moves: forecasts start from the new
          data."""),
)

# The core forecaster's parameters, passed through unchanged with the core's defaults, but
# for ``warm_start`` (the adapter drives it through ``update_strategy``) and
# ``season_length`` (the adapter's own, above: the windows' state, which also feeds the
# core's per-window seasonal scaling).
_CORE_PARAMS = _core.FORECASTER_PARAMS.without("warm_start", "season_length")
ADAPTER_PARAMS = _SERIES_PARAMS + _CORE_PARAMS

_PANEL_MTYPES = ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"]


def _instances(frame):
    """``[(key, frame_of_one_series), ...]``; key None for a single series."""
    if isinstance(frame.index, pd.MultiIndex):
        return split_panel(frame, None)
    return [(None, frame)]


def _joined(y, X):
    """y's column first, then X's columns, on y's index (X must cover it)."""
    if X is None or X.shape[1] == 0:
        return y.copy()
    X = X.reindex(y.index)
    if X.isna().to_numpy().any():
        raise ValueError(
            "X does not cover every time point of y (or holds NaN there); pass exogenous "
            "values for each row of y."
        )
    return pd.concat([y, X], axis=1)


_SUMMARY = """sklstm's recurrent forecaster (LSTM cells by default) as an sktime forecaster.

    A direct multi-step network on windows of ``window_length`` past values (of ``y`` and of
    the exogenous ``X``) forecasting ``horizon`` steps at once; longer horizons are forecast
    recursively. Panel and hierarchical ``y`` train one global model over all series. By
    default each series' seasonal profile is taken out first and put back on the forecasts
    (``season_length``), and each window is scaled by its own level and spread
    (``scaling="window"``), so that one model serves series of any level, season and trend.
    The network is
    :class:`sklstm.LSTMForecaster`; its parameters are listed below unchanged.

"""


@declare(ADAPTER_PARAMS, keyword_only=False, after="_after_init", summary=_SUMMARY,
         sections="""
    Attributes
    ----------
    estimator_ : sklstm.LSTMForecaster
        The fitted network.
    window_length_ : int
        The window length used ("auto" resolved).
    season_length_ : int or None
        The season of the state the windows carry (1: level and trend only; None: none).
    horizon_ : int
        Steps the network predicts at once.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm.sktime import LSTMForecaster
    >>> y = pd.Series(np.sin(np.arange(120) / 4), index=pd.RangeIndex(120))
    >>> forecaster = LSTMForecaster(window_length=12, hidden_size=8, max_epochs=20,
    ...                             random_state=0)
    >>> forecaster.fit(y, fh=[1, 2, 3]).predict().shape
    (3,)
""")
class LSTMForecaster(BaseForecaster):
    _tags = {
        "authors": ["sklstm"],
        "y_inner_mtype": _PANEL_MTYPES,
        "X_inner_mtype": _PANEL_MTYPES,
        # Multivariate y is forecast column by column (sktime vectorises).
        "scitype:y": "univariate",
        "capability:exogenous": True,
        "requires-fh-in-fit": False,
        "X-y-must-have-same-index": True,
        "capability:missing_values": False,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "capability:update": True,
        "python_dependencies": ["torch", "skorch"],
    }
    # Forecasts start from the last window of the data seen, and update() retrains on all of
    # it: the data must be remembered whatever sktime's default becomes.
    _config = {"remember_data": True}

    _core_class = _core.LSTMForecaster

    def _after_init(self):
        with warnings.catch_warnings():
            # sktime warns that remember_data's default will change; it is set above.
            warnings.filterwarnings("ignore", message=".*remember_data", category=FutureWarning)
            BaseForecaster.__init__(self)
        # Intervals come from a probabilistic head, or are calibrated on windows held out of
        # training (split conformal).
        self.set_tags(**{"capability:pred_int": self.calibration_fraction is not None
                         or self.criterion in HEADS})

    # -- fitting ------------------------------------------------------------------------------
    def _check_params(self):
        # The same constraints, and the same messages, as every sklstm estimator.
        validate_parameter_constraints(self._parameter_constraints,
                                       self.get_params(deep=False),
                                       caller_name=type(self).__name__)

    def _fit(self, y, X, fh):
        self._check_params()
        if not self.get_config()["remember_data"]:
            raise ValueError(
                f"{type(self).__name__} forecasts from the last window of the data it has "
                "seen and needs sktime's remember_data config; leave it True."
            )
        if self.horizon is not None:
            self.horizon_ = int(self.horizon)
        elif fh is not None:
            self.horizon_ = int(np.max(fh.to_relative(self.cutoff)))
        else:
            self.horizon_ = 1
        self.window_length_, self.season_length_ = self._window_settings(y)
        windows, targets = self._training_windows(y, X)
        self.estimator_ = self._core_class(
            season_length=self.season_length_ if self.season_length_ != 1 else None,
            **{name: getattr(self, name) for name in _CORE_PARAMS.names})
        self.estimator_.fit(windows, targets)
        return self

    def _window_settings(self, y):
        """``(window_length_, season_length_)``: "auto" resolved from y (see the parameters)."""
        lengths = [part.shape[0] for _, part in _instances(y)]
        shortest = min(lengths)
        season = self.season_length
        if season == "auto":
            times = y.index.get_level_values(-1) if isinstance(y.index, pd.MultiIndex) \
                else y.index
            first = _instances(y)[0][1].index
            first = first.get_level_values(-1) if isinstance(first, pd.MultiIndex) else first
            season = infer_season_length(first if len(first) >= 3 else times) or 1
        if self.window_length == "auto":
            length = max(2 * self.horizon_, season or 1)
            length = max(2, min(length, shortest - self.horizon_))
        else:
            length = int(self.window_length)
        if self.season_length == "auto" and season > length:
            season = 1  # the windows cannot hold the season: level and trend only
        return length, season

    def _training_windows(self, y, X):
        """The core's windows of every series (``make_sequences``: in time order, never
        across two series, with the series' state), y's column first."""
        length, horizon = self.window_length_, self.horizon_
        joined = _joined(y, X)
        for key, part in _instances(joined):
            if part.shape[0] < length + horizon:
                where = "" if key is None else f" (series {key!r})"
                raise ValueError(
                    f"y has {part.shape[0]} time points{where}, fewer than window_length "
                    f"+ horizon = {length} + {horizon}; pass a longer series or lower "
                    "window_length / the forecasting horizon."
                )
        # Positions, not names: y's and X's columns may share a name.
        joined = joined.set_axis([f"column {i}" for i in range(joined.shape[1])], axis=1)
        with warnings.catch_warnings():
            # sktime has validated the index; its spacing is the user's own.
            warnings.simplefilter("ignore", IrregularTimeIndexWarning)
            windows, targets = make_sequences(joined, length, horizon=horizon,
                                              target="column 0",
                                              season_length=self.season_length_)
        # The target is column 0 of every window: scaling="window" puts y in its frame.
        windows.feature_names = None
        return windows, np.asarray(targets).reshape(len(windows), horizon)

    def _update(self, y, X=None, update_params=True):
        if not update_params:
            return self
        if self.update_strategy == "refit":
            return self._fit(self._y, self._X, self._fh)
        windows, targets = self._training_windows(self._y, self._X)
        self.estimator_.set_params(warm_start=True)
        try:
            self.estimator_.fit(windows, targets)
        finally:
            self.estimator_.set_params(warm_start=False)
        return self

    # -- forecasting ----------------------------------------------------------------------------
    def _check_exogenous(self, X):
        """X given to predict has the columns fit saw (by name, in order)."""
        if X is None or X.shape[1] == 0:
            return
        if self._X is None or self._X.shape[1] == 0:
            warnings.warn(
                f"X was passed to predict, but {type(self).__name__} was fitted without "
                "exogenous X: it is ignored. Fit with X to use it.", UserWarning, stacklevel=3)
            return
        if list(X.columns) != list(self._X.columns):
            raise ValueError(
                f"X has columns {list(X.columns)} but the forecaster was fitted with "
                f"{list(self._X.columns)} (in this order); pass the exogenous columns fit saw."
            )

    def _forecast_inputs(self, fh, X):
        """Per series: key, history rows, the steps of fh from its own end, future X."""
        self._check_exogenous(X)
        times = fh.to_absolute_index(self.cutoff)
        keys, histories, steps, futures = [], [], [], []
        for key, part in _instances(_joined(self._y, self._X)):
            # Each series is forecast from its own last time point: in an unequal-length
            # panel the steps to a target time differ from series to series.
            if part.shape[0] < self.window_length_:
                raise ValueError(
                    f"series {key!r} has {part.shape[0]} time points; forecasting needs the "
                    f"last window_length={self.window_length_}."
                )
            own = ForecastingHorizon(times, is_relative=False, freq=fh.freq)
            own_steps = np.asarray(own.to_relative(part.index[-1:]), dtype=int)
            keys.append(key)
            histories.append(part.to_numpy(dtype=float))
            steps.append(own_steps)
            futures.append(self._future_exogenous(key, X, part.index[-1:], own_steps, fh.freq))
        self._warn_of_early_ends(keys, steps, times)
        return times, keys, histories, steps, futures

    def _warn_of_early_ends(self, keys, steps, times):
        """sktime counts fh from the panel's latest time point: a series that ends earlier
        is forecast from its own end, further ahead than fh says. Say so, once per call:
        a panel indexed by position (series of different lengths all starting at 0) is
        almost always meant to be forecast from each series' own end instead."""
        late = [(key, int(own.min()) - 1) for key, own in zip(keys, steps) if own.min() > 1]
        if not late or keys == [None]:
            return
        worst = max(late, key=lambda item: item[1])
        warnings.warn(
            f"{len(late)} of the panel's {len(keys)} series end before its latest time point "
            f"(series {worst[0]!r} by {worst[1]} steps): their forecasts for {times[0]} .. "
            f"{times[-1]} start that many steps after their own end. To forecast each series "
            "from its own end, index every series so that they all end at the same time "
            "point (e.g. positions counted back from each series' end).",
            UserWarning, stacklevel=4,
        )

    def _output_index(self, times, keys):
        if keys == [None]:
            return times
        return series_index([key for key in keys for _ in times], list(times) * len(keys),
                            self._y.index.names)

    def _predict(self, fh, X):
        times, keys, histories, steps, futures = self._forecast_inputs(fh, X)
        n_steps = max(int(own.max()) for own in steps)
        paths = self._recursive_paths(histories, futures, n_steps)
        values = np.concatenate([path[own - 1] for path, own in zip(paths, steps)])
        return pd.DataFrame(values, index=self._output_index(times, keys),
                            columns=self._y.columns)

    def _direct_outputs(self, fh, X, what, answer):
        """Per series and step of ``fh``, the columns ``answer(windows)`` gives for the
        network's direct steps (each ``(n_series, horizon)``): intervals, quantiles and
        variances come from the core forecaster, for the steps it forecasts at once."""
        times, keys, histories, steps, _ = self._forecast_inputs(fh, X)
        furthest = max(int(own.max()) for own in steps)
        if furthest > self.horizon_:
            raise ValueError(
                f"{what} are calibrated for the network's {self.horizon_} direct steps, but "
                f"fh reaches {furthest} steps ahead; fit with an fh (or horizon) that covers "
                "every step you want them for."
            )
        windows = input_windows(self.estimator_, histories).view(WindowArray)
        columns = {}
        for label, values in answer(windows):
            values = values.reshape(len(histories), self.horizon_)
            columns[label] = np.concatenate([row[own - 1] for row, own in zip(values, steps)])
        # Tuple labels give sktime's MultiIndex columns.
        return pd.DataFrame(columns, index=self._output_index(times, keys))

    def _predict_interval(self, fh, X, coverage):
        name = self._get_varnames()[0]

        def answer(windows):
            for c in coverage:
                lower, upper = self.estimator_.predict_interval(windows, coverage=c)
                yield (name, c, "lower"), lower
                yield (name, c, "upper"), upper

        return self._direct_outputs(fh, X, "prediction intervals", answer)

    def _predict_quantiles(self, fh, X, alpha):
        name = self._get_varnames()[0]

        def answer(windows):
            values = self.estimator_.predict_quantiles(windows, quantiles=list(alpha))
            values = values.reshape(values.shape[0], -1, len(alpha))
            for j, a in enumerate(alpha):
                yield (name, a), values[..., j]

        return self._direct_outputs(fh, X, "quantiles", answer)

    def _predict_var(self, fh, X=None, cov=False):
        if cov:
            raise NotImplementedError(
                "sklstm forecasts each step's variance, not covariances between steps; "
                "call predict_var(cov=False).")
        name = self._get_varnames()[0]
        return self._direct_outputs(
            fh, X, "variances", lambda windows: [(name, self.estimator_.predict_var(windows))])

    def _future_exogenous(self, key, X, end, steps, freq):
        """Exogenous rows for the steps the recursion feeds back (None without X)."""
        n_exog = self._joined_width() - 1
        n_steps = int(steps.max())
        if n_exog == 0 or n_steps <= self.horizon_:
            return None  # one pass of the network covers fh: no exogenous value is fed back
        future_times = ForecastingHorizon(
            np.arange(1, n_steps + 1), is_relative=True, freq=freq
        ).to_absolute_index(end)
        if X is None:
            raise ValueError(
                f"forecasting {n_steps} steps with a network of horizon {self.horizon_} is "
                "recursive and needs the exogenous X of every intermediate step; pass X for "
                "every step up to the furthest in fh, or fit with a horizon covering fh."
            )
        part = dict(_instances(X)).get(key) if isinstance(X.index, pd.MultiIndex) else X
        rows = None if part is None else part.reindex(future_times)
        if rows is None or rows.isna().to_numpy().any():
            raise ValueError(
                f"X must hold exogenous values for each of the {n_steps} steps after "
                f"{end[0]} ({future_times[0]} .. {future_times[-1]}) for the recursive "
                f"forecast of a network of horizon {self.horizon_}; pass X for every step "
                "up to the furthest in fh, or fit with a horizon covering fh."
            )
        return rows.to_numpy(dtype=float)

    def _joined_width(self):
        return 1 + (0 if self._X is None else self._X.shape[1])

    def _recursive_paths(self, histories, futures, n_steps):
        """Forecast ``n_steps`` for every series at once: the core's recursion."""
        return list(forecast_paths(self.estimator_, histories, futures, n_steps))

    # -- sktime ---------------------------------------------------------------------------------
    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Small settings for sktime's conformance tests (a few epochs of a tiny network)."""
        return [
            {"window_length": 3, "hidden_size": 4, "max_epochs": 2, "random_state": 0},
            {
                "window_length": 4,
                "hidden_size": 4,
                "calibration_fraction": 0.25,
                "architecture": "seq2seq",
                "scaling": "window",
                "update_strategy": "continue",
                "max_epochs": 2,
                "random_state": 1,
            },
            # A quantile head: predict_quantiles, predict_interval and predict_var from it.
            {"window_length": 3, "hidden_size": 4, "max_epochs": 2, "criterion": "quantile",
             "random_state": 2},
        ]


@declare(ADAPTER_PARAMS.replace("cell", default="gru"), keyword_only=False,
         after="_after_init", summary="""sklstm's recurrent forecaster with GRU cells by default, as an sktime forecaster.

    Identical to :class:`sklstm.sktime.LSTMForecaster` but for ``cell="gru"``.
""", sections="""
    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm.sktime import GRUForecaster
    >>> y = pd.Series(np.sin(np.arange(120) / 4))
    >>> GRUForecaster(window_length=12, max_epochs=5, random_state=0).fit(
    ...     y, fh=[1, 2]).predict().index.tolist()
    [120, 121]
""")
class GRUForecaster(LSTMForecaster):
    _core_class = _core.GRUForecaster

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Small settings for sktime's conformance tests (a few epochs of a tiny network)."""
        return [
            LSTMForecaster.get_test_params(parameter_set)[0],
            {
                "window_length": 5,
                "hidden_size": 4,
                "num_layers": 2,
                "bidirectional": True,
                "max_epochs": 2,
                "random_state": 2,
            },
        ]
