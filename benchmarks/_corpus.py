"""The benchmark inputs of ``baselines.md``, generated deterministically and pinned by checksums.

Corpus: 20,000 OpenAI chat-completion chunks as one stream (``data: {json}\\n\\n`` each, about 240
bytes), then ``data: [DONE]\\n\\n`` -- 20,001 events, about 4.79 MB. The JSON has the shape the API
sends (one token of content per chunk, a role chunk first, a ``finish_reason`` chunk and a usage
chunk last) and about 1 token in 20 is non-ASCII, so decoding
UTF-8 is part of the work.

Read patterns (how the bytes reach ``feed``), all cut from the same bytes:

- ``event``: one read per event (what a fast local server gives);
- ``network``: reads of 1..8192 bytes (pseudo-random sizes, as sockets give);
- ``tiny``: reads of 1..16 bytes (the worst case for per-read overhead).

Long line: one ``data:`` line whose value is 16 MiB, fed in 256-byte reads and in 1-byte reads.

Everything comes from `_Rng`, a small generator built only on ``random.Random.random()``, the one
method whose sequence Python promises to keep across versions, so the checksums below hold on every
Python we support. Change the generator and you must update the checksums, on purpose.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "CORPUS_EVENTS",
    "CORPUS_SHA256",
    "LONG_LINE_SIZE",
    "PATTERNS",
    "READS_SHA256",
    "SEED",
    "SMOKE_EVENTS",
    "SMOKE_LONG_LINE_SIZE",
    "anthropic_reads",
    "check_pins",
    "corpus",
    "expected_data",
    "long_line",
    "long_line_byte_reads",
    "long_line_reads",
    "reads",
    "reads_digest",
]

SEED = 0xC0FFEE
CORPUS_EVENTS = 20_001  # 20,000 chunks + [DONE]
SMOKE_EVENTS = 501  # what the smoke run (--benchmark-disable) decodes: the first 500 chunks + [DONE]
LONG_LINE_SIZE = 16 * 1024 * 1024  # bytes in the long line's data value
SMOKE_LONG_LINE_SIZE = 256 * 1024
PATTERNS = ("event", "network", "tiny")
_READ_SIZES = {"network": 8192, "tiny": 16}  # reads are 1..max bytes

# sha256 of `corpus()` and of each read pattern's read sizes (`reads_digest`), full corpus.
CORPUS_SHA256 = "18d74a6f459b23ad4b5fec58c3e081d0b58564fc672759e5dd45195b4b5324ae"
READS_SHA256 = {
    "event": "ed9fc53599f7a2c03115cb8b583e680d428a5e9e2e1d9c88a8c3afa76362b75b",
    "network": "4dfb08e12cf6468374ea7d280c4d3b131ae906ee165935932a1a2e5b8cb24b7e",
    "tiny": "098dd941c2fc228bd8df46f416c58c383db5d05904657d6ac853793342432aee",
}

_DONE = b"data: [DONE]\n\n"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_WORDS = (
    " the", " a", " of", " to", " and", " in", " is", " that", " for", " it", " with", " as", " on",
    " stream", " event", " server", " data", " line", " token", " model", " response", " function",
    " decoder", " bytes", " chunk", " JSON", " value", " field", " request", " client", " Python",
    ",", ".", ":", ";", "(", ")", "\n\n", "\n", "```", "python", " `", "`", " 0", " 1", " 42", " 2026",
    "ing", "ed", "ly", "s", " un", "able", "tion", " re",
)  # fmt: skip
_NON_ASCII = (" café", " naïve", "—", " “quoted”", "é", "ü", " 日本語", "。", " 🙂", " Ωmega", " 💡")


class _Rng:
    """Deterministic choices from one seed, using only ``random.Random.random`` (stable across versions)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed).random

    def below(self, n: int) -> int:
        """An integer in ``range(n)``."""
        return int(self._random() * n)

    def token(self, n: int) -> str:
        """``n`` characters from ``[A-Za-z0-9]``."""
        return "".join(_ALNUM[self.below(62)] for _ in range(n))


def _chunk_json(base: dict[str, object], choices: list[object], *, usage: object = None) -> bytes:
    chunk: dict[str, object] = {**base, "choices": choices}
    if usage is not None:
        chunk["usage"] = usage
    return json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode()


@functools.cache
def _payloads() -> tuple[bytes, ...]:
    """The 20,000 chunk payloads (the JSON after ``data: ``), in stream order."""
    rng = _Rng(SEED)
    base: dict[str, object] = {
        "id": "chatcmpl-" + rng.token(29),
        "object": "chat.completion.chunk",
        "created": 1764028800,
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_" + rng.token(10).lower(),
    }
    n = CORPUS_EVENTS - 1
    out = [
        _chunk_json(
            base,
            [{"index": 0, "delta": {"role": "assistant", "content": "", "refusal": None}, "finish_reason": None}],
        )
    ]
    for _ in range(n - 3):
        words = _NON_ASCII if rng.below(20) == 0 else _WORDS
        content = words[rng.below(len(words))]
        delta = {"content": content}
        choice = [{"index": 0, "delta": delta, "finish_reason": None}]
        out.append(_chunk_json(base, choice))
    out.append(_chunk_json(base, [{"index": 0, "delta": {}, "finish_reason": "stop"}]))
    usage = {"prompt_tokens": 1234, "completion_tokens": n - 3, "total_tokens": 1234 + n - 3}
    out.append(_chunk_json(base, [], usage=usage))
    return tuple(out)


@functools.cache
def _events(size: int) -> tuple[bytes, ...]:
    """The first ``size - 1`` chunks as SSE events, then ``[DONE]``: one ``bytes`` per event."""
    return (*(b"data: " + payload + b"\n\n" for payload in _payloads()[: size - 1]), _DONE)


def corpus(size: int = CORPUS_EVENTS) -> bytes:
    """The whole stream of ``size`` events (the full corpus by default)."""
    return b"".join(_events(size))


def expected_data(size: int = CORPUS_EVENTS) -> list[str]:
    """The ``data`` of each of the ``size`` events, as a conforming decoder returns them."""
    return [payload.decode() for payload in _payloads()[: size - 1]] + ["[DONE]"]


def _cut(data: bytes, max_read: int, seed: int) -> list[bytes]:
    rng = _Rng(seed)
    out = []
    i = 0
    while i < len(data):
        n = 1 + rng.below(max_read)
        out.append(data[i : i + n])
        i += n
    return out


@functools.cache
def reads(pattern: str, size: int = CORPUS_EVENTS) -> tuple[bytes, ...]:
    """The corpus of ``size`` events, cut into the reads of ``pattern`` (see the module docstring)."""
    if pattern == "event":
        return _events(size)
    return tuple(_cut(corpus(size), _READ_SIZES[pattern], SEED + len(pattern)))


@functools.cache
def anthropic_reads(size: int = CORPUS_EVENTS) -> tuple[bytes, ...]:
    """The texts of the corpus's first ``size - 1`` chunks as an Anthropic Messages stream, in network reads.

    ``message_start``, one text block with a compact ``text_delta`` event per chunk that has text (as
    Anthropic writes them), a ``ping`` every 1,000 deltas, then the block's stop, ``message_delta``
    and ``message_stop``.
    """
    texts = [choice["delta"].get("content") for data in expected_data(size)[:-1] for choice in json.loads(data)["choices"]]

    def event(payload: dict[str, object]) -> bytes:
        return f"event: {payload['type']}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()

    message = {"id": "msg_corpus", "type": "message", "role": "assistant", "model": "claude-corpus", "content": []}
    out = [
        event({"type": "message_start", "message": {**message, "usage": {"input_tokens": 12, "output_tokens": 1}}}),
        event({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ]
    for n, text in enumerate(t for t in texts if t):
        if n % 1000 == 999:
            out.append(event({"type": "ping"}))
        out.append(event({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}))
    out += [
        event({"type": "content_block_stop", "index": 0}),
        event({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": len(texts)}}),
        event({"type": "message_stop"}),
    ]
    return tuple(_cut(b"".join(out), _READ_SIZES["network"], SEED + 1))


def reads_digest(chunks: tuple[bytes, ...]) -> str:
    """sha256 of the read sizes: pins where a read pattern cuts the corpus."""
    return hashlib.sha256(",".join(str(len(chunk)) for chunk in chunks).encode()).hexdigest()


@functools.cache
def check_pins() -> None:
    """Fail unless the full corpus and its read patterns are byte for byte the pinned ones."""
    digest = hashlib.sha256(corpus()).hexdigest()
    assert digest == CORPUS_SHA256, f"the benchmark corpus changed: sha256 {digest}"
    for pattern in PATTERNS:
        chunks = reads(pattern)
        assert b"".join(chunks) == corpus(), f"{pattern} reads do not add up to the corpus"
        digest = reads_digest(chunks)
        assert digest == READS_SHA256[pattern], f"{pattern} reads changed: sha256 {digest}"


def long_line(size: int = LONG_LINE_SIZE) -> bytes:
    """One event whose single ``data:`` line carries a value of ``size`` bytes (printable ASCII)."""
    unit = b'{"arguments": "' + _ALNUM.encode() + b'"}, '
    value = (unit * (size // len(unit) + 1))[:size]
    return b"data: " + value + b"\n\n"


@functools.cache
def long_line_reads(size: int = LONG_LINE_SIZE, read: int = 256) -> tuple[bytes, ...]:
    """`long_line` cut into reads of ``read`` bytes."""
    data = long_line(size)
    return tuple(data[i : i + read] for i in range(0, len(data), read))


def long_line_byte_reads(size: int = LONG_LINE_SIZE) -> Iterator[bytes]:
    """`long_line` one byte per read, generated lazily (a list would hold 16 million references)."""
    data = long_line(size)
    return (data[i : i + 1] for i in range(len(data)))
