"""One response through the decoder and the accumulator: events, text, the result and lint problems.

Captures often lose the final line end and blank line, so the unfinished last event is dispatched at
end of file (``strict=False``, the default) and reported. If its data then turns out to be cut short
(not valid JSON), the stream was truncated: the event is not fed to the accumulator, so the result
says ``truncated`` rather than blaming bad JSON. ``strict=True`` applies the live-stream rule (R6:
the unfinished event is discarded).

Memory stays bounded whatever the input: the body is fed in pieces (a line is never gathered), an
event larger than ``max_event_size`` is dropped and reported, keep-alive comments are only counted,
and at most `MAX_PROBLEMS_PER_KIND` problems of one kind are kept (the rest are counted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sseparse._decoder import SSEDecoder
from sseparse._errors import EventTooLargeError
from sseparse._json import is_json, loads
from sseparse.accumulators import BaseAccumulator, TextDelta, make_accumulator
from sseparse.captures._errors import CaptureError
from sseparse.captures._split import pieces

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse._events import Diagnostic, ServerSentEvent
    from sseparse.accumulators._base import AccumulatedResult, Accumulator

__all__ = ["DEFAULT_MAX_EVENT_SIZE", "MAX_PROBLEMS_PER_KIND", "PROBLEM_KINDS", "Analysis", "Problem", "analyse"]

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
    "unknown-format": "error",
    "http-error": "error",
    "not-event-stream": "warning",
    "capture-note": "info",
    "more-problems": "info",
}

#: The largest event `analyse` keeps by default (bytes): a larger one is dropped and reported.
DEFAULT_MAX_EVENT_SIZE = 64 * 1024 * 1024
#: Problems of one kind kept in `Analysis.problems`; the others are counted in one ``more-problems``.
MAX_PROBLEMS_PER_KIND = 100

_DONE = "[DONE]"
HTTP_ERROR = 400
HEAD_SIZE = 512
_NOT_LLM = frozenset({"unknown_format", "invalid_json"})
_JSON_PROBLEMS = frozenset({"invalid-json", "truncated", "sequence-gap"})


class CapturedResponse(Protocol):
    """What `analyse` reads of a response (`sseparse.captures.Response` has all of it)."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def notes(self) -> list[str]: ...
    @property
    def body_offset(self) -> int | None: ...
    @property
    def body_line(self) -> int | None: ...
    @property
    def content_type(self) -> str | None: ...
    def iter_bytes(self) -> Iterator[bytes]: ...


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

    The accumulated ``result`` (None without accumulator), the event count, the problems (only with
    ``check=True``), whether the last event was dispatched from an unfinished block and whether its
    data was cut short, and ``oversized``: how many events over ``max_event_size`` were dropped.
    """

    response: CapturedResponse
    result: AccumulatedResult | None = None
    events: int = 0
    size: int = 0
    problems: list[Problem] = field(default_factory=list)
    incomplete_dispatched: bool = False
    cut_short: bool = False
    incomplete: bool = False
    unknown_format: bool = False
    oversized: int = 0
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
        """``complete``, ``error`` or ``truncated`` (a damaged body is ``truncated``), as `accumulate` says.

        An HTTP error response (status 400 or more) is an ``error``, and so is a stream in no format
        the accumulators know: nothing says it is complete (see `sse_end` for the SSE framing alone).
        """
        if self.http_error is not None:
            return "error"
        if self.response.error is not None or self.result is None:
            return "truncated"
        return str(self.result.end)

    @property
    def sse_end(self) -> str:
        """How the SSE framing ended, whatever the content: ``truncated`` when the last event was unfinished."""
        if self.http_error is not None:
            return "error"
        if self.response.error is not None or self.incomplete or not self.events:
            return "truncated"
        return "complete"

    @property
    def failed(self) -> bool:
        """True when some problem is an error or a warning (``check`` exits 1)."""
        return any(p.severity != "info" for p in self.problems)


class _Problems:
    """Collects problems, keeping at most `MAX_PROBLEMS_PER_KIND` of each kind (memory stays bounded)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.kept: dict[str, int] = {}
        self.dropped: dict[str, int] = {}

    def add(self, problem: Problem) -> None:
        kept = self.kept.get(problem.kind, 0)
        if kept < MAX_PROBLEMS_PER_KIND:
            self.kept[problem.kind] = kept + 1
            self.problems.append(problem)
        else:
            self.dropped[problem.kind] = self.dropped.get(problem.kind, 0) + 1

    def summary(self) -> list[Problem]:
        """One ``more-problems`` per kind that had more problems than were kept."""
        return [
            Problem("more-problems", f"{count} more {kind} problem(s) like the ones above were not listed", value=kind)
            for kind, count in self.dropped.items()
        ]


def new_accumulator(wire_format: str | None) -> Accumulator:
    """Return an accumulator for ``wire_format`` (None: told from the first events)."""
    return make_accumulator(wire_format)


def _load(data: str) -> tuple[bool, Any]:
    try:
        return True, loads(data)
    except ValueError:
        return False, None


class _Checker:
    """The per-event lints of ``check``: data that is not JSON, Responses sequence-number gaps."""

    def __init__(self, problems: _Problems, place: Callable[[int, int], tuple[int, int, str]]) -> None:
        self.problems = problems
        self.place = place
        self.sequence: int | None = None

    def event(self, event: ServerSentEvent, offset: int, line: int, *, last_incomplete: bool) -> None:
        data = event.data
        if data.strip() == _DONE:
            return
        ok, payload = _load(data)
        if not ok:
            at, line_no, position = self.place(offset, line)
            if last_incomplete:
                message = "the last event is cut short: its data is not complete JSON (the capture or the stream was cut)"
                self.problems.add(Problem("truncated", message, at, line_no, position, "data", data[-80:]))
            else:
                self.problems.add(Problem("invalid-json", "event data is not JSON", at, line_no, position, "data", data[:80]))
            return
        if isinstance(payload, dict):
            self._sequence(payload, offset, line)

    def _sequence(self, payload: dict[str, Any], offset: int, line: int) -> None:
        sequence = payload.get("sequence_number")
        if not isinstance(sequence, int) or isinstance(sequence, bool):
            return
        restart = sequence == 0 and payload.get("type") == "response.created"
        if self.sequence is not None and sequence != self.sequence + 1 and not restart:
            at, line_no, position = self.place(offset, line)
            message = f"sequence_number jumps from {self.sequence} to {sequence}"
            self.problems.add(Problem("sequence-gap", message, at, line_no, position, "sequence_number", str(sequence)[:80]))
        self.sequence = sequence


@dataclass(slots=True)
class _Options:
    strict: bool = False
    wire_format: str | None = None
    check: bool = False
    accumulate: bool = True
    on_event: Callable[[ServerSentEvent], object] | None = None
    on_text: Callable[[str], object] | None = None
    text_choice: int = 0
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE


_BLANK_PAIRS = (b"\n\n", b"\n\r", b"\r\r")  # two line ends in a row: every blank line holds one of these
_LF_PAIR = (b"\n\n",)
_BLOCK_PIECE = 64 * 1024  # with places, a block's lines are fed together up to this size
_PAIR = re.compile(rb"\n[\r\n]|\r\r")
_BLANK_END = re.compile(rb"\n(?:\r\n?|\n)|\r\r\n?")  # a line end then a blank line: where the blank line ends


class _SizeGuard:
    """The event-size cap without the decoder's slower general path (used when no places are needed).

    It counts the bytes since the last blank line, found with three reverse searches per chunk; when
    they pass the limit, the event in progress is dropped: the bytes up to its blank line are skipped,
    and the caller starts a fresh decoder there (seeded with the last event ID).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0  # bytes since the end of the last blank line
        self.tail = b""  # the last two bytes seen, for a blank line split across chunks
        self.skipping = False

    def admit(self, data: bytes) -> int | None:
        """Return None when all of ``data`` may be decoded, else where the first oversized event in it starts."""
        pairs = _BLANK_PAIRS if 13 in data else _LF_PAIR  # one search for LF-only streams, the common case
        last = max(data.rfind(pair) for pair in pairs)
        across = (self.tail + data[:1]).endswith(_BLANK_PAIRS)  # a blank line split across chunks
        tail = self.tail
        self.tail = (tail + data)[-2:] if len(data) < 2 else data[-2:]
        if last < 0 and not across:
            if self.size + len(data) > self.limit:
                return self._drop(0)
            self.size += len(data)
            return None
        first = 1 if across else min(found for found in (data.find(pair) for pair in pairs) if found >= 0) + 2
        last_end = max(last + 2, first)
        if self.size + first <= self.limit and len(data) - last_end <= self.limit and last_end - first <= self.limit:
            self.size = len(data) - last_end  # the common case: no event in this chunk can be too large
            return None
        start = self._oversized(tail + data, len(tail))
        if start is None:  # a chunk longer than the limit, all of whose events are within it
            self.size = len(data) - last_end
            return None
        return self._drop(start)

    def _oversized(self, window: bytes, shift: int) -> int | None:
        """Where in the chunk (``window`` less its first ``shift`` bytes) the first event over the limit starts, if any."""
        start, size = 0, self.size
        for match in _PAIR.finditer(window):
            end = max(match.end() - shift, 0)
            if size + end - start > self.limit:
                return start
            start, size = end, 0
        return start if len(window) - shift - start > self.limit else None

    def _drop(self, start: int) -> int:
        self.skipping = True
        self.tail = b""
        return start

    def skip(self, data: bytes) -> int:
        """Skip to the end of the blank line that ends the dropped event: its offset in ``data``, or -1."""
        window = self.tail + data
        match = _BLANK_END.search(window)
        if match is None:
            self.tail = window[-2:]
            return -1
        self.skipping = False
        self.size = 0
        self.tail = b""
        return max(match.end() - (len(window) - len(data)), 0)


class _Run:
    """One pass of `analyse` over a body: the decoder, the accumulator and the checks, fed piece by piece."""

    def __init__(self, response: CapturedResponse, options: _Options) -> None:
        self.analysis = Analysis(response)
        self.options = options
        self.problems = _Problems(self.analysis.problems)
        # With places (check), the decoder's general path applies the cap and says where; without, a
        # `_SizeGuard` does, and the decoder keeps its fast path.
        limit = options.max_event_size
        self.guard = _SizeGuard(limit) if limit is not None and not options.check else None
        self.decoder = self._decoder()
        self.accumulator = new_accumulator(options.wire_format) if options.accumulate else None
        self.checker = _Checker(self.problems, self.place) if options.check else None
        self.event_start: tuple[int, int] | None = None  # where the block being parsed started
        self.incomplete_diagnostic: Diagnostic | None = None  # placed once the end is known

    def _decoder(self, last_event_id: str = "") -> SSEDecoder:
        options = self.options
        return SSEDecoder(
            last_event_id=last_event_id,
            on_diagnostic=self._diagnostic if options.check else None,
            dispatch_incomplete=not options.strict,
            max_event_size=options.max_event_size if self.guard is None else None,
        )

    def place(self, offset: int, line: int) -> tuple[int, int, str]:
        """Where a body position is: in the file when the body is stored there verbatim, else in the body."""
        response = self.analysis.response
        if response.body_offset is not None:
            return response.body_offset + offset, (response.body_line or 1) + line - 1, "file"
        return offset, line, "body"

    def _diagnostic(self, diagnostic: Diagnostic) -> None:
        if diagnostic.kind == "comment":
            return  # keep-alives are normal, and a million of them must not cost a million objects
        if diagnostic.kind == "incomplete-event":
            self.incomplete_diagnostic = diagnostic
            return
        offset, line, position = self.place(diagnostic.offset, diagnostic.line)
        value = diagnostic.value[:80] if diagnostic.value is not None else None
        self.problems.add(Problem(diagnostic.kind, diagnostic.message, offset, line, position, diagnostic.field, value))

    def take(self, events: list[ServerSentEvent], at: tuple[int, int], *, last_incomplete: bool = False) -> None:
        analysis = self.analysis
        options = self.options
        quiet = self.checker is None and options.on_event is None and options.on_text is None
        if quiet and not last_incomplete and self.accumulator is not None:  # only accumulation to do: in batches
            analysis.events += len(events)
            self._accumulate_all(events)
            return
        for event in events:
            analysis.events += 1
            if last_incomplete and not (event.data.strip() == _DONE or is_json(event.data)):
                analysis.cut_short = True
            if self.checker is not None:
                self.checker.event(event, *at, last_incomplete=last_incomplete)
            if options.on_event is not None:
                options.on_event(event)
            if self.accumulator is not None and not (last_incomplete and analysis.cut_short):
                self._accumulate(event)

    def _accumulate_all(self, events: list[ServerSentEvent]) -> None:
        """Feed ``events`` with no updates: one by one until the format is known, then the accumulator's batch path."""
        accumulator = self.accumulator
        rest = iter(events)
        target = accumulator if isinstance(accumulator, BaseAccumulator) else None
        while target is None:
            event = next(rest, None)
            if event is None:
                return
            accumulator.feed(event)  # type: ignore[union-attr]  # set whenever this is called
            delegate = getattr(accumulator, "delegate", None)  # an AutoAccumulator, once it knows the format
            if isinstance(delegate, BaseAccumulator):
                target = delegate
        target._feed_all(rest)  # noqa: SLF001 - the accumulators' own batch path

    def _accumulate(self, event: ServerSentEvent) -> None:
        assert self.accumulator is not None
        on_text = self.options.on_text
        for update in self.accumulator.feed(event):
            if on_text is not None and isinstance(update, TextDelta) and update.choice == self.options.text_choice:
                on_text(update.text)

    def count(self, data: bytes) -> None:
        analysis = self.analysis
        if analysis.size < HEAD_SIZE:
            analysis.head += data[: HEAD_SIZE - analysis.size]
        analysis.size += len(data)

    def feed_capped(self, data: bytes) -> None:
        """Decode a chunk under `_SizeGuard`: an oversized event is skipped to its end, then decoding goes on."""
        guard = self.guard
        assert guard is not None
        self.count(data)
        while data:
            if guard.skipping:
                after = guard.skip(data)
                if after < 0:
                    return
                data = data[after:]
                continue
            start = guard.admit(data)
            if start is None:
                self.decode(data, (0, 1))
                return
            self.decode(data[:start], (0, 1))
            self.analysis.oversized += 1
            self.decoder = self._decoder(self.decoder.last_event_id)  # what it held of the dropped event goes with it
            data = data[start:]

    def feed(self, data: bytes, at: tuple[int, int]) -> None:
        self.count(data)
        self.decode(data, at)

    def decode(self, data: bytes, at: tuple[int, int]) -> None:
        analysis = self.analysis
        try:
            events = self.decoder.feed(data)
        except EventTooLargeError as exc:
            analysis.oversized += 1
            events = exc.events
        if events:
            self.take(events, self.event_start or at)

    def run(self) -> None:
        """Feed the whole body: line by line with ``check`` (to know where each event starts), else in chunks."""
        chunks = self.analysis.response.iter_bytes()
        if not self.options.check:
            feed = self.feed_capped if self.guard is not None else lambda chunk: self.feed(chunk, (0, 1))
            for chunk in chunks:
                feed(chunk)
            return
        # The lines of one block go to the decoder together, at its blank line (or every 64 KiB): the
        # events it completes are those of the block that started at `event_start`.
        block: list[bytes] = []
        size = 0
        at = (0, 1)
        for piece in pieces(chunks):
            if piece.starts and not piece.blank and self.event_start is None:
                self.event_start = (piece.offset, piece.line)
            if not block:
                at = (piece.offset, piece.line)
            block.append(piece.data)
            size += len(piece.data)
            if piece.blank or size >= _BLOCK_PIECE:
                self.feed(b"".join(block), at)
                block.clear()
                size = 0
            if piece.blank:
                self.event_start = None
        if block:
            self.feed(b"".join(block), at)

    def close(self) -> None:
        analysis = self.analysis
        last_start = self.event_start
        last = self.decoder.close()
        analysis.incomplete = self.decoder.incomplete or (self.guard is not None and self.guard.skipping)
        analysis.incomplete_dispatched = bool(last)
        self.take(last, last_start or (0, 1), last_incomplete=True)
        if self.incomplete_diagnostic is not None:
            self.problems.add(self._incomplete_problem(self.incomplete_diagnostic, last_start))
        if self.accumulator is not None:
            self.accumulator.close()
            analysis.result = result = self.accumulator.result()
            # No format was recognised (plain text data, an app's own JSON events): not an LLM stream.
            analysis.unknown_format = result.format is None and result.error is not None and result.error.type in _NOT_LLM
            if analysis.unknown_format:
                analysis.cut_short = False  # nothing says its data is JSON

    def _incomplete_problem(self, diagnostic: Diagnostic, start: tuple[int, int] | None) -> Problem:
        message = (
            "the last event has no blank line after it: dispatched anyway, as captures often lose it (--strict discards it)"
            if self.analysis.incomplete_dispatched
            else "the stream ends inside an event, which was discarded (R6)"
        )
        offset, line, position = self.place(*(start or (diagnostic.offset, diagnostic.line)))
        return Problem(diagnostic.kind, message, offset, line, position, diagnostic.field, diagnostic.value)


def analyse(  # noqa: PLR0913
    response: CapturedResponse,
    *,
    strict: bool = False,
    wire_format: str | None = None,
    check: bool = False,
    accumulate: bool = True,
    on_event: Callable[[ServerSentEvent], object] | None = None,
    on_text: Callable[[str], object] | None = None,
    text_choice: int = 0,
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
) -> Analysis:
    """Decode ``response``'s body and accumulate it, calling ``on_event`` / ``on_text`` as it goes.

    ``on_text`` gets the text deltas of choice ``text_choice`` (0: the first answer).

    ``check=True`` also collects every problem with its place in ``problems`` (decoder diagnostics,
    the unfinished last event, data that is not JSON, sequence gaps, the stream's end, tool
    arguments that are not JSON, in-stream errors); without it ``problems`` stays empty. Raises
    nothing on bad content; a body that cannot be read any further (a broken chunked coding) ends the
    analysis with an ``unreadable-body`` problem, keeping what was decoded before it. An event larger
    than ``max_event_size`` bytes (None: no limit) is dropped and counted in ``oversized``.
    """
    options = _Options(strict, wire_format, check, accumulate, on_event, on_text, text_choice, max_event_size)
    run = _Run(response, options)
    analysis = run.analysis
    if response.error is not None:
        analysis.problems.append(Problem("unreadable-body", response.error))
        return analysis
    try:
        run.run()
    except CaptureError as exc:
        analysis.problems.append(Problem("unreadable-body", exc.reason))
    run.close()
    if check:
        _check_problems(run)
    return analysis


def _check_problems(run: _Run) -> None:
    """Add the problems of the stream as a whole, once it has been read (``check=True``)."""
    analysis = run.analysis
    problems = analysis.problems
    response = analysis.response
    content_type = response.content_type
    not_sse = content_type is not None and not content_type.lower().startswith("text/event-stream")
    if analysis.http_error is not None or not_sse:
        problems[:] = [p for p in problems if p.kind == "unreadable-body"]  # SSE lints of a JSON or HTML body are noise
        run.problems.dropped.clear()
    if analysis.http_error is not None:
        problems.append(Problem("http-error", f"the capture holds an error response, not a stream: {analysis.http_error}"))
    if not_sse:
        problems.append(Problem("not-event-stream", f"the response is not an event stream (Content-Type: {content_type})"))
    if analysis.oversized and not any(p.kind == "event-too-large" for p in problems):
        problems.append(Problem("event-too-large", f"{analysis.oversized} event(s) larger than the size cap were dropped"))
    if analysis.events == 0 and not any(p.kind in {"unreadable-body", "http-error"} for p in problems):
        problems.append(Problem("empty-body", "no event in the body" + ("" if analysis.size else ": the body is empty")))
    for note in response.notes:
        run.problems.add(Problem("capture-note", note))
    if analysis.result is not None:
        _result_problems(analysis.result, analysis, run.problems)
    problems.extend(run.problems.summary())
    # By place; an unreadable body first, as it explains what follows it (an event cut at the damage).
    problems.sort(key=lambda p: (p.kind != "unreadable-body", p.offset is None, p.offset or 0))


def _end_problem(result: AccumulatedResult, analysis: Analysis) -> Problem | None:
    """Why the stream did not end complete, as a problem (None when it did, or another problem says so)."""
    problems = analysis.problems
    error = result.error
    end = str(result.end)
    if analysis.unknown_format:
        # Nothing says this stream's data is JSON: only the SSE framing could be checked.
        problems[:] = [p for p in problems if p.kind not in _JSON_PROBLEMS]
        why = error.message if error is not None else "no format recognised"
        return Problem("unknown-format", f"not an LLM stream format sseparse knows, so its content was not read: {why}")
    if end == "error" and error is not None:
        if error.type == "invalid_json" and any(p.kind == "invalid-json" for p in problems):
            return None
        code = str(error.code)[:80] if error.code is not None else None
        return Problem("stream-error", f"the stream reported an error: {error.message}", value=code)
    if (
        end == "truncated"
        and not analysis.cut_short
        and analysis.events
        and not any(p.kind == "unreadable-body" for p in problems)
    ):
        return Problem(
            "no-terminal-marker", "the stream ends without its terminal marker ([DONE], message_stop, response.completed, ...)"
        )
    return None


def _result_problems(result: AccumulatedResult, analysis: Analysis, collector: _Problems) -> None:
    problem = _end_problem(result, analysis)
    if problem is not None:
        analysis.problems.append(problem)
    calls = list(result.tool_calls)
    for choice in result.choices[1:]:
        calls.extend(choice.tool_calls)
    for call in calls:
        try:
            call.json()
        except (ValueError, RecursionError) as exc:
            collector.add(Problem("invalid-tool-arguments", str(exc)[:200], field="arguments", value=call.arguments[:80]))
    after = result.details.get("events_after_end") if isinstance(result.details, dict) else None
    if after:
        analysis.problems.append(Problem("events-after-end", f"{after} event(s) after the end of the stream were ignored"))
    count = result.details.get("unexpected_content") if isinstance(result.details, dict) else None
    if count:
        message = f"{count} piece(s) of content of a shape the format does not define (kept in final, not in the text)"
        analysis.problems.append(Problem("unexpected-content", message))
    for note in result.merge_notes:
        collector.add(Problem("merge-note", note))
