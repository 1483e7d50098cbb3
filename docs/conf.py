"""Sphinx configuration for the sseparse documentation.

Why Sphinx + furo + MyST Markdown:

- Sphinx's autodoc renders the API reference from the docstrings in ``sseparse/``, so the reference
  cannot drift from the code, and ``sphinx -W`` turns every broken cross-reference or malformed
  docstring into a build failure in CI.
- MyST lets the pages be plain Markdown that reads well on GitHub too, while keeping Sphinx roles and
  directives (``{py:class}``, ``{toctree}``, ``{include}``) where they are needed.
- furo is a maintained, accessible theme with a light/dark mode and a readable sidebar. (Several
  2026 reports put mkdocs-material in maintenance mode; Sphinx is the stable choice for Python
  libraries such as attrs, which uses this exact stack.)

Every code block in these pages is executed by ``tests/test_docs.py`` (Sybil), so the examples
cannot rot. The charts on the performance page are made by ``scripts/charts.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import sseparse  # noqa: E402 - after the sys.path tweak, so an uninstalled checkout builds too

project = "sseparse"
author = "The sseparse developers"
copyright = "2026, the sseparse developers"  # noqa: A001 - Sphinx's name for it
release = sseparse.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
# _generated/ holds fragments that pages include (the peer scorecard), not pages of their own.
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store"]

# Markdown: ":::{note}" fences, definition lists, and anchors for "#section" links.
myst_enable_extensions = ["attrs_block", "colon_fence", "deflist", "fieldlist", "substitution"]
myst_heading_anchors = 3

# API reference: signatures carry the type hints, descriptions keep the prose readable.
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
autodoc_preserve_defaults = True
autodoc_default_options = {"members": True}
# In docstrings, `name` is a cross-reference to a Python object (resolved relative to the class).
default_role = "py:obj"
# nitpicky stays off: typing names such as Buffer (a private Protocol) have no public target.
nitpicky = False

html_theme = "furo"
html_title = f"sseparse {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "source_repository": "https://github.com/sseparse/sseparse/",
    "source_branch": "main",
    "source_directory": "docs/",
}
pygments_style = "friendly"
pygments_dark_style = "monokai"


# -- docstrings ----------------------------------------------------------------------------------
# sseparse's docstrings list fields and options as aligned columns:
#
#     ``event``  the event type; ...
#     ``id``     the last event ID string at dispatch. Sticky: an event carries ...
#                seen in this or an earlier block, ...
#
# That reads well in ``help()`` but is not valid reStructuredText (a wrapped line looks like an
# unexpected indentation). Turn each such column block into a definition list.
_HEAD = re.compile(r"^(``[^`]+``(?:,\s*``[^`]+``)*)\s+(\S.*)$")


def _columns_to_definitions(lines: list[str]) -> list[str]:
    """Rewrite runs of two or more ````name`` text`` lines (with indented continuations) as definition lists."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        entries: list[tuple[str, list[str]]] = []
        j = i
        while j < len(lines):
            head = _HEAD.match(lines[j])
            if head:
                entries.append((head.group(1), [head.group(2)]))
            elif entries and lines[j][:1].isspace() and lines[j].strip():
                entries[-1][1].append(lines[j].strip())
            else:
                break
            j += 1
        if len(entries) < 2:  # not a column block: keep the line as written
            out.append(lines[i])
            i += 1
            continue
        if out and out[-1].strip():
            out.append("")
        for term, text in entries:
            out.append(term)
            out.extend(f"    {part}" for part in text)
        if j < len(lines) and lines[j].strip():
            out.append("")
        i = j
    return out


def _process_docstring(_app: Sphinx, _what: str, _name: str, _obj: object, _options: Any, lines: list[str]) -> None:  # noqa: ANN401
    lines[:] = _columns_to_definitions(lines)


# -- pages written by other parts of the project ----------------------------------------------------
# Every page must be in a toctree (a page that is not is a warning, and warnings fail the build).
# Pages that are not listed in index.md (for example docs/fuzzing.md, written alongside the code it
# documents) are appended to a "More reference" section of the index, so adding a page never breaks the build.


def _add_unlisted_pages(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname != root_doc:
        return
    text = source[0]
    listed = set(re.findall(r"^([\w./-]+)\s*$", text, flags=re.MULTILINE))
    found = []
    for path in sorted(Path(app.srcdir).rglob("*.md")):
        relative = path.relative_to(app.srcdir)
        name = relative.with_suffix("").as_posix()
        if name == root_doc or relative.parts[0] in {"_build", "_generated"} or name in listed:
            continue
        found.append(name)
    if found:
        entries = "\n".join(found)
        source[0] = f"{text}\n\n```{{toctree}}\n:caption: More reference\n:maxdepth: 1\n\n{entries}\n```\n"


# -- generated fragments ---------------------------------------------------------------------------
# A page marks where a generated fragment goes with a MyST comment, "% generated: _generated/x.md".
# When the fragment exists (scripts/scorecard.py, scripts/charts.py made it) it is included there;
# otherwise a note says which script makes it, so a fresh checkout still builds.
_GENERATED = re.compile(r"^% generated: (?P<path>\S+) by (?P<script>\S+)$", re.MULTILINE)


def _include_generated(app: Sphinx, _docname: str, source: list[str]) -> None:
    def replace(match: re.Match[str]) -> str:
        path, script = match.group("path"), match.group("script")
        if (Path(app.srcdir) / path).is_file():
            return f"```{{include}} {path}\n```"
        return f":::{{note}}\nThis table is generated: run `python {script}` to make `docs/{path}`.\n:::"

    source[0] = _GENERATED.sub(replace, source[0])


# -- links to tests ----------------------------------------------------------------------------------
# {test}`tests/test_decoder.py::test_name` links to that test's line on GitHub. A test that does not
# exist is a build warning (an error in CI), so the conformance page cannot point at a renamed test.
REPOSITORY = "https://github.com/sseparse/sseparse"


def _test_role(
    _name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,  # noqa: ANN401 - docutils' Inliner
    _options: dict[str, Any] | None = None,
    _content: list[str] | None = None,
) -> tuple[list[Any], list[Any]]:
    from docutils import nodes  # noqa: PLC0415 - only needed while building

    path, _, test = text.partition("::")
    test = test.split("[", 1)[0]  # a parametrised id names the same function
    file = ROOT / path
    found = None
    if file.is_file():
        pattern = re.compile(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(test)}\b") if test else None
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern is None or pattern.match(line):
                found = number
                break
    if found is None:
        message = inliner.reporter.warning(f"{{test}} role: {text!r} does not exist in the repository", line=lineno)
        return [nodes.literal(rawtext, text)], [message]
    anchor = f"#L{found}" if test else ""
    label = test or path
    return [nodes.reference(rawtext, "", nodes.literal(label, label), refuri=f"{REPOSITORY}/blob/main/{path}{anchor}")], []


# {case}`name` links to where the corpus case ``name`` is defined; {cases}`R5` says how many corpus
# cases carry the tag ``R5``. Both read sseparse/_data/sse-cases.json, so counts never go stale and a
# case that was renamed is a build warning.
CORPUS = ROOT / "sseparse" / "_data" / "sse-cases.json"
CORPUS_SOURCE = "tests/corpus/build_corpus.py"


def _corpus() -> list[dict[str, Any]]:
    import json  # noqa: PLC0415

    return json.loads(CORPUS.read_text(encoding="utf-8")) if CORPUS.is_file() else []


def _source_line(needle: str) -> int | None:
    source = ROOT / CORPUS_SOURCE
    if not source.is_file():
        return None
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return None


def _case_role(
    _name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,  # noqa: ANN401
    _options: dict[str, Any] | None = None,
    _content: list[str] | None = None,
) -> tuple[list[Any], list[Any]]:
    from docutils import nodes  # noqa: PLC0415

    if not any(case["name"] == text for case in _corpus()):
        message = inliner.reporter.warning(f"{{case}} role: no corpus case named {text!r} in {CORPUS.name}", line=lineno)
        return [nodes.literal(rawtext, text)], [message]
    line = _source_line(f'"{text}"')
    anchor = f"#L{line}" if line else ""
    return [nodes.reference(rawtext, "", nodes.literal(text, text), refuri=f"{REPOSITORY}/blob/main/{CORPUS_SOURCE}{anchor}")], []


def _cases_role(
    _name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,  # noqa: ANN401
    _options: dict[str, Any] | None = None,
    _content: list[str] | None = None,
) -> tuple[list[Any], list[Any]]:
    from docutils import nodes  # noqa: PLC0415

    count = sum(text in case.get("tags", ()) for case in _corpus())
    if not count:
        message = inliner.reporter.warning(f"{{cases}} role: no corpus case is tagged {text!r}", line=lineno)
        return [nodes.Text(text)], [message]
    label = f"{count} corpus case{'s' if count != 1 else ''}"
    return [nodes.reference(rawtext, label, refuri=f"{REPOSITORY}/blob/main/{CORPUS_SOURCE}")], []


def _always_reread(_app: Sphinx, env: Any, _added: set[str], _changed: set[str], _removed: set[str]) -> list[str]:  # noqa: ANN401
    """Re-read the pages the hooks above rewrite, so incremental builds see new pages and fragments."""
    markers = ("% generated:", "{test}", "{case}", "{cases}")
    return [
        name
        for name in env.found_docs
        if name == root_doc or any(marker in (DOCS / f"{name}.md").read_text("utf-8") for marker in markers)
    ]


def setup(app: Sphinx) -> None:
    """Connect the docstring and page hooks and the ``{test}`` role."""
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("source-read", _add_unlisted_pages)
    app.connect("source-read", _include_generated)
    app.connect("env-get-outdated", _always_reread)
    app.add_role("test", _test_role)
    app.add_role("case", _case_role)
    app.add_role("cases", _cases_role)
