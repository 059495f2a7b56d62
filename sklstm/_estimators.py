"""The registry of sklstm's estimator classes, by name (what a model file may name).

Every subclass of ``BaseRecurrent`` registers itself when its class is created, so that
``sklstm.load`` rebuilds any of them without importing the modules that define them (no
import cycle) and without a list of names to keep in step.
"""

ESTIMATORS = {}


def register(cls):
    """Record ``cls`` under its name; the public classes of sklstm only."""
    if cls.__module__.split(".")[0] == "sklstm" and not cls.__name__.startswith("_"):
        ESTIMATORS[cls.__name__] = cls
    return cls
