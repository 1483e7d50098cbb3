"""sseparse.testing.check_decoder: it passes sseparse and catches every classic SSE decoder bug.

The broken decoders below are one small, independent decoder (`ToyDecoder`) with switches that each
put back one mistake real parsers make (SSE-RULES.md, "Mistakes the existing parsers make"). The toy
decoder without switches must pass, so each failure is down to its one bug.
"""

from __future__ import annotations

import base64
import contextlib
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from sseparse import ServerSentEvent, SSEDecoder
from sseparse.testing import CHUNKINGS, ConformanceReport, Failure, assert_conforms, check_decoder, load_corpus

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

CORPUS = load_corpus()
BOM = b"\xef\xbb\xbf"
_EOL = re.compile(rb"\r\n|\r|\n")


def case(name: str, data: bytes, expected: list[tuple[str, str, str, int | None]], **extra: Any) -> dict[str, Any]:
    """A corpus case in the bundled schema."""
    return {
        "name": name,
        "input_b64": base64.b64encode(data).decode(),
        "expected": [{"event": e, "data": d, "id": i, "retry": r} for e, d, i, r in expected],
        **extra,
    }


@dataclass
class Event:
    event: str
    data: str
    id: str
    retry: int | None


class ToyDecoder:
    """A plain spec-following decoder; each name in ``bugs`` switches one classic mistake on."""

    BUGS = frozenset(
        {
            "keep-bom",  # never strips the BOM
            "int-retry",  # retry parsed with int(): accepts " 5", "+5", "-1", "1_000", fullwidth digits
            "dispatch-dataless",  # blocks with event/id/retry but no data dispatch an empty event
            "str-splitlines",  # lines split with str.splitlines() (U+2028, U+0085, VT, FF... end lines)
            "lose-cr-at-chunk-end",  # a CR that ends a chunk is dropped
            "dispatch-unfinished",  # the event still pending at end of stream is dispatched
            "per-block-ids",  # an event reports the id of its own block, not the sticky last event ID
            "crash-on-invalid-utf8",  # strict UTF-8 decoding: UnicodeDecodeError on bad bytes
        }
    )

    def __init__(self, *, last_event_id: str = "", bugs: Iterable[str] = ()) -> None:
        self.bugs = frozenset(bugs)
        assert self.bugs <= self.BUGS
        self.head: bytes | None = None if "keep-bom" in self.bugs else b""
        self.pending = bytearray()
        self.skip_lf = False
        self.last_event_id = last_event_id
        self.retry: int | None = None
        self.id_buf = last_event_id
        self.block_id = ""
        self.data: list[str] = []
        self.event = ""
        self.block_retry: int | None = None
        self.any_field = False
        self.text = b""  # everything, for the str.splitlines variant

    def feed(self, chunk: bytes) -> list[Event]:
        if "lose-cr-at-chunk-end" in self.bugs and chunk.endswith(b"\r"):
            chunk = chunk[:-1]
        if self.head is not None:  # R2: strip one BOM at byte 0, even split across chunks
            self.head += chunk
            if len(self.head) < 3 and BOM.startswith(self.head):
                return []
            chunk = self.head[3:] if self.head.startswith(BOM) else self.head
            self.head = None
        if "str-splitlines" in self.bugs:
            self.text += chunk
            return []
        if not chunk:
            return []
        if self.skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self.skip_lf = chunk.endswith(b"\r")
        lines = _EOL.split(chunk)  # only the new bytes are searched: linear in any chunking
        if len(lines) == 1:
            self.pending += chunk
            return []
        lines[0] = bytes(self.pending) + lines[0]
        self.pending = bytearray(lines.pop())
        events: list[Event] = []
        for line in lines:
            self.line(line, events)
        return events

    def close(self) -> list[Event]:
        events: list[Event] = []
        if self.head:
            head, self.head = self.head, None
            events += self.feed(head)
        if "str-splitlines" in self.bugs:
            text = self.text.decode("utf-8", "replace")
            lines = text.splitlines()
            if text and text[-1] not in "\r\n":
                lines.pop()  # R6: the unterminated last line is discarded
            for line in lines:
                self.line(line.encode("utf-8", "surrogatepass"), events)
        if "dispatch-unfinished" in self.bugs:
            if self.pending:
                self.line(bytes(self.pending), events)
            self.line(b"", events)
        return events

    def line(self, raw: bytes, events: list[Event]) -> None:
        line = raw.decode("utf-8", "strict" if "crash-on-invalid-utf8" in self.bugs else "replace")
        if not line:
            self.last_event_id = self.id_buf
            if self.data or ("dispatch-dataless" in self.bugs and self.any_field):
                event_id = self.block_id if "per-block-ids" in self.bugs else self.id_buf
                events.append(Event(self.event or "message", "\n".join(self.data), event_id, self.block_retry))
            self.data, self.event, self.block_retry, self.any_field, self.block_id = [], "", None, False, ""
            return
        if line.startswith(":"):
            return
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        self.any_field = True
        if name == "data":
            self.data.append(value)
        elif name == "event":
            self.event = value
        elif name == "id" and "\0" not in value:
            self.id_buf = self.block_id = value
        elif name == "retry":
            if "int-retry" in self.bugs:
                with contextlib.suppress(ValueError):
                    self.retry = self.block_retry = int(value)
            elif value.isascii() and value.isdigit() and len(digits := value.lstrip("0")) <= 20 and int(digits or "0") < 2**64:
                # ASCII digits only; a value above 2**64 - 1 ms is ignored (leading zeros do not count)
                self.retry = self.block_retry = int(digits or "0")


def toy(*bugs: str) -> Callable[..., ToyDecoder]:
    def make(*, last_event_id: str = "") -> ToyDecoder:
        return ToyDecoder(last_event_id=last_event_id, bugs=bugs)

    return make


# -- the decoders that must pass --------------------------------------------------------------------


def test_sseparse_decoder_conforms() -> None:
    """sseparse's own decoder passes every case under every chunking."""
    report = check_decoder(SSEDecoder, random_chunkings=16)
    assert report.ok, report.summary()
    assert report.passed == report.cases == [c["name"] for c in CORPUS]
    assert not report.ambiguous


def test_sseparse_decoder_general_path_conforms() -> None:
    """The general path (diagnostics on) passes too."""
    assert_conforms(lambda **kw: SSEDecoder(diagnostics=True, **kw))


def test_the_toy_decoder_without_bugs_conforms() -> None:
    """The reference for the broken decoders passes, so each broken one fails for its one bug."""
    report = check_decoder(toy(), random_chunkings=16)
    assert report.ok, report.summary()


# -- the broken decoders that must be caught --------------------------------------------------------

# bug -> (a tag that must show failures, the chunking that must catch it)
CAUGHT = {
    "keep-bom": ("bom", "whole"),
    "int-retry": ("retry", "whole"),
    "dispatch-dataless": ("id", "whole"),
    "str-splitlines": ("newlines", "whole"),
    "lose-cr-at-chunk-end": ("cr", "whole"),
    "dispatch-unfinished": ("eof", "whole"),
    "per-block-ids": ("id", "whole"),
    "crash-on-invalid-utf8": ("utf8", "whole"),
}


@pytest.mark.parametrize("bug", sorted(ToyDecoder.BUGS))
def test_each_classic_bug_is_caught(bug: str) -> None:
    """check_decoder reports each classic mistake, under the tag it belongs to."""
    report = check_decoder(toy(bug), random_chunkings=4)
    assert not report.ok
    tag, chunking = CAUGHT[bug]
    assert tag in report.by_tag(), report.summary()
    assert any(failure.chunking == chunking for failure in report.failed)
    assert set(report.passed).isdisjoint(report.failed_cases)
    assert len(report.passed) + len(report.failed_cases) == len(report.cases)
    with pytest.raises(AssertionError, match="does not conform"):
        assert_conforms(toy(bug))


def test_a_cr_lost_at_a_chunk_end_is_caught_by_chunking_alone() -> None:
    """A bug that only shows when a line ends at a chunk-final CR is found by the one-byte and random chunkings."""
    cases = [case("cr", b"data: a\r\rdata: b\n\n", [("message", "a", "", None), ("message", "b", "", None)])]
    report = check_decoder(toy("lose-cr-at-chunk-end"), cases=cases, chunkings=("whole",), random_chunkings=0)
    assert report.ok
    report = check_decoder(toy("lose-cr-at-chunk-end"), cases=cases, chunkings=("one-byte",), random_chunkings=0)
    assert not report.ok
    report = check_decoder(toy("lose-cr-at-chunk-end"), cases=cases, chunkings=(), random_chunkings=16)
    assert not report.ok


def test_the_given_chunking_is_used() -> None:
    """A case's own chunks_b64 is one of the runs."""
    chunks = [b"data: a\r", b"\r"]
    raw = case("given", b"".join(chunks), [("message", "a", "", None)], chunks_b64=[base64.b64encode(c).decode() for c in chunks])
    report = check_decoder(toy("lose-cr-at-chunk-end"), cases=[raw], chunkings=("given",), random_chunkings=0)
    assert [(f.chunking, f.chunk_sizes) for f in report.failed] == [("given", (8, 1))]


# -- the checker survives whatever the decoder does ------------------------------------------------


class Raises:
    def __init__(self, *, last_event_id: str = "") -> None:
        self.inner = SSEDecoder(last_event_id=last_event_id)

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        if b"\xff" in data:
            raise ValueError("boom")
        return self.inner.feed(data)

    def close(self) -> list[ServerSentEvent]:
        return self.inner.close()


def test_exceptions_are_failures_not_crashes() -> None:
    """A decoder that raises gets a failure per run, with the error and the events before it."""
    cases = [case("ok-then-bad", b"data: 1\n\ndata: \xff\n\n", [("message", "1", "", None), ("message", "\ufffd", "", None)])]
    report = check_decoder(Raises, cases=cases, chunkings=("whole", "one-byte"), random_chunkings=0)
    assert [f.aspect for f in report.failed] == ["error", "error"]
    whole, one_byte = report.failed
    assert whole.error == "ValueError: boom"
    assert whole.got == []
    assert one_byte.got == [("message", "1", "", None)]
    assert "raised ValueError: boom" in report.summary()


def test_a_factory_that_raises_or_odd_return_values_are_failures() -> None:
    """make_decoder raising, feed returning None, and events without the attributes are all failures."""
    cases = [case("one", b"data: x\n\n", [("message", "x", "", None)])]

    def no_seed() -> SSEDecoder:  # does not accept last_event_id
        return SSEDecoder()

    class ReturnsNone(SSEDecoder):
        def feed(self, data: Any) -> Any:
            return None

    class Bare:
        def __init__(self, **_: Any) -> None:
            pass

        def feed(self, data: bytes) -> list[object]:
            return [object()] if data.endswith(b"\n\n") else []

        def close(self) -> list[object]:
            return []

    for make in (no_seed, ReturnsNone, Bare):
        report = check_decoder(make, cases=cases, chunkings=("whole",), random_chunkings=0)
        assert not report.ok
        assert report.failed[0].aspect in {"error", "events"}
    bare = check_decoder(Bare, cases=cases, chunkings=("whole",), random_chunkings=0)
    assert bare.failed[0].got == [("<missing>",) * 4]


def test_final_last_event_id_and_retry_are_checked_when_exposed() -> None:
    """A decoder exposing last_event_id / retry is held to the expected final values."""
    raw = case("state", b"id: 7\nretry: 5\n\n", [], expected_final_last_event_id="7", expected_retry_updates=[5])

    class WrongState(SSEDecoder):
        def close(self) -> list[ServerSentEvent]:
            events = super().close()
            self.last_event_id = "nope"
            return events

    class WrongRetry(SSEDecoder):
        def close(self) -> list[ServerSentEvent]:
            events = super().close()
            self.retry = 3000
            return events

    options: dict[str, Any] = {"cases": [raw], "chunkings": ("whole",), "random_chunkings": 0}
    assert check_decoder(SSEDecoder, **options).ok
    failure = check_decoder(WrongState, **options).failed[0]
    assert (failure.aspect, failure.expected, failure.got) == ("last_event_id", "7", "nope")
    failure = check_decoder(WrongRetry, **options).failed[0]
    assert (failure.aspect, failure.expected, failure.got) == ("retry", 5, 3000)


def test_initial_last_event_id_is_passed_to_the_factory() -> None:
    """A reconnection case seeds make_decoder(last_event_id=...)."""
    raw = case("seeded", b"data: x\n\n", [("message", "x", "41", None)], initial_last_event_id="41")
    seen: list[str] = []

    def make(*, last_event_id: str) -> SSEDecoder:
        seen.append(last_event_id)
        return SSEDecoder(last_event_id=last_event_id)

    assert check_decoder(make, cases=[raw], chunkings=("whole",), random_chunkings=2).ok
    assert seen == ["41"] * 3


def test_ambiguous_cases_are_reported_but_not_counted_unless_strict() -> None:
    """Differences where the spec leaves room (empty retry) do not fail the report by default."""
    raw = case("retry-empty", b"retry\ndata: x\n\n", [("message", "x", "", None)], ambiguous=True, tags=["retry"])

    class Resets(SSEDecoder):  # Chromium-style: an empty retry resets to the default
        def feed(self, data: Any) -> list[ServerSentEvent]:
            return [ServerSentEvent(e.event, e.data, e.id, 3000) for e in super().feed(data)]

    report = check_decoder(Resets, cases=[raw], random_chunkings=0)
    assert report.ok
    assert report.ambiguous
    assert "ambiguous" in report.summary()
    assert not check_decoder(Resets, cases=[raw], random_chunkings=0, strict=True).ok


# -- the report and the arguments --------------------------------------------------------------------


def test_summary_groups_failures_by_tag_and_shows_the_input() -> None:
    """The summary names counts, tag groups, the failing case, its chunking and the escaped input."""
    report = check_decoder(toy("keep-bom"))
    text = report.summary()
    assert text.startswith(f"{len(report.passed)} of {len(report.cases)} conformance cases passed")
    assert "Failing cases by rule:" in text
    assert "  R2 (" in text
    assert "Failing cases by tag:" in text
    assert "  bom (" in text
    assert "input:    \\xef\\xbb\\xbf" in text
    assert str(report) == text
    assert report.summary(max_cases=1).count("\n- ") == 1


def test_random_chunkings_are_seeded_and_cover_the_input() -> None:
    """The same seed gives the same chunkings; chunk sizes always add up to the input length."""

    def sizes(report: ConformanceReport) -> list[tuple[int, ...]]:
        return [f.chunk_sizes for f in report.failed if f.chunking.startswith("random")]

    options: dict[str, Any] = {"cases": CORPUS[:60], "chunkings": (), "random_chunkings": 12}
    a = check_decoder(toy("dispatch-unfinished"), seed=1, **options)
    b = check_decoder(toy("dispatch-unfinished"), seed=1, **options)
    c = check_decoder(toy("dispatch-unfinished"), seed=2, **options)
    assert sizes(a) == sizes(b) != sizes(c)
    assert all(sum(f.chunk_sizes) == len(a.inputs[f.case]) for f in a.failed)
    assert any(0 in f.chunk_sizes for f in a.failed)  # empty chunks happen


def test_corpus_can_be_given_as_a_path_or_a_filtered_list(tmp_path: Path) -> None:
    """cases= takes a corpus file path or a list of case dicts."""
    subset = [c for c in CORPUS if "bom" in c.get("tags", ())]
    assert subset
    report = check_decoder(toy("keep-bom"), cases=subset)
    assert report.cases == [c["name"] for c in subset]
    assert report.failed_cases
    path = tmp_path / "corpus.json"
    path.write_text(__import__("json").dumps(subset[:2]))
    assert check_decoder(SSEDecoder, cases=path).cases == [c["name"] for c in subset[:2]]
    assert check_decoder(SSEDecoder, cases=str(path)).ok


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"chunkings": ("whole", "halves")}, ValueError),
        ({"chunkings": "whole"}, ValueError),
        ({"random_chunkings": -1}, ValueError),
        ({"random_chunkings": True}, ValueError),
        ({"cases": []}, ValueError),
        ({"cases": [{"name": "x"}]}, ValueError),
        ({"cases": [case("x", b"ab", [], chunks_b64=["YQ=="])]}, ValueError),
    ],
)
def test_bad_arguments_raise_at_once(options: dict[str, Any], error: type[Exception]) -> None:
    """Misuse of check_decoder raises before any decoder runs."""
    with pytest.raises(error):
        check_decoder(SSEDecoder, **options)
    with pytest.raises(TypeError):
        check_decoder(42, cases=CORPUS[:1])  # type: ignore[arg-type]


def test_failure_describe_mentions_the_aspect() -> None:
    """Failure.describe says which chunking and what differed."""
    failure = Failure("c", "random-3", tuple(range(30)), "last_event_id", "7", "", tags=("id",))
    text = failure.describe()
    assert "c [random-3, chunk sizes [0, 1, 2" in text
    assert "30 chunks]" in text
    assert "(final last_event_id)" in text
    assert CHUNKINGS == ("whole", "one-byte", "given")


def test_testing_module_works_without_hypothesis() -> None:
    """sseparse.testing never imports Hypothesis, so it works without the testing extra."""
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None
        from sseparse import SSEDecoder
        from sseparse.testing import check_decoder
        assert check_decoder(SSEDecoder).ok
        assert "hypothesis" not in [m for m in sys.modules if sys.modules[m] is not None]
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True)
