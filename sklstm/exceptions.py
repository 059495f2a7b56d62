"""Errors and warnings that sklstm raises, for callers that want to catch them by type."""

from ._time import IrregularTimeIndexWarning

__all__ = ["IrregularTimeIndexWarning", "NonFiniteLossError"]


class NonFiniteLossError(ValueError):
    """Training stopped because the loss became NaN or infinite (the fit diverged).

    A ``ValueError``, so that ``GridSearchCV(error_score=np.nan)`` records the candidate as
    failed and goes on.
    """
