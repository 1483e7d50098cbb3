"""Anthropic Messages streams (also what Bedrock and Vertex carry inside their own framing).

Wire: ``event: <type>`` + ``data: {"type": "<type>", ...}`` on every event; the stream ends after
``message_stop``; ``event: error`` is an in-stream error on an HTTP-200 stream; ``ping`` is ignored
(and counted in ``details["pings"]``).

Rules: blocks are keyed by ``index``; ``text_delta`` / ``thinking_delta`` append; ``signature_delta``
is kept byte-exact; ``input_json_delta`` fragments are joined and parsed once at
``content_block_stop`` (``""`` is ``{}``); ``citations_delta`` appends a citation. Usage starts from
``message_start`` and the figures of ``message_delta`` replace those keys (cumulative, never added).
A second ``message_start`` means a proxy spliced two generations: the accumulator starts over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseparse._json import loads
from sseparse.accumulators._base import BaseAccumulator
from sseparse.accumulators._toolcalls import CallBuilder, Fragments
from sseparse.accumulators._updates import (
    FinishUpdate,
    ReasoningDelta,
    ResetUpdate,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
)

if TYPE_CHECKING:
    from sseparse.accumulators._results import AccumulatedResult

__all__ = ["AnthropicAccumulator"]

NOTE_SPLICED = "a second message_start: started over (a proxy spliced two generations)"
NOTE_BAD_INPUT = "tool_use input is not valid JSON: kept as {}"

_TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


class _Block:
    __slots__ = ("base", "call", "citations", "index", "signature", "stopped", "text", "type")

    def __init__(self, index: int, base: dict[str, Any]) -> None:
        self.index = index
        self.base = base
        self.type: str = base.get("type") or ""
        self.text = Fragments()  # text, thinking, or tool input JSON
        self.signature = Fragments()
        self.citations: list[Any] | None = None
        self.call: CallBuilder | None = None
        self.stopped = False


class AnthropicAccumulator(BaseAccumulator):
    """Accumulates Messages streams; `result` gives the ``message`` object as ``final``."""

    format = "anthropic-messages"

    def __init__(self) -> None:
        super().__init__()
        self._reset()
        self._pings = 0
        self._restarts = 0

    def _reset(self) -> None:
        self._message: dict[str, Any] = {}
        self._blocks: dict[int, _Block] = {}
        self._usage: dict[str, Any] | None = None
        self._stop: dict[str, Any] = {}
        self._calls = 0

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:  # noqa: C901, PLR0912
        kind = payload.get("type")
        if kind.__class__ is not str:
            kind = event_type
        if kind == "content_block_delta":
            block = self._block(payload)
            delta = payload.get("delta")
            if block is not None and delta.__class__ is dict:
                self._delta(block, delta, out)
        elif kind == "ping":
            self._pings += 1
        elif kind == "content_block_start":
            self._start_block(payload, out)
        elif kind == "content_block_stop":
            block = self._block(payload)
            if block is not None:
                self._stop_block(block, out)
        elif kind == "message_start":
            message = payload.get("message")
            if self._message:
                self._note(NOTE_SPLICED)
                self._restarts += 1
                self._reset()
                if out is not None:
                    out.append(ResetUpdate())
            self._message = dict(message) if isinstance(message, dict) else {}
            usage = self._message.get("usage")
            if isinstance(usage, dict):
                self._usage = dict(usage)
                if out is not None:
                    out.append(UsageUpdate(dict(usage)))
        elif kind == "message_delta":
            delta = payload.get("delta")
            if isinstance(delta, dict):
                self._stop.update(delta)
                reason = delta.get("stop_reason")
                if reason is not None and out is not None:
                    out.append(FinishUpdate(reason))
            usage = payload.get("usage")
            if isinstance(usage, dict):
                merged = dict(self._usage or {})
                merged.update({key: value for key, value in usage.items() if value is not None})
                self._usage = merged
                if out is not None:
                    out.append(UsageUpdate(dict(merged)))
        elif kind == "message_stop":
            self._complete()
        elif kind == "error" or event_type == "error" or payload.get("error") is not None:
            self._fail(self._error_from(payload), out)

    def _block(self, payload: dict[str, Any]) -> _Block | None:
        index = payload.get("index")
        return self._blocks.get(index) if index.__class__ is int else None

    def _start_block(self, payload: dict[str, Any], out: list[Update] | None) -> None:  # noqa: C901
        index = payload.get("index")
        base = payload.get("content_block")
        if not isinstance(index, int) or not isinstance(base, dict):
            return
        block = self._blocks[index] = _Block(index, dict(base))
        kind = block.type
        if kind == "text":
            text = base.get("text")
            if isinstance(text, str) and text:
                block.text.append(text)
                if out is not None:
                    out.append(TextDelta(text))
            if isinstance(base.get("citations"), list):
                block.citations = list(base["citations"])
        elif kind == "thinking":
            if isinstance(base.get("thinking"), str):
                block.text.append(base["thinking"])
            if isinstance(base.get("signature"), str):
                block.signature.append(base["signature"])
        elif kind in _TOOL_BLOCKS:
            call_id = base.get("id")
            call = block.call = CallBuilder(
                self._calls if kind == "tool_use" else -1, call_id if isinstance(call_id, str) else None
            )
            call.type = kind
            call.args = block.text  # the input JSON fragments are the call's arguments
            name = base.get("name")
            call.name = name if isinstance(name, str) else ""
            if kind == "tool_use":
                self._calls += 1
                if out is not None:
                    out.append(ToolCallStarted(call.index, call.id, call.name))

    def _delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: C901, PLR0912
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            if isinstance(text, str):
                block.text.append(text)
                if text and out is not None:
                    out.append(TextDelta(text))
        elif kind == "input_json_delta":
            text = delta.get("partial_json")
            if isinstance(text, str):
                block.text.append(text)
                if text and out is not None and block.type == "tool_use" and block.call is not None:
                    out.append(ToolCallArgumentsDelta(block.call.index, text))
        elif kind == "thinking_delta":
            text = delta.get("thinking")
            if isinstance(text, str):
                block.text.append(text)
                if text and out is not None:
                    out.append(ReasoningDelta(text))
        elif kind == "signature_delta":
            signature = delta.get("signature")
            if isinstance(signature, str):
                block.signature.append(signature)
        elif kind == "citations_delta":
            if block.citations is None:
                block.citations = []
            block.citations.append(delta.get("citation"))

    def _stop_block(self, block: _Block, out: list[Update] | None) -> None:
        block.stopped = True
        call = block.call
        if call is None:
            return
        text = block.text.value()
        call.done = True
        if not text.strip():
            call.value = {}
        else:
            try:
                call.value = loads(text)
            except ValueError:
                self._note(NOTE_BAD_INPUT)
        if block.type == "tool_use" and out is not None:
            out.append(ToolCallFinished(call.snapshot()))

    # -- snapshot -----------------------------------------------------------------------------------

    def _final_block(self, block: _Block) -> dict[str, Any]:
        kind = block.type
        final = dict(block.base)
        if kind == "text":
            final["text"] = block.text.value()
            final["citations"] = block.citations
        elif kind == "thinking":
            final["thinking"] = block.text.value()
            final["signature"] = block.signature.value()
        elif block.call is not None:
            call = block.call
            if call.value is not None:
                final["input"] = call.value
            elif not block.stopped:  # still streaming: the best-effort value, when it parses already
                text = block.text.value()
                final["input"] = _loads_or(text, final.get("input") if isinstance(final.get("input"), dict) else {})
        return final

    def _result(self) -> AccumulatedResult:
        """Return the ``message`` so far."""
        blocks = [self._blocks[index] for index in sorted(self._blocks)]
        content = [self._final_block(block) for block in blocks]
        text = "".join(b.text.value() for b in blocks if b.type == "text")
        reasoning = "".join(b.text.value() for b in blocks if b.type == "thinking")
        calls = []
        for block in blocks:
            call = block.call
            if call is not None and block.type == "tool_use":
                calls.append(call.snapshot())
        message = self._message
        final: dict[str, Any] = {
            "id": message.get("id", ""),
            "type": message.get("type", "message"),
            "role": message.get("role", "assistant"),
            "model": message.get("model", ""),
            "content": content,
            "stop_reason": message.get("stop_reason"),
            "stop_sequence": message.get("stop_sequence"),
            "usage": self._usage,
        }
        for key, value in message.items():
            if key not in final:
                final[key] = value
        for key, value in self._stop.items():
            if value is not None or key not in final:
                final[key] = value
        details = self._base_details()
        details["pings"] = self._pings
        if self._restarts:
            details["restarts"] = self._restarts
        stop_reason = final.get("stop_reason")
        return self._single_choice_result(
            role=final["role"],
            text=text,
            has_text=any(b.type == "text" for b in blocks),
            reasoning=reasoning,
            tool_calls=calls,
            finish_reason=stop_reason,
            usage=self._usage,
            final=final,
            details=details,
        )


def _loads_or(text: str, default: Any) -> Any:  # noqa: ANN401
    try:
        return loads(text)
    except ValueError:
        return default
