"""Input conversion and checks shared by every sklstm estimator and transformer.

One place turns numpy, pandas and torch inputs into 2-D/3-D numpy arrays *without copying
windows*, checks their values (``_value_checks``: NaN, infinity, float32's range, read once
through sliding windows' overlap), and keeps the bookkeeping of
shapes seen in ``fit`` so that every later call can quote the fitted and the given shapes.
"""

import numbers
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.validation import _check_feature_names, check_array

from ._lazy_windows import covered_blocks, is_lazy
from ._time import check_time_index
from ._value_checks import check_finite, check_float32_range

FLOAT_DTYPES = (np.float64, np.float32)
# The fitted attributes of the input's shape that ``validate_sequences`` records, documented
# once for every estimator and transformer that has them.
SHAPE_ATTRIBUTES_DOC = """    n_features_in_ : int
        Columns of X seen in fit (features per step for 3-D X; steps for 2-D X).
    n_timesteps_in_ : int
        Number of time steps of X seen in fit.
    feature_names_in_ : ndarray of str
        Column names, when fit on a DataFrame with string column names.
"""
def to_numpy_input(X):
    """Return ``X`` with torch tensors moved to a numpy array; other inputs unchanged."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(X, torch.Tensor):
        return X.detach().cpu().numpy()
    return X


def as_3d(X):
    """View 2-D ``(n_samples, n_timesteps)`` as 3-D with one feature per step."""
    return X[:, :, np.newaxis] if X.ndim == 2 else X


def validate_sequences(
    estimator,
    X,
    *,
    reset,
    allow_nan=False,
    dtype=FLOAT_DTYPES,
    fixed_timesteps=True,
    in_float32_range=False,
):
    """Validate ``X`` as sequences and return it as a 2-D or 3-D numpy array (no copy).

    2-D input ``(n_samples, n_timesteps)`` means one feature per step. On ``reset`` the shapes
    are recorded on ``estimator``: ``n_features_in_`` (the columns of X as scikit-learn counts
    them: features per step for 3-D X, steps for 2-D X), ``n_timesteps_in_`` and, for
    DataFrames with string columns, ``feature_names_in_``. Otherwise the shapes must match.
    """
    X = to_numpy_input(X)
    if is_lazy(X):
        _check_lazy(X, "X", allow_nan, in_float32_range, ndim=3)
    else:
        X = _validated_array(estimator, X, reset, allow_nan, dtype, in_float32_range)
    X3 = as_3d(X)
    if reset:
        estimator.n_features_in_ = X.shape[1] if X.ndim == 2 else X.shape[2]
        estimator.n_timesteps_in_ = X.shape[1]
        estimator._n_step_features = X3.shape[2]
        estimator._fit_ndim = X.ndim
        return X
    _check_fitted_shape(estimator, X, X3, type(estimator).__name__, fixed_timesteps)
    return X


def _check_lazy(X, name, allow_nan, in_float32_range, ndim):
    """Lazy windows (or targets) checked on the buffer values their rows use."""
    if X.dtype.kind not in "f":
        raise TypeError(f"{name} holds {X.dtype} values; lazy windows must be float.")
    allowed = ndim if isinstance(ndim, tuple) else (ndim,)
    if X.ndim not in allowed:
        raise ValueError(f"{name} has shape {X.shape}; expected {' or '.join(map(str, allowed))}"
                         " dimensions.")
    if len(X) == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum "
                         f"of 1 is required ({name}).")
    for values in covered_blocks(X):
        check_finite(values, allow_nan=allow_nan, name=name)
        if in_float32_range:
            check_float32_range(values, name)


def _validated_array(estimator, X, reset, allow_nan, dtype, in_float32_range):
    _refuse_non_arrays(X)
    _check_feature_names(estimator, X, reset=reset)
    X = as_rectangular(
        X, "X", "pad the sequences to one length first with sklstm.pad_sequences(X) (NaN "
        "padding, which SequenceClassifier reads as variable-length sequences).")
    X = check_array(
        X,
        accept_sparse=False,
        allow_nd=True,
        dtype=dtype,
        ensure_all_finite=False,
        ensure_2d=True,
        ensure_min_samples=1,
        ensure_min_features=1,
        input_name="X",
        estimator=estimator,
    )
    name = type(estimator).__name__
    if X.ndim not in (2, 3):
        raise ValueError(
            f"X must be 2-D (n_samples, n_timesteps) or 3-D (n_samples, n_timesteps, "
            f"n_features); got a {X.ndim}-D array of shape {X.shape}."
        )
    if X.ndim == 3 and (X.shape[1] == 0 or X.shape[2] == 0):
        raise ValueError(
            f"X of shape {X.shape} has no time steps or no features; {name} needs at least one "
            "of each."
        )
    check_finite(X, allow_nan=allow_nan, in_float32_range=in_float32_range)
    return X


def _refuse_non_arrays(X):
    """Name the argument and the type for what is no array at all, or a 1-D one.

    scikit-learn's own 1-D message suggests ``reshape(-1, 1)``, which here would make every
    value a sequence of one step: the hint below says what sklstm means instead.
    """
    if sp.issparse(X):
        return  # check_array says that sparse input is not supported
    if X is None or isinstance(X, (dict, str, bytes, set)) or np.isscalar(X):
        raise TypeError(
            f"X must be an array-like of sequences (numpy, pandas, torch), shape "
            f"(n_samples, n_timesteps[, n_features]); got {type(X).__name__}."
        )
    ndim = getattr(X, "ndim", None)
    if ndim is None and isinstance(X, (list, tuple)) and len(X) and np.isscalar(X[0]):
        ndim = 1
    if ndim == 1:
        raise ValueError(
            f"X is 1-D (shape ({len(X)},)). Reshape your data: sklstm reads arrays as sequences, 2-D "
            "(n_samples, n_timesteps) or 3-D (n_samples, n_timesteps, n_features). To cut a "
            "series into windows use sklstm.make_sequences(series, window_length=...); for a "
            "single sequence pass X.reshape(1, -1) (or a pandas Series to TimeSeriesImputer)."
        )


def as_rectangular(X, name, hint):
    """A list (or tuple) of rows as one array; a ragged one refused naming ``name``.

    numpy's own message ("inhomogeneous shape") says neither which argument nor what to do;
    ``hint`` says it.
    """
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return X
    try:
        return np.asarray(X)
    except ValueError as exc:
        if "inhomogeneous" not in str(exc) and "sequence" not in str(exc):
            raise
        lengths = sorted({len(s) for s in X if hasattr(s, "__len__")})
        raise ValueError(f"{name} is a ragged list (lengths {lengths[:5]}); {hint}") from None


def _check_fitted_shape(estimator, X, X3, name, fixed_timesteps):
    fitted_steps = estimator.n_timesteps_in_
    fitted_feats = estimator._n_step_features
    if X.ndim == 2 and estimator._fit_ndim == 2 and X.shape[1] != estimator.n_features_in_:
        # The wording matches scikit-learn's own message for a wrong number of columns.
        raise ValueError(
            f"X has {X.shape[1]} features, but {name} is expecting {estimator.n_features_in_} "
            f"features as input (2-D X holds one feature per time step, so this is a window of "
            f"{X.shape[1]} steps where {fitted_steps} were seen in fit)."
        )
    if X3.shape[2] != fitted_feats:
        raise ValueError(
            f"X has {X3.shape[2]} features per time step (shape {X.shape}), but {name} was "
            f"fitted with {fitted_feats} (shape (n_samples, {fitted_steps}, {fitted_feats})). "
            "Pass the same features, in the same order, as in fit."
        )
    if fixed_timesteps and X3.shape[1] != fitted_steps:
        raise ValueError(
            f"X has a window length of {X3.shape[1]} time steps (shape {X.shape}), but {name} "
            f"was fitted on windows of {fitted_steps} steps. Cut windows of the fitted length, "
            f"e.g. make_sequences(series, window_length={fitted_steps}) or "
            f"SequenceWindower(window_length={fitted_steps})."
        )


def check_int_param(value, name, *, min_value=1, allow_none=False):
    """Check an integer parameter, naming it and the value seen when it is wrong."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {min_value}; got {value!r}.")
    if value < min_value:
        raise ValueError(f"{name} must be an integer >= {min_value}; got {value!r}.")
    return int(value)


def series_values(series, name):
    """Return ``(values_2d, index, columns)`` of a Series/DataFrame/array, refusing bad input.

    A pandas index must satisfy the time-order contract (sorted, no duplicates); ``columns``
    is None for arrays (their columns are positions, not names).
    """
    series = to_numpy_input(series)
    if isinstance(series, pd.Series):
        index, columns, values = series.index, [series.name], series.to_numpy()
    elif isinstance(series, pd.DataFrame):
        index, columns = series.index, list(series.columns)
        values = series.to_numpy()
        if values.dtype == object:
            non_numeric = [c for c, t in series.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
            raise TypeError(
                f"{name} must hold numbers; columns {non_numeric[:5]} are not numeric. "
                "Convert or drop them first."
            )
    else:
        values = np.asarray(as_rectangular(
            series, name, "give a rectangular array of shape (n_times,) or "
            "(n_times, n_features)."))
        index, columns = None, None
    if index is not None:
        check_time_index(index, name)
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers; got dtype {values.dtype} (shape {values.shape}). "
            "Convert or drop non-numeric columns first."
        )
    if values.ndim == 1:
        values = values[:, np.newaxis]
    if values.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (a series) or 2-D (time x features); got {values.ndim}-D "
            f"with shape {values.shape}."
        )
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {values.shape}); it needs at least one value.")
    if values.dtype.kind != "f":
        values = values.astype(np.float64)
    if np.isinf(values).any():
        raise ValueError(
            f"{name} contains infinity at position(s) "
            f"{np.flatnonzero(np.isinf(values).any(axis=1))[:5].tolist()}; replace it first."
        )
    return values, index, columns


def validate_forecast_targets(estimator, y, n_samples, allow_nan=False):
    """A forecaster's y: float, ``(n_samples,)`` or ``(n_samples, horizon)``, in float32 range
    (``allow_nan``: NaN for steps not observed yet, as ``update_intervals`` takes them)."""
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None."
        )
    y = to_numpy_input(y)
    if is_lazy(y):
        _check_lazy(y, "y", allow_nan, True, ndim=(1, 2))
    else:
        y = _validated_targets(estimator, y, allow_nan)
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X and y hold different numbers of samples: X has {n_samples}, y has "
            f"{y.shape[0]} (shape {y.shape}). Cut both with make_sequences."
        )
    return y


def _validated_targets(estimator, y, allow_nan):
    dtypes = list(y.dtypes) if isinstance(y, pd.DataFrame) else [
        getattr(y, "dtype", None) or np.asarray(y).dtype]
    if not all(pd.api.types.is_numeric_dtype(t) for t in dtypes):
        try:  # numbers held as objects (or as numeric text) are numbers
            np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{type(estimator).__name__}'s y must hold numbers (the values to forecast); "
                f"got dtype {dtypes[0] if len(dtypes) == 1 else dtypes} with shape "
                f"{np.shape(y)} (Unknown label type for a forecaster). Convert it first, "
                "e.g. y.astype(float)."
            ) from None
    y = check_array(
        y,
        ensure_2d=False,
        dtype=FLOAT_DTYPES,
        input_name="y",
        estimator=estimator,
        ensure_all_finite="allow-nan" if allow_nan else True,
    )
    if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
        raise ValueError(
            f"y must have shape (n_samples,) or (n_samples, horizon); got {y.shape}."
        )
    check_float32_range(y, "y")
    return y
