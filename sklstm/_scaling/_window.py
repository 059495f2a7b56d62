"""Per-window scaling (reversible instance normalisation): each window in its own frame."""

import numpy as np
import torch

from ._base import Scaling, TorchScaling, as64, feature_statistics, row_chunks


class WindowScaling(Scaling):
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

    kind = "window"
    choices = {"forecaster": {"window": """reversible instance normalisation: each window is
        shifted by its last value and divided by its own standard deviation, the network
        predicts in that frame and the forecast is mapped back, so the model sees shapes, not
        levels, and follows series beyond the training range (trends). Seasons longer than a
        window are better taken out of the series first (:class:`sklstm.Deseasonalizer`, as
        :class:`sklstm.sktime.LSTMForecaster` does)."""}}
    examples = (("LSTMForecaster", {"scaling": "window"}),)

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

    @classmethod
    def fit_for(cls, estimator, X3, y, choice):
        return cls.fit(X3, y, target_feature=estimator._target_feature(X3))

    def statistics(self, X_rows):
        """``(loc, scale)`` of each window, float64 arrays of shape (n, n_features)."""
        loc = np.array(X_rows[:, -1, :], dtype=np.float64)
        scale = np.empty_like(loc)
        for start, chunk in row_chunks(X_rows):
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
        for start, chunk in row_chunks(X_rows):
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

    def torch_form(self):
        return _TorchWindow(self)


class _TorchWindow(TorchScaling):
    def __init__(self, scaling):
        super().__init__()
        self.target_feature = scaling.target_feature
        floor = getattr(scaling, "floor", None)
        self.has_floor = floor is not None
        if self.has_floor:
            self.register_buffer("floor", as64(floor))
        covariates = getattr(scaling, "covariate_mean", None)
        self.has_covariates = covariates is not None and len(covariates) > 1
        if self.has_covariates:  # the other features: training statistics, as WindowScaling
            others = np.arange(len(covariates)) != scaling.target_feature
            self.register_buffer("others", torch.as_tensor(others))
            self.register_buffer("covariate_mean", as64(covariates))
            self.register_buffer("covariate_scale", as64(scaling.covariate_scale))

    def encode(self, x):
        loc = x[:, -1:, :]
        deviation = x.std(dim=1, unbiased=False, keepdim=True)
        if self.has_floor:  # as WindowScaling: at least a share of the training median
            scale = torch.maximum(deviation, self.floor)
        else:
            scale = torch.where(deviation > 0, deviation, torch.ones_like(deviation))
        if self.has_covariates:
            loc = torch.where(self.others, self.covariate_mean, loc)
            scale = torch.where(self.others, self.covariate_scale, scale)
        return (x - loc) / scale, (loc, scale)

    def decode(self, out, context):
        loc, scale = context
        f = self.target_feature
        return out * scale[:, 0, f : f + 1] + loc[:, 0, f : f + 1]
