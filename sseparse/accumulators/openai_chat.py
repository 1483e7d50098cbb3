"""OpenAI Chat Completions streams (``chat.completion.chunk``) and the servers that copy them.

Wire: ``data: {chunk}`` per chunk, ``data: [DONE]`` at the end; errors after the 200 arrive as
``data: {"error": {...}}`` (llama.cpp, vLLM) or ``event: error`` (LM Studio).

Merge policy, per field (LLM-FORMATS.md section 9.2):
- concatenate: ``content``, ``refusal``, ``reasoning_content`` / ``reasoning``, tool-call
  ``arguments``, legacy ``function_call.arguments``, ``audio.data`` / ``audio.transcript``;
- set once (repeats and ``""`` ignored): ``role``, ``id``, ``model``, tool-call ``id`` / ``type`` /
  ``name`` (identity rules in `_toolcalls`);
- last non-null: ``finish_reason``, ``usage`` (never summed; Groq's ``x_groq.usage`` when the chunk
  has no top-level usage), ``system_fingerprint``, ``service_tier``;
- never accumulated: ``obfuscation``; Azure ``prompt_filter_results`` and the async-filter annotation
  chunks (a choice with ``content_filter_offsets`` and no ``delta``) are collected apart from the text.

Choices are keyed by ``choice.index`` in any arrival order; ``choices: []`` chunks (usage, Azure prompt
filter) are fine. ``end`` is ``complete`` only after ``[DONE]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from sseparse.accumulators._merge import Extras
from sseparse.accumulators._payloads import is_error_payload
from sseparse.accumulators._results import AccumulatedResult, Choice
from sseparse.accumulators._shaped import ShapedAccumulator
from sseparse.accumulators._shapes import learn
from sseparse.accumulators._toolcalls import CallBuilder, Fragments, ToolCallTracker, finish_calls
from sseparse.accumulators._updates import (
    FinishUpdate,
    ReasoningDelta,
    RefusalDelta,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallStarted,
    Update,
    UsageUpdate,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators._results import ToolCall

__all__ = ["OpenAIChatAccumulator"]

NOTE_UNEXPECTED_CONTENT = "content of an unexpected type was kept as is in final (not counted as text)"

_REASONING_KEYS = ("reasoning_content", "reasoning")
# Keys with their own handling at each level; any other key is merged by the generic rule (_merge).
_CHUNK_COMMON = frozenset(
    {"id", "object", "created", "model", "system_fingerprint", "service_tier", "choices", "usage", "obfuscation"}
)
_CHUNK_KNOWN = _CHUNK_COMMON | {"prompt_filter_results", "prompt_annotations"}
_CHOICE_KNOWN = frozenset({"index", "delta", "logprobs", "finish_reason", "content_filter_results", "content_filter_offsets"})
_CALL_KNOWN = frozenset({"index", "id", "type", "function"})
# A choice of a chunk that can have a shape: what it may hold besides its delta (unknown keys: null only).
_SHAPE_CHOICE = frozenset({"index", "delta", "logprobs", "finish_reason"})
# The delta keys a shape can carry: one string each, merged by appending (`_shaped`).
_SHAPE_KEYS = frozenset({"content", "refusal", "reasoning_content", "reasoning"})
_NO_DELTA: dict[str, Any] = {}
_FUNCTION_KNOWN = frozenset({"name", "arguments"})


class _ChoiceState:
    __slots__ = (
        "annotations",
        "audio",
        "choice_fields",
        "content",
        "fields",
        "filter_annotations",
        "filter_results",
        "finish_reason",
        "function_call",
        "index",
        "logprobs_content",
        "logprobs_refusal",
        "parts",
        "reasoning",
        "reasoning_fields",
        "refusal",
        "role",
        "tracker",
    )

    def __init__(self, index: int, note: Any) -> None:  # noqa: ANN401
        self.index = index
        self.role: str | None = None
        self.content = Fragments()
        self.refusal = Fragments()
        self.reasoning = Fragments()
        self.reasoning_fields: dict[str, Fragments] = {}
        self.tracker = ToolCallTracker(note)
        self.function_call: CallBuilder | None = None
        self.finish_reason: str | None = None
        self.logprobs_content: list[Any] | None = None
        self.logprobs_refusal: list[Any] | None = None
        self.filter_results: dict[str, Any] | None = None
        self.filter_annotations: list[dict[str, Any]] = []
        self.annotations: list[Any] = []
        self.audio: dict[str, Any] | None = None
        self.fields = Extras()  # unknown delta keys: merged into the message
        self.choice_fields = Extras()  # unknown choice keys: merged into the final choice
        self.parts: list[list[Any]] | None = None  # list content (Mistral Magistral): [type, Fragments or raw]


class OpenAIChatAccumulator(ShapedAccumulator[str, _ChoiceState]):
    """Accumulates ``chat.completion.chunk`` streams; `result` gives a ``chat.completion`` as ``final``."""

    format = "openai-chat"
    chunk_model = "sseparse.models.openai_chat:ChatCompletionChunk"
    final_model = "sseparse.models.openai_chat:ChatCompletion"

    def __init__(self) -> None:
        super().__init__()
        self._choices: dict[int, _ChoiceState] = {}
        self._id: str | None = None
        self._model: str | None = None
        self._created: int | None = None
        self._fingerprint: str | None = None
        self._service_tier: str | None = None
        self._usage: dict[str, Any] | None = None
        self._prompt_filters: list[Any] = []
        self._fields = Extras()  # unknown chunk keys: merged into final

    def _shaped(self, value: str, key: str, state: _ChoiceState, out: list[Update] | None) -> None:
        """Merge a shaped chunk: what `_handle` does with it, whose other fields repeat (idempotently) the last chunk's."""
        if key == "content":
            state.content.append(value)
            if value and out is not None:
                out.append(TextDelta(value, state.index))
        elif key == "refusal":
            self._refusal(state, value, _NO_DELTA, out)
        else:
            self._reasoning(state, value, _NO_DELTA, out, key)

    def _run_target(self, key: str, state: _ChoiceState) -> Callable[[str], object]:
        """Return what `_shaped` does with each non-empty ``key`` string, as one callable.

        A shape's delta has that one key, so ``reasoning`` never meets ``reasoning_content`` here (the
        mlx-vlm rule in `_reasoning`), and its fragments exist and were marked seen: the chunk the shape
        was learnt from appended to them.
        """
        if key == "content":
            return state.content.parts.append
        if key == "refusal":
            return state.refusal.parts.append
        field_parts, reasoning_parts = state.reasoning_fields[key].parts, state.reasoning.parts

        def add(text: str) -> None:
            field_parts.append(text)
            reasoning_parts.append(text)

        return add

    def _learn(self, payload: dict[str, Any]) -> None:
        """After a chunk parsed in full: keep its shape when later chunks like it only add to one delta string.

        Every other field of such a chunk is one that merging again with the same value leaves as it is
        (identity set once, last non-null values, ``null`` extras), and `_feed` drops the shape at the
        first chunk that does not have it, so nothing in between can have changed them.
        """
        cls = type(self)
        if cls._handle is not OpenAIChatAccumulator._handle or cls._choice is not OpenAIChatAccumulator._choice:
            return  # a subclass that merges chunks its own way sees every chunk
        found = _shape_key(payload)
        if found is None:
            return
        key, index = found
        state = self._choices[index]
        if key == "content" and state.parts is not None:
            return  # list content (Magistral): its text goes through `_content`
        obfuscation = payload.get("obfuscation")
        shape = learn(self._text, key, None if obfuscation is None else "obfuscation")
        if shape is not None:
            self._shape = (shape, key, state)

    def _non_json(self, event: ServerSentEvent, out: list[Update] | None) -> bool:
        if event.data.strip() == "[DONE]":
            self._finish_calls(out)
            self._complete()
            return True
        return False

    def _handle(self, payload: dict[str, Any], event_type: str, out: list[Update] | None) -> None:
        if event_type == "error" or payload.get("error") is not None or ("choices" not in payload and is_error_payload(payload)):
            self._fail(self._error_from(payload), out)
            return
        if self._id is None or self._model is None or not self._created:
            self._identity(payload)
        value = payload.get("system_fingerprint")
        if value is not None:
            self._fingerprint = value
        value = payload.get("service_tier")
        if value is not None:
            self._service_tier = value
        usage = payload.get("usage")
        if usage or "x_groq" in payload:
            self._take_usage(usage, payload, out)
        if not _CHUNK_COMMON.issuperset(payload):  # the rare keys: Azure filters, unknown ones
            self._fields.merge(payload, _CHUNK_KNOWN)
            filters = payload.get("prompt_filter_results") or payload.get("prompt_annotations")
            if filters:
                self._prompt_filters.extend(filters if isinstance(filters, list) else [filters])
        choices = payload.get("choices")
        if choices.__class__ is list:
            for choice in choices:
                if choice.__class__ is dict:
                    self._choice(choice, out)
            if not self._finished:
                self._learn(payload)

    def _take_usage(self, usage: Any, payload: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401
        """Usage replaces the last one (never summed); Groq's ``x_groq.usage`` counts when there is no other."""
        if usage is None:
            groq = payload.get("x_groq")
            if groq.__class__ is dict:
                usage = groq.get("usage")
        if usage:
            self._usage = usage
            if out is not None:
                out.append(UsageUpdate(usage))

    def _identity(self, payload: dict[str, Any]) -> None:
        """Take ``id``, ``model`` and ``created`` once (Azure's prompt-filter chunk has ``""`` and ``0``)."""
        if self._id is None:
            value = payload.get("id")
            if value and isinstance(value, str):
                self._id = value
        if self._model is None:
            value = payload.get("model")
            if value and isinstance(value, str):
                self._model = value
        if not self._created:
            value = payload.get("created")
            if isinstance(value, int):
                self._created = value

    def _state(self, index: Any) -> _ChoiceState:  # noqa: ANN401
        if index.__class__ is not int:
            index = 0
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _ChoiceState(index, self._note)
        return state

    def _choice(self, choice: dict[str, Any], out: list[Update] | None) -> None:  # noqa: PLR0912 - the hot path, kept inline
        index = choice.get("index", 0)
        state = self._choices.get(index) if index.__class__ is int else None
        if state is None:
            state = self._state(index)
        delta = choice.get("delta")
        if delta.__class__ is dict:
            for key, value in delta.items():
                if key == "content" and value.__class__ is str and state.parts is None:  # the hot path, inline
                    content = state.content
                    content.seen = True
                    if value:
                        content.parts.append(value)
                        if out is not None:
                            out.append(TextDelta(value, state.index))
                    continue
                handler = _DELTA_HANDLERS.get(key)
                if handler is not None:
                    handler(self, state, value, delta, out)
                else:
                    state.fields.merge({key: value})
        elif "content_filter_offsets" in choice or "content_filter_results" in choice:
            # Azure asynchronous filter: an annotation chunk, never part of the text.
            state.filter_annotations.append({k: v for k, v in choice.items() if k != "index"})
        if not _CHOICE_KNOWN.issuperset(choice):
            state.choice_fields.merge(choice, _CHOICE_KNOWN)
        logprobs = choice.get("logprobs")
        if logprobs:
            self._logprobs(state, logprobs)
        results = choice.get("content_filter_results")
        if results and delta is not None:
            state.filter_results = results
        finish = choice.get("finish_reason")
        if finish is not None:
            state.finish_reason = finish
            if out is not None:
                out.append(FinishUpdate(finish, state.index))
            self._finish_choice_calls(state, out)

    # -- delta handlers (one per known delta key, in _DELTA_HANDLERS) -----------------------------------

    def _content(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        """Content that is not a plain string on the hot path: a list of parts (Magistral), a part, or else."""
        if value is None:
            return
        if value.__class__ is str:
            self._text_part(state, value, out)
            return
        if state.parts is None:
            state.parts = [["text", state.content]] if state.content else []
        for part in value if value.__class__ is list else [value]:
            if part.__class__ is str:
                self._text_part(state, part, out)
                continue
            kind = part.get("type") if part.__class__ is dict else None
            text = part.get("text") if part.__class__ is dict else None
            if kind == "text" and text.__class__ is str:
                self._text_part(state, text, out)
            elif kind == "thinking" and self._thinking_part(state, part.get("thinking"), out):
                continue
            else:
                self._note_unexpected(NOTE_UNEXPECTED_CONTENT)
                state.parts.append(["raw", part])

    @staticmethod
    def _text_part(state: _ChoiceState, text: str, out: list[Update] | None) -> None:
        state.content.append(text)
        parts = state.parts
        if parts is not None:
            if not parts or parts[-1][0] != "text":
                parts.append(["text", Fragments()])
            parts[-1][1].append(text)
        if text and out is not None:
            out.append(TextDelta(text, state.index))

    @staticmethod
    def _thinking_part(state: _ChoiceState, thinking: Any, out: list[Update] | None) -> bool:  # noqa: ANN401
        """Take a Magistral ``thinking`` part (a str or a list of text parts); False when it is neither."""
        if thinking.__class__ is str:
            texts = [thinking]
        elif thinking.__class__ is list and all(p.__class__ is dict and p.get("text").__class__ is str for p in thinking):
            texts = [p["text"] for p in thinking]
        else:
            return False
        parts = state.parts
        assert parts is not None
        if not parts or parts[-1][0] != "thinking":
            parts.append(["thinking", Fragments()])
        for text in texts:
            parts[-1][1].append(text)
            state.reasoning.append(text)
            if text and out is not None:
                out.append(ReasoningDelta(text, state.index))
        return True

    def _tool_calls(self, state: _ChoiceState, entries: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        if entries.__class__ is not list:
            if entries is not None:
                state.fields.merge({"tool_calls": entries})
            return
        tracker = state.tracker
        for entry in entries:
            if entry.__class__ is not dict:
                continue
            call_id = entry.get("id")
            call, opened = tracker.resolve(entry.get("index"), call_id)
            function = entry.get("function")
            if function.__class__ is not dict:
                function = {}
            tracker.set_identity(call, function.get("name"), entry.get("type"))
            if opened and out is not None:
                out.append(ToolCallStarted(call.index, call.id, call.name, state.index))
            arguments = function.get("arguments")
            if arguments and arguments.__class__ is str:
                added = call.add_arguments(arguments, self._note, same_id=bool(call_id) and not opened)
                if added and out is not None:
                    out.append(ToolCallArgumentsDelta(call.index, added, state.index))
            if not _CALL_KNOWN.issuperset(entry) or not _FUNCTION_KNOWN.issuperset(function):
                _call_fields(call, entry, function)

    def _reasoning(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None, key: str) -> None:  # noqa: ANN401
        if value.__class__ is not str:
            if value is not None:
                state.fields.merge({key: value})
            return
        fragments = state.reasoning_fields.get(key)
        if fragments is None:
            fragments = state.reasoning_fields[key] = Fragments()
        fragments.append(value)
        # mlx-vlm sends both keys with the same text: the joined reasoning takes reasoning_content then.
        if key == "reasoning" and delta.get("reasoning_content").__class__ is str:
            return
        state.reasoning.append(value)
        if value and out is not None:
            out.append(ReasoningDelta(value, state.index))

    def _reasoning_content(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401
        self._reasoning(state, value, delta, out, "reasoning_content")

    def _reasoning_key(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401
        self._reasoning(state, value, delta, out, "reasoning")

    def _role(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        if value and state.role is None:
            state.role = value

    def _refusal(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        if value.__class__ is str:
            state.refusal.append(value)
            if value and out is not None:
                out.append(RefusalDelta(value, state.index))

    def _function_call(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        if value.__class__ is not dict:
            return
        call = state.function_call
        if call is None:
            call = state.function_call = CallBuilder(len(state.tracker.calls), None, type="function_call")
            name = value.get("name")
            call.name = name if isinstance(name, str) else ""
            if out is not None:
                out.append(ToolCallStarted(call.index, None, call.name, state.index))
        elif not call.name and isinstance(value.get("name"), str):
            call.name = value["name"]
        arguments = value.get("arguments")
        if arguments and isinstance(arguments, str):
            call.args.append(arguments)
            if out is not None:
                out.append(ToolCallArgumentsDelta(call.index, arguments, state.index))

    def _audio(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        if value.__class__ is not dict:
            return
        audio = state.audio
        if audio is None:
            audio = state.audio = {"data": Fragments(), "transcript": Fragments()}
        for key, item in value.items():
            if key in {"data", "transcript"}:
                if isinstance(item, str):
                    audio[key].append(item)
            elif item is not None:
                audio[key] = item

    def _annotations(self, state: _ChoiceState, value: Any, delta: dict[str, Any], out: list[Update] | None) -> None:  # noqa: ANN401, ARG002
        if value.__class__ is list:
            state.annotations.extend(value)

    @staticmethod
    def _logprobs(state: _ChoiceState, logprobs: Any) -> None:  # noqa: ANN401
        if not isinstance(logprobs, dict):
            return
        content = logprobs.get("content")
        if isinstance(content, list):
            if state.logprobs_content is None:
                state.logprobs_content = []
            state.logprobs_content.extend(content)
        refusal = logprobs.get("refusal")
        if isinstance(refusal, list):
            if state.logprobs_refusal is None:
                state.logprobs_refusal = []
            state.logprobs_refusal.extend(refusal)

    # One handler per known delta key; any other key is merged by the generic rule.
    _DELTA_HANDLERS: ClassVar[dict[str, Callable[..., None]]] = {
        "content": _content,  # what the inline hot path leaves: lists, parts, None
        "tool_calls": _tool_calls,
        "reasoning_content": _reasoning_content,
        "reasoning": _reasoning_key,
        "role": _role,
        "refusal": _refusal,
        "function_call": _function_call,
        "audio": _audio,
        "annotations": _annotations,
    }

    def _finish_choice_calls(self, state: _ChoiceState, out: list[Update] | None) -> None:
        calls = state.tracker.calls if state.function_call is None else [*state.tracker.calls, state.function_call]
        finish_calls(calls, state.index, out)

    def _finish_calls(self, out: list[Update] | None) -> None:
        for state in self._choices.values():
            self._finish_choice_calls(state, out)

    # -- snapshot -----------------------------------------------------------------------------------

    def _salvage(self) -> dict[str, Callable[[], Any]]:
        """Choice 0's text and reasoning and the usage, for when the full snapshot fails."""
        state = self._choices.get(0)
        if state is None:
            return {"usage": lambda: self._usage}
        return {"text": state.content.value, "reasoning": state.reasoning.value, "usage": lambda: self._usage}

    def _result(self) -> AccumulatedResult:
        """Return the ``chat.completion`` so far, with one `Choice` per choice index."""
        choices: list[Choice] = []
        final_choices: list[dict[str, Any]] = []
        any_filtered = False
        for index in sorted(self._choices):
            choice, final_choice = self._snapshot_choice(self._choices[index])
            choices.append(choice)
            final_choices.append(final_choice)
            any_filtered = any_filtered or bool(choice.extra.get("any_filtered"))
        final: dict[str, Any] = {
            "id": self._id or "",
            "object": "chat.completion",
            "created": self._created or 0,
            "model": self._model or "",
            "system_fingerprint": self._fingerprint,
            "choices": final_choices,
            "usage": self._usage,
        }
        if self._service_tier is not None:
            final["service_tier"] = self._service_tier
        self._fields.apply(final)
        details = self._base_details()
        if self._prompt_filters:
            final["prompt_filter_results"] = self._prompt_filters
            details["prompt_filter_results"] = self._prompt_filters
        if any_filtered or self._prompt_filters:
            details["any_filtered"] = any_filtered or _filtered(self._prompt_filters)
        return self._choices_result(choices, usage=self._usage, final=final, details=details)

    def _snapshot_choice(self, state: _ChoiceState) -> tuple[Choice, dict[str, Any]]:
        content = state.content.value() if state.content.seen else None
        refusal = state.refusal.value() if state.refusal.seen else None
        fields = {key: fragments.value() for key, fragments in state.reasoning_fields.items()}
        calls = [call.snapshot() for call in state.tracker.calls]
        message: dict[str, Any] = {"role": state.role or "assistant", "content": content, "refusal": refusal}
        if state.parts is not None:
            message["content"] = _final_parts(state.parts)
        if calls:
            message["tool_calls"] = [_final_call(builder, call) for builder, call in zip(state.tracker.calls, calls, strict=True)]
        extra: dict[str, Any] = {}
        if state.function_call is not None:
            legacy = state.function_call.snapshot()
            message["function_call"] = {"name": legacy.name, "arguments": legacy.arguments}
            extra["function_call"] = legacy
        message.update(fields)
        if state.annotations:
            message["annotations"] = state.annotations
        state.fields.apply(message)
        if state.audio is not None:
            audio = {k: (v.value() if isinstance(v, Fragments) else v) for k, v in state.audio.items()}
            message["audio"] = audio
            extra["audio"] = audio
        logprobs = None
        if state.logprobs_content is not None or state.logprobs_refusal is not None:
            logprobs = {"content": state.logprobs_content, "refusal": state.logprobs_refusal}
            extra["logprobs"] = logprobs
        final_choice: dict[str, Any] = {
            "index": state.index,
            "message": message,
            "logprobs": logprobs,
            "finish_reason": state.finish_reason,
        }
        if state.filter_results is not None:
            final_choice["content_filter_results"] = state.filter_results
            extra["content_filter_results"] = state.filter_results
        state.choice_fields.apply(final_choice)
        if state.filter_annotations:
            extra["content_filter_annotations"] = list(state.filter_annotations)
            extra["any_filtered"] = any(_filtered(a.get("content_filter_results")) for a in state.filter_annotations)
        choice = Choice(
            state.index,
            role=state.role,
            content=content,
            refusal=refusal,
            reasoning=state.reasoning.value(),
            reasoning_fields=fields,
            tool_calls=calls,
            finish_reason=state.finish_reason,
            extra=extra,
        )
        return choice, final_choice


_DELTA_HANDLERS = OpenAIChatAccumulator._DELTA_HANDLERS  # noqa: SLF001 - a module global is a faster lookup


def _shape_key(payload: dict[str, Any]) -> tuple[str, int] | None:
    """Return ``(delta key, choice index)`` when ``payload`` may have a shape: one choice, one string, nothing else to merge."""
    choices = payload["choices"]
    if payload.get("usage") is not None or len(choices) != 1 or choices[0].__class__ is not dict:
        return None
    choice = choices[0]
    delta, index = choice.get("delta"), choice.get("index")
    if delta.__class__ is not dict or len(delta) != 1 or index.__class__ is not int:
        return None
    key, value = next(iter(delta.items()))
    if key not in _SHAPE_KEYS or value.__class__ is not str or choice.get("finish_reason") is not None:
        return None
    if choice.get("logprobs") is not None or any(v is not None for k, v in choice.items() if k not in _SHAPE_CHOICE):
        return None
    if any(v is not None for k, v in payload.items() if k not in _CHUNK_COMMON):
        return None
    obfuscation = payload.get("obfuscation")
    return (key, index) if obfuscation is None or obfuscation.__class__ is str else None


def _call_fields(call: CallBuilder, entry: dict[str, Any], function: dict[str, Any]) -> None:
    """Merge the unknown keys of a tool-call delta and of its ``function`` (Gemini's ``extra_content`` ...)."""
    if not _CALL_KNOWN.issuperset(entry):
        if call.fields is None:
            call.fields = Extras()
        call.fields.merge(entry, _CALL_KNOWN)
    if not _FUNCTION_KNOWN.issuperset(function):
        if call.function_fields is None:
            call.function_fields = Extras()
        call.function_fields.merge(function, _FUNCTION_KNOWN)


def _final_call(builder: CallBuilder, call: ToolCall) -> dict[str, Any]:
    function = {"name": call.name, "arguments": call.arguments}
    if builder.function_fields is not None:
        builder.function_fields.apply(function)
    final = {"id": call.id, "type": call.type or "function", "function": function}
    if builder.fields is not None:
        builder.fields.apply(final)
    return final


def _final_parts(parts: list[list[Any]]) -> list[Any]:
    """Return the message content as the list of parts it was streamed as (Magistral), consecutive parts merged."""
    final: list[Any] = []
    for kind, value in parts:
        if kind == "text":
            final.append({"type": "text", "text": value.value()})
        elif kind == "thinking":
            final.append({"type": "thinking", "thinking": [{"type": "text", "text": value.value()}]})
        else:
            final.append(value)
    return final


def _filtered(results: Any) -> bool:  # noqa: ANN401
    """Return True when any ``filtered: true`` appears in Azure filter results (nested dicts and lists).

    Iterative, so no nesting depth can exhaust the stack.
    """
    stack = [results]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("filtered") is True:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False
