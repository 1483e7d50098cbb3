"""Differential tests over ../shared/sdk-streams: 87 streams recorded in the openai and anthropic SDKs' test suites.

Each stream comes with what the SDK itself accumulated from it (see that folder's README). Every one
must agree with `sseparse.accumulate`:

- set-b (71): the SDK's compared fields (``expected``) exactly, and the SDK's whole final object
  (``sdk_final``) field by field;
- set-a (16): what the SDK's own test asserts (``expected``), field by field.

How the comparison reads the SDK objects (these are not exceptions: no stream is skipped):

- a ``null`` the SDK's pydantic model fills in for a field the stream never sent equals an absent
  key (``container``, ``citations``, ``stop_details``...), and the other way round;
- openai-python's stream helpers add keys that are not part of the API's objects, which
  ``final`` (the non-streaming ``chat.completion``) does not have: ``parsed`` /
  ``parsed_arguments`` (its parse helpers) and the delta-only ``index`` on ``message.tool_calls[]``.

Where an SDK breaks the SSE rules the stream would be named here with the rule. None does in this
corpus: several anthropic fixture files end without a blank line after ``message_stop``, and both
sides apply the rule (WHATWG "dispatch the event" happens only at a blank line, so that last event
is never dispatched and the stream is truncated there).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import sseparse

SDK_STREAMS = Path(__file__).resolve().parents[2] / "shared" / "sdk-streams"
SET_A = SDK_STREAMS / "set-a"
SET_B = SDK_STREAMS / "set-b"
NAMES_A = sorted(p.stem for p in SET_A.glob("*.sse")) if SET_A.is_dir() else []
NAMES_B = sorted(p.stem for p in SET_B.glob("*.sse")) if SET_B.is_dir() else []

pytestmark = pytest.mark.skipif(not NAMES_A and not NAMES_B, reason="../shared/sdk-streams is not present")

SDK_ONLY_KEYS = frozenset({"parsed", "parsed_arguments"})


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _differences(ours: Any, theirs: Any, path: str = "$") -> list[str]:
    """Field-by-field differences; a null on one side equals an absent key on the other."""
    out: list[str] = []
    stack = [(ours, theirs, path)]
    while stack:
        mine, sdk, where = stack.pop()
        if isinstance(mine, dict) and isinstance(sdk, dict):
            for key in mine.keys() | sdk.keys():
                if key in SDK_ONLY_KEYS or (key == "index" and where.rsplit(".", 1)[-1].startswith("tool_calls][")):
                    continue
                if mine.get(key) is None and sdk.get(key) is None:
                    continue
                stack.append((mine.get(key), sdk.get(key), f"{where}.{key}"))
        elif isinstance(mine, list) and isinstance(sdk, list):
            if len(mine) != len(sdk):
                out.append(f"{where}: {len(mine)} entries, the SDK has {len(sdk)}")
            stack.extend((a, b, f"{where}[{i}]") for i, (a, b) in enumerate(zip(mine, sdk, strict=False)))
        elif mine != sdk or type(mine) is not type(sdk):
            out.append(f"{where}: {mine!r} != SDK {sdk!r}")
    return out


def _compare(ours: Any, theirs: Any) -> None:
    differences = _differences(_tag(ours), _tag(theirs))
    assert not differences, "\n".join(sorted(differences))


def _tag(value: Any) -> Any:
    """Rename ``tool_calls`` keys to ``tool_calls]`` so that their entries' paths end the same way."""
    if isinstance(value, dict):
        return {("tool_calls]" if key == "tool_calls" else key): _tag(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_tag(item) for item in value]
    return value


# -- set-b: the SDK's compared fields and its whole final object --------------------------------------------


def _anthropic_fields(result: sseparse.AccumulatedResult) -> dict[str, Any]:
    final = result.final
    blocks = final["content"]

    def calls(kinds: set[str]) -> list[dict[str, Any]]:
        return [
            {"id": b.get("id"), "type": b["type"], "name": b.get("name"), "arguments": b.get("input")}
            for b in blocks
            if b["type"] in kinds
        ]

    return {
        "id": final["id"],
        "model": final["model"],
        "role": final["role"],
        "block_types": [block["type"] for block in blocks],
        "content": blocks,
        "text": result.text,
        "thinking": result.reasoning,
        "tool_calls": calls({"tool_use"}),
        "server_tool_calls": calls({"server_tool_use", "mcp_tool_use"}),
        "stop_reason": final["stop_reason"],
        "stop_sequence": final["stop_sequence"],
        "usage": final["usage"],
    }


def _openai_fields(result: sseparse.AccumulatedResult) -> dict[str, Any]:
    final = result.final
    choices = []
    for choice, final_choice in zip(result.choices, final["choices"], strict=True):
        message = final_choice["message"]
        choices.append(
            {
                "index": choice.index,
                "finish_reason": choice.finish_reason,
                "role": message["role"],
                "content": message["content"],
                "refusal": message["refusal"],
                "tool_calls": [{"id": c.id, "type": c.type, "name": c.name, "arguments": c.json()} for c in choice.tool_calls],
                "logprobs": final_choice["logprobs"],
            }
        )
    return {
        "id": final["id"],
        "model": final["model"],
        "created": final["created"],
        "system_fingerprint": final["system_fingerprint"],
        "choices": choices,
        "usage": final["usage"],
    }


@pytest.mark.parametrize("name", NAMES_B)
def test_set_b_agrees_with_the_sdk(name: str) -> None:
    """The SDK's compared fields and its whole final object, for each of the 71 set-b streams."""
    recorded = _load(SET_B / f"{name}.expected.json")
    body = (SET_B / f"{name}.sse").read_bytes()
    result = sseparse.accumulate(body)
    assert result.format == ("anthropic-messages" if recorded["sdk"] == "anthropic" else "openai-chat")
    assert result.error is None
    fields = _anthropic_fields(result) if recorded["sdk"] == "anthropic" else _openai_fields(result)
    _compare(fields, recorded["expected"])
    _compare(result.final, recorded["sdk_final"])
    one_byte = sseparse.accumulate([body[i : i + 1] for i in range(len(body))])
    assert one_byte.final == result.final


def test_set_b_holds_71_streams() -> None:
    """The corpus is all there (39 openai chat recordings, 32 anthropic streams)."""
    if not NAMES_B:
        pytest.skip("../shared/sdk-streams/set-b is not present")
    sdks = [_load(SET_B / f"{name}.expected.json")["sdk"] for name in NAMES_B]
    assert (len(NAMES_B), sdks.count("openai"), sdks.count("anthropic")) == (71, 39, 32)


# -- set-a: what each SDK test asserts ------------------------------------------------------------------------


def _check_set_a(name: str, expected: dict[str, Any], result: sseparse.AccumulatedResult) -> None:
    final = result.final
    for key, want in expected.items():
        if key == "message":
            _compare({k: final.get(k) for k in want}, want)
        elif key == "choices":
            _compare(final["choices"], want)
        elif key == "content0":
            _compare(final["content"][0], want)
        elif key == "assistant_content":
            _compare(final["content"], want)
        elif key == "stop_reason (from wire)":
            assert final["stop_reason"] == want
        elif key == "usage.output_tokens (from wire, message_delta)":
            assert final["usage"]["output_tokens"] == want
        elif key == "choices_finish_reason":
            assert [c.finish_reason for c in result.choices] == want
        elif key == "parsed_arguments":
            assert [c.json() for c in result.tool_calls] == want
        elif key in {"id", "object", "created", "model", "system_fingerprint", "service_tier", "usage"}:
            _compare(final.get(key), want)
        else:  # the SDK's own event lists and helpers (event_types, raises, parsed...): not accumulation
            assert key in {
                "event_types",
                "events_include",
                "logprob_event_types",
                "event_types_sequence",
                "raises",
                "parsed",
                "derived_from",
            }


@pytest.mark.parametrize("name", NAMES_A)
def test_set_a_agrees_with_the_sdk(name: str) -> None:
    """What the SDK's own test asserts about each of the 16 set-a streams."""
    recorded = _load(SET_A / f"{name}.json")
    body = (SET_A / f"{name}.sse").read_bytes()
    result = sseparse.accumulate(body)
    assert result.error is None
    _check_set_a(name, recorded["expected"], result)


def test_set_a_holds_16_streams() -> None:
    """The corpus is all there."""
    if not NAMES_A:
        pytest.skip("../shared/sdk-streams/set-a is not present")
    assert len(NAMES_A) == 16


def test_anthropic_fixture_without_final_blank_line_is_truncated_as_the_sdk_reads_it() -> None:
    """The SSE rule both sides apply: an event is dispatched only at a blank line, so a file ending right after
    ``data: {"type":"message_stop"}`` never dispatches it: the stream is truncated there (SDK: no message_stop event).
    """
    if not NAMES_A:
        pytest.skip("../shared/sdk-streams/set-a is not present")
    body = (SET_A / "anthropic-text-basic.sse").read_bytes()
    assert body.rstrip(b"\n").endswith(b'"message_stop"}')
    assert not body.endswith(b"\n\n")
    assert sseparse.accumulate(body).end == "truncated"
    assert sseparse.accumulate(body + b"\n\n").end == "complete"
