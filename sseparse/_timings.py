"""Timings of a live stream: time to first byte, chunk and delta; throughput (standard library only).

`Stream` records a few clock readings as it reads (one per read of the source, none per chunk) and
`Timings` is the value built from them on demand: ``stream.timings`` and ``result().timings``.
Every figure is in seconds from the moment the stream was opened (the `Stream` was made), read
from the stream's clock (`time.perf_counter` unless one is given, so tests inject their own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Clock", "Timings", "output_tokens"]

# The usage keys that count the generated tokens, per format (reasoning/thinking tokens included:
# they are generated too). The first set with a number in the usage wins.
_OUTPUT_TOKEN_KEYS: tuple[tuple[str, ...], ...] = (
    ("completion_tokens",),  # OpenAI Chat (reasoning tokens are part of it)
    ("output_tokens",),  # OpenAI Responses, Anthropic
    ("candidatesTokenCount", "thoughtsTokenCount"),  # Gemini counts thoughts apart
)


def output_tokens(usage: dict[str, Any] | None) -> int | None:
    """Return the number of generated tokens a usage dict reports, or None when it has none."""
    if not isinstance(usage, dict):
        return None
    for keys in _OUTPUT_TOKEN_KEYS:
        counts = [usage.get(key) for key in keys]
        numbers = [count for count in counts if isinstance(count, int) and not isinstance(count, bool)]
        if numbers:
            return sum(numbers)
    return None


class Timings:
    """How a live stream went, in seconds from opening (None: not happened yet).

    ``first_byte``   the first byte of the body arrived.
    ``first_chunk``  the first chunk (event with data) was decoded.
    ``first_delta``  the first answer text or tool-call delta arrived (time to first token).
    ``total``        the stream ended (or, while it runs, the time so far); ``ended`` says which.
    ``chunks``       how many chunks arrived; ``chunks_per_second`` their rate from the first to the last.
    ``output_tokens``  the generated tokens, once the stream reported its usage;
    ``output_tokens_per_second`` those tokens over the time from the first delta (the first chunk
                     when there was none) to the last chunk.
    """

    __slots__ = (
        "chunks",
        "chunks_per_second",
        "ended",
        "first_byte",
        "first_chunk",
        "first_delta",
        "output_tokens",
        "output_tokens_per_second",
        "total",
    )

    def __init__(  # noqa: PLR0913
        self,
        *,
        first_byte: float | None,
        first_chunk: float | None,
        first_delta: float | None,
        total: float,
        ended: bool,
        chunks: int,
        chunks_per_second: float | None,
        output_tokens: int | None,
        output_tokens_per_second: float | None,
    ) -> None:
        self.first_byte = first_byte
        self.first_chunk = first_chunk
        self.first_delta = first_delta
        self.total = total
        self.ended = ended
        self.chunks = chunks
        self.chunks_per_second = chunks_per_second
        self.output_tokens = output_tokens
        self.output_tokens_per_second = output_tokens_per_second

    def as_dict(self) -> dict[str, Any]:
        """Every field by name."""
        return {name: getattr(self, name) for name in sorted(self.__slots__)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timings):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.as_dict().items() if value is not None)
        return f"Timings({shown})"


class Clock:
    """The clock readings of one stream (what `Timings` is computed from)."""

    __slots__ = ("chunks", "ended", "first_byte", "first_chunk", "first_delta", "last_chunk", "last_read", "now", "opened")

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.opened = now()
        self.last_read = self.opened
        self.first_byte: float | None = None
        self.first_chunk: float | None = None
        self.first_delta: float | None = None
        self.last_chunk: float | None = None
        self.ended: float | None = None
        self.chunks = 0

    def read(self, size: int) -> None:
        """Record a read of ``size`` bytes that just returned."""
        self.last_read = now = self.now()
        if self.first_byte is None and size:
            self.first_byte = now

    def chunk(self) -> None:
        """Record a chunk decoded from the latest read."""
        self.chunks += 1
        self.last_chunk = self.last_read
        if self.first_chunk is None:
            self.first_chunk = self.last_read

    def delta(self) -> None:
        """Record a text or tool-call delta decoded from the latest read (the first one counts)."""
        if self.first_delta is None:
            self.first_delta = self.last_read

    def end(self) -> None:
        """Record the end of the stream (the first call counts)."""
        if self.ended is None:
            self.ended = self.now()

    def timings(self, usage: dict[str, Any] | None) -> Timings:
        """Return the `Timings` so far; ``usage`` is the stream's usage (None when not known yet)."""
        opened = self.opened
        end = self.ended if self.ended is not None else self.now()
        since = _since(opened)
        start, last = self.first_chunk, self.last_chunk
        rate = None
        if start is not None and last is not None and last > start and self.chunks > 1:
            rate = (self.chunks - 1) / (last - start)  # intervals between chunks, over their span
        tokens = output_tokens(usage)
        token_rate = None
        begin = self.first_delta if self.first_delta is not None else start
        if tokens is not None and begin is not None and last is not None and last > begin:
            token_rate = tokens / (last - begin)
        return Timings(
            first_byte=since(self.first_byte),
            first_chunk=since(start),
            first_delta=since(self.first_delta),
            total=end - opened,
            ended=self.ended is not None,
            chunks=self.chunks,
            chunks_per_second=rate,
            output_tokens=tokens,
            output_tokens_per_second=token_rate,
        )


def _since(opened: float) -> Callable[[float | None], float | None]:
    def since(moment: float | None) -> float | None:
        return None if moment is None else moment - opened

    return since
