"""keepalive / keepalive_sync: pings while the source is idle, items untouched, sources closed.

The sources here wait on events the test controls (never on a clock), so whether a ping comes
depends only on whether the source is idle; ``every`` is small so a test waits little for it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest

import sseparse
from sseparse import encode, keepalive, keepalive_sync, parse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

PING = b": ping\n\n"
EVERY = 0.01


async def _idle_then(gate: asyncio.Event, items: list[bytes], log: list[str]) -> AsyncIterator[bytes]:
    try:
        yield items[0]
        await gate.wait()  # idle until the test has seen a ping
        for item in items[1:]:
            yield item
    finally:
        log.append("closed")


def test_async_keepalive_pings_while_idle_and_keeps_every_item() -> None:
    """Items come through in order; pings fill the idle time; the stream still parses to the events."""

    async def main() -> tuple[list[bytes | str], list[str]]:
        gate, log = asyncio.Event(), list[str]()
        items = [encode("one", id=1), encode("two", id=2)]
        out: list[bytes | str] = []
        async for chunk in keepalive(_idle_then(gate, items, log), every=EVERY):
            out.append(chunk)
            if chunk == PING:
                gate.set()
        return out, log

    out, log = asyncio.run(main())
    assert out[0] == encode("one", id=1)
    assert out[-1] == encode("two", id=2)
    assert set(out[1:-1]) == {PING}
    assert len(out) >= 3
    assert [event.data for event in parse(b"".join(c for c in out if isinstance(c, bytes)))] == ["one", "two"]
    assert log == ["closed"]


def test_async_keepalive_sends_no_ping_when_the_source_is_never_idle() -> None:
    """A source that always has its next item ready gets no ping, even with a tiny ``every``."""

    async def source() -> AsyncIterator[bytes]:
        for i in range(50):
            yield encode(str(i))

    async def main() -> list[bytes | str]:
        return [chunk async for chunk in keepalive(source(), every=60.0)]

    assert asyncio.run(main()) == [encode(str(i)) for i in range(50)]


def test_async_keepalive_pings_as_str_for_a_str_stream() -> None:
    """Once the stream has sent str items, the pings are str too (a homogeneous body)."""

    async def main() -> list[bytes | str]:
        gate, log = asyncio.Event(), list[str]()
        out: list[bytes | str] = []
        source = _idle_then(gate, ["data: a\n\n", "data: b\n\n"], log)  # type: ignore[list-item]
        async for chunk in keepalive(source, every=EVERY):
            out.append(chunk)
            if chunk == ": ping\n\n":
                gate.set()
        return out

    out = asyncio.run(main())
    assert all(isinstance(chunk, str) for chunk in out)
    assert ": ping\n\n" in out


def test_async_keepalive_close_closes_the_source_and_cancels_the_pending_read() -> None:
    """A client disconnect (aclose) while the source is idle: the read is cancelled, the source closed."""

    async def main() -> list[str]:
        gate, log = asyncio.Event(), list[str]()
        stream = keepalive(_idle_then(gate, [b"data: a\n\n", b"data: b\n\n"], log), every=EVERY)
        assert await anext(stream) == b"data: a\n\n"
        assert await anext(stream) == PING  # the source is now waiting on the gate
        await stream.aclose()
        return log

    assert asyncio.run(main()) == ["closed"]


def test_async_keepalive_propagates_the_source_error() -> None:
    """An error of the source reaches the consumer after the items before it."""

    async def source() -> AsyncIterator[bytes]:
        yield b"data: a\n\n"
        await asyncio.sleep(EVERY * 3)
        raise RuntimeError("model crashed")

    async def main() -> list[bytes | str]:
        out: list[bytes | str] = []

        async def read() -> None:
            async for chunk in keepalive(source(), every=EVERY):
                out.append(chunk)

        with pytest.raises(RuntimeError, match="model crashed"):
            await read()
        return out

    out = asyncio.run(main())
    assert out[0] == b"data: a\n\n"


@pytest.mark.parametrize("every", [0, -1, float("nan"), float("inf"), True, "15"])
def test_keepalive_refuses_a_bad_interval(every: object) -> None:
    """``every`` must be a positive finite number of seconds, for both twins."""
    with pytest.raises(ValueError, match="every must be"):
        keepalive(_never(), every=every)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="every must be"):
        keepalive_sync([], every=every)  # type: ignore[arg-type]


async def _never() -> AsyncIterator[bytes]:
    empty: list[bytes] = []
    for item in empty:
        yield item


def test_keepalive_wrong_kind_of_iterable_raises_a_clear_type_error() -> None:
    """A sync iterable given to keepalive names the twin to use, and the reverse."""
    with pytest.raises(TypeError, match="keepalive_sync"):
        keepalive([b"x"], every=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes an iterable"):
        keepalive_sync(_never(), every=1.0)  # type: ignore[arg-type]


def test_keepalive_runs_under_trio() -> None:
    """Under trio: items, pings while idle, the source closed at the end, without asyncio."""
    trio = pytest.importorskip("trio")

    async def main() -> tuple[list[bytes | str], list[str]]:
        gate, log = trio.Event(), list[str]()

        async def source() -> AsyncIterator[bytes]:
            try:
                yield b"data: a\n\n"
                await gate.wait()
                yield b"data: b\n\n"
            finally:
                log.append("closed")

        out: list[bytes | str] = []
        async for chunk in keepalive(source(), every=EVERY):
            out.append(chunk)
            if chunk == PING:
                gate.set()
        return out, log

    out, log = trio.run(main)
    assert out[0] == b"data: a\n\n"
    assert out[-1] == b"data: b\n\n"
    assert PING in out
    assert log == ["closed"]


def test_keepalive_under_trio_propagates_the_source_error() -> None:
    trio = pytest.importorskip("trio")

    async def source() -> AsyncIterator[bytes]:
        yield b"data: a\n\n"
        raise RuntimeError("model crashed")

    async def main() -> None:
        async for _ in keepalive(source(), every=EVERY):
            pass

    with pytest.raises(RuntimeError, match="model crashed"):
        trio.run(main)


# -- keepalive_sync -----------------------------------------------------------------------------------


def _blocking(gate: threading.Event, log: list[str]) -> Iterator[bytes]:
    try:
        yield b"data: a\n\n"
        gate.wait(timeout=30)  # idle until the test has seen a ping (the timeout only guards a hang)
        yield b"data: b\n\n"
    finally:
        log.append("closed")


def test_sync_keepalive_pings_while_the_source_blocks() -> None:
    gate, log = threading.Event(), list[str]()
    out: list[bytes | str] = []
    for chunk in keepalive_sync(_blocking(gate, log), every=EVERY):
        out.append(chunk)
        if chunk == PING:
            gate.set()
    assert out[0] == b"data: a\n\n"
    assert out[-1] == b"data: b\n\n"
    assert set(out[1:-1]) == {PING}
    assert log == ["closed"]


def test_sync_keepalive_close_stops_the_worker_and_closes_the_source() -> None:
    """Closing early: the worker finishes the read it is in, then closes the source and ends."""
    gate, log = threading.Event(), list[str]()
    stream = keepalive_sync(_blocking(gate, log), every=EVERY)
    assert next(stream) == b"data: a\n\n"
    assert next(stream) == PING
    stream.close()
    gate.set()  # the source's pending read returns; the worker then closes it
    for thread in threading.enumerate():
        if thread.name == "sseparse-keepalive":
            thread.join(timeout=30)
    assert log == ["closed"]


def test_sync_keepalive_propagates_the_source_error() -> None:
    def source() -> Iterator[bytes]:
        yield b"data: a\n\n"
        raise RuntimeError("model crashed")

    out: list[bytes | str] = []
    with pytest.raises(RuntimeError, match="model crashed"):
        out.extend(keepalive_sync(source(), every=60.0))
    assert out == [b"data: a\n\n"]


def test_importing_sseparse_does_not_import_the_keepalive_module() -> None:
    """keepalive loads on first use (no asyncio or threading cost for decoder-only users)."""
    assert "keepalive" in sseparse.__all__
    assert sseparse.keepalive is keepalive


def test_keepalive_and_the_replay_kit_import_no_event_loop_or_http_library() -> None:
    """Using keepalive's module or sseparse.testing loads neither asyncio, trio nor httpx."""
    code = (
        "import sys, sseparse, sseparse.testing\n"
        "sseparse.keepalive, sseparse.keepalive_sync\n"
        "loaded = {'asyncio', 'trio', 'httpx', 'hypothesis'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
