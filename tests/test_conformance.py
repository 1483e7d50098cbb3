"""Conformance: the project's corpus (and the shared reference vectors) under every chunking and mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from decoder_harness import Case, check_every_way, load_cases, project_corpus_text, read_cases
from script_loader import load_file

from sseparse import parse

if TYPE_CHECKING:
    from types import ModuleType

HERE = Path(__file__).resolve().parent
BUILD_SCRIPT = HERE / "corpus" / "build_corpus.py"
SHARED_VECTORS = Path(__file__).resolve().parents[1].parent / "shared" / "sse-vectors.json"

CASES = load_cases(project_corpus_text())
RULES = [f"R{n}" for n in range(1, 13)]
PITFALL_TAGS = ["bom", "utf8", "cr", "crlf", "chunking", "eof", "comment", "field", "data", "event", "id", "retry"]
PITFALL_TAGS += ["done", "nul", "no-colon", "space", "reconnect", "python-pitfall", "limits", "newlines", "blank"]


def _build_module() -> ModuleType:
    return load_file(BUILD_SCRIPT, "build_corpus")


def _shared_params() -> list[object]:
    if not SHARED_VECTORS.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{SHARED_VECTORS} is not there"), id="absent")]
    return [pytest.param(case, id=case.name) for case in read_cases(SHARED_VECTORS)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case_decodes_the_same_under_every_chunking_and_mode(case: Case) -> None:
    """Each corpus case gives its hand-written events whole, bytewise, split and at random splits."""
    check_every_way(case.data, case.expected, given=case.chunks, last_event_id=case.initial_last_event_id)


@pytest.mark.parametrize("case", _shared_params())
def test_shared_vector_decodes_the_same_under_every_chunking_and_mode(case: Case | None) -> None:
    """Each reference vector of ../shared/sse-vectors.json passes too (skipped when the file is absent)."""
    assert case is not None
    check_every_way(case.data, case.expected, given=case.chunks, last_event_id=case.initial_last_event_id)


def test_corpus_json_is_up_to_date_with_its_build_script() -> None:
    """The shipped JSON is exactly what tests/corpus/build_corpus.py writes."""
    rendered: str = _build_module().render()
    assert project_corpus_text() == rendered, "run: python tests/corpus/build_corpus.py"


def test_corpus_has_at_least_120_uniquely_named_cases() -> None:
    """The corpus is big enough and every name is unique."""
    names = [c.name for c in CASES]
    assert len(names) >= 120
    assert len(set(names)) == len(names)


def test_corpus_covers_every_rule_and_pitfall_tag() -> None:
    """Every rule R1..R12 and every pitfall tag has at least one case."""
    tags = {t for c in CASES for t in c.tags}
    assert set(RULES) <= tags
    assert set(PITFALL_TAGS) <= tags


def test_corpus_follows_the_shared_schema() -> None:
    """Every case has the shared schema's fields with the right JSON types and consistent chunks."""
    required = {
        "name": str,
        "source": str,
        "input_b64": str,
        "input_escaped": str,
        "expected": list,
        "expected_retry_updates": list,
        "expected_final_last_event_id": str,
        "rechunk_invariant": bool,
        "tags": list,
        "ambiguous": bool,
    }
    optional = {"chunks_b64": list, "initial_last_event_id": str, "notes": str}
    for case in CASES:
        raw = case.raw
        for key, kind in required.items():
            assert isinstance(raw[key], kind), (case.name, key)
        for key, kind in optional.items():
            assert key not in raw or isinstance(raw[key], kind), (case.name, key)
        assert set(raw) <= set(required) | set(optional), case.name
        assert raw["rechunk_invariant"] is True
        if case.chunks is not None:
            assert b"".join(case.chunks) == case.data, case.name
        for event in raw["expected"]:
            assert set(event) == {"event", "data", "id", "retry"}, case.name
            assert event["retry"] is None or type(event["retry"]) is int, case.name


def test_corpus_json_is_plain_ascii() -> None:
    """The file is ASCII JSON any language can read (no NaN, no non-ASCII bytes)."""
    text = project_corpus_text()
    assert text.isascii()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))


def test_ambiguous_cases_are_the_empty_retry_forms() -> None:
    """Only the empty-retry cases are flagged ambiguous, and each records the choice in its notes."""
    ambiguous = [c for c in CASES if c.raw["ambiguous"]]
    assert ambiguous
    for case in ambiguous:
        assert "retry" in case.tags
        assert "ignore" in case.raw["notes"]


def test_corpus_cases_agree_with_parse() -> None:
    """`parse` (the one-shot helper) gives each case's events too."""
    for case in CASES:
        got = [(e.event, e.data, e.id, e.retry) for e in parse(case.data, last_event_id=case.initial_last_event_id)]
        assert tuple(got) == case.expected.events, case.name
