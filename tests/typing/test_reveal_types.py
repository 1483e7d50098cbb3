"""Typing: mypy infers each stream's item type from the format name, and rejects a typo in a field name.

These tests run mypy (``--strict``) over small programs and read its ``reveal_type`` notes: what a
user's type checker sees, not what the runtime does (the other tests cover that).
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

mypy_api = pytest.importorskip("mypy.api")

# Each line: an expression; the type mypy must reveal for it.
REVEALS: list[tuple[str, str]] = [
    ('Stream(chunks, "openai-chat")', "sseparse._stream.Stream[sseparse.models.openai_chat.ChatCompletionChunk]"),
    ('Stream(chunks, "openai-responses")', "sseparse._stream.Stream[sseparse.models.openai_responses.ResponseStreamEvent]"),
    ('Stream(chunks, "anthropic-messages")', "sseparse._stream.Stream[sseparse.models.anthropic.MessageStreamEvent]"),
    ('Stream(chunks, "gemini")', "sseparse._stream.Stream[sseparse.models.gemini.GenerateContentResponse]"),
    ('Stream(chunks, "cohere-v2")', "sseparse._stream.Stream[sseparse.models.cohere.StreamedChatResponse]"),
    ("Stream(chunks)", "sseparse._stream.Stream[sseparse._events.ServerSentEvent]"),
    ("Stream(chunks, None)", "sseparse._stream.Stream[sseparse._events.ServerSentEvent]"),
    ('Stream(chunks, "openai-chat", raw=True)', "sseparse._stream.Stream[dict[str, Any]]"),
    ('Stream(chunks, "gemini", raw=True, allow_truncated=True)', "sseparse._stream.Stream[dict[str, Any]]"),
    ('Stream(chunks, "my-format")', "sseparse._stream.Stream[Any]"),
    ('next(Stream(chunks, "openai-chat"))', "sseparse.models.openai_chat.ChatCompletionChunk"),
    ('next(Stream(chunks, "openai-chat")).choices[0].delta.content', "str | None"),
    ('AsyncStream(achunks, "openai-chat")', "sseparse._stream.AsyncStream[sseparse.models.openai_chat.ChatCompletionChunk]"),
    (
        'AsyncStream(achunks, "openai-responses")',
        "sseparse._stream.AsyncStream[sseparse.models.openai_responses.ResponseStreamEvent]",
    ),
    ('AsyncStream(achunks, "anthropic-messages")', "sseparse._stream.AsyncStream[sseparse.models.anthropic.MessageStreamEvent]"),
    (
        'AsyncStream(achunks, "gemini", idle_timeout=5)',
        "sseparse._stream.AsyncStream[sseparse.models.gemini.GenerateContentResponse]",
    ),
    ('AsyncStream(achunks, "cohere-v2")', "sseparse._stream.AsyncStream[sseparse.models.cohere.StreamedChatResponse]"),
    ("AsyncStream(achunks)", "sseparse._stream.AsyncStream[sseparse._events.ServerSentEvent]"),
    ('AsyncStream(achunks, "anthropic-messages", raw=True)', "sseparse._stream.AsyncStream[dict[str, Any]]"),
]

HEADER = """\
from collections.abc import AsyncIterator, Iterator

from sseparse import AsyncStream, Stream


def chunks_of() -> Iterator[bytes]:
    yield b""


async def achunks_of() -> AsyncIterator[bytes]:
    yield b""


chunks = chunks_of()
achunks = achunks_of()
"""

TYPO = """\
from sseparse import Stream

for chunk in Stream([b""], "openai-chat"):
    if chunk.choices:
        print(chunk.choices[0].delta.contnet)
"""

CORRECT = """\
from sseparse import Stream

for chunk in Stream([b""], "openai-chat"):
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content.upper())
"""


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Run mypy --strict once over the three programs; return its output lines per file."""
    folder: Path = tmp_path_factory.mktemp("typing")
    reveals = HEADER + "".join(f"reveal_type({expression})\n" for expression, _ in REVEALS)
    files = {"reveals.py": reveals, "typo.py": TYPO, "correct.py": CORRECT}
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))
    stdout, stderr, _ = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--show-absolute-path",
            "--cache-dir",
            str(folder / ".cache"),
            *(str(folder / n) for n in files),
        ]
    )
    assert not stderr, stderr
    lines: dict[str, list[str]] = {name: [] for name in files}
    for line in stdout.splitlines():
        for name in files:
            if line.startswith(str(folder / name) + ":"):
                lines[name].append(line.split(":", 1)[1])
    return lines


def test_each_format_name_gives_its_chunk_model(mypy_output: dict[str, list[str]]) -> None:
    """reveal_type of each stream construction is the format's model (ServerSentEvent without one, dict with raw=True)."""
    first = HEADER.count("\n") + 1
    revealed = {}
    for line in mypy_output["reveals.py"]:
        match = re.match(r'(\d+): note: Revealed type is "(.*)"$', line)
        assert match, f"unexpected mypy output: {line}"
        revealed[int(match.group(1)) - first] = match.group(2)
    assert revealed == {index: expected for index, (_, expected) in enumerate(REVEALS)}


def test_mypy_rejects_a_misspelt_field(mypy_output: dict[str, list[str]]) -> None:
    """``chunk.choices[0].delta.contnet`` is an error: ChunkDelta has no such attribute."""
    assert mypy_output["typo.py"] == ['5: error: "ChunkDelta" has no attribute "contnet"; maybe "content"?  [attr-defined]']


def test_mypy_accepts_the_documented_loop(mypy_output: dict[str, list[str]]) -> None:
    """The loop of the docs type-checks under --strict with no cast: delta is never None."""
    assert mypy_output["correct.py"] == []


def test_every_built_in_format_with_models_has_its_overload() -> None:
    """The overloads and the formats' declared chunk models agree, and no built-in format lacks one."""
    from sseparse.accumulators import format_traits, formats  # noqa: PLC0415

    revealed = {}
    for expression, expected in REVEALS:
        match = re.fullmatch(r'Stream\(chunks, "([a-z0-9-]+)"\)', expression)
        if match and match.group(1) != "my-format":
            revealed[match.group(1)] = re.fullmatch(r"sseparse\._stream\.Stream\[(.*)\]", expected).group(1)  # type: ignore[union-attr]
    declared = {
        name: path.replace(":", ".")
        for name in formats()
        if (path := format_traits(name).chunk_model) is not None and path.startswith("sseparse.models.")
    }
    assert revealed == declared
