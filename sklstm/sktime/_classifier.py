"""sklstm's SequenceClassifier as an sktime classifier (``BaseClassifier``)."""

import numpy as np
from sktime.classification.base import BaseClassifier

from .. import classification as _core
from .._params import declare
from ..windowing import pad_sequences

__all__ = ["SequenceClassifier"]

# The core classifier's parameters, passed through unchanged (all but ``warm_start``: every
# sktime fit is a new fit).
_CORE_PARAMS = _core.CLASSIFIER_PARAMS.without("warm_start")


def to_time_major(X):
    """sktime panel -> sklstm's ``(n, time, channels)``, NaN-padded at the end.

    ``numpy3D`` ``(n, channels, time)`` is transposed as a view (no copy); a list of
    DataFrames (``df-list``, unequal lengths) is stacked with NaN padding, which the
    classifier packs away.
    """
    if isinstance(X, np.ndarray):
        return X.transpose(0, 2, 1)
    return pad_sequences(X)


@declare(_CORE_PARAMS, keyword_only=False, after="_after_init", summary="""sklstm's sequence classifier (LSTM-FCN by default) as an sktime classifier.

    Takes sktime panels: ``numpy3D`` arrays ``(n_instances, n_channels, n_timepoints)`` (read
    through a transposed view), and unequal-length panels (any sktime panel mtype; packed
    inside the network, so padding never enters the recurrent state). The network is
    :class:`sklstm.SequenceClassifier`; its parameters (but ``warm_start``) are listed below unchanged.

""",
         sections="""
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
""")
class SequenceClassifier(BaseClassifier):
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

    def _after_init(self):
        BaseClassifier.__init__(self)

    def _fit(self, X, y):
        self.estimator_ = _core.SequenceClassifier(
            **{name: getattr(self, name) for name in _CORE_PARAMS.names}
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
