"""Every code example in the documentation runs, so the docs cannot rot.

Sybil finds the examples:

- fenced ``python`` blocks in ``docs/**/*.md``: a block that starts with ``>>>`` is checked as a
  doctest, any other block is executed; hidden set-up blocks are written as
  ``% invisible-code-block: python`` comments;
- fenced ``console`` blocks whose commands run the ``sseparse`` command line: each ``$`` command runs
  in bash (``sseparse`` is ``python -m sseparse``) and its output must match the lines under it
  (``...`` matches anything). Other console blocks (``pip install``...) are only shown;
- the ``>>>`` examples in the package's docstrings, which the API reference renders.

Examples of one page share a namespace and run in page order, so each page is one test. Pages run in
a temporary directory holding copies of ``examples/`` and ``docs/streams/`` at the same paths as in
the repository, so every example also runs as shown from the repository root.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("sybil", reason="the docs examples need Sybil: pip install --group test")

from sybil import Sybil
from sybil.parsers.myst import CodeBlockParser, PythonCodeBlockParser, SkipParser
from sybil.parsers.rest import DocTestParser

if TYPE_CHECKING:
    from sybil import Document, Example

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "sseparse"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

PAGES = sorted(path for path in DOCS.rglob("*.md") if "_build" not in path.relative_to(DOCS).parts)
MODULES = sorted(PACKAGE.rglob("*.py"))

_CLI = re.compile(r"(^|\|)\s*sseparse\b")


def run_console(example: Example) -> str | None:
    """Run a console block's ``$`` commands and compare their output with the block's text."""
    source = str(example.parsed)
    commands: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    if not commands or not all(_CLI.search(command) for command, _ in commands):
        return None  # not a block about the sseparse command line: shown, not run
    prelude = f'sseparse() {{ "{sys.executable}" -m sseparse "$@"; }}\n'
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    checker = doctest.OutputChecker()
    for command, expected_lines in commands:
        result = subprocess.run(
            ["bash", "-c", prelude + command], capture_output=True, text=True, env=env, check=False, timeout=60
        )
        got = result.stdout + result.stderr
        expected = "\n".join(expected_lines).strip("\n") + "\n"
        if not checker.check_output(expected, got.strip("\n") + "\n", FLAGS):
            return f"$ {command}\nexpected:\n{expected}got (exit status {result.returncode}):\n{got}"
    return None


_pages = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=FLAGS), CodeBlockParser("console", run_console), SkipParser()],
    path=str(DOCS),
)
_docstrings = Sybil(parsers=[DocTestParser(optionflags=FLAGS)], path=str(PACKAGE))


def _run(document: Document) -> int:
    """Evaluate the examples of one document in order; return how many ran."""
    count = 0
    for example in document.examples():
        try:
            example.evaluate()
        except Exception as exc:
            exc.add_note(f"in the example at {example.path}, line {example.line}")
            raise
        count += 1
    return count


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")  # an SDK retiring a model name
def test_page_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's code blocks run top to bottom without error and their outputs match."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(DOCS / "streams", tmp_path / "docs" / "streams")  # the captures the guides read
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    _run(_pages.parse(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_docstring_examples_run(path: Path) -> None:
    """The ``>>>`` examples in the package's docstrings (rendered in the API reference) hold."""
    _run(_docstrings.parse(path))


def test_every_page_has_a_test() -> None:
    """The pages exist, so a broken glob cannot make this module pass vacuously."""
    assert any(path.name == "index.md" for path in PAGES)


def test_console_blocks_compare_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A console block with wrong output fails, one that is not about the CLI is skipped."""
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ sseparse --version\nsseparse 0.0.0-not-this\n```\n\n```console\n$ false\n```\n", encoding="utf-8"
    )
    first, second = _pages.parse(page).examples()
    with pytest.raises(Exception, match="expected"):
        first.evaluate()
    second.evaluate()
