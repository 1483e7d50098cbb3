r"""`process_capture`: everything the ``sseparse`` command does with one input, as a pure function.

It takes a path (or a file object) and options, and returns an `Outcome` of plain values: the output
lines, the exit code, one-line messages for stderr and counts for the summary. It imports nothing
at module level beyond sseparse, holds no global state and pickles, so the same function runs in the
command line, on a process pool (``--jobs``) or on a Dask cluster (docs/captures-dask.md).

Output is always valid: JSON Lines have no NaN or Infinity (JSON has none: they are written as
``null``, as JavaScript's ``JSON.stringify`` does) and no lone surrogate (written as its ``\uXXXX``
escape, which JSON allows and which reads back as the same string); plain text replaces a lone
surrogate by U+FFFD.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sseparse.captures._analyse import DEFAULT_MAX_EVENT_SIZE, Analysis, analyse
from sseparse.captures._errors import CaptureError, MissingDependencyError
from sseparse.captures._read import read
from sseparse.captures._source import display_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import TypeAlias

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators import AccumulatedResult
    from sseparse.captures._model import Response
    from sseparse.captures._source import _Readable

    _Before: TypeAlias = Callable[["_Job", Response], tuple[dict[str, Any], list[str]]]
    _After: TypeAlias = Callable[["_Job", Analysis, Response, list[str]], None]

__all__ = ["COMMANDS", "Outcome", "dumps", "plain_text", "process_capture"]

COMMANDS = ("events", "text", "result", "check")
OK, FAILED, UNREADABLE = 0, 1, 2
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Outcome:
    """What processing one input gave.

    ``lines``      the output, each item one line without its newline (empty when it was written
                   as it was decoded, through ``write``).
    ``code``       0 complete and clean, 1 truncated / error / problems found, 2 unreadable (or, for
                   ``text``, no such answer as ``choice``).
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

    def fail(self, code: int, message: str | None = None) -> None:
        """Raise the exit code to at least ``code``, with a message for stderr."""
        self.code = max(self.code, code)
        if message is not None:
            self.messages.append(message)


def _finite(value: Any) -> Any:  # noqa: ANN401 - JSON
    """``value`` with every NaN and infinity replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(value: Any) -> str:  # noqa: ANN401 - JSON
    r"""One JSON Lines record: compact, UTF-8 text kept as is, always valid JSON that encodes as UTF-8.

    NaN and infinities become ``null``; a lone surrogate is written as its ``\uXXXX`` escape.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False)
    except ValueError:  # NaN or an infinity: JSON has no such number
        text = json.dumps(_finite(value), ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False)
    return _SURROGATE.sub(_escape, text) if not text.isascii() else text


def plain_text(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it encodes as UTF-8."""
    return _SURROGATE.sub("\ufffd", text) if not text.isascii() else text


def event_record(event: ServerSentEvent, capture: str | None) -> dict[str, Any]:
    """``sseparse events``: one event as a JSON-ready dict."""
    record: dict[str, Any] = {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}
    if capture is not None:
        record["capture"] = capture
    return record


_EMPTY_RESULT: dict[str, Any] = {
    "format": None,
    "text": "",
    "reasoning": "",
    "tool_calls": [],
    "finish_reason": None,
    "stop": None,
    "usage": None,
    "tokens": None,
    "final": None,
}


def result_record(analysis: Analysis, response: Response) -> dict[str, Any]:
    """``sseparse result``: one response's accumulated message as a JSON-ready dict."""
    result = analysis.result
    record: dict[str, Any] = {"capture": response.name}
    if result is None:
        record.update(_EMPTY_RESULT, end=analysis.end)
        record["error"] = {"code": None, "message": response.error, "type": "unreadable"} if response.error else None
    else:
        record.update(
            format=result.format,
            end=analysis.end,
            text=result.text,
            reasoning=result.reasoning,
            tool_calls=[{"index": c.index, "id": c.id, "name": c.name, "arguments": c.arguments} for c in result.tool_calls],
            finish_reason=result.finish_reason,
            stop=result.stop,
            usage=result.usage,
            tokens=result.tokens.as_dict(),
            error=result.error.as_dict() if result.error is not None else None,
            final=result.final or None,
        )
    if analysis.http_error is not None:
        record["error"] = {"code": response.status, "message": analysis.http_error, "type": "http_error"}
    if analysis.cut_short:
        record["truncated_event"] = True
    if analysis.oversized:
        record["oversized_events"] = analysis.oversized
    record.update({k: v for k, v in response.describe().items() if k != "capture"})
    return record


def _truncated_why(analysis: Analysis, response: Response) -> str:
    content_type = response.content_type
    if analysis.events == 0 and content_type is not None and not content_type.lower().startswith("text/event-stream"):
        return f"not an event stream (Content-Type: {content_type})"
    if analysis.events == 0:
        return "no event in the body"
    if analysis.cut_short:
        return "the last event is cut short"
    if analysis.unknown_format:
        return "the last event has no blank line after it"
    return "no terminal marker"


def _end_message(analysis: Analysis, response: Response, end: str) -> str | None:  # noqa: PLR0911 - one return per verdict
    """Why a response is not complete and clean, in one line (None when it is)."""
    name = response.name
    unreadable = next((p.message for p in analysis.problems if p.kind == "unreadable-body"), response.error)
    if unreadable is not None:
        return f"{name}: unreadable: {unreadable}"
    if analysis.http_error is not None:
        return f"{name}: {analysis.http_error}"
    if analysis.oversized:
        return f"{name}: {analysis.oversized} event(s) larger than the size cap were dropped (see --max-event-size)"
    result = analysis.result
    if end == "error" and result is not None and result.error is not None:
        if analysis.unknown_format:
            return f"{name}: error: not an LLM stream format sseparse knows ({result.error.message})"
        return f"{name}: the stream reported an error: {result.error.message}"
    if end == "truncated":
        return f"{name}: truncated: {_truncated_why(analysis, response)}"
    return None


def check_lines(analysis: Analysis, *, as_json: bool, name: str) -> list[str]:
    """``sseparse check`` output for one response."""
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
        lines.append(plain_text(f"{name}:{place} {p.severity}: {p.kind}: {p.message}{where}{value}"))
    return lines


def _choice_text(result: AccumulatedResult | None, choice: int) -> str | None:
    """Return the whole text of answer ``choice`` (None when the result has no such choice)."""
    if result is None:
        return ""
    if choice == 0:
        return result.text
    return next((c.text for c in result.choices if c.index == choice), None)


@dataclass(slots=True)
class _Job:
    """One run of `process_capture`: its options, where output goes, and the outcome being built."""

    command: str
    outcome: Outcome
    out: Callable[[str], object]
    line_end: str
    streaming: bool
    label: bool = False
    as_json: bool = False
    choice: int = 0
    ignore: frozenset[str] = frozenset()
    analyse_options: dict[str, Any] = field(default_factory=dict)

    def emit(self, line: str) -> None:
        self.out(line + self.line_end)

    def unreadable(self, message: str) -> None:
        self.outcome.fail(UNREADABLE, message)
        self.outcome.count("unreadable")
        if (self.label and self.command != "text") or self.as_json:
            self.emit(dumps({"capture": self.outcome.name, "error": {"type": "unreadable", "message": message}}))

    def response(self, response: Response) -> None:
        """Run the command on one response and record how it ended."""
        before, after = _COMMANDS[self.command]
        callbacks, parts = before(self, response)
        try:
            analysis = analyse(
                response, check=self.command == "check", text_choice=self.choice, **callbacks, **self.analyse_options
            )
        except (CaptureError, MissingDependencyError) as exc:  # a stream that fails while it is read
            self.unreadable(str(exc))
            return
        except OSError:
            raise  # the output went away (a closed pipe), or the input did: not this capture's fault
        except Exception as exc:  # noqa: BLE001 - a bug must not abort a batch: report it, go on with the next input
            self.unreadable(f"{response.name}: internal error, please report it: {type(exc).__name__}: {str(exc)[:200]}")
            return
        if self.ignore:
            analysis.problems[:] = [p for p in analysis.problems if p.kind not in self.ignore]
        after(self, analysis, response, parts)

    def verdict(self, analysis: Analysis, response: Response, end: str) -> None:
        """Count how the response ended and, for all but ``check``, say why it is not complete."""
        unreadable = response.error is not None or any(p.kind == "unreadable-body" for p in analysis.problems)
        self.outcome.count("unreadable" if unreadable else end)
        if unreadable:
            self.outcome.fail(UNREADABLE)
        if self.command == "check":
            return
        message = _end_message(analysis, response, end)
        if message is not None:
            self.outcome.fail(FAILED, message)


def _no_callbacks(_job: _Job, _response: Response) -> tuple[dict[str, Any], list[str]]:
    return {}, []


def _events_before(job: _Job, response: Response) -> tuple[dict[str, Any], list[str]]:
    capture = response.name if job.label else None

    def on_event(event: ServerSentEvent) -> None:
        job.emit(dumps(event_record(event, capture)))

    return {"on_event": on_event}, []


def _events_after(job: _Job, analysis: Analysis, response: Response, _parts: list[str]) -> None:
    # Events are SSE framing only: a stream in no LLM format is judged by its framing.
    job.verdict(analysis, response, analysis.sse_end if analysis.unknown_format else analysis.end)


def _text_before(job: _Job, response: Response) -> tuple[dict[str, Any], list[str]]:
    if job.label and not job.as_json:
        job.emit(plain_text(f"==> {response.name} <=="))
    parts: list[str] = []

    def on_text(delta: str) -> None:
        parts.append(delta)
        if job.streaming:
            job.out(plain_text(delta))

    return {"on_text": on_text}, parts


def _text_after(job: _Job, analysis: Analysis, response: Response, parts: list[str]) -> None:
    text = _choice_text(analysis.result, job.choice)
    if text is None:
        job.verdict(analysis, response, analysis.end)
        choices = len(analysis.result.choices) if analysis.result is not None else 0
        job.outcome.fail(
            UNREADABLE, f"{response.name}: no answer {job.choice} in this response (it has {choices}: 0 to {choices - 1})"
        )
        return
    if job.as_json:
        job.emit(dumps({"capture": response.name, "text": text, "end": analysis.end}))
    elif job.streaming:
        streamed = "".join(parts)
        rest = text[len(streamed) :] if text.startswith(streamed) else ""
        if rest:  # text the accumulator did not announce as deltas
            job.out(plain_text(rest))
        if text and not text.endswith("\n"):
            job.out("\n")
    elif text:
        job.emit(plain_text(text.removesuffix("\n")))
    job.verdict(analysis, response, analysis.end)


def _result_after(job: _Job, analysis: Analysis, response: Response, _parts: list[str]) -> None:
    job.emit(dumps(result_record(analysis, response)))
    job.verdict(analysis, response, analysis.end)


def _check_after(job: _Job, analysis: Analysis, response: Response, _parts: list[str]) -> None:
    for line in check_lines(analysis, as_json=job.as_json, name=response.name):
        job.emit(line)
    job.verdict(analysis, response, analysis.end)
    failed = [p for p in analysis.problems if p.severity != "info"]
    job.outcome.count("problems", len(failed))
    if failed:
        unreadable = response.error is not None or any(p.kind == "unreadable-body" for p in analysis.problems)
        job.outcome.fail(FAILED, f"{response.name}: unreadable: {failed[0].message}" if unreadable else None)


_COMMANDS: dict[str, tuple[_Before, _After]] = {
    "events": (_events_before, _events_after),
    "text": (_text_before, _text_after),
    "result": (_no_callbacks, _result_after),
    "check": (_no_callbacks, _check_after),
}


def process_capture(  # noqa: PLR0913
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
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    ignore: frozenset[str] | set[str] | tuple[str, ...] = (),
) -> Outcome:
    """Run ``sseparse COMMAND`` on one input and return its `Outcome`.

    ``command`` is one of `COMMANDS`. ``label`` names the capture in every record (several inputs;
    it is also on when the input holds several responses). ``as_json`` selects JSON Lines for
    ``text`` and ``check`` (``events`` and ``result`` are always JSON). ``write``, when given,
    receives the output as it is decoded (text deltas, one line per event) instead of ``lines``.
    ``choice`` picks the answer ``text`` prints when a response has several (OpenAI ``n>1``, Gemini
    candidates); a choice the stream does not have prints nothing and gives code 2.
    ``max_event_size`` is the largest event kept (bytes; None: no limit): a larger one is dropped and
    reported. ``ignore`` names problem kinds ``check`` leaves out. Never raises on input: an
    unreadable input is an `Outcome` with code 2.
    """
    if command not in COMMANDS:
        msg = f"unknown command {command!r}: choose one of {', '.join(COMMANDS)}"
        raise ValueError(msg)
    outcome = Outcome(name or display_name(source))
    job = _Job(
        command,
        outcome,
        out=write if write is not None else outcome.lines.append,
        line_end="\n" if write is not None else "",
        streaming=write is not None and not as_json,
        label=label,
        as_json=as_json,
        choice=choice,
        ignore=frozenset(ignore),
        analyse_options={"strict": strict, "wire_format": wire_format, "max_event_size": max_event_size},
    )
    try:
        responses = read(source, format=capture_format, name=name)
    except CaptureError as exc:
        job.unreadable(str(exc))
        return outcome
    except MissingDependencyError as exc:
        job.unreadable(f"{outcome.name}: {exc}")
        return outcome
    job.label = label or len(responses) > 1
    for response in responses:
        job.response(response)
    return outcome
