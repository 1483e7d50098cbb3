"""Build ``sseparse/_data/sse-cases.json``, the project's own SSE conformance corpus.

Every case is written here by hand from the rules in SSE-RULES.md (R1..R12): the input bytes and the
events a conforming decoder must dispatch. Nothing is computed by running sseparse; the expectations
are the spec's, and ``tests/test_conformance.py`` checks the decoder against them under every
chunking. The JSON is language-neutral (ASCII, base64 inputs) so other implementations can run it.

    python tests/corpus/build_corpus.py           # rewrite the JSON file
    python tests/corpus/build_corpus.py --check   # exit 1 if the JSON file is out of date

Schema (the same as ``sse-vectors.json``): ``name``, ``source``, ``input_b64``, ``input_escaped``,
optional ``chunks_b64`` (a chunking that matters; concatenates to the input), optional
``initial_last_event_id`` (the decoder starts with this last event ID), ``expected`` (events in
dispatch order: ``event``, ``data``, ``id``, ``retry``), ``expected_retry_updates`` (every valid
``retry`` in stream order, data-less blocks included), ``expected_final_last_event_id``,
``rechunk_invariant`` (always true), ``tags`` (topic words plus the rule numbers ``R1``..``R12``),
optional ``notes``, and ``ambiguous`` (true where the spec leaves room; the case records the choice).
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[2] / "sseparse" / "_data" / "sse-cases.json"

BOM = b"\xef\xbb\xbf"

RULE_SOURCES = {
    "R1": "Encoding Standard 'UTF-8 decode' (event streams are always UTF-8)",
    "R2": "Encoding Standard 'UTF-8 decode' (one BOM, once, at byte 0)",
    "R3": "Encoding Standard UTF-8 decoder (U+FFFD per maximal subpart)",
    "R4": "WHATWG HTML 9.2.5 (end-of-line = CRLF / LF / CR)",
    "R5": "WHATWG HTML 9.2.6 (a CR ends a line; an LF right after it, in any chunk, is part of the CRLF)",
    "R6": "WHATWG HTML 9.2.6 (at end of file pending data is discarded)",
    "R7": "WHATWG HTML 9.2.6 (a blank line dispatches the event)",
    "R8": "WHATWG HTML 9.2.6 (a line starting with a colon is ignored)",
    "R9": "WHATWG HTML 9.2.6 (field name before the first colon, one leading space of the value removed)",
    "R10": "WHATWG HTML 9.2.6 (a line without a colon is a field name with an empty value)",
    "R11": "WHATWG HTML 9.2.6 'process the field' (data, event, id, retry; other names ignored)",
    "R12": "WHATWG HTML 9.2.6 'dispatch the event'",
}
PREFIXES = ("spec-", "eol-", "eof-", "comment-", "field-", "data-", "event-", "id-", "retry-", "bom-", "utf8-", "done-", "long-")

CASES: list[dict[str, Any]] = []


def ev(data: str, event: str = "message", id: str = "", retry: int | None = None) -> dict[str, Any]:  # noqa: A002
    """One expected event, written out in full."""
    return {"event": event, "data": data, "id": id, "retry": retry}


def escape(data: bytes) -> str:
    r"""Human-readable bytes: printable ASCII as is, ``\n \r \t \\``, everything else ``\xHH``."""
    named = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x5C: "\\\\"}
    text = "".join(named.get(b, chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}") for b in data)
    return text if len(text) <= 400 else f"{text[:400]}...({len(data)} bytes)"


def b64(data: bytes) -> str:
    """Base64 (standard alphabet, padded)."""
    return base64.b64encode(data).decode("ascii")


def case(
    name: str,
    rules: str,
    tags: str,
    data: bytes,
    expected: list[dict[str, Any]],
    *,
    retries: tuple[int, ...] = (),
    final_id: str = "",
    chunks: list[bytes] | None = None,
    seed: str | None = None,
    notes: str | None = None,
    ambiguous: bool = False,
) -> None:
    """Declare one case. ``rules`` and ``tags`` are space-separated words."""
    assert name.startswith(PREFIXES), name
    assert all(c["name"] != name for c in CASES), f"duplicate case {name}"
    rule_list = rules.split()
    assert rule_list, name
    assert all(r in RULE_SOURCES for r in rule_list), name
    if chunks is not None:
        assert b"".join(chunks) == data, f"{name}: chunks do not add up to the input"
    entry: dict[str, Any] = {
        "name": name,
        "source": "; ".join(RULE_SOURCES[r] for r in rule_list),
        "input_b64": b64(data),
        "input_escaped": escape(data),
    }
    if chunks is not None:
        entry["chunks_b64"] = [b64(c) for c in chunks]
    if seed is not None:
        entry["initial_last_event_id"] = seed
    entry["expected"] = expected
    entry["expected_retry_updates"] = list(retries)
    entry["expected_final_last_event_id"] = final_id
    entry["rechunk_invariant"] = True
    entry["tags"] = [*tags.split(), *rule_list]
    if notes is not None:
        entry["notes"] = notes
    entry["ambiguous"] = ambiguous
    CASES.append(entry)


# ---------------------------------------------------------------------------------------------------
# spec: the examples of WHATWG HTML 9.2.6, restated with other line ends
# ---------------------------------------------------------------------------------------------------

case(
    "spec-multiline-data-crlf",
    "R4 R11 R12",
    "data crlf basic",
    b"data: YHOO\r\ndata: +2\r\ndata: 10\r\n\r\n",
    [ev("YHOO\n+2\n10")],
    notes="The spec's stock-ticker example with CRLF line ends: three data lines join with LF.",
)
case(
    "spec-four-blocks-cr",
    "R4 R6 R8 R10 R11 R12",
    "id no-colon cr eof",
    b": test stream\r\rdata: first event\rid: 1\r\rdata:second event\rid\r\rdata:  third event\r",
    [ev("first event", id="1"), ev("second event")],
    notes="The spec's four-block example with CR line ends: 'id' alone resets the ID; the last block never sees its blank line.",
)
case(
    "spec-empty-data-variants-crlf",
    "R4 R10 R12",
    "data no-colon eof crlf",
    b"data\r\n\r\ndata\r\ndata\r\n\r\ndata:",
    [ev(""), ev("\n")],
    notes="'data' alone appends an empty line; one trailing LF is removed; the final 'data:' is never terminated.",
)
case(
    "spec-space-after-colon-optional-cr",
    "R4 R9",
    "space basic cr",
    b"data:test\r\rdata: test\r\r",
    [ev("test"), ev("test")],
)
case(
    "spec-event-types-and-ids",
    "R11 R12",
    "event id basic",
    b"event: add\ndata: 73857293\nid: a1\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\nid: a3\n\n",
    [ev("73857293", "add", "a1"), ev("2153", "remove", "a1"), ev("113411", "add", "a3")],
    final_id="a3",
)

# ---------------------------------------------------------------------------------------------------
# bom: R2
# ---------------------------------------------------------------------------------------------------

case("bom-stripped-at-start", "R2", "bom", BOM + b"data: a\n\n", [ev("a")])
case(
    "bom-split-one-byte-per-chunk",
    "R2",
    "bom chunking",
    BOM + b"event: e\ndata: a\n\n",
    [ev("a", "e")],
    chunks=[b"\xef", b"\xbb", b"\xbf", b"event: e\ndata: a\n\n"],
)
case(
    "bom-split-two-then-one",
    "R2",
    "bom chunking",
    BOM + b"data: a\n\n",
    [ev("a")],
    chunks=[b"\xef\xbb", b"\xbfdata: a\n\n"],
)
case(
    "bom-split-one-then-rest",
    "R2",
    "bom chunking",
    BOM + b"data: a\n\n",
    [ev("a")],
    chunks=[b"\xef", b"\xbb\xbfdata: a\n\n"],
)
case(
    "bom-alone-in-first-chunk",
    "R2",
    "bom chunking",
    BOM + b"id: 3\ndata: a\n\n",
    [ev("a", id="3")],
    final_id="3",
    chunks=[BOM, b"id: 3\ndata: a\n\n"],
)
case(
    "bom-second-is-content",
    "R2 R11",
    "bom field",
    BOM + BOM + b"data: a\n\ndata: b\n\n",
    [ev("b")],
    notes="Only the first BOM is stripped; the second makes the field name '\\ufeffdata', which is unknown.",
)
case(
    "bom-second-in-its-own-chunk",
    "R2 R11",
    "bom chunking field",
    BOM + BOM + b"data: a\n\ndata: b\n\n",
    [ev("b")],
    chunks=[BOM, BOM, b"data: a\n\ndata: b\n\n"],
    notes="Stripping happens once per stream, not once per chunk.",
)
case(
    "bom-second-split-across-chunks",
    "R2 R11",
    "bom chunking field",
    BOM + BOM + b"data: a\n\ndata: b\n\n",
    [ev("b")],
    chunks=[b"\xef\xbb\xbf\xef", b"\xbb", b"\xbfdata: a\n\ndata: b\n\n"],
)
case(
    "bom-inside-data-value-kept",
    "R2",
    "bom data",
    b"data: x\xef\xbb\xbfy\n\n",
    [ev("x\ufeffy")],
)
case(
    "bom-at-start-of-later-line-is-content",
    "R2 R11",
    "bom field",
    b"data: a\n\n\xef\xbb\xbfdata: b\n\ndata: c\n\n",
    [ev("a"), ev("c")],
    notes="Byte 0 is the only place a BOM is stripped; at the start of a later line it is part of the field name.",
)
case(
    "bom-utf16le-not-honoured",
    "R1 R2 R3",
    "bom utf8",
    b"\xff\xfedata: a\n\ndata: b\n\n",
    [ev("b")],
    notes="FF FE is not a UTF-8 BOM: two U+FFFD, so the first field name is '\\ufffd\\ufffddata'.",
)
case(
    "bom-utf16be-not-honoured",
    "R1 R2 R3",
    "bom utf8",
    b"\xfe\xffdata: a\n\ndata: b\n\n",
    [ev("b")],
)
case(
    "bom-utf16le-encoded-stream",
    "R1 R2 R3",
    "bom utf8",
    b"\xff\xfed\x00a\x00t\x00a\x00:\x00 \x00x\x00\n\x00\n\x00",
    [],
    notes="A UTF-16 stream is read as UTF-8: the field name holds NULs and U+FFFD, so nothing dispatches.",
)
case(
    "bom-first-byte-only-is-replacement",
    "R2 R3",
    "bom utf8",
    b"\xefdata: a\n\ndata: b\n\n",
    [ev("b")],
    notes="A lone EF is a truncated sequence: one U+FFFD before 'data'.",
)
case(
    "bom-truncated-split-across-chunks",
    "R2 R3",
    "bom utf8 chunking",
    b"\xef\xbbdata: a\n\ndata: b\n\n",
    [ev("b")],
    chunks=[b"\xef", b"\xbb", b"data: a\n\ndata: b\n\n"],
)
case(
    "bom-prefix-at-end-of-stream",
    "R2 R6",
    "bom eof",
    b"\xef\xbb",
    [],
)
case(
    "bom-then-crlf-stream",
    "R2 R4",
    "bom crlf",
    BOM + b"\r\ndata: a\r\n\r\n",
    [ev("a")],
)
case(
    "bom-then-comment",
    "R2 R8",
    "bom comment",
    BOM + b": hello\n\ndata: a\n\n",
    [ev("a")],
    chunks=[b"\xef\xbb", b"\xbf:", b" hello\n\ndata: a\n\n"],
)
case(
    "bom-then-id-only-block",
    "R2 R12",
    "bom id",
    BOM + b"id: 9\n\n",
    [],
    final_id="9",
)
case(
    "bom-then-blank-line-only",
    "R2 R7",
    "bom blank",
    BOM + b"\n",
    [],
)

# ---------------------------------------------------------------------------------------------------
# utf8: R1, R3
# ---------------------------------------------------------------------------------------------------

case(
    "utf8-valid-multibyte-kept",
    "R1",
    "utf8",
    "data: h\u00e9llo \u20ac \U0001f600 \u4e2d\n\n".encode(),
    [ev("h\u00e9llo \u20ac \U0001f600 \u4e2d")],
)
case(
    "utf8-latin1-byte-is-replacement",
    "R1 R3",
    "utf8",
    b"data: caf\xe9\n\n",
    [ev("caf\ufffd")],
    notes="Decoding is always UTF-8 whatever the Content-Type charset says; a windows-1252 e-acute is invalid.",
)
case("utf8-lone-continuation-byte", "R3", "utf8", b"data: a\x80b\n\n", [ev("a\ufffdb")])
case("utf8-ff-fe-bytes", "R3", "utf8", b"data: \xff\xfe\n\n", [ev("\ufffd\ufffd")])
case(
    "utf8-encoded-surrogate-three-replacements",
    "R3",
    "utf8",
    b"data: \xed\xbf\xbf!\n\n",
    [ev("\ufffd\ufffd\ufffd!")],
    notes="ED may only be followed by 80..9F, so ED BF BF is three maximal subparts.",
)
case(
    "utf8-overlong-two-byte",
    "R3",
    "utf8",
    b"data: \xc1\xbf.\n\n",
    [ev("\ufffd\ufffd.")],
)
case(
    "utf8-overlong-three-byte",
    "R3",
    "utf8",
    b"data: \xe0\x9f\xbf.\n\n",
    [ev("\ufffd\ufffd\ufffd.")],
)
case(
    "utf8-above-max-code-point",
    "R3",
    "utf8",
    b"data: \xf5\x80\x80\x80.\n\n",
    [ev("\ufffd\ufffd\ufffd\ufffd.")],
    notes="F5 can never start a sequence: each of the four bytes is its own maximal subpart.",
)
case(
    "utf8-truncated-four-byte-before-lf",
    "R3 R4",
    "utf8",
    b"data: a\xf0\x9f\x98\n\n",
    [ev("a\ufffd")],
    notes="A truncated sequence cut by the line end is one maximal subpart: one U+FFFD.",
)
case(
    "utf8-truncated-three-byte-before-cr",
    "R3 R4",
    "utf8 cr",
    b"data: a\xe2\x82\r\r",
    [ev("a\ufffd")],
)
case(
    "utf8-truncated-then-ascii",
    "R3",
    "utf8",
    b"data: \xe2\x82x\xf0\x9fy\n\n",
    [ev("\ufffdx\ufffdy")],
)
case(
    "utf8-truncated-sequence-at-end-of-stream",
    "R3 R6",
    "utf8 eof",
    b"data: a\n\ndata: \xf0\x9f\x98",
    [ev("a")],
    notes="The truncated sequence is in the unterminated last line, which is discarded with it.",
)
case(
    "utf8-truncated-sequence-before-final-cr",
    "R3 R5 R6",
    "utf8 eof cr",
    b"data: \xf0\x9f\x98\r\r",
    [ev("\ufffd")],
)
case(
    "utf8-two-byte-split-across-chunks",
    "R3",
    "utf8 chunking",
    b"data: \xc3\xa9\n\n",
    [ev("\u00e9")],
    chunks=[b"data: \xc3", b"\xa9\n\n"],
)
case(
    "utf8-three-byte-split-every-byte",
    "R3",
    "utf8 chunking",
    b"data: \xe2\x82\xac\n\n",
    [ev("\u20ac")],
    chunks=[b"data: \xe2", b"\x82", b"\xac\n\n"],
)
case(
    "utf8-four-byte-split-in-the-middle",
    "R3",
    "utf8 chunking",
    b"data: \xf0\x9f\x98\x80\n\n",
    [ev("\U0001f600")],
    chunks=[b"data: \xf0\x9f", b"\x98\x80\n\n"],
)
case(
    "utf8-truncated-sequence-completed-by-ascii-in-next-chunk",
    "R3",
    "utf8 chunking",
    b"data: \xe2\x82x\n\n",
    [ev("\ufffdx")],
    chunks=[b"data: \xe2\x82", b"x\n\n"],
)
case(
    "utf8-multibyte-in-many-lines-split",
    "R3",
    "utf8 chunking",
    "data: \u00fc\ndata: \u20ac\ndata: \U0001f4a9\n\n".encode(),
    [ev("\u00fc\n\u20ac\n\U0001f4a9")],
    chunks=[b"data: \xc3", b"\xbc\ndata: \xe2\x82", b"\xac\ndata: \xf0", b"\x9f\x92", b"\xa9\n", b"\n"],
)
case("utf8-invalid-in-event-type", "R3 R11", "utf8 event", b"event: \xff\ndata: a\n\n", [ev("a", "\ufffd")])
case(
    "utf8-invalid-in-id",
    "R3 R11",
    "utf8 id",
    b"id: 7\xc3\ndata: a\n\n",
    [ev("a", id="7\ufffd")],
    final_id="7\ufffd",
)
case(
    "utf8-invalid-in-field-name",
    "R3 R11",
    "utf8 field",
    b"da\x80ta: a\n\ndata: b\n\n",
    [ev("b")],
)
case(
    "utf8-invalid-in-retry",
    "R3 R11",
    "utf8 retry",
    b"retry: 1\xff\ndata: a\n\n",
    [ev("a")],
)
case("utf8-invalid-in-comment", "R3 R8", "utf8 comment", b": \xff\xfe\x80\n\ndata: a\n\n", [ev("a")])
case(
    "utf8-noncharacters-are-valid",
    "R3",
    "utf8",
    b"data: \xef\xbf\xbe\xef\xbf\xbf\xf4\x8f\xbf\xbf\n\n",
    [ev("\ufffe\uffff\U0010ffff")],
)
case(
    "utf8-replacement-character-literal",
    "R3",
    "utf8",
    b"data: \xef\xbf\xbd\n\n",
    [ev("\ufffd")],
)
case(
    "utf8-invalid-bytes-across-data-lines",
    "R3 R11",
    "utf8 data",
    b"data: \xe2\x82\ndata: \xac\n\n",
    [ev("\ufffd\n\ufffd")],
    notes="Each line is decoded on its own: the LF between the lines breaks the sequence.",
)

# ---------------------------------------------------------------------------------------------------
# eol: R4, R5
# ---------------------------------------------------------------------------------------------------

case("eol-lf", "R4 R7", "newlines basic", b"data: a\n\ndata: b\n\n", [ev("a"), ev("b")])
case("eol-crlf", "R4 R7", "crlf basic", b"data: 1\r\n\r\ndata: 2\r\n\r\n", [ev("1"), ev("2")])
case("eol-cr", "R4 R7", "cr basic", b"data: a\r\rdata: b\r\r", [ev("a"), ev("b")])
case(
    "eol-mixed-within-one-event",
    "R4",
    "newlines cr crlf",
    b"data: a\r\ndata: b\rdata: c\n\r\n",
    [ev("a\nb\nc")],
)
case(
    "eol-lf-then-cr-is-blank-line",
    "R4 R6",
    "newlines cr eof",
    b"data: a\n\r",
    [ev("a")],
    notes="LF ends 'data: a'; the CR ends an empty line (nothing follows it).",
)
case(
    "eol-lf-cr-lf-is-two-line-ends",
    "R4",
    "newlines crlf",
    b"data: a\n\r\ndata: b\n\n",
    [ev("a"), ev("b")],
)
case(
    "eol-lf-cr-then-data",
    "R4",
    "newlines cr",
    b"data: x\n\rdata: y\n\n",
    [ev("x"), ev("y")],
    notes="LF then CR: two line ends, the second ends a blank line; 'data: b' is the next line.",
)
case("eol-crlf-then-lf-blank", "R4", "crlf newlines", b"data: a\r\n\n", [ev("a")])
case(
    "eol-cr-then-crlf-blank",
    "R4",
    "cr crlf",
    b"data: a\r\r\ndata: b\n\n",
    [ev("a"), ev("b")],
)
case(
    "eol-cr-inside-value-splits-line",
    "R4",
    "cr data",
    b"data: a\rdata: b\n\n",
    [ev("a\nb")],
)
case(
    "eol-crlf-split-across-chunks",
    "R5",
    "crlf chunking",
    b"data: z\r\n\r\n",
    [ev("z")],
    chunks=[b"data: z\r", b"\n\r", b"\n"],
    notes="A CR at the end of a chunk and the LF at the start of the next are one line end, not a blank line.",
)
case(
    "eol-crlf-split-then-data",
    "R5",
    "crlf chunking",
    b"data: a\r\ndata: b\r\n\r\n",
    [ev("a\nb")],
    chunks=[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"],
    notes="Treating the split CRLF as CR + blank line would dispatch 'a' and 'b' separately.",
)
case(
    "eol-crlf-split-lf-alone-in-chunk",
    "R5",
    "crlf chunking",
    b"data: a\r\ndata: b\r\n\r\n",
    [ev("a\nb")],
    chunks=[b"data: a\r", b"\n", b"data: b\r", b"\n", b"\r", b"\n"],
)
case(
    "eol-cr-at-chunk-end-then-cr",
    "R5",
    "cr chunking",
    b"data: a\r\r",
    [ev("a")],
    chunks=[b"data: a\r", b"\r"],
)
case(
    "eol-cr-at-chunk-end-then-cr-lf",
    "R5",
    "cr crlf chunking",
    b"data: a\r\r\ndata: b\r\n\r\n",
    [ev("a"), ev("b")],
    chunks=[b"data: a\r", b"\r\ndata: b\r", b"\n\r\n"],
    notes="The second chunk starts with CR, not LF: the first CR is a line end on its own.",
)
case(
    "eol-cr-at-chunk-end-then-text",
    "R5",
    "cr chunking",
    b"data: a\rdata: b\r\r",
    [ev("a\nb")],
    chunks=[b"data: a\r", b"data: b\r", b"\r"],
)
case(
    "eol-only-one-lf-swallowed-after-split-cr",
    "R5",
    "crlf chunking",
    b"data: a\r\n\ndata: b\n\n",
    [ev("a"), ev("b")],
    chunks=[b"data: a\r", b"\n\ndata: b\n\n"],
)
case(
    "eol-u2028-u2029-are-data",
    "R4",
    "newlines python-pitfall",
    "data: a\u2028b\u2029c\n\n".encode(),
    [ev("a\u2028b\u2029c")],
    notes="str.splitlines() splits on these; an SSE line only ends at CR or LF.",
)
case(
    "eol-nel-is-data",
    "R4",
    "newlines python-pitfall",
    "data: a\u0085b\n\n".encode(),
    [ev("a\u0085b")],
)
case(
    "eol-vt-ff-are-data",
    "R4",
    "newlines python-pitfall",
    b"data: a\x0bb\x0cc\n\n",
    [ev("a\x0bb\x0cc")],
)
case(
    "eol-fs-gs-rs-are-data",
    "R4",
    "newlines python-pitfall",
    b"data: a\x1cb\x1dc\x1ed\n\n",
    [ev("a\x1cb\x1dc\x1ed")],
)
case(
    "eol-u2028-in-field-name-is-not-a-line-end",
    "R4 R11",
    "newlines python-pitfall field",
    "id: 1\u2028data: a\n\n".encode(),
    [],
    final_id="1\u2028data: a",
    notes="The whole line is one 'id' field whose value contains U+2028.",
)
case("eol-only-line-ends", "R4 R7", "blank newlines", b"\n\r\n\r\r\n\n", [])
case("eol-empty-stream", "R6", "eof", b"", [])
case(
    "eol-many-blank-lines-between-events",
    "R7 R12",
    "blank",
    b"\n\n\ndata: a\n\n\n\n\ndata: b\n\n\n",
    [ev("a"), ev("b")],
)

# ---------------------------------------------------------------------------------------------------
# eof: R6
# ---------------------------------------------------------------------------------------------------

case("eof-unterminated-data-line", "R6", "eof", b"data: a", [])
case("eof-complete-line-without-blank-line", "R6", "eof", b"data: a\n", [])
case("eof-crlf-line-without-blank-line", "R6", "eof crlf", b"data: a\r\n", [])
case(
    "eof-cr-line-without-blank-line",
    "R5 R6",
    "eof cr",
    b"data: a\r",
    [],
    notes="The CR ends the line, but no blank line follows it.",
)
case(
    "eof-final-cr-ends-blank-line",
    "R5 R6",
    "eof cr crlf",
    b"data: a\r\n\r",
    [ev("a")],
    notes="A CR at the very end is a line end: parsers that wait for a possible LF never dispatch this event.",
)
case(
    "eof-second-event-unfinished",
    "R6",
    "eof",
    b"data: a\n\ndata: b\n",
    [ev("a")],
)
case(
    "eof-unfinished-event-with-unterminated-line",
    "R6",
    "eof",
    b"data: a\n\ndata: b\ndata: c",
    [ev("a")],
)
case(
    "eof-unterminated-id-line-not-committed",
    "R6 R12",
    "eof id",
    b"data: a\n\nid: 9",
    [ev("a")],
)
case(
    "eof-id-line-without-blank-line-not-committed",
    "R6 R12",
    "eof id",
    b"id: 4\ndata: a\n\nid: 9\n",
    [ev("a", id="4")],
    final_id="4",
    notes="The last event ID string changes only at a blank line; a reconnect sends '4'.",
)
case(
    "eof-retry-line-complete-without-blank-line-still-applies",
    "R6 R11",
    "eof retry",
    b"retry: 2500\n",
    [],
    retries=(2500,),
    notes="The reconnection time is set when the retry line is processed, not at dispatch.",
)
case(
    "eof-retry-line-unterminated-is-discarded",
    "R6 R11",
    "eof retry",
    b"retry: 2500",
    [],
)
case("eof-unterminated-comment", "R6 R8", "eof comment", b"data: a\n\n: keep-alive", [ev("a")])
case(
    "eof-unfinished-block-event-type-only",
    "R6",
    "eof event",
    b"data: a\n\nevent: x\n",
    [ev("a")],
)

# ---------------------------------------------------------------------------------------------------
# comment: R8
# ---------------------------------------------------------------------------------------------------

case("comment-only-block-dispatches-nothing", "R8 R12", "comment", b": hello\n\n", [])
case("comment-without-space", "R8", "comment", b":hello\n\ndata: a\n\n", [ev("a")])
case("comment-empty", "R8", "comment", b":\n\ndata: a\n\n", [ev("a")])
case("comment-containing-nul", "R8", "comment nul", b":\x00\x00\n\ndata: a\n\n", [ev("a")])
case("comment-looks-like-a-field", "R8", "comment", b":data: x\n\n", [])
case("comment-several-colons", "R8", "comment", b"::\n:::data: x\n\ndata: a\n\n", [ev("a")])
case(
    "comment-between-data-lines",
    "R8 R11",
    "comment data",
    b"data: a\n: note\ndata: b\n\n",
    [ev("a\nb")],
)
case(
    "comment-inside-event-does-not-reset-type",
    "R8 R11",
    "comment event",
    b"event: e\n:\ndata: a\n\n",
    [ev("a", "e")],
)
case(
    "comment-long-2k",
    "R8",
    "comment limits",
    b":" + b"x" * 2048 + b"\n\ndata: a\n\n",
    [ev("a")],
    notes="Some servers pad the start of a stream with a 2 KiB comment to defeat proxy buffering.",
)
case(
    "comment-only-block-after-sticky-id-no-phantom-event",
    "R8 R12",
    "comment id",
    b"id: 1\ndata: a\n\n: ping\n\n: ping\n\n",
    [ev("a", id="1")],
    final_id="1",
    notes="Parsers that dispatch whenever the id buffer is non-empty emit phantom events for keep-alives.",
)
case(
    "comment-keep-alives-crlf",
    "R4 R8",
    "comment crlf",
    b":\r\n\r\n:\r\n\r\ndata: a\r\n\r\n",
    [ev("a")],
)
case(
    "comment-keep-alive-cr-split",
    "R5 R8",
    "comment cr chunking",
    b": ping\r\rdata: a\r\r",
    [ev("a")],
    chunks=[b": ping\r", b"\r", b"data: a\r", b"\r"],
)

# ---------------------------------------------------------------------------------------------------
# field: R9, R10, R11 (names)
# ---------------------------------------------------------------------------------------------------

case("field-value-without-space", "R9", "space", b"data:a\n\n", [ev("a")])
case("field-two-spaces-keep-one", "R9", "space", b"data:  a\n\n", [ev(" a")])
case("field-tab-is-not-removed", "R9", "space", b"data:\ta\n\n", [ev("\ta")])
case("field-tab-then-space-kept", "R9", "space", b"data:\t a\n\n", [ev("\t a")])
case("field-trailing-whitespace-kept", "R9", "space", b"data: a \t \n\n", [ev("a \t ")])
case("field-space-only-value-is-empty", "R9", "space data", b"data: \n\n", [ev("")])
case("field-two-spaces-only-value", "R9", "space data", b"data:  \n\n", [ev(" ")])
case("field-first-colon-splits", "R9", "field", b"data: k: v:w\n\n", [ev("k: v:w")])
case("field-colon-right-after-space", "R9", "field space", b"data: :x\n\n", [ev(":x")])
case(
    "field-names-are-case-sensitive",
    "R11",
    "field python-pitfall",
    b"Data: a\n\nDATA: b\n\nEvent: e\nID: 1\nRetry: 5\ndata: c\n\n",
    [ev("c")],
)
case("field-name-with-trailing-space", "R9 R11", "field space", b"data : a\n\n", [])
case("field-name-with-leading-space", "R9 R11", "field space", b" data: a\n\n", [])
case("field-name-with-trailing-nul", "R9 R11", "field nul", b"data\x00: a\n\n", [])
case("field-no-colon-name-with-nul", "R10 R11", "field nul no-colon", b"data\x00\n\n", [])
case("field-no-colon-name-with-space", "R10 R11", "field no-colon space", b"data \n\n", [])
case("field-unknown-is-ignored", "R11", "field", b"foo: bar\ndata: a\nbaz\n\n", [ev("a")])
case(
    "field-unknown-only-block-dispatches-nothing",
    "R11 R12",
    "field",
    b"foo: bar\n\ndata: a\n\n",
    [ev("a")],
)
case(
    "field-unicode-names-are-unknown",
    "R11",
    "field utf8",
    "d\u00e4t\u00e4: a\n\n\uff44\uff41\uff54\uff41: b\n\n".encode(),
    [],
)
case(
    "field-nul-name-is-unknown",
    "R11",
    "field nul",
    b"\x00: a\n\ndata: b\n\n",
    [ev("b")],
)
case(
    "field-space-only-line-is-unknown",
    "R10 R11",
    "field space",
    b" \n\ndata: a\n\n",
    [ev("a")],
    notes="A line holding one space is not blank: it is a field named ' ' and does not dispatch.",
)
case(
    "field-whitespace-line-does-not-dispatch",
    "R7 R10",
    "field space blank",
    b"data: a\n \ndata: b\n\n",
    [ev("a\nb")],
)

# ---------------------------------------------------------------------------------------------------
# data: R11 data, R12.3
# ---------------------------------------------------------------------------------------------------

case("data-single-line", "R11 R12", "data basic", b"data: hello\n\n", [ev("hello")])
case("data-lines-joined-with-lf", "R11 R12", "data", b"data: a\ndata: b\ndata: c\n\n", [ev("a\nb\nc")])
case("data-empty-value-still-fires", "R11 R12", "data", b"data:\n\n", [ev("")])
case("data-two-empty-lines", "R10 R12", "data no-colon", b"data\ndata\n\n", [ev("\n")])
case("data-three-empty-lines", "R11 R12", "data", b"data:\ndata:\ndata:\n\n", [ev("\n\n")])
case("data-trailing-empty-line-kept", "R11 R12", "data", b"data: a\ndata:\n\n", [ev("a\n")])
case("data-leading-empty-line-kept", "R11 R12", "data", b"data:\ndata: a\n\n", [ev("\na")])
case(
    "data-only-one-trailing-lf-removed",
    "R12",
    "data",
    b"data: a\ndata:\ndata:\n\n",
    [ev("a\n\n")],
)
case("data-json-payload", "R11", "data", b'data: {"a": [1, 2], "b": "x y"}\n\n', [ev('{"a": [1, 2], "b": "x y"}')])
case(
    "data-json-split-across-lines",
    "R11 R12",
    "data",
    b'data: {\ndata: "k": 1\ndata: }\n\n',
    [ev('{\n"k": 1\n}')],
)
case("data-nul-and-controls-kept", "R11", "data nul", b"data: a\x00b\x01\x7f\n\n", [ev("a\x00b\x01\x7f")])
case(
    "data-after-other-fields",
    "R11",
    "data event id",
    b"id: 2\nevent: e\nretry: 10\ndata: a\n\n",
    [ev("a", "e", "2", 10)],
    retries=(10,),
    final_id="2",
)
case(
    "data-buffer-cleared-after-dispatch",
    "R12",
    "data",
    b"data: a\n\ndata: b\n\n",
    [ev("a"), ev("b")],
)

# ---------------------------------------------------------------------------------------------------
# event: R11 event, R12
# ---------------------------------------------------------------------------------------------------

case("event-type-set", "R11 R12", "event basic", b"event: add\ndata: a\n\n", [ev("a", "add")])
case(
    "event-type-not-sticky",
    "R12",
    "event",
    b"event: add\ndata: a\n\ndata: b\n\n",
    [ev("a", "add"), ev("b")],
)
case("event-empty-value-is-default", "R11 R12", "event", b"event:\ndata: a\n\n", [ev("a")])
case("event-last-one-wins", "R11", "event", b"event: first\nevent: second\ndata: x\n\n", [ev("x", "second")])
case(
    "event-no-colon-resets-type",
    "R10 R11",
    "event no-colon",
    b"event: typed\nevent\ndata: y\n\n",
    [ev("y")],
)
case(
    "event-only-block-no-dispatch-no-leak",
    "R12",
    "event",
    b"event: keepalive\n\ndata: y\n\n",
    [ev("y")],
    notes="The data-less block dispatches nothing and clears the type; 'y' is a plain message.",
)
case("event-after-data-in-block", "R11", "event", b"data: x\nevent: late\n\n", [ev("x", "late")])
case("event-value-spaces-kept", "R9 R11", "event space", b"event:  padded \ndata: x\n\n", [ev("x", " padded ")])
case("event-explicit-message", "R11", "event", b"event: message\ndata: x\n\n", [ev("x")])
case("event-unicode-type", "R11", "event utf8", "event: \U0001f4ac\ndata: x\n\n".encode(), [ev("x", "\U0001f4ac")])
case("event-type-with-nul-kept", "R11", "event nul", b"event: n\x00ul\ndata: x\n\n", [ev("x", "n\x00ul")])

# ---------------------------------------------------------------------------------------------------
# id: R11 id, R12.1
# ---------------------------------------------------------------------------------------------------

case("id-set-on-event", "R11 R12", "id basic", b"id: 1\ndata: a\n\n", [ev("a", id="1")], final_id="1")
case(
    "id-sticky-across-events",
    "R12",
    "id",
    b"id: 1\ndata: a\n\ndata: b\n\n",
    [ev("a", id="1"), ev("b", id="1")],
    final_id="1",
)
case(
    "id-changed-by-later-block",
    "R11 R12",
    "id",
    b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n",
    [ev("a", id="1"), ev("b", id="2")],
    final_id="2",
)
case(
    "id-empty-value-resets",
    "R11",
    "id",
    b"id: 1\ndata: a\n\nid:\ndata: b\n\n",
    [ev("a", id="1"), ev("b")],
)
case(
    "id-space-only-value-resets",
    "R9 R11",
    "id space",
    b"id: 1\ndata: a\n\nid: \ndata: b\n\n",
    [ev("a", id="1"), ev("b")],
)
case(
    "id-no-colon-resets",
    "R10 R11",
    "id no-colon",
    b"id: 1\n\nid\n\n",
    [],
)
case(
    "id-only-block-commits",
    "R12",
    "id",
    b"id: 5\n\ndata: a\n\n",
    [ev("a", id="5")],
    final_id="5",
    notes="A data-less block dispatches nothing but still sets the last event ID string.",
)
case(
    "id-with-nul-ignored",
    "R11",
    "id nul",
    b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
    [ev("a", id="1"), ev("b", id="1")],
    final_id="1",
)
case(
    "id-only-nul-ignored",
    "R11",
    "id nul",
    b"id: 1\n\nid: \x00\n\n",
    [],
    final_id="1",
    notes="An older wpt file expected the NUL id to be taken; the current spec ignores the field.",
)
case(
    "id-nul-does-not-reset",
    "R11",
    "id nul",
    b"id: x\nid: \x00\ndata: a\n\n",
    [ev("a", id="x")],
    final_id="x",
)
case(
    "id-after-data-in-block",
    "R11 R12",
    "id",
    b"data: a\nid: 3\n\n",
    [ev("a", id="3")],
    final_id="3",
)
case("id-last-in-block-wins", "R11", "id", b"id: 1\nid: 2\ndata: a\n\n", [ev("a", id="2")], final_id="2")
case(
    "id-value-verbatim",
    "R9 R11",
    "id space",
    b"id:  x y \ndata: a\n\n",
    [ev("a", id=" x y ")],
    final_id=" x y ",
)
case("id-leading-zeros-kept", "R11", "id", b"id: 007\ndata: a\n\n", [ev("a", id="007")], final_id="007")
case("id-with-colon", "R9 R11", "id", b"id: a:b\ndata: a\n\n", [ev("a", id="a:b")], final_id="a:b")
case(
    "id-unicode",
    "R11",
    "id utf8",
    "id: \u00fc\u20ac\U0001f600\ndata: a\n\n".encode(),
    [ev("a", id="\u00fc\u20ac\U0001f600")],
    final_id="\u00fc\u20ac\U0001f600",
)
case(
    "id-committed-by-comment-block",
    "R8 R12",
    "id comment",
    b"id: 3\n: c\n\n",
    [],
    final_id="3",
)
case(
    "id-seed-reported-on-events",
    "R12",
    "id reconnect",
    b"data: a\n\n",
    [ev("a", id="41")],
    seed="41",
    final_id="41",
    notes="A resumed stream starts with the previous last event ID (Chromium, wpt format-field-id-2).",
)
case(
    "id-seed-survives-empty-stream",
    "R12",
    "id reconnect",
    b"",
    [],
    seed="41",
    final_id="41",
)
case(
    "id-seed-survives-comment-block",
    "R8 R12",
    "id reconnect comment",
    b": hi\n\n",
    [],
    seed="41",
    final_id="41",
)
case(
    "id-seed-reset-by-empty-id",
    "R11 R12",
    "id reconnect",
    b"id:\n\ndata: a\n\n",
    [ev("a")],
    seed="41",
    final_id="",
)
case(
    "id-seed-replaced",
    "R11 R12",
    "id reconnect",
    b"data: a\n\nid: 42\ndata: b\n\n",
    [ev("a", id="41"), ev("b", id="42")],
    seed="41",
    final_id="42",
)
case(
    "id-seed-kept-when-nul-id-ignored",
    "R11 R12",
    "id reconnect nul",
    b"id: \x00\ndata: a\n\n",
    [ev("a", id="41")],
    seed="41",
    final_id="41",
)
case(
    "id-committed-by-event-only-block",
    "R12",
    "id event",
    b"id: 6\nevent: x\n\ndata: a\n\n",
    [ev("a", id="6")],
    final_id="6",
    notes="The event-only block fires nothing, commits the id and does not leak its type.",
)
case(
    "id-committed-by-retry-only-block",
    "R11 R12",
    "id retry",
    b"id: 6\nretry: 10\n\n",
    [],
    retries=(10,),
    final_id="6",
)
case(
    "id-crlf-split-before-blank-line",
    "R5 R12",
    "id crlf chunking",
    b"id: 8\r\n\r\n",
    [],
    final_id="8",
    chunks=[b"id: 8\r", b"\n\r", b"\n"],
)

# ---------------------------------------------------------------------------------------------------
# retry: R11 retry
# ---------------------------------------------------------------------------------------------------

case("retry-valid", "R11", "retry basic", b"retry: 1000\ndata: a\n\n", [ev("a", retry=1000)], retries=(1000,))
case(
    "retry-only-block-dispatches-nothing",
    "R11 R12",
    "retry",
    b"retry: 500\n\ndata: a\n\n",
    [ev("a")],
    retries=(500,),
    notes="The retry applies to the connection; the event dispatched later did not carry it.",
)
case(
    "retry-two-in-one-block",
    "R11",
    "retry",
    b"retry: 1\nretry: 2\ndata: a\n\n",
    [ev("a", retry=2)],
    retries=(1, 2),
)
case(
    "retry-not-carried-to-next-event",
    "R11 R12",
    "retry",
    b"retry: 5\ndata: a\n\ndata: b\n\n",
    [ev("a", retry=5), ev("b")],
    retries=(5,),
)
case("retry-zero", "R11", "retry", b"retry: 0\ndata: a\n\n", [ev("a", retry=0)], retries=(0,))
case("retry-leading-zeros", "R11", "retry", b"retry: 02000\ndata: a\n\n", [ev("a", retry=2000)], retries=(2000,))
case("retry-all-zeros", "R11", "retry", b"retry: 0000\ndata: a\n\n", [ev("a", retry=0)], retries=(0,))
case("retry-no-space", "R9 R11", "retry", b"retry:750\ndata: a\n\n", [ev("a", retry=750)], retries=(750,))
case(
    "retry-uint32-max-plus-two",
    "R11",
    "retry limits",
    b"retry: 4294967297\ndata: a\n\n",
    [ev("a", retry=4294967297)],
    retries=(4294967297,),
    notes="The spec has no bound; Firefox accumulates in uint32 and would wrap this to 1.",
)
case(
    "retry-uint64-max",
    "R11",
    "retry limits",
    b"retry: 18446744073709551615\ndata: a\n\n",
    [ev("a", retry=18446744073709551615)],
    retries=(18446744073709551615,),
    notes="The largest value sseparse accepts (2**64 - 1 ms), as Chromium does.",
)
case(
    "retry-beyond-64-bits",
    "R11",
    "retry limits",
    b"retry: 18446744073709551616\ndata: a\nretry: 123456789012345678901234567890\n\n",
    [ev("a")],
    retries=(),
    notes="No bound in the spec; sseparse ignores values beyond 2**64 - 1 ms (Chromium rejects them too), so a "
    "hostile value of thousands of digits costs no conversion and never raises.",
)
case(
    "retry-leading-zeros-beyond-20-digits",
    "R11",
    "retry limits",
    b"retry: " + b"0" * 5000 + b"2000\ndata: a\n\n",
    [ev("a", retry=2000)],
    retries=(2000,),
    notes="Leading zeros do not count towards the bound.",
)
case(
    "retry-thousands-of-digits",
    "R11",
    "retry limits",
    b"retry: 7\nretry: " + b"9" * 5000 + b"\ndata: a\n\n",
    [ev("a", retry=7)],
    retries=(7,),
    notes="Beyond Python's int conversion limit (4300 digits): ignored, the earlier value stays.",
)
case(
    "retry-after-data-in-block",
    "R11",
    "retry",
    b"data: a\nretry: 9\n\n",
    [ev("a", retry=9)],
    retries=(9,),
)
case(
    "retry-invalid-after-valid-keeps-valid",
    "R11",
    "retry",
    b"retry: 5\nretry: x\ndata: a\n\n",
    [ev("a", retry=5)],
    retries=(5,),
)
case(
    "retry-invalid-in-later-block-ignored",
    "R11",
    "retry",
    b"retry: 100\ndata: a\n\nretry: 1.5\ndata: b\n\n",
    [ev("a", retry=100), ev("b")],
    retries=(100,),
)
case("retry-wrong-case-is-unknown-field", "R11", "retry field", b"RETRY: 5\ndata: a\n\n", [ev("a")])

_INVALID_RETRIES: list[tuple[str, bytes, str]] = [
    ("negative", b"-1", "Python int() accepts a sign."),
    ("plus-sign", b"+5", "Python int(), Go ParseInt and Rust parse::<u64> accept '+5'."),
    ("second-space", b" 5", "Only one space after the colon is removed; int() strips whitespace."),
    ("trailing-space", b"5 ", "int() strips whitespace."),
    ("leading-tab", b"\t5", "int() strips whitespace."),
    ("decimal-point", b"1.5", ""),
    ("exponent", b"1e3", ""),
    ("hex", b"0x10", ""),
    ("underscore", b"1_000", "Python int() accepts digit-group underscores."),
    ("comma", b"1,000", ""),
    ("fullwidth-digit", "\uff15".encode(), "str.isdigit() and int() accept fullwidth digits."),
    ("arabic-indic-digit", "\u0665".encode(), "str.isdigit() and int() accept Arabic-Indic digits."),
    ("devanagari-digit", "\u096b".encode(), "int() accepts Devanagari digits."),
    ("superscript-digit", "\u00b2".encode(), "str.isdigit() is true for superscript two."),
    ("trailing-nul", b"5\x00", ""),
    ("letters", b"soon", ""),
    ("infinity", b"Infinity", ""),
]
for _label, _value, _why in _INVALID_RETRIES:
    case(
        f"retry-rejects-{_label}",
        "R11",
        "retry python-pitfall" if _why else "retry",
        b"retry: 300\ndata: a\n\nretry: " + _value + b"\ndata: b\n\n",
        [ev("a", retry=300), ev("b")],
        retries=(300,),
        notes=f"Only ASCII digits are a valid retry; the earlier 300 stays in force. {_why}".rstrip(),
    )

case(
    "retry-empty-value-ignored",
    "R9 R11",
    "retry",
    b"retry:\ndata: a\n\n",
    [ev("a")],
    ambiguous=True,
    notes="'Only ASCII digits' is vacuously true of ''. Chromium resets to its default, Firefox computes 0; "
    "sseparse (like eventsource-parser and httpx-sse) ignores it.",
)
case(
    "retry-no-colon-ignored",
    "R10 R11",
    "retry no-colon",
    b"retry: 700\n\nretry\ndata: a\n\n",
    [ev("a")],
    retries=(700,),
    ambiguous=True,
    notes="'retry' alone has the empty value: ignored by sseparse's choice (see retry-empty-value-ignored).",
)
case(
    "retry-space-only-value-ignored",
    "R9 R11",
    "retry space",
    b"retry: \ndata: a\n\n",
    [ev("a")],
    ambiguous=True,
    notes="One space is removed, leaving the empty value: ignored by sseparse's choice.",
)

# ---------------------------------------------------------------------------------------------------
# done: [DONE] is plain data at this layer
# ---------------------------------------------------------------------------------------------------

_DONE_NOTE = "'[DONE]' is an application convention (OpenAI-style), not SSE: the decoder dispatches it as data."
case("done-is-plain-data", "R11", "done", b"data: 1\n\ndata: [DONE]\n\n", [ev("1"), ev("[DONE]")], notes=_DONE_NOTE)
case("done-without-space", "R9", "done", b"data:[DONE]\r\r", [ev("[DONE]")], notes=_DONE_NOTE)
case("done-crlf", "R4", "done crlf", b"data: [DONE]\r\n\r\n", [ev("[DONE]")], notes=_DONE_NOTE)
case(
    "done-trailing-space-kept",
    "R9",
    "done space",
    b"data: [DONE] \n\n",
    [ev("[DONE] ")],
    notes="Data is '[DONE] ': an exact-match sentinel layer does not stop here.",
)
case("done-unterminated", "R6", "done eof", b"data: a\n\ndata: [DONE]", [ev("a")], notes=_DONE_NOTE)
case(
    "done-then-more-events",
    "R12",
    "done",
    b"data: [DONE]\n\nevent: late\ndata: {}\n\n",
    [ev("[DONE]"), ev("{}", "late")],
    notes=_DONE_NOTE,
)
case("done-lowercase", "R11", "done", b"data: [done]\n\n", [ev("[done]")])
case(
    "done-split-in-crlf",
    "R5",
    "done crlf chunking",
    b"data: [DONE]\r\n\r\n",
    [ev("[DONE]")],
    chunks=[b"data: [DO", b"NE]\r", b"\n\r", b"\n"],
)

# ---------------------------------------------------------------------------------------------------
# long: long lines and many events
# ---------------------------------------------------------------------------------------------------

case(
    "long-data-line-70k",
    "R11",
    "data limits",
    b"data: " + b"a" * 70000 + b"\n\n",
    [ev("a" * 70000)],
    notes="Past 64 KiB, where bufio.Scanner-based decoders fail by default.",
)
case(
    "long-id-and-event-4k",
    "R11",
    "id event limits",
    b"id: " + b"7" * 4096 + b"\nevent: " + b"e" * 4096 + b"\ndata: x\n\n",
    [ev("x", "e" * 4096, "7" * 4096)],
    final_id="7" * 4096,
)
case(
    "long-many-events",
    "R7 R12",
    "data",
    b"".join(b"data: %d\n\n" % i for i in range(300)),
    [ev(str(i)) for i in range(300)],
)
case(
    "long-many-data-lines-one-event",
    "R11 R12",
    "data",
    b"data: x\n" * 2000 + b"\n",
    [ev("\n".join(["x"] * 2000))],
)
case(
    "long-many-blank-lines",
    "R7",
    "blank",
    b"\n" * 5000 + b"data: a\n\n" + b"\r\n" * 5000,
    [ev("a")],
)
case(
    "long-many-crlf-events-split-at-cr",
    "R5 R12",
    "crlf chunking",
    b"data: 1\r\n\r\ndata: 2\r\n\r\ndata: 3\r\n\r\n",
    [ev("1"), ev("2"), ev("3")],
    chunks=[b"data: 1\r", b"\n\r", b"\ndata: 2\r", b"\n\r", b"\ndata: 3\r", b"\n\r", b"\n"],
)


def render() -> str:
    """The JSON text of the corpus (deterministic: ASCII, fixed key order, one trailing LF)."""
    return json.dumps(CASES, indent=1, ensure_ascii=True) + "\n"


def main(argv: list[str]) -> int:
    """Write the corpus, or with ``--check`` report whether the file on disk is current."""
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python tests/corpus/build_corpus.py")
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(CASES)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
