"""Machinery shared by the recurrent estimators: parameters, seeding, device, the skorch net.

The estimators *own* a skorch net (``net_``) built in ``fit``; ``__init__`` only stores
parameters. Subclasses say how targets are encoded, which module and loss to use, and how
predictions are decoded; everything else lives here.
"""

import contextlib
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import EarlyStopping

from ._net import (
    EVAL_BATCH_ELEMENTS,
    MAX_PRELOAD_BYTES,
    LatestSplit,
    SequenceData,
    SequenceNet,
    to_device_tensor,
)
from ._validation import as_3d, validate_sequences

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
# early_stopping="auto" turns early stopping on from this many samples (as in
# HistGradientBoosting): below it a validation split costs too much of the data.
AUTO_EARLY_STOPPING_MIN_SAMPLES = 10_000
# Predictions run on whole blocks of this many rows (padded with zeros): see ``_forward``.
PREDICT_ROW_BLOCK = 16


def resolve_device(device):
    """Return the torch device string for ``device``, or raise a ValueError saying why not."""
    if device == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda', 'cuda:N', 'mps' or "
            "'auto'."
        ) from exc
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} but CUDA is not available on this machine; use "
                "device='cpu' or device='auto'."
            )
        if parsed.index is not None and parsed.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} but only {torch.cuda.device_count()} CUDA device(s) exist."
            )
    if parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r} but MPS is not available; use device='cpu'.")
    return str(parsed)


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch for the block and restore the global random state afterwards."""
    devices = []
    if device.startswith("cuda"):
        index = torch.device(device).index
        devices = [torch.cuda.current_device() if index is None else index]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class BaseRecurrent(BaseEstimator):
    """Parameters and fit/predict plumbing common to forecasters and classifiers."""

    _parameter_constraints = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "dense_size": [Interval(Integral, 1, None, closed="left"), None],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS)), type],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "scale_input": ["boolean"],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "warm_start": ["boolean"],
        "compile": ["boolean"],
    }

    # -- hooks for subclasses -------------------------------------------------------------
    def _module_class(self):
        raise NotImplementedError

    def _module_params(self):
        """Keyword arguments of the module; subclasses add their own to these."""
        return {
            "n_features": self._n_step_features,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            "dense_size": self.dense_size,
        }

    def _criterion(self):
        raise NotImplementedError

    # -- shared machinery -----------------------------------------------------------------
    def _use_early_stopping(self, n_samples):
        if self.early_stopping == "auto":
            return n_samples >= AUTO_EARLY_STOPPING_MIN_SAMPLES
        return bool(self.early_stopping)

    def _validate_X(self, X, reset, allow_nan=False, fixed_timesteps=True):
        """Validated X as a 3-D ``(n_samples, n_timesteps, n_features)`` view."""
        return as_3d(
            validate_sequences(
                self, X, reset=reset, allow_nan=allow_nan, fixed_timesteps=fixed_timesteps
            )
        )

    def _input_statistics(self, X3):
        """Per-feature mean and scale for the module's input standardisation.

        Forecasting windows overlap: the first window plus the last step of every window is
        the underlying series, whether X is a strided view or a copy, and costs O(n).
        """
        values = np.concatenate([X3[0], X3[:, -1]], axis=0)
        return _mean_scale(values)

    def _build_net(self, device, n_samples, module_params, seed):
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = _OPTIMIZERS[optimizer]
        callbacks = list(self.callbacks or [])
        train_split = None
        if self._use_early_stopping(n_samples):
            n_valid = int(round(n_samples * self.validation_fraction))
            if n_valid < 1 or n_samples - n_valid < 1:
                raise ValueError(
                    f"early_stopping holds out the latest validation_fraction="
                    f"{self.validation_fraction} of the samples, which leaves no training or "
                    f"no validation sample out of n_samples={n_samples}; pass more samples "
                    "or early_stopping=False."
                )
            train_split = LatestSplit(self.validation_fraction)
            callbacks.append(
                ("early_stopping", EarlyStopping(patience=self.patience, load_best=True))
            )
        return SequenceNet(
            module=self._module_class(),
            criterion=self._criterion(),
            optimizer=optimizer,
            lr=self.lr,
            optimizer__weight_decay=self.weight_decay,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            train_split=train_split,
            callbacks=callbacks,
            device=device,
            verbose=self.verbose,
            compile=self.compile,
            iterator_train__seed=seed,
            **{f"module__{k}": v for k, v in module_params.items()},
        )

    def _training_data(self, X3, target, lengths, device):
        X_source = X3
        if X3.shape[0] * int(np.prod(X3.shape[1:])) * 4 <= MAX_PRELOAD_BYTES:
            X_source = to_device_tensor(X3, device)
        return SequenceData(X_source, target, lengths)

    def _fit_net(self, X3, target, lengths=None, *, reset, epochs=None):
        """Build (on ``reset``) and train the net on validated windows and encoded targets."""
        if reset:
            device = resolve_device(self.device)
            self._seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        else:
            # The net's own device: a model trained on CUDA and unpickled on a CPU-only
            # machine has been mapped to the CPU by skorch.
            device = self.net_.device
        data_target = target.to(device)
        data_lengths = None if lengths is None else lengths.to(device)
        with seeded(self._seed, device):
            if reset:
                net = self._build_net(device, X3.shape[0], self._module_params(), self._seed)
                net.initialize()
                if self.scale_input:  # otherwise the scaler keeps mean 0, scale 1
                    mean, scale = self._input_statistics(X3)
                    net.module_.scaler.mean.copy_(torch.as_tensor(mean))
                    net.module_.scaler.scale.copy_(torch.as_tensor(scale))
                self.net_ = net
            data = self._training_data(X3, data_target, data_lengths, device)
            fit_params = {} if epochs is None else {"epochs": epochs}
            self.net_.partial_fit(data, None, **fit_params)
        self.history_ = _history_frame(self.net_.history)
        return self

    def _forward(self, X3, lengths=None):
        """Module outputs for validated windows, in large batches, without autograd."""
        module, device = self.net_.module_, self.net_.device
        module.eval()
        n = X3.shape[0]
        size = max(PREDICT_ROW_BLOCK, EVAL_BATCH_ELEMENTS // max(1, int(np.prod(X3.shape[1:]))))
        size -= size % PREDICT_ROW_BLOCK
        outputs = []
        with torch.inference_mode():
            for start in range(0, n, size):
                xb = to_device_tensor(X3[start : start + size], device)
                lb = None if lengths is None else lengths[start : start + size]
                rows = xb.shape[0]
                extra = -rows % PREDICT_ROW_BLOCK
                if extra:
                    # BLAS rounds rows of a partial block (and lone rows) differently in the
                    # last bit; zero rows up to whole blocks keep a window's prediction the
                    # same whether it is predicted alone or among others.
                    xb = torch.cat([xb, xb.new_zeros((extra,) + xb.shape[1:])])
                    if lb is not None:
                        lb = torch.cat([lb, lb.new_full((extra,), xb.shape[1])])
                out = module(xb) if lb is None else module(xb, lengths=lb)
                outputs.append(out[:rows].float().cpu().numpy())
        return np.concatenate(outputs, axis=0).astype(np.float64)

    def _check_fitted(self):
        check_is_fitted(self, "net_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _mean_scale(values):
    mean = np.nanmean(values, axis=0)
    scale = np.nanstd(values, axis=0)
    mean = np.where(np.isfinite(mean), mean, 0.0)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    return mean.astype(np.float32), scale.astype(np.float32)


def _history_frame(history):
    """skorch's per-epoch history as a DataFrame (batch-level entries left out)."""
    rows = [{k: v for k, v in epoch.items() if k != "batches"} for epoch in history]
    frame = pd.DataFrame(rows)
    return frame.set_index("epoch") if "epoch" in frame else frame

