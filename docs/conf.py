"""Sphinx configuration of sklstm's documentation site.

Build (from the repository root, after ``pip install -e ".[docs]" -c constraints.txt``)::

    SKLSTM_DATA=../shared/data python -m sphinx -W --keep-going -b html docs docs/_build/html

The gallery runs every script of ``examples/`` with small settings (``_gallery_args.py``), so
the data must be reachable: ``SKLSTM_DATA`` pointing at the publishers' files, or internet.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # _gallery_args

import sklstm  # noqa: E402

# The gallery runs each example from the examples/ folder (and Sphinx reads this file from
# docs/): a relative SKLSTM_DATA, as in the build command, is taken relative to the
# repository root, where the command is run.
if os.environ.get("SKLSTM_DATA"):
    os.environ["SKLSTM_DATA"] = os.path.join(os.path.dirname(HERE), os.environ["SKLSTM_DATA"])

project = "sklstm"
author = "the sklstm developers"
copyright = "2026, the sklstm developers"
release = version = sklstm.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "**/*.md5"]

# API reference: one page per public name (api.rst), written by autosummary from the
# numpydoc docstrings; the class template lists the methods each class defines or inherits
# from sklstm, not scikit-learn's metadata-routing helpers.
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Markdown pages (the user guide, results and benchmarks) keep their GitHub-style anchors.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # run every example, not only plot_*.py
    "reset_argv": "_gallery_args.reset_argv",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "min_reported_time": 0,
    "show_memory": False,
    "backreferences_dir": None,
    "reference_url": {"sklstm": None},
}

html_theme = "pydata_sphinx_theme"
html_title = f"sklstm {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
