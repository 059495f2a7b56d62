"""The classifier's profile channel: each value's departure from the training mean profile.

Some sets are one curve with small variations: the spectra of olive oils or of meats, the
outlines of cars, the hours of a day. Their classes differ by a few hundredths of the
curve's amplitude, and after any scaling of the values themselves the shared curve is the
signal a network sees; batch normalisation over the steps keeps it so. The departure from
the mean training sequence (the profile: the mean value at each step) is the difference
itself, standardised to unit deviation (OliveOil: from 0.40 to 0.87 accuracy, seed 0; see
docs/classification.md).
"""

import numpy as np
import torch

from ._base import Scaling, TorchScaling, as64, row_chunks


class ProfileScaling(Scaling):
    """Another scaling's channels (``inner``) followed by each value's departure from the
    training profile, per feature, divided by the departures' training deviation.

    Steps beyond the profile (a sequence longer than every training one) and steps no
    training sequence reached have departure 0; NaN padding stays NaN.

    Parameters
    ----------
    inner : Scaling
        The scaling of the values themselves (the classifier's ``scaling``).
    profile : ndarray of shape (n_timesteps, n_features)
        Mean training value at each step (NaN where no sequence has one).
    deviation : ndarray of shape (n_features,)
        Standard deviation of the training departures (1 where they do not vary).
    """

    kind = "profile"
    # Not a value of ``scaling``: the classifier's ``profile_channel`` adds it to any.
    choices = {}
    examples = (("SequenceClassifier", {"profile_channel": True}),
                ("SequenceClassifier", {"profile_channel": True, "scaling": "both"}))

    def __init__(self, inner, profile, deviation):
        self.inner = inner
        self.profile = np.asarray(profile, dtype=np.float64)
        self.deviation = np.asarray(deviation, dtype=np.float64)

    @classmethod
    def fit(cls, X3, inner):
        X3 = np.asarray(X3)
        n_features = X3.shape[2]
        total = np.zeros(X3.shape[1:])
        count = np.zeros(X3.shape[1:])
        for _, chunk in row_chunks(X3):
            values = chunk.astype(np.float64, copy=False)
            observed = ~np.isnan(values)
            total += np.where(observed, values, 0.0).sum(axis=0)
            count += observed.sum(axis=0)
        profile = np.divide(total, count, out=np.full(total.shape, np.nan), where=count > 0)
        squares, n = np.zeros(n_features), np.zeros(n_features)
        for _, chunk in row_chunks(X3):
            departure = chunk.astype(np.float64, copy=False) - profile
            squares += np.nansum(departure**2, axis=(0, 1))
            n += (~np.isnan(departure)).sum(axis=(0, 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            deviation = np.sqrt(squares / n)
        deviation = np.where(np.isfinite(deviation) & (deviation > 0), deviation, 1.0)
        return cls(inner, profile, deviation)

    def n_channels(self, n_features):
        return self.inner.n_channels(n_features) + n_features

    def _profile_for(self, n_timesteps):
        """The profile over ``n_timesteps`` steps: NaN (departure 0) past its end."""
        width = min(n_timesteps, len(self.profile))
        out = np.full((n_timesteps, self.profile.shape[1]), np.nan)
        out[:width] = self.profile[:width]
        return out

    def transform(self, X_rows):
        inner = self.inner.transform(X_rows)
        n, steps, f = X_rows.shape
        out = np.empty((n, steps, inner.shape[2] + f), dtype=np.float32)
        out[:, :, : inner.shape[2]] = inner
        profile = self._profile_for(steps)
        unknown = np.isnan(profile)
        for start, chunk in row_chunks(X_rows):
            values = chunk.astype(np.float64, copy=False)
            departure = np.where(unknown, 0.0, values - np.nan_to_num(profile)) / self.deviation
            # Padding stays padding: NaN wherever the value itself is NaN.
            departure = np.where(np.isnan(values), np.nan, departure)
            out[start : start + len(chunk), :, inner.shape[2] :] = departure
        return out

    def encode_target(self, y_rows, X_rows=None):
        return self.inner.encode_target(y_rows)

    def decode(self, outputs, X_rows=None):
        return self.inner.decode(outputs)

    def torch_form(self):
        return _TorchProfile(self)


class _TorchProfile(TorchScaling):
    """As :meth:`ProfileScaling.transform` for whole sequences of at most the profile's
    length plus ``_SPARE_STEPS`` steps (an ONNX graph reads any length up to that)."""

    _SPARE_STEPS = 4096

    def __init__(self, scaling):
        super().__init__()
        self.inner = scaling.inner.torch_form()
        profile = scaling.profile
        spare = np.full((self._SPARE_STEPS, profile.shape[1]), np.nan)
        profile = np.concatenate([profile, spare])
        self.register_buffer("known", torch.as_tensor(~np.isnan(profile)))
        self.register_buffer("profile", as64(np.nan_to_num(profile)))
        self.register_buffer("deviation", as64(scaling.deviation))

    def encode(self, x):
        scaled, context = self.inner.encode(x)
        steps = x.shape[1]
        departure = (x - self.profile[:steps]) / self.deviation
        departure = torch.where(self.known[:steps], departure, torch.zeros_like(departure))
        return torch.cat([scaled, departure], dim=2), context

    def decode(self, out, context):
        return self.inner.decode(out, context)
