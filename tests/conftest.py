import os
from pathlib import Path

import numpy as np
import pytest
import torch

# Several pytest-xdist workers on 2 cores: one torch thread each, or they oversubscribe the
# cores and tiny networks spend their time spinning.
if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"

# Tests read the real files offline from ../shared/data unless the caller chose a folder.
if not os.environ.get("SKLSTM_DATA") and SHARED_DATA.is_dir():
    os.environ["SKLSTM_DATA"] = str(SHARED_DATA.resolve())


def _data_available():
    folder = Path(os.environ.get("SKLSTM_DATA", SHARED_DATA))
    return (folder / "SN_d_tot_V2.0.csv").is_file() and (folder / "weatherAUS.csv.gz").is_file()


requires_data = pytest.mark.skipif(
    not _data_available(), reason="real data not found: set SKLSTM_DATA to ../shared/data"
)
requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device; this machine has none"
)


def load_script(path, name):
    """A script outside the package (``benchmarks/``, ``examples/``, ``scripts/``) loaded
    as the module ``name``, so tests can call its functions."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_fresh_python(code):
    """Run ``code`` in a new interpreter (nothing imported yet); fail with its stderr if it
    fails. Returns the completed process (its stdout)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(0)
    torch.manual_seed(0)


def output_dtypes(model):
    """The set, filled by every later forward pass, of the dtypes the module's linear,
    convolutional and recurrent layers produce (hooks on the module)."""
    seen = set()

    def record(module, inputs, output):
        seen.add((output[0] if isinstance(output, tuple) else output).dtype)

    for module in model.net_.module_.modules():
        if isinstance(module, (torch.nn.Linear, torch.nn.LSTM, torch.nn.GRU, torch.nn.Conv1d)):
            module.register_forward_hook(record)
    return seen
