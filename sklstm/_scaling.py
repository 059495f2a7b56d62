"""Scaling of windows and targets: one mechanism between the user's units and the network's.

Statistics are computed and applied in float64 and only the result is cast to float32, so an
offset such as ``1e8 + sin(t)`` keeps its variation (a float32 cast first would flatten it).
The same object scales training batches, validation batches and prediction blocks, and maps
predictions back, so no other module does arithmetic on the user's units.
"""

import warnings

import numpy as np

from ._validation import covering_views

# Rows scaled at a time: bounds the float64 temporaries of large inputs.
_CHUNK_ELEMENTS = 2**22


def _chunks(X):
    step_elements = max(1, int(np.prod(X.shape[1:])))
    rows = max(1, _CHUNK_ELEMENTS // step_elements)
    for start in range(0, X.shape[0], rows):
        yield X[start : start + rows]


def _value_blocks(X3, overlapping):
    """Blocks (n_values, n_features) of float64 that together hold the values of X3."""
    n_features = X3.shape[-1]
    for part in covering_views(X3) if overlapping else [X3]:
        if part.ndim == 2:
            yield part.astype(np.float64)
            continue
        for chunk in _chunks(part):
            yield chunk.reshape(-1, n_features).astype(np.float64)


def feature_statistics(X3, *, overlapping):
    """Per-feature mean and standard deviation (float64) of every value X3 holds, NaN ignored.

    ``overlapping``: X3 is cut from one series (forecasting windows), so each value is counted
    once however the windows overlap (any stride); otherwise every step of every sequence.
    Two passes over blocks: exact in float64 and never a copy of the whole input.
    """
    n_features = X3.shape[-1]
    count, total = np.zeros(n_features), np.zeros(n_features)
    for values in _value_blocks(X3, overlapping):
        observed = ~np.isnan(values)
        count += observed.sum(axis=0)
        total += np.where(observed, values, 0.0).sum(axis=0)
    mean = np.divide(total, count, out=np.zeros(n_features), where=count > 0)
    squares = np.zeros(n_features)
    for values in _value_blocks(X3, overlapping):
        squares += np.nansum((values - mean) ** 2, axis=0)
    std = np.sqrt(np.divide(squares, count, out=np.zeros(n_features), where=count > 0))
    scale = np.where(np.isfinite(std) & (std > 0), std, 1.0)
    return mean, scale


class GlobalScaling:
    """Standardise each input feature and the target with statistics of the training data.

    Parameters
    ----------
    input_mean, input_scale : ndarray of shape (n_features,)
    target_mean, target_scale : float
        Identity (0 and 1) where scaling is switched off.
    """

    def __init__(self, input_mean, input_scale, target_mean=0.0, target_scale=1.0):
        self.input_mean = np.asarray(input_mean, dtype=np.float64)
        self.input_scale = np.asarray(input_scale, dtype=np.float64)
        self.target_mean = float(target_mean)
        self.target_scale = float(target_scale)

    @classmethod
    def fit(cls, X3, y=None, *, scale_input=True, scale_target=False, overlapping=True):
        n_features = X3.shape[-1]
        if scale_input:
            mean, scale = feature_statistics(X3, overlapping=overlapping)
        else:
            mean, scale = np.zeros(n_features), np.ones(n_features)
        t_mean, t_scale = 0.0, 1.0
        if scale_target and y is not None:
            t_mean = float(np.mean(y, dtype=np.float64))
            t_scale = float(np.std(y, dtype=np.float64)) or 1.0
        return cls(mean, scale, t_mean, t_scale)

    def transform(self, X_rows):
        """Windows in the network's frame, float32, contiguous (a new array)."""
        out = np.empty(X_rows.shape, dtype=np.float32)
        for start, chunk in _row_chunks(X_rows):
            out[start : start + len(chunk)] = (
                chunk.astype(np.float64, copy=False) - self.input_mean
            ) / self.input_scale
        return out

    def prepare(self, X_rows, y_rows):
        """Windows and targets in the network's frame (float32)."""
        return self.transform(X_rows), self.encode_target(y_rows)

    def encode_target(self, y_rows, X_rows=None):
        """Targets in the network's frame, float32, shape (n, horizon)."""
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        return ((y2 - self.target_mean) / self.target_scale).astype(np.float32)

    def decode(self, outputs, X_rows=None):
        """Network outputs (n, horizon) back in the user's units, float64."""
        return np.asarray(outputs, dtype=np.float64) * self.target_scale + self.target_mean


def _row_chunks(X):
    start = 0
    for chunk in _chunks(X):
        yield start, chunk
        start += len(chunk)


class WindowScaling:
    """Reversible instance normalisation (Kim et al., ICLR 2022): each window in its own frame.

    Every window's target feature is shifted by its last value and divided by its standard
    deviation; the targets are put in that frame, and the network's outputs are mapped back
    with the same two numbers. A forecaster then never sees the level of a series, only its
    shape, so it extrapolates to levels outside the training range (a trend, a growing
    season). The other features (covariates, calendar and static features) are standardised
    with their training mean and deviation instead: a feature constant within a window (a
    series indicator) keeps its value, and one that is a level (an exogenous driver) keeps
    its level. ``fit`` learns those statistics and a floor for the window scale (a tenth of
    the training windows' median deviation), so that flat windows keep targets of ordinary
    size.

    Parameters
    ----------
    target_feature : int
        Position of the target among the window's features.
    floor : array-like of shape (n_features,) or None
        Smallest window scale of each feature.
    covariate_mean, covariate_scale : array-like of shape (n_features,) or None
        Training statistics of the features other than the target; None (models saved
        before they existed): every feature is scaled per window.
    """

    # A window's scale is at least this share of the median window deviation in training:
    # a flat stretch (a constant, a filled gap) has a deviation of 0 or of float noise
    # (1e-15), and dividing by it would put its targets at 1e15 in the network's frame.
    FLOOR_SHARE = 0.1

    def __init__(self, target_feature=0, floor=None, covariate_mean=None, covariate_scale=None):
        self.target_feature = int(target_feature)
        self.floor = None if floor is None else np.asarray(floor, dtype=np.float64)
        self.covariate_mean = (None if covariate_mean is None
                               else np.asarray(covariate_mean, dtype=np.float64))
        self.covariate_scale = (None if covariate_scale is None
                                else np.asarray(covariate_scale, dtype=np.float64))

    @classmethod
    def fit(cls, X3, y=None, *, target_feature=0, max_windows=10_000, overlapping=True):
        """Record the scale floor of each feature from (up to ``max_windows``) windows, and
        the mean and deviation of the features other than the target."""
        sample = X3
        if X3.shape[0] > max_windows:
            sample = X3[np.linspace(0, X3.shape[0] - 1, max_windows).astype(int)]
        deviation = np.nanstd(np.asarray(sample, dtype=np.float64), axis=1)
        floor = cls.FLOOR_SHARE * np.nanmedian(deviation, axis=0)
        mean, scale = feature_statistics(X3, overlapping=overlapping)
        return cls(target_feature, np.where(np.isfinite(floor) & (floor > 0), floor, 1.0),
                   mean, scale)

    def statistics(self, X_rows):
        """``(loc, scale)`` of each window, float64 arrays of shape (n, n_features)."""
        loc = np.array(X_rows[:, -1, :], dtype=np.float64)
        scale = np.empty_like(loc)
        for start, chunk in _row_chunks(X_rows):
            scale[start : start + len(chunk)] = np.nanstd(
                chunk.astype(np.float64, copy=False), axis=1)
        floor = getattr(self, "floor", None)
        if floor is None:  # a model pickled before the floor existed
            scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        else:
            scale = np.where(np.isfinite(scale), np.maximum(scale, floor), floor)
        covariates = getattr(self, "covariate_mean", None)
        if covariates is not None and loc.shape[1] > 1:
            others = np.arange(loc.shape[1]) != self.target_feature
            loc[:, others] = covariates[others]
            scale[:, others] = self.covariate_scale[others]
        return loc, scale

    def prepare(self, X_rows, y_rows):
        """Windows and targets in the network's frame, the window statistics computed once."""
        loc, scale = self.statistics(X_rows)
        return self._apply(X_rows, loc, scale), self._encode(y_rows, loc, scale)

    def transform(self, X_rows):
        return self._apply(X_rows, *self.statistics(X_rows))

    def _apply(self, X_rows, loc, scale):
        out = np.empty(X_rows.shape, dtype=np.float32)
        for start, chunk in _row_chunks(X_rows):
            rows = slice(start, start + len(chunk))
            out[rows] = (chunk.astype(np.float64, copy=False) - loc[rows, None, :]) / scale[
                rows, None, :]
        return out

    def _target_frame(self, loc, scale):
        return loc[:, self.target_feature, None], scale[:, self.target_feature, None]

    def _encode(self, y_rows, loc, scale):
        loc, scale = self._target_frame(loc, scale)
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        return ((y2 - loc) / scale).astype(np.float32)

    def encode_target(self, y_rows, X_rows=None):
        return self._encode(y_rows, *self.statistics(X_rows))

    def decode(self, outputs, X_rows=None):
        loc, scale = self._target_frame(*self.statistics(X_rows))
        return np.asarray(outputs, dtype=np.float64) * scale + loc


class SequenceScaling:
    """Each sequence standardised by its own mean and deviation, per feature (the UCR
    archive's z-normalisation), optionally beside its level and its scale.

    A classifier then compares shapes whatever their amplitude (appliance currents from 0.01
    to 460 A look flat after one global standardisation). ``keep_level`` adds, per feature,
    the globally standardised values (the level itself: a colour code, a voltage) and the
    sequence's own scale on a log axis (the decimal log of its deviation, standardised over
    the training sequences, constant along the sequence): after z-normalisation the
    amplitude is gone, and on the global axis a current of 0.01 A and one of 0.1 A are
    both about zero, while their logs are a whole unit apart. NaN padding stays NaN.

    Parameters
    ----------
    global_scaling : GlobalScaling
        The training statistics of the level channels.
    keep_level : bool
        Output ``3 * n_features`` channels (z-normalised, global, log scale) instead of
        ``n_features``.
    log_scale_stats : tuple of arrays or None
        ``(floor, mean, std)`` per feature of the training sequences' log10 deviations:
        deviations below ``floor`` (constant sequences) count as ``floor``.
    """

    def __init__(self, global_scaling, keep_level=True, log_scale_stats=None):
        self.global_scaling = global_scaling
        self.keep_level = bool(keep_level)
        self.log_scale_stats = log_scale_stats

    @classmethod
    def fit(cls, X3, y=None, *, keep_level=True, overlapping=False):
        stats = None
        if keep_level:
            deviation = np.concatenate([_sequence_deviation(chunk) for _, chunk in
                                        _row_chunks(X3)])
            positive = np.where(deviation > 0, deviation, np.nan)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a feature never varies
                floor = np.nanmin(positive, axis=0)
            floor = np.where(np.isfinite(floor), floor, 1.0)
            logs = np.log10(np.maximum(np.nan_to_num(deviation), floor))
            std = logs.std(axis=0)
            stats = (floor, logs.mean(axis=0), np.where(std > 0, std, 1.0))
        return cls(GlobalScaling.fit(X3, overlapping=overlapping), keep_level, stats)

    def n_channels(self, n_features):
        if not self.keep_level:
            return n_features
        # A model saved before the log-scale channel existed has no statistics for it.
        return (3 if self.log_scale_stats is not None else 2) * n_features

    def transform(self, X_rows):
        n, _, f = X_rows.shape
        out = np.empty((n, X_rows.shape[1], self.n_channels(f)), dtype=np.float32)
        for start, chunk in _row_chunks(X_rows):
            values = chunk.astype(np.float64, copy=False)
            rows = slice(start, start + len(chunk))
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
                mean = np.nanmean(values, axis=1, keepdims=True)
            deviation = _sequence_deviation(values)[:, np.newaxis, :]
            usable = np.where(np.isfinite(deviation) & (deviation > 0), deviation, 1.0)
            out[rows, :, :f] = (values - np.nan_to_num(mean)) / usable
            if self.keep_level:
                out[rows, :, f : 2 * f] = self.global_scaling.transform(chunk)
            if self.keep_level and self.log_scale_stats is not None:
                floor, log_mean, log_std = self.log_scale_stats
                log_scale = (np.log10(np.maximum(np.nan_to_num(deviation), floor))
                             - log_mean) / log_std
                # Constant along the real steps; the padding stays NaN like the values.
                out[rows, :, 2 * f :] = np.where(np.isnan(values), np.nan, log_scale)
        return out

    def prepare(self, X_rows, y_rows):
        return self.transform(X_rows), self.global_scaling.encode_target(y_rows)

    def encode_target(self, y_rows, X_rows=None):
        return self.global_scaling.encode_target(y_rows)

    def decode(self, outputs, X_rows=None):
        return self.global_scaling.decode(outputs)


def _sequence_deviation(values):
    """Standard deviation of each sequence and feature over its observed steps: (n, f)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
        return np.nanstd(values.astype(np.float64, copy=False), axis=1)


class TargetTransform:
    """The log and/or the first differences of the target feature, before a scaling.

    ``log``: multiplicative series (a season or noise that grows with the level) become
    additive; ``difference``: the network forecasts the steps' changes, and the forecast is
    the window's last value plus their running sum. Both are undone on the way back. The
    inner scaling (global or per window) is fitted on transformed windows (a sample of at
    most ``max_windows``).

    Parameters
    ----------
    inner : GlobalScaling or WindowScaling
    target_feature : int
    log, difference : bool
    """

    def __init__(self, inner, target_feature=0, log=False, difference=False):
        self.inner = inner
        self.target_feature = int(target_feature)
        self.log = bool(log)
        self.difference = bool(difference)

    @classmethod
    def fit(cls, X3, y, fit_inner, *, target_feature, log, difference, max_windows=10_000):
        """``fit_inner(X_transformed, y_transformed)`` fits the inner scaling."""
        rows = np.arange(len(X3))
        if len(X3) > max_windows:
            rows = np.linspace(0, len(X3) - 1, max_windows).astype(int)
        transform = cls(None, target_feature, log, difference)
        X_rows = np.asarray(X3[rows])
        Xt, last = transform._forward_X(X_rows, "X")
        yt = transform._forward_y(np.asarray(y)[rows], last)
        transform.inner = fit_inner(Xt, yt)
        return transform

    def _check_positive(self, values, name):
        if self.log and not np.all(np.asarray(values)[np.isfinite(values)] > 0):
            raise ValueError(
                f"log_transform=True needs positive values of the target, but {name} holds "
                f"{np.nanmin(values)}; shift the series above 0 or leave log_transform off."
            )

    def _forward_X(self, X_rows, name="X"):
        """Transformed windows (float64 copy) and each window's last transformed value."""
        Xt = np.array(X_rows, dtype=np.float64)
        column = Xt[:, :, self.target_feature]
        if self.log:
            self._check_positive(column, name)
            column = np.log(column)
        last = column[:, -1].copy()
        if self.difference:
            column = np.diff(column, axis=1, prepend=column[:, :1])
        Xt[:, :, self.target_feature] = column
        return Xt, last

    def _forward_y(self, y_rows, last):
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        if self.log:
            self._check_positive(y2, "y")
            y2 = np.log(y2)
        if self.difference:
            y2 = np.diff(np.concatenate([last[:, None], y2], axis=1), axis=1)
        return y2

    def prepare(self, X_rows, y_rows):
        Xt, last = self._forward_X(X_rows)
        return self.inner.prepare(Xt, self._forward_y(y_rows, last))

    def transform(self, X_rows):
        return self.inner.transform(self._forward_X(X_rows)[0])

    def encode_target(self, y_rows, X_rows=None):
        Xt, last = self._forward_X(X_rows)
        return self.inner.encode_target(self._forward_y(y_rows, last), Xt)

    def decode(self, outputs, X_rows=None):
        Xt, last = self._forward_X(X_rows)
        values = self.inner.decode(outputs, Xt)
        if self.difference:
            values = last[:, None] + np.cumsum(values, axis=1)
        return np.exp(values) if self.log else values
