"""Scalings between the user's units and the network's frame, one module per kind.

Every module of this package is imported here, and each ``Scaling`` subclass registers
itself by its ``kind`` (``SCALINGS``): the estimators' ``scaling`` choices, model files and
the ONNX export all read the registry, so adding a scaling is adding one module here (see
``_base`` for what it implements and docs/developers.md for the recipe).
"""

import importlib
import pkgutil

from ._base import (
    SCALINGS,
    Scaling,
    TorchScaling,
    feature_statistics,
    scaling_choices,
    scaling_doc,
    sequence_deviation,
)

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

# The classes by name, where models pickled before this package existed look for them.
globals().update({cls.__name__: cls for cls in SCALINGS.values()})

__all__ = ["SCALINGS", "Scaling", "TorchScaling", "feature_statistics", "scaling_choices",
           "scaling_doc", "sequence_deviation",
           *(cls.__name__ for cls in SCALINGS.values())]
