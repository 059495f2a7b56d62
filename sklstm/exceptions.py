"""Errors and warnings that sklstm raises, for callers that want to catch them by type."""

from ._time import IrregularTimeIndexWarning

__all__ = ["IrregularTimeIndexWarning", "NonFiniteLossError"]


class NonFiniteLossError(ValueError):
    """Training stopped because the loss became NaN or infinite (the fit diverged).

    A ``ValueError``, so that ``GridSearchCV(error_score=np.nan)`` records the candidate as
    failed and goes on. Lower the learning rate, scale the inputs, or keep gradient clipping on.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMForecaster
    >>> from sklstm.exceptions import NonFiniteLossError
    >>> X = np.random.default_rng(0).normal(size=(64, 5, 1))
    >>> model = LSTMForecaster(lr=1e30, clip_grad_norm=None, max_epochs=20,
    ...                        random_state=0)
    >>> try:
    ...     model.fit(X, X[:, -1, 0])
    ... except NonFiniteLossError as exc:
    ...     print(type(exc).__name__)
    NonFiniteLossError
    """
