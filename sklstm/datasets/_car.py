"""The pinhole-camera car toy data of Heaton's T81-558 class 10.2."""

import numpy as np
from sklearn.utils import check_random_state

from .._validation import check_int_param


def load_car_colors():
    """The course's six toy sequences: a car of colour 1, 2 or 3 passing a pinhole camera.

    Each sequence has 6 time steps of one feature, the colour code seen through the pinhole
    (0: nothing). The car shows for two steps, at different positions; the label is its colour.

    Returns
    -------
    X : ndarray of shape (6, 6, 1), float32
    y : ndarray of shape (6,), int
        Labels 1, 2, 3.

    Examples
    --------
    >>> from sklstm.datasets import load_car_colors
    >>> X, y = load_car_colors()
    >>> X[0, :, 0], y[0]
    (array([0., 1., 1., 0., 0., 0.], dtype=float32), np.int64(1))
    """
    X = np.array(
        [
            [0, 1, 1, 0, 0, 0],
            [0, 0, 0, 2, 2, 0],
            [0, 0, 0, 0, 3, 3],
            [0, 2, 2, 0, 0, 0],
            [0, 0, 3, 3, 0, 0],
            [0, 0, 0, 0, 1, 1],
        ],
        dtype=np.float32,
    )[:, :, np.newaxis]
    y = np.array([1, 2, 3, 2, 3, 1], dtype=np.int64)
    return X, y


def make_car_sequences(n_samples=300, seq_len=6, n_colors=3, random_state=None):
    """Generate car sequences like :func:`load_car_colors`, at any position and length.

    Parameters
    ----------
    n_samples : int, default=300
        Number of sequences.
    seq_len : int, default=6
        Time steps per sequence.
    n_colors : int, default=3
        Colours (and labels) 1..n_colors.
    random_state : int, RandomState instance or None, default=None
        Seeds the colours, positions and lengths.

    Returns
    -------
    X : ndarray of shape (n_samples, seq_len, 1), float32
        0 where no car is seen, the colour code while it passes (1 to ``seq_len - 1`` steps,
        starting anywhere it fits).
    y : ndarray of shape (n_samples,), int
        The colour of each car.

    Examples
    --------
    >>> from sklstm.datasets import make_car_sequences
    >>> X, y = make_car_sequences(n_samples=4, seq_len=8, random_state=0)
    >>> X.shape, sorted(set(y.tolist())) <= [1, 2, 3]
    ((4, 8, 1), True)
    """
    n_samples = check_int_param(n_samples, "n_samples")
    seq_len = check_int_param(seq_len, "seq_len", min_value=2)
    n_colors = check_int_param(n_colors, "n_colors")
    rng = check_random_state(random_state)
    y = rng.randint(1, n_colors + 1, size=n_samples)
    lengths = rng.randint(1, seq_len, size=n_samples)
    starts = (rng.random_sample(n_samples) * (seq_len - lengths + 1)).astype(int)
    steps = np.arange(seq_len)
    seen = (steps >= starts[:, None]) & (steps < (starts + lengths)[:, None])
    X = np.where(seen, y[:, None], 0).astype(np.float32)[:, :, np.newaxis]
    return X, y.astype(np.int64)
