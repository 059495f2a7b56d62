"""The series-level state that windows carry: each series' season and its Theta level and
trend, step by step, as extra channels of ``make_sequences``' windows.

Why channels: a window of 2H steps cannot tell a season from noise or a trend from a wiggle
(a classical decomposition of 30 monthly values, or a Theta fit on them, is far worse than
the same on the whole series: M3 monthly sMAPE 16.0 against 13.9). What the whole series
says is computed once per series, where the series is known (``make_sequences`` and
``forecast()``), and travels with each window as five channels, so that the estimator, a
``Pipeline``, a grid search, ``predict`` on test windows and the ONNX graph all read it from
the windows alone (the ES-RNN recipe: per-series season and level from classical methods,
one global network on what is left).

The channels, per step ``t`` of the series (appended after the series' own features):

- ``season_factor``, ``season_offset``: the classical decomposition's seasonal index of the
  step (multiplicative: factor, offset 0; additive: factor 1, offset); the season-adjusted
  target is ``x / factor - offset``. Only for a series whose season is significant (the M4
  test), else 1 and 0.
- ``level``: simple exponential smoothing of the adjusted target up to ``t`` (smoothing
  constant fitted per series on the one-step errors);
- ``level_lead``, ``level_drift``: the Theta method's trend (Assimakopoulos & Nikolopoulos
  2000; Hyndman & Billah 2003): half the least-squares slope of the adjusted target up to
  ``t`` (``level_drift``), and its offset for the first step (``level_lead``).

The Theta forecast made at the end of a window, ``h`` steps ahead, is then
``(level + level_lead + level_drift * h + offset[t+h]) * factor[t+h]``, the seasonal index
of ``t + h`` read one season back in the window (windows hold at least one season).
The season and the smoothing constant use the whole series given (training windows see a
season estimated on all the training data: the look-ahead ES-RNN makes too); the slope and
the level at ``t`` use the steps up to ``t`` only.
"""

import numpy as np

from .seasonal import choose_model, infer_season_length, is_seasonal, seasonal_profile

CHANNELS = ("season_factor", "season_offset", "level", "level_lead", "level_drift")
N_CHANNELS = len(CHANNELS)
FACTOR, OFFSET, LEVEL, LEAD, DRIFT = range(N_CHANNELS)

# Smoothing constants tried for the level (one-step squared error, as the Theta method).
_ALPHAS = np.linspace(0.05, 1.0, 20)


def resolve_season_length(season_length, index, window_length):
    """``make_sequences``' ``season_length`` as an int >= 1, or None for plain windows.

    "auto": the season of the index's frequency (12 for months, 24 for hours, ...), when
    the windows hold one season; None for other indexes (positions, yearly data).
    """
    if season_length is None:
        return None
    if isinstance(season_length, str):
        if season_length != "auto":
            raise ValueError(
                f"season_length must be 'auto', an int >= 1 or None; got {season_length!r}.")
        m = infer_season_length(index) if index is not None else None
        return m if m is not None and m <= window_length else None
    if isinstance(season_length, bool) or not isinstance(season_length, (int, np.integer)) \
            or season_length < 1:
        raise ValueError(
            f"season_length must be 'auto', an int >= 1 (1: no season) or None; got "
            f"{season_length!r}.")
    if season_length > window_length:
        raise ValueError(
            f"season_length={season_length} is longer than window_length={window_length}: "
            "the windows must hold one season to carry its indices into the forecast. "
            "Lengthen the windows or pass season_length=None.")
    return int(season_length)


def season(values, season_length):
    """``(factor, offset)`` per step: the series' seasonal indices, when significant."""
    n = len(values)
    factor, offset = np.ones(n), np.zeros(n)
    m = season_length
    if m >= 2 and is_seasonal(values, m):
        model = choose_model(values, m)
        profile = seasonal_profile(values, m, model)
        if profile is not None and np.isfinite(profile).all():
            phases = profile[np.arange(n) % m]
            if model == "multiplicative" and (profile > 0).all():
                factor = phases
            elif model == "additive":
                offset = phases
    return factor, offset


def smoothed_level(values):
    """Simple exponential smoothing with the smoothing constant of least one-step squared
    error: ``(level per step, alpha)``. NaN steps keep the level."""
    n = len(values)
    observed = np.flatnonzero(np.isfinite(values))
    if len(observed) == 0:
        return np.zeros(n), 1.0
    level = np.full(len(_ALPHAS), values[observed[0]])
    errors = np.zeros(len(_ALPHAS))
    for v in values[observed[0] + 1 :]:
        if np.isfinite(v):
            error = v - level
            errors += error * error
            level = level + _ALPHAS * error
    alpha = float(_ALPHAS[np.argmin(errors)])
    path = np.empty(n)
    current = values[observed[0]]
    for t, v in enumerate(values):
        if np.isfinite(v) and t > observed[0]:
            current = current + alpha * (v - current)
        path[t] = current
    return path, alpha


def expanding_slope(values):
    """Least-squares slope of the values up to each step (0 before two observations)."""
    t = np.arange(len(values), dtype=np.float64)
    observed = np.isfinite(values)
    x = np.where(observed, values, 0.0)
    w = observed.astype(np.float64)
    count = np.cumsum(w)
    s_t, s_x = np.cumsum(w * t), np.cumsum(x)
    s_tt, s_tx = np.cumsum(w * t * t), np.cumsum(x * t)
    denominator = count * s_tt - s_t**2
    numerator = count * s_tx - s_t * s_x
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(denominator > 1e-12 * np.maximum(count * s_tt, 1.0),
                         numerator / denominator, 0.0)
    return np.where(np.isfinite(slope), slope, 0.0)


# A series that starts with this many equal values or more starts with a filled gap or
# before the series really began (a location's records, a product's first sale): the state
# is estimated from the last of them on.
LEADING_RUN = 3


def without_leading_run(values):
    """``values`` with a leading run of equal values (but its last) set to NaN."""
    observed = np.flatnonzero(np.isfinite(values))
    if len(observed) == 0:
        return values
    first = observed[0]
    differs = np.flatnonzero(np.isfinite(values[first:]) & (values[first:] != values[first]))
    run = (differs[0] if len(differs) else len(values) - first)
    if run < LEADING_RUN or run == len(values) - first:
        return values
    trimmed = values.copy()
    trimmed[first : first + run - 1] = np.nan
    return trimmed


def state_channels(values, season_length):
    """The five channels (n, 5) of one series' target ``values`` (see the module)."""
    values = without_leading_run(np.asarray(values, dtype=np.float64))
    factor, offset = season(values, season_length)
    adjusted = values / factor - offset
    level, alpha = smoothed_level(adjusted)
    drift = expanding_slope(adjusted) / 2
    steps = np.arange(1, len(values) + 1)
    lead = drift * (1 / alpha - 1 - (1 - alpha) ** steps / alpha)
    return np.column_stack([factor, offset, level, lead, drift])


def future_positions(window_length, horizon, season_length):
    """Position in a window of the step one (or more) seasons before each step ahead."""
    steps = np.arange(1, horizon + 1)
    m = int(season_length)
    return window_length - 1 + steps - m * np.ceil(steps / m).astype(int)


def with_state(values, target_col, season_length):
    """``values`` (n, f) with the state channels of its target column appended."""
    channels = state_channels(values[:, target_col], season_length)
    return np.concatenate([np.asarray(values, dtype=np.float64), channels], axis=1)
