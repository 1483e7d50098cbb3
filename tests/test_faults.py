"""faults(): each drawn fault is what it says, and each is observable through sseparse.Stream.

The streams come from `llm_streams` (complete ones), the faults from `faults`, and they are served by
`replay_transport` to httpx, read through `sseparse.Stream`: a harmless fault (only a chunking)
must give the expected result, and every other kind its own error.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sseparse import IncompleteStreamError, Stream, StreamAPIError, StreamHTTPError, StreamTimeoutError
from sseparse.strategies import FAULT_KINDS, Fault, faults, llm_streams
from sseparse.testing import replay_transport

httpx = pytest.importorskip("httpx")

FORMATS = ["openai-chat", "openai-responses", "anthropic-messages", "gemini"]
ERRORS: dict[str, type[Exception]] = {
    "cut": IncompleteStreamError,
    "drop": IncompleteStreamError,  # the transport's error, as __cause__
    "stall": StreamTimeoutError,
    "status": StreamHTTPError,
    "error-event": StreamAPIError,
}
STALL_TIMEOUT = 0.05  # the transport's stall lasts the read timeout: short, and only stalls use it


def read(fault: Fault, wire_format: str) -> Any:
    """Serve the fault through the transport, read it with Stream; return the result (or raise)."""
    replay = replay_transport(fault.body, **fault.options)
    timeout = STALL_TIMEOUT if fault.kind == "stall" else 30.0
    with (
        httpx.Client(transport=replay.transport, timeout=timeout) as client,
        client.stream("POST", "https://llm.invalid/") as response,
        Stream(response, wire_format, raw=True) as stream,
    ):
        for _ in stream:
            pass
        return stream.result()


@pytest.mark.parametrize("wire_format", FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_every_fault_is_observable_and_a_harmless_one_changes_nothing(wire_format: str, data: st.DataObject) -> None:
    wire, expected = data.draw(llm_streams(wire_format, errors=False, truncated=False))
    fault = data.draw(faults(wire, wire_format))
    if fault.harmless:
        assert expected.mismatches(read(fault, wire_format)) == []
        return
    with pytest.raises(ERRORS[fault.kind]):
        read(fault, wire_format)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_each_kind_carries_its_own_options(data: st.DataObject) -> None:
    wire, _ = data.draw(llm_streams("anthropic-messages", errors=False, truncated=False))
    fault = data.draw(faults(wire, "anthropic-messages"))
    assert fault.kind in FAULT_KINDS
    options = fault.options
    if fault.kind == "status":
        assert fault.status in {400, 401, 429, 500, 529}
        assert json.loads(fault.body)["type"] == "error"  # Anthropic's error document
        assert set(options) == {"status"}
        return
    assert fault.body == wire
    if fault.chunks is not None:
        assert sum(fault.chunks) == len(wire)
    expected_keys = {
        "none": set(),
        "cut": {"cut_at"},
        "drop": {"drop_at"},
        "stall": {"stall_after"},
        "error-event": {"error_event"},
    }[fault.kind]
    assert expected_keys <= set(options) <= expected_keys | {"chunks", "cut_at"}
    if fault.kind == "error-event":
        assert fault.error_event is not None
        assert fault.error_event.startswith(b"event: error\n")


@pytest.mark.parametrize(
    ("flags", "kinds"),
    [
        ({"cuts": False, "drops": False, "stalls": False, "statuses": False, "error_events": False}, {"none"}),
        ({"drops": False, "stalls": False, "statuses": False, "error_events": False}, {"none", "cut"}),
    ],
)
def test_the_flags_choose_the_kinds(flags: dict[str, Any], kinds: set[str]) -> None:
    seen: set[str] = set()

    @settings(max_examples=40, deadline=None, database=None, derandomize=True)
    @given(faults(b"data: a\n\ndata: [DONE]\n\n", **flags))
    def collect(fault: Fault) -> None:
        seen.add(fault.kind)

    collect()
    assert seen == kinds


def test_without_chunks_the_body_goes_out_in_one_write() -> None:
    @settings(max_examples=20, deadline=None, database=None)
    @given(faults(b"data: a\n\ndata: [DONE]\n\n", chunks=False))
    def check(fault: Fault) -> None:
        assert fault.chunks is None

    check()


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("data: x",), {}, "body must be bytes"),
        ((b"data: x\n\n", "cohere-v9"), {}, "format="),
        ((b"data: x\n\n",), {"cuts": 1}, "cuts="),
        ((b"data: x\n\n",), {"error_events": None}, "error_events="),
    ],
)
def test_faults_checks_its_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidArgument, match=match):
        faults(*args, **kwargs)
