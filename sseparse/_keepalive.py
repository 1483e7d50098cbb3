"""keepalive(): interleave ``: ping`` comments into a server's event stream while it is idle.

A proxy or load balancer closes a connection that carries no bytes for a while (often 60 s), and a
client with a read timeout gives up sooner. An LLM that thinks for a minute before its first token
looks exactly like that. `keepalive` wraps the iterator of encoded events a streaming response sends
and slips a comment (``: ping``, which decoders skip) in whenever ``every`` seconds pass without
anything sent.

Rule: the wrapped iterator is never cancelled to make room for a ping. Reading its next item runs
on its own (an asyncio task, a trio task, or a worker thread for `keepalive_sync`) and the wrapper
only waits for it with a timeout, so an item being produced is never lost or interrupted. At most
one item is read ahead of what was sent.

No asyncio or trio import at module level: the async wrapper imports the library that runs it.
"""

from __future__ import annotations

import math
import queue
import sys
import threading
from typing import TYPE_CHECKING, Any, TypeVar

from sseparse._encoder import encode

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Generator, Iterable, Iterator

__all__ = ["keepalive", "keepalive_sync", "running_under_trio"]

T = TypeVar("T")


def _ping(every: float, comment: str) -> bytes:
    if isinstance(every, bool) or not isinstance(every, (int, float)) or not (every > 0 and math.isfinite(every)):
        msg = f"every must be a positive number of seconds, not {every!r}"
        raise ValueError(msg)
    return encode(comment=comment)


def _like(item: object, ping: bytes) -> bytes | str:
    """Return the ping in the type of the items sent so far (a str stream gets str pings)."""
    return ping.decode("utf-8") if isinstance(item, str) else ping


def keepalive(events: AsyncIterable[T], every: float = 15.0, *, comment: str = "ping") -> AsyncGenerator[T | bytes | str, None]:
    """Yield the items of ``events`` and a ``: ping`` comment each time ``every`` seconds pass idle.

    ``events`` is what a streaming response sends: ``encode(...)`` blocks (bytes or str). A ping is
    ``encode(comment=comment)``, bytes, or str once the stream has sent str items. Pings repeat
    every ``every`` seconds for as long as the next item takes. Runs under asyncio or trio; the next
    item is read in a task of its own, so it is never cancelled to send a ping, and closing the
    wrapper (``aclose()``, a client disconnect) closes ``events``. Errors of ``events`` propagate.
    """
    ping = _ping(every, comment)
    if not hasattr(events, "__aiter__"):
        msg = f"keepalive() takes an async iterable, not {type(events).__name__} (use keepalive_sync)"
        raise TypeError(msg)
    return _dispatch(events.__aiter__(), float(every), ping)


async def _dispatch(iterator: AsyncIterator[T], every: float, ping: bytes) -> AsyncGenerator[T | bytes | str, None]:
    if running_under_trio():
        runner = _trio_keepalive(iterator, every, ping)
    else:
        runner = _asyncio_keepalive(iterator, every, ping)
    try:
        async for item in runner:
            yield item
    finally:
        await runner.aclose()


def running_under_trio() -> bool:
    """Return True when trio (not asyncio) runs the current task, without importing either."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return False
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            trio.lowlevel.current_task()
        except RuntimeError:
            return False
        return True
    return False


async def _next(iterator: AsyncIterator[T]) -> T:
    return await iterator.__anext__()


async def _aclose(iterator: object) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


async def _asyncio_keepalive(iterator: AsyncIterator[T], every: float, ping: bytes) -> AsyncGenerator[T | bytes | str, None]:
    import asyncio  # noqa: PLC0415 - only under asyncio

    pending: asyncio.Task[T] | None = None
    last: object = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(_next(iterator))
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield _like(last, ping)
                continue
            task, pending = pending, None
            try:
                last = task.result()
            except StopAsyncIteration:
                return
            yield last
    finally:
        if pending is not None:
            pending.cancel()
            await asyncio.gather(pending, return_exceptions=True)
        await _aclose(iterator)


async def _trio_keepalive(iterator: AsyncIterator[T], every: float, ping: bytes) -> AsyncGenerator[T | bytes | str, None]:
    import trio  # noqa: PLC0415 - only under trio

    send, receive = trio.open_memory_channel[tuple[bool, Any]](0)

    async def pump() -> None:
        async with send:
            try:
                async for item in iterator:
                    await send.send((True, item))
            except Exception as exc:  # noqa: BLE001 - handed to the reader, raised there
                await send.send((False, exc))

    last: object = None
    error: BaseException | None = None
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(pump)
            try:
                while True:
                    message = None
                    with trio.move_on_after(every):
                        try:
                            message = await receive.receive()
                        except trio.EndOfChannel:
                            return
                    if message is None:
                        yield _like(last, ping)
                        continue
                    ok, value = message
                    if not ok:
                        error = value
                        break
                    last = value
                    yield value
            finally:
                nursery.cancel_scope.cancel()  # stops the pump if it is still reading
    finally:
        await _aclose(iterator)
    if error is not None:
        raise error  # outside the nursery: the source's own exception, not an ExceptionGroup


# -- the sync twin ------------------------------------------------------------------------------------

_ITEM, _DONE, _ERROR = 0, 1, 2


def keepalive_sync(events: Iterable[T], every: float = 15.0, *, comment: str = "ping") -> Generator[T | bytes | str, None, None]:
    """`keepalive` for a blocking iterator (WSGI, a sync framework's streaming response).

    The next item of ``events`` is read in a worker thread, one at a time and only when the caller
    asks for it, while the caller's thread yields a ping every ``every`` seconds of waiting.
    Closing the wrapper stops the worker after the item it is reading, if any, and closes
    ``events`` there. Errors of ``events`` propagate.
    """
    ping = _ping(every, comment)
    if not hasattr(events, "__iter__"):
        msg = f"keepalive_sync() takes an iterable, not {type(events).__name__}"
        raise TypeError(msg)
    return _sync_keepalive(iter(events), float(every), ping)


def _sync_worker(iterator: Iterator[Any], asks: queue.SimpleQueue[bool], answers: queue.SimpleQueue[tuple[int, Any]]) -> None:
    try:
        while asks.get():
            try:
                item = next(iterator)
            except StopIteration:
                answers.put((_DONE, None))
                return
            except BaseException as exc:  # noqa: BLE001 - handed to the reader, raised there
                answers.put((_ERROR, exc))
                return
            answers.put((_ITEM, item))
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


def _sync_keepalive(iterator: Iterator[T], every: float, ping: bytes) -> Generator[T | bytes | str, None, None]:
    asks: queue.SimpleQueue[bool] = queue.SimpleQueue()
    answers: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    worker = threading.Thread(target=_sync_worker, args=(iterator, asks, answers), name="sseparse-keepalive", daemon=True)
    worker.start()
    last: object = None
    try:
        while True:
            asks.put(True)  # noqa: FBT003 - one more item, please
            while True:
                try:
                    kind, value = answers.get(timeout=every)
                    break
                except queue.Empty:
                    yield _like(last, ping)
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise value
            last = value
            yield value
    finally:
        asks.put(False)  # noqa: FBT003 - the worker stops after the item it is reading, and closes the iterator
