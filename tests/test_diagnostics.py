"""Diagnostics: every kind, with its exact byte offset and line number, whatever the chunking."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from decoder_harness import chunkings, feed_and_close

from sseparse import DIAGNOSTIC_KINDS, Diagnostic, SSEDecoder

if TYPE_CHECKING:
    from sseparse._typing import Buffer

BOM = b"\xef\xbb\xbf"


def diagnose(chunks: list[Buffer], **options: object) -> list[tuple[str, int, int, str | None, str | None]]:
    """Feed ``chunks`` with diagnostics on and return ``(kind, offset, line, field, value)`` for each."""
    decoder = SSEDecoder(diagnostics=True, **options)  # type: ignore[arg-type]
    feed_and_close(decoder, chunks, errors=[])
    return [(d.kind, d.offset, d.line, d.field, d.value) for d in decoder.diagnostics]


# One stream per kind, with the diagnostic it must produce: (kind, offset, line, field, value).
EXAMPLES: dict[str, tuple[bytes, dict[str, object], tuple[str, int, int, str | None, str | None]]] = {
    "invalid-utf8": (b"data: a\n\ndata: a\xffb\n\n", {}, ("invalid-utf8", 16, 3, None, "ff")),
    "misplaced-bom": (BOM + BOM + b"data: a\n\n", {}, ("misplaced-bom", 3, 1, "\ufeffdata", "a")),
    "unknown-field": (b"data: a\nfoo: bar\n\n", {}, ("unknown-field", 8, 2, "foo", "bar")),
    "invalid-retry": (b"\nretry: 1x\n\n", {}, ("invalid-retry", 1, 2, "retry", "1x")),
    "id-contains-nul": (b"data: a\r\nid: a\x00b\r\n\r\n", {}, ("id-contains-nul", 9, 2, "id", "a\x00b")),
    "comment": (b"data: a\n: keep\n\n", {}, ("comment", 8, 2, None, " keep")),
    "mixed-line-endings": (b"data: a\r\ndata: b\n\n", {}, ("mixed-line-endings", 16, 2, None, None)),
    "event-too-large": (
        b"data: a\n\nid: 1\ndata: " + b"x" * 40 + b"\n\n",
        {"max_event_size": 32},
        ("event-too-large", 15, 4, None, None),
    ),
    "incomplete-event": (b"data: a\n\ndata: b", {}, ("incomplete-event", 9, 3, None, None)),
}


def test_every_diagnostic_kind_has_an_example_here() -> None:
    """A new diagnostic kind cannot be added without a test of its offset and line."""
    assert set(EXAMPLES) == set(DIAGNOSTIC_KINDS)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_diagnostic_kind_reports_exact_offset_and_line(kind: str) -> None:
    """Each kind is reported once, at the byte offset and 1-based line of the offending text."""
    data, options, expected = EXAMPLES[kind]
    got = diagnose([data], **options)
    assert [d for d in got if d[0] == kind] == [expected]


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_diagnostics_do_not_change_with_chunking(kind: str) -> None:
    """Fed whole, bytewise, split anywhere or at random, the same diagnostics come out."""
    data, options, _ = EXAMPLES[kind]
    whole = diagnose([data], **options)
    for label, chunks in chunkings(data):
        assert diagnose(chunks, **options) == whole, label


def test_offsets_after_a_crlf_split_across_chunks_match_whole_feeding() -> None:
    """A CR ending one chunk and its LF starting the next leave later offsets unchanged."""
    data = b"data: a\r\nfoo: 1\r\n\r\nretry: x\r\n\r\n"
    whole = diagnose([data])
    assert whole == [("unknown-field", 9, 2, "foo", "1"), ("invalid-retry", 19, 4, "retry", "x")]
    assert diagnose([b"data: a\r", b"\nfoo: 1\r", b"\n\r", b"\nretry: x\r\n\r\n"]) == whole


def test_crlf_split_across_chunks_is_not_reported_as_mixed_line_endings() -> None:
    """Every line ends with CRLF, even when the CR and LF arrive in different chunks."""
    assert diagnose([b"data: a\r", b"\n", b"data: b\r", b"\n\r", b"\n"]) == []


def test_lone_cr_at_chunk_end_in_a_crlf_stream_is_reported_as_mixed() -> None:
    """A chunk-final CR not followed by LF is a CR line end, mixed with the CRLF ones."""
    got = diagnose([b"data: a\r\n", b"data: b\r", b"data: c\r\n\r\n"])
    assert got == [("mixed-line-endings", 16, 2, None, None)]


def test_chunk_final_cr_at_end_of_stream_is_reported_as_mixed() -> None:
    """The pending CR/CRLF decision is settled by close() when nothing follows."""
    assert diagnose([b"data: a\n\r"]) == [("mixed-line-endings", 8, 2, None, None)]


def test_mixed_line_endings_is_reported_once() -> None:
    """After the first mix, further changes of line end are not reported again."""
    got = diagnose([b"a\n\r\n\r\n\rb\n\n"])
    assert [d[0] for d in got].count("mixed-line-endings") == 1


def test_offsets_count_the_stripped_bom() -> None:
    """Offsets are stream offsets: a stripped BOM still counts three bytes."""
    assert diagnose([BOM + b"foo\n\n"]) == [("unknown-field", 3, 1, "foo", "")]
    assert diagnose([b"\xef", b"\xbb", b"\xbffoo\n\n"]) == [("unknown-field", 3, 1, "foo", "")]


def test_invalid_utf8_value_holds_the_invalid_bytes() -> None:
    """The value is the hex of the first maximal invalid subpart of the line."""
    got = diagnose([b"data: \xf0\x9f\x98\n\n"])
    assert got == [("invalid-utf8", 6, 1, None, "f0 9f 98")]


def test_empty_retry_is_reported_as_invalid() -> None:
    """The ambiguous empty retry is ignored and says so."""
    decoder = SSEDecoder(diagnostics=True)
    decoder.feed(b"retry:\n\n")
    (diagnostic,) = decoder.diagnostics
    assert (diagnostic.kind, diagnostic.value) == ("invalid-retry", "")
    assert "ambiguous" in diagnostic.message


def test_non_ascii_digit_retry_is_reported_as_invalid() -> None:
    """A fullwidth digit is not accepted and the diagnostic says so."""
    assert diagnose(["retry: \uff15\n\n".encode()]) == [("invalid-retry", 0, 1, "retry", "\uff15")]


def test_known_fields_and_valid_retry_produce_no_diagnostics() -> None:
    """A clean LF stream produces no diagnostics at all."""
    assert diagnose([b"event: e\nid: 1\nretry: 5\ndata: a\ndata\n\n"]) == []


def test_incomplete_event_at_close_when_every_line_is_complete() -> None:
    """Complete field lines without their blank line are reported at the end of the stream."""
    assert diagnose([b"data: a\n"]) == [("incomplete-event", 8, 2, None, None)]


def test_incomplete_event_names_dispatch_incomplete_when_it_dispatched() -> None:
    """With dispatch_incomplete=True the diagnostic says the event was dispatched."""
    decoder = SSEDecoder(diagnostics=True, dispatch_incomplete=True)
    decoder.feed(b"data: a")
    assert [e.data for e in decoder.close()] == ["a"]
    (diagnostic,) = decoder.diagnostics
    assert "dispatched" in diagnostic.message


def test_unterminated_comment_at_close_is_not_an_incomplete_event() -> None:
    """A keep-alive cut off by the end of the stream loses no event."""
    assert diagnose([b"data: a\n\n: ke"]) == []


def test_on_diagnostic_callback_sees_what_the_list_collects() -> None:
    """The callback gets the same Diagnostic objects, in order."""
    seen: list[Diagnostic] = []
    decoder = SSEDecoder(diagnostics=True, on_diagnostic=seen.append)
    decoder.feed(b": c\nfoo\n\n")
    decoder.close()
    assert seen == decoder.diagnostics
    assert [d.kind for d in seen] == ["comment", "unknown-field"]


def test_on_diagnostic_alone_does_not_collect_a_list() -> None:
    """Without diagnostics=True only the callback is used."""
    seen: list[Diagnostic] = []
    decoder = SSEDecoder(on_diagnostic=seen.append)
    decoder.feed(b"foo\n\n")
    assert [d.kind for d in seen] == ["unknown-field"]
    assert decoder.diagnostics == []


def test_diagnostics_are_off_by_default() -> None:
    """A plain decoder collects nothing."""
    decoder = SSEDecoder()
    decoder.feed(b"foo\n: c\n\xff\n\n")
    decoder.close()
    assert decoder.diagnostics == []


def test_diagnostic_value_object_api() -> None:
    """Diagnostic has value equality, a readable repr and a JSON-ready dict."""
    one = Diagnostic("unknown-field", "unknown field 'x' ignored", 4, 2, "x", "1")
    assert one == Diagnostic("unknown-field", "unknown field 'x' ignored", 4, 2, "x", "1")
    assert one != Diagnostic("unknown-field", "unknown field 'x' ignored", 5, 2, "x", "1")
    assert one != ("unknown-field", 4)
    assert repr(one) == "Diagnostic('unknown-field', offset=4, line=2, field='x', value='1')"
    assert repr(Diagnostic("comment", "m", 0, 1)) == "Diagnostic('comment', offset=0, line=1)"
    assert one.as_dict() == {
        "kind": "unknown-field",
        "message": "unknown field 'x' ignored",
        "offset": 4,
        "line": 2,
        "field": "x",
        "value": "1",
    }
