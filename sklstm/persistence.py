"""Save and load fitted estimators without pickle: parameters as JSON, weights as tensors.

A model file is a zip archive of three members:

- ``sklstm.json``: the file format, the sklstm version, the class, the parameters and the
  fitted attributes needed to predict, in JSON (arrays and classes by reference);
- ``arrays.npz``: the fitted arrays (scaling statistics, classes, calibration scores), read
  with ``allow_pickle=False``;
- ``weights.pt``: the network's ``state_dict``, read with ``torch.load(weights_only=True)``.

Loading therefore never unpickles an arbitrary object: only JSON values, plain arrays,
tensors, sklstm's own estimator classes (the ``_estimators`` registry), its scalings (the
``_scaling`` registry, each rebuilt by ``Scaling.from_state``) and torch's optimizer and loss
classes (by module prefix) are rebuilt. Pickle keeps working as before for everything else.
"""

import importlib
import io
import json
import zipfile

import numpy as np
import pandas as pd
import torch
from skorch.history import History

from ._estimators import ESTIMATORS
from ._netbuild import prediction_net
from ._runtime import loadable_device
from ._scaling import SCALINGS, Scaling
from ._version import __version__

FORMAT = "sklstm-model"
FORMAT_VERSION = 1
_META, _ARRAYS, _WEIGHTS = "sklstm.json", "arrays.npz", "weights.pt"

# Classes a file may name; nothing else is ever imported or built from a file. Estimators
# and scalings come from their registries; files of format 1 named scalings by class path.
_LEGACY_SCALINGS = {f"sklstm._scaling.{name}": kind for name, kind in (
    ("GlobalScaling", "global"), ("WindowScaling", "window"),
    ("SequenceScaling", "sequence"), ("TargetTransform", "target_transform"))}
_CLASS_MODULES = ("torch.optim.", "torch.nn.modules.loss.", "sklstm._heads.")
# Fitted state that is rebuilt rather than stored (the net) or not needed to predict.
_SKIP = ("net_",)

__all__ = ["load", "save"]


class _Encoder:
    """JSON-safe encoding of parameters and fitted attributes; arrays go to a side table."""

    def __init__(self):
        self.arrays = {}

    def encode(self, value, where):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return float(value)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, tuple):
            return {"__tuple__": [self.encode(v, where) for v in value]}
        if isinstance(value, list):
            return [self.encode(v, where) for v in value]
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise TypeError(f"{where}: only dicts with string keys can be saved.")
            return {"__dict__": {k: self.encode(v, f"{where}[{k!r}]") for k, v in value.items()}}
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                raise TypeError(
                    f"{where} is an array of Python objects, which the safe format cannot "
                    "hold; use labels of one numeric or string type, or pickle the model."
                )
            key = f"a{len(self.arrays)}"
            self.arrays[key] = np.asarray(value)
            return {"__array__": key}
        if isinstance(value, pd.DataFrame):
            split = value.to_dict(orient="split")
            return {"__frame__": {
                "index": self.encode(list(split["index"]), where),
                "index_name": value.index.name,
                "columns": [str(c) for c in split["columns"]],
                "data": [[self.encode(_plain(v), where) for v in row] for row in split["data"]],
            }}
        if isinstance(value, type):
            name = f"{value.__module__}.{value.__qualname__}"
            if name.startswith(_CLASS_MODULES):
                return {"__class__": name}
        if isinstance(value, Scaling):
            return {"__scaling__": value.kind, "state": self.encode(value.get_state(), where)}
        raise TypeError(
            f"{where}={value!r} cannot be saved in sklstm's safe format (it stores JSON "
            "values, arrays, and torch optimizer and loss classes by name); use a built-in "
            "name for it, or pickle the model."
        )


def _plain(value):
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, list):  # skorch history entries such as "batches"
        return None
    return value


def _decode(value, arrays):
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(v, arrays) for v in value["__tuple__"])
    if "__dict__" in value:
        return {k: _decode(v, arrays) for k, v in value["__dict__"].items()}
    if "__array__" in value:
        return arrays[value["__array__"]]
    if "__frame__" in value:
        frame = value["__frame__"]
        out = pd.DataFrame(frame["data"], index=frame["index"], columns=frame["columns"])
        out.index.name = frame["index_name"]
        return out
    if "__class__" in value:
        return _import(value["__class__"], prefixes=_CLASS_MODULES)
    if "__scaling__" in value or "__object__" in value:
        kind = value.get("__scaling__") or _LEGACY_SCALINGS.get(value["__object__"])
        if kind not in SCALINGS:
            raise ValueError(
                f"the model file names the scaling {value.get('__scaling__') or value['__object__']!r}, "
                f"which this sklstm does not have (it has {sorted(SCALINGS)})."
            )
        return SCALINGS[kind].from_state(_decode(value["state"], arrays))
    raise ValueError(f"unknown entry in the model file: {sorted(value)[:3]}")


def _import(name, prefixes):
    if not isinstance(name, str) or not name.startswith(prefixes):
        raise ValueError(f"the model file names {name!r}, which sklstm does not load.")
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def save(estimator, path):
    """Write a fitted sklstm estimator to ``path`` in the safe format (see module docs).

    Parameters
    ----------
    estimator : LSTMForecaster, GRUForecaster or SequenceClassifier
        Fitted.
    path : str or path-like
        The file to write (conventionally ``.sklstm``).
    """
    name = type(estimator).__name__
    if ESTIMATORS.get(name) is not type(estimator):
        raise TypeError(f"save() writes sklstm's estimators; got {type(estimator).__name__}.")
    estimator._check_fitted()
    encoder = _Encoder()
    params = {k: encoder.encode(v, k) for k, v in estimator.get_params(deep=False).items()}
    fitted = {
        k: encoder.encode(v, k)
        for k, v in vars(estimator).items()
        if k not in params and k not in _SKIP
    }
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sklstm_version": __version__,
        "estimator": name,
        "params": params,
        "fitted": fitted,
        "trained_on": str(estimator.net_.device),
    }
    arrays = io.BytesIO()
    np.savez(arrays, **encoder.arrays)
    weights = io.BytesIO()
    state = {k: v.detach().cpu() for k, v in estimator.net_.module_.state_dict().items()}
    torch.save(state, weights)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_META, json.dumps(meta, indent=1))
        archive.writestr(_ARRAYS, arrays.getvalue())
        archive.writestr(_WEIGHTS, weights.getvalue())


def _read_archive(path):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, IsADirectoryError) as error:
        raise ValueError(
            f"{path} is not an sklstm model file (written by estimator.save); a pickled "
            "model is loaded with pickle, which runs code from the file: only do that for "
            "files you trust."
        ) from error
    with archive:
        names = set(archive.namelist())
        missing = {_META, _ARRAYS, _WEIGHTS} - names
        if missing:
            raise ValueError(f"{path} is not an sklstm model file: it lacks {sorted(missing)}.")
        try:
            meta = json.loads(archive.read(_META))
        except ValueError as error:
            raise ValueError(f"{path}: its {_META} is not valid JSON.") from error
        return meta, archive.read(_ARRAYS), archive.read(_WEIGHTS)


def _check_format(meta, path):
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{path} is not an sklstm model file (format {meta.get('format')!r}).")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by sklstm {meta.get('sklstm_version')} in model format "
            f"{version}; this sklstm ({__version__}) reads format {FORMAT_VERSION} or older. "
            "Upgrade sklstm to load it."
        )
    if meta.get("estimator") not in ESTIMATORS:
        raise ValueError(f"{path} holds an unknown estimator {meta.get('estimator')!r}.")
    for part in ("params", "fitted"):
        if not isinstance(meta.get(part), dict):
            raise ValueError(
                f"{path} is damaged: its {part!r} entry is "
                f"{type(meta.get(part)).__name__}, not a mapping of names to values."
            )


def load(path, device=None):
    """Load an estimator written by ``save``; never unpickles arbitrary objects.

    Parameters
    ----------
    path : str or path-like
        A file written by :meth:`save` (of any sklstm with the same or an older format).
    device : str or None, default=None
        Where to put the network: None takes the saved ``device`` parameter when that device
        is available here and the CPU otherwise (a CUDA-trained model loads on a machine
        without a GPU). The ``device`` parameter itself is kept as saved unless given.

    Returns
    -------
    estimator : LSTMForecaster, GRUForecaster or SequenceClassifier
        Fitted: it predicts exactly as the saved one did (on the same device type).

    Examples
    --------
    >>> import tempfile, os
    >>> import numpy as np
    >>> import sklstm
    >>> X, y = sklstm.make_sequences(np.sin(np.arange(200) / 5), window_length=8)
    >>> model = sklstm.LSTMForecaster(hidden_size=8, max_epochs=3, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.sklstm")
    >>> model.save(path)
    >>> bool(np.array_equal(sklstm.load(path).predict(X), model.predict(X)))
    True
    """
    meta, arrays_bytes, weights_bytes = _read_archive(path)
    _check_format(meta, path)
    try:
        with np.load(io.BytesIO(arrays_bytes), allow_pickle=False) as stored:
            arrays = {k: stored[k] for k in stored.files}
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{path}: its arrays are not plain arrays ({error}); sklstm refuses to load "
            "objects from a model file."
        ) from error
    cls = ESTIMATORS[meta["estimator"]]
    params = {k: _decode(v, arrays) for k, v in meta["params"].items()}
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ValueError(
            f"{path} sets parameters {unknown} that {cls.__name__} of this sklstm "
            f"({__version__}) does not have; it was written by sklstm "
            f"{meta.get('sklstm_version')}. Load it with that version."
        )
    if device is not None:
        params["device"] = device
    estimator = cls(**params)
    for key, value in meta["fitted"].items():
        setattr(estimator, key, _decode(value, arrays))

    target = loadable_device(params["device"])  # the CPU if the saved one is not here
    try:
        state = torch.load(io.BytesIO(weights_bytes), map_location=target, weights_only=True)
    except Exception as error:  # torch raises UnpicklingError (or others) on foreign objects
        raise ValueError(
            f"{path}: its weights are not plain tensors ({type(error).__name__}); sklstm "
            "refuses to load objects from a model file."
        ) from error
    try:
        net = prediction_net(estimator, target)
    except AttributeError as error:  # a fitted attribute the network needs is not stored
        raise ValueError(
            f"{path} lacks part of the fitted model ({error}); the file is damaged or was "
            "not written by estimator.save."
        ) from None
    try:
        net.module_.load_state_dict(state)
    except RuntimeError as error:
        raise ValueError(
            f"{path}: its weights do not fit the network its parameters describe "
            f"({str(error).splitlines()[-1].strip()}); the file is damaged or was edited."
        ) from None
    history = estimator.__dict__.get("history_")
    if isinstance(history, pd.DataFrame):
        net.history = History(
            [{"epoch": int(epoch), **{k: v for k, v in row.items() if v is not None}}
             for epoch, row in zip(history.index, history.to_dict("records"))]
        )
    estimator.net_ = net
    return estimator
