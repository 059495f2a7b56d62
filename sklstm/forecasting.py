"""LSTM and GRU forecasters: windows of history in, the next ``horizon`` values out.

The parameters are declared once (``FORECASTER_PARAMS``: the shared recurrent ones of
``_recurrent_params`` and the forecasters' own below); ``GRUForecaster`` is the same class
with another declared default. Conformal intervals live in ``_intervals``, ``forecast()`` in
``_series_forecast``, the scalings in ``_scaling``.

Why this module is long: the forecasters' public methods (``predict``, ``predict_interval``,
``predict_quantiles``, ``forecast``, ``partial_fit``) carry their full numpydoc
documentation with runnable examples, about half of the module; their work lives in the
modules named above.
"""

import inspect
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions

from . import _combination, _intervals, _series_forecast
from ._base import BaseRecurrent
from ._components import LOSSES, choices
from ._heads import DEFAULT_QUANTILES, HEADS, PinballLoss, quantile_levels
from ._modules import RecurrentRegressor
from ._netbuild import early_stopping_on
from ._params import IntInterval, Param, ParamSet, declare
from ._recurrent_params import NETWORK, RUNTIME, SCALE_INPUT, TRAINING
from ._scaling import SCALINGS, scaling_choices, scaling_doc
from ._levels import check_quantiles
from ._validation import SHAPE_ATTRIBUTES_DOC, validate_forecast_targets
from ._series_state import N_CHANNELS
from ._holdout import latest_count, panel_count
from ._window_array import (from_make_sequences, window_feature_names, window_series_count,
                            window_state_season, window_target_position)

__all__ = ["FORECASTER_PARAMS", "GRUForecaster", "LSTMForecaster"]

_FORECASTER_SCALINGS = scaling_choices("forecaster")

# The forecasters' training defaults (issue 28): one learning-rate cycle of 30 epochs
# (16,384 windows each at most, ``samples_per_epoch="auto"``) peaking at 5e-3. Chosen on M4
# hourly and M3 monthly (seed 0): 30 epochs matched 0.3's 100 epochs at 1e-3 (M4 hourly
# sMAPE 12.55 against 12.54 in 146 s against 353 s), 20 and 25 epochs did not (13.40 and
# 13.01), and a constant 3e-3 was both slower and worse (12.68 in 317 s). On small data the
# plateau training stays (see ``_base.AUTO_CYCLE``).
AUTO_TRAINING_NOTE = """The forecasters' default "auto": {}. The three "auto" training
settings (``lr_schedule``, ``lr``, ``max_epochs``) choose one learning-rate cycle of 30
epochs peaking at 5e-3 from 1,000 samples (on M3 as accurate as 100 epochs at 1e-3
halved on plateaus, on M4 a little less, within the seed spread, in about half the time:
docs/competitions.md), and that plateau training on fewer; a value set replaces its
part."""

# max_samples_per_series="auto": each series' latest 20,000 windows (issue 28). On the sunspot
# series trained before 1990 and scored on 1990-1999 (seeds 0-2, the one-cycle defaults),
# the latest 20,000 daily windows gave RMSE 16.09 against 16.22 for all 51,498, 16.19 for
# 40,000 and 16.24 for 10,000; on the course's test split the defaults then pass its RMSE
# after about 3 s instead of 4-20 s and end at 14.18 instead of 14.31-14.35
# (benchmarks/training_span.py, docs/benchmarks.md section 3). No series of M3, M4
# hourly/weekly or the weather panel is that long.
AUTO_MAX_SAMPLES_PER_SERIES = 20_000
_positive_int = IntInterval(1, None, closed="left")

FORECASTER_PARAMS = (
    NETWORK
    + ParamSet(
        Param("architecture", "direct", [StrOptions({"direct", "seq2seq"})],
              '{"direct", "seq2seq"}',
              """"direct": recurrent encoder and a dense head emitting the whole horizon at
              once. "seq2seq": encoder -> context repeated ``horizon`` times -> recurrent
              decoder -> per-step dense layer (the weather tutorial's encoder-decoder)."""),
        Param("autoregressive", "auto", [StrOptions({"auto"}), "boolean"], '"auto" or bool',
              """Add a linear map of the whole (standardised) window to the output, as
              LSTNet's autoregressive component: the network then starts from a linear
              autoregression and learns the non-linear rest, which keeps forecasts on the
              scale of the input. "auto": on when there are at least
              ``AUTO_AR_SAMPLES_PER_WEIGHT`` (2) training windows per weight of that map
              (window steps x features x horizon): 60 windows of 18 months cannot fit its
              324 weights (Canberra 18 -> 18: mean MAE 1.26 with it, 1.18 without), the
              2,900 windows of 49 locations can (mean 1.16 with it, 1.21 without)."""),
    )
    + TRAINING.replace("early_stopping", note="""The forecasters' "auto": on from 100 windows
        (the latest windows also choose the weight of the Theta forecast, see
        ``window_season_``).""").replace(
        "batch_size", default="auto", constraints=[StrOptions({"auto"}), IntInterval(1, None, closed="left")],
        type='"auto" or int', note="""The forecasters' default "auto": 64, or fewer on small
        data so that an epoch takes about 16 gradient steps (never fewer than 16 samples a
        batch).""").replace(
        "max_epochs", default="auto",
        constraints=[StrOptions({"auto"}), IntInterval(1, None, closed="left")],
        type='"auto" or int', note=AUTO_TRAINING_NOTE.format(
            "30 with the one-cycle schedule, else 100")).replace(
        "lr", default="auto",
        constraints=[StrOptions({"auto"}), Interval(Real, 0, None, closed="neither")],
        type='"auto" or float', note=AUTO_TRAINING_NOTE.format(
            "5e-3 (the cycle's peak) with the one-cycle schedule, else 1e-3")).replace(
        "lr_schedule", default="auto",
        constraints=[StrOptions({"auto", "plateau", "onecycle"}), None],
        type='{"auto", "plateau", "onecycle"} or None', note=AUTO_TRAINING_NOTE.format(
            '"onecycle" from 1,000 samples, else "plateau"'))
    + ParamSet(
        Param("max_samples_per_series", "auto", [StrOptions({"auto"}), _positive_int, None],
              '"auto", int or None',
              f"""Train on each series' latest this many windows (as darts'
              ``max_samples_per_ts``): a long history's oldest windows cost training time
              and may describe a past the series has left. Counted per series for the
              windows of :func:`~sklstm.make_sequences` (a panel's latest ``n x`` its number of
              series, about the latest ``n`` of each); for other arrays, the latest ``n``
              rows (rows must be in time order, as for ``validation_fraction``).
              ``training_start_`` says where training began. "auto":
              {AUTO_MAX_SAMPLES_PER_SERIES:,} for the windows of :func:`~sklstm.make_sequences`
              (chosen on the sunspot series before 1990, scored on 1990-1999: RMSE 16.09
              against 16.22 with all 51,498; docs/benchmarks.md section 3), all of them for
              other arrays, whose order sklstm cannot know; None: all."""),
    )
    + ParamSet(
        Param("criterion", None, [StrOptions(set(LOSSES) | set(HEADS)), type,
                                  torch.nn.Module, None],
              f"{choices({**LOSSES, **HEADS})}, torch loss class or instance, or None",
              """Training loss, computed in the scaled frame; None: "mse". The point losses
              ("mse", "mae", "huber") train one forecast per step. The probabilistic ones
              give the network a head that forecasts a distribution per step: "quantile"
              (one output per level of ``quantiles``, trained with the pinball loss of all
              levels at once; non-crossing by construction), "normal" or "student_t"
              (location, scale and, for Student's t, degrees of freedom, trained by
              negative log-likelihood). :meth:`predict` then gives the median,
              :meth:`predict_quantiles`, :meth:`predict_interval`, :meth:`predict_var`
              and :meth:`sample` read the distribution."""),
        Param("quantiles", DEFAULT_QUANTILES, ["array-like"], "tuple of float in (0, 1)",
              """Levels the quantile head learns (``criterion="quantile"``; the median is
              always added) and at which a distribution head's intervals are conformalised
              and exported. The default covers the central 50, 80, 90 and 95%
              intervals."""),
        Param("scaling", "auto", [StrOptions({"auto", *_FORECASTER_SCALINGS})],
              choices({"auto": None, **_FORECASTER_SCALINGS}),
              scaling_doc("forecaster") + "\n" + inspect.cleandoc("""
              "auto": "window" for windows that carry their series' state
              (``make_sequences(season_length=...)``: the series of a panel differ in level
              by orders of magnitude, and each window is read in its own frame), "global"
              for plain windows; ``scaling_used_`` says which.""")),
        Param("season_length", None, [IntInterval(2, None, closed="left"), None],
              "int >= 2 or None",
              """Steps per season of the target (12 for months, 24 for hours, ...), read by
              ``scaling="seasonal"``; None: no season."""),
        Param("log_transform", False, ["boolean"], "bool",
              """Forecast the log of the target (its values in the windows and y; must be
              positive) and map the forecast back with exp: a season or noise that grows
              with the level becomes additive."""),
        Param("difference", False, ["boolean"], "bool",
              """Forecast the target's changes from step to step (the window's target feature
              becomes its first differences); the forecast is the window's last value plus
              their running sum. With ``log_transform``: changes of the log (growth
              rates)."""),
        Param("scale_target", True, ["boolean"], "bool",
              """Standardise y with its training mean and deviation (``scaling="global"``);
              predictions come back in the original units."""),
        SCALE_INPUT,
        Param("calibration_fraction", None, [Interval(Real, 0, 1, closed="neither"), None],
              "float or None",
              """Share of the latest windows held out of training to calibrate prediction
              intervals (split conformal, see :meth:`predict_interval`). None: hold nothing
              out; the intervals are then calibrated on the early-stopping validation
              windows when early stopping is on (they were not trained on, but chose the
              epoch: slightly optimistic with few of them), and are unavailable
              otherwise."""),
        Param("interval_method", "auto", [StrOptions({"auto", "conformal", "head", "cqr"})],
              '{"auto", "conformal", "head", "cqr"}',
              """Where intervals and quantiles come from. "conformal": split conformal
              around the point forecast (absolute errors of the held-out windows).
              "head": the probabilistic head's own quantiles (``criterion="quantile"``,
              "normal" or "student_t"), uncalibrated. "cqr": the head's quantiles, each
              level moved by the conformal quantile of its signed errors on the held-out
              windows (conformalised quantile regression, Romano et al. 2019, one level at
              a time). "auto": "cqr" for a head with held-out windows, "head" for a head
              without, "conformal" otherwise; ``interval_method_`` says which."""),
        Param("calibration_decay", None, [Interval(Real, 0, 1, closed="right"), None],
              "float in (0, 1] or None",
              """Weight of each calibration error relative to the next newer one: the
              conformal quantiles are weighted quantiles that favour recent errors (Barber
              et al. 2023, "Conformal prediction beyond exchangeability"), so intervals
              widen when errors grow over time. The decay is per time step: the windows of
              a panel from ``make_sequences`` (its series interleaved, ``windows_per_step_``
              of them a step) fade together, so no series outweighs another. With
              :meth:`update_intervals` after each new observation this is the adaptive
              (rolling) conformal method. None (or 1): every held-out window counts the
              same (split conformal)."""),
        Param("interval_scale", "window", [StrOptions({"window"}), None], '{"window"} or None',
              """"window": divide each calibration error by its window's deviation of the
              target and scale each interval back by its own window's (wide in volatile
              stretches, narrow in calm ones). None: intervals in y's units."""),
    )
    + RUNTIME
)

_SUMMARY = """Recurrent ({cell} cells by default) forecaster on windows of history.

    X is ``(n_samples, n_timesteps, n_features)`` (2-D means one feature); y is
    ``(n_samples,)`` or ``(n_samples, horizon)``. Cut both from a series with
    :func:`sklstm.make_sequences`. ``LSTMForecaster`` and ``GRUForecaster`` are one model
    with a ``cell`` parameter; they differ only in its default.
"""

_DOC_ATTRIBUTES = """
    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : pandas.DataFrame
        Per-epoch training history (train loss, validation loss, duration, ...).
    horizon_ : int
        Number of predicted steps (columns of y, 1 for 1-D y).
""" + SHAPE_ATTRIBUTES_DOC + """    series_features_ : tuple or None
        Column names of the series the windows were cut from (by ``make_sequences``), checked
        by :meth:`forecast`; None when unknown.
    window_season_ : int or None
        Season of the series state the training windows carried
        (``make_sequences(season_length=...)``; 1: level and trend only), None without it.
        With it, ``scaling_`` takes the season out with the windows' indices and its
        ``base_weight`` is the Theta forecast's share of the forecast: chosen on the windows
        held out of training (calibration or early-stopping validation windows, by the
        training loss, squared or absolute, of errors scaled per window), one half without
        such windows.
    training_start_ : int
        Index of the first window of the last fit's X that training used: 0, or the
        number of older windows ``max_samples_per_series`` left out.
    windows_per_step_ : int
        Windows per time step of the training windows: the number of series of a panel
        whose windows ``make_sequences`` interleaved in time order, 1 otherwise.
        ``calibration_decay`` ages calibration errors by ``windows_per_step_`` windows a
        step.
    autoregressive_ : bool
        Whether the linear autoregressive part is used (``autoregressive="auto"``
        resolved).
    scaling_used_ : str
        What ``scaling`` meant for the training windows ("auto" resolved).
    scaling_ : object
        The fitted scaling that maps windows and targets into the network's frame and
        predictions back (statistics in float64).
    head_ : str or None
        The probabilistic head ("quantile", "normal", "student_t"; None: a point forecast).
    quantile_levels_ : tuple of float or None
        The head's levels (``quantiles`` with the median), None without a head.
    interval_method_ : str
        Where intervals come from ("conformal", "head" or "cqr": ``interval_method``
        resolved).
    conformal_scores_ : ndarray or None
        The calibration scores of the held-out windows in time order (oldest first; at most
        8,192, evenly spread): "conformal": absolute errors, ``(n_calibration, horizon)``;
        "cqr": signed errors of each level of the head but the median,
        ``(n_calibration, horizon, n_levels - 1)``; in units of y (``interval_scale=None``)
        or of each window's deviation (``"window"``). None when no window was held out, and
        for "head".
"""


@declare(FORECASTER_PARAMS, summary=_SUMMARY.format(cell="LSTM"), sections=_DOC_ATTRIBUTES + """
    See Also
    --------
    GRUForecaster : The same model with ``cell="gru"`` by default.
    sklstm.make_sequences : Cut a series into windows and targets.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMForecaster, make_sequences
    >>> series = np.sin(np.arange(300) / 5)
    >>> X, y = make_sequences(series, window_length=12)
    >>> model = LSTMForecaster(hidden_size=16, max_epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2,)
    >>> bool(model.score(X, y) > 0.9)
    True
""")
class LSTMForecaster(RegressorMixin, BaseRecurrent):
    _scaling_role = "forecaster"

    # -- hooks ------------------------------------------------------------------------------
    def _module_class(self):
        return RecurrentRegressor

    def _module_params(self):
        return {
            **super()._module_params(),
            "horizon": self.horizon_,
            "architecture": self.architecture,
            "n_timesteps": self.n_timesteps_in_,
            "autoregressive": getattr(self, "autoregressive_", self.autoregressive),
            # Scalings may drop features (the series-state channels) before the network.
            "n_features": self.scaling_.n_channels(self._n_step_features),
            "head": self.head_,
            "quantiles": self.quantile_levels_ or (),
        }

    def _criterion(self):
        criterion = self.criterion
        if criterion in HEADS:
            loss = HEADS[criterion][1]
            return loss, ({"quantiles": quantile_levels(self.quantiles)}
                          if loss is PinballLoss else {})
        if criterion is None or isinstance(criterion, str):
            return LOSSES[criterion or "mse"], {}
        return criterion, {}

    def _head_state(self):
        """The probabilistic head (``criterion`` in ``HEADS``), its levels, and where
        intervals come from (``interval_method`` resolved)."""
        head = self.criterion if self.criterion in HEADS else None
        levels = None
        if head is not None:
            levels = quantile_levels(check_quantiles(self.quantiles))
            if head == "quantile" and len(levels) < 2:
                raise ValueError(
                    f"quantiles={self.quantiles!r} gives the quantile head only the median, "
                    "which has no spread to forecast; add levels such as (0.1, 0.9), or use "
                    "a point loss (criterion='mae' forecasts the median).")
        if self.interval_method in ("head", "cqr") and head is None:
            raise ValueError(
                f"interval_method={self.interval_method!r} reads a probabilistic head, but "
                f"criterion={self.criterion!r} trains a point forecast; pass "
                "criterion='quantile', 'normal' or 'student_t', or interval_method='conformal'."
            )
        return {"head_": head, "quantile_levels_": levels}

    # -- targets --------------------------------------------------------------------------
    def _validate_y(self, y, n_samples):
        return validate_forecast_targets(self, y, n_samples)

    def _target_state(self, y, classes):
        return {"_y_ndim": y.ndim, "horizon_": 1 if y.ndim == 1 else y.shape[1],
                **self._head_state()}

    def _check_targets(self, y, classes):
        head = self.criterion if self.criterion in HEADS else None
        levels = quantile_levels(check_quantiles(self.quantiles)) if head else None
        if (head, levels) != (self.head_, self.quantile_levels_):
            raise ValueError(
                f"cannot continue training (warm_start=True or partial_fit) with "
                f"criterion={self.criterion!r} (quantiles {levels}): the network was built "
                f"for head {self.head_!r} (quantiles {self.quantile_levels_}). Fit a new "
                "model with warm_start=False, or restore criterion and quantiles."
            )
        self._check_horizon(y)

    def _check_horizon(self, y):
        horizon = 1 if y.ndim == 1 else y.shape[1]
        if horizon != self.horizon_:
            raise ValueError(
                f"y has a horizon of {horizon} steps (shape {y.shape}), but the forecaster was "
                f"fitted with horizon {self.horizon_}."
            )

    def _encode_y(self, y):
        return y.reshape(len(y), -1)

    def _input_state(self, X, X3, lengths):
        # make_sequences' windows carry the series' column names and the target's position.
        # Windows that carry their series' state (make_sequences(season_length=...)) hold
        # five channels after the series' features: forecast() recomputes them.
        season = window_state_season(X)
        names = window_feature_names(X)
        if season is not None and names is not None:
            names = names[:-N_CHANNELS]
        return {"series_features_": names, "_window_target": window_target_position(X),
                "window_season_": season, "windows_per_step_": window_series_count(X),
                "autoregressive_": self._resolve_autoregressive(X3, season)}

    # early_stopping="auto": on from this many windows. Held-out windows also choose the
    # weight of the Theta forecast in windows with series state; on the accuracy benchmark's
    # monthly series (a few thousand windows) early stopping took the mean MASE from 0.996
    # to 0.904 (docs/accuracy.md).
    AUTO_EARLY_STOPPING = 100

    # autoregressive="auto": on from this many training windows per weight of the linear map.
    AUTO_AR_SAMPLES_PER_WEIGHT = 2

    def _resolve_autoregressive(self, X3, season):
        if self.autoregressive != "auto":
            return bool(self.autoregressive)
        n_channels = X3.shape[2] - (N_CHANNELS if season is not None else 0)
        weights = X3.shape[1] * n_channels * self.horizon_
        return panel_count(X3.shape[0]) >= self.AUTO_AR_SAMPLES_PER_WEIGHT * weights

    def _first_training_sample(self, X, n_samples):
        limit = self.max_samples_per_series
        if limit == "auto":
            if not from_make_sequences(X):
                return 0
            limit = AUTO_MAX_SAMPLES_PER_SERIES
        if limit is None:
            return 0
        return max(0, n_samples - int(limit) * window_series_count(X))

    def _n_held_out(self, n_samples):
        if self.calibration_fraction is None:
            return 0
        n_held = latest_count(self.calibration_fraction, n_samples, at_least_one=False)
        if panel_count(n_held) < 1 or panel_count(n_samples - n_held) < 1:
            raise ValueError(
                f"calibration_fraction={self.calibration_fraction} of n_samples={n_samples} "
                f"(the windows max_samples_per_series={self.max_samples_per_series!r} keeps) "
                f"holds out {n_held} windows, which leaves no window to calibrate on or none "
                "to train on; pass more windows or change calibration_fraction."
            )
        return n_held

    def _trained_state(self, X3, y, n_held, lengths):
        use_early_stopping = lambda n: early_stopping_on(  # noqa: E731
            self.early_stopping, n, self.AUTO_EARLY_STOPPING)
        scaling = self.scaling_
        if isinstance(scaling, SCALINGS["series_state"]):
            scaling = _combination.weighted(self, scaling, X3, y, n_held, use_early_stopping)
        # Split conformal: errors of windows the network was not trained on (the latest).
        return {"scaling_": scaling, **_intervals.calibration_state(
            self, X3, y, n_held, use_early_stopping, scaling=scaling)}

    def _forward(self, X3, lengths=None, view=None):
        """The network's point forecast in its frame (a head's median), ``(n, horizon)``."""
        out = super()._forward(X3, lengths, view)
        if getattr(self, "head_", None) is None:
            return out
        return out[..., _intervals.median_channel(self)]

    def _forward_params(self, X3):
        """The head's distribution parameters in the network's frame, ``(n, horizon, P)``."""
        return super()._forward(X3)

    def _prepare_rows(self, X_rows, y_rows):
        # Targets too go into the scaled frame (of their own window, for scaling="window").
        return self.scaling_.prepare(X_rows, y_rows)

    def _scaling_state(self, X3, y):
        used = {"scaling_used_": self._scaling_choice()}
        if self.window_season_ is not None:
            # The season out with the series' indices, the rest as scaling/log/difference say.
            return {"scaling_": SCALINGS["series_state"].fit(
                X3, y, self._fit_target_scaling, season_length=self.window_season_,
                target_feature=self._target_feature(X3)), **used}
        return {"scaling_": self._fit_target_scaling(X3, y), **used}

    def _fit_target_scaling(self, X3, y):
        if self.log_transform or self.difference:
            scaling = SCALINGS["target_transform"].fit(
                X3, y, self._fit_inner_scaling, target_feature=self._target_feature(
                    X3, "log_transform / difference transform the feature y continues",
                    "set them to False"),
                log=self.log_transform, difference=self.difference)
        else:
            scaling = self._fit_inner_scaling(X3, y)
        return scaling

    def _scaling_choice(self):
        """What ``scaling`` means for the windows being fitted ("auto" resolved)."""
        if self.scaling != "auto":
            return self.scaling
        # Chosen on the M3 and M4 benchmark (docs/competitions.md): inside the series state,
        # per-window scaling took M4 hourly from sMAPE 17.32 to 13.01 and M3 "other" from
        # 4.91 to 4.37 (seed 0), with yearly equal. A calendar-indexed single series gets
        # state windows too (the daily sunspot series: a 7-day state, so "window"); plain
        # windows (position-indexed data, season_length=None) keep the global statistics.
        return "window" if self.window_season_ is not None else "global"

    def _fit_inner_scaling(self, X3, y):
        choice = self._scaling_choice()
        return _FORECASTER_SCALINGS[choice].fit_for(self, X3, y, choice)

    def _target_feature(self, X3, needed_by="scaling='window' puts y in the frame of its own "
                        "feature", otherwise="use scaling='global'"):
        """Which feature of the windows y continues (make_sequences records it); the error
        names what ``needed_by`` it and what to do ``otherwise``."""
        if self._window_target is not None:
            return self._window_target
        if X3.shape[2] == 1:
            return 0
        raise ValueError(
            f"{needed_by}, but X has {X3.shape[2]} features and does not say which one y "
            f"continues. Cut X and y with make_sequences(series, ..., target=...), or "
            f"{otherwise}."
        )

    # -- public API -------------------------------------------------------------------------
    def partial_fit(self, X, y):
        """Train one more epoch on X, y (the first call initialises the network).

        Every call draws a new shuffle order (and dropout stream) and uses the current
        training parameters; the call is atomic, as :meth:`fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        y : array-like of shape (n_samples,) or (n_samples, horizon)

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y)

    def predict(self, X):
        """Forecast the ``horizon`` values following each window.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Windows of the fitted length.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, horizon)
            In the units of y (float64), shaped like the y seen in fit.
        """
        self._check_fitted()
        X3 = self._validate_X(X, reset=False)
        out = self.scaling_.decode(self._forward(X3), X3)
        return out[:, 0] if self._y_ndim == 1 else out.reshape(len(out), self.horizon_)

    def predict_interval(self, X, coverage=0.9):
        """Prediction intervals of every horizon step (``interval_method_``).

        "conformal": each step's interval is the point forecast plus or minus the
        conformal ``coverage`` quantile of that step's absolute errors on the held-out
        windows (``calibration_fraction``, or the early-stopping validation windows). With
        ``interval_scale="window"`` the errors are divided by their window's standard
        deviation of the target and each interval is scaled back by its own window's: wide
        in volatile stretches, narrow in calm ones. With ``n`` calibration windows the
        quantile is the ``ceil((n + 1) * coverage)``-th smallest error, which covers future
        windows like the calibration ones with probability at least ``coverage``
        (``calibration_decay`` weights recent errors more). "head" and "cqr": the
        quantiles ``(1 - coverage) / 2`` and ``(1 + coverage) / 2`` of
        :meth:`predict_quantiles`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Windows of the fitted length.
        coverage : float, default=0.9
            Nominal probability that the interval holds the true value, in (0, 1).

        Returns
        -------
        lower, upper : ndarray, each shaped like :meth:`predict`'s output
            Bounds in the units of y; ``lower <= predict(X) <= upper``. With fewer than
            ``coverage / (1 - coverage)`` calibration windows the conformal bounds are
            infinite (with a warning): no finite interval is guaranteed to cover.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> rng = np.random.default_rng(0)
        >>> series = np.sin(np.arange(600) / 5) + rng.normal(scale=0.1, size=600)
        >>> X, y = make_sequences(series, window_length=12)
        >>> model = LSTMForecaster(hidden_size=16, max_epochs=20, calibration_fraction=0.2,
        ...                        random_state=0).fit(X, y)
        >>> lower, upper = model.predict_interval(X[-3:], coverage=0.9)
        >>> bool(np.all(lower <= model.predict(X[-3:])) and np.all(upper > lower))
        True
        """
        self._check_fitted()
        X3 = self._validate_X(X, reset=False)
        return tuple(self._shaped(b) for b in _intervals.interval(self, X3, coverage))

    def predict_quantiles(self, X, quantiles=(0.1, 0.5, 0.9)):
        """Quantiles of every forecast step (``interval_method_``); they never cross.

        "conformal": the quantile ``q < 0.5`` is the lower bound of the interval of
        coverage ``1 - 2q`` (see :meth:`predict_interval`), ``q > 0.5`` the upper bound of
        coverage ``2q - 1``, and ``q = 0.5`` the point forecast of :meth:`predict`. "head":
        the probabilistic head's (any level for a distribution head; a quantile head's
        levels, linearly interpolated between them). "cqr": the head's levels each moved by
        its conformal correction, interpolated between them. The median is always
        :meth:`predict`'s forecast.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        quantiles : array-like of float in (0, 1), default=(0.1, 0.5, 0.9)

        Returns
        -------
        ndarray of shape predict(X).shape + (n_quantiles,)

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=12)
        >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, criterion="quantile",
        ...                        calibration_fraction=0.2, random_state=0).fit(X, y)
        >>> q = model.predict_quantiles(X[-2:], quantiles=[0.1, 0.5, 0.9])
        >>> q.shape, bool(np.all(np.diff(q, axis=-1) >= 0))
        ((2, 3), True)
        >>> bool(np.allclose(q[:, 1], model.predict(X[-2:])))
        True
        """
        self._check_fitted()
        X3 = self._validate_X(X, reset=False)
        out = _intervals.quantiles(self, X3, quantiles)
        return out[:, 0, :] if self._y_ndim == 1 else out

    def predict_var(self, X):
        """Variance of every forecast step.

        A distribution head's own variance (``criterion="normal"`` or ``"student_t"``
        with ``interval_method="head"``), mapped to y's units by the scaling's slope at the
        median (exact for the affine scalings, first order after ``log_transform``);
        otherwise that of a normal distribution with the forecast's interquartile range.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)

        Returns
        -------
        ndarray shaped like :meth:`predict`'s output

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=12)
        >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, criterion="normal",
        ...                        interval_method="head", random_state=0).fit(X, y)
        >>> bool(np.all(model.predict_var(X[-2:]) > 0))
        True
        """
        self._check_fitted()
        X3 = self._validate_X(X, reset=False)
        return self._shaped(_intervals.variance(self, X3))

    def sample(self, X, n_samples=100, random_state=None):
        """Draws from every step's forecast distribution (marginal per step).

        Inverse-transform sampling of the quantile function of :meth:`predict_quantiles`,
        interpolated linearly between 199 levels (a quantile head's draws stay within its
        lowest and highest level).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        n_samples : int, default=100
        random_state : int, numpy Generator or None, default=None

        Returns
        -------
        ndarray of shape (n_samples,) + predict(X).shape

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=12, horizon=2)
        >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, criterion="student_t",
        ...                        random_state=0).fit(X, y)
        >>> model.sample(X[-4:], n_samples=50, random_state=0).shape
        (50, 4, 2)
        """
        self._check_fitted()
        if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer; got {n_samples!r}.")
        X3 = self._validate_X(X, reset=False)
        draws = _intervals.sample(self, X3, n_samples, np.random.default_rng(random_state))
        return draws[..., 0] if self._y_ndim == 1 else draws

    def update_intervals(self, X, y):
        """Add the errors of newly observed windows to the calibration (the network is
        unchanged).

        Call it, oldest first, with windows whose targets have become known since the
        fit: the conformal quantiles then follow the newest errors. A multi-step forecast
        need not wait for its last step: pass NaN for the steps not observed yet, and
        pass the window again later with only the newly observed steps (each step of the
        horizon is calibrated, and aged, on its own observed errors). With
        ``calibration_decay`` below 1 the older errors fade, so intervals widen when errors
        grow and narrow again when they shrink: the adaptive (rolling) conformal method.
        The newest 8,192 windows' errors are kept.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            The observed targets; NaN where a step is not observed (yet).

        Returns
        -------
        self : object

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> X, y = make_sequences(np.sin(np.arange(400) / 5), window_length=12)
        >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, calibration_fraction=0.2,
        ...                        calibration_decay=0.98, random_state=0).fit(X[:300], y[:300])
        >>> n_before = len(model.conformal_scores_)
        >>> len(model.update_intervals(X[300:], y[300:]).conformal_scores_) - n_before
        88
        """
        self._check_fitted()
        X3 = self._validate_X(X, reset=False)
        y = validate_forecast_targets(self, y, X3.shape[0], allow_nan=True)
        self._check_horizon(y)
        self.conformal_scores_ = _intervals.update(self, X3, y)
        return self

    def update_intervals_from_series(self, series, since, series_id=None):
        """:meth:`update_intervals` with the forecasts this model would have issued on
        ``series``: every forecast with a step observed at or after ``since``, each from its
        window as it was at its origin (the state channels computed from the data up to the
        origin only, as :meth:`last_window` computes them then), steps before ``since`` left
        out as already counted.

        The rolling (adaptive) conformal method in deployment: call it before the first use
        with ``since`` a season or a horizon back (errors of windows as they are issued
        rather than the fit's held-out windows, whose state saw their own targets), then at
        each new origin with ``since`` the previous one. Cost: one window per series and
        origin, its state recomputed from the series up to the origin.

        Parameters
        ----------
        series : pandas Series/DataFrame or array-like
            The series (or panel, as :func:`sklstm.make_sequences` reads it) with the
            observed values, oldest first.
        since : label of the series' time index (or int position without one)
            The first observed step not yet in the calibration.
        series_id : "columns", column label or None, default=None
            As :func:`sklstm.make_sequences`.

        Returns
        -------
        self : object

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> t = pd.date_range("2000-01", periods=120, freq="MS")
        >>> y = pd.Series(10 + np.sin(np.arange(120) * np.pi / 6), index=t)
        >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, calibration_fraction=0.2,
        ...                        calibration_decay=0.98, random_state=0)
        >>> model = model.fit(*make_sequences(y[:96], 24, horizon=3))
        >>> n_before = len(model.conformal_scores_)
        >>> model = model.update_intervals_from_series(y, since="2008-01-01")
        >>> len(model.conformal_scores_) - n_before  # origins 2007-10 .. 2009-11
        26
        """
        X, y = _series_forecast.issued_windows(self, series, since, series_id)
        return self.update_intervals(X, y)

    def _shaped(self, out):
        return out[:, 0] if self._y_ndim == 1 else out.reshape(len(out), self.horizon_)

    def forecast(self, series, freq=None, coverage=None, series_id=None, steps=None,
                 future=None):
        """Forecast the steps after the end of ``series``, with their timestamps.

        Parameters
        ----------
        series : pandas Series/DataFrame or array-like
            The series the model was trained on (or its continuation), oldest first; its
            last ``n_timesteps_in_`` rows form the input window. It must have the columns
            the model was fitted on, in the same order (checked by name when the training
            windows came from a named series). Many series at once as in
            :func:`sklstm.make_sequences` (a (series, time) MultiIndex, or ``series_id``).
        freq : str, pandas offset, int or None, default=None
            Step of the future index; None takes the index's own. When given, it must agree
            with the index.
        coverage : float or None, default=None
            When given, also return the prediction interval of this coverage (see
            :meth:`predict_interval`).
        series_id : "columns", column label or None, default=None
            Read ``series`` as many series (see :func:`sklstm.make_sequences`); each is
            forecast from its own last window.
        steps : int or None, default=None
            How many steps to forecast; None: ``horizon_``. Beyond ``horizon_`` the forecast
            is recursive: the network's forecasts are appended to the window and it is
            applied again, ``horizon_`` steps at a time (without intervals).
        future : pandas Series/DataFrame or array-like, or None, default=None
            For a recursive forecast of windows with more than the target feature
            (covariates, calendar features): the same columns as ``series`` for the
            ``steps`` after its end (the target column is not read and may be NaN), laid
            out as ``series`` (a panel for a panel).

        Returns
        -------
        pandas.Series or pandas.DataFrame
            The ``steps`` forecasts of the target, indexed by the future labels: of the
            same type as the series' index (DatetimeIndex with its timezone, PeriodIndex,
            integer positions); for many series, a (series, time) MultiIndex, every series'
            steps after its own end. With ``coverage``, a DataFrame with columns "forecast",
            "lower" and "upper".

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> t = np.arange(200)
        >>> panel = pd.DataFrame({"a": np.sin(t / 5), "b": 10 + np.sin(t / 5)})
        >>> X, y = make_sequences(panel, window_length=12, horizon=2, series_id="columns")
        >>> model = LSTMForecaster(scaling="window", max_epochs=5, random_state=0).fit(X, y)
        >>> model.forecast(panel, series_id="columns").index.tolist()
        [('a', 200), ('a', 201), ('b', 200), ('b', 201)]
        >>> model.forecast(panel["a"], steps=5).index.tolist()  # recursive beyond horizon_
        [200, 201, 202, 203, 204]
        """
        return _series_forecast.forecast(self, series, freq, coverage, series_id, steps,
                                         future)

    def last_window(self, series, series_id=None):
        """The input window ``forecast()`` gives the network after the end of ``series``.

        What ``predict``, ``predict_interval`` or an exported ONNX graph needs to forecast
        the steps after the series: its last ``n_timesteps_in_`` rows, with the series'
        state channels when the model was fitted on windows that carry them
        (``make_sequences(season_length=...)``), computed from the whole series as
        ``make_sequences`` computes them.

        Parameters
        ----------
        series : pandas Series/DataFrame or array-like
            As in :meth:`forecast` (a panel gives one window per series, in its order).
        series_id : "columns", column label or None, default=None
            As in :meth:`forecast`.

        Returns
        -------
        ndarray of shape (n_series, n_timesteps, n_features)
            The fitted window length and features (the series' and the state channels);
            (n_series, n_timesteps) for a model fitted on 2-D windows.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from sklstm import LSTMForecaster, make_sequences
        >>> y = pd.Series(np.sin(np.arange(120) / 2),
        ...               index=pd.date_range("2000-01", periods=120, freq="MS"))
        >>> X, Y = make_sequences(y, window_length=12, horizon=3)
        >>> model = LSTMForecaster(hidden_size=8, max_epochs=3, random_state=0).fit(X, Y)
        >>> window = model.last_window(y)
        >>> window.shape  # the value and the five state channels
        (1, 12, 6)
        >>> bool(np.allclose(model.predict(window)[0], model.forecast(y)))
        True
        """
        return _series_forecast.last_windows(self, series, series_id)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


@declare(FORECASTER_PARAMS.replace("cell", default="gru"), summary=_SUMMARY.format(cell="GRU"),
         sections=_DOC_ATTRIBUTES + """
    See Also
    --------
    LSTMForecaster : The same model with ``cell="lstm"`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import GRUForecaster, make_sequences
    >>> X, y = make_sequences(np.sin(np.arange(300) / 5), window_length=12, horizon=3)
    >>> model = GRUForecaster(hidden_size=16, max_epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[-1:]).shape
    (1, 3)
""")
class GRUForecaster(LSTMForecaster):
    pass
