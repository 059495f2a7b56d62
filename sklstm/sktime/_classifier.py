"""sklstm's SequenceClassifier as an sktime classifier (``BaseClassifier``)."""

import numpy as np
from sktime.classification.base import BaseClassifier

from .. import classification as _core
from ..windowing import pad_sequences

__all__ = ["SequenceClassifier"]

# The core classifier's parameters that the adapter passes through unchanged (all but
# ``warm_start``: every sktime fit is a new fit).
_CORE_PARAMS = tuple(
    name for name in _core.SequenceClassifier._get_param_names() if name != "warm_start"
)


def to_time_major(X):
    """sktime panel -> sklstm's ``(n, time, channels)``, NaN-padded at the end.

    ``numpy3D`` ``(n, channels, time)`` is transposed as a view (no copy); a list of
    DataFrames (``df-list``, unequal lengths) is stacked with NaN padding, which the
    classifier packs away.
    """
    if isinstance(X, np.ndarray):
        return X.transpose(0, 2, 1)
    return pad_sequences(X)


class SequenceClassifier(BaseClassifier):
    """sklstm's sequence classifier (LSTM-FCN by default) as an sktime classifier.

    Takes sktime panels: ``numpy3D`` arrays ``(n_instances, n_channels, n_timepoints)`` (read
    through a transposed view), and unequal-length panels (any sktime panel mtype; packed
    inside the network, so padding never enters the recurrent state). The network is
    :class:`sklstm.SequenceClassifier`; its parameters are listed below unchanged.

    Parameters
    ----------
    architecture, hidden_size, num_layers, cell, bidirectional, dropout, dense_size, \
conv_filters, conv_kernels, crop_fraction, test_crops, max_epochs, batch_size, lr, optimizer, \
optimizer_params, weight_decay, early_stopping, validation_fraction, patience, clip_grad_norm, \
lr_schedule, restore_best_weights, class_weight, scaling, scale_input, device, random_state, \
verbose, callbacks, compile, torch_threads
        As in :class:`sklstm.SequenceClassifier`.

    Attributes
    ----------
    estimator_ : sklstm.SequenceClassifier
        The fitted network.
    classes_ : ndarray
        The class labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.sktime import SequenceClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 2, 30))          # (instances, channels, time points)
    >>> y = np.where(X[:, 0, :].mean(axis=1) > 0, "up", "down")
    >>> clf = SequenceClassifier(max_epochs=5, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    """

    _tags = {
        "authors": ["sklstm"],
        # numpy3D input stays numpy3D (read through a view); any other panel, equal or
        # unequal length, becomes a list of DataFrames.
        "X_inner_mtype": ["df-list", "numpy3D"],
        "y_inner_mtype": "numpy1D",
        "capability:multivariate": True,
        "capability:unequal_length": True,
        "capability:missing_values": False,
        "capability:predict_proba": True,
        "capability:class_weight": True,
        "capability:random_state": True,
        "property:randomness": "derandomized",
        "python_dependencies": ["torch", "skorch"],
    }

    def __init__(
        self,
        architecture="recurrent_fcn",
        hidden_size=64,
        num_layers=1,
        cell="lstm",
        bidirectional=False,
        dropout=0.0,
        dense_size=None,
        conv_filters=(128, 256, 128),
        conv_kernels="auto",
        crop_fraction="auto",
        test_crops="auto",
        max_epochs=100,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        optimizer_params=None,
        weight_decay=0.0,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=15,
        clip_grad_norm=1.0,
        lr_schedule="plateau",
        restore_best_weights=True,
        class_weight=None,
        scaling="auto",
        scale_input=True,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        compile=False,
        torch_threads="auto",
    ):
        self.architecture = architecture
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.dense_size = dense_size
        self.conv_filters = conv_filters
        self.conv_kernels = conv_kernels
        self.crop_fraction = crop_fraction
        self.test_crops = test_crops
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.restore_best_weights = restore_best_weights
        self.class_weight = class_weight
        self.scaling = scaling
        self.scale_input = scale_input
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.compile = compile
        self.torch_threads = torch_threads
        super().__init__()

    def _fit(self, X, y):
        self.estimator_ = _core.SequenceClassifier(
            **{name: getattr(self, name) for name in _CORE_PARAMS}
        )
        self.estimator_.fit(to_time_major(X), y)
        return self

    def _predict(self, X):
        return self.estimator_.predict(to_time_major(X))

    def _predict_proba(self, X):
        # The core orders its columns by its classes_, the sorted labels, as sktime does.
        return self.estimator_.predict_proba(to_time_major(X))

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Small settings for sktime's conformance tests (a few epochs of a tiny network)."""
        return [
            {
                "hidden_size": 4,
                "conv_filters": (4, 8, 4),
                "max_epochs": 2,
                "random_state": 0,
            },
            {
                "architecture": "recurrent",
                "cell": "gru",
                "hidden_size": 4,
                "max_epochs": 2,
                "random_state": 1,
            },
        ]
