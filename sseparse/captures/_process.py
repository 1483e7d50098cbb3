"""`process_capture`: everything the ``sseparse`` command does with one input, as a pure function.

It takes a path (or a file object) and options, and returns an `Outcome` of plain values: the output
lines, the exit code, one-line messages for stderr and counts for the summary. It imports nothing
at module level beyond sseparse, holds no global state and pickles, so the same function runs in the
command line, on a process pool (``--jobs``) or on a Dask cluster (docs/captures-dask.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sseparse.captures._analyse import Analysis, analyse
from sseparse.captures._model import CaptureError, MissingDependencyError, display_name
from sseparse.captures._read import read

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators import AccumulatedResult
    from sseparse.captures._source import _Readable

__all__ = ["COMMANDS", "Outcome", "process_capture"]

COMMANDS = ("events", "text", "result", "check")
OK, FAILED, UNREADABLE = 0, 1, 2


@dataclass(slots=True)
class Outcome:
    """What processing one input gave.

    ``lines``      the output, each item one line without its newline (empty when it was written
                   as it was decoded, through ``write``).
    ``code``       0 complete and clean, 1 truncated / error / problems found, 2 unreadable.
    ``messages``   one-line messages for stderr.
    ``counts``     responses by how they ended (``complete``, ``truncated``, ``error``,
                   ``unreadable``) and, for ``check``, ``problems``.
    """

    name: str
    code: int = OK
    lines: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        """Add ``n`` to ``counts[key]``."""
        self.counts[key] = self.counts.get(key, 0) + n


def dumps(value: Any) -> str:  # noqa: ANN401 - JSON
    """One JSON Lines record: compact, UTF-8 text kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def event_record(event: ServerSentEvent, capture: str | None) -> dict[str, Any]:
    """``sseparse events``: one event as a JSON-ready dict."""
    record: dict[str, Any] = {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}
    if capture is not None:
        record["capture"] = capture
    return record


def result_record(analysis: Analysis) -> dict[str, Any]:
    """``sseparse result``: one response's accumulated message as a JSON-ready dict."""
    response = analysis.response
    result = analysis.result
    record: dict[str, Any] = {"capture": response.name}
    if result is None:
        empty: dict[str, Any] = {
            "format": None,
            "text": "",
            "reasoning": "",
            "tool_calls": [],
            "finish_reason": None,
            "usage": None,
            "final": None,
        }
        record.update(empty, end=analysis.end)
        record["error"] = {"code": None, "message": response.error, "type": "unreadable"} if response.error else None
    else:
        record.update(
            format=result.format,
            end=analysis.end,
            text=result.text,
            reasoning=result.reasoning,
            tool_calls=[{"index": c.index, "id": c.id, "name": c.name, "arguments": c.arguments} for c in result.tool_calls],
            finish_reason=result.finish_reason,
            usage=result.usage,
            error=result.error.as_dict() if result.error is not None and not analysis.unknown_format else None,
            final=result.final or None,
        )
    if analysis.http_error is not None:
        record["error"] = {"code": response.status, "message": analysis.http_error, "type": "http_error"}
    if analysis.cut_short:
        record["truncated_event"] = True
    record.update({k: v for k, v in response.describe().items() if k != "capture"})
    return record


def _end_message(analysis: Analysis) -> str | None:  # noqa: PLR0911 - one return per verdict
    """Why a response is not complete and clean, in one line (None when it is)."""
    response = analysis.response
    if response.error is not None:
        return f"{response.name}: unreadable: {response.error}"
    problems = [p for p in analysis.problems if p.kind == "unreadable-body"]
    if problems:
        return f"{response.name}: unreadable: {problems[0].message}"
    if analysis.http_error is not None:
        return f"{response.name}: {analysis.http_error}"
    result = analysis.result
    if analysis.end == "error" and result is not None and result.error is not None:
        return f"{response.name}: the stream reported an error: {result.error.message}"
    if analysis.end == "truncated":
        content_type = response.content_type
        if analysis.events == 0 and content_type is not None and not content_type.lower().startswith("text/event-stream"):
            return f"{response.name}: truncated: not an event stream (Content-Type: {content_type})"
        if analysis.events == 0:
            return f"{response.name}: truncated: no event in the body"
        if analysis.cut_short:
            why = "the last event is cut short"
        elif analysis.unknown_format:
            why = "the last event has no blank line after it"
        else:
            why = "no terminal marker"
        return f"{response.name}: truncated: {why}"
    return None


def check_lines(analysis: Analysis, *, as_json: bool) -> list[str]:
    """``sseparse check`` output for one response."""
    name = analysis.response.name
    if as_json:
        record: dict[str, Any] = {
            "capture": name,
            "ok": not analysis.failed,
            "format": analysis.result.format if analysis.result is not None else None,
            "end": analysis.end,
            "events": analysis.events,
            "problems": [p.as_dict() for p in analysis.problems],
        }
        return [dumps(record)]
    lines = []
    for p in analysis.problems:
        place = f"{p.line}:" if p.line is not None else ""
        where = f" (byte {p.offset}{'' if p.position == 'file' else ' of the body'})" if p.offset is not None else ""
        value = f" [{p.value!r}]" if p.value is not None and p.kind != "incomplete-event" else ""
        lines.append(f"{name}:{place} {p.severity}: {p.kind}: {p.message}{where}{value}")
    return lines


def _choice_text(result: AccumulatedResult | None, choice: int) -> str:
    """Return the whole text of answer ``choice`` ("" when the result has no such choice)."""
    if result is None:
        return ""
    if choice == 0:
        return result.text
    return next((c.text for c in result.choices if c.index == choice), "")


def process_capture(  # noqa: C901, PLR0912, PLR0913, PLR0915
    source: str | Path | _Readable,
    command: str = "result",
    *,
    capture_format: str | None = None,
    wire_format: str | None = None,
    strict: bool = False,
    as_json: bool = False,
    label: bool = False,
    name: str | None = None,
    write: Callable[[str], object] | None = None,
    choice: int = 0,
) -> Outcome:
    """Run ``sseparse COMMAND`` on one input and return its `Outcome`.

    ``command`` is one of `COMMANDS`. ``label`` names the capture in every record (several inputs;
    it is also on when the input holds several responses). ``as_json`` selects JSON Lines for
    ``text`` and ``check`` (``events`` and ``result`` are always JSON). ``write``, when given,
    receives the output as it is decoded (text deltas, one line per event) instead of ``lines``.
    ``choice`` picks the answer ``text`` prints when a response has several (OpenAI ``n>1``, Gemini
    candidates); a choice the stream does not have prints nothing. Never raises on input: an
    unreadable input is an `Outcome` with code 2.
    """
    if command not in COMMANDS:
        msg = f"unknown command {command!r}: choose one of {', '.join(COMMANDS)}"
        raise ValueError(msg)
    outcome = Outcome(name or display_name(source))
    out: Callable[[str], object] = write if write is not None else outcome.lines.append
    line_end = "\n" if write is not None else ""

    def unreadable(message: str) -> Outcome:
        outcome.code = UNREADABLE
        outcome.messages.append(message)
        outcome.count("unreadable")
        if (label and command != "text") or as_json:
            out(dumps({"capture": outcome.name, "error": {"type": "unreadable", "message": message}}) + line_end)
        return outcome

    try:
        responses = read(source, format=capture_format, name=name)
    except CaptureError as exc:
        return unreadable(str(exc))
    except MissingDependencyError as exc:
        return unreadable(f"{outcome.name}: {exc}")
    label = label or len(responses) > 1
    for response in responses:
        capture = response.name if label else None
        on_event = None
        on_text = None
        text_parts: list[str] = []
        if command == "events":

            def on_event(event: ServerSentEvent, capture: str | None = capture) -> None:
                out(dumps(event_record(event, capture)) + line_end)

        elif command == "text":
            if label and not as_json:
                out(f"==> {response.name} <==" + line_end)
            streaming = write is not None and not as_json

            def on_text(delta: str, streaming: bool = streaming, parts: list[str] = text_parts) -> None:
                parts.append(delta)
                if streaming:
                    out(delta)

        try:
            analysis = analyse(
                response,
                strict=strict,
                wire_format=wire_format,
                check=command == "check",
                on_event=on_event,
                on_text=on_text,
                text_choice=choice,
            )
        except (CaptureError, MissingDependencyError) as exc:  # a stream that fails while it is read
            unreadable(str(exc))
            continue
        if command == "text":
            text = _choice_text(analysis.result, choice)
            if as_json:
                out(dumps({"capture": response.name, "text": text, "end": analysis.end}) + line_end)
            elif write is not None:
                streamed = "".join(text_parts)
                rest = text[len(streamed) :] if text.startswith(streamed) else ""
                if rest:  # text the accumulator did not announce as deltas
                    out(rest)
                if text and not text.endswith("\n"):
                    out("\n")
            elif text:
                out(text.removesuffix("\n"))
        elif command == "result":
            out(dumps(result_record(analysis)) + line_end)
        elif command == "check":
            for line in check_lines(analysis, as_json=as_json):
                out(line + line_end)
        unreadable_body = response.error is not None or any(p.kind == "unreadable-body" for p in analysis.problems)
        if unreadable_body:
            outcome.code = max(outcome.code, UNREADABLE)
            outcome.count("unreadable")
        else:
            outcome.count(analysis.end)
        if command == "check":
            failed = [p for p in analysis.problems if p.severity != "info"]
            outcome.count("problems", len(failed))
            if failed:
                outcome.code = max(outcome.code, FAILED)
                if unreadable_body:
                    outcome.messages.append(f"{response.name}: unreadable: {failed[0].message}")
            continue
        message = _end_message(analysis)
        if message is not None:
            outcome.code = max(outcome.code, FAILED)
            outcome.messages.append(message)
    return outcome
