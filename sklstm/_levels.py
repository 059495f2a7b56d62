"""The probabilistic arguments: a nominal coverage and a set of quantile levels."""

import numbers

import numpy as np


def check_coverage(coverage):
    """A nominal coverage: a number in (0, 1), as a float."""
    if isinstance(coverage, bool) or not isinstance(coverage, numbers.Real) or not (
            0 < coverage < 1):
        raise ValueError(f"coverage must be a number in (0, 1); got {coverage!r}.")
    return float(coverage)


def check_quantiles(quantiles):
    """Quantile levels: a non-empty 1-D float array of numbers in (0, 1)."""
    try:
        levels = np.asarray(quantiles, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        levels = np.array([])
    if levels.size == 0 or not np.all((levels > 0) & (levels < 1)):
        raise ValueError(f"quantiles must be numbers in (0, 1); got {quantiles!r}.")
    return levels
