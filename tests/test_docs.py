"""Every public name is documented with a runnable example, and listed in the API reference.

The examples themselves run as doctests (``--doctest-modules``); the site is built with
warnings as errors by CI's docs step (``docs/conf.py`` names the command).
"""

import importlib
import re
from pathlib import Path

import pytest

from .conftest import requires_data

PUBLIC_MODULES = ["sklstm", "sklstm.datasets", "sklstm.ensemble", "sklstm.metrics",
                  "sklstm.plotting", "sklstm.exceptions", "sklstm.sktime"]
API_PAGE = Path(__file__).resolve().parents[1] / "docs" / "api.rst"


def public_names():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        assert hasattr(module, "__all__"), f"{module_name} has no __all__"
        for name in module.__all__:
            yield module_name, name


@pytest.mark.parametrize("module_name, name", list(public_names()))
def test_public_name_has_a_numpydoc_examples_section(module_name, name):
    obj = getattr(importlib.import_module(module_name), name)
    doc = obj.__doc__ or ""
    assert re.search(r"^\s*Examples\n\s*-{8}", doc, re.M), f"{module_name}.{name}: no Examples"
    assert ">>>" in doc, f"{module_name}.{name}: its Examples section has no code"


def test_api_reference_lists_every_public_name():
    listed = set()
    current = None
    for line in API_PAGE.read_text().splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            current = m.group(1)
        elif current and re.match(r"^   [A-Za-z_]\w*$", line):
            listed.add((current, line.strip()))
    missing = [f"{m}.{n}" for m, n in public_names() if (m, n) not in listed]
    assert not missing, f"docs/api.rst does not list {missing}"


DOCS = API_PAGE.parent


@requires_data
@pytest.mark.parametrize("page", ["index.md", "windows.md"])
def test_user_guide_code_runs_as_written(page, monkeypatch):
    # The code blocks of a page run in order in one namespace, as a reader would paste them.
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / page).read_text(), re.S)
    assert blocks, f"{page} has no python code block"
    namespace = {}
    for code in blocks:
        exec(compile(code, f"docs/{page}", "exec"), namespace)
