"""Per-sequence scaling of the classifier: z-normalisation, beside the level and the scale."""

import warnings

import numpy as np
import torch

from ._base import Scaling, TorchScaling, as64, row_chunks, sequence_deviation
from ._global import GlobalScaling


class SequenceScaling(Scaling):
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

    kind = "sequence"
    choices = {"classifier": {
        "sequence": """each sequence by its own mean and deviation, per feature (the UCR
            archive's z-normalisation: shapes compared whatever their amplitude).""",
        "both": """the z-normalised values, the globally standardised values and each
            sequence's scale on a log axis (its standardised log10 deviation, constant along
            the sequence) side by side (three times the input channels), so that shapes,
            levels and amplitudes a decade apart are all readable.""",
    }}
    examples = (("SequenceClassifier", {"scaling": "sequence", "architecture": "recurrent"}),
                ("SequenceClassifier", {"scaling": "both"}))

    def __init__(self, global_scaling, keep_level=True, log_scale_stats=None):
        self.global_scaling = global_scaling
        self.keep_level = bool(keep_level)
        self.log_scale_stats = log_scale_stats

    @classmethod
    def fit(cls, X3, y=None, *, keep_level=True, overlapping=False):
        stats = None
        if keep_level:
            deviation = np.concatenate([sequence_deviation(chunk) for _, chunk in
                                        row_chunks(X3)])
            positive = np.where(deviation > 0, deviation, np.nan)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # a feature never varies
                floor = np.nanmin(positive, axis=0)
            floor = np.where(np.isfinite(floor), floor, 1.0)
            logs = np.log10(np.maximum(np.nan_to_num(deviation), floor))
            std = logs.std(axis=0)
            stats = (floor, logs.mean(axis=0), np.where(std > 0, std, 1.0))
        return cls(GlobalScaling.fit(X3, overlapping=overlapping), keep_level, stats)

    @classmethod
    def fit_for(cls, estimator, X3, y, choice):
        return cls.fit(X3, keep_level=choice == "both")

    @property
    def choice(self):
        """The classifier's ``scaling`` value this instance stands for."""
        return "both" if self.keep_level else "sequence"

    def n_channels(self, n_features):
        if not self.keep_level:
            return n_features
        # A model saved before the log-scale channel existed has no statistics for it.
        return (3 if self.log_scale_stats is not None else 2) * n_features

    def transform(self, X_rows):
        n, _, f = X_rows.shape
        out = np.empty((n, X_rows.shape[1], self.n_channels(f)), dtype=np.float32)
        for start, chunk in row_chunks(X_rows):
            values = chunk.astype(np.float64, copy=False)
            rows = slice(start, start + len(chunk))
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN features
                mean = np.nanmean(values, axis=1, keepdims=True)
            deviation = sequence_deviation(values)[:, np.newaxis, :]
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

    def encode_target(self, y_rows, X_rows=None):
        return self.global_scaling.encode_target(y_rows)

    def decode(self, outputs, X_rows=None):
        return self.global_scaling.decode(outputs)

    def torch_form(self):
        return _TorchSequence(self)


class _TorchSequence(TorchScaling):
    """As :meth:`SequenceScaling.transform` for whole sequences (an ONNX input has no NaN
    padding: one sequence, or a batch of one length)."""

    def __init__(self, scaling):
        super().__init__()
        self.global_form = scaling.global_scaling.torch_form()
        self.keep_level = scaling.keep_level
        self.log_scale = scaling.keep_level and scaling.log_scale_stats is not None
        if self.log_scale:
            floor, log_mean, log_std = scaling.log_scale_stats
            self.register_buffer("floor", as64(floor))
            self.register_buffer("log_mean", as64(log_mean))
            self.register_buffer("log_std", as64(log_std))

    def encode(self, x):
        mean = x.mean(dim=1, keepdim=True)
        deviation = x.std(dim=1, unbiased=False, keepdim=True)
        usable = torch.where(deviation > 0, deviation, torch.ones_like(deviation))
        channels = [(x - mean) / usable]
        if self.keep_level:
            channels.append(self.global_form.encode(x)[0])
        if self.log_scale:
            log_scale = (torch.log10(torch.maximum(deviation, self.floor)) - self.log_mean) \
                / self.log_std
            channels.append(log_scale.expand_as(x))
        return torch.cat(channels, dim=2), None

    def decode(self, out, context):
        return self.global_form.decode(out, None)
