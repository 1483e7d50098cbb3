"""The public format-plugin API: FormatAccumulator, the sseparse.formats entry points, and Cohere v2 built on them.

The entry-point tests install a small plugin package into a temporary directory (a package plus a
``.dist-info`` with ``entry_points.txt``), put it on ``sys.path`` and let `importlib.metadata` find
it, exactly as pip would; the CLI test runs ``python -m sseparse`` with that directory on PYTHONPATH.
"""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from decoder_harness import chunkings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llm_corpus import sse

import sseparse
from sseparse import FormatAccumulator, Stop, TextDelta, Tokens, emit

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]


# -- Cohere v2: a stream of our own (the shared capture is checked in test_accumulate_captures) -----------


def cohere_stream(*, end: bool = True, error: str | None = None) -> bytes:
    """A Cohere v2 chat stream with thinking, text, a citation, a tool plan and two calls."""
    message = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}
    events: list[Any] = [
        {"id": "c-1", "type": "message-start", "delta": {"message": message}},
        {"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "thinking", "thinking": ""}}}},
        {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"thinking": "Weather first."}}}},
        {"type": "content-end", "index": 0},
        {"type": "content-start", "index": 1, "delta": {"message": {"content": {"type": "text", "text": ""}}}},
        {"type": "content-delta", "index": 1, "delta": {"message": {"content": {"text": "Zürich is "}}}},
        {"type": "debug", "delta": {"message": {"debug": "trace"}}},
        {"type": "content-delta", "index": 1, "delta": {"message": {"content": {"text": "sunny 🙂"}}}},
        {
            "type": "citation-start",
            "index": 0,
            "delta": {"message": {"citations": {"start": 0, "end": 6, "text": "Zürich", "sources": []}}},
        },
        {"type": "citation-end", "index": 0},
        {"type": "content-end", "index": 1},
        {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will check."}}},
    ]
    for index, (call_id, name, pieces) in enumerate([("w_1", "weather", ['{"city"', ': "Zürich"}']), ("t_1", "time", ["{}"])]):
        function = {"name": name, "arguments": ""}
        events.append(
            {
                "type": "tool-call-start",
                "index": index,
                "delta": {"message": {"tool_calls": {"id": call_id, "type": "function", "function": function}}},
            }
        )
        events += [
            {"type": "tool-call-delta", "index": index, "delta": {"message": {"tool_calls": {"function": {"arguments": piece}}}}}
            for piece in pieces
        ]
        events.append({"type": "tool-call-end", "index": index})
    if end:
        usage = {
            "billed_units": {"input_tokens": 10, "output_tokens": 20},
            "tokens": {"input_tokens": 110, "output_tokens": 25},
            "cached_tokens": 100,
        }
        delta: dict[str, Any] = {"finish_reason": "ERROR" if error else "TOOL_CALL", "usage": usage}
        if error:
            delta["error"] = error
        events.append({"type": "message-end", "delta": delta})
    return sse(events, events=True)


def test_cohere_stream_accumulates_every_event_kind() -> None:
    """Text, thinking, tool plan, citations and calls; the result's stop and tokens; auto-detected."""
    result = sseparse.accumulate(cohere_stream())
    assert result.format == "cohere-v2"
    assert result.end == "complete"
    assert result.text == "Zürich is sunny 🙂"
    assert result.choices[0].reasoning_fields == {"thinking": "Weather first.", "tool_plan": "I will check."}
    assert result.reasoning == "Weather first.\n\nI will check."
    assert [(c.id, c.name, c.json(), c.done) for c in result.tool_calls] == [
        ("w_1", "weather", {"city": "Zürich"}, True),
        ("t_1", "time", {}, True),
    ]
    assert result.final["message"]["citations"] == [{"start": 0, "end": 6, "text": "Zürich", "sources": []}]
    assert result.final["message"]["content"] == [
        {"type": "thinking", "thinking": "Weather first."},
        {"type": "text", "text": "Zürich is sunny 🙂"},
    ]
    assert result.finish_reason == "TOOL_CALL"
    assert result.stop is Stop.TOOL_CALLS
    assert result.tokens == Tokens(input=110, output=25, total=135, cache_read=100)
    assert result.details == {"skipped_events": 1}  # the debug event


def test_cohere_updates_render_live() -> None:
    """feed() returns the updates: text and reasoning deltas, calls started / argument deltas / finished, finish, usage."""
    accumulator = sseparse.make_accumulator("cohere-v2")
    kinds = [type(u).__name__ for event in sseparse.parse(cohere_stream()) for u in accumulator.feed(event)]
    assert kinds.count("TextDelta") == 2
    assert kinds.count("ReasoningDelta") == 2
    assert kinds.count("ToolCallStarted") == 2
    assert kinds.count("ToolCallArgumentsDelta") == 3
    assert kinds.count("ToolCallFinished") == 2
    assert kinds[-2:] == ["UsageUpdate", "FinishUpdate"]


def test_cohere_cut_and_failed_streams() -> None:
    """No message-end: truncated, calls kept; message-end with an error: end error with the message."""
    cut = sseparse.accumulate(cohere_stream(end=False))
    assert cut.end == "truncated"
    assert cut.stop is None
    assert [c.name for c in cut.tool_calls] == ["weather", "time"]
    failed = sseparse.accumulate(cohere_stream(error="generation failed"))
    assert failed.end == "error"
    assert failed.error is not None
    assert failed.error.message == "generation failed"
    assert failed.stop is Stop.ERROR


def test_cohere_is_the_same_under_every_chunking() -> None:
    """Whole, one byte at a time, at random cuts: the same result."""
    body = cohere_stream()
    expected = sseparse.accumulate(body)
    for label, chunks in chunkings(body):
        assert sseparse.accumulate(bytes(chunk) for chunk in chunks) == expected, label


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=st.lists(st.integers(min_value=0, max_value=len(cohere_stream())), max_size=20))
def test_cohere_any_split_gives_the_same_result(cuts: list[int]) -> None:
    """Hypothesis picks the cut points."""
    body = cohere_stream()
    bounds = [0, *sorted(cuts), len(body)]
    chunks = [body[a:b] for a, b in itertools.pairwise(bounds)]
    assert sseparse.accumulate(chunks) == sseparse.accumulate(body)


def test_cohere_stream_yields_typed_chunks_and_skips_debug() -> None:
    """Stream(format='cohere-v2') yields the format's declared chunk model and leaves out its skip_events."""
    from sseparse.models import cohere  # noqa: PLC0415 - pydantic

    with sseparse.Stream([cohere_stream()], format="cohere-v2") as stream:
        items = list(stream)
        result = stream.result()
    assert all(isinstance(item, cohere.StreamedChatResponse) for item in items)
    assert "debug" not in [item.type for item in items]
    assert items[-1].type == "message-end"
    assert result.stop is Stop.TOOL_CALLS
    assert sseparse.format_traits("cohere-v2").skip_events == frozenset({"debug"})


def test_cohere_uses_only_the_public_api() -> None:
    """Every name the Cohere module imports from sseparse is public (in sseparse.__all__), and it touches no one else's private attribute."""
    tree = ast.parse((ROOT / "sseparse" / "accumulators" / "cohere.py").read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sseparse")
        for alias in node.names
    ]
    assert imported
    assert set(imported) <= set(sseparse.__all__)
    targets = [t for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets]
    targets += [n.target for n in ast.walk(tree) if isinstance(n, ast.AnnAssign)]
    own = {target.attr for target in targets if isinstance(target, ast.Attribute)}
    own |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    private = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
    }
    assert private <= own, private - own


# -- FormatAccumulator ----------------------------------------------------------------------------------------


class Lines(FormatAccumulator):
    """A tiny format: ``line`` events carry text, ``end`` finishes, ``ping`` carries nothing."""

    format = "test-lines"
    terminal_events = frozenset({"end"})
    skip_events = frozenset({"ping"})
    stop_reasons = {"done": Stop.STOP, "cut": Stop.LENGTH}  # noqa: RUF012 - a declaration

    @classmethod
    def detect(cls, event: sseparse.ServerSentEvent, payload: object) -> bool:
        """The first event of the format says ``type: line`` or ``type: end``."""
        return isinstance(payload, dict) and payload.get("type") in {"line", "end"}

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.refusal: str | None = None

    def handle(self, payload: dict[str, Any], kind: str, out: list[sseparse.Update] | None) -> None:
        """Keep the text; the end carries the reason and usage."""
        if kind == "line":
            text = payload["text"]  # a KeyError here must not escape
            self.lines.append(text)
            emit(out, TextDelta(text))
        elif kind == "end":
            self.reason = payload.get("reason")
            self.usage = payload.get("usage")
        elif kind == "refuse":
            self.refusal = payload.get("text")

    def tokens(self, usage: object) -> Tokens:
        """``{"in": n, "out": n}``."""
        return Tokens.from_wire(input=usage.get("in"), output=usage.get("out")) if isinstance(usage, dict) else Tokens()

    def snapshot(self) -> sseparse.AccumulatedResult:
        """One answer: the lines joined."""
        if self.lines == ["boom"]:
            raise RuntimeError("snapshot bug")
        return self.build_result(
            refusal=self.refusal,
            text="".join(self.lines),
            has_text=bool(self.lines),
            finish_reason=self.reason,
            usage=self.usage,
            final={"lines": list(self.lines)},
        )


def lines_stream(*lines: str, reason: str = "done", end: bool = True) -> bytes:
    events: list[Any] = [{"type": "line", "text": line} for line in lines]
    events.insert(1, {"type": "ping"})
    if end:
        events.append({"type": "end", "reason": reason, "usage": {"in": 3, "out": len(lines)}})
    return sse(events, events=True)


@pytest.fixture
def lines_format() -> Iterator[None]:
    """Register `Lines` for one test."""
    sseparse.register_format(Lines)
    yield
    sseparse.unregister_format("test-lines")


@pytest.mark.usefixtures("lines_format")
def test_a_registered_class_is_found_by_name_and_detected() -> None:
    """register_format(cls) uses its format name and detect classmethod; stop and tokens use its declarations."""
    assert "test-lines" in sseparse.formats()
    for result in (sseparse.accumulate(lines_stream("a", "b")), sseparse.accumulate(lines_stream("a", "b"), format="test-lines")):
        assert result.format == "test-lines"
        assert result.end == "complete"
        assert result.text == "ab"
        assert result.details == {"skipped_events": 1}
        assert result.tokens == Tokens(input=3, output=2, total=5)
    assert sseparse.accumulate(lines_stream("a", reason="cut")).stop is Stop.LENGTH
    assert sseparse.accumulate(lines_stream("a", end=False)).end == "truncated"


@pytest.mark.usefixtures("lines_format")
def test_a_plugin_answer_that_is_only_a_refusal() -> None:
    """build_result(refusal=...) gives result.refusal, and a finished answer that is only a refusal stops as REFUSAL."""
    result = sseparse.accumulate(sse([{"type": "refuse", "text": "No."}, {"type": "end", "reason": "done"}], events=True))
    assert result.refusal == "No."
    assert result.stop is Stop.REFUSAL


@pytest.mark.usefixtures("lines_format")
def test_the_base_class_handles_errors_and_events_after_the_end() -> None:
    """In-stream error shapes, a handler's exception and a snapshot's exception all become results, never raises."""
    error = sseparse.accumulate(
        sse([{"type": "line", "text": "a"}, {"error": {"message": "overloaded", "type": "overloaded_error"}}]),
        format="test-lines",
    )
    assert error.end == "error"
    assert error.error is not None
    assert error.error.type == "overloaded_error"
    assert error.text == "a"
    bad = sseparse.accumulate(sse([{"type": "line"}]), format="test-lines")
    assert bad.end == "error"
    assert bad.error is not None
    assert bad.error.type == "unexpected_payload"
    broken = sseparse.accumulate(lines_stream("boom"), format="test-lines")
    assert broken.end == "error"
    assert broken.error is not None
    assert "snapshot bug" in broken.error.message
    after = sseparse.accumulate(lines_stream("a") + sse([{"type": "line", "text": "late"}]), format="test-lines")
    assert after.text == "a"
    assert after.details["events_after_end"] == 1


@pytest.mark.usefixtures("lines_format")
def test_a_format_without_a_chunk_model_streams_events() -> None:
    """Stream over a plugin without chunk_model yields its events (pings left out) and stops at the terminal event."""
    with sseparse.Stream([lines_stream("a", "b") + b"data: never read\n\n"], format="test-lines") as stream:
        items = list(stream)
    assert [item.json()["type"] for item in items] == ["line", "line", "end"]


def test_register_format_checks_its_arguments() -> None:
    """A class with a factory, or a name without one, is API misuse."""
    with pytest.raises(TypeError):
        sseparse.register_format(Lines, Lines)
    with pytest.raises(TypeError):
        sseparse.register_format("x")


# -- entry points: a plugin package installed into a temporary directory -----------------------------------------

PLUGIN = '''
"""A format plugin found through the sseparse.formats entry-point group."""

from sseparse import FormatAccumulator, Stop, TextDelta, emit


class Shout(FormatAccumulator):
    format = "demo-shout"
    terminal_events = frozenset({"shout.done"})
    chunk_model = "sseparse_demo_plugin.models:ShoutEvent"
    stop_reasons = {"quiet": Stop.STOP}

    @classmethod
    def detect(cls, event, payload):
        return isinstance(payload, dict) and str(payload.get("type", "")).startswith("shout.")

    def __init__(self):
        super().__init__()
        self.words = []
        self.reason = None

    def handle(self, payload, kind, out):
        if kind == "shout.word":
            self.words.append(payload["word"].upper())
            emit(out, TextDelta(self.words[-1]))
        elif kind == "shout.done":
            self.reason = payload.get("reason")

    def snapshot(self):
        return self.build_result(text=" ".join(self.words), has_text=bool(self.words), finish_reason=self.reason)
'''

PLUGIN_MODELS = """
from pydantic import BaseModel, ConfigDict


class ShoutEvent(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    word: str | None = None
"""


def install_plugin(root: Path, *, entry: str = "sseparse_demo_plugin:Shout") -> Path:
    """Write the plugin package and its dist-info (with the entry point) under ``root``."""
    package = root / "sseparse_demo_plugin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    (package / "models.py").write_text(textwrap.dedent(PLUGIN_MODELS), encoding="utf-8")
    info = root / "sseparse_demo_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sseparse-demo-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[sseparse.formats]\ndemo-shout = {entry}\n", encoding="utf-8")
    return root


SHOUT = sse(
    [{"type": "shout.word", "word": "hello"}, {"type": "shout.word", "word": "world"}, {"type": "shout.done", "reason": "quiet"}],
    events=True,
)


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo plugin installed on sys.path for one test."""
    monkeypatch.syspath_prepend(str(install_plugin(tmp_path)))
    sseparse.load_plugins(refresh=True)
    yield tmp_path
    sseparse.unregister_format("demo-shout")
    for name in [m for m in sys.modules if m.startswith("sseparse_demo_plugin")]:
        del sys.modules[name]


@pytest.mark.usefixtures("installed_plugin")
def test_an_installed_plugin_is_found_by_accumulate() -> None:
    """accumulate finds the entry point by name and by detection; its stop_reasons apply."""
    assert "demo-shout" in sseparse.formats()
    for result in (sseparse.accumulate(SHOUT, format="demo-shout"), sseparse.accumulate(SHOUT)):
        assert result.format == "demo-shout"
        assert result.text == "HELLO WORLD"
        assert result.end == "complete"
        assert result.stop is Stop.STOP


@pytest.mark.usefixtures("installed_plugin")
def test_an_installed_plugin_streams_its_typed_chunks() -> None:
    """Stream(format=plugin) yields the plugin's declared pydantic chunk model."""
    with sseparse.Stream([SHOUT], format="demo-shout") as stream:
        items = list(stream)
    assert [type(item).__name__ for item in items] == ["ShoutEvent"] * 3
    assert [item.word for item in items] == ["hello", "world", None]
    assert stream.result().text == "HELLO WORLD"
    updates = sseparse.make_accumulator("demo-shout").feed(sseparse.parse(SHOUT)[0])
    assert updates == [TextDelta("HELLO")]


def test_a_plugin_installed_later_is_found_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry points are read again when an unknown name is asked for (a package installed since)."""
    sseparse.formats()  # the group was read before the package existed
    monkeypatch.syspath_prepend(str(install_plugin(tmp_path)))
    try:
        assert sseparse.accumulate(SHOUT, format="demo-shout").text == "HELLO WORLD"
    finally:
        sseparse.unregister_format("demo-shout")
        for name in [m for m in sys.modules if m.startswith("sseparse_demo_plugin")]:
            del sys.modules[name]


def test_a_broken_plugin_warns_and_the_others_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry point that fails to load is skipped with a RuntimeWarning naming it."""
    monkeypatch.syspath_prepend(str(install_plugin(tmp_path, entry="sseparse_demo_missing:Nothing")))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sseparse.load_plugins(refresh=True)
    assert any("demo-shout" in str(w.message) and w.category is RuntimeWarning for w in caught)
    assert "demo-shout" not in sseparse.formats()
    assert sseparse.accumulate(cohere_stream()).format == "cohere-v2"


def test_the_cli_finds_an_installed_plugin(tmp_path: Path) -> None:
    """``sseparse result`` in a fresh process: --wire-format names the plugin, and detection finds it too."""
    root = install_plugin(tmp_path / "site")
    capture = tmp_path / "shout.sse"
    capture.write_bytes(SHOUT)
    env = {"PYTHONPATH": str(root), "PATH": ""}
    for extra in (["--wire-format", "demo-shout"], []):
        out = subprocess.run(
            [sys.executable, "-m", "sseparse", "result", "-q", *extra, str(capture)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert out.returncode == 0, out.stderr
        record = json.loads(out.stdout.splitlines()[0])
        assert record["format"] == "demo-shout"
        assert record["text"] == "HELLO WORLD"


def test_built_in_formats_never_read_the_entry_points() -> None:
    """Reading the entry points scans every installed package: a built-in format (named or detected) never pays for it."""
    code = (
        "import sys, sseparse\n"
        "sseparse.accumulate(open('docs/streams/openai-chat-tools.sse', 'rb'))\n"
        "list(sseparse.Stream([open('docs/streams/gemini.sse', 'rb').read()], format='gemini', raw=True))\n"
        "sseparse.accumulate(open('docs/streams/cohere-tools.sse', 'rb'), format='cohere-v2')\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
