"""sklstm: scikit-learn estimators of recurrent neural networks (LSTM, GRU) built on skorch."""

from .classification import SequenceClassifier
from .features import add_calendar_features, add_series_indicators
from .forecasting import GRUForecaster, LSTMForecaster
from .impute import TimeSeriesImputer, reinstate_missing_timestamps
from .persistence import load
from .seasonal import Deseasonalizer
from .windowing import Sequences, SequenceWindower, make_sequences, pad_sequences

from ._version import __version__


def _register_serializers():
    # Windows carry attributes (the series state) that dask.distributed's numpy serialiser
    # would drop on the way to a worker; register a pickling one when distributed is used.
    # Importing distributed costs 0.35 s, so it is not imported here: registered now if it
    # already is, else as soon as it is.
    import sys

    from ._window_array import register_with_distributed, register_when_imported

    if "distributed.protocol" in sys.modules:
        register_with_distributed()
    else:
        register_when_imported()


_register_serializers()

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
