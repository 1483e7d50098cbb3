"""Regression tests for hostile input: each numbered case of the hardening issue, and its family.

The promise: no input makes sseparse raise an undocumented exception, hang, or use memory out of
proportion to the input, and nothing completed before a problem is lost.
"""

from __future__ import annotations

from typing import Any

import pytest

import sseparse
from sseparse._decoder import MAX_RETRY
from sseparse._reconnect import MAX_WAIT

CHUNK_DONE = b'data: {"choices":[]}\n\n'  # an OpenAI chunk without [DONE]: the stream is truncated, so it reconnects


# -- 1. retry values of any size ---------------------------------------------------------------------


@pytest.mark.parametrize("digits", [21, 400, 4301, 100_000])
def test_issue_1_huge_retry_is_ignored_never_raises(digits: int) -> None:
    """A retry beyond 2**64 - 1 ms is ignored (Chromium's choice), whatever its length; the event still arrives."""
    events = sseparse.parse(b"retry: " + b"1" * digits + b"\n\ndata: x\n\n")
    assert [(event.data, event.retry) for event in events] == [("x", None)]
    decoder = sseparse.SSEDecoder()
    decoder.feed(b"retry: 5\n\nretry: " + b"9" * digits + b"\ndata: y\n\n")
    assert decoder.retry == 5


def test_issue_1_huge_retry_is_reported_as_a_diagnostic_with_every_chunking() -> None:
    """The general (diagnostics) path and 1-byte feeds ignore it too, and say why."""
    body = b"retry: " + b"1" * 5000 + b"\ndata: x\n\n"
    decoder = sseparse.SSEDecoder(diagnostics=True)
    events = [event for i in range(len(body)) for event in decoder.feed(body[i : i + 1])]
    assert [(event.data, event.retry) for event in events] == [("x", None)]
    (diagnostic,) = decoder.diagnostics
    assert diagnostic.kind == "invalid-retry"
    assert "larger than" in diagnostic.message
    assert len(diagnostic.message) < 200


def test_issue_1_retry_at_the_bound_and_with_leading_zeros_is_kept() -> None:
    """2**64 - 1 is kept; leading zeros (any number of them) do not count."""
    assert sseparse.parse(b"retry: %d\ndata: x\n\n" % MAX_RETRY)[0].retry == MAX_RETRY
    assert sseparse.parse(b"retry: " + b"0" * 10_000 + b"1500\ndata: x\n\n")[0].retry == 1500


# -- 8, 9. reconnect waits of any size ---------------------------------------------------------------


@pytest.mark.parametrize("max_server_wait", [None, 300.0, float("inf")])
def test_issue_8_server_retry_of_any_size_never_overflows(max_server_wait: float | None) -> None:
    """A huge server retry is bounded before any arithmetic: the wait is the cap (or MAX_WAIT), no OverflowError."""
    waits: list[float] = []
    body = b"retry: %d\n" % MAX_RETRY + CHUNK_DONE
    stream = sseparse.reconnecting(
        lambda _state: [body], format="openai-chat", raw=True, max_server_wait=max_server_wait, sleep=waits.append, max_attempts=3
    )
    with pytest.raises(sseparse.IncompleteStreamError):
        list(stream)
    expected = MAX_WAIT if max_server_wait in (None, float("inf")) else max_server_wait
    assert waits == [expected, expected]


def test_issue_9_many_attempts_never_overflow_the_backoff() -> None:
    """10,000 allowed attempts: 2**n is bounded, every wait stays within max_backoff."""
    waits: list[float] = []
    connects: list[Any] = []

    def connect(state: sseparse.ResumeState) -> list[bytes]:
        connects.append(state.attempt)
        return [CHUNK_DONE]

    stream = sseparse.reconnecting(
        connect, format="openai-chat", raw=True, sleep=waits.append, max_attempts=10_000, max_backoff=7.0
    )
    with pytest.raises(sseparse.IncompleteStreamError):
        list(stream)
    assert len(connects) == 10_000
    assert len(waits) == 9_999
    assert all(0 <= wait <= 7.0 for wait in waits)
