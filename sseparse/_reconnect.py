"""reconnecting / areconnecting: a `Stream` that reconnects with backoff, resuming or starting over.

A connection fails in one of three ways: ``connect`` raises (a refused connection), the response is an
HTTP error (`StreamHTTPError`), or the stream breaks (a dropped connection or a read timeout:
`IncompleteStreamError` / `StreamTimeoutError`, or a body that ends before the format's terminal
marker). Then, when the failure is worth a retry (see `Reconnect.retryable`), we wait -- the server's
``Retry-After`` on an HTTP error, else its SSE ``retry`` value when it sent one (WHATWG: "the
reconnection time"), else exponential backoff with full jitter and a cap (AWS Architecture Blog,
"Exponential Backoff And Jitter": ``sleep = random(0, min(cap, base * 2**n))``); a server's wait is
capped by ``max_server_wait`` -- and call ``connect`` again, up to ``max_attempts`` connections and
within ``deadline`` seconds in all. When we give up, the last error is raised with every attempt's
error on it (``.attempts`` and exception notes).

Resume or restart. Resuming (the server continues after ``Last-Event-ID``: ``state.headers`` spells
the header) keeps the accumulator: every event is delivered once. Restarting (an LLM API, which sends
no event IDs and cannot resume) starts the request over with a fresh decoder and accumulator, so
``stream.result()`` never holds output of an abandoned attempt, and says so before the first chunk of
the new attempt: the ``on_restart(state)`` callback, and a `ResetUpdate` for ``updates()``. The
default mode ``"auto"`` resumes when the stream has given an event ID and restarts otherwise;
``"resume"`` and ``"restart"`` force one.

The sleep function, the clock and the random source are injectable (tests never really sleep).
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any, Literal, overload

from sseparse._errors import IncompleteStreamError, StreamHTTPError, StreamTimeoutError
from sseparse._sources import transport_failure
from sseparse._stream import AsyncStream, Stream

if TYPE_CHECKING:
    import random
    from collections.abc import Awaitable, Callable
    from typing import Unpack

    from sseparse._events import ServerSentEvent
    from sseparse._stream import _Core, _ReadOptions
    from sseparse.models.anthropic import MessageStreamEvent
    from sseparse.models.cohere import StreamedChatResponse
    from sseparse.models.gemini import GenerateContentResponse
    from sseparse.models.openai_chat import ChatCompletionChunk
    from sseparse.models.openai_responses import ResponseStreamEvent

    class _ReconnectOptions(_ReadOptions, total=False):
        """The keyword options of `reconnecting` / `areconnecting` besides ``raw``: the policy's, and how the stream reads."""

        mode: Mode
        retry_on: tuple[type[BaseException], ...]
        retry_if: Callable[[BaseException], bool] | None
        retry_truncated: bool
        max_attempts: int
        deadline: float | None
        backoff: float
        max_backoff: float
        max_server_wait: float | None
        on_restart: Callable[[ResumeState], object] | None
        sleep: Callable[[float], object] | None
        rng: random.Random | None

    _Connect = Callable[["ResumeState"], Any]
    _AsyncConnect = Callable[["ResumeState"], Any | Awaitable[Any]]

__all__ = ["Reconnect", "ResumeState", "areconnecting", "reconnecting"]

Mode = Literal["auto", "resume", "restart"]

# 4xx statuses that are worth a retry: Request Timeout, Conflict, Too Many Requests
_RETRIED_4XX = frozenset({408, 409, 429})


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
    ``mode``           ``"resume"`` or ``"restart"``: what this attempt does (``"auto"`` decided).
    """

    __slots__ = ("attempt", "error", "last_event_id", "mode", "retry")

    def __init__(
        self,
        *,
        last_event_id: str,
        retry: int | None,
        attempt: int,
        error: BaseException | None,
        mode: Literal["resume", "restart"],
    ) -> None:
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
        retry_if: Callable[[BaseException], bool] | None = None,
        deadline: float | None = None,
        on_restart: Callable[[ResumeState], Any] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if mode not in ("auto", "resume", "restart"):
            msg = f"mode must be 'auto', 'resume' or 'restart', not {mode!r}"
            raise ValueError(msg)
        if deadline is not None and not deadline >= 0:
            msg = f"deadline must be a number of seconds >= 0 or None, not {deadline!r}"
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
        self.retry_if = retry_if
        self.deadline = deadline
        self.on_restart = on_restart
        self._clock = clock or time.monotonic
        self._started: float | None = None
        self._next = ResumeState(last_event_id="", retry=None, attempt=1, error=None, mode=self._mode_for(""))
        self._restart: ResumeState | None = None  # a restart to announce before the next attempt's first chunk
        #: the waits so far, in seconds (what was passed to ``sleep``)
        self.waits: list[float] = []
        #: the error of each failed attempt so far
        self.errors: list[BaseException] = []

    def seed(self, last_event_id: str) -> None:
        """Set the last event ID the first connection resumes after (the stream's ``last_event_id``)."""
        self._next = ResumeState(
            last_event_id=last_event_id, retry=None, attempt=1, error=None, mode=self._mode_for(last_event_id)
        )

    def _mode_for(self, last_event_id: str) -> Literal["resume", "restart"]:
        return "resume" if self.resumes(last_event_id) else "restart"

    def resumes(self, last_event_id: str) -> bool:
        """Return True when a reconnect after ``last_event_id`` resumes (else the request starts over)."""
        return self.mode == "resume" or (self.mode == "auto" and bool(last_event_id))

    def open(self) -> tuple[Any, Any]:
        """Call ``connect`` for the next attempt; returns ``(source, response or None)`` (sync)."""
        self._start()
        return self.unpack(self.connect(self._next))

    async def aopen(self) -> tuple[Any, Any]:
        """`open` for async ``connect`` functions (a plain function returning a source works too)."""
        self._start()
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

    def _start(self) -> None:
        if self._started is None:
            self._started = self._clock()

    def retryable(self, exc: BaseException) -> bool:
        """Return True when ``exc`` is worth another connection.

        ``retry_if(exc)`` or ``retry_on`` (the exception or, for a failed read, its cause) say yes;
        so do a truncation or a stall (``retry_truncated``), an HTTP error with a 5xx status or 408,
        409, 429, and a transport failure of ``connect`` (a refused connection). The rest -- other
        4xx statuses, a response that is not an event stream, errors of your code -- is not retried.
        """
        if self.retry_if is not None and self.retry_if(exc):
            return True
        if isinstance(exc, self.retry_on) or isinstance(exc.__cause__, self.retry_on):
            return True
        if isinstance(exc, StreamHTTPError):
            return exc.status >= 500 or exc.status in _RETRIED_4XX
        if isinstance(exc, (IncompleteStreamError, StreamTimeoutError)):
            return self.retry_truncated
        return transport_failure(exc) is not None

    def retry_wait(self, exc: BaseException, core: _Core, attempts: int) -> float | None:
        """Seconds to wait before reconnecting after ``exc``, or None when it is not retried.

        Also prepares ``core`` for the next connection and records the resume state. When the answer
        is None, ``exc`` carries every attempt's error (see `give_up`).
        """
        self.errors.append(exc)
        if attempts >= self.max_attempts or not self.retryable(exc):
            self.give_up(exc)
            return None
        decoder = core.decoder
        wait = self._wait(exc, decoder.retry, attempts)
        if self.deadline is not None and self._clock() + wait - (self._started or 0.0) > self.deadline:
            self.give_up(exc, f"the deadline of {self.deadline:g} s leaves no time for another attempt")
            return None
        last_event_id = decoder.last_event_id
        resume = self.resumes(last_event_id)
        self._next = ResumeState(
            last_event_id=last_event_id, retry=decoder.retry, attempt=attempts + 1, error=exc, mode=self._mode_for(last_event_id)
        )
        if not resume and (self._restart is not None or core.decoded):
            self._restart = self._next  # output of this attempt was handed out: announce the restart
        core.reset(resume=resume)
        self.waits.append(wait)
        return wait

    def _wait(self, exc: BaseException, retry: int | None, attempts: int) -> float:
        """Return the wait before the next attempt: the server's (capped) when it asked, else the backoff."""
        cap = MAX_WAIT if self.max_server_wait is None else min(self.max_server_wait, MAX_WAIT)
        retry_after = exc.retry_after if isinstance(exc, StreamHTTPError) else None
        if retry_after is not None:
            return min(retry_after, cap)
        if retry is not None:
            # Bounded before any arithmetic: the wire value may have any number of digits.
            return min(min(retry, int(cap * 1000) + 1) / 1000, cap)  # a server (or a typo) may ask for days
        # Full jitter: uniform in [0, min(cap, base * 2**n)], n = reconnects so far (the exponent
        # bounded, so 2**n stays a float however many attempts are allowed).
        growth = self.backoff * 2.0 ** min(attempts - 1, _MAX_EXPONENT)
        return self._random() * min(self.max_backoff, growth, MAX_WAIT)

    def give_up(self, exc: BaseException, why: str | None = None) -> None:
        """Put every attempt's error on ``exc``, the error about to be raised: ``exc.attempts`` and notes."""
        errors = self.errors
        with contextlib.suppress(AttributeError):  # an exception class with __slots__: the notes still tell
            exc.attempts = list(errors)  # type: ignore[attr-defined]
        if len(errors) < 2 and why is None:
            return
        for number, error in enumerate(errors[:-1], start=1):
            exc.add_note(f"attempt {number} of {len(errors)} failed: {type(error).__name__}: {error}")
        exc.add_note(why or f"gave up after {len(errors)} attempts")

    def began(self, core: _Core) -> None:
        """Announce a pending restart (``on_restart``, a `ResetUpdate`) now that a connection is open, before its first chunk."""
        state = self._restart
        if state is None:
            return
        self._restart = None
        core.announce_reset()
        if self.on_restart is not None:
            self.on_restart(state)

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


# What the stream yields, for type checkers: the same as `Stream` for the same format and ``raw``.
@overload
def reconnecting(
    connect: _Connect,
    format: None = None,
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[ServerSentEvent]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: str,
    *,
    raw: Literal[True],
    **options: Unpack[_ReconnectOptions],
) -> Stream[dict[str, Any]]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: Literal["openai-chat"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[ChatCompletionChunk]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: Literal["openai-responses"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[ResponseStreamEvent]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: Literal["anthropic-messages"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[MessageStreamEvent]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: Literal["gemini"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[GenerateContentResponse]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: Literal["cohere-v2"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[StreamedChatResponse]: ...
@overload
def reconnecting(
    connect: _Connect,
    format: str | None = None,
    *,
    raw: bool = False,
    **options: Unpack[_ReconnectOptions],
) -> Stream[Any]: ...
def reconnecting(  # noqa: PLR0913
    connect: Callable[[ResumeState], Any],
    format: str | None = None,  # noqa: A002
    *,
    mode: Mode = "auto",
    retry_on: tuple[type[BaseException], ...] = (),
    retry_if: Callable[[BaseException], bool] | None = None,
    retry_truncated: bool = True,
    max_attempts: int = 5,
    deadline: float | None = None,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
    max_server_wait: float | None = 300.0,
    on_restart: Callable[[ResumeState], object] | None = None,
    sleep: Callable[[float], object] | None = None,
    clock: Callable[[], float] | None = None,
    rng: random.Random | None = None,
    **options: Any,
) -> Stream[Any]:
    r"""Return a `Stream` that reconnects as many times as it takes.

    ``connect(state)`` gets a `ResumeState` and returns a byte source or a response object (what
    `Stream` accepts), or a ``(source, response)`` pair; it is called lazily, when iteration starts.

    What is retried (see `Reconnect.retryable`): a cut or a stall (``retry_truncated``), an HTTP
    error with a 5xx status or 408, 409, 429 (other 4xx are not), a transport failure of ``connect``,
    and whatever ``retry_on`` (exception types) or ``retry_if(exc)`` accept. The wait: the server's
    ``Retry-After``, else its ``retry`` field (either at most ``max_server_wait`` seconds; None: no
    cap), else ``uniform(0, min(max_backoff, backoff * 2**n))``. At most ``max_attempts``
    connections, and no new one after ``deadline`` seconds from the first; then the last error is
    raised, with ``.attempts`` (every attempt's error) and a note per attempt.

    ``mode``: ``"auto"`` resumes with ``Last-Event-ID`` when the stream gave an event ID and starts
    over otherwise; ``"resume"`` and ``"restart"`` force one. A restart resets ``stream.result()``
    and calls ``on_restart(state)`` before the first chunk of the new attempt (when chunks of the
    abandoned one were handed out). ``sleep`` defaults to `time.sleep` and ``clock`` to
    `time.monotonic`; pass your own in tests (a ``clock`` given here also drives the stream's
    ``timings``). Other keyword options are those of `Stream`.

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
        retry_if=retry_if,
        deadline=deadline,
        on_restart=on_restart,
        clock=clock,
    )
    if clock is not None:
        options.setdefault("clock", clock)  # one clock for the deadline and the stream's timings
    return Stream(None, format, _reconnect=policy, **options)


# What the stream yields, for type checkers: the same as `AsyncStream` for the same format and ``raw``.
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: None = None,
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[ServerSentEvent]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: str,
    *,
    raw: Literal[True],
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[dict[str, Any]]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: Literal["openai-chat"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[ChatCompletionChunk]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: Literal["openai-responses"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[ResponseStreamEvent]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: Literal["anthropic-messages"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[MessageStreamEvent]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: Literal["gemini"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[GenerateContentResponse]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: Literal["cohere-v2"],
    *,
    raw: Literal[False] = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[StreamedChatResponse]: ...
@overload
def areconnecting(
    connect: _AsyncConnect,
    format: str | None = None,
    *,
    raw: bool = False,
    **options: Unpack[_ReconnectOptions],
) -> AsyncStream[Any]: ...
def areconnecting(  # noqa: PLR0913
    connect: Callable[[ResumeState], Any | Awaitable[Any]],
    format: str | None = None,  # noqa: A002
    *,
    mode: Mode = "auto",
    retry_on: tuple[type[BaseException], ...] = (),
    retry_if: Callable[[BaseException], bool] | None = None,
    retry_truncated: bool = True,
    max_attempts: int = 5,
    deadline: float | None = None,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
    max_server_wait: float | None = 300.0,
    on_restart: Callable[[ResumeState], object] | None = None,
    sleep: Callable[[float], object] | None = None,
    clock: Callable[[], float] | None = None,
    rng: random.Random | None = None,
    **options: Any,
) -> AsyncStream[Any]:
    """Return an `AsyncStream` that reconnects: the async twin of `reconnecting`.

    ``connect`` may be a coroutine function. ``sleep`` defaults to `asyncio.sleep` (a plain or an
    async function both work). An idle timeout (``idle_timeout=``, `StreamTimeoutError`) counts as a
    truncation.
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
        retry_if=retry_if,
        deadline=deadline,
        on_restart=on_restart,
        clock=clock,
    )
    if clock is not None:
        options.setdefault("clock", clock)  # one clock for the deadline and the stream's timings
    return AsyncStream(None, format, _reconnect=policy, **options)
