"""reconnecting / areconnecting: a `Stream` that reconnects with backoff and resumes where it stopped.

A connection fails in one of two ways: the source raises (a read error, a refused connection: the
caller chooses which exception types are worth a retry) or it ends before the format's terminal
marker (truncation, retried by default). Then we wait -- the server's ``retry`` value when it sent one
(WHATWG: "the reconnection time"), else exponential backoff with full jitter and a cap (AWS
Architecture Blog, "Exponential Backoff And Jitter": ``sleep = random(0, min(cap, base * 2**n))``) --
and call ``connect`` again with the resume state, up to ``max_attempts`` connections in all.

Two modes. ``"resume"``: the server continues after ``Last-Event-ID`` (the state's ``last_event_id``;
``state.headers`` spells the header), the decoder is seeded with it and the accumulator keeps going, so
every event is delivered once. ``"restart"``: the API cannot resume, so the request starts over: a
fresh decoder and accumulator (``stream.result()`` describes the last attempt only), and the caller
sees the chunks of the new attempt from the start (``stream.attempts`` tells them apart).

The sleep function is injectable (tests never really sleep), and so is the random source.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Literal

from sseparse._errors import IncompleteStreamError, StreamTimeoutError
from sseparse._stream import AsyncStream, Stream

if TYPE_CHECKING:
    import random
    from collections.abc import Awaitable, Callable

    from sseparse._stream import _Core

__all__ = ["Reconnect", "ResumeState", "areconnecting", "reconnecting"]

Mode = Literal["resume", "restart"]


MAX_WAIT = 4_294_967.0
"""The longest wait between connections in seconds (2**32 - 1 ms, about 49.7 days: the longest sleep
Windows accepts), whatever the server's ``retry`` or the backoff settings; ``max_server_wait=None``
means this."""
_MAX_EXPONENT = 1000  # 2.0**1000 is finite; beyond it every backoff is at its cap anyway


class ResumeState:
    """What ``connect`` receives: where the stream stopped and which attempt this is.

    ``last_event_id``  the last event ID seen ("" when none): send it as ``Last-Event-ID``.
    ``retry``          the server's last ``retry`` value in milliseconds, or None.
    ``attempt``        1 for the first connection, 2 for the first reconnect, ...
    ``error``          the exception that ended the previous connection (None for the first).
    ``mode``           ``"resume"`` or ``"restart"``.
    """

    __slots__ = ("attempt", "error", "last_event_id", "mode", "retry")

    def __init__(self, *, last_event_id: str, retry: int | None, attempt: int, error: BaseException | None, mode: Mode) -> None:
        self.last_event_id = last_event_id
        self.retry = retry
        self.attempt = attempt
        self.error = error
        self.mode = mode

    @property
    def headers(self) -> dict[str, str]:
        """``{"Last-Event-ID": ...}`` when resuming after an event ID, else ``{}``."""
        if self.mode == "resume" and self.last_event_id:
            return {"Last-Event-ID": self.last_event_id}
        return {}

    def __repr__(self) -> str:
        return (
            f"ResumeState(attempt={self.attempt}, last_event_id={self.last_event_id!r}, "
            f"retry={self.retry!r}, mode={self.mode!r}, error={self.error!r})"
        )


class Reconnect:
    """The reconnect policy and the ``connect`` callable, as the stream classes drive them."""

    def __init__(  # noqa: PLR0913
        self,
        connect: Callable[[ResumeState], Any],
        *,
        mode: Mode,
        retry_on: tuple[type[BaseException], ...],
        retry_truncated: bool,
        max_attempts: int,
        backoff: float,
        max_backoff: float,
        max_server_wait: float | None,
        sleep: Callable[[float], Any] | None,
        rng: random.Random | None,
    ) -> None:
        if mode not in ("resume", "restart"):
            msg = f"mode must be 'resume' or 'restart', not {mode!r}"
            raise ValueError(msg)
        if not isinstance(max_attempts, int) or max_attempts < 1:
            msg = f"max_attempts must be a positive int (connections in all), not {max_attempts!r}"
            raise ValueError(msg)
        if backoff < 0 or max_backoff < 0 or (max_server_wait is not None and max_server_wait < 0):
            msg = "backoff, max_backoff and max_server_wait must be >= 0 seconds"
            raise ValueError(msg)
        self.connect = connect
        self.mode: Mode = mode
        self.retry_on = tuple(retry_on)
        self.retry_truncated = retry_truncated
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_server_wait = max_server_wait
        self._sleep = sleep
        if rng is None:
            import random  # noqa: PLC0415 - only reconnecting streams need it

            rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._random = rng.random
        self._next = ResumeState(last_event_id="", retry=None, attempt=1, error=None, mode=mode)
        #: the waits so far, in seconds (what was passed to ``sleep``)
        self.waits: list[float] = []

    def seed(self, last_event_id: str) -> None:
        """Set the last event ID the first connection resumes after (the stream's ``last_event_id``)."""
        self._next.last_event_id = last_event_id

    @property
    def resume(self) -> bool:
        """True in resume mode."""
        return self.mode == "resume"

    def open(self) -> tuple[Any, Any]:
        """Call ``connect`` for the next attempt; returns ``(source, response or None)`` (sync)."""
        return self.unpack(self.connect(self._next))

    async def aopen(self) -> tuple[Any, Any]:
        """`open` for async ``connect`` functions (a plain function returning a source works too)."""
        result = self.connect(self._next)
        if hasattr(result, "__await__"):
            result = await result
        return self.unpack(result)

    @staticmethod
    def unpack(result: Any) -> tuple[Any, Any]:  # noqa: ANN401
        """``connect`` returns a source, or a ``(source, response)`` pair to close the response too."""
        if isinstance(result, tuple):
            source, response = result
            return source, response
        return result, None

    def retry_wait(self, exc: BaseException, core: _Core, attempts: int) -> float | None:
        """Seconds to wait before reconnecting after ``exc``, or None when it is not retried.

        Also prepares ``core`` for the next connection and records the resume state.
        """
        if attempts >= self.max_attempts:
            return None
        truncated = isinstance(exc, (IncompleteStreamError, StreamTimeoutError))
        if not ((truncated and self.retry_truncated) or isinstance(exc, self.retry_on)):
            return None
        decoder = core.decoder
        retry = decoder.retry
        self._next = ResumeState(
            last_event_id=decoder.last_event_id, retry=retry, attempt=attempts + 1, error=exc, mode=self.mode
        )
        core.reset(resume=self.resume)
        if retry is not None:
            # Bounded before any arithmetic: the wire value may have any number of digits.
            cap = MAX_WAIT if self.max_server_wait is None else min(self.max_server_wait, MAX_WAIT)
            wait = min(retry, int(cap * 1000) + 1) / 1000
            wait = min(wait, cap)  # a server (or a typo) may ask for days
        else:
            # Full jitter: uniform in [0, min(cap, base * 2**n)], n = reconnects so far (the exponent
            # bounded, so 2**n stays a float however many attempts are allowed).
            growth = self.backoff * 2.0 ** min(attempts - 1, _MAX_EXPONENT)
            wait = self._random() * min(self.max_backoff, growth, MAX_WAIT)
        self.waits.append(wait)
        return wait

    def sleep(self, seconds: float) -> None:
        (self._sleep or time.sleep)(seconds)

    async def asleep(self, seconds: float) -> None:
        sleep: Callable[[float], Any] | None = self._sleep
        if sleep is None:
            import asyncio  # noqa: PLC0415 - `import sseparse` must not import asyncio

            sleep = asyncio.sleep
        result = sleep(seconds)
        if hasattr(result, "__await__"):
            await result


def reconnecting(  # noqa: PLR0913
    connect: Callable[[ResumeState], Any],
    format: str | None = None,  # noqa: A002
    *,
    mode: Mode = "resume",
    retry_on: tuple[type[BaseException], ...] = (),
    retry_truncated: bool = True,
    max_attempts: int = 5,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
    max_server_wait: float | None = 300.0,
    sleep: Callable[[float], object] | None = None,
    rng: random.Random | None = None,
    **options: Any,  # noqa: ANN401
) -> Stream[Any]:
    r"""Return a `Stream` that reconnects as many times as it takes.

    ``connect(state)`` gets a `ResumeState` and returns a byte source (what `Stream` accepts), or a
    ``(source, response)`` pair; it is called lazily, when iteration starts. A connection that raises
    one of ``retry_on`` (from ``connect`` or while reading) or ends before the terminal marker
    (``retry_truncated``) is followed by a wait -- the server's ``retry`` if it sent one (at most
    ``max_server_wait`` seconds; None for no cap), else ``uniform(0, min(max_backoff, backoff * 2**n))``
    -- and a new connection, up to ``max_attempts``
    connections in all; then the last error is raised. ``sleep`` defaults to `time.sleep`; pass your
    own in tests. Other keyword options are those of `Stream` (``raw``, ``allow_truncated``, ...).

    >>> stream = reconnecting(lambda state: [b"data: hi\n\n"])
    >>> [event.data for event in stream]
    ['hi']
    """
    policy = Reconnect(
        connect,
        mode=mode,
        retry_on=retry_on,
        retry_truncated=retry_truncated,
        max_attempts=max_attempts,
        backoff=backoff,
        max_backoff=max_backoff,
        max_server_wait=max_server_wait,
        sleep=sleep,
        rng=rng,
    )
    return Stream(None, format, _reconnect=policy, **options)


def areconnecting(  # noqa: PLR0913
    connect: Callable[[ResumeState], Any | Awaitable[Any]],
    format: str | None = None,  # noqa: A002
    *,
    mode: Mode = "resume",
    retry_on: tuple[type[BaseException], ...] = (),
    retry_truncated: bool = True,
    max_attempts: int = 5,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
    max_server_wait: float | None = 300.0,
    sleep: Callable[[float], object] | None = None,
    rng: random.Random | None = None,
    **options: Any,  # noqa: ANN401
) -> AsyncStream[Any]:
    """Return an `AsyncStream` that reconnects: the async twin of `reconnecting`.

    ``connect`` may be a coroutine function.

    ``sleep`` defaults to `asyncio.sleep` (a plain or an async function both work). An idle timeout
    (``idle_timeout=``, `StreamTimeoutError`) counts as a truncation.
    """
    policy = Reconnect(
        connect,
        mode=mode,
        retry_on=retry_on,
        retry_truncated=retry_truncated,
        max_attempts=max_attempts,
        backoff=backoff,
        max_backoff=max_backoff,
        max_server_wait=max_server_wait,
        sleep=sleep,
        rng=rng,
    )
    return AsyncStream(None, format, _reconnect=policy, **options)
