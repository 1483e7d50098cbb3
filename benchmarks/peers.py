"""The decoders the benchmark compares, each behind the same two functions.

``decode(chunks) -> list``  feeds the reads in order, ends the stream, and returns the decoder's own
                            event objects. This is the timed callable: it does what a user of that
                            library does to get events out of bytes, and nothing more.
``pairs(events)``           turns those events into ``(event, data)`` tuples, outside the timed
                            region, so tests can check that every decoder read the same stream.

Each adapter drives the peer the way the peer drives itself (read from its installed source):

- openai-python: ``SSEDecoder().iter_bytes(iterator)`` (``openai/_streaming.py``), which is what
  ``Stream`` uses; it splits lines with its own ``_SSELineDecoder``.
- anthropic-sdk-python: ``SSEDecoder().iter_bytes(iterator)`` (``anthropic/_streaming.py``); its
  ``_iter_chunks`` grows a ``bytes`` with ``+=``, so a long line is quadratic.
- httpx-sse: what ``EventSource.iter_sse`` does over ``Response.iter_text()``: an incremental UTF-8
  decoder with ``errors="replace"`` (httpx's ``TextDecoder``), empty text skipped (httpx's
  ``TextChunker``), ``SSELineDecoder.decode`` / ``flush``, ``line.rstrip("\\n")``, ``SSEDecoder.decode``.
  Written as one loop instead of httpx-sse's two generators, which only makes the peer faster.
- sseclient-py: ``SSEClient(iterator).events()``; quadratic on a long line like anthropic.
- lower bound: ``bytes.split(b"\\n\\n")`` and a decode per block, no spec rules at all (it assumes
  every block is one ``data: `` line). Not a decoder; a floor for what any decoder must pay.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from anthropic._streaming import SSEDecoder as AnthropicDecoder
from httpx_sse._decoders import SSEDecoder as HttpxSSEDecoder
from httpx_sse._decoders import SSELineDecoder as HttpxSSELineDecoder
from openai._streaming import SSEDecoder as OpenAIDecoder
from sseclient import SSEClient

from sseparse import SSEDecoder

__all__ = ["DECODERS", "PEERS", "Decoder"]

Chunks = Iterable[bytes]


@dataclass(frozen=True)
class Decoder:
    """One contender: how to run it and what it can be asked to do."""

    name: str
    label: str
    decode: Callable[[Chunks], list[Any]]
    pairs: Callable[[list[Any]], list[tuple[str, str]]]
    linear: bool = True  # False: quadratic on a long line (the 16 MiB line runs only with SSEPARSE_BENCH_SLOW=1)
    long_lines: bool = True  # False: not meant for the long line at all (the lower bound)


def _pairs_message_default(events: list[Any]) -> list[tuple[str, str]]:
    """Pairs for peers whose ``event`` is ``None`` or ``""`` when the stream did not name it."""
    return [(e.event or "message", e.data) for e in events]


def decode_sseparse(chunks: Chunks) -> list[Any]:
    decoder = SSEDecoder()
    feed = decoder.feed
    events = []
    for chunk in chunks:
        events += feed(chunk)
    events += decoder.close()
    return events


def decode_openai(chunks: Chunks) -> list[Any]:
    return list(OpenAIDecoder().iter_bytes(iter(chunks)))


def decode_anthropic(chunks: Chunks) -> list[Any]:
    return list(AnthropicDecoder().iter_bytes(iter(chunks)))


def decode_httpx_sse(chunks: Chunks) -> list[Any]:
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
    lines = HttpxSSELineDecoder()
    decoder = HttpxSSEDecoder()
    events = []
    for chunk in chunks:
        s = text(chunk)
        if s:
            for line in lines.decode(s):
                event = decoder.decode(line.rstrip("\n"))
                if event is not None:
                    events.append(event)
    tail = text(b"", True)
    for line in (lines.decode(tail) if tail else []) + lines.flush():
        event = decoder.decode(line.rstrip("\n"))
        if event is not None:
            events.append(event)
    return events


def decode_sseclient(chunks: Chunks) -> list[Any]:
    return list(SSEClient(iter(chunks)).events())


def decode_split(chunks: Chunks) -> list[Any]:
    events = []
    rest = b""
    for chunk in chunks:
        blocks = (rest + chunk if rest else chunk).split(b"\n\n")
        rest = blocks.pop()
        for block in blocks:
            events.append(block[6:].decode())
    return events


DECODERS: dict[str, Decoder] = {
    d.name: d
    for d in (
        Decoder("sseparse", "sseparse SSEDecoder.feed", decode_sseparse, _pairs_message_default),
        Decoder("openai", "openai-python SSEDecoder.iter_bytes", decode_openai, _pairs_message_default),
        Decoder(
            "anthropic", "anthropic-sdk-python SSEDecoder.iter_bytes", decode_anthropic, _pairs_message_default, linear=False
        ),
        Decoder("httpx-sse", "httpx-sse SSELineDecoder + SSEDecoder, fed text", decode_httpx_sse, _pairs_message_default),
        Decoder("sseclient-py", "sseclient-py SSEClient.events", decode_sseclient, _pairs_message_default, linear=False),
        Decoder(
            "split",
            'lower bound: bytes.split(b"\\n\\n") + decode, no spec rules',
            decode_split,
            lambda events: [("message", data) for data in events],
            linear=False,
            long_lines=False,
        ),
    )
}
PEERS = tuple(name for name in DECODERS if name not in {"sseparse", "split"})  # real decoders, not sseparse
