"""The decoder's fast path (whole chunks, `bytes.split`/`splitlines`) against its general path.

`SSEDecoder` interprets lines through one method, but splits chunks in two ways: the fast path
(``bytes.splitlines``, or ``bytes.split`` for long LF-only chunks, with the unfinished tail held in a
bytearray) and the general path used when diagnostics or a size limit are on (a regex over each chunk,
tracking offsets). These tests feed long, varied streams through both, in chunk sizes on both sides of
the long-chunk threshold, and require identical events and connection state.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse._decoder import _LONG_CHUNK

LINE_ENDS = [b"\n", b"\r\n", b"\r"]


def _stream(rng: random.Random, n_events: int, eols: list[bytes]) -> bytes:
    out: list[bytes] = []
    for i in range(n_events):
        eol = rng.choice(eols)
        kind = rng.random()
        if kind < 0.1:
            out.append(b": keep-alive" + eol)
        if kind < 0.2:
            out.append(b"event: e" + str(i).encode() + eol)
        if kind < 0.25:
            out.append(b"id: " + str(i).encode() + eol)
        if kind < 0.28:
            out.append(b"retry: " + str(i).encode() + eol)
        payload = bytes(rng.choice(b'abcdefghij {}:,"\xc3\xa9\xff') for _ in range(rng.randint(0, 400)))
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            out.append(b"data: " + payload + eol)
        out.append(eol)
    return b"".join(out)


def _chunks(data: bytes, rng: random.Random, sizes: tuple[int, int]) -> list[bytes]:
    out = []
    i = 0
    while i < len(data):
        n = rng.randint(*sizes)
        out.append(data[i : i + n])
        i += n
    return out


def _decode(chunks: list[bytes], **options: object) -> tuple[list[sseparse.ServerSentEvent], str, int | None, bool]:
    decoder = sseparse.SSEDecoder(**options)  # type: ignore[arg-type]
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    events += decoder.close()
    return events, decoder.last_event_id, decoder.retry, decoder.incomplete


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), lf_only=st.booleans(), cut=st.booleans())
def test_fast_and_general_paths_agree_on_long_chunks(seed: int, lf_only: bool, cut: bool) -> None:
    """Long LF-only chunks (bytes.split), short chunks (splitlines) and the general path agree."""
    rng = random.Random(seed)
    data = _stream(rng, rng.randint(1, 40), [b"\n"] if lf_only else LINE_ENDS)
    if cut:
        data = data[: rng.randint(0, len(data))]
    reference = _decode([data[i : i + 1] for i in range(len(data))], diagnostics=True)
    for sizes in ((1, 16), (1, _LONG_CHUNK), (_LONG_CHUNK, 8 * _LONG_CHUNK), (len(data) + 1, len(data) + 1)):
        chunks = _chunks(data, rng, sizes)
        assert _decode(chunks) == reference
        assert _decode(chunks, max_event_size=1 << 30) == reference


def test_long_chunk_split_path_holds_the_unfinished_line() -> None:
    """A long LF-only chunk that ends mid-line keeps the tail for the next chunk."""
    first = b"data: " + b"a" * (2 * _LONG_CHUNK) + b"\n\ndata: par"
    decoder = sseparse.SSEDecoder()
    assert [e.data for e in decoder.feed(first)] == ["a" * (2 * _LONG_CHUNK)]
    assert [e.data for e in decoder.feed(b"t\n\n")] == ["part"]


def test_long_chunk_without_any_line_end_is_held_whole() -> None:
    """A long chunk with no LF at all is held and completed by a later chunk."""
    decoder = sseparse.SSEDecoder()
    assert decoder.feed(b"data: " + b"b" * (4 * _LONG_CHUNK)) == []
    assert decoder.feed(b"c\n") == []
    assert [e.data for e in decoder.feed(b"\n")] == ["b" * (4 * _LONG_CHUNK) + "c"]


def test_long_chunk_with_a_cr_takes_the_cr_aware_split() -> None:
    """A long chunk containing CR is split on CR, LF and CRLF, never on LF alone."""
    body = b"data: " + b"x" * _LONG_CHUNK + b"\r\rdata: y\r\n\r\n"
    assert [e.data for e in sseparse.parse(body)] == ["x" * _LONG_CHUNK, "y"]
