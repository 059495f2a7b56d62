"""Augmentation of the classifier's sequences: random crops in training, spaced crops at
prediction (window slicing, Le Guennec et al. 2016).

Both work on batches already scaled and on the device, in the padded layout of variable-length
sequences (NaN after each sequence's real steps, with its length), and share one plan of real
and kept steps.
"""

import torch

# crop_fraction="auto": training crops of 70% of each sequence (PLAID downsampled by 4: 86.0%
# uncropped, 88.5% with 0.9, 90.7% and 90.1% with 0.7, 89.9% with 0.5; at full resolution
# 87.3% -> 92.2%, four seeds), for sequences of 64 steps or more. Shorter ones are left whole:
# ItalyPowerDemand (24 hourly steps of a day) falls from 96.4% to 93.3% with 0.7, where the
# hour is the class; JapaneseVowels (26) and the car (6) are unchanged by crops, BasicMotions
# (100) and ACSF1 (1,460) stay within their spread of seeds (docs/classification.md).
# Only for sequences of unequal lengths: sequences of one length are mostly one aligned span
# (a day of traffic, an outline, a spectrum) where the position is part of the class. On the
# 38 UCR sets of the quick subset, no crops averaged 0.8 points more (seed 0 against crops'
# seeds 0-2), a trade: DodgerLoopGame 0.68 -> 0.88, BeetleFly 0.78 -> 0.90, but
# ToeSegmentation2 0.86 -> 0.72, OliveOil 0.87 -> 0.80 (docs/classification.md, "The UCR
# archive"). Recordings of unequal lengths share no time frame, and there the crops were the
# regularisation that worked (PLAID).
AUTO_CROP_FRACTION = 0.7
AUTO_CROP_MIN_STEPS = 64
# test_crops="auto": a model trained on crops predicts the average of the whole sequence and
# this many evenly spaced crops of it, each of the fraction midway between the training crops
# and the whole (0.85 for crops of 0.7). Paired on the same fits: PLAID 92.1% -> 92.6% (six
# seeds, gains of 0 to 0.7 points), BasicMotions 98.8% -> 100%, ACSF1 85.5% -> 86.0%; 5 crops
# chosen over 3 and 9 on PLAID seeds 2 and 3 (docs/classification.md).
AUTO_TEST_CROPS = 5


def training_crop_fraction(setting, longest, equal_lengths=False):
    """The crops' fraction for ``crop_fraction=setting``, the longest real sequence and
    whether the training sequences are (mostly) of that length."""
    if setting != "auto":
        return setting
    cropped = longest >= AUTO_CROP_MIN_STEPS and not equal_lengths
    return AUTO_CROP_FRACTION if cropped else 1.0


class RandomCrops:
    """The training batches' augmentation (``BatchIterator(augment=...)``): a random
    contiguous ``fraction`` of each sequence (:func:`random_crop`)."""

    def __init__(self, fraction):
        self.fraction = float(fraction)

    def __call__(self, Xb, yb, generator):
        return random_crop(Xb, yb, self.fraction, generator)

    def __repr__(self):
        return f"RandomCrops({self.fraction})"


def _cut(X, kept, start):
    """Steps ``[start, start + kept)`` of each sequence moved to the front, NaN after them."""
    steps = X.shape[1]
    positions = torch.arange(steps)
    index = (start[:, None] + positions[None, :]).clamp(max=steps - 1).to(X.device)
    cropped = torch.gather(X, 1, index[:, :, None].expand(-1, -1, X.shape[2]))
    outside = (positions[None, :] >= kept[:, None]).to(X.device)
    return cropped.masked_fill(outside[:, :, None], float("nan")), kept.to(X.device)


def _crop_plan(X, lengths, fraction):
    """Real steps of each sequence and the ``ceil(fraction * length)`` (>= 1) a crop keeps.

    ``lengths`` None: an equal-length batch, every step real.
    """
    if lengths is None:
        lengths = torch.full((X.shape[0],), X.shape[1], dtype=torch.int64)
    lengths = lengths.cpu().long()
    return lengths, torch.clamp(torch.ceil(lengths.double() * fraction).long(), min=1)


def random_crop(Xb, yb, fraction, generator):
    """A random contiguous ``fraction`` of each sequence's real steps, moved to the front.

    Window slicing (Le Guennec et al. 2016): a batch shows each sequence as a crop of
    ``ceil(fraction * length)`` steps starting anywhere in it, the rest NaN padding, so that
    a classifier learns the pattern wherever it sits rather than the training set's exact
    sequences. ``Xb`` is ``(batch, steps, features)`` or ``{"X": ..., "lengths": ...}`` (the
    padded layout); the result is always the padded layout, with the crops' lengths.
    """
    X, lengths = (Xb["X"], Xb["lengths"]) if isinstance(Xb, dict) else (Xb, None)
    lengths, kept = _crop_plan(X, lengths, fraction)
    start = (torch.rand(X.shape[0], generator=generator, dtype=torch.float64)
             * (lengths - kept + 1)).long()
    cropped, kept = _cut(X, kept, start)
    return {"X": cropped, "lengths": kept}, yb


def spaced_crop(X, lengths, *, fraction, index, count):
    """Crop ``index`` of ``count`` evenly spaced crops of ``fraction`` of each sequence.

    The prediction-time counterpart of :func:`random_crop`: the first crop starts at the
    sequence's first step, the last ends at its last real step, the others lie evenly
    between (one crop: the middle). ``X`` is ``(batch, steps, features)``, ``lengths`` the
    real steps of each sequence (None: all); returns the crops and their lengths, in the
    form of a view of ``_predict.forward``.
    """
    lengths, kept = _crop_plan(X, lengths, fraction)
    share = 0.5 if count == 1 else index / (count - 1)
    start = torch.round((lengths - kept).double() * share).long()
    return _cut(X, kept, start)
