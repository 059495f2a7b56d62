"""Which values an input may hold: no NaN where none is allowed, no infinity, nothing beyond
float32's range (the networks compute in float32).

Sliding windows overlap in memory, so every check reads each value once through
:func:`covering_views` rather than once per window.
"""

import numpy as np

# The networks compute in float32: larger magnitudes become infinity on the device.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_float32_range(X, name, parts=None):
    """Refuse finite values too large for the float32 arithmetic of the networks.

    ``parts``: the covering views of X when the caller has them already.
    """
    if X.dtype.kind != "f" or X.dtype.itemsize <= 4 or X.size == 0:
        return
    parts = covering_views(X) if parts is None else parts
    largest = max((_largest_magnitude(part) for part in parts), default=0.0)
    if largest > FLOAT32_MAX:
        raise ValueError(
            f"{name} holds values up to {largest:.3g}, beyond float32's range "
            f"({FLOAT32_MAX:.3g}) in which the network computes. Rescale {name} (e.g. divide "
            "by a power of ten, or take logarithms) before fitting."
        )


def _largest_magnitude(values):
    """The largest absolute value in ``values``, NaN ignored (0 when there is none).

    ``fmax``/``fmin`` skip NaN without the copies ``np.nanmax(np.abs(...))`` makes (the
    absolute values, then NaN replaced): 30 times faster on a panel's windows.
    """
    high = float(np.fmax.reduce(values, axis=None, initial=-np.inf))
    low = float(np.fmin.reduce(values, axis=None, initial=np.inf))
    if not high >= low:  # nothing but NaN
        return 0.0
    return max(abs(high), abs(low))


def covering_views(X):
    """Return views that together hold every element of ``X`` exactly once, when cheap to find.

    ``make_sequences`` returns overlapping sliding windows: window ``i + 1`` starts ``k`` steps
    after window ``i`` in the same memory. Checking or summarising every window would touch
    each value ``window_length`` times (and, for NaN checks, allocate a mask as large as the
    materialised windows); the first window plus the last ``k`` steps of every later window
    cover the same memory exactly once. Any other array is returned whole.
    """
    if X.ndim != 3 or X.shape[0] < 2:
        return [X]
    n_timesteps = X.shape[1]
    step_sample, step_time = X.strides[0], X.strides[1]
    if step_time > 0 and step_sample > 0 and step_sample % step_time == 0:
        k = step_sample // step_time
        if 0 < k < n_timesteps:
            return [X[0], X[1:, n_timesteps - k:]]
    k = _overlap_shift(X)
    if k is not None:
        return [X[0], X[1:, n_timesteps - k:]]
    return [X]


def _overlap_shift(X):
    """The shift ``k`` by which consecutive windows of a *copy* overlap, if they all do.

    Windows cut with any stride and then copied (by a pipeline step, pandas, a DataFrame of
    lags) are no longer views, but their content still overlaps: window ``i + 1`` is window
    ``i`` moved ``k`` steps on. Found from the first two windows, then verified on all.
    """
    n_timesteps = X.shape[1]
    for k in range(1, n_timesteps):
        if np.array_equal(X[1, : n_timesteps - k], X[0, k:], equal_nan=True):
            rows = max(1, 2**20 // max(1, n_timesteps * X.shape[2]))
            for start in range(0, X.shape[0] - 1, rows):
                stop = min(start + rows, X.shape[0] - 1)
                if not np.array_equal(
                    X[start + 1 : stop + 1, : n_timesteps - k], X[start:stop, k:], equal_nan=True
                ):
                    return None
            return k
    return None


def check_finite(X, *, allow_nan, name="X", in_float32_range=False):
    """Raise ``ValueError`` if ``X`` holds infinity (or NaN when ``allow_nan`` is False).

    ``in_float32_range``: also refuse values beyond float32 (one search for the covering
    views, which for copied windows means a scan of their content).
    """
    if X.dtype.kind not in "fc":
        return
    parts = covering_views(X)
    for part in parts:
        # A finite sum proves there is neither NaN nor inf, without allocating a mask.
        with np.errstate(over="ignore", invalid="ignore"):
            total = part.sum()
        if np.isfinite(total):
            continue
        if not allow_nan and np.isnan(part).any():
            raise ValueError(
                f"Input {name} contains NaN. Fill the gaps first, for example with "
                "sklstm.TimeSeriesImputer, or drop the affected samples."
            )
        if np.isinf(part).any():
            raise ValueError(
                f"Input {name} contains infinity or a value too large for {X.dtype}. "
                "Replace infinite values before fitting or predicting."
            )
    if in_float32_range:
        check_float32_range(X, name, parts)
