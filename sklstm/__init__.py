"""sklstm: scikit-learn estimators of recurrent neural networks (LSTM, GRU) built on skorch."""

from .classification import SequenceClassifier
from .features import add_calendar_features, add_series_indicators
from .forecasting import GRUForecaster, LSTMForecaster
from .impute import TimeSeriesImputer, reinstate_missing_timestamps
from .persistence import load
from .seasonal import Deseasonalizer
from .windowing import Sequences, SequenceWindower, make_sequences, pad_sequences

from ._version import __version__

__all__ = [
    "add_calendar_features",
    "add_series_indicators",
    "Deseasonalizer",
    "GRUForecaster",
    "LSTMForecaster",
    "SequenceClassifier",
    "SequenceWindower",
    "Sequences",
    "TimeSeriesImputer",
    "load",
    "make_sequences",
    "pad_sequences",
    "reinstate_missing_timestamps",
]
