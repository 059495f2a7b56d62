"""Sequence classifier: one label per (possibly variable-length) sequence."""

from functools import partial
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ._base import TORCH_THREADS_DOC, TRAINING_END_DOC, BaseRecurrent
from ._modules import RecurrentClassifier
from ._net import spaced_crop
from ._scaling import GlobalScaling, SequenceScaling, _sequence_deviation
from ._validation import to_numpy_input
from .impute import fill_along_time

__all__ = ["SequenceClassifier", "amplitude_spread"]


def _softmax(logits):
    logits = logits - logits.max(axis=1, keepdims=True)
    proba = np.exp(logits)
    return proba / proba.sum(axis=1, keepdims=True)


def align_padding(X3):
    """Move the observed span of each sequence to the front; return ``(X, lengths)``.

    Variable-length sequences come padded with NaN at the end or at the start: the steps
    before the first and after the last step with any observed feature are padding.
    Missing values inside the observed span are carried forward from the previous
    observation of that feature (backward for a leading gap), as a held sensor reading.
    ``lengths`` is None when no sequence is padded.
    """
    missing = np.isnan(X3)
    if not missing.any():
        return X3, None
    observed = ~missing.all(axis=2)
    n_timesteps = X3.shape[1]
    if not observed.any(axis=1).all():
        raise ValueError(
            f"sequence(s) {np.flatnonzero(~observed.any(axis=1))[:5].tolist()} of X are all "
            "NaN; each sequence needs at least one observed step."
        )
    first = observed.argmax(axis=1)
    last = n_timesteps - 1 - observed[:, ::-1].argmax(axis=1)
    lengths = last - first + 1
    steps = np.arange(n_timesteps)
    positions = np.minimum(steps[np.newaxis, :] + first[:, np.newaxis], n_timesteps - 1)
    aligned = np.take_along_axis(X3, positions[:, :, np.newaxis], axis=1)
    padding = steps[np.newaxis, :] >= lengths[:, np.newaxis]
    aligned[padding] = np.nan
    if np.isnan(aligned[~padding]).any():
        aligned = fill_along_time(aligned.transpose(1, 0, 2), "ffill").transpose(1, 0, 2)
        aligned[padding] = np.nan
    return aligned, (None if (lengths == n_timesteps).all() else lengths)


def _positive_ints(values, name):
    """A tuple of positive ints from a parameter, or a ValueError naming the parameter."""
    try:
        values = tuple(values)
        ok = all(isinstance(v, Integral) and v >= 1 for v in values)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must be a sequence of positive integers; got {values!r}.")
    return tuple(int(v) for v in values)


# scaling="auto" z-normalises each sequence (beside the global values) from this spread of
# amplitudes (log10 of the ratio of the 95th to the 5th percentile of the per-sequence
# deviations): three orders of magnitude. The benchmark sets: PLAID 5.8 (appliance currents),
# BasicMotions 1.9, JapaneseVowels 0.8, the car 0.5, ItalyPowerDemand and ACSF1 0 (the UCR
# archive ships them z-normalised).
AUTO_SEQUENCE_SCALING_SPREAD = 3.0
# crop_fraction="auto": training crops of 70% of each sequence (PLAID downsampled by 4: 86.0%
# uncropped, 88.5% with 0.9, 90.7% and 90.1% with 0.7, 89.9% with 0.5; at full resolution
# 87.3% -> 92.2%, four seeds), for sequences of 64 steps or more. Shorter ones are left whole:
# ItalyPowerDemand (24 hourly steps of a day) falls from 96.4% to 93.3% with 0.7, where the
# hour is the class; JapaneseVowels (26) and the car (6) are unchanged by crops, BasicMotions
# (100) and ACSF1 (1,460) stay within their spread of seeds (docs/classification.md).
AUTO_CROP_FRACTION = 0.7
AUTO_CROP_MIN_STEPS = 64
# test_crops="auto": a model trained on crops predicts the average of the whole sequence and
# this many evenly spaced crops of it, each of the fraction midway between the training crops
# and the whole (0.85 for crops of 0.7). Paired on the same fits: PLAID 92.1% -> 92.6% (six
# seeds, gains of 0 to 0.7 points), BasicMotions 98.8% -> 100%, ACSF1 85.5% -> 86.0%; 5 crops
# chosen over 3 and 9 on PLAID seeds 2 and 3 (docs/classification.md).
AUTO_TEST_CROPS = 5


def amplitude_spread(X3):
    """How many orders of magnitude the sequences' amplitudes span: per feature, log10 of
    the 95th over the 5th percentile of the sequences' (non-zero) standard deviations; the
    largest over the features (0 when undefined).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.classification import amplitude_spread
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 20, 1))
    >>> wide = X * np.logspace(-2, 2, 100)[:, None, None]  # amplitudes from 0.01 to 100
    >>> bool(amplitude_spread(X) < 1), bool(amplitude_spread(wide) > 3)
    (True, True)
    """
    deviation = _sequence_deviation(np.asarray(X3))
    spreads = [0.0]
    for column in deviation.T:
        column = column[np.isfinite(column) & (column > 0)]
        if len(column) >= 2:
            low, high = np.percentile(column, [5, 95])
            spreads.append(float(np.log10(high / low)))
    return max(spreads)


class SequenceClassifier(ClassifierMixin, BaseRecurrent):
    __doc__ = (
        """Recurrent (LSTM or GRU) classifier of sequences.

    X is ``(n_samples, n_timesteps, n_features)`` (2-D means one feature). Sequences of
    different lengths are given as NaN padding at the end or at the start; they are packed,
    so the network never reads the padding and the amount of padding changes nothing.

    Parameters
    ----------
    architecture : {"recurrent_fcn", "recurrent"}, default="recurrent_fcn"
        "recurrent_fcn": LSTM-FCN / GRU-FCN (Karim et al. 2017; the cell chooses which): a
        fully convolutional branch (Conv1d + BatchNorm + ReLU blocks of ``conv_filters``
        filters and ``conv_kernels`` widths, global average and max pooling over the real
        steps; the batch statistics count real steps only) beside the recurrent encoder,
        both concatenated before the head. The
        default: it wins the classification benchmark (docs/classification.md).
        "recurrent": the recurrent encoder's final state alone feeds the dense head.
    hidden_size : int, default=64
        Units of each recurrent layer (per direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell.
    bidirectional : bool, default=False
        Read each sequence in both directions.
    dropout : float, default=0.0
        Dropout on the encoder output (and between stacked layers).
    dense_size : int or None, default=None
        Units of an extra dense ReLU layer before the output; None: none.
    conv_filters : tuple of int, default=(128, 256, 128)
        Filters of the convolutional blocks of ``architecture="recurrent_fcn"``, one block
        per entry.
    conv_kernels : "auto" or tuple of int, default="auto"
        Kernel widths of the convolutional blocks, one per entry of ``conv_filters``.
        "auto": LSTM-FCN's 8, 5, 3 (then 3), each at most a quarter of the longest training
        sequence (its real steps, padding not counted; at least 1), so that a short sequence
        is read by kernels that find a pattern anywhere in it rather than only where
        training showed it.
    crop_fraction : "auto" or float in (0, 1], default="auto"
        Window slicing (Le Guennec et al. 2016): every training batch shows each sequence as
        a random contiguous crop of this fraction of its real steps (rounded up), drawn anew
        each epoch, so that the class is learnt from the pattern wherever it sits rather
        than from the training set's exact sequences; prediction reads whole sequences. 1.0:
        no cropping. "auto": 0.7 when the longest training sequence has 64 steps or more,
        else 1.0 (short series are often one fixed span, such as the 24 hours of a day,
        where the position carries the class); ``crop_fraction_`` says which.
    test_crops : "auto" or int >= 0, default="auto"
        Test-time augmentation for a model trained on crops: the predicted probabilities are
        the mean of the whole sequence's and those of this many evenly spaced crops of it
        (the first at its start, the last at its end), each of the fraction midway between
        the training crops and the whole (0.85 for ``crop_fraction_=0.7``), cut after the
        input scaling as in training. 0: the whole sequence alone. "auto": 5 when training
        used crops (``crop_fraction_ < 1``), else 0. No effect on a model trained without
        crops; read only at prediction, so it can be changed on a fitted model.
    max_epochs : int, default=100
        Maximum passes over the training sequences.
    batch_size : int, default=64
        Sequences per gradient step.
    lr : float, default=1e-3
        Learning rate.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adam"
    optimizer_params : dict or None, default=None
        Further keyword arguments of the optimizer; ``lr`` and ``weight_decay`` have their
        own parameters.
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    early_stopping : "auto" or bool, default="auto"
        Stop when the loss on the last ``validation_fraction`` of the samples has not improved
        for ``patience`` epochs, and restore the best weights. "auto": on from 10,000 samples.
    validation_fraction : float, default=0.1
        Share of the (last) samples held out for early stopping.
"""
        + TRAINING_END_DOC
        + """    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss: ``{label: weight}``, or "balanced" (inversely
        proportional to the class frequencies).
    scaling : {"auto", "global", "sequence", "both"}, default="auto"
        "global": standardise each input feature with its training mean and deviation
        (``scale_input``). "sequence": each sequence by its own mean and deviation, per
        feature (the UCR archive's z-normalisation: shapes compared whatever their
        amplitude). "both": the z-normalised values, the globally standardised values and
        each sequence's scale on a log axis (its standardised log10 deviation, constant
        along the sequence) side by side (three times the input channels), so that shapes,
        levels and amplitudes a decade apart are all readable.
        "auto": "both" when the training sequences' deviations span three orders of
        magnitude or more (:func:`amplitude_spread` >= 3: appliance currents, power
        readings), else "global"; ``input_scaling_`` says which.
    scale_input : bool, default=True
        Standardise each input feature with its training mean and deviation.
    device : str, default="cpu"
        "cpu", "cuda", "cuda:N", "mps" or "auto".
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling and dropout.
    verbose : int, default=0
        0: quiet. 1: one progress line on stderr, rewritten after every epoch (epoch,
        losses, elapsed time, time left at most). 2 or more: skorch's table of every epoch.
    callbacks : list of skorch callbacks or None, default=None
        Passed through to the skorch net.
    warm_start : bool, default=False
        Continue from the fitted weights on the next call to ``fit``, with the current
        training parameters; a change of the network's structure is refused.
    compile : bool, default=False
        Run the module through ``torch.compile``.
"""
        + TORCH_THREADS_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Labels seen in fit, in sorted order (any labels: ints, strings).
    input_scaling_ : {"global", "sequence", "both"}
        The input scaling used (``scaling="auto"`` resolved).
    crop_fraction_ : float
        The training crops' fraction of each sequence (``crop_fraction="auto"`` resolved).
    net_ : skorch.NeuralNet
        The trained skorch net.
    history_ : pandas.DataFrame
        Per-epoch training history.
    n_features_in_ : int
        Columns of X seen in fit (features per step for 3-D X; steps for 2-D X).
    n_timesteps_in_ : int
        Number of time steps of X seen in fit.
    feature_names_in_ : ndarray of str
        Column names, when fit on a DataFrame with string column names.

    Examples
    --------
    >>> from sklstm import SequenceClassifier
    >>> from sklstm.datasets import make_car_sequences
    >>> X, y = make_car_sequences(n_samples=300, seq_len=6, random_state=0)
    >>> clf = SequenceClassifier(hidden_size=32, lr=0.01, max_epochs=40, random_state=0)
    >>> clf.fit(X, y).classes_
    array([1, 2, 3])
    >>> X_new, y_new = make_car_sequences(n_samples=300, seq_len=6, random_state=1)
    >>> bool(clf.score(X_new, y_new) > 0.95)
    True
    """
    )

    _parameter_constraints = {
        **BaseRecurrent._parameter_constraints,
        "architecture": [StrOptions({"recurrent", "recurrent_fcn"})],
        "conv_filters": ["array-like"],
        "conv_kernels": [StrOptions({"auto"}), "array-like"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "scaling": [StrOptions({"auto", "global", "sequence", "both"})],
        "crop_fraction": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="right")],
        "test_crops": [StrOptions({"auto"}), Interval(Integral, 0, None, closed="left")],
    }

    _onnx_kind = "classifier"

    def __init__(
        self,
        *,
        architecture="recurrent_fcn",
        hidden_size=64,
        num_layers=1,
        cell="lstm",
        bidirectional=False,
        dropout=0.0,
        dense_size=None,
        conv_filters=(128, 256, 128),
        conv_kernels="auto",
        crop_fraction="auto",
        test_crops="auto",
        max_epochs=100,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        optimizer_params=None,
        weight_decay=0.0,
        early_stopping="auto",
        validation_fraction=0.1,
        patience=15,
        clip_grad_norm=1.0,
        lr_schedule="plateau",
        restore_best_weights=True,
        class_weight=None,
        scaling="auto",
        scale_input=True,
        device="cpu",
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        compile=False,
        torch_threads="auto",
    ):
        self.architecture = architecture
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.dense_size = dense_size
        self.conv_filters = conv_filters
        self.conv_kernels = conv_kernels
        self.crop_fraction = crop_fraction
        self.test_crops = test_crops
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.restore_best_weights = restore_best_weights
        self.class_weight = class_weight
        self.scaling = scaling
        self.scale_input = scale_input
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.compile = compile
        self.torch_threads = torch_threads

    # -- hooks ------------------------------------------------------------------------------
    def _module_class(self):
        return RecurrentClassifier

    def _module_params(self):
        return {
            **super()._module_params(),
            "n_classes": len(self.classes_),
            "architecture": self.architecture,
            "conv_filters": self._conv_filters(),
            "conv_kernels": self._conv_kernels(),
            "n_features": self.scaling_.n_channels(self._n_step_features)
            if isinstance(self.scaling_, SequenceScaling) else self._n_step_features,
        }

    def _conv_filters(self):
        filters = _positive_ints(self.conv_filters, "conv_filters")
        if not filters:
            raise ValueError("conv_filters must hold at least one number of filters; got ().")
        return filters

    def _conv_kernels(self):
        """Kernel widths of the convolutional blocks, one per entry of ``conv_filters``."""
        n_blocks = len(self._conv_filters())
        if isinstance(self.conv_kernels, str):  # "auto"
            # LSTM-FCN's widths (8, 5, 3, then 3s), at most a quarter of the longest training
            # sequence: a kernel as long as the sequence is a position-specific dense layer
            # and finds a pattern only where training showed it (a car at the edge of six
            # steps, a longer car); a short kernel finds it anywhere.
            longest = getattr(self, "_longest_sequence", self.n_timesteps_in_)
            cap = max(1, longest // 4)
            return tuple(min(k, cap) for k in ((8, 5) + (3,) * n_blocks)[:n_blocks])
        kernels = _positive_ints(self.conv_kernels, "conv_kernels")
        if len(kernels) != n_blocks:
            raise ValueError(
                f"conv_kernels needs one width per convolutional block: conv_filters has "
                f"{n_blocks}, conv_kernels={self.conv_kernels!r} has {len(kernels)}."
            )
        return kernels

    _target_dtype = torch.int64

    def _criterion(self):
        if self.class_weight is None:
            return torch.nn.CrossEntropyLoss, {}
        if isinstance(self.class_weight, dict):
            unknown = [k for k in self.class_weight if k not in set(self.classes_.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight has keys {unknown[:5]} that are not classes of y; the "
                    f"classes are {self.classes_.tolist()}."
                )
        weights = compute_class_weight(
            self.class_weight, classes=self.classes_, y=self._y_train_labels
        )
        return torch.nn.CrossEntropyLoss, {"weight": torch.as_tensor(weights, dtype=torch.float32)}

    def _fit_scaling(self, X3, y):
        # Sequences are independent here (no overlapping windows): every observed step counts.
        self.input_scaling_ = self.scaling
        if self.scaling == "auto":
            spread = amplitude_spread(X3)
            self.input_scaling_ = "both" if spread >= AUTO_SEQUENCE_SCALING_SPREAD else "global"
        if self.input_scaling_ != "global":
            return SequenceScaling.fit(X3, keep_level=self.input_scaling_ == "both")
        return GlobalScaling.fit(X3, scale_input=self.scale_input, overlapping=False)

    def _train_batch_params(self):
        self.crop_fraction_ = self.crop_fraction
        if self.crop_fraction == "auto":
            longest = getattr(self, "_longest_sequence", self.n_timesteps_in_)
            self.crop_fraction_ = AUTO_CROP_FRACTION if longest >= AUTO_CROP_MIN_STEPS else 1.0
        return {"crop_fraction": float(self.crop_fraction_)}

    def _prepare_X(self, X, reset):
        X3 = self._validate_X(X, reset=reset, allow_nan=True, fixed_timesteps=False)
        X3, lengths = align_padding(X3)
        if reset:  # what "auto" kernels follow: real steps, not the width of the padding
            self._longest_sequence = int(X3.shape[1] if lengths is None else lengths.max())
        return X3, lengths

    def _validate_y(self, y, n_samples):
        if y is None:
            raise ValueError(
                "SequenceClassifier requires y to be passed, but the target y is None."
            )
        y = column_or_1d(to_numpy_input(y), warn=True)
        check_consistent_length(np.empty(n_samples), y)
        check_classification_targets(y)
        return y

    def _init_targets(self, y, classes):
        if classes is not None:
            classes = np.unique(column_or_1d(to_numpy_input(classes)))
            self.classes_ = classes
            self._check_known_labels(y, "y")
        else:
            self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"SequenceClassifier needs at least 2 classes in y to learn from; got only one "
                f"class: {self.classes_.tolist()}."
            )
        self._y_train_labels = y

    def _check_targets(self, y, classes):
        if classes is not None:
            classes = np.unique(column_or_1d(to_numpy_input(classes)))
            if not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()} is not the same as on the first call to "
                    f"partial_fit, which set {self.classes_.tolist()}."
                )
        self._check_known_labels(y, "y")

    def _encode_y(self, y):
        return np.searchsorted(self.classes_, y).astype(np.int64)

    # -- public API -------------------------------------------------------------------------
    def partial_fit(self, X, y, classes=None):
        """Train one more epoch (the first call initialises the network and ``classes_``).

        As ``SGDClassifier.partial_fit``: ``classes`` must be given on the first call (every
        label that will ever be seen) and, if given later, must be the same; labels of y
        outside ``classes`` are refused. Every call draws a new shuffle order; the call is
        atomic, as :meth:`fit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            All labels; required on the first call, optional (and checked) afterwards.

        Returns
        -------
        self : object
        """
        if classes is None and not self._is_fitted():
            raise ValueError(
                "classes must be passed on the first call to partial_fit: every label that "
                "will ever be seen, e.g. classes=np.unique(y_all)."
            )
        return self._partial_fit(X, y, classes=classes)

    def _check_known_labels(self, y, name):
        try:
            unseen = np.setdiff1d(np.unique(y), self.classes_)
        except TypeError:  # labels of another type than classes_ (e.g. str vs int)
            unseen = np.array([v for v in np.unique(y.astype(object)) if v not in set(self.classes_.tolist())])
        if unseen.size:
            raise ValueError(
                f"{name} contains labels not among the classes: {unseen[:5].tolist()}; the "
                f"classifier knows {self.classes_.tolist()}."
            )

    def predict_proba(self, X):
        """Class probabilities of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``; rows sum to 1. For a model trained on
            crops, the mean over the whole sequence and its test crops (``test_crops``).
        """
        self._check_fitted()
        X3, lengths = self._prepare_X(X, reset=False)
        proba = _softmax(self._forward(X3, lengths))
        count, fraction = self._test_crop_plan()
        for index in range(count):
            view = partial(spaced_crop, fraction=fraction, index=index, count=count)
            proba += _softmax(self._forward(X3, lengths, view))
        return proba / (count + 1)

    def _test_crop_plan(self):
        """``(count, fraction)`` of the prediction-time crops (count 0: whole sequences)."""
        # Read at prediction, so possibly set after fit: validated here as fit validates.
        validate_parameter_constraints(
            {"test_crops": self._parameter_constraints["test_crops"]},
            {"test_crops": self.test_crops}, caller_name=type(self).__name__,
        )
        trained = float(getattr(self, "crop_fraction_", 1.0))
        if trained >= 1:
            return 0, 1.0
        count = AUTO_TEST_CROPS if self.test_crops == "auto" else int(self.test_crops)
        return count, (1 + trained) / 2

    def to_onnx(self, path):
        count, fraction = self._test_crop_plan()
        if count:
            raise NotImplementedError(
                f"to_onnx exports predictions of whole sequences; this model averages them "
                f"with {count} crops of {fraction:g} of each sequence (test_crops="
                f"{self.test_crops!r}, trained on crops of {self.crop_fraction_:g}). Export "
                "it after clf.set_params(test_crops=0) to serve whole-sequence predictions."
            )
        return super().to_onnx(path)

    to_onnx.__doc__ = BaseRecurrent.to_onnx.__doc__

    def predict(self, X):
        """Most probable label of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None):
        """Accuracy on X, y; labels unseen in fit are refused rather than counted as errors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        self._check_fitted()
        self._check_known_labels(column_or_1d(to_numpy_input(y)), "y")
        return super().score(X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # as padding of variable-length sequences
        return tags
