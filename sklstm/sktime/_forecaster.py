"""sklstm's LSTM/GRU forecasters as sktime forecasters (``BaseForecaster``).

One network is trained over the windows of every series of ``y`` (a single series, a panel or
a hierarchy: a global model). Each window holds ``window_length`` past rows of the target and
of the exogenous columns; the network predicts the next ``horizon`` target values at once.
Steps beyond ``horizon`` are forecast recursively: the predictions are appended to the history
(with the exogenous values ``predict`` is given for those steps) and the network is applied
again.

Why this module is long: the seasonal adjustment, centring, panel windowing and recursion
beyond the network's horizon still live here rather than in the core estimator; they move
into the core (one engine behind every door) with the forecasting-engine work, after which
this adapter only converts sktime's containers.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import StrOptions, validate_parameter_constraints
from sktime.forecasting.base import BaseForecaster, ForecastingHorizon

from .. import forecasting as _core
from .._panel import series_index, split_panel
from .._time import IrregularTimeIndexWarning
from .._params import IntInterval, Param, ParamSet, declare
from .._series_forecast import recursive_paths
from .._window_array import WindowArray
from ..seasonal import Deseasonalizer
from ..windowing import make_sequences

__all__ = ["ADAPTER_PARAMS", "GRUForecaster", "LSTMForecaster"]

# Early stopping from this many training windows (the core's "auto": 10,000). On the
# accuracy benchmark's seasonally adjusted monthly series (a few thousand windows) early
# stopping took the mean MASE from 0.996 to 0.904 (docs/accuracy.md).
EARLY_STOPPING_MIN_WINDOWS = 100

# The adapter's own parameters: how series become windows and back.
_SERIES_PARAMS = ParamSet(
    Param("window_length", 12, [IntInterval(1, None, closed="left")], "int",
          "Past steps in each input window."),
    Param("horizon", None, [IntInterval(1, None, closed="left"), None], "int or None",
          """Steps the network predicts at once. None: the largest step of the ``fh`` given
          to ``fit`` (1 when ``fit`` gets no ``fh``)."""),
    Param("season_length", "auto",
          [StrOptions({"auto"}), IntInterval(2, None, closed="left"), None],
          '"auto", int >= 2 or None',
          """Take each series' seasonal profile out of ``y`` before the network
          (:class:`sklstm.Deseasonalizer`: classical decomposition, only for series whose
          season is significant) and put it back on the forecasts. "auto": from the
          index's frequency (12 for months, 4 for quarters, 7 for days, 24 for hours; none
          for integer indexes); None: no seasonal adjustment."""),
    Param("seasonal_model", "auto", [StrOptions({"additive", "multiplicative", "auto"})],
          '{"additive", "multiplicative", "auto"}',
          """How the season combines with the level (:class:`sklstm.Deseasonalizer`'s
          ``model``); "auto": per series, the decomposition that fits it better (a season
          that grows with a positive level is multiplicative)."""),
    Param("center_series", True, ["boolean"], "bool",
          """Subtract each series' mean (after the seasonal adjustment) before the network
          and add it back to its forecasts, so that one global model sees every series
          around zero. On the accuracy benchmark the seasonal adjustment, the centring and
          early stopping together took the global model's mean MASE from 1.012 to 0.904
          (docs/accuracy.md)."""),
    Param("update_strategy", "refit", [StrOptions({"refit", "continue"})],
          '{"refit", "continue"}',
          """What ``update(y_new, update_params=True)`` does: "refit" trains a new network on
          all data seen so far; "continue" keeps training the fitted network (warm start,
          same scaling) on all data seen so far, which is cheaper. With
          ``update_params=False`` only the cutoff moves: forecasts start from the new
          data."""),
)

# The core forecaster's parameters, passed through unchanged, but for ``warm_start`` (the
# adapter drives it through ``update_strategy``), ``season_length`` (the adapter's own, above,
# resolved and passed on) and two defaults chosen for series-level forecasting by the
# accuracy benchmark (docs/accuracy.md).
_CORE_PARAMS = (
    _core.FORECASTER_PARAMS.without("warm_start", "season_length")
    .replace("scaling", default="window", note="""The adapter's default is "window": each
             window in its own frame, so forecasts follow a trend beyond the training
             range.""")
    .replace("early_stopping", default=EARLY_STOPPING_MIN_WINDOWS, note=f"""The adapter's
             default: on from {EARLY_STOPPING_MIN_WINDOWS} training windows."""))
ADAPTER_PARAMS = _SERIES_PARAMS + _CORE_PARAMS

_PANEL_MTYPES = ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"]


def _instances(frame):
    """``[(key, frame_of_one_series), ...]``; key None for a single series."""
    if isinstance(frame.index, pd.MultiIndex):
        return split_panel(frame, None)
    return [(None, frame)]


def _instance_key(frame):
    """Per row, the key of its series (None for a single series)."""
    if not isinstance(frame.index, pd.MultiIndex):
        return [None] * len(frame)
    keys = frame.index.droplevel(-1)
    return list(keys) if keys.nlevels > 1 else keys.tolist()


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
    deseasonalizer_ : sklstm.Deseasonalizer or None
        The fitted seasonal adjustment of ``y`` (None with ``season_length=None``).
    series_means_ : dict
        ``{series key: mean}`` subtracted before the network (empty without
        ``center_series``); the key is None for a single series.
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
        # Intervals are calibrated on windows held out of training (split conformal).
        self.set_tags(**{"capability:pred_int": self.calibration_fraction is not None})

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
        self._fit_adjustment(y)
        windows, targets = self._training_windows(self._adjusted(y), X)
        self.estimator_ = self._core_class(
            season_length=self._season_length(),
            **{name: getattr(self, name) for name in _CORE_PARAMS.names})
        self.estimator_.fit(windows, targets)
        return self

    def _season_length(self):
        """The season as an int for the core (``scaling="seasonal"``), "auto" resolved."""
        m = None if self.deseasonalizer_ is None else self.deseasonalizer_.season_length_
        return int(m) if m is not None and m >= 2 else None

    # -- seasonal adjustment and centring of y ------------------------------------------------
    def _fit_adjustment(self, y):
        self.deseasonalizer_ = None
        if self.season_length is not None:
            self.deseasonalizer_ = Deseasonalizer(
                self.season_length, model=self.seasonal_model).fit(y)
        self.series_means_ = {}
        if self.center_series:
            adjusted = self._deseasonalized(y)
            for key, part in _instances(adjusted):
                self.series_means_[key] = float(part.iloc[:, 0].mean())

    def _deseasonalized(self, y):
        if self.deseasonalizer_ is None:
            return y
        return self.deseasonalizer_.transform(y)

    def _means_of(self, frame):
        if not self.series_means_:
            return 0.0
        try:
            return np.array([self.series_means_[k] for k in _instance_key(frame)])[:, None]
        except KeyError as error:
            raise ValueError(
                f"series {error.args[0]!r} was not in the y given to fit; refit (or update) "
                "with it."
            ) from None

    def _adjusted(self, y):
        """y in the network's frame: without each series' season and mean."""
        adjusted = self._deseasonalized(y)
        return adjusted - self._means_of(adjusted)

    def _restored(self, frame):
        """Network-frame values (forecasts, bounds) back in y's units."""
        frame = frame + self._means_of(frame)
        if self.deseasonalizer_ is None:
            return frame
        return self.deseasonalizer_.inverse_transform(frame)

    def _training_windows(self, y, X):
        """The core's windows of every series (``make_sequences``: in time order, never
        across two series), y's column first."""
        length, horizon = int(self.window_length), self.horizon_
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
                                              target="column 0")
        # The target is column 0 of every window: scaling="window" puts y in its frame.
        windows.feature_names = None
        return windows, np.asarray(targets).reshape(len(windows), horizon)

    def _update(self, y, X=None, update_params=True):
        if not update_params:
            return self
        if self.update_strategy == "refit":
            return self._fit(self._y, self._X, self._fh)
        windows, targets = self._training_windows(self._adjusted(self._y), self._X)
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
        for key, part in _instances(_joined(self._adjusted(self._y), self._X)):
            # Each series is forecast from its own last time point: in an unequal-length
            # panel the steps to a target time differ from series to series.
            if part.shape[0] < self.window_length:
                raise ValueError(
                    f"series {key!r} has {part.shape[0]} time points; forecasting needs the "
                    f"last window_length={self.window_length}."
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
        return self._restored(pd.DataFrame(values, index=self._output_index(times, keys),
                                           columns=self._y.columns))

    def _predict_interval(self, fh, X, coverage):
        times, keys, histories, steps, _ = self._forecast_inputs(fh, X)
        furthest = max(int(own.max()) for own in steps)
        if furthest > self.horizon_:
            raise ValueError(
                f"prediction intervals are calibrated for the network's {self.horizon_} "
                f"direct steps, but fh reaches {furthest} steps ahead; fit with an fh (or "
                "horizon) that covers every step you want an interval for."
            )
        length = int(self.window_length)
        windows = np.stack([history[-length:] for history in histories])
        columns = pd.MultiIndex.from_product(
            [self._get_varnames(), list(coverage), ["lower", "upper"]]
        )
        out = pd.DataFrame(index=self._output_index(times, keys), columns=columns, dtype=float)
        for c in coverage:
            bounds = self.estimator_.predict_interval(windows.view(WindowArray), coverage=c)
            for name, bound in zip(("lower", "upper"), bounds):
                bound = bound.reshape(len(histories), self.horizon_)
                values = np.concatenate([row[own - 1] for row, own in zip(bound, steps)])
                out[(self._get_varnames()[0], c, name)] = values
        # Bounds go back like forecasts (a positive seasonal factor keeps their order).
        for column in out.columns:
            out[column] = self._restored(out[[column]]).iloc[:, 0]
        return out

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
        length = int(self.window_length)
        windows = np.stack([history[-length:] for history in histories])
        return list(recursive_paths(self.estimator_, windows, futures, n_steps))

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
