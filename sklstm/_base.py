"""The base class of the recurrent estimators: their public entry points and their hooks.

The estimators *own* a skorch net (``net_``) built in ``fit``; ``__init__`` only stores
parameters (declared once, in ``_recurrent_params`` and each estimator's own module). The
work lives in the modules named for it; this class only connects them:

- ``_fit``: the fit template (``fit``, ``partial_fit``, warm starts; atomic);
- ``_netbuild``: the skorch net built from the parameters, refreshed, rebuilt for ``load``;
- ``_runtime``: device, threads, seeds;
- ``_predict``: blocked prediction;
- ``persistence`` and ``_export``: ``save`` and ``to_onnx``.

A subclass supplies the hooks listed under "hooks" (what its targets are, its scaling, its
module and its loss); see ``_fit`` for the order in which the template calls them.
"""

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils.validation import check_is_fitted

from . import _fit, _predict
from ._estimators import register
from ._recurrent_params import AUTO_EARLY_STOPPING_MIN_SAMPLES
from ._runtime import threads_for, torch_threads
from ._validation import as_3d, validate_sequences


class BaseRecurrent(BaseEstimator):
    """Parameters and the fit/predict entry points common to forecasters and classifiers."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        register(cls)  # sklstm.load finds the class by its name

    # -- hooks for subclasses -------------------------------------------------------------
    def _module_class(self):
        raise NotImplementedError

    def _module_params(self):
        """Keyword arguments of the module; subclasses add their own to these."""
        return {
            "n_features": self._n_step_features,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            "dense_size": self.dense_size,
        }

    def _criterion(self):
        """``(criterion class or instance, {criterion__ params})``."""
        raise NotImplementedError

    def _prepare_X(self, X, reset):
        """Validated ``(X3, lengths or None)``."""
        return self._validate_X(X, reset=reset), None

    def _validate_y(self, y, n_samples):
        raise NotImplementedError

    def _target_state(self, y, classes):
        """Fresh fit: the fitted attributes that say what the targets are (classes, horizon)."""
        raise NotImplementedError

    def _check_targets(self, y, classes):
        """Continued fit: refuse targets that do not match the fitted ones."""
        raise NotImplementedError

    def _encode_y(self, y):
        """Targets as stored for training (before any scaling)."""
        raise NotImplementedError

    def _scaling_state(self, X3, y):
        """Fresh fit: ``{"scaling_": fitted Scaling, ...}``."""
        raise NotImplementedError

    def _input_state(self, X, X3, lengths):
        """Fresh fit: what the raw X says beyond its values (nothing by default)."""
        return {}

    # batch_size="auto" (the forecasters' default): about this many batches an epoch on small
    # data, between the two sizes below. 60 windows in batches of 64 are one gradient step an
    # epoch: 100 epochs of them leave a network untrained (Canberra 18 -> 18 the tutorial's
    # way: mean MAE 1.18 over seeds 0-4 in batches of 64, 1.14 in batches of 16).
    # early_stopping="auto": on from this many samples.
    AUTO_EARLY_STOPPING = AUTO_EARLY_STOPPING_MIN_SAMPLES

    AUTO_BATCHES_PER_EPOCH = 16
    AUTO_BATCH_SIZES = (16, 64)

    def _batch_size(self, n_samples):
        """The training batch size for ``n_samples`` samples (``batch_size="auto"``)."""
        if self.batch_size != "auto":
            return int(self.batch_size)
        smallest, largest = self.AUTO_BATCH_SIZES
        if n_samples is None:
            return largest
        return int(np.clip(n_samples // self.AUTO_BATCHES_PER_EPOCH, smallest, largest))

    # lr_schedule, lr and max_epochs "auto" (the forecasters' defaults): one learning-rate
    # cycle of 30 epochs peaking at 5e-3 from AUTO_CYCLE_MIN_SAMPLES samples (M3, M4, the
    # weather panel, sunspots: thousands to hundreds of thousands of windows); on less the
    # plateau schedule, 1e-3 and up to 100 epochs. The 63 windows of Canberra 18 -> 18 in
    # batches of 16 take 4 steps an epoch: mean MAE over seeds 0-4 1.194 with 30 epochs of
    # the cycle, 1.174 with 100, 1.134 with the plateau training (climatology 1.192).
    AUTO_CYCLE = {"lr_schedule": "onecycle", "lr": 5e-3, "max_epochs": 30}
    AUTO_SMALL = {"lr_schedule": "plateau", "lr": 1e-3, "max_epochs": 100}
    AUTO_CYCLE_MIN_SAMPLES = 1_000

    def _training_regime(self, n_samples):
        """``{"lr_schedule", "lr", "max_epochs"}`` of a fit on ``n_samples`` samples, each
        "auto" resolved (``n_samples`` None: as for large data)."""
        chosen = {name: getattr(self, name) for name in self.AUTO_CYCLE}
        if chosen["lr_schedule"] == "auto":
            large = n_samples is None or n_samples >= self.AUTO_CYCLE_MIN_SAMPLES
            chosen["lr_schedule"] = "onecycle" if large else "plateau"
        rule = self.AUTO_CYCLE if chosen["lr_schedule"] == "onecycle" else self.AUTO_SMALL
        return {name: rule[name] if value == "auto" else value
                for name, value in chosen.items()}

    def _batch_state(self):
        """Every fit: fitted attributes of how batches are drawn (nothing by default)."""
        return {}

    def _train_batch_params(self):
        """How training batches are drawn beyond shuffling (``BatchIterator`` parameters)."""
        return {}

    def _n_held_out(self, n_samples):
        """Latest samples kept out of training (for calibration); none by default."""
        return 0

    def _first_training_sample(self, X, n_samples):
        """How many of the oldest samples this call leaves out (``training_start_``); None:
        the estimator never leaves any out (and has no ``training_start_``)."""
        return None

    def _trained_state(self, X3, y, n_held, lengths):
        """After training, with all validated samples: what is learnt from the trained net."""
        return {}

    _target_dtype = torch.float32  # of the encoded targets (the classifier: int64)

    def _prepare_rows(self, X_rows, y_rows):
        """Raw rows -> the network's frame: scaled float32 windows; targets as encoded."""
        return self.scaling_.transform(X_rows), y_rows

    # -- fitting --------------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train on sequences X and their targets y.

        With ``warm_start=True`` and a fitted model, training continues from the fitted
        weights with the current training parameters (lr, max_epochs, batch_size, ...).
        The call is atomic: if it raises (or is interrupted), the estimator is left as it
        was before the call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
            Sequences (windows of history); numpy, pandas (2-D) or torch.
        y : array-like of shape (n_samples,) or (n_samples, horizon)
            Targets of the sequences.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        continuing = bool(self.warm_start) and self._is_fitted()
        return _fit.fit_atomic(self, X, y, epochs=None, continuing=continuing)

    def _partial_fit(self, X, y, classes=None):
        continuing = self._is_fitted()
        self._validate_params()
        return _fit.fit_atomic(self, X, y, epochs=1, continuing=continuing, classes=classes)

    def _is_fitted(self):
        return hasattr(self, "net_")

    def _check_fitted(self):
        check_is_fitted(self, "net_")

    # -- prediction -----------------------------------------------------------------------
    def _validate_X(self, X, reset, allow_nan=False, fixed_timesteps=True):
        """Validated X as a 3-D ``(n_samples, n_timesteps, n_features)`` view."""
        return as_3d(validate_sequences(self, X, reset=reset, allow_nan=allow_nan,
                                        fixed_timesteps=fixed_timesteps, in_float32_range=True))

    def _threads(self):
        """Torch threads for this fit/predict (None: leave the caller's setting)."""
        net = getattr(self, "net_", None)
        device = net.device if net is not None else self.device
        return threads_for(getattr(self, "torch_threads", "auto"), device)

    def _forward(self, X3, lengths=None, view=None):
        """Module outputs for validated samples, in large blocks, without autograd."""
        with torch_threads(self._threads()):
            return _predict.forward(self.net_, self.scaling_, X3, lengths, view)

    # -- saving and serving ---------------------------------------------------------------
    # What to_onnx exports: "forecaster" (outputs in y's units) or "classifier" (probabilities).
    _onnx_kind = "forecaster"

    def to_onnx(self, path):
        """Export the fitted model as an ONNX graph (serve it with onnxruntime, no PyTorch).

        The graph takes float32 windows ``(batch, n_timesteps, n_features)`` named "X" (any
        batch size) and holds the whole prediction: input scaling (computed in float64 as in
        :meth:`predict`), the network, and the outputs in the user's units — forecasts of
        shape ``(batch, horizon)``, or the classifier's probabilities ``(batch, n_classes)``
        in the order of ``classes_`` (sequences of any length, without NaN padding). A
        forecaster with a probabilistic head (``criterion="quantile"`` or ``"normal"``) has
        a second output, "quantiles" ``(batch, horizon, n_levels)``: the head's own
        quantiles at ``quantile_levels_`` (as ``interval_method="head"`` gives them; a
        conformal correction is not in the graph); ``"student_t"`` cannot be exported. The
        labels, horizon and window length are stored in the model's metadata. Needs the
        ``onnx`` package (the ``onnx`` extra).

        Parameters
        ----------
        path : str or path-like
            The ``.onnx`` file to write.
        """
        from ._export import export_onnx

        export_onnx(self, path, self._onnx_kind, dynamic_time=self._onnx_kind == "classifier")

    def save(self, path):
        """Write the fitted model to ``path`` without pickle (load it with :func:`sklstm.load`).

        Parameters are stored as JSON, fitted arrays as plain arrays and the weights as
        tensors; loading never unpickles arbitrary objects and needs no GPU. Parameters that
        are objects (callbacks, a loss instance) cannot be stored this way: pickle such a
        model instead.

        Parameters
        ----------
        path : str or path-like
            The file to write (conventionally ``.sklstm``).
        """
        from .persistence import save

        save(self, path)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
