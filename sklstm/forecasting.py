"""LSTM and GRU forecasters: windows of history in, the next ``horizon`` values out."""

import numpy as np
import pandas as pd
import torch
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_array

from ._base import BaseRecurrent
from ._modules import RecurrentRegressor
from ._validation import FLOAT_DTYPES, to_numpy_input
from .windowing import series_values

__all__ = ["GRUForecaster", "LSTMForecaster"]

_DOC_PARAMETERS = """
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
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    early_stopping : "auto" or bool, default="auto"
        Stop when the loss on the latest ``validation_fraction`` of the windows has not
        improved for ``patience`` epochs, and restore the best weights. "auto": on when there
        are at least 10,000 windows. Windows must be in time order for "latest" to mean the
        most recent.
    validation_fraction : float, default=0.1
        Share of the (latest) windows held out for early stopping.
    patience : int, default=10
        Epochs without improvement before stopping.
    scale_target : bool, default=True
        Standardise y with its training mean and deviation; predictions come back in the
        original units.
    scale_input : bool, default=True
        Standardise each input feature with the training series' mean and deviation.
    device : str, default="cpu"
        "cpu", "cuda", "cuda:N", "mps" or "auto" (the best available).
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout: the same seed, data and device
        give identical predictions.
    verbose : int, default=0
        Print skorch's per-epoch log when > 0.
    callbacks : list of skorch callbacks or (name, callback) tuples, or None, default=None
        Passed through to the skorch net.
    warm_start : bool, default=False
        Continue from the fitted weights on the next call to ``fit``.
    compile : bool, default=False
        Run the module through ``torch.compile`` (pays off for large models on GPU).
"""

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
        weight_decay=0.0,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=10,
        scale_target=True,
        scale_input=True,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        compile=False,
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
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.scale_target = scale_target
        self.scale_input = scale_input
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.compile = compile

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
        return torch.nn.MSELoss

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
        return y

    def _encode_y(self, y):
        encoded = (y.reshape(len(y), -1) - self.y_mean_) / self.y_scale_
        return torch.from_numpy(np.ascontiguousarray(encoded, dtype=np.float32))

    # -- public API -------------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train on windows X and the values y that follow them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Windows of history; numpy, pandas (2-D) or torch.
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            Target values after each window.

        Returns
        -------
        self : object
            The fitted forecaster.
        """
        if self.warm_start and hasattr(self, "net_"):
            return self._continue(X, y, epochs=None)
        return self._start(X, y, epochs=None)

    def partial_fit(self, X, y):
        """Train one more epoch on X, y (the first call initialises the network).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        y : array-like of shape (n_samples,) or (n_samples, horizon)

        Returns
        -------
        self : object
        """
        if not hasattr(self, "net_"):
            self._validate_params()
            return self._start(X, y, epochs=1)
        return self._continue(X, y, epochs=1)

    def _start(self, X, y, epochs):
        """Validate, fit the target scale, build a new net and train it."""
        X3 = self._validate_X(X, reset=True)
        y = self._validate_y(y, X3.shape[0])
        self._y_ndim = y.ndim
        self.horizon_ = 1 if y.ndim == 1 else y.shape[1]
        if self.scale_target:
            self.y_mean_ = float(np.mean(y))
            self.y_scale_ = float(np.std(y)) or 1.0
        else:
            self.y_mean_, self.y_scale_ = 0.0, 1.0
        return self._fit_net(X3, self._encode_y(y), reset=True, epochs=epochs)

    def _continue(self, X, y, epochs):
        X3 = self._validate_X(X, reset=False)
        y = self._validate_y(y, X3.shape[0])
        horizon = 1 if y.ndim == 1 else y.shape[1]
        if horizon != self.horizon_:
            raise ValueError(
                f"y has a horizon of {horizon} steps (shape {y.shape}), but the forecaster was "
                f"fitted with horizon {self.horizon_}."
            )
        return self._fit_net(X3, self._encode_y(y), reset=False, epochs=epochs)

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
        out = self._forward(X3) * self.y_scale_ + self.y_mean_
        return out[:, 0] if self._y_ndim == 1 else out.reshape(len(out), self.horizon_)

    def forecast(self, series, freq=None):
        """Forecast the ``horizon`` steps after the end of ``series``, with their timestamps.

        Parameters
        ----------
        series : pandas Series/DataFrame or array-like
            The series the model was trained on (or its continuation); its last
            ``n_timesteps_in_`` rows form the input window.
        freq : str or None, default=None
            Frequency of the future index; None takes the series index's frequency.

        Returns
        -------
        pandas.Series
            The ``horizon_`` forecasts, indexed by the future timestamps (or positions).
        """
        self._check_fitted()
        values, index, _ = series_values(series, "series")
        if values.shape[0] < self.n_timesteps_in_:
            raise ValueError(
                f"series has {values.shape[0]} rows; forecasting needs the last "
                f"{self.n_timesteps_in_} (the fitted window length)."
            )
        window = values[-self.n_timesteps_in_ :][np.newaxis]
        window = window[:, :, 0] if self._fit_ndim == 2 else window
        prediction = np.ravel(self.predict(window))
        if isinstance(index, pd.DatetimeIndex):
            step = freq or index.freq or pd.infer_freq(index)
            if step is None:
                raise ValueError("cannot infer the series frequency; pass freq=, e.g. 'D' or 'MS'.")
            future = pd.date_range(index[-1], periods=self.horizon_ + 1, freq=step)[1:]
        else:
            future = pd.RangeIndex(values.shape[0], values.shape[0] + self.horizon_)
        return pd.Series(prediction, index=future, name="forecast")

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
        weight_decay=0.0,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=10,
        scale_target=True,
        scale_input=True,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        compile=False,
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
            weight_decay=weight_decay,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            scale_target=scale_target,
            scale_input=scale_input,
            device=device,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
            warm_start=warm_start,
            compile=compile,
        )
