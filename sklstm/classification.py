"""Sequence classifier: one label per (possibly variable-length) sequence.

Its parameters are declared once (``CLASSIFIER_PARAMS``: the shared recurrent ones of
``_recurrent_params`` and its own below); the training crops and the prediction-time crops
live in ``_augment``, the padding convention in ``_padding``, the scalings in ``_scaling``.

Why this module is long: about a hundred of its lines are the declaration and documentation
of the classifier's own parameters, kept beside the class whose behaviour they describe; the
class itself is under three hundred lines.
"""

import inspect
import warnings
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

from ._augment import (
    AUTO_CROP_FRACTION,
    AUTO_CROP_MIN_STEPS,
    AUTO_TEST_CROPS,
    RandomCrops,
    spaced_crop,
    training_crop_fraction,
)
from ._base import BaseRecurrent
from ._components import choices
from ._heads import MembersLoss
from ._modules import MemberEnsemble, RecurrentClassifier
from ._padding import align_padding
from ._params import IntInterval, Param, ParamSet, declare
from ._recurrent_params import NETWORK, RUNTIME, SCALE_INPUT, TRAINING
from ._scaling import ProfileScaling, scaling_choices, scaling_doc, sequence_deviation
from ._validation import SHAPE_ATTRIBUTES_DOC, to_numpy_input

__all__ = ["CLASSIFIER_PARAMS", "SequenceClassifier", "amplitude_spread", "auto_kernels",
           "auto_profile_channel", "profile_share"]

_CLASSIFIER_SCALINGS = scaling_choices("classifier")


def _softmax(logits):
    logits = logits - logits.max(axis=1, keepdims=True)
    proba = np.exp(logits)
    return proba / proba.sum(axis=1, keepdims=True)


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
    deviation = sequence_deviation(np.asarray(X3))
    spreads = [0.0]
    for column in deviation.T:
        column = column[np.isfinite(column) & (column > 0)]
        if len(column) >= 2:
            low, high = np.percentile(column, [5, 95])
            spreads.append(float(np.log10(high / low)))
    return max(spreads)


# profile_channel="auto" adds the profile channel from AUTO_PROFILE_MIN_SEQUENCES training
# sequences when they share a time frame: they are (mostly) of one length, one span each
# (a day, an outline, a gait cycle), as for the training crops (_augment), or their mean
# profile (the mean value at each step) holds at least AUTO_PROFILE_SHARE of their variance
# (one aligned curve with variations: spectra, outlines). Recordings of unequal lengths
# with no shared curve (PLAID, gestures) are patterns at any position, which departures
# from a mean step would mislead. A profile of 16-23 sequences is about as noisy as the
# differences it should show. Chosen on the UCR quick subset (docs/classification.md),
# mean of seeds 0-2 with and without the channel, the rest as then: SonyAIBORobotSurface1
# (20 sequences) 0.82 and 0.92, DiatomSizeReduction (16) 0.90 and 0.95, ECGFiveDays (23)
# 0.86 and 0.91 (DodgerLoopGame and -Weekend, 20 each, gained: 0.74 and 0.68, 0.92 and
# 0.87); from 30 (seed 0): OliveOil 0.87 and 0.40, Meat 0.92 and 0.72, Car 0.80 and 0.65.
# Session 12 added "of one length": on the ten such sets of 30 sequences or more whose
# share is below 0.5, seeds 0-2 with the channel against without: PowerCons 0.915 ->
# 0.996, ToeSegmentation2 0.915 -> 0.920, MelbournePedestrian 0.964 -> 0.968, Lightning2
# 0.880 -> 0.863, the other six within a point; BasicMotions (seeds 0-4) 0.990 -> 0.995.
# Outside the subset: WordSynonyms 0.526 -> 0.627, Worms 0.705 -> 0.653 (motion cut into
# pieces of one length, where no step is like another), CricketX and Earthquakes level.
AUTO_PROFILE_SHARE = 0.5
AUTO_PROFILE_MIN_SEQUENCES = 30


def auto_profile_channel(X3, equal_lengths):
    """Whether ``profile_channel="auto"`` adds the profile channel for the training sequences
    ``X3``: from 30 of them, when they are (mostly) of one length (``equal_lengths``) or
    their mean profile explains at least half their variance (:func:`profile_share`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.classification import auto_profile_channel
    >>> days = np.random.default_rng(0).normal(size=(40, 24, 1))
    >>> auto_profile_channel(days, True), auto_profile_channel(days[:29], True)
    (True, False)
    >>> auto_profile_channel(days, False)  # neither a shared curve nor one length
    False
    """
    if len(X3) < AUTO_PROFILE_MIN_SEQUENCES:
        return False
    return bool(equal_lengths or profile_share(X3) >= AUTO_PROFILE_SHARE)


def profile_share(X3):
    """The share of the training values' variance their mean profile (the mean value at each
    step, per feature) explains: 1 for copies of one curve, about 0 for patterns that sit
    anywhere. The smallest over the features; NaN padding ignored.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.classification import profile_share
    >>> rng = np.random.default_rng(0)
    >>> curve = np.sin(np.linspace(0, 6, 50))
    >>> aligned = curve + 0.05 * rng.normal(size=(40, 50))
    >>> shifted = np.array([np.roll(curve, k) for k in rng.integers(0, 50, 40)])
    >>> round(profile_share(aligned), 2), bool(profile_share(shifted) < 0.2)
    (1.0, True)
    """
    X3 = np.asarray(X3, dtype=np.float64)
    if X3.ndim == 2:
        X3 = X3[:, :, np.newaxis]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # steps or features never observed
        departure = np.nanvar(X3 - np.nanmean(X3, axis=0), axis=(0, 1))
        total = np.nanvar(X3, axis=(0, 1))
    shares = [1 - d / t for d, t in zip(departure, total) if np.isfinite(d) and t > 0]
    return float(min(shares)) if shares else 0.0


# max_epochs="auto": AUTO_MIN_EPOCHS, and when training uses crops (long sequences: every
# epoch shows new crops) enough epochs for AUTO_MIN_STEPS gradient steps. On 20-60 training
# sequences 100 epochs in batches of 64 are 100 steps, which leave a network at chance on
# some seeds (UCR Meat, Car); FCN and InceptionTime train for 1,500-2,000 epochs. Whole short
# sequences, the same every epoch, are memorised instead: 1,000 epochs of the course's six
# cars misread a car at the window's edge (seeds 0 and 1), 100 epochs read every car.
AUTO_MIN_STEPS = 1000
AUTO_MIN_EPOCHS = 100

# conv_filters="auto": the width of the convolutional branch follows the training set. Half
# LSTM-FCN's width was as accurate on 20-400 sequences at a third of the time; from 500 the
# full width was worth more than its time (docs/classification.md, "The UCR archive").
AUTO_NARROW_FILTERS = (64, 128, 64)
AUTO_WIDE_FILTERS = (128, 256, 128)
AUTO_WIDE_MIN_SEQUENCES = 500

# conv_kernels="auto": LSTM-FCN's widths (8, 5, 3) read 14 steps at once, a few per cent of a
# sequence of 300-600 steps, where an outline's or a gait's class is a shape tens of steps
# long (InceptionTime's longest kernels are 40). The widths grow with the longest training
# sequence, by one more multiple per AUTO_KERNEL_STEPS steps up to AUTO_KERNEL_MAX_SCALE:
# (8, 5, 3) below 96 steps, (16, 10, 6), (24, 15, 9), then (32, 20, 12) from 224. Seed 0,
# the rest the defaults: with (32, 20, 12), UCR ToeSegmentation2 (343 steps) 0.75 -> 0.92,
# Lightning2 (637) 0.71 -> 0.84; with (16, 10, 6), ECGFiveDays (136) 0.93 -> 0.99,
# PowerCons (144) 0.89 -> 0.94 (docs/classification.md, "The UCR archive", for every set).
# Only below AUTO_KERNEL_MAX_SEQUENCES training sequences, where the sets that gained are
# (16-78 sequences). From 100, seeds 0-2: PowerCons (180) 0.915 -> 0.933, Plane (105)
# 1.000 both, MedicalImages (381) 0.781 -> 0.770, and ACSF1 (100 x 1,460) 0.900 -> 0.830 on
# seed 1; larger sets have the data to learn long shapes from short kernels, and with the
# wide branch from 500 the longest widths cost 2.7 times a training step (2.0 with the
# narrow one).
AUTO_KERNELS = (8, 5, 3)
AUTO_KERNEL_MAX_SEQUENCES = 100
AUTO_KERNEL_STEPS = 64
AUTO_KERNEL_MAX_SCALE = 4


def auto_kernels(n_blocks, longest, n_sequences=0):
    """The kernel widths of ``conv_kernels="auto"`` for ``n_blocks`` convolutional blocks,
    sequences of at most ``longest`` real steps and ``n_sequences`` training sequences:
    LSTM-FCN's 8, 5, 3 (then 3s), times ``longest / 64`` rounded half up (from 1 to 4) below
    100 training sequences (times 1 from 100), each at most a quarter of ``longest`` (at
    least 1).

    Examples
    --------
    >>> from sklstm.classification import auto_kernels
    >>> auto_kernels(3, 80), auto_kernels(3, 140), auto_kernels(3, 600), auto_kernels(3, 12)
    ((8, 5, 3), (16, 10, 6), (32, 20, 12), (3, 3, 3))
    >>> auto_kernels(3, 600, n_sequences=100)
    (8, 5, 3)
    """
    # Halves round up (Python's round() would send 160 steps to 2).
    scale = min(AUTO_KERNEL_MAX_SCALE, max(1, int(longest / AUTO_KERNEL_STEPS + 0.5)))
    if n_sequences >= AUTO_KERNEL_MAX_SEQUENCES:
        scale = 1
    cap = max(1, int(longest) // 4)
    widths = (AUTO_KERNELS + (AUTO_KERNELS[-1],) * n_blocks)[:n_blocks]
    return tuple(min(k * scale, cap) for k in widths)


# n_networks="auto": an ensemble of AUTO_NETWORKS networks below AUTO_ENSEMBLE_MAX_SEQUENCES
# training sequences. There a network's accuracy varies most with its seed (UCR ShapeletSim
# 0.81-0.93, PickupGestureWiimoteZ 0.60-0.70 over seeds 0-2) and the mean of three networks'
# probabilities read more than any one (0.94, 0.76); three networks on fewer than 100
# sequences cost what one costs on about 300 (InceptionTime is an ensemble of five).
AUTO_NETWORKS = 3
AUTO_ENSEMBLE_MAX_SEQUENCES = 100
_AUTO_TRAINING = """The classifier's default "auto": {} (batches of 64, or fewer on small
sets so that an epoch takes about 16 steps, never under 16 sequences; {} epochs, or more
when training uses crops, so that it takes at least {:,} gradient steps)."""


CLASSIFIER_PARAMS = (
    ParamSet(Param(
        "architecture", "recurrent_fcn", [StrOptions({"recurrent", "recurrent_fcn"})],
        '{"recurrent_fcn", "recurrent"}',
        """"recurrent_fcn": LSTM-FCN / GRU-FCN (Karim et al. 2017; the cell chooses which): a
        fully convolutional branch (Conv1d + BatchNorm + ReLU blocks of ``conv_filters``
        filters and ``conv_kernels`` widths, global average and max pooling over the real
        steps; the batch statistics count real steps only) beside the recurrent encoder,
        both concatenated before the head. The default: it wins the classification
        benchmark (docs/classification.md). "recurrent": the recurrent encoder's final state
        alone feeds the dense head."""))
    + NETWORK
    + ParamSet(
        Param("conv_filters", "auto", [StrOptions({"auto"}), "array-like"],
              '"auto" or tuple of int',
              f"""Filters of the convolutional blocks of ``architecture="recurrent_fcn"``, one
              block per entry. "auto": LSTM-FCN's {AUTO_WIDE_FILTERS} from
              {AUTO_WIDE_MIN_SEQUENCES} training sequences, half of it,
              {AUTO_NARROW_FILTERS}, below: on fewer sequences the narrower branch is as
              accurate (the UCR sets it was compared on) at about a third of the training
              time, and on more the wider one reads more of them (UCR MelbournePedestrian,
              PLAID; docs/classification.md); ``conv_filters_`` says which."""),
        Param("n_networks", "auto", [StrOptions({"auto"}), IntInterval(1, None, closed="left")],
              '"auto" or int >= 1',
              f"""Networks of this design trained side by side, each from its own
              initialisation and scored on its own loss, on the same batches; the
              prediction is the mean of their probabilities (an ensemble, as InceptionTime's
              five networks). Fit and prediction cost about as many times one network's.
              "auto": {AUTO_NETWORKS} below {AUTO_ENSEMBLE_MAX_SEQUENCES} training
              sequences, where one network's accuracy varies most with its seed and three
              cost little, else 1; ``n_networks_`` says which."""),
        Param("conv_kernels", "auto", [StrOptions({"auto"}), "array-like"],
              '"auto" or tuple of int',
              """Kernel widths of the convolutional blocks, one per entry of
              ``conv_filters``. "auto" (:func:`auto_kernels`): LSTM-FCN's 8, 5, 3 (then 3)
              below 96 steps in the longest training sequence (its real steps, padding not
              counted), times 2, 3 and 4 from 96, 160 and 224 steps when there are fewer
              than 100 training sequences, so that a long outline or gait is read in shapes
              tens of steps long (at up to twice the time of a step); each at most a
              quarter of the longest sequence (at least 1), so that a short sequence is
              read by kernels that find a pattern anywhere in it rather than only where
              training showed it."""),
        Param("crop_fraction", "auto", [StrOptions({"auto"}), Interval(Real, 0, 1, closed="right")],
              '"auto" or float in (0, 1]',
              f"""Window slicing (Le Guennec et al. 2016): every training batch shows each
              sequence as a random contiguous crop of this fraction of its real steps (rounded
              up), drawn anew each epoch, so that the class is learnt from the pattern
              wherever it sits rather than from the training set's exact sequences;
              prediction reads whole sequences. 1.0: no cropping. "auto":
              {AUTO_CROP_FRACTION} when the training sequences are of unequal lengths (the
              median shorter than the longest) and the longest has {AUTO_CROP_MIN_STEPS}
              steps or more (recordings that share no time frame), else 1.0 (sequences of
              one length, or short ones, are mostly one aligned span, such as a day or an
              outline, where the position carries the class); ``crop_fraction_`` says
              which."""),
        Param("test_crops", "auto", [StrOptions({"auto"}), IntInterval(0, None, closed="left")],
              '"auto" or int >= 0',
              f"""Test-time augmentation for a model trained on crops: the predicted
              probabilities are the mean of the whole sequence's and those of this many
              evenly spaced crops of it (the first at its start, the last at its end), each of
              the fraction midway between the training crops and the whole (0.85 for
              ``crop_fraction_=0.7``), cut after the input scaling as in training. 0: the
              whole sequence alone. "auto": {AUTO_TEST_CROPS} when training used crops
              (``crop_fraction_ < 1``), else 0. No effect on a model trained without crops;
              read only at prediction, so it can be changed on a fitted model."""),
    )
    + TRAINING.replace(
        "batch_size", default="auto",
        constraints=[StrOptions({"auto"}), IntInterval(1, None, closed="left")],
        type='"auto" or int',
        note=_AUTO_TRAINING.format("the batch size of the rule below", AUTO_MIN_EPOCHS,
                                   AUTO_MIN_STEPS)).replace(
        "max_epochs", default="auto",
        constraints=[StrOptions({"auto"}), IntInterval(1, None, closed="left")],
        type='"auto" or int',
        note=_AUTO_TRAINING.format("the epochs of the rule below", AUTO_MIN_EPOCHS,
                                   AUTO_MIN_STEPS))
    + ParamSet(
        Param("class_weight", None, [dict, StrOptions({"balanced"}), None],
              'dict, "balanced" or None',
              """Weights of the classes in the loss: ``{label: weight}``, or "balanced"
              (inversely proportional to the class frequencies)."""),
        Param("scaling", "auto", [StrOptions({"auto", *_CLASSIFIER_SCALINGS})],
              choices({"auto": None, **_CLASSIFIER_SCALINGS}),
              scaling_doc("classifier") + "\n" + inspect.cleandoc(f"""
              "auto": "both" when the training sequences' deviations span
              {AUTO_SEQUENCE_SCALING_SPREAD:g} orders of magnitude or more
              (:func:`amplitude_spread`: appliance currents, power readings), else "global";
              ``input_scaling_`` says which.""")),
        SCALE_INPUT,
        Param("profile_channel", "auto", [StrOptions({"auto"}), "boolean"],
              '"auto" or bool',
              f"""Beside the scaled values, a channel per feature of each value's departure
              from the training sequences' mean profile (their mean value at each step),
              standardised to unit deviation. Sets that are one curve with small
              variations (spectra, outlines, the hours of a day) differ by a few hundredths
              of the curve's amplitude, which the scaled values bury under the shared
              shape; the departures are those differences. Steps past the longest training
              sequence have departure 0. "auto": on from
              {AUTO_PROFILE_MIN_SEQUENCES} training sequences (a profile of fewer is
              about as noisy as the differences) when they share a time frame: (mostly)
              of one length, or a profile that explains at least {AUTO_PROFILE_SHARE:g} of
              their variance (:func:`auto_profile_channel`); ``profile_channel_`` says
              which."""),
    )
    + RUNTIME
)


@declare(CLASSIFIER_PARAMS, summary="""Recurrent (LSTM or GRU) classifier of sequences.

    X is ``(n_samples, n_timesteps, n_features)`` (2-D means one feature). Sequences of
    different lengths are given as NaN padding at the end or at the start; they are packed,
    so the network never reads the padding and the amount of padding changes nothing.
""", sections="""
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Labels seen in fit, in sorted order (any labels: ints, strings).
    input_scaling_ : {"global", "sequence", "both"}
        The input scaling used (``scaling="auto"`` resolved).
    profile_channel_ : bool
        Whether the network reads the profile channel (``profile_channel="auto"`` resolved).
    crop_fraction_ : float
        The training crops' fraction of each sequence (``crop_fraction="auto"`` resolved).
    conv_filters_ : tuple of int
        The convolutional blocks' filters (``conv_filters="auto"`` resolved).
    conv_kernels_ : tuple of int
        The convolutional blocks' kernel widths (``conv_kernels="auto"`` resolved).
    n_networks_ : int
        The networks of the ensemble (``n_networks="auto"`` resolved; 1: one network).
    net_ : skorch.NeuralNet
        The trained skorch net.
    history_ : pandas.DataFrame
        Per-epoch training history.
""" + SHAPE_ATTRIBUTES_DOC + """
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
""")
class SequenceClassifier(ClassifierMixin, BaseRecurrent):
    _scaling_role = "classifier"
    _onnx_kind = "classifier"

    # -- hooks ------------------------------------------------------------------------------
    def _training_regime(self, n_samples):
        chosen = super()._training_regime(n_samples)
        if self.max_epochs == "auto":
            chosen["max_epochs"] = self._auto_epochs(n_samples)
        return chosen

    def _auto_epochs(self, n_samples):
        """Epochs of ``max_epochs="auto"`` for ``n_samples`` training sequences."""
        if n_samples is None or getattr(self, "crop_fraction_", 1.0) >= 1:
            return AUTO_MIN_EPOCHS
        steps_per_epoch = -(-int(n_samples) // self._batch_size(n_samples))
        return max(AUTO_MIN_EPOCHS, -(-AUTO_MIN_STEPS // steps_per_epoch))

    def _module_class(self):
        return MemberEnsemble if self._n_networks() > 1 else RecurrentClassifier

    def _n_networks(self):
        # Models saved before n_networks existed are one network.
        return getattr(self, "n_networks_", 1) if self.n_networks == "auto" else self.n_networks

    def _module_params(self):
        members = self._n_networks()
        return {
            **({"n_members": members} if members > 1 else {}),
            **super()._module_params(),
            "n_classes": len(self.classes_),
            "architecture": self.architecture,
            "conv_filters": self._conv_filters(),
            "conv_kernels": self._conv_kernels(),
            "n_features": self.scaling_.n_channels(self._n_step_features),
        }

    def _conv_filters(self):
        if isinstance(self.conv_filters, str):  # "auto", resolved when the input was learnt
            return self.conv_filters_
        filters = _positive_ints(self.conv_filters, "conv_filters")
        if not filters:
            raise ValueError("conv_filters must hold at least one number of filters; got ().")
        return filters

    def _conv_kernels(self):
        """Kernel widths of the convolutional blocks, one per entry of ``conv_filters``."""
        n_blocks = len(self._conv_filters())
        if isinstance(self.conv_kernels, str):  # "auto"
            # At most a quarter of the longest training sequence: a kernel as long as the
            # sequence is a position-specific dense layer and finds a pattern only where
            # training showed it (a car at the edge of six steps, a longer car); a short
            # kernel finds it anywhere.
            resolved = getattr(self, "conv_kernels_", None)
            if resolved is not None and len(resolved) == n_blocks:
                return tuple(resolved)
            # A model saved before conv_kernels_ existed had LSTM-FCN's widths, capped.
            longest = getattr(self, "_longest_sequence", self.n_timesteps_in_)
            return auto_kernels(n_blocks, longest, n_sequences=AUTO_KERNEL_MAX_SEQUENCES)
        return self._stated_kernels(n_blocks)

    def _stated_kernels(self, n_blocks):
        kernels = _positive_ints(self.conv_kernels, "conv_kernels")
        if len(kernels) != n_blocks:
            raise ValueError(
                f"conv_kernels needs one width per convolutional block: conv_filters has "
                f"{n_blocks}, conv_kernels={self.conv_kernels!r} has {len(kernels)}."
            )
        return kernels

    _target_dtype = torch.int64

    def _criterion(self):
        loss, params = self._class_loss()
        if self._n_networks() > 1:  # each member scored on its own loss
            return MembersLoss, {"loss": loss, **params}
        return loss, params

    def _class_loss(self):
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

    def _scaling_state(self, X3, y):
        choice = self.scaling
        if choice == "auto":
            spread = amplitude_spread(X3)
            choice = "both" if spread >= AUTO_SEQUENCE_SCALING_SPREAD else "global"
        scaling = _CLASSIFIER_SCALINGS[choice].fit_for(self, X3, y, choice)
        profile = self.profile_channel
        if profile == "auto":
            profile = auto_profile_channel(X3, self._equal_lengths)  # from _input_state
        if profile:
            scaling = ProfileScaling.fit(X3, scaling)
        return {"scaling_": scaling, "input_scaling_": choice,
                "profile_channel_": bool(profile)}

    def _batch_state(self):
        longest = getattr(self, "_longest_sequence", self.n_timesteps_in_)
        equal = getattr(self, "_equal_lengths", False)  # models saved before 0.3: False
        return {"crop_fraction_": training_crop_fraction(self.crop_fraction, longest, equal)}

    def _train_batch_params(self):
        fraction = float(self.crop_fraction_)
        return {"augment": RandomCrops(fraction) if fraction < 1 else None}

    def _prepare_X(self, X, reset):
        X3 = self._validate_X(X, reset=reset, allow_nan=True, fixed_timesteps=False)
        return align_padding(X3)

    def _input_state(self, X, X3, lengths):
        # What "auto" kernels and crops follow: real steps, not the width of the padding.
        longest = int(X3.shape[1] if lengths is None else lengths.max())
        filters = self._auto_filters(len(X3))
        return {"_longest_sequence": longest,
                # Mostly of one length (the median as long as the longest): one aligned
                # span, some with a missing tail (UCR DodgerLoopDay: 1 day of 78 cut short).
                "_equal_lengths": bool(lengths is None or np.median(lengths) >= lengths.max()),
                "conv_filters_": filters,
                "conv_kernels_": (auto_kernels(len(filters), longest, len(X3))
                                  if isinstance(self.conv_kernels, str)
                                  else self._stated_kernels(len(filters))),
                "n_networks_": self._auto_networks(len(X3))}

    def _auto_networks(self, n_samples):
        """The networks ``n_networks`` gives for ``n_samples`` training sequences."""
        if self.n_networks != "auto":
            return int(self.n_networks)
        return AUTO_NETWORKS if n_samples < AUTO_ENSEMBLE_MAX_SEQUENCES else 1

    def _auto_filters(self, n_samples):
        """The filters ``conv_filters`` gives for ``n_samples`` training sequences."""
        if not isinstance(self.conv_filters, str):
            return self._conv_filters()
        wide = n_samples >= AUTO_WIDE_MIN_SEQUENCES
        return AUTO_WIDE_FILTERS if wide else AUTO_NARROW_FILTERS

    def _validate_y(self, y, n_samples):
        if y is None:
            raise ValueError(
                "SequenceClassifier requires y to be passed, but the target y is None."
            )
        y = column_or_1d(to_numpy_input(y), warn=True)
        check_consistent_length(np.empty(n_samples), y)
        check_classification_targets(y)
        return y

    def _target_state(self, y, classes):
        if classes is not None:
            classes = np.unique(column_or_1d(to_numpy_input(classes)))
            self._check_known_labels(y, "y", classes)
        else:
            classes = np.unique(y)
        if len(classes) < 2:
            raise ValueError(
                f"SequenceClassifier needs at least 2 classes in y to learn from; got only one "
                f"class: {classes.tolist()}."
            )
        return {"classes_": classes, "_y_train_labels": y}

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

    def _check_known_labels(self, y, name, classes=None):
        classes = self.classes_ if classes is None else classes
        try:
            unseen = np.setdiff1d(np.unique(y), classes)
        except TypeError:  # labels of another type than classes_ (e.g. str vs int)
            known = set(classes.tolist())
            unseen = np.array([v for v in np.unique(y.astype(object)) if v not in known])
        if unseen.size:
            raise ValueError(
                f"{name} contains labels not among the classes: {unseen[:5].tolist()}; the "
                f"classifier knows {classes.tolist()}."
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
            {"test_crops": self._params["test_crops"].constraints},
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
