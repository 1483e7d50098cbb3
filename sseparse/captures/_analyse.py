"""One response through the decoder and the accumulator: events, text, the result and lint problems.

Captures often lose the final line end and blank line, so the unfinished last event is dispatched at
end of file (``strict=False``, the default) and reported. If its data then turns out to be cut short
(not valid JSON), the stream was truncated: the event is not fed to the accumulator, so the result
says ``truncated`` rather than blaming bad JSON. ``strict=True`` applies the live-stream rule (R6:
the unfinished event is discarded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sseparse._decoder import SSEDecoder
from sseparse._json import loads
from sseparse.accumulators import TextDelta, make_accumulator
from sseparse.captures._model import CaptureError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse._events import Diagnostic, ServerSentEvent
    from sseparse.accumulators._base import AccumulatedResult, Accumulator
    from sseparse.captures._model import Response

__all__ = ["PROBLEM_KINDS", "Analysis", "Problem", "analyse"]

#: What `analyse` reports beyond the decoder's own diagnostic kinds, and how bad each one is.
PROBLEM_KINDS: dict[str, str] = {
    "unreadable-body": "error",
    "empty-body": "error",
    "truncated": "error",
    "no-terminal-marker": "error",
    "stream-error": "error",
    "invalid-json": "error",
    "invalid-tool-arguments": "error",
    "sequence-gap": "error",
    "incomplete-event": "warning",
    "events-after-end": "warning",
    "invalid-utf8": "error",
    "misplaced-bom": "warning",
    "unknown-field": "warning",
    "invalid-retry": "warning",
    "id-contains-nul": "warning",
    "mixed-line-endings": "warning",
    "event-too-large": "error",
    "merge-note": "info",
    "unexpected-content": "warning",
    "unknown-format": "info",
    "http-error": "error",
    "not-event-stream": "warning",
    "capture-note": "info",
}

_TERMINATOR = re.compile(rb"\r\n|\r|\n")
_DONE = "[DONE]"
HTTP_ERROR = 400
HEAD_SIZE = 512
_NOT_LLM = frozenset({"unknown_format", "invalid_json"})


@dataclass(slots=True)
class Problem:
    """One finding of ``sseparse check``.

    ``offset``/``line`` are in the file when the body is stored there verbatim (``position="file"``),
    else in the body (``position="body"``); None when the finding has no place (a tool call's
    arguments, the end of the stream as a whole).
    """

    kind: str
    message: str
    offset: int | None = None
    line: int | None = None
    position: str = "body"
    field: str | None = None
    value: str | None = None

    @property
    def severity(self) -> str:
        """``error``, ``warning`` or ``info`` (info never fails ``check``)."""
        return PROBLEM_KINDS.get(self.kind, "warning")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, ``None`` fields left out."""
        out: dict[str, Any] = {"kind": self.kind, "severity": self.severity, "message": self.message}
        if self.offset is not None:
            out.update(offset=self.offset, line=self.line, position=self.position)
        if self.field is not None:
            out["field"] = self.field
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(slots=True)
class Analysis:
    """What `analyse` found.

    The accumulated ``result`` (None without accumulator), the event count, the problems, whether
    the last event was dispatched from an unfinished block and whether its data was cut short.
    """

    response: Response
    result: AccumulatedResult | None = None
    events: int = 0
    size: int = 0
    problems: list[Problem] = field(default_factory=list)
    incomplete_dispatched: bool = False
    cut_short: bool = False
    incomplete: bool = False
    unknown_format: bool = False
    head: bytes = b""  # the first bytes of the body, to quote a body that is not an event stream

    @property
    def http_error(self) -> str | None:
        """``HTTP 401: {"error": ...}`` when the capture holds an HTTP error response, else None."""
        status = self.response.status
        if status is None or status < HTTP_ERROR:
            return None
        snippet = " ".join(self.head.decode("utf-8", "replace").split())[:200]
        return f"HTTP {status}: {snippet}" if snippet else f"HTTP {status}"

    @property
    def end(self) -> str:
        """``complete``, ``error`` or ``truncated`` (a damaged body is ``truncated``).

        An HTTP error response (status 400 or more) is an ``error``. A stream in no format the
        accumulators know (a plain EventSource feed) has no terminal marker to look for: it is
        complete when its last event was finished.
        """
        if self.http_error is not None:
            return "error"
        if self.response.error is not None or self.result is None:
            return "truncated"
        if self.unknown_format:
            return "truncated" if self.incomplete or not self.events else "complete"
        return str(self.result.end)

    @property
    def failed(self) -> bool:
        """True when some problem is an error or a warning (``check`` exits 1)."""
        return any(p.severity != "info" for p in self.problems)


def new_accumulator(wire_format: str | None) -> Accumulator:
    """Return an accumulator for ``wire_format`` (None: told from the first events)."""
    return make_accumulator(wire_format)


def _lines(chunks: Iterator[bytes]) -> Iterator[tuple[bytes, int, int, bool | None]]:
    """Cut the body into lines: (line with its terminator, offset, 1-based line number, is blank).

    Feeding the decoder one line at a time tells where each event starts. A CRLF split across chunks
    counts once, as the decoder counts it (R5): its LF comes alone, with None for "is blank". The
    unfinished last line comes at the end without a terminator.
    """
    offset = 0  # of the next byte to yield
    line = 1
    after_cr = False
    pending: list[bytes] = []  # parts of an unfinished line
    for chunk in chunks:
        start = 0
        if after_cr and chunk[:1] == b"\n":
            yield b"\n", offset, line - 1, None
            offset += 1
            start = 1
        after_cr = False
        for match in _TERMINATOR.finditer(chunk, start):
            end = match.end()
            piece = chunk[start:end]
            if pending:
                pending.append(piece)
                piece = b"".join(pending)
                pending.clear()
            yield piece, offset, line, match.start() == start and len(piece) == end - start
            offset += len(piece)
            line += 1
            start = end
        if start < len(chunk):
            pending.append(chunk[start:])
        else:
            after_cr = chunk[-1:] == b"\r"
    if pending:
        yield b"".join(pending), offset, line, False


def _is_json(data: str) -> bool:
    try:
        loads(data)
    except ValueError:
        return False
    return True


class _Checker:
    """The per-event lints of ``check``: data that is not JSON, Responses sequence-number gaps."""

    def __init__(self, problems: list[Problem], place: Callable[[int, int], tuple[int, int, str]]) -> None:
        self.problems = problems
        self.place = place
        self.sequence: int | None = None

    def event(self, event: ServerSentEvent, offset: int, line: int, *, last_incomplete: bool) -> None:
        data = event.data
        if data.strip() == _DONE:
            return
        try:
            payload = loads(data)
        except ValueError:
            at, line_no, position = self.place(offset, line)
            if last_incomplete:
                message = "the last event is cut short: its data is not complete JSON (the capture or the stream was cut)"
                self.problems.append(Problem("truncated", message, at, line_no, position, "data", data[-80:]))
            else:
                self.problems.append(Problem("invalid-json", "event data is not JSON", at, line_no, position, "data", data[:80]))
            return
        sequence = payload.get("sequence_number") if isinstance(payload, dict) else None
        if isinstance(sequence, int) and not isinstance(sequence, bool):
            if (
                self.sequence is not None
                and sequence != self.sequence + 1
                and not (sequence == 0 and payload.get("type") == "response.created")
            ):
                at, line_no, position = self.place(offset, line)
                message = f"sequence_number jumps from {self.sequence} to {sequence}"
                self.problems.append(Problem("sequence-gap", message, at, line_no, position, "sequence_number", str(sequence)))
            self.sequence = sequence


def analyse(  # noqa: C901, PLR0912, PLR0913, PLR0915
    response: Response,
    *,
    strict: bool = False,
    wire_format: str | None = None,
    check: bool = False,
    accumulate: bool = True,
    on_event: Callable[[ServerSentEvent], object] | None = None,
    on_text: Callable[[str], object] | None = None,
    text_choice: int = 0,
) -> Analysis:
    """Decode ``response``'s body and accumulate it, calling ``on_event`` / ``on_text`` as it goes.

    ``on_text`` gets the text deltas of choice ``text_choice`` (0: the first answer).

    ``check=True`` also collects every problem with its place (decoder diagnostics, the unfinished
    last event, data that is not JSON, sequence gaps, the stream's end, tool arguments that are not
    JSON, in-stream errors). Raises nothing on bad content; a body that cannot be read any further
    (a broken chunked coding) ends the analysis with an ``unreadable-body`` problem, keeping what was
    decoded before it.
    """
    analysis = Analysis(response)
    problems = analysis.problems
    verbatim = response.body_offset is not None

    def place(offset: int, line: int) -> tuple[int, int, str]:
        if verbatim:
            assert response.body_offset is not None
            return response.body_offset + offset, (response.body_line or 1) + line - 1, "file"
        return offset, line, "body"

    if response.error is not None:
        problems.append(Problem("unreadable-body", response.error))
        return analysis
    decoder = SSEDecoder(diagnostics=check, dispatch_incomplete=not strict)
    accumulator = new_accumulator(wire_format) if accumulate else None
    checker = _Checker(problems, place) if check else None
    event_start: tuple[int, int] | None = None  # where the block being parsed started

    def take(events: list[ServerSentEvent], at: tuple[int, int], *, last_incomplete: bool = False) -> None:
        for event in events:
            analysis.events += 1
            if last_incomplete and not (event.data.strip() == _DONE or _is_json(event.data)):
                analysis.cut_short = True
            if checker is not None:
                checker.event(event, *at, last_incomplete=last_incomplete)
            if on_event is not None:
                on_event(event)
            if accumulator is not None and not (last_incomplete and analysis.cut_short):
                for update in accumulator.feed(event):
                    if on_text is not None and isinstance(update, TextDelta) and update.choice == text_choice:
                        on_text(update.text)

    try:
        if check:  # line by line, to know where each event starts
            for piece, offset, line, blank in _lines(response.iter_bytes()):
                if analysis.size < HEAD_SIZE:
                    analysis.head += piece[: HEAD_SIZE - analysis.size]
                analysis.size += len(piece)
                if blank is None:  # the LF of a CRLF split across chunks
                    decoder.feed(piece)
                    continue
                if event_start is None and not blank:
                    event_start = (offset, line)
                events = decoder.feed(piece)
                if events:
                    take(events, event_start or (offset, line))
                if blank:
                    event_start = None
        else:  # no places needed: whole chunks, the decoder's fast path
            for chunk in response.iter_bytes():
                if analysis.size < HEAD_SIZE:
                    analysis.head += chunk[: HEAD_SIZE - analysis.size]
                analysis.size += len(chunk)
                events = decoder.feed(chunk)
                if events:
                    take(events, (0, 1))
    except CaptureError as exc:
        problems.append(Problem("unreadable-body", exc.reason))
    last_start = event_start  # where the unfinished last event (if any) starts
    last = decoder.close()
    analysis.incomplete = decoder.incomplete
    if last:
        analysis.incomplete_dispatched = True
    take(last, event_start or (0, 1), last_incomplete=True)
    if accumulator is not None:
        accumulator.close()
        analysis.result = result = accumulator.result()
        # No format was recognised (plain text data, an app's own JSON events): a generic SSE stream.
        analysis.unknown_format = result.format is None and result.error is not None and result.error.type in _NOT_LLM
        if analysis.unknown_format:
            analysis.cut_short = False  # nothing says its data is JSON
    if not check:
        return analysis
    problems.extend(
        _from_diagnostic(diagnostic, place, dispatched=analysis.incomplete_dispatched, start=last_start)
        for diagnostic in decoder.diagnostics
        if diagnostic.kind != "comment"  # keep-alives are normal
    )
    content_type = response.content_type
    not_sse = content_type is not None and not content_type.lower().startswith("text/event-stream")
    if analysis.http_error is not None or not_sse:
        problems.clear()  # what the SSE decoder makes of a JSON or HTML body is noise
    if analysis.http_error is not None:
        problems.append(Problem("http-error", f"the capture holds an error response, not a stream: {analysis.http_error}"))
    if not_sse:
        problems.append(Problem("not-event-stream", f"the response is not an event stream (Content-Type: {content_type})"))
    if analysis.events == 0 and not any(p.kind in {"unreadable-body", "http-error"} for p in problems):
        problems.append(Problem("empty-body", "no event in the body" + ("" if analysis.size else ": the body is empty")))
    problems.extend(Problem("capture-note", note) for note in response.notes)
    if analysis.result is not None:
        _result_problems(analysis.result, analysis)
    problems.sort(key=lambda p: (p.offset is None, p.offset or 0))
    return analysis


def _from_diagnostic(
    diagnostic: Diagnostic,
    place: Callable[[int, int], tuple[int, int, str]],
    *,
    dispatched: bool,
    start: tuple[int, int] | None,
) -> Problem:
    message = diagnostic.message
    at = (diagnostic.offset, diagnostic.line)
    if diagnostic.kind == "incomplete-event":
        at = start or at  # point at the event, not at its last line
        message = (
            "the last event has no blank line after it: dispatched anyway, as captures often lose it (--strict discards it)"
            if dispatched
            else "the stream ends inside an event, which was discarded (R6)"
        )
    offset, line, position = place(*at)
    return Problem(diagnostic.kind, message, offset, line, position, diagnostic.field, diagnostic.value)


def _unexpected_content(result: AccumulatedResult) -> list[Problem]:
    """Content of a shape the format does not define: kept in ``final``, but the text lacks it."""
    count = result.details.get("unexpected_content") if isinstance(result.details, dict) else None
    if not count:
        return []
    message = f"{count} piece(s) of content of a shape the format does not define (kept in final, not in the text)"
    return [Problem("unexpected-content", message)]


def _result_problems(result: AccumulatedResult, analysis: Analysis) -> None:
    problems = analysis.problems
    end = str(result.end)
    error = result.error
    if analysis.unknown_format:
        # Nothing says this stream's data is JSON: keep only what the SSE layer found.
        problems[:] = [p for p in problems if p.kind not in {"invalid-json", "truncated", "sequence-gap"}]
        message = "not an LLM stream format sseparse knows: only the SSE framing was checked"
        problems.append(Problem("unknown-format", message, value=result.format))
    elif end == "error" and error is not None:
        if error.type != "invalid_json" or not any(p.kind == "invalid-json" for p in problems):
            problems.append(
                Problem(
                    "stream-error",
                    f"the stream reported an error: {error.message}",
                    value=str(error.code) if error.code is not None else None,
                )
            )
    elif (
        end == "truncated"
        and not analysis.cut_short
        and analysis.events
        and not any(p.kind == "unreadable-body" for p in problems)
    ):
        problems.append(
            Problem(
                "no-terminal-marker",
                "the stream ends without its terminal marker ([DONE], message_stop, response.completed, ...)",
            )
        )
    calls = list(result.tool_calls)
    for choice in result.choices[1:]:
        calls.extend(choice.tool_calls)
    for call in calls:
        try:
            call.json()
        except ValueError as exc:
            problems.append(Problem("invalid-tool-arguments", str(exc), field="arguments", value=call.arguments[:80]))
    after = result.details.get("events_after_end") if isinstance(result.details, dict) else None
    if after:
        problems.append(Problem("events-after-end", f"{after} event(s) after the end of the stream were ignored"))
    problems.extend(_unexpected_content(result))
    for note in result.merge_notes:
        problems.append(Problem("merge-note", note))
