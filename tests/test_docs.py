"""Every code example in the documentation runs, so the docs cannot rot.

Sybil finds the examples: fenced ``python`` blocks in ``docs/**/*.md`` (a block that starts with
``>>>`` is checked as a doctest, any other block is executed), hidden set-up blocks written as
``% invisible-code-block: python`` comments, and the ``>>>`` examples in the package's docstrings,
which the API reference renders. Examples of one page share a namespace and run in page order, so
each page is one test.
"""

from __future__ import annotations

import doctest
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("sybil", reason="the docs examples need Sybil: pip install --group test")

from sybil import Sybil
from sybil.parsers.myst import PythonCodeBlockParser, SkipParser
from sybil.parsers.rest import DocTestParser

if TYPE_CHECKING:
    from sybil import Document

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "sseparse"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

PAGES = sorted(path for path in DOCS.rglob("*.md") if "_build" not in path.relative_to(DOCS).parts)
MODULES = sorted(PACKAGE.rglob("*.py"))

_pages = Sybil(parsers=[PythonCodeBlockParser(doctest_optionflags=FLAGS), SkipParser()], path=str(DOCS))
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
def test_page_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's code blocks run top to bottom without error and their doctests match."""
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    _run(_pages.parse(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_docstring_examples_run(path: Path) -> None:
    """The ``>>>`` examples in the package's docstrings (rendered in the API reference) hold."""
    _run(_docstrings.parse(path))


def test_every_page_has_a_test() -> None:
    """The pages exist, so a broken glob cannot make this module pass vacuously."""
    assert any(path.name == "index.md" for path in PAGES)
