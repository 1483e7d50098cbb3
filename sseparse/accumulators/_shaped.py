"""ShapedAccumulator: the feed of an accumulator whose events may be read by their shape (standard library only).

A format whose events mostly repeat the last one but for a string (see `_shapes`) subclasses it. After
an event parsed in full, the subclass may keep a shape in ``self._shape`` (cut from ``self._text``,
the data being parsed, with two values of its own saying where the string goes); while the next
events have that shape, `_feed` hands their string to `_shaped` (with updates) and a batch hands
runs of them to `_run_target` (no updates). The first event without it drops the shape and is
parsed in full, as is every event once the stream has ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from sseparse.accumulators._base import BaseAccumulator
from sseparse.accumulators._shapes import Shape, feed_runs, match

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators._updates import Update

__all__ = ["ShapedAccumulator"]

A = TypeVar("A")
B = TypeVar("B")


class ShapedAccumulator(BaseAccumulator, Generic[A, B]):
    """A `BaseAccumulator` that reads an event shaped as the last one parsed in full by its string alone."""

    def __init__(self) -> None:
        super().__init__()
        self._shape: tuple[Shape, A, B] | None = None  # set by the subclass after a full parse
        self._text = ""  # the data of the event being parsed in full, to cut a shape from

    def _feed(self, event: ServerSentEvent, out: list[Update] | None) -> None:
        """Take an event shaped as the last one parsed in full by its string alone (see `_shapes`), else parse it."""
        shaped = self._shape
        if shaped is not None:
            value = match(shaped[0], event.data)
            if value is not None and event.event != "error" and not self._finished and not self._closed:
                self._shaped(value, shaped[1], shaped[2], out)
                return
            self._shape = None
        self._text = event.data
        super()._feed(event, out)
        self._text = ""

    def _feed_all(self, events: Iterator[ServerSentEvent]) -> None:
        """Take a batch of events with no updates; runs of shaped events go through `match_run`."""
        feed_runs(self._feed, events, self._run)

    def _run(self) -> tuple[Shape, Callable[[str], object]] | None:
        """Return the shape to read the next events by, and where their strings go (`feed_runs`)."""
        shaped = self._shape
        if shaped is None or self._finished or self._closed:
            return None
        return shaped[0], self._run_target(shaped[1], shaped[2])

    def _shaped(self, value: str, a: A, b: B, out: list[Update] | None) -> None:
        """Merge the string of a shaped event, as the full parse would merge that event."""
        raise NotImplementedError

    def _run_target(self, a: A, b: B) -> Callable[[str], object]:
        """Return what `_shaped` does with each non-empty string of a run, without updates, as one callable."""
        raise NotImplementedError
