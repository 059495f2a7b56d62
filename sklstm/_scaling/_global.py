"""Global scaling: each input feature and the target standardised with training statistics."""

import numpy as np

from ._base import Scaling, TorchScaling, as64, feature_statistics, row_chunks


class GlobalScaling(Scaling):
    """Standardise each input feature and the target with statistics of the training data.

    Parameters
    ----------
    input_mean, input_scale : ndarray of shape (n_features,)
    target_mean, target_scale : float
        Identity (0 and 1) where scaling is switched off.
    """

    kind = "global"
    choices = {
        "forecaster": {"global": """standardise inputs and targets with statistics of the
            training data (``scale_input``, ``scale_target``)."""},
        "classifier": {"global": """standardise each input feature with its training mean and
            deviation (``scale_input``)."""},
    }
    examples = (("LSTMForecaster", {"scaling": "global"}),
                ("SequenceClassifier", {"scaling": "global", "architecture": "recurrent"}))

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

    @classmethod
    def fit_for(cls, estimator, X3, y, choice):
        if estimator._scaling_role == "classifier":
            # Sequences are independent (no overlapping windows): every observed step counts.
            return cls.fit(X3, scale_input=estimator.scale_input, overlapping=False)
        return cls.fit(X3, y, scale_input=estimator.scale_input,
                       scale_target=estimator.scale_target)

    def transform(self, X_rows):
        out = np.empty(X_rows.shape, dtype=np.float32)
        for start, chunk in row_chunks(X_rows):
            out[start : start + len(chunk)] = (
                chunk.astype(np.float64, copy=False) - self.input_mean
            ) / self.input_scale
        return out

    def encode_target(self, y_rows, X_rows=None):
        y2 = np.asarray(y_rows, dtype=np.float64).reshape(len(y_rows), -1)
        return ((y2 - self.target_mean) / self.target_scale).astype(np.float32)

    def decode(self, outputs, X_rows=None):
        return np.asarray(outputs, dtype=np.float64) * self.target_scale + self.target_mean

    def torch_form(self):
        return _TorchGlobal(self)


class _TorchGlobal(TorchScaling):
    def __init__(self, scaling):
        super().__init__()
        self.register_buffer("input_mean", as64(scaling.input_mean))
        self.register_buffer("input_scale", as64(scaling.input_scale))
        self.register_buffer("target_mean", as64(scaling.target_mean))
        self.register_buffer("target_scale", as64(scaling.target_scale))

    def encode(self, x):
        return (x - self.input_mean) / self.input_scale, None

    def decode(self, out, context):
        return out * self.target_scale + self.target_mean
