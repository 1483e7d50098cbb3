"""Google Gemini ``streamGenerateContent?alt=sse`` streams (Gemini API and Vertex AI).

Wire: ``data: <GenerateContentResponse>`` with CRLF framing (the decoder handles it), no ``event:``,
no ``[DONE]``: the stream just ends. ``end`` is ``complete`` when every candidate carries a
``finishReason`` (or the prompt was blocked: ``promptFeedback.blockReason``), else ``truncated``.

Rules: candidates are keyed by ``index``. Adjacent text parts are joined; ``thought: true`` parts are
kept apart (they are the reasoning); a ``thoughtSignature`` stays on the part that carried it (a part
with a signature starts a new part, so it is never moved onto earlier text). Every ``functionCall``
part is its own call, even with the same name and no id. Streamed arguments
(``functionCall{name, willContinue: true}``, then ``partialArgs[{jsonPath, stringValue | numberValue |
boolValue | nullValue, willContinue}]``, closed by an empty ``functionCall``) are assembled into the
``args`` object. ``usageMetadata`` is a cumulative snapshot: the last one wins.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sseparse.accumulators._base import BaseAccumulator
from sseparse.accumulators._payloads import is_error_payload
from sseparse.accumulators._results import (
    AccumulatedResult,
    Choice,
    End,
    ToolCall,
)
from sseparse.accumulators._toolcalls import CallBuilder, Fragments, finish_calls
from sseparse.accumulators._updates import (
    FinishUpdate,
    ReasoningDelta,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallFinished,
    ToolCallStarted,
    Update,
    UsageUpdate,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["GeminiAccumulator"]

_CANDIDATE_KEEP = (
    "safetyRatings",
    "citationMetadata",
    "groundingMetadata",
    "urlContextMetadata",
    "avgLogprobs",
    "logprobsResult",
)
MAX_PATH_DEPTH = 64
"""Most keys and indices a ``partialArgs`` ``jsonPath`` may hold (deeper paths are ignored, noted)."""
MAX_INDEX_GAP = 64
"""How far past the end of an array a ``partialArgs`` index may reach (the gap is filled with nulls).

Any index costs memory and time in proportion to the input: ``$.a[30000000]`` does not build an
array of thirty million nulls; it is ignored and noted.
"""
NOTE_BAD_PATH = (
    "a partialArgs entry was ignored: its jsonPath was not understood, deeper than "
    f"{MAX_PATH_DEPTH}, or reached more than {MAX_INDEX_GAP} places past the end of an array"
)
NOTE_BAD_VALUE = "a partialArgs entry was ignored: its numberValue or boolValue was not a number or a boolean"
_NO_VALUE: Any = object()
_PATH_TOKEN = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]")


class _Candidate:
    __slots__ = ("calls", "extra", "finish_reason", "index", "open_call", "open_parts", "open_string", "parts", "role")

    def __init__(self, index: int) -> None:
        self.index = index
        # Each part: [kind, dict, Fragments | None, thought]; kind "text", "call" or "other".
        self.parts: list[list[Any]] = []
        self.calls: list[CallBuilder] = []
        self.finish_reason: str | None = None
        self.role = "model"
        self.extra: dict[str, Any] = {}
        self.open_call: CallBuilder | None = None  # a call whose arguments stream as partialArgs
        self.open_string: tuple[Any, ...] | None = None  # the path of a string value that continues
        self.open_parts = Fragments()  # its pieces: joined once, when it closes (linear, not quadratic)


class GeminiAccumulator(BaseAccumulator):
    """Accumulates ``GenerateContentResponse`` chunks; `result` gives one merged response as ``final``."""

    format = "gemini"
    # No terminal marker: the result is complete once every candidate has a finishReason, but the
    # server may still send more (usage), so a Stream reads to the end.
    read_to_eof = True
    chunk_model = "sseparse.models.gemini:GenerateContentResponse"
    final_model = "sseparse.models.gemini:GenerateContentResponse"

    def __init__(self) -> None:
        super().__init__()
        self._candidates: dict[int, _Candidate] = {}
        self._usage: dict[str, Any] | None = None
        self._top: dict[str, Any] = {}
        self._blocked = False

    @property
    def end(self) -> End:
        """``complete`` once every candidate has a ``finishReason`` (Gemini sends no terminal marker)."""
        if self._end is End.TRUNCATED and self._finished_all():
            return End.COMPLETE
        return self._end

    def _finished_all(self) -> bool:
        if self._blocked:
            return True
        candidates = self._candidates.values()
        return bool(candidates) and all(c.finish_reason is not None for c in candidates)

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:
        if (
            event_type == "error"
            or payload.get("error") is not None
            or ("candidates" not in payload and is_error_payload(payload))
        ):
            self._fail(self._error_from(payload), out)
            return
        top = self._top
        for key in ("modelVersion", "responseId", "createTime"):
            value = payload.get(key)
            if value is not None and key not in top:
                top[key] = value
        feedback = payload.get("promptFeedback")
        if isinstance(feedback, dict):
            top["promptFeedback"] = feedback
            if feedback.get("blockReason"):
                self._blocked = True
        usage = payload.get("usageMetadata")
        if isinstance(usage, dict):
            self._usage = usage
            if out is not None:
                out.append(UsageUpdate(usage))
        candidates = payload.get("candidates")
        if isinstance(candidates, list):
            for candidate in candidates:
                if isinstance(candidate, dict):
                    self._candidate(candidate, out)

    def _candidate(self, payload: dict[str, Any], out: list[Update] | None) -> None:
        index = payload.get("index", 0)
        if not isinstance(index, int):
            index = 0
        state = self._candidates.get(index)
        if state is None:
            state = self._candidates[index] = _Candidate(index)
        content = payload.get("content")
        if isinstance(content, dict):
            if isinstance(content.get("role"), str):
                state.role = content["role"]
            parts = content.get("parts")
            if isinstance(parts, list):
                for part in parts:
                    if isinstance(part, dict):
                        self._part(state, part, out)
        for key in _CANDIDATE_KEEP:
            value = payload.get(key)
            if value is not None:
                state.extra[key] = value
        finish = payload.get("finishReason")
        if isinstance(finish, str):
            state.finish_reason = finish
            self._close_call(state, out)
            finish_calls(state.calls, index, out)
            if out is not None:
                out.append(FinishUpdate(finish, index))

    def _part(self, state: _Candidate, part: dict[str, Any], out: list[Update] | None) -> None:
        function_call = part.get("functionCall")
        if isinstance(function_call, dict):
            self._function_call(state, part, function_call, out)
            return
        text = part.get("text")
        if not isinstance(text, str):
            state.parts.append(["other", dict(part), None, False])
            return
        thought = part.get("thought") is True
        signature = part.get("thoughtSignature")
        last = state.parts[-1] if state.parts else None
        if last is not None and last[0] == "text" and last[3] == thought and signature is None:
            last[2].append(text)
        elif text or signature is not None:
            fragments = Fragments()
            fragments.append(text)
            state.parts.append(["text", dict(part), fragments, thought])
        if text and out is not None:
            out.append(ReasoningDelta(text, state.index) if thought else TextDelta(text, state.index))

    def _function_call(
        self, state: _Candidate, part: dict[str, Any], function_call: dict[str, Any], out: list[Update] | None
    ) -> None:
        open_call = state.open_call
        if open_call is not None:
            if self._partial_args(state, open_call, function_call) and not function_call.get("name"):
                if function_call.get("willContinue") is False:
                    self._close_call(state, out)
                return
            if not function_call.get("name"):  # the empty functionCall that ends a streamed call
                self._close_call(state, out)
                return
            self._close_call(state, out)
        name = function_call.get("name")
        call = CallBuilder(len(state.calls), function_call.get("id") if isinstance(function_call.get("id"), str) else None)
        call.type = "functionCall"
        call.name = name if isinstance(name, str) else ""
        state.calls.append(call)
        stored = dict(part)
        stored["functionCall"] = dict(function_call)
        state.parts.append(["call", stored, call, False])
        if out is not None:
            out.append(ToolCallStarted(call.index, call.id, call.name, state.index))
        args = function_call.get("args")
        if function_call.get("willContinue") and args is None:
            call.value = {}
            call.extra["streamed"] = True
            stored["functionCall"].pop("willContinue", None)
            state.open_call = call
            self._partial_args(state, call, function_call)
            return
        call.value = args if args is not None else {}
        _finish_call(state, call, out)

    def _partial_args(self, state: _Candidate, call: CallBuilder, function_call: dict[str, Any]) -> bool:
        """Apply the ``partialArgs`` entries of ``function_call`` to ``call``; False when it has no such list."""
        partial = function_call.get("partialArgs")
        if not isinstance(partial, list):
            return False
        for entry in partial:
            if isinstance(entry, dict):
                self._partial_arg(state, call, entry)
        return True

    def _partial_arg(self, state: _Candidate, call: CallBuilder, entry: dict[str, Any]) -> None:
        path = _parse_path(entry.get("jsonPath"))
        if path is None or not _reachable(call.value, path):
            self._note(NOTE_BAD_PATH)
            return
        if isinstance(entry.get("stringValue"), str):
            if state.open_string != path:
                _flush_string(state, call)
                state.open_string = path
            state.open_parts.append(entry["stringValue"])
            if not entry.get("willContinue"):
                _flush_string(state, call)
            return
        _flush_string(state, call)
        value = _scalar(entry)
        if value is _NO_VALUE:
            if any(key in entry for key in ("numberValue", "boolValue")):
                self._note(NOTE_BAD_VALUE)
            return
        call.value = _set(call.value, path, value)

    def _close_call(self, state: _Candidate, out: list[Update] | None) -> None:
        call = state.open_call
        if call is None:
            return
        _flush_string(state, call)
        state.open_call = None
        _finish_call(state, call, out)

    # -- snapshot -----------------------------------------------------------------------------------

    def _salvage(self) -> dict[str, Callable[[], Any]]:
        """Candidate 0's text and thoughts and the usage, for when the full snapshot fails."""
        state = self._candidates.get(0)

        def joined(*, thought: bool) -> str:
            parts = state.parts if state is not None else []
            return "".join(item.value() for kind, _, item, is_thought in parts if kind == "text" and is_thought == thought)

        return {"text": lambda: joined(thought=False), "reasoning": lambda: joined(thought=True), "usage": lambda: self._usage}

    def _result(self) -> AccumulatedResult:
        """One ``GenerateContentResponse`` with the candidates merged."""
        candidates = []
        choices = []
        for index in sorted(self._candidates):
            state = self._candidates[index]
            parts = []
            text_parts: list[str] = []
            thought_parts: list[str] = []
            for kind, base, item, thought in state.parts:
                part = dict(base)
                if kind == "text":
                    value = item.value()
                    part["text"] = value
                    (thought_parts if thought else text_parts).append(value)
                elif kind == "call":
                    part["functionCall"] = function_call = dict(base["functionCall"])
                    if item.extra:  # streamed as partialArgs: a copy, so later entries do not change it
                        function_call["args"] = _current_args(state, item)
                parts.append(part)
            calls = [self._call_snapshot(state, call) for call in state.calls]
            candidate: dict[str, Any] = {"content": {"role": state.role, "parts": parts}}
            if state.finish_reason is not None:
                candidate["finishReason"] = state.finish_reason
            candidate["index"] = index
            candidate.update(state.extra)
            candidates.append(candidate)
            text = "".join(text_parts)
            choices.append(
                Choice(
                    index,
                    role=state.role,
                    content=text if text_parts else None,
                    reasoning="".join(thought_parts),
                    tool_calls=calls,
                    finish_reason=state.finish_reason,
                    extra=dict(state.extra),
                )
            )
        final: dict[str, Any] = {"candidates": candidates}
        if self._usage is not None:
            final["usageMetadata"] = self._usage
        final.update(self._top)
        return self._choices_result(choices, usage=self._usage, final=final, details=self._base_details())

    @staticmethod
    def _call_snapshot(state: _Candidate, call: CallBuilder) -> Any:  # noqa: ANN401
        if call is state.open_call:
            value = _current_args(state, call)
            return ToolCall(
                call.index,
                call.id,
                call.name,
                _compact_json(value),
                type=call.type,
                value=value,
            )
        return call.snapshot()


def _compact_json(value: Any) -> str:  # noqa: ANN401
    """Return the arguments text of a call whose arguments arrive parsed: compact JSON, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _finish_call(state: _Candidate, call: CallBuilder, out: list[Update] | None) -> None:
    """Finish a call whose arguments are complete in ``call.value``: its text is that value as JSON."""
    text = _compact_json(call.value)
    call.args.set(text)
    call.done = True
    if out is not None:
        out.append(ToolCallArgumentsDelta(call.index, text, state.index))
        out.append(ToolCallFinished(call.snapshot(), state.index))


def _flush_string(state: _Candidate, call: CallBuilder) -> None:
    """Write the string value that was continuing into the arguments object."""
    if state.open_string is not None:
        call.value = _set(call.value, state.open_string, state.open_parts.value())
        state.open_string = None
        state.open_parts = Fragments()


def _current_args(state: _Candidate, call: CallBuilder) -> Any:  # noqa: ANN401
    """Return a copy of a streaming call's arguments, with the string still continuing as it is so far."""
    value = json.loads(json.dumps(call.value))
    if call is state.open_call and state.open_string is not None:
        value = _set(value, state.open_string, state.open_parts.value())
    return value


def _scalar(entry: dict[str, Any]) -> Any:  # noqa: ANN401
    """Return the value of a non-string ``partialArgs`` entry, or `_NO_VALUE` when it carries none of the right type."""
    if "numberValue" in entry:
        number = entry["numberValue"]
        return number if isinstance(number, (int, float)) and not isinstance(number, bool) else _NO_VALUE
    if "boolValue" in entry:
        return entry["boolValue"] if isinstance(entry["boolValue"], bool) else _NO_VALUE
    if "nullValue" in entry:
        return None
    return _NO_VALUE


def _parse_path(path: Any) -> tuple[Any, ...] | None:  # noqa: ANN401
    """``"$.a.b[0]"`` -> ``("a", "b", 0)``; None when it is not a JSON path we understand (or too deep)."""
    if not isinstance(path, str) or not path.startswith("$"):
        return None
    keys: list[Any] = []
    position = 1
    while position < len(path):
        match = _PATH_TOKEN.match(path, position)
        if match is None or len(keys) >= MAX_PATH_DEPTH:
            return None
        name, number, quoted, double = match.groups()
        if number is not None:
            digits = number.lstrip("0")
            keys.append(int(number) if len(digits) <= 18 else _TOO_FAR)  # bounded before int()
        else:
            keys.append(name if name is not None else quoted if quoted is not None else double)
        position = match.end()
    return tuple(keys)


_TOO_FAR = 10**18  # an index no array reaches: `_reachable` refuses it without building anything


def _reachable(root: Any, path: tuple[Any, ...]) -> bool:  # noqa: ANN401
    """Return False when ``path`` has an index more than `MAX_INDEX_GAP` places past the end of its array."""
    node = root
    for key in path:
        if isinstance(key, int):
            length = len(node) if isinstance(node, list) else 0
            if key - length > MAX_INDEX_GAP:
                return False
            node = node[key] if isinstance(node, list) and key < length else None
        else:
            node = node.get(key) if isinstance(node, dict) else None
    return True


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:  # noqa: ANN401
    """Set ``value`` at ``path`` inside ``root``, creating objects and arrays on the way; return the root.

    Paths are checked with `_reachable` first; an index too far past the end changes nothing here either.
    """
    if not path:
        return value
    if root is None:
        root = [] if isinstance(path[0], int) else {}
    node = root
    for position, key in enumerate(path):
        if isinstance(key, int):
            if not isinstance(node, list) or key - len(node) > MAX_INDEX_GAP:
                return root
            if len(node) <= key:
                node.extend([None] * (key + 1 - len(node)))
        elif not isinstance(node, dict):
            return root
        if position == len(path) - 1:
            node[key] = value
        else:
            node = _child(node, key, path[position + 1])
    return root


def _child(node: Any, key: Any, next_key: Any) -> Any:  # noqa: ANN401
    """Return the container at ``node[key]``, creating the kind ``next_key`` needs when it is not one."""
    child = node[key] if isinstance(node, list) else node.get(key)
    if not isinstance(child, (dict, list)):
        child = node[key] = [] if isinstance(next_key, int) else {}
    return child
