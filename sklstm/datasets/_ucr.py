"""Sets of the UCR time series classification archive (2018), in its own tab-separated format.

The archive is distributed as one password-protected zip (its maintainers ask users to read
their briefing first), so this loader reads a copy the user already has: a folder holding
``NAME/NAME_TRAIN.tsv`` (the archive's layout) or ``NAME_TRAIN.tsv`` (or ``.tsv.gz``).
"""

import os
from pathlib import Path

import numpy as np

from ._fetch import ENV_DATA, read_table

__all__ = ["load_ucr", "ucr_sets"]

UCR_URL = "https://www.cs.ucr.edu/~eamonn/time_series_data_2018/"
_SPLITS = ("train", "test")


def _folders(path):
    if path is not None:
        return [Path(path)]
    if os.environ.get(ENV_DATA):
        root = Path(os.environ[ENV_DATA])
        return [root / "ucr", root]
    return []


def _find(name, split, path):
    looked = []
    for folder in _folders(path):
        for candidate in (folder / f"{name}_{split.upper()}.tsv",
                          folder / name / f"{name}_{split.upper()}.tsv"):
            for file in (candidate, candidate.with_name(candidate.name + ".gz")):
                looked.append(file)
                if file.is_file():
                    return file
    where = "\n  ".join(str(p) for p in looked) or "(no folder: pass path= or set SKLSTM_DATA)"
    raise FileNotFoundError(
        f"UCR set {name!r} ({split}) not found. Looked in:\n  {where}\nThe archive is at "
        f"{UCR_URL} (read its briefing for the password); pass path=<folder of the "
        f"unzipped archive> or set {ENV_DATA}=<folder holding ucr/ or the .tsv files>."
    )


def ucr_sets(path=None):
    """Names of the UCR sets in ``path`` (or $SKLSTM_DATA and its ``ucr/``), sorted.

    Examples
    --------
    >>> from sklstm.datasets import ucr_sets
    >>> "ItalyPowerDemand" in ucr_sets()  # doctest: +SKIP
    True
    """
    names = set()
    for folder in _folders(path):
        if folder.is_dir():
            for file in folder.rglob("*_TRAIN.tsv*"):
                names.add(file.name.split("_TRAIN.tsv")[0])
    return sorted(names)


def load_ucr(name, split="train", path=None, length="set"):
    """Load one split of a UCR set as sklstm's ``(X, y)``: NaN padding for shorter sequences.

    Parameters
    ----------
    name : str
        The set's name in the archive, e.g. "ItalyPowerDemand".
    split : {"train", "test"}, default="train"
        The archive's own split (the benchmark's).
    path : str or Path, default=None
        A folder holding ``NAME_TRAIN.tsv``/``NAME_TEST.tsv`` (or .gz), directly or in
        ``NAME/`` as in the unzipped archive. None: $SKLSTM_DATA's ``ucr/``, then
        $SKLSTM_DATA.
    length : "set", int or None, default="set"
        Steps per row. "set": the longest sequence of both splits (when the other split's
        file is there), so that a variable-length set's train and test rows have one width
        and a classifier fitted on one split takes the other; None: this split's longest
        sequence; an int: at least that.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_timesteps)
        One (univariate) sequence per row, float64. Sets of variable length are padded with
        NaN at the end, which :class:`sklstm.SequenceClassifier` reads as padding; a few sets
        hold missing values inside sequences, also NaN.
    y : ndarray of shape (n_sequences,)
        The labels as the archive writes them (integers where they are integers).

    Examples
    --------
    >>> from sklstm.datasets import load_ucr
    >>> X, y = load_ucr("ItalyPowerDemand")  # doctest: +SKIP
    >>> X.shape, sorted(set(y))  # doctest: +SKIP
    ((67, 24), [1, 2])
    >>> X_test, y_test = load_ucr("ItalyPowerDemand", "test")  # doctest: +SKIP
    """
    if length is not None and length != "set" and (
            isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1):
        raise ValueError(f"length must be 'set', a positive int or None; got {length!r}.")
    values, labels = _read(name, split, path)
    width = values.shape[1]
    if length == "set":
        other = _SPLITS[1 - _SPLITS.index(split)]
        try:
            width = max(width, _read(name, other, path)[0].shape[1])
        except (FileNotFoundError, ValueError):  # the other split absent or unreadable
            pass
    elif length is not None:
        if length < width:
            raise ValueError(f"length={length} is shorter than the longest {split} sequence "
                             f"of {name} ({width} steps); pass length >= {width} or None.")
        width = int(length)
    if width > values.shape[1]:
        padding = np.full((len(values), width - values.shape[1]), np.nan)
        values = np.concatenate([values, padding], axis=1)
    return values, labels


def _read(name, split, path):
    """One split's values (trailing all-padding columns dropped) and labels."""
    if split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
    if not isinstance(name, str) or not name or any(c in name for c in "/\\"):
        raise ValueError(f"name must be the name of a UCR set, e.g. 'ItalyPowerDemand'; got "
                         f"{name!r}.")
    file = _find(name, split, path)
    frame = read_table(file, f"UCR {name} {split}", "tab-separated rows: the label, then the "
                       "values (NaN padding for shorter sequences).", sep="\t", header=None)
    if frame.shape[1] < 2:
        raise ValueError(f"{file} holds no values after the label column.")
    labels = frame.iloc[:, 0]
    if labels.isna().any():
        raise ValueError(f"{file}: rows {np.flatnonzero(labels.isna())[:5].tolist()} have no "
                         "label.")
    values = frame.iloc[:, 1:].to_numpy(dtype=np.float64)
    if np.isinf(values).any():
        raise ValueError(f"{file} holds infinite values.")
    labels = labels.to_numpy()
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    # Trailing columns that are padding for every sequence carry nothing.
    observed = ~np.isnan(values)
    last = observed.any(axis=0).nonzero()[0]
    values = values[:, : (last[-1] + 1 if len(last) else 0)]
    if values.shape[1] == 0 or not observed.any(axis=1).all():
        raise ValueError(f"{file}: every sequence needs at least one value.")
    return values, labels
