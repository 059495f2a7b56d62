"""LSTM and GRU forecasters: windows of history in, the next ``horizon`` values out."""

import warnings
from numbers import Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array

from ._base import TORCH_THREADS_DOC, TRAINING_END_DOC, BaseRecurrent
from ._modules import RecurrentRegressor
from ._panel import is_panel, level_names, series_index, split_panel
from ._scaling import GlobalScaling, TargetTransform, WindowScaling
from ._time import future_index
from ._validation import (
    FLOAT_DTYPES,
    check_float32_range,
    to_numpy_input,
    window_feature_names,
    window_target_position,
)
from .windowing import series_values

_CRITERIA = {"mse": torch.nn.MSELoss, "mae": torch.nn.L1Loss, "huber": torch.nn.HuberLoss}

__all__ = ["GRUForecaster", "LSTMForecaster"]

_DOC_PARAMETERS = (
    """
    Parameters
    ----------
    hidden_size : int, default=64
        Units of each recurrent layer (per direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    cell : {"lstm", "gru"}, default=%(cell)r
        Recurrent cell; a parameter of both classes so that a grid search can switch it.
    bidirectional : bool, default=False
        Read each window in both directions (the window only: never the targets).
    dropout : float, default=0.0
        Dropout on the encoder output (and between stacked layers).
    architecture : {"direct", "seq2seq"}, default="direct"
        "direct": recurrent encoder and a dense head emitting the whole horizon at once.
        "seq2seq": encoder -> context repeated ``horizon`` times -> recurrent decoder ->
        per-step dense layer (the weather tutorial's encoder-decoder).
    dense_size : int or None, default=None
        Units of an extra dense ReLU layer before the output; None: none.
    autoregressive : bool, default=True
        Add a linear map of the whole (standardised) window to the output, as LSTNet's
        autoregressive component: the network then starts from a linear autoregression and
        learns the non-linear rest, which keeps forecasts on the scale of the input.
    max_epochs : int, default=100
        Maximum passes over the training windows.
    batch_size : int, default=64
        Windows per gradient step.
    lr : float, default=1e-3
        Learning rate.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adam"
    optimizer_params : dict or None, default=None
        Further keyword arguments of the optimizer (e.g. ``{"betas": (0.9, 0.99)}``);
        ``lr`` and ``weight_decay`` have their own parameters.
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    criterion : {"mse", "mae", "huber"}, torch loss class or instance, or None, default=None
        Training loss, computed in the scaled frame; None: "mse".
    early_stopping : "auto" or bool, default="auto"
        Stop when the loss on the latest ``validation_fraction`` of the windows has not
        improved for ``patience`` epochs, and restore the best weights. "auto": on when there
        are at least 10,000 windows. Windows must be in time order for "latest" to mean the
        most recent.
    validation_fraction : float, default=0.1
        Share of the (latest) windows held out for early stopping.
"""
    + TRAINING_END_DOC
    + """    scaling : {"global", "window"}, default="global"
        "global": standardise inputs and targets with statistics of the training data
        (``scale_input``, ``scale_target``). "window": reversible instance normalisation:
        each window is shifted by its last value and divided by its own standard deviation,
        the network predicts in that frame and the forecast is mapped back, so the model
        sees shapes, not levels, and follows series beyond the training range (trends).
        Seasons longer than a window are better taken out of the series first
        (:class:`sklstm.Deseasonalizer`, as :class:`sklstm.sktime.LSTMForecaster` does).
    log_transform : bool, default=False
        Forecast the log of the target (its values in the windows and y; must be positive)
        and map the forecast back with exp: a season or noise that grows with the level
        becomes additive.
    difference : bool, default=False
        Forecast the target's changes from step to step (the window's target feature
        becomes its first differences); the forecast is the window's last value plus their
        running sum. With ``log_transform``: changes of the log (growth rates).
    scale_target : bool, default=True
        Standardise y with its training mean and deviation; predictions come back in the
        original units.
    calibration_fraction : float or None, default=None
        Share of the latest windows held out of training to calibrate prediction intervals
        (split conformal, see :meth:`predict_interval`). None: hold nothing out; the
        intervals are then calibrated on the early-stopping validation windows when early
        stopping is on (they were not trained on, but chose the epoch: slightly optimistic
        with few of them), and are unavailable otherwise.
    scale_input : bool, default=True
        Standardise each input feature with the training series' mean and deviation.
    device : str, default="cpu"
        "cpu", "cuda", "cuda:N", "mps" or "auto" (the best available).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout: the same seed, data and device
        give identical predictions.
    verbose : int, default=0
        0: quiet. 1: one progress line on stderr, rewritten after every epoch (epoch,
        losses, elapsed time, time left at most). 2 or more: skorch's table of every epoch.
    callbacks : list of skorch callbacks or (name, callback) tuples, or None, default=None
        Passed through to the skorch net.
    warm_start : bool, default=False
        Continue from the fitted weights on the next call to ``fit``, with the current
        training parameters (lr, max_epochs, batch_size, early stopping, optimizer); a change
        of the network's structure (sizes, cell, architecture, scaling) is refused.
    compile : bool, default=False
        Run the module through ``torch.compile`` (pays off for large models on GPU).
"""
    + TORCH_THREADS_DOC
)

_DOC_ATTRIBUTES = """
    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : pandas.DataFrame
        Per-epoch training history (train loss, validation loss, duration, ...).
    n_features_in_ : int
        Columns of X seen in fit (features per step for 3-D X; steps for 2-D X).
    n_timesteps_in_ : int
        Window length seen in fit.
    horizon_ : int
        Number of predicted steps (columns of y, 1 for 1-D y).
    feature_names_in_ : ndarray of str
        Column names, when fit on a DataFrame with string column names.
    series_features_ : tuple or None
        Column names of the series the windows were cut from (by ``make_sequences``), checked
        by :meth:`forecast`; None when unknown.
    scaling_ : object
        The fitted scaling that maps windows and targets into the network's frame and
        predictions back (statistics in float64).
    conformal_scores_ : ndarray of shape (n_calibration, horizon) or None
        Sorted absolute errors of the held-out windows, per horizon step, in units of y
        (``interval_scale=None``) or of each window's deviation (``"window"``); None when no
        window was held out.
"""


class LSTMForecaster(RegressorMixin, BaseRecurrent):
    __doc__ = (
        """Recurrent (LSTM by default) forecaster on windows of history.

    X is ``(n_samples, n_timesteps, n_features)`` (2-D means one feature); y is
    ``(n_samples,)`` or ``(n_samples, horizon)``. Cut both from a series with
    :func:`sklstm.make_sequences`.
    """
        + _DOC_PARAMETERS % {"cell": "lstm"}
        + _DOC_ATTRIBUTES
        + """
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
    """
    )

    _parameter_constraints = {
        **BaseRecurrent._parameter_constraints,
        "architecture": [StrOptions({"direct", "seq2seq"})],
        "scale_target": ["boolean"],
        "autoregressive": ["boolean"],
        "criterion": [StrOptions(set(_CRITERIA)), type, torch.nn.Module, None],
        "scaling": [StrOptions({"global", "window"})],
        "log_transform": ["boolean"],
        "difference": ["boolean"],
        "calibration_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "interval_scale": [StrOptions({"window"}), None],
    }

    def __init__(
        self,
        *,
        hidden_size=64,
        num_layers=1,
        cell="lstm",
        bidirectional=False,
        dropout=0.0,
        architecture="direct",
        dense_size=None,
        autoregressive=True,
        max_epochs=100,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        optimizer_params=None,
        weight_decay=0.0,
        criterion=None,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=15,
        clip_grad_norm=1.0,
        lr_schedule="plateau",
        restore_best_weights=True,
        scaling="global",
        log_transform=False,
        difference=False,
        scale_target=True,
        scale_input=True,
        calibration_fraction=None,
        interval_scale="window",
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        compile=False,
        torch_threads="auto",
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.architecture = architecture
        self.dense_size = dense_size
        self.autoregressive = autoregressive
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.weight_decay = weight_decay
        self.criterion = criterion
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.restore_best_weights = restore_best_weights
        self.scaling = scaling
        self.log_transform = log_transform
        self.difference = difference
        self.scale_target = scale_target
        self.scale_input = scale_input
        self.calibration_fraction = calibration_fraction
        self.interval_scale = interval_scale
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.compile = compile
        self.torch_threads = torch_threads

    # -- hooks ------------------------------------------------------------------------------
    def _module_class(self):
        return RecurrentRegressor

    def _module_params(self):
        return {
            **super()._module_params(),
            "horizon": self.horizon_,
            "architecture": self.architecture,
            "n_timesteps": self.n_timesteps_in_,
            "autoregressive": self.autoregressive,
        }

    def _criterion(self):
        criterion = self.criterion
        if criterion is None or isinstance(criterion, str):
            return _CRITERIA[criterion or "mse"], {}
        return criterion, {}

    # -- targets --------------------------------------------------------------------------
    def _validate_y(self, y, n_samples):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        y = check_array(
            to_numpy_input(y),
            ensure_2d=False,
            dtype=FLOAT_DTYPES,
            input_name="y",
            estimator=self,
        )
        if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
            raise ValueError(
                f"y must have shape (n_samples,) or (n_samples, horizon); got {y.shape}."
            )
        if y.shape[0] != n_samples:
            raise ValueError(
                f"X and y hold different numbers of samples: X has {n_samples}, y has "
                f"{y.shape[0]} (shape {y.shape}). Cut both with make_sequences."
            )
        check_float32_range(y, "y")
        return y

    def _init_targets(self, y, classes):
        self._y_ndim = y.ndim
        self.horizon_ = 1 if y.ndim == 1 else y.shape[1]

    def _check_targets(self, y, classes):
        horizon = 1 if y.ndim == 1 else y.shape[1]
        if horizon != self.horizon_:
            raise ValueError(
                f"y has a horizon of {horizon} steps (shape {y.shape}), but the forecaster was "
                f"fitted with horizon {self.horizon_}."
            )

    def _encode_y(self, y):
        return y.reshape(len(y), -1)

    def _remember_input(self, X):
        # make_sequences' windows carry the series' column names and the target's position.
        self.series_features_ = window_feature_names(X)
        self._window_target = window_target_position(X)

    def _n_held_out(self, n_samples):
        if self.calibration_fraction is None:
            return 0
        n_held = int(round(n_samples * self.calibration_fraction))
        if n_held < 1 or n_samples - n_held < 1:
            raise ValueError(
                f"calibration_fraction={self.calibration_fraction} of n_samples={n_samples} "
                f"holds out {n_held} windows, which leaves no window to calibrate on or none "
                "to train on; pass more windows or change calibration_fraction."
            )
        return n_held

    def _after_training(self, X3, y, n_held, lengths):
        # Split conformal: errors of windows the network was not trained on (the latest).
        n_train = X3.shape[0] - n_held
        if n_held:
            start = n_train
        elif self._use_early_stopping(n_train):
            start = n_train - max(1, int(round(n_train * self.validation_fraction)))
        else:
            self.conformal_scores_ = None
            return
        X_cal, y_cal = X3[start:], self._encode_y(y[start:])
        # What the scores are divided by, fixed here whatever interval_scale is set to later:
        # each window's deviation of the target, floored as WindowScaling floors it, from the
        # training windows only (so the calibration scores stay exchangeable with a future
        # window's); None: y's units.
        self._interval_scaling = None
        if self.interval_scale == "window":
            self._interval_scaling = WindowScaling.fit(
                X3[:n_train], target_feature=self._target_feature(
                    X3, "interval_scale='window' scales each interval by the deviation of the "
                    "target in its window", "pass interval_scale=None"))
        errors = np.abs(y_cal - self.scaling_.decode(self._forward(X_cal), X_cal))
        self.conformal_scores_ = np.sort(errors / self._interval_scales(X_cal), axis=0)

    def _interval_scales(self, X3):
        """Per-window scale of the conformal scores: (n, 1)."""
        scaling = self._interval_scaling
        if scaling is None:
            return np.ones((X3.shape[0], 1))
        _, scale = scaling.statistics(X3)
        return scale[:, [scaling.target_feature]]

    def _prepare_rows(self, X_rows, y_rows):
        # Targets too go into the scaled frame (of their own window, for scaling="window").
        return self.scaling_.prepare(X_rows, y_rows)

    def _fit_scaling(self, X3, y):
        if self.log_transform or self.difference:
            return TargetTransform.fit(
                X3, y, self._fit_inner_scaling, target_feature=self._target_feature(
                    X3, "log_transform / difference transform the feature y continues",
                    "set them to False"),
                log=self.log_transform, difference=self.difference)
        return self._fit_inner_scaling(X3, y)

    def _fit_inner_scaling(self, X3, y):
        if self.scaling == "window":
            return WindowScaling.fit(X3, y, target_feature=self._target_feature(X3))
        return GlobalScaling.fit(
            X3, y, scale_input=self.scale_input, scale_target=self.scale_target
        )

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
        """Split-conformal prediction intervals of every horizon step.

        Each step's interval is the point forecast plus or minus the ``coverage`` quantile
        of that step's absolute errors on the held-out windows (``calibration_fraction``, or
        the early-stopping validation windows). With ``interval_scale="window"`` the errors
        are divided by their window's standard deviation of the target and each interval is
        scaled back by its own window's: wide in volatile stretches, narrow in calm ones.
        With ``n`` calibration windows the quantile is the ``ceil((n + 1) * coverage)``-th
        smallest error, which covers future windows like the calibration ones with
        probability at least ``coverage``.

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
            ``coverage / (1 - coverage)`` calibration windows the bounds are infinite (with
            a warning): no finite interval is guaranteed to cover.

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
        scores = self.conformal_scores_
        if scores is None:
            raise ValueError(
                "prediction intervals need windows held out of training: fit with "
                "calibration_fraction=0.1 (say), or with early stopping on."
            )
        if isinstance(coverage, bool) or not isinstance(coverage, Real) or not 0 < coverage < 1:
            raise ValueError(f"coverage must be a number in (0, 1); got {coverage!r}.")
        n_cal = scores.shape[0]
        rank = int(np.ceil((n_cal + 1) * coverage))
        if rank > n_cal:
            # Too few calibration windows to guarantee this coverage: the honest
            # split-conformal interval is unbounded.
            needed = int(np.ceil(coverage / (1 - coverage)))
            warnings.warn(
                f"coverage={coverage} needs at least {needed} calibration windows, but the "
                f"model was calibrated on {n_cal}: the interval is unbounded (-inf, inf). "
                "Raise calibration_fraction or lower coverage.",
                UserWarning,
                stacklevel=2,
            )
            quantile = np.full(scores.shape[1], np.inf)
        else:
            quantile = scores[rank - 1]
        X3 = self._validate_X(X, reset=False)
        point = self.scaling_.decode(self._forward(X3), X3)
        half_width = quantile[np.newaxis, :] * self._interval_scales(X3)
        bounds = [point - half_width, point + half_width]
        if self._y_ndim == 1:
            return bounds[0][:, 0], bounds[1][:, 0]
        return tuple(b.reshape(len(b), self.horizon_) for b in bounds)

    def forecast(self, series, freq=None, coverage=None, series_id=None):
        """Forecast the ``horizon`` steps after the end of ``series``, with their timestamps.

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

        Returns
        -------
        pandas.Series or pandas.DataFrame
            The ``horizon_`` forecasts of the target, indexed by the future labels: of the
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
        """
        self._check_fitted()
        parts = split_panel(series, series_id) if is_panel(series, series_id) else [(None, series)]
        windows, futures = [], []
        for key, part in parts:
            try:
                window, future = self._last_window(part, freq)
            except ValueError as error:
                if key is None:
                    raise
                raise ValueError(f"series {key!r} of the panel: {error}") from None
            windows.append(window)
            futures.append(future)
        window = np.concatenate(windows)
        prediction = self.predict(window).reshape(len(parts), self.horizon_)
        if parts[0][0] is None:
            index = futures[0]
        else:
            keys = [key for key, _ in parts for _ in range(self.horizon_)]
            times = [time for future in futures for time in future]
            index = series_index(keys, times, level_names(series, series_id))
        if coverage is None:
            return pd.Series(prediction.ravel(), index=index, name="forecast")
        lower, upper = self.predict_interval(window, coverage=coverage)
        return pd.DataFrame(
            {"forecast": prediction.ravel(), "lower": np.ravel(lower), "upper": np.ravel(upper)},
            index=index,
        )

    def _last_window(self, series, freq):
        """The input window after the end of one series, and the future index."""
        values, index, columns = series_values(series, "series")
        self._check_series_columns(values, columns)
        if values.shape[0] < self.n_timesteps_in_:
            raise ValueError(
                f"series has {values.shape[0]} rows; forecasting needs the last "
                f"{self.n_timesteps_in_} (the fitted window length)."
            )
        window = values[-self.n_timesteps_in_ :][np.newaxis]
        if np.isnan(window).any():
            raise ValueError(
                f"the last {self.n_timesteps_in_} rows of series (the input window) hold NaN; "
                "fill them first, e.g. with sklstm.TimeSeriesImputer."
            )
        if index is None:
            index = pd.RangeIndex(values.shape[0])
        future = future_index(index, self.horizon_, freq, "series")
        return (window[:, :, 0] if self._fit_ndim == 2 else window), future

    def _check_series_columns(self, values, columns):
        n_fitted = self._n_step_features
        if values.shape[1] != n_fitted:
            raise ValueError(
                f"series has {values.shape[1]} column(s) {columns if columns else ''} but the "
                f"forecaster was fitted on windows of {n_fitted} feature(s)"
                f"{' ' + str(list(self.series_features_)) if self.series_features_ else ''}; "
                "pass the same columns as the series the windows were cut from."
            )
        fitted = self.series_features_
        if fitted is None or columns is None or list(columns) == list(fitted):
            return
        if n_fitted == 1 and (columns[0] is None or fitted[0] is None):
            return  # an unnamed single series: nothing to compare
        hint = (
            f"reorder them with series[{list(fitted)!r}]"
            if set(columns) == set(fitted)
            else "pass the columns the model was fitted on"
        )
        raise ValueError(
            f"series has columns {list(columns)} but the forecaster was fitted on "
            f"{list(fitted)} (in this order); {hint}."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class GRUForecaster(LSTMForecaster):
    __doc__ = (
        """Recurrent forecaster with GRU cells by default (else identical to LSTMForecaster).
    """
        + _DOC_PARAMETERS % {"cell": "gru"}
        + _DOC_ATTRIBUTES
        + """
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
    """
    )

    def __init__(
        self,
        *,
        hidden_size=64,
        num_layers=1,
        cell="gru",
        bidirectional=False,
        dropout=0.0,
        architecture="direct",
        dense_size=None,
        autoregressive=True,
        max_epochs=100,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        optimizer_params=None,
        weight_decay=0.0,
        criterion=None,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=15,
        clip_grad_norm=1.0,
        lr_schedule="plateau",
        restore_best_weights=True,
        scaling="global",
        log_transform=False,
        difference=False,
        scale_target=True,
        scale_input=True,
        calibration_fraction=None,
        interval_scale="window",
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        compile=False,
        torch_threads="auto",
    ):
        super().__init__(
            hidden_size=hidden_size,
            num_layers=num_layers,
            cell=cell,
            bidirectional=bidirectional,
            dropout=dropout,
            architecture=architecture,
            dense_size=dense_size,
            autoregressive=autoregressive,
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            optimizer_params=optimizer_params,
            weight_decay=weight_decay,
            criterion=criterion,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            clip_grad_norm=clip_grad_norm,
            lr_schedule=lr_schedule,
            restore_best_weights=restore_best_weights,
            scaling=scaling,
            log_transform=log_transform,
            difference=difference,
            scale_target=scale_target,
            scale_input=scale_input,
            calibration_fraction=calibration_fraction,
            interval_scale=interval_scale,
            device=device,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
            warm_start=warm_start,
            compile=compile,
            torch_threads=torch_threads,
        )
