"""LLM strategies: a provider's stream (OpenAI Chat and Responses, Anthropic, Gemini) and what it accumulates to.

The expectation is built from what was generated (the text, reasoning and tool-call fragments, how
the stream ends), never by running an accumulator.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse.strategies._common import check_bool, check_int, slot

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = ["LLM_FORMATS", "ExpectedChoice", "ExpectedResult", "ExpectedToolCall", "llm_streams"]


# -- LLM streams ----------------------------------------------------------------------------------------

LLM_FORMATS = ("openai-chat", "openai-responses", "anthropic-messages", "gemini")


@dataclass(frozen=True, slots=True)
class ExpectedToolCall:
    """A tool call an accumulator must report: its position, id, name and full arguments text."""

    index: int
    id: str | None
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ExpectedChoice:
    """One answer (an OpenAI choice, the Anthropic message, a Gemini candidate) as it must accumulate."""

    index: int
    text: str
    reasoning: str
    tool_calls: tuple[ExpectedToolCall, ...]
    finish_reason: str | None


@dataclass(frozen=True, slots=True)
class ExpectedResult:
    """What `sseparse.accumulate(wire, format=...)` must return for a stream from `llm_streams`.

    ``format``   the wire format; ``end`` ``"complete"``, ``"error"`` or ``"truncated"``;
    ``choices``  one `ExpectedChoice` per choice index, in index order; ``text``, ``reasoning``,
                 ``tool_calls`` and ``finish_reason`` are those of the first.
    ``error``    the in-stream error message when ``end == "error"``.
    """

    format: str
    end: str
    choices: tuple[ExpectedChoice, ...]
    error: str | None = None

    @property
    def text(self) -> str:
        """The first choice's text."""
        return self.choices[0].text

    @property
    def reasoning(self) -> str:
        """The first choice's reasoning."""
        return self.choices[0].reasoning

    @property
    def tool_calls(self) -> tuple[ExpectedToolCall, ...]:
        """The first choice's tool calls."""
        return self.choices[0].tool_calls

    @property
    def finish_reason(self) -> str | None:
        """The first choice's finish reason."""
        return self.choices[0].finish_reason

    def mismatches(self, result: Any) -> list[str]:  # noqa: ANN401 - an AccumulatedResult, duck-typed
        """Return how an accumulated result differs from this expectation (empty when it matches).

        Gemini sends tool arguments as JSON objects, so there the arguments are compared as parsed
        JSON; elsewhere the text must be exactly what was streamed.
        """
        out: list[str] = []

        def differ(what: str, expected: object, got: object) -> None:
            if expected != got:
                out.append(f"{what}: expected {expected!r}, got {got!r}")

        differ("format", self.format, result.format)
        differ("end", self.end, str(result.end))
        if self.error is not None:
            differ("error message", self.error, getattr(result.error, "message", None))
        got_choices = sorted(result.choices, key=lambda choice: choice.index)
        differ("choice indexes", [c.index for c in self.choices], [c.index for c in got_choices])
        for want, got in zip(self.choices, got_choices, strict=False):
            where = f"choice {want.index}"
            differ(f"{where} text", want.text, got.text)
            differ(f"{where} reasoning", want.reasoning, got.reasoning)
            differ(f"{where} finish_reason", want.finish_reason, got.finish_reason)
            differ(f"{where} tool call count", len(want.tool_calls), len(got.tool_calls))
            for call, got_call in zip(want.tool_calls, got.tool_calls, strict=False):
                at = f"{where} tool call {call.index}"
                differ(f"{at} index", call.index, got_call.index)
                differ(f"{at} id", call.id, got_call.id)
                differ(f"{at} name", call.name, got_call.name)
                if self.format == "gemini":
                    differ(f"{at} arguments", json.loads(call.arguments), json.loads(got_call.arguments or "{}"))
                else:
                    differ(f"{at} arguments", call.arguments, got_call.arguments)
        return out


@dataclass(frozen=True, slots=True)
class _Call:
    id: str
    name: str
    fragments: tuple[str, ...]  # the arguments JSON text, in the pieces it is streamed in


@dataclass(frozen=True, slots=True)
class _Answer:
    text: tuple[str, ...]
    reasoning: tuple[str, ...]
    calls: tuple[_Call, ...]


_WORDS = st.text(st.characters(codec="utf-8"), max_size=6)
_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**31), 2**31), _WORDS)
_TOOL_NAMES = st.sampled_from(("get_weather", "search", "lookup_order", "f"))
_ERROR_MESSAGES = st.sampled_from(("Overloaded", "Internal server error", "rate limited"))


@st.composite
def _split_text(draw: DrawFn, text: str) -> tuple[str, ...]:
    """Split ``text`` into fragments at drawn places (shrinks toward one fragment)."""
    cuts = sorted(set(draw(st.lists(slot(len(text)), max_size=4))))
    edges = [0, *cuts, len(text)]
    return tuple(text[a:b] for a, b in itertools.pairwise(edges) if b > a) or ("",)


@st.composite
def _answer(draw: DrawFn, prefix: str, *, tool_calls: bool, reasoning: bool) -> _Answer:
    text = tuple(draw(st.lists(_WORDS.filter(bool), max_size=4)))
    thoughts = tuple(draw(st.lists(_WORDS.filter(bool), max_size=3))) if reasoning else ()
    calls = []
    for k in range(draw(st.integers(0, 3)) if tool_calls else 0):
        arguments = json.dumps(draw(st.dictionaries(st.sampled_from(("city", "q", "n", "units")), _JSON_SCALARS, max_size=3)))
        calls.append(_Call(f"{prefix}{k}", draw(_TOOL_NAMES), draw(_split_text(arguments))))
    return _Answer(text, thoughts, tuple(calls))


def _sse(payload: object, event: str | None = None, eol: str = "\n") -> bytes:
    head = f"event: {event}{eol}" if event else ""
    return f"{head}data: {json.dumps(payload)}{eol}{eol}".encode()


def _openai_chat(draw: DrawFn, answers: list[_Answer], end: str, *, quirks: bool) -> bytes:
    style = draw(st.sampled_from(("indexed", "index-less", "index-0") if quirks else ("indexed",)))
    sequences: list[list[dict[str, Any]]] = []
    for i, answer in enumerate(answers):
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"reasoning_content": r} for r in answer.reasoning]
        deltas += [{"content": t} for t in answer.text]
        for k, call in enumerate(answer.calls):
            where = {"index": k} if style == "indexed" else {"index": 0} if style == "index-0" else {}
            first = {**where, "id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.fragments[0]}}
            deltas.append({"tool_calls": [first]})
            deltas += [{"tool_calls": [{**where, "function": {"arguments": fragment}}]} for fragment in call.fragments[1:]]
        chunks: list[dict[str, Any]] = [{"index": i, "delta": delta, "finish_reason": None} for delta in deltas]
        if end == "complete":
            chunks.append({"index": i, "delta": {}, "finish_reason": "tool_calls" if answer.calls else "stop"})
        sequences.append([{"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m", "choices": [c]} for c in chunks])
    out = []
    while any(sequences):  # n>1: the choices' chunks interleave, each choice in its own order
        open_ = [s for s in sequences if s]
        out.append(_sse(draw(st.sampled_from(open_)).pop(0)) if len(open_) > 1 else _sse(open_[0].pop(0)))
    if end == "complete":
        if draw(st.booleans()):
            out.append(
                _sse(
                    {"id": "chatcmpl-1", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}}
                )
            )
        out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def _anthropic(draw: DrawFn, answer: _Answer, end: str) -> bytes:
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [],
        "stop_reason": None,
    }
    out = [
        _sse({"type": "message_start", "message": {**message, "usage": {"input_tokens": 1, "output_tokens": 1}}}, "message_start")
    ]
    blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    if answer.reasoning:
        deltas = [{"type": "thinking_delta", "thinking": r} for r in answer.reasoning]
        blocks.append(
            ({"type": "thinking", "thinking": "", "signature": ""}, [*deltas, {"type": "signature_delta", "signature": "c2ln"}])
        )
    if answer.text:
        blocks.append(({"type": "text", "text": ""}, [{"type": "text_delta", "text": t} for t in answer.text]))
    for call in answer.calls:
        fragments = ("", *call.fragments) if draw(st.booleans()) else call.fragments  # the first is often ""
        start = {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}
        blocks.append((start, [{"type": "input_json_delta", "partial_json": f} for f in fragments]))
    for index, (start, deltas) in enumerate(blocks):
        out.append(_sse({"type": "content_block_start", "index": index, "content_block": start}, "content_block_start"))
        for delta in deltas:
            if draw(st.integers(0, 9)) == 0:
                out.append(_sse({"type": "ping"}, "ping"))
            out.append(_sse({"type": "content_block_delta", "index": index, "delta": delta}, "content_block_delta"))
        out.append(_sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
    if end == "complete":
        stop = {"stop_reason": "tool_use" if answer.calls else "end_turn", "stop_sequence": None}
        out.append(_sse({"type": "message_delta", "delta": stop, "usage": {"output_tokens": 5}}, "message_delta"))
        out.append(_sse({"type": "message_stop"}, "message_stop"))
    return b"".join(out)


def _gemini(answer: _Answer, end: str) -> bytes:
    parts: list[dict[str, Any]] = [{"text": r, "thought": True} for r in answer.reasoning]
    parts += [{"text": t} for t in answer.text]
    parts += [{"functionCall": {"name": c.name, "args": json.loads("".join(c.fragments))}} for c in answer.calls]
    parts = parts or [{"text": ""}]  # a candidate always comes with a first chunk
    chunks: list[dict[str, Any]] = [
        {"candidates": [{"content": {"role": "model", "parts": [part]}, "index": 0}]} for part in parts
    ]
    if end == "complete":
        final = {"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP", "index": 0}
        chunks.append({"candidates": [final], "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 2}})
    return b"".join(_sse(chunk, eol="\r\n") for chunk in chunks)


def _responses(answer: _Answer, end: str) -> bytes:
    events: list[dict[str, Any]] = []
    response = {"id": "resp_1", "object": "response", "model": "m", "status": "in_progress", "output": []}
    events.append({"type": "response.created", "response": response})
    items: list[dict[str, Any]] = []

    def item(added: dict[str, Any], deltas: list[dict[str, Any]], done: dict[str, Any]) -> None:
        index = len(items)
        where = {"item_id": added["id"], "output_index": index}
        events.append({"type": "response.output_item.added", "output_index": index, "item": added})
        events.extend({**delta, **where} for delta in deltas)
        events.append({"type": "response.output_item.done", "output_index": index, "item": done})
        items.append(done)

    if answer.reasoning:
        summary = "".join(answer.reasoning)
        deltas = [{"type": "response.reasoning_summary_text.delta", "summary_index": 0, "delta": r} for r in answer.reasoning]
        part: dict[str, Any] = {"type": "summary_text", "text": summary}
        item({"type": "reasoning", "id": "rs_1", "summary": []}, deltas, {"type": "reasoning", "id": "rs_1", "summary": [part]})
    if answer.text:
        text = "".join(answer.text)
        deltas = [{"type": "response.output_text.delta", "content_index": 0, "delta": t} for t in answer.text]
        part = {"type": "output_text", "text": text, "annotations": []}
        message = {"type": "message", "id": "msg_1", "role": "assistant"}
        item({**message, "status": "in_progress", "content": []}, deltas, {**message, "status": "completed", "content": [part]})
    for k, call in enumerate(answer.calls):
        base = {"type": "function_call", "id": f"fc_{k}", "call_id": call.id, "name": call.name}
        deltas = [{"type": "response.function_call_arguments.delta", "delta": f} for f in call.fragments]
        done = {**base, "arguments": "".join(call.fragments), "status": "completed"}
        item({**base, "arguments": "", "status": "in_progress"}, deltas, done)
    if end == "complete":
        usage = {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
        events.append(
            {"type": "response.completed", "response": {**response, "status": "completed", "output": items, "usage": usage}}
        )
    return b"".join(_sse({**event, "sequence_number": n}, event["type"]) for n, event in enumerate(events))


def error_block(wire_format: str, message: str) -> bytes:
    """Return the in-stream error event each provider sends (an SSE block)."""
    if wire_format == "anthropic-messages":
        return _sse({"type": "error", "error": {"type": "overloaded_error", "message": message}}, "error")
    if wire_format == "gemini":
        return _sse({"error": {"code": 500, "message": message, "status": "INTERNAL"}}, eol="\r\n")
    if wire_format == "openai-responses":
        return _sse({"type": "error", "code": "server_error", "message": message, "param": None}, "error")
    return _sse({"error": {"message": message, "type": "server_error", "code": 500}})


_FINISH = {
    "openai-chat": ("stop", "tool_calls"),
    "openai-responses": ("completed", "completed"),
    "anthropic-messages": ("end_turn", "tool_use"),
    "gemini": ("STOP", "STOP"),
}


@st.composite
def _llm_stream(  # noqa: PLR0913
    draw: DrawFn,
    wire_format: str,
    tool_calls: bool,
    reasoning: bool,
    quirks: bool,
    ends: tuple[str, ...],
    max_choices: int,
) -> tuple[bytes, ExpectedResult]:
    end = draw(st.sampled_from(ends))
    prefix = {"openai-chat": "call_", "openai-responses": "call_", "anthropic-messages": "toolu_", "gemini": "gcall_"}[
        wire_format
    ]
    count = draw(st.integers(1, max_choices)) if wire_format == "openai-chat" else 1
    answers = [draw(_answer(f"{prefix}{i}_", tool_calls=tool_calls, reasoning=reasoning)) for i in range(count)]
    if wire_format == "openai-chat":
        wire = _openai_chat(draw, answers, end, quirks=quirks)
    elif wire_format == "anthropic-messages":
        wire = _anthropic(draw, answers[0], end)
    elif wire_format == "openai-responses":
        wire = _responses(answers[0], end)
    else:
        wire = _gemini(answers[0], end)
    error = None
    if end == "error":
        error = draw(_ERROR_MESSAGES)
        wire += error_block(wire_format, error)
    elif end == "truncated" and draw(st.booleans()):
        wire += b'data: {"candidates": [{"content'  # cut inside the next event: never dispatched (R6)
    choices = []
    for i, answer in enumerate(answers):
        calls = tuple(
            ExpectedToolCall(k, None if wire_format == "gemini" else c.id, c.name, "".join(c.fragments))
            for k, c in enumerate(answer.calls)
        )
        finish = _FINISH[wire_format][bool(answer.calls)] if end == "complete" else None
        choices.append(ExpectedChoice(i, "".join(answer.text), "".join(answer.reasoning), calls, finish))
    return wire, ExpectedResult(wire_format, end, tuple(choices), error)


def llm_streams(  # noqa: PLR0913
    format: str,  # noqa: A002 - the name accumulate() uses
    *,
    tool_calls: bool = True,
    reasoning: bool = True,
    quirks: bool = True,
    errors: bool = True,
    truncated: bool = True,
    max_choices: int = 3,
) -> SearchStrategy[tuple[bytes, ExpectedResult]]:
    """Generate ``(wire_bytes, expected)``: an LLM provider's SSE stream and what it accumulates to.

    ``sseparse.accumulate(wire_bytes, format=format)`` (in any chunking) must give a result that
    ``expected.mismatches(result)`` finds nothing wrong with. The expectation is built from what was
    generated (the text, reasoning and tool-call fragments, how the stream ends), not by running
    an accumulator.

    ``format``       ``"openai-chat"``, ``"openai-responses"``, ``"anthropic-messages"`` or ``"gemini"``.
    ``tool_calls``   answers with up to three tool calls, arguments streamed in fragments (Gemini
                     sends them whole).
    ``reasoning``    reasoning text: ``reasoning_content`` (OpenAI-compatible servers), a reasoning
                     summary (Responses), thinking blocks with a signature (Anthropic), ``thought``
                     parts (Gemini).
    ``quirks``       OpenAI Chat only: tool calls without ``index``, or all at index 0 with
                     distinct ids (as several compatible servers send them).
    ``errors``       streams that end with an in-stream error (``end == "error"``).
    ``truncated``    streams cut before their terminal marker, sometimes inside an event.
    ``max_choices``  OpenAI Chat only: up to this many choices (``n>1``), their chunks interleaved.

    Shrinks toward a complete stream with one empty answer (no text, no calls, no reasoning).
    """
    if format not in LLM_FORMATS:
        msg = f"format={format!r} must be one of {', '.join(LLM_FORMATS)}"
        raise InvalidArgument(msg)
    for name, value in (
        ("tool_calls", tool_calls),
        ("reasoning", reasoning),
        ("quirks", quirks),
        ("errors", errors),
        ("truncated", truncated),
    ):
        check_bool(name, value)
    check_int("max_choices", max_choices, minimum=1)
    ends = ("complete",) + (("error",) if errors else ()) + (("truncated",) if truncated else ())
    return _llm_stream(format, tool_calls, reasoning, quirks, ends, max_choices)
