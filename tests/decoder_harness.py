"""Feed-it-every-way helpers for the decoder tests (h11's ``tr()``, generalised).

`feed_and_close` is the one feed-every-chunk-then-close loop of the decoder tests; with ``errors=[]``
it also keeps the events an `EventTooLargeError` carries and goes on, as a caller with a size limit
does. `decode` runs one chunking through one decoder mode and returns an `Outcome` (events, every valid
``retry`` in stream order, the final last event ID), checking on the way that every value has exactly
the type the API promises. `check_every_way` asserts one expected `Outcome` for a stream fed whole, one
byte at a time, at every 2-way split (short inputs), as bytearray and memoryview, at a given chunking
and at random splits, in every decoder mode: the modes take different code paths inside `SSEDecoder`
(the fast path, the general path with diagnostics, and the general path with a size limit).
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import random
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from sseparse import EventTooLargeError, ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from pathlib import Path

    from sseparse._typing import Buffer

# Every mode must give the same answer; they exercise different code in SSEDecoder.
MODES: dict[str, dict[str, Any]] = {
    "plain": {},
    "diagnostics": {"diagnostics": True},
    "limit": {"max_event_size": 1 << 62},
}
SHORT_INPUT = 200  # below this many bytes, every 2-way split is tried
RANDOM_SPLITS = 8

EventTuple = tuple[str, str, str, int | None]


@dataclass(frozen=True)
class Outcome:
    """What a stream decodes to: the events, the retry updates and the final last event ID."""

    events: tuple[EventTuple, ...]
    retry_updates: tuple[int, ...] = ()
    final_last_event_id: str = ""


def event_tuple(event: ServerSentEvent) -> EventTuple:
    """The event as a plain tuple, after checking each attribute's exact type."""
    assert type(event) is ServerSentEvent
    assert type(event.event) is str
    assert type(event.data) is str
    assert type(event.id) is str
    assert event.retry is None or type(event.retry) is int
    return (event.event, event.data, event.id, event.retry)


def _step(call: Callable[[], list[ServerSentEvent]], errors: list[EventTooLargeError] | None) -> list[ServerSentEvent]:
    try:
        got = call()
    except EventTooLargeError as exc:
        if errors is None:
            raise
        errors.append(exc)
        return list(exc.events)
    assert type(got) is list
    return got


def feed_and_close(
    decoder: SSEDecoder, chunks: Iterable[Buffer], *, errors: list[EventTooLargeError] | None = None
) -> list[ServerSentEvent]:
    """Feed every chunk to ``decoder``, then close it; return every event, in order.

    Without ``errors`` an `EventTooLargeError` propagates. With a list, each one is appended to it and
    the events it carries are kept, and feeding goes on (the decoder has skipped the oversized event).
    """
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += _step(functools.partial(decoder.feed, chunk), errors)
    events += _step(decoder.close, errors)
    return events


def decode(chunks: Sequence[Buffer], *, mode: str = "plain", last_event_id: str = "", **options: Any) -> Outcome:
    """Feed ``chunks`` to a fresh decoder in ``mode``, close it, and return what came out."""
    updates: list[int] = []
    decoder = SSEDecoder(last_event_id=last_event_id, on_retry=updates.append, **MODES[mode], **options)
    events = feed_and_close(decoder, chunks)
    assert type(decoder.last_event_id) is str
    assert all(type(u) is int for u in updates)
    assert decoder.retry == (updates[-1] if updates else None)
    return Outcome(tuple(event_tuple(e) for e in events), tuple(updates), decoder.last_event_id)


def random_split(data: bytes, rng: random.Random, *, max_cuts: int = 12) -> list[bytes]:
    """Cut ``data`` at random places (empty chunks included now and then)."""
    cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(1, max_cuts)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def chunkings(data: bytes, *, given: Sequence[bytes] | None = None, seed: int = 0) -> Iterator[tuple[str, list[Buffer]]]:
    """Yield ``(label, chunks)`` for every way `check_every_way` feeds ``data``."""
    yield "whole", [data]
    yield "whole-bytearray", [bytearray(data)]
    yield "whole-memoryview", [memoryview(data)]
    yield "with-empty-chunks", [b"", data, b""]
    yield "bytewise", [data[i : i + 1] for i in range(len(data))]
    yield "bytewise-memoryview", [memoryview(data)[i : i + 1] for i in range(len(data))]
    if len(data) < SHORT_INPUT:
        for i in range(1, len(data)):
            yield f"split-at-{i}", [data[:i], data[i:]]
    if given is not None:
        yield "given", list(given)
    rng = random.Random(f"{seed}:{len(data)}")
    for n in range(RANDOM_SPLITS):
        yield f"random-{n}", list(random_split(data, rng))


def check_every_way(
    data: bytes,
    expected: Outcome,
    *,
    given: Sequence[bytes] | None = None,
    last_event_id: str = "",
) -> None:
    """Assert that ``data`` decodes to ``expected`` in every mode and under every chunking."""
    for mode in MODES:
        for label, chunks in chunkings(data, given=given):
            got = decode(chunks, mode=mode, last_event_id=last_event_id)
            assert got == expected, f"mode={mode} chunking={label}"


# -- corpus files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One conformance case, decoded from the JSON schema shared with sse-vectors.json."""

    name: str
    data: bytes
    chunks: tuple[bytes, ...] | None
    initial_last_event_id: str
    expected: Outcome
    tags: tuple[str, ...]
    raw: dict[str, Any]


def case_from_json(raw: dict[str, Any]) -> Case:
    """Turn one JSON case into a `Case`."""
    chunks = raw.get("chunks_b64")
    return Case(
        name=raw["name"],
        data=base64.b64decode(raw["input_b64"], validate=True),
        chunks=None if chunks is None else tuple(base64.b64decode(c, validate=True) for c in chunks),
        initial_last_event_id=raw.get("initial_last_event_id", ""),
        expected=Outcome(
            tuple((e["event"], e["data"], e["id"], e["retry"]) for e in raw["expected"]),
            tuple(raw["expected_retry_updates"]),
            raw["expected_final_last_event_id"],
        ),
        tags=tuple(raw["tags"]),
        raw=raw,
    )


def load_cases(text: str) -> list[Case]:
    """Parse a corpus file's text."""
    return [case_from_json(raw) for raw in json.loads(text)]


def project_corpus_text() -> str:
    """The shipped corpus, read as package data (the way a conformance checker reads it)."""
    return resources.files("sseparse").joinpath("_data", "sse-cases.json").read_text(encoding="utf-8")


def read_cases(path: Path) -> list[Case]:
    """Load a corpus file from disk."""
    return load_cases(path.read_text(encoding="utf-8"))
