"""Chunk shapes: read a chunk that repeats the one before it but for its strings, without a JSON parse.

Most chunks of an LLM stream repeat the chunk before them byte for byte except for one string: the
delta's text (and, in OpenAI's streams, the random ``obfuscation`` padding). A `Shape` is such a chunk
cut around those strings: the text before the first string, between the two, and after the last.
`learn` cuts it from a chunk that was parsed in full; `match` then reads a later chunk that has
exactly the same text around its strings by scanning those strings only.

Why the result is the full parse's: JSON is tokenised left to right and a string token ends at its
first unescaped quote, so a text made of the same segments around other well-formed string tokens
is the same JSON value with only those strings changed. `match` scans each string with the standard
library's own string scanner (``json.decoder.scanstring``, strict: raw control characters are
refused, as the full parse refuses them), and declines (returns None) whatever it cannot prove:
another text around the strings, a string that does not end where a segment starts, a value with a
surrogate (the full parse's surrogate rule then applies). `learn` only cuts a shape when each string's
key appears exactly once in the chunk, as a key followed by a string (whitespace around the colon is
allowed), and no segment holds a backslash, so no escaped key can hide a second occurrence (a
duplicate key, whose last value wins).

Standard library only; the accumulators decide which chunks are worth a shape and what the strings mean.
"""

from __future__ import annotations

import json.decoder
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from sseparse._events import ServerSentEvent

# The standard library's string scanner (C), the one json.loads uses: (text, index after the opening
# quote) -> (value, index after the closing quote); strict, so raw control characters raise ValueError.
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

__all__ = ["Shape", "feed_runs", "learn", "match", "match_run"]

_SURROGATE = re.compile("[\ud800-\udfff]")
# After a key: the colon and the opening quote of a string value, with JSON's whitespace around the colon.
_COLON_QUOTE = re.compile('[ \t\n\r]*:[ \t\n\r]*"')

Shape = tuple[str, "str | None", str, bool]
"""``(head, mid, tail, first_kept)``: the text before the first string (up to and with its opening
quote), between the strings (None with one string), after the last; which string `match` returns."""


def learn(data: str, kept: str, ignored: str | None = None) -> Shape | None:
    """Cut the shape of ``data`` around the string values of the keys ``kept`` and ``ignored``.

    ``data`` was parsed in full and the caller checked the value: it holds each key once, with a
    string value, where the caller expects it. Returns None when the text does not allow a shape.
    """
    spots = []
    for key in (kept, ignored):
        if key is None:
            continue
        token = f'"{key}"'
        if data.count(token) != 1:
            return None
        found = _COLON_QUOTE.match(data, data.find(token) + len(token))
        if found is None:
            return None
        opened = found.end()  # just after the string's opening quote
        try:
            _, end = scanstring(data, opened)
        except ValueError:
            return None
        spots.append((opened, end, key == kept))
    spots.sort()
    first, last = spots[0], spots[-1]
    mid = data[first[1] : last[0]] if len(spots) == 2 else None
    head, tail = data[: first[0]], data[last[1] :]
    if "\\" in head or "\\" in tail or (mid is not None and "\\" in mid):
        return None
    return head, mid, tail, first[2]


def match(shape: Shape, data: str) -> str | None:
    """Return the kept string of ``data`` if ``data`` has ``shape``, else None (then parse it in full)."""
    head, mid, tail, first_kept = shape
    if not data.startswith(head):
        return None
    try:
        value, end = scanstring(data, len(head))
        if mid is not None:
            if not data.startswith(mid, end):
                return None
            other, end = scanstring(data, end + len(mid))
            if not first_kept:
                value = other
    except ValueError:
        return None
    if len(data) - end != len(tail) or not data.endswith(tail):
        return None
    if not value.isascii() and _SURROGATE.search(value) is not None:
        return None
    return value


def match_run(
    shape: Shape, events: Iterator[ServerSentEvent], add: Callable[[str], object]
) -> tuple[int, ServerSentEvent | None]:
    """Take events from ``events`` while they have ``shape`` and are not ``event: error``; ``add`` each non-empty kept string.

    Returns how many events were taken and the first one that was not (None at the end). What
    `match` does, inline: this loop is the whole per-chunk cost of a long stream.
    """
    head, mid, tail, first_kept = shape
    start, tail_len = len(head), len(tail)
    taken = 0
    for event in events:
        data = event.data
        if not data.startswith(head) or event.event == "error":
            return taken, event
        try:
            value, end = scanstring(data, start)
            if mid is not None:
                if not data.startswith(mid, end):
                    return taken, event
                other, end = scanstring(data, end + len(mid))
                if not first_kept:
                    value = other
        except ValueError:
            return taken, event
        if len(data) - end != tail_len or not data.endswith(tail):
            return taken, event
        if value:
            if not value.isascii() and _SURROGATE.search(value) is not None:
                return taken, event
            add(value)
        taken += 1
    return taken, None


def feed_runs(
    feed: Callable[[ServerSentEvent, None], None],
    events: Iterable[ServerSentEvent],
    current: Callable[[], tuple[Shape, Callable[[str], object]] | None],
) -> None:
    """Feed ``events`` to an accumulator: each with ``feed(event, None)``, and runs of shaped events in one loop.

    After each fed event, ``current()`` gives the accumulator's shape and what to do with each
    non-empty kept string (None: no shape, or the stream is over); `match_run` then takes every
    following event of that shape, and the first that is not one is fed (and may teach a new shape).
    The fragments a run appends to were marked seen by the event the shape was learnt from.
    """
    events = iter(events)  # one iterator: the runs take from it too
    for event in events:
        feed(event, None)
        run = current()
        while run is not None:
            _, stopped = match_run(run[0], events, run[1])
            if stopped is None:
                return
            feed(stopped, None)
            run = current()
