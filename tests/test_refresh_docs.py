"""Documentation tables are the output of the commands the pages name."""

import re
import shlex
from pathlib import Path

import pytest

from .conftest import load_script

ROOT = Path(__file__).resolve().parents[1]
refresh_docs = load_script(ROOT / "scripts" / "refresh_docs.py", "refresh_docs")

PAGE = """# Title
<!-- output: echo one -->
old
table
<!-- end output -->
prose stays
<!-- output: printf 'a\\nb\\n' -->
<!-- end output -->
"""


def test_refresh_replaces_each_block_with_its_command_output(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE)
    refresh_docs.main([str(page)])
    text = page.read_text()
    assert "old" not in text and "prose stays" in text
    assert refresh_docs.blocks(text) == [("echo one", "one\n"), ("printf 'a\\nb\\n'", "a\nb\n")]


def test_only_refreshes_the_selected_block_and_a_failure_leaves_the_page(tmp_path):
    text = refresh_docs.refresh(PAGE, lambda command: "new", only="printf")
    assert "old\ntable" in text and refresh_docs.blocks(text)[1][1] == "new\n"
    page = tmp_path / "page.md"
    page.write_text(PAGE.replace("echo one", "exit 3"))
    with pytest.raises(RuntimeError, match="`exit 3` failed"):
        refresh_docs.main([str(page)])
    assert page.read_text() == PAGE.replace("echo one", "exit 3")


def test_a_missing_page_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit):
        refresh_docs.main([str(tmp_path / "nope.md")])
    assert "no such page: " in capsys.readouterr().err


@pytest.mark.parametrize("page", sorted((ROOT / "docs").glob("*.md")), ids=lambda p: p.name)
def test_every_named_command_runs_a_script_of_this_repository(page):
    for command, body in refresh_docs.blocks(page.read_text()):
        words = shlex.split(command)
        scripts = [w for w in words if re.search(r"\.py$", w)]
        if not scripts and "-m" in words:
            scripts = [words[words.index("-m") + 1]]  # python -m sklstm
        assert scripts, f"{page.name}: `{command}` runs no script"
        for script in scripts:
            if script.endswith(".py"):
                assert (ROOT / script).is_file(), f"{page.name}: `{command}`: no {script}"
        assert body.strip(), f"{page.name}: the block of `{command}` is empty; refresh it"
