"""Variable-length sequences: NaN padding in, front-aligned sequences and their lengths out.

sklstm's convention for sequences of different lengths is NaN padding, at the end or at the
start; the classifier packs the aligned sequences so that the padding never enters the
recurrent state.
"""

import numpy as np

from .impute import fill_along_time


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
