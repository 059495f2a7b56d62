"""The torch components a user names by a string: optimizers and losses (cells: ``_modules``).

Each registry maps the name a parameter takes to a torch class. The parameters'
constraints, their documentation and the model files (which store the name) all read these
dictionaries: adding an optimizer or a plain torch loss is one line here.
"""

import torch

from . import _optimizers

# optimizer="adam", ...: the estimator's lr and weight_decay are passed to these classes
# (torch's, without their first-use import of torch._dynamo: see _optimizers).
OPTIMIZERS = {
    "adam": _optimizers.Adam,
    "adamw": _optimizers.AdamW,
    "sgd": _optimizers.SGD,
    "rmsprop": _optimizers.RMSprop,
}

# The forecasters' criterion="mse", ...: plain torch losses of (prediction, target), computed
# in the network's (scaled) frame.
LOSSES = {
    "mse": torch.nn.MSELoss,
    "mae": torch.nn.L1Loss,
    "huber": torch.nn.HuberLoss,
}


def choices(registry):
    """The registry's names as a numpydoc set, e.g. ``{"mae", "mse"}``."""
    return "{" + ", ".join(f'"{name}"' for name in registry) + "}"
