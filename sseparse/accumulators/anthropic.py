"""Anthropic Messages streams (also what Bedrock and Vertex carry inside their own framing).

Wire: ``event: <type>`` + ``data: {"type": "<type>", ...}`` on every event; the stream ends after
``message_stop``; ``event: error`` is an in-stream error on an HTTP-200 stream; ``ping`` is ignored
(and counted in ``details["pings"]``).

Rules: blocks are keyed by ``index``; ``text_delta`` / ``thinking_delta`` append; ``signature_delta``
is kept byte-exact; ``input_json_delta`` fragments are joined and parsed once at
``content_block_stop`` (``""`` is ``{}``); a ``tool_use`` block that never stopped (cut by
``max_tokens``) gets the partially parsed input, its unterminated last string dropped, as the SDK
does; ``citations_delta`` appends a citation; ``compaction_delta`` sets the block's ``content`` and
``encrypted_content``. A ``fallback`` block relabels ``model`` with the model that served the
answer (as the beta SDK does). Usage starts from ``message_start`` and the figures of
``message_delta`` replace those keys (cumulative, never added); its ``context_management`` and
``input_transformations`` replace the message's. A second ``message_start`` means a proxy spliced
two generations: the accumulator starts over. Delta types this module does not know are merged
into their block by the generic rule (`_merge`), with a merge note.

Shapes (`_shapes`): a ``text_delta``, ``thinking_delta`` or ``input_json_delta`` event that repeats
the last one parsed in full byte for byte but for its string is read by scanning that string alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sseparse._json import loads
from sseparse.accumulators._merge import Extras
from sseparse.accumulators._payloads import is_error_payload
from sseparse.accumulators._results import _parse_partial
from sseparse.accumulators._shaped import ShapedAccumulator
from sseparse.accumulators._shapes import learn
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
    from collections.abc import Callable

    from sseparse.accumulators._results import AccumulatedResult

__all__ = ["AnthropicAccumulator"]

NOTE_SPLICED = "a second message_start: started over (a proxy spliced two generations)"
NOTE_BAD_INPUT = "tool_use input is not valid JSON: kept as {}"
NOTE_UNKNOWN_DELTA = "a content block delta of an unknown type was merged into its block"

_TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


class _Block:
    __slots__ = ("base", "call", "citations", "fields", "index", "signature", "stopped", "text", "type")

    def __init__(self, index: int, base: dict[str, Any]) -> None:
        self.index = index
        self.base = base
        kind = base.get("type")
        self.type: str = kind if isinstance(kind, str) else ""  # any JSON type may arrive: never hash a list
        self.text = Fragments()  # text, thinking, or tool input JSON
        self.signature = Fragments()
        self.citations: list[Any] | None = None
        self.call: CallBuilder | None = None
        self.stopped = False
        self.fields: Extras | None = None  # what deltas of unknown types (or unknown delta keys) brought


class AnthropicAccumulator(ShapedAccumulator[_Block, str]):
    """Accumulates Messages streams; `result` gives the ``message`` object as ``final``."""

    format = "anthropic-messages"
    terminal_events = frozenset({"message_stop"})
    skip_events = frozenset({"ping"})  # counted in details["pings"]; Stream does not yield them
    chunk_model = "sseparse.models.anthropic:MessageStreamEvent"
    final_model = "sseparse.models.anthropic:Message"

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
        self._shape = None  # a shape: the last delta parsed in full, its block and delta type (`_learn`)

    def _shaped(self, value: str, block: _Block, kind: str, out: list[Update] | None) -> None:
        """Merge a shaped delta: its delta handler, with the delta the full parse would have built."""
        self._DELTAS[kind](self, block, {"type": kind, _SHAPED_DELTAS[kind]: value}, out)

    def _run_target(self, block: _Block, kind: str) -> Callable[[str], object]:  # noqa: ARG002 - the same for each kind
        """Return where a run's strings go: the block's text (its fragments were marked seen by the first delta)."""
        return block.text.parts.append

    def _learn(self, block: _Block, kind: str) -> None:
        """After a text, thinking or input JSON delta parsed in full (type, index and delta, no other key): keep its shape.

        Such a delta only appends its string to its block; `_feed` drops the shape at the first event
        that does not have it, so nothing in between can have changed the block.
        """
        cls = type(self)
        if (
            cls._handle is not AnthropicAccumulator._handle
            or cls._HANDLERS is not AnthropicAccumulator._HANDLERS
            or cls._DELTAS is not AnthropicAccumulator._DELTAS
            or not self._text
        ):
            return  # a subclass that merges events its own way sees every event
        shape = learn(self._text, _SHAPED_DELTAS[kind])
        if shape is not None:
            self._shape = (shape, block, kind)

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:
        kind = payload.get("type")
        if kind.__class__ is not str:
            kind = event_type
        handler = self._HANDLERS.get(kind)
        if handler is not None:
            handler(self, payload, out)
        elif is_error_payload(payload, event_type):
            self._fail(self._error_from(payload), out)

    # -- event handlers (dispatched by event type through _HANDLERS) ---------------------------------------

    def _block_delta(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        block = self._block(payload)
        delta = payload.get("delta")
        if block is None or delta.__class__ is not dict:
            return
        kind = delta.get("type")
        handler = self._DELTAS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            self._note(NOTE_UNKNOWN_DELTA)
            _merge_fields(block, delta)
            return
        handler(self, block, delta, out)
        if len(delta) > 2:  # unknown keys beside a known delta's own (type + one field)
            _merge_fields(block, delta, _DELTA_KEYS)
        elif kind in _SHAPED_DELTAS and len(payload) == 3:  # type, index, delta: nothing else to merge
            self._learn(block, kind)

    def _ping(self, payload: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        self._pings += 1

    def _block_stop(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        block = self._block(payload)
        if block is not None:
            self._stop_block(block, out)

    def _message_start(self, payload: dict[str, Any], out: list[Update] | None) -> None:
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

    def _message_delta(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        delta = payload.get("delta")
        if isinstance(delta, dict):
            self._stop.update(delta)
            reason = delta.get("stop_reason")
            if reason is not None and out is not None:
                out.append(FinishUpdate(reason))
        for key in ("context_management", "input_transformations"):  # replace the message's, as the SDK does
            if payload.get(key) is not None:
                self._stop[key] = payload[key]
        usage = payload.get("usage")
        if isinstance(usage, dict):
            merged = dict(self._usage or {})
            merged.update({key: value for key, value in usage.items() if value is not None})
            self._usage = merged
            if out is not None:
                out.append(UsageUpdate(dict(merged)))

    def _message_stop(self, payload: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        self._complete()

    def _error_event(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        self._fail(self._error_from(payload), out)

    def _block(self, payload: dict[str, Any]) -> _Block | None:
        index = payload.get("index")
        return self._blocks.get(index) if index.__class__ is int else None

    def _start_block(self, payload: dict[str, Any], out: list[Update] | None) -> None:
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
            self._start_call(block, base, out)

    def _start_call(self, block: _Block, base: dict[str, Any], out: list[Update] | None) -> None:
        kind = block.type
        call_id = base.get("id")
        call = block.call = CallBuilder(self._calls if kind == "tool_use" else -1, call_id if isinstance(call_id, str) else None)
        call.type = kind
        call.args = block.text  # the input JSON fragments are the call's arguments
        name = base.get("name")
        call.name = name if isinstance(name, str) else ""
        if kind == "tool_use":
            self._calls += 1
            if out is not None:
                out.append(ToolCallStarted(call.index, call.id, call.name))

    _HANDLERS: ClassVar[dict[str, Callable[..., None]]] = {
        "content_block_delta": _block_delta,
        "ping": _ping,
        "content_block_start": _start_block,
        "content_block_stop": _block_stop,
        "message_start": _message_start,
        "message_delta": _message_delta,
        "message_stop": _message_stop,
        "error": _error_event,
    }

    # -- delta handlers (dispatched by delta type through _DELTAS) ------------------------------------------

    def _text_delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:
        text = delta.get("text")
        if isinstance(text, str):
            block.text.append(text)
            if text and out is not None:
                out.append(TextDelta(text))

    def _input_json_delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:
        text = delta.get("partial_json")
        if isinstance(text, str):
            block.text.append(text)
            if text and out is not None and block.type == "tool_use" and block.call is not None:
                out.append(ToolCallArgumentsDelta(block.call.index, text))

    def _thinking_delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:
        text = delta.get("thinking")
        if isinstance(text, str):
            block.text.append(text)
            if text and out is not None:
                out.append(ReasoningDelta(text))

    def _signature_delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        signature = delta.get("signature")
        if isinstance(signature, str):
            block.signature.append(signature)

    def _citations_delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        if block.citations is None:
            block.citations = []
        block.citations.append(delta.get("citation"))

    def _compaction_delta(self, block: _Block, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ARG002
        for key in ("content", "encrypted_content"):  # each delta carries the whole values (the SDK sets them)
            if key in delta:
                block.base[key] = delta[key]

    _DELTAS: ClassVar[dict[Any, Callable[..., None]]] = {
        "text_delta": _text_delta,
        "input_json_delta": _input_json_delta,
        "thinking_delta": _thinking_delta,
        "signature_delta": _signature_delta,
        "citations_delta": _citations_delta,
        "compaction_delta": _compaction_delta,
    }

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

    @staticmethod
    def _final_block(block: _Block) -> dict[str, Any]:
        kind = block.type
        final = dict(block.base)
        if block.fields is not None:
            final.update(block.fields.snapshot())
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
            elif not block.stopped:  # still streaming, or cut by max_tokens: the partially parsed input
                final["input"] = _partial_input(block.text.value(), final.get("input"))
        return final

    def _salvage(self) -> dict[str, Callable[[], Any]]:
        """Return builders of the text, the thinking and the usage, for when the full snapshot fails."""

        def joined(kind: str) -> str:
            return "".join(self._blocks[i].text.value() for i in sorted(self._blocks) if self._blocks[i].type == kind)

        return {"text": lambda: joined("text"), "reasoning": lambda: joined("thinking"), "usage": lambda: self._usage}

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
        model = _str_or(message.get("model"), "")
        for block in blocks:  # the last fallback block names the model that served the answer
            target = block.base.get("to") if block.type == "fallback" else None
            if isinstance(target, dict) and isinstance(target.get("model"), str):
                model = target["model"]
        final: dict[str, Any] = {
            "id": _str_or(message.get("id"), ""),
            "type": _str_or(message.get("type"), "message"),  # a message's identity: never null or another type
            "role": _str_or(message.get("role"), "assistant"),
            "model": model,
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


# The delta types read by shape, and the key of the string each one appends.
_SHAPED_DELTAS = {"text_delta": "text", "thinking_delta": "thinking", "input_json_delta": "partial_json"}
_DELTA_KEYS = frozenset({"type", "text", "partial_json", "thinking", "signature", "citation", "content", "encrypted_content"})


def _merge_fields(block: _Block, delta: dict[str, Any], known: frozenset[str] = frozenset({"type"})) -> None:
    """Merge a delta's unknown keys into its block by the generic rule (the known ones have their handlers)."""
    if known.issuperset(delta):
        return
    if block.fields is None:
        block.fields = Extras()
    block.fields.merge(delta, known)


def _str_or(value: Any, default: str) -> str:  # noqa: ANN401
    return value if isinstance(value, str) else default


def _partial_input(text: str, default: Any) -> Any:  # noqa: ANN401
    """Return the input of a tool_use block that did not stop: parsed as far as it goes, as the SDK does.

    An unterminated last string is dropped (jiter's ``partial_mode=True``, what the anthropic SDK uses
    without the fine-grained tool streaming beta). Without pydantic-core or jiter, only complete JSON
    is parsed. When nothing can be made of the text, the block's own ``input`` (``{}``) stays.
    """
    fallback = default if isinstance(default, dict) else {}
    try:
        value = _parse_partial(text, trailing_strings=False)
    except ImportError:
        try:
            value = loads(text) if text.strip() else {}
        except ValueError:
            value = None
    return fallback if value is None else value
