"""reconnecting / areconnecting: resume after Last-Event-ID, restart, backoff, attempts (no real sleeps)."""

from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any

import pytest
from stream_helpers import WORDS, AsyncSource, Response, Source, anthropic_blocks, openai_chat_blocks

from sseparse import (
    IncompleteStreamError,
    ResumeState,
    StreamAPIError,
    StreamHTTPError,
    areconnecting,
    reconnecting,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

TEXT = "".join(WORDS)


class Server:
    """A fake SSE server: serves blocks with ids, honours Last-Event-ID, cuts the first connections."""

    def __init__(self, blocks: list[bytes], cuts: list[int], *, cut_inside: bool = True) -> None:
        self.blocks = blocks  # block i carries id i + 1
        self.cuts = cuts  # per connection: blocks sent before the cut
        self.cut_inside = cut_inside
        self.states: list[ResumeState] = []
        self.sources: list[Source] = []

    def chunks(self, state: ResumeState) -> list[bytes]:
        self.states.append(state)
        start = int(state.headers.get("Last-Event-ID", "0"))
        rest = self.blocks[start:]
        attempt = len(self.states) - 1
        if attempt < len(self.cuts):
            n = self.cuts[attempt]
            tail = [rest[n][: len(rest[n]) // 2]] if self.cut_inside and n < len(rest) else []
            return rest[:n] + tail
        return rest

    def connect(self, state: ResumeState) -> Source:
        source = Source(self.chunks(state))
        self.sources.append(source)
        return source


def test_resume_delivers_every_event_exactly_once() -> None:
    """Two cuts mid-event: the third connection resumes after the last ID; the accumulator keeps going."""
    server = Server(openai_chat_blocks(ids=True), cuts=[3, 4])
    waits: list[float] = []
    stream = reconnecting(server.connect, "openai-chat", sleep=waits.append, raw=True)
    items = list(stream)
    assert len(items) == len(WORDS) + 3
    assert [item["choices"][0]["delta"].get("content") for item in items[1:-2]] == WORDS
    assert stream.result().text == TEXT
    assert stream.result().end == "complete"
    assert [s.last_event_id for s in server.states] == ["", "3", "7"]
    assert [s.attempt for s in server.states] == [1, 2, 3]
    assert server.states[0].headers == {}
    assert server.states[1].headers == {"Last-Event-ID": "3"}
    assert isinstance(server.states[1].error, IncompleteStreamError)
    assert stream.attempts == 3
    assert len(waits) == 2
    assert all(source.closed == 1 for source in server.sources)


def test_resume_state_seed_comes_from_last_event_id_option() -> None:
    """last_event_id= seeds the first connection's resume state."""
    server = Server(openai_chat_blocks(ids=True), cuts=[])
    list(reconnecting(server.connect, "openai-chat", last_event_id="5", sleep=lambda _: None))
    assert server.states[0].headers == {"Last-Event-ID": "5"}


def test_server_retry_is_the_wait() -> None:
    """A ``retry:`` field from the server sets the wait (milliseconds), instead of backoff."""
    blocks = openai_chat_blocks(ids=True)
    blocks[0] = b"retry: 1500\n" + blocks[0]
    server = Server(blocks, cuts=[2])
    waits: list[float] = []
    stream = reconnecting(server.connect, "openai-chat", sleep=waits.append)
    list(stream)
    assert waits == [1.5]
    assert server.states[1].retry == 1500


@pytest.mark.parametrize(
    ("options", "expected"), [({}, 300.0), ({"max_server_wait": 2.0}, 2.0), ({"max_server_wait": None}, 86_400.0)]
)
def test_a_server_retry_is_capped_at_max_server_wait(options: dict[str, Any], expected: float) -> None:
    """A server asking for a day waits max_server_wait (default 300 s) instead; None lifts the cap."""
    blocks = openai_chat_blocks(ids=True)
    blocks[0] = b"retry: 86400000\n" + blocks[0]
    server = Server(blocks, cuts=[2])
    waits: list[float] = []
    list(reconnecting(server.connect, "openai-chat", sleep=waits.append, **options))
    assert waits == [expected]
    assert server.states[1].retry == 86_400_000  # the state still reports what the server sent


def test_a_negative_max_server_wait_is_refused() -> None:
    """Like the backoff options, the cap is seconds and cannot be negative."""
    with pytest.raises(ValueError, match="max_server_wait"):
        reconnecting(lambda state: [], max_server_wait=-1)


class Top(random.Random):
    """A random source that always draws the top of the range: the backoff ceiling itself."""

    def random(self) -> float:
        return 1.0


def test_backoff_is_exponential_and_capped() -> None:
    """Without a server retry: ceilings base, 2 base, 4 base... capped at max_backoff."""
    server = Server(openai_chat_blocks(ids=True), cuts=[1, 1, 1, 1, 1])
    waits: list[float] = []
    stream = reconnecting(
        server.connect, "openai-chat", sleep=waits.append, rng=Top(), backoff=0.5, max_backoff=3, max_attempts=6
    )
    list(stream)
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_backoff_has_full_jitter() -> None:
    """With a real random source each wait is uniform in [0, ceiling]."""
    server = Server(openai_chat_blocks(ids=True), cuts=[1] * 8)
    stream = reconnecting(
        server.connect, "openai-chat", sleep=lambda _: None, rng=random.Random(7), backoff=1, max_backoff=4, max_attempts=9
    )
    list(stream)
    ceilings = [1, 2, 4, 4, 4, 4, 4, 4]
    assert len(set(stream._reconnect.waits)) == 8  # type: ignore[union-attr]
    assert all(0 <= w <= c for w, c in zip(stream._reconnect.waits, ceilings, strict=True))  # type: ignore[union-attr]


def test_out_of_attempts_raises_the_last_error() -> None:
    """max_attempts connections, then the truncation is raised with the partial."""
    server = Server(openai_chat_blocks(ids=True), cuts=[1, 1, 1])
    stream = reconnecting(server.connect, "openai-chat", sleep=lambda _: None, max_attempts=3)
    with pytest.raises(IncompleteStreamError) as info:
        list(stream)
    assert len(server.states) == 3
    assert info.value.partial.text == "".join(WORDS[:2])
    attempts = info.value.attempts
    assert len(attempts) == 3
    assert attempts[-1] is info.value
    assert all(isinstance(error, IncompleteStreamError) for error in attempts)
    assert info.value.__notes__[0].startswith("attempt 1 of 3 failed: IncompleteStreamError: ")
    assert info.value.__notes__[-1] == "gave up after 3 attempts"


def test_out_of_attempts_with_allow_truncated_is_a_plain_end() -> None:
    """allow_truncated still applies once no attempt is left."""
    server = Server(openai_chat_blocks(ids=True), cuts=[1, 1])
    stream = reconnecting(server.connect, "openai-chat", sleep=lambda _: None, max_attempts=2, allow_truncated=True)
    list(stream)
    assert stream.result().end == "truncated"


def test_retry_truncated_false_raises_at_once() -> None:
    """retry_truncated=False: a cut is not retried."""
    server = Server(openai_chat_blocks(ids=True), cuts=[1])
    with pytest.raises(IncompleteStreamError):
        list(reconnecting(server.connect, "openai-chat", retry_truncated=False, sleep=lambda _: None))
    assert len(server.states) == 1


def test_retry_on_chosen_exception_types_from_connect_and_from_reading() -> None:
    """ConnectionError from connect() and from the source are retried; other errors propagate."""
    blocks = openai_chat_blocks(ids=True)
    calls: list[ResumeState] = []

    def connect(state: ResumeState) -> Source:
        calls.append(state)
        if state.attempt == 1:
            raise ConnectionRefusedError("refused")
        if state.attempt == 2:
            return Source(blocks[:2], error=ConnectionResetError("reset"))
        return Source(blocks[int(state.last_event_id or 0) :])

    stream = reconnecting(connect, "openai-chat", retry_on=(ConnectionError,), sleep=lambda _: None)
    assert stream.attempts == 0
    list(stream)
    assert stream.result().text == TEXT
    assert [type(s.error) for s in calls] == [type(None), ConnectionRefusedError, IncompleteStreamError]
    assert isinstance(getattr(calls[2].error, "__cause__", None), ConnectionResetError)  # a failed read is a truncation
    assert calls[2].last_event_id == "2"

    def broken(state: ResumeState) -> Source:
        raise KeyError(state.attempt)

    with pytest.raises(KeyError):
        list(reconnecting(broken, "openai-chat", retry_on=(ConnectionError,), sleep=lambda _: None))


def test_restart_mode_resets_the_accumulator() -> None:
    """restart: no Last-Event-ID, a fresh accumulator; the caller sees the new attempt from the start."""
    blocks = openai_chat_blocks()  # no ids: the API cannot resume
    states: list[ResumeState] = []

    def connect(state: ResumeState) -> Source:
        states.append(state)
        return Source(blocks[:4] if state.attempt == 1 else blocks)

    stream = reconnecting(connect, "openai-chat", mode="restart", sleep=lambda _: None, raw=True)
    items = list(stream)
    assert len(items) == 4 + len(WORDS) + 3
    assert stream.result().text == TEXT
    assert stream.result().end == "complete"
    assert states[1].mode == "restart"
    assert states[1].headers == {}


def test_allow_truncated_does_not_stop_the_reconnects() -> None:
    """allow_truncated only applies once no attempt is left, in restart mode too."""
    blocks = openai_chat_blocks()

    def connect(state: ResumeState) -> Source:
        return Source(blocks[:3] if state.attempt < 3 else blocks)

    stream = reconnecting(connect, "openai-chat", mode="restart", allow_truncated=True, sleep=lambda _: None)
    list(stream)
    assert stream.attempts == 3
    assert stream.result().end == "complete"


def test_restart_on_an_in_stream_api_error_when_asked() -> None:
    """An overloaded_error mid-stream is retried in restart mode when StreamAPIError is in retry_on."""
    overloaded = b'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n'

    def connect(state: ResumeState) -> Source:
        return Source([*anthropic_blocks()[:4], overloaded] if state.attempt == 1 else anthropic_blocks())

    stream = reconnecting(connect, "anthropic-messages", mode="restart", retry_on=(StreamAPIError,), sleep=lambda _: None)
    list(stream)
    assert stream.result().text == TEXT
    with pytest.raises(StreamAPIError):
        list(reconnecting(connect, "anthropic-messages", mode="restart", sleep=lambda _: None))


def test_connect_may_return_source_and_response() -> None:
    """A (source, response) pair: stream.response is the latest, and each response is closed."""
    server = Server(openai_chat_blocks(ids=True), cuts=[2])
    responses: list[Response] = []

    def connect(state: ResumeState) -> tuple[Source, Response]:
        responses.append(Response())
        return server.connect(state), responses[-1]

    stream = reconnecting(connect, "openai-chat", sleep=lambda _: None)
    list(stream)
    assert stream.response is responses[-1]
    assert [r.closed for r in responses] == [1, 1]


def test_close_while_reconnecting_stops_and_closes() -> None:
    """Closing in the middle closes the current connection; no further connection is made."""
    server = Server(openai_chat_blocks(ids=True), cuts=[2])
    with reconnecting(server.connect, "openai-chat", sleep=lambda _: None) as stream:
        next(stream)
    assert len(server.states) == 1
    assert server.sources[0].closed == 1


def test_invalid_options_are_refused() -> None:
    """mode and max_attempts are checked up front."""
    with pytest.raises(ValueError, match="mode"):
        reconnecting(lambda s: [], mode="again")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="max_attempts"):
        reconnecting(lambda s: [], max_attempts=0)
    assert "attempt=1" in repr(ResumeState(last_event_id="", retry=None, attempt=1, error=None, mode="resume"))


def test_without_format_a_cut_inside_an_event_reconnects() -> None:
    """Plain SSE: resume after the last ID when the source ends inside an event."""
    blocks = [f"id: {i}\ndata: event {i}\n\n".encode() for i in range(1, 6)]

    def connect(state: ResumeState) -> list[bytes]:
        start = int(state.last_event_id or 0)
        rest = blocks[start:]
        return [*rest[:2], rest[2][:5]] if state.attempt == 1 else rest

    events = list(reconnecting(connect, sleep=lambda _: None))
    assert [e.data for e in events] == [f"event {i}" for i in range(1, 6)]


# -- async -------------------------------------------------------------------------------------------


def test_async_resume_with_async_connect_and_async_sleep() -> None:
    """areconnecting: a coroutine connect, an async sleep, every event once."""
    server = Server(openai_chat_blocks(ids=True), cuts=[3, 2])
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sources: list[AsyncSource] = []

    async def connect(state: ResumeState) -> AsyncSource:
        sources.append(AsyncSource(server.chunks(state)))
        return sources[-1]

    async def main() -> list[Any]:
        async with areconnecting(connect, "openai-chat", sleep=sleep, raw=True) as stream:
            items = [item async for item in stream]
        assert stream.result().text == TEXT
        return items

    items = asyncio.run(main())
    assert len(items) == len(WORDS) + 3
    assert len(waits) == 2
    assert all(s.closed == 1 for s in sources)


def test_async_idle_timeout_counts_as_a_truncation() -> None:
    """A stalled connection (idle_timeout) is reconnected and resumed; the default sleep is asyncio's."""
    blocks = openai_chat_blocks(ids=True)

    def connect(state: ResumeState) -> AsyncSource:
        if state.attempt == 1:
            return AsyncSource(blocks[:3], hang=True)
        return AsyncSource(blocks[int(state.last_event_id) :])

    async def main() -> None:
        stream = areconnecting(connect, "openai-chat", idle_timeout=0.02, backoff=0.001, max_backoff=0.001)
        items = [item async for item in stream]
        assert len(items) == len(WORDS) + 3
        assert stream.attempts == 2

    asyncio.run(main())


def test_async_out_of_attempts() -> None:
    """The async twin raises the last error too."""

    async def gen() -> AsyncIterator[bytes]:
        yield b"data: {}\n\n"

    async def main() -> None:
        with pytest.raises(IncompleteStreamError):
            async for _ in areconnecting(lambda s: gen(), "openai-chat", max_attempts=2, sleep=lambda s: None):
                pass

    asyncio.run(main())


# -- LLM-safe reconnects: restart without ids, no duplicated text ------------------------------------------------


def _attempts_without_ids(first: int) -> Any:
    """An LLM API: no event ids; the first connection gives ``first`` blocks and drops, the next the whole stream."""
    blocks = openai_chat_blocks()
    states: list[ResumeState] = []

    def connect(state: ResumeState) -> Source:
        states.append(state)
        return Source(blocks[:first] if state.attempt == 1 else blocks)

    return connect, states


def test_the_default_mode_restarts_a_stream_without_ids_and_never_duplicates_text() -> None:
    """No event id was seen: the default mode starts over, and result() holds the new attempt only."""
    connect, states = _attempts_without_ids(4)
    restarts: list[ResumeState] = []
    stream = reconnecting(connect, "openai-chat", sleep=lambda _: None, raw=True, on_restart=restarts.append)
    items = list(stream)
    assert stream.result().text == TEXT  # not WORDS[:3] + TEXT
    assert stream.result().end == "complete"
    assert [s.mode for s in states] == ["restart", "restart"]
    assert states[1].headers == {}
    assert restarts == [states[1]]
    assert len(items) == 4 + len(WORDS) + 3  # the abandoned attempt's chunks were handed out before the restart


def test_on_restart_runs_before_the_first_chunk_of_the_restarted_attempt() -> None:
    """The callback comes between the abandoned attempt's chunks and the new attempt's, and the reset is queued as a ResetUpdate."""
    connect, _ = _attempts_without_ids(3)
    seen: list[Any] = []
    stream = reconnecting(connect, "openai-chat", sleep=lambda _: None, raw=True, on_restart=lambda state: seen.append("restart"))
    for item in stream:
        seen.append(item["choices"][0]["delta"].get("content") if item["choices"] else None)
        if len(seen) == 4:
            assert stream.result().text == ""  # the restart discarded the abandoned attempt's text
            assert stream._core.reset_pending  # updates() hands out a ResetUpdate next (see test_stream_views)
    assert seen[:5] == ["", WORDS[0], WORDS[1], "restart", ""]
    assert seen[5 : 5 + len(WORDS)] == WORDS


def test_no_restart_is_announced_when_the_failed_attempt_gave_nothing() -> None:
    """A connection that failed before any event discarded nothing: on_restart is not called."""
    blocks = openai_chat_blocks()

    def connect(state: ResumeState) -> Source:
        if state.attempt == 1:
            raise ConnectionRefusedError("refused")
        return Source(blocks)

    restarts: list[ResumeState] = []
    stream = reconnecting(connect, "openai-chat", sleep=lambda _: None, on_restart=restarts.append)
    list(stream)
    assert stream.result().text == TEXT
    assert restarts == []  # and a refused connection was retried without retry_on


def test_the_default_mode_resumes_once_an_id_was_seen() -> None:
    """Event ids: the default mode resumes with Last-Event-ID and keeps the accumulator."""
    server = Server(openai_chat_blocks(ids=True), cuts=[3])
    restarts: list[ResumeState] = []
    stream = reconnecting(server.connect, "openai-chat", sleep=lambda _: None, on_restart=restarts.append)
    list(stream)
    assert stream.result().text == TEXT
    assert [s.mode for s in server.states] == ["restart", "resume"]
    assert server.states[1].headers == {"Last-Event-ID": "3"}
    assert restarts == []


def test_retry_if_decides_beside_retry_on() -> None:
    """retry_if(exc) -> True retries an exception no type in retry_on names."""
    blocks = openai_chat_blocks()

    def connect(state: ResumeState) -> Source:
        if state.attempt == 1:
            raise KeyError("flaky")
        return Source(blocks)

    asked: list[BaseException] = []

    def retry_if(exc: BaseException) -> bool:
        asked.append(exc)
        return isinstance(exc, KeyError)

    stream = reconnecting(connect, "openai-chat", retry_if=retry_if, sleep=lambda _: None)
    list(stream)
    assert stream.result().text == TEXT
    assert [type(e) for e in asked] == [KeyError]


class FakeTime:
    """A clock that only the injected sleep moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def clock(self) -> float:
        return self.now


def test_the_deadline_bounds_all_attempts_together() -> None:
    """No new attempt whose wait would end past the deadline; the last error says so and carries every attempt's."""
    blocks = openai_chat_blocks(ids=True)
    blocks[0] = b"retry: 1000\n" + blocks[0]
    server = Server(blocks, cuts=[1] * 10)
    time = FakeTime()
    stream = reconnecting(server.connect, "openai-chat", max_attempts=10, deadline=2.5, sleep=time.sleep, clock=time.clock)
    with pytest.raises(IncompleteStreamError) as info:
        list(stream)
    assert len(server.states) == 3  # at 0 s, 1 s and 2 s; a fourth would start at 3 s
    assert len(info.value.attempts) == 3
    assert "deadline of 2.5 s" in info.value.__notes__[-1]


def test_a_zero_deadline_allows_the_first_attempt_only() -> None:
    """deadline=0: one connection, its error raised as is (no other attempt to report but the deadline)."""
    server = Server(openai_chat_blocks(ids=True), cuts=[1])
    with pytest.raises(IncompleteStreamError) as info:
        list(reconnecting(server.connect, "openai-chat", deadline=0, sleep=lambda _: None))
    assert len(server.states) == 1
    assert info.value.attempts == [info.value]
    with pytest.raises(ValueError, match="deadline"):
        reconnecting(server.connect, deadline=-1)


class ErrorResponse:
    """A stand-in HTTP response with a status and a JSON error body (shaped like an httpx response)."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status_code = status
        self.headers = {"content-type": "application/json", **(headers or {})}
        self.closed = 0

    def iter_bytes(self) -> Any:
        return iter([b'{"error": {"message": "nope", "type": "t", "code": "c"}}'])

    def close(self) -> None:
        self.closed += 1


class OkResponse(Source):
    """A stand-in 200 text/event-stream response."""

    status_code = 200
    headers = {"content-type": "text/event-stream"}  # noqa: RUF012

    def iter_bytes(self) -> Any:
        return iter(self)


@pytest.mark.parametrize(
    ("status", "retried"),
    [
        *[(status, False) for status in (400, 401, 403, 404, 422)],
        *[(status, True) for status in (408, 409, 429, 500, 502, 503, 529)],
    ],
)
def test_http_errors_are_retried_by_status(status: int, retried: bool) -> None:
    """4xx are not retried except 408, 409 and 429; 5xx are. Each error response is closed."""
    responses: list[Any] = []

    def connect(state: ResumeState) -> Any:
        responses.append(ErrorResponse(status) if state.attempt == 1 else OkResponse(openai_chat_blocks()))
        return responses[-1]

    stream = reconnecting(connect, "openai-chat", sleep=lambda _: None)
    if retried:
        list(stream)
        assert stream.result().text == TEXT
    else:
        with pytest.raises(StreamHTTPError) as info:
            list(stream)
        assert info.value.status == status
        assert info.value.message == "nope"
    assert len(responses) == (2 if retried else 1)
    assert all(r.closed == 1 for r in responses)


@pytest.mark.parametrize(
    ("headers", "options", "expected"),
    [
        ({"retry-after": "7"}, {}, 7.0),
        ({"retry-after": "7"}, {"max_server_wait": 3}, 3.0),
        ({"retry-after-ms": "250", "retry-after": "7"}, {}, 0.25),
        ({"retry-after": "9" * 400}, {}, None),  # not a number we accept: the backoff
        ({"retry-after": "-5"}, {}, None),
    ],
)
def test_retry_after_is_the_wait_capped_by_max_server_wait(
    headers: dict[str, str], options: dict[str, Any], expected: float | None
) -> None:
    """A 429's Retry-After (or retry-after-ms) is the wait, at most max_server_wait; nonsense falls back to the backoff."""

    def connect(state: ResumeState) -> Any:
        return ErrorResponse(429, headers) if state.attempt == 1 else OkResponse(openai_chat_blocks())

    waits: list[float] = []
    list(reconnecting(connect, "openai-chat", sleep=waits.append, rng=Top(), backoff=0.5, **options))
    assert waits == [0.5 if expected is None else expected]


def test_out_of_attempts_on_http_errors_raises_the_last_with_all_of_them() -> None:
    """Three 503s: the third is raised; .attempts holds all three, the notes list the first two."""
    responses: list[ErrorResponse] = []

    def connect(state: ResumeState) -> ErrorResponse:
        responses.append(ErrorResponse(503))
        return responses[-1]

    with pytest.raises(StreamHTTPError) as info:
        list(reconnecting(connect, "openai-chat", max_attempts=3, sleep=lambda _: None))
    attempts = info.value.attempts
    assert [type(e) for e in attempts] == [StreamHTTPError] * 3
    assert attempts[-1] is info.value
    assert len(info.value.__notes__) == 3
    assert all(r.closed == 1 for r in responses)
