"""How many of the latest (time-ordered) samples are held out of training: one rule for the
early-stopping split, the Theta weight, the calibration windows and ``calibration_fraction``.

In a single process: the latest ``round(n * fraction)`` samples (at least one). In a worker
of a data-parallel fit (``sklstm.distributed``): this worker's samples at or after the time
cutoff that holds out that share of the whole panel's windows, so that the held-out windows
are the same whatever the number of workers.
"""


def latest_count(fraction, n_samples, at_least_one=True):
    from .distributed._context import active

    context = active()
    if context is not None:
        return context.latest_count(fraction, n_samples, at_least_one)
    count = int(round(n_samples * fraction))
    return max(1, count) if at_least_one else count


def panel_count(n_samples):
    """``n_samples`` over every worker of a data-parallel fit (itself in one process)."""
    from .distributed._context import active

    context = active()
    return n_samples if context is None else int(context.sum([n_samples])[0])


def held_out_start(estimator, n_samples, n_held, use_early_stopping):
    """First of the latest windows the network did not train on (the calibration windows,
    else early stopping's validation windows), or None if there are none."""
    n_train = n_samples - n_held
    if panel_count(n_held):
        return n_train
    if use_early_stopping(n_train):
        return n_train - latest_count(estimator.validation_fraction, n_train)
    return None
