"""Command-line arguments the documentation's gallery runs each example with.

Small settings, so that the whole gallery builds in a few minutes on 2 cores, and ``--plot``
without a path, so that each example draws its figure for the gallery to show (and writes
no file). The pages say which settings they ran with; ``docs/results.md`` holds the full runs.
"""

import os

ARGS = {
    "weather.py": ["--seeds", "1", "--max-epochs", "60", "--plot"],
    "sunspot.py": ["--max-epochs", "3", "--plot"],
    "car.py": ["--n-samples", "300", "--max-epochs", "40", "--plot"],
    "sktime_workflow.py": ["--small", "--plot"],
    "distributed_search.py": ["--backend", "loky", "--max-epochs", "5", "--plot"],
    "intervals_and_saving.py": ["--max-epochs", "20", "--plot"],
    "distributed_training.py": ["--n-series", "500", "--max-epochs", "2"],
}


def reset_argv(gallery_conf, script_vars):
    name = os.path.basename(script_vars["src_file"])
    if name not in ARGS:
        raise KeyError(
            f"docs/_gallery_args.py has no arguments for examples/{name}; add its small "
            "settings to ARGS so that the gallery can run it."
        )
    return ARGS[name]
