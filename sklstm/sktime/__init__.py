"""sklstm's estimators behind sktime's interfaces (``BaseForecaster``, ``BaseClassifier``).

Importing this module imports sktime; ``import sklstm`` alone never does.

- :class:`LSTMForecaster`, :class:`GRUForecaster`: ``fit(y, X=None, fh=...)`` /
  ``predict(fh, X)`` with relative or absolute horizons, exogenous ``X`` (its past values are
  inputs of every window), panel and hierarchical ``y`` as one global model, ``update``.
- :class:`SequenceClassifier`: sktime's ``numpy3D`` panels ``(n, channels, time)`` and
  unequal-length panels, ``predict_proba``.
"""

try:
    import sktime  # noqa: F401
except ImportError as error:  # pragma: no cover - sktime is a dependency, but may be removed
    raise ImportError(
        "sklstm.sktime needs sktime; install it with `pip install sktime`."
    ) from error

from ._classifier import SequenceClassifier
from ._forecaster import GRUForecaster, LSTMForecaster

__all__ = ["GRUForecaster", "LSTMForecaster", "SequenceClassifier"]
