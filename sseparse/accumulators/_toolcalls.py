"""Shared by the format modules: fragment builders and the tool-call identity rules.

Linear cost by construction: fragments go into a list and are joined once when a value is needed;
the join is kept (the list collapses to one element), so snapshots do not re-join old text.

Tool-call identity (LLM-FORMATS.md section 9), applied to every OpenAI-style tool-call delta:

1. a delta with a known non-empty ``id`` goes to that call;
2. a new non-empty ``id`` opens a new call, even when its ``index`` is already taken (Groq, Ollama
   and SGLang send every parallel call with index 0);
3. otherwise the call at that ``index``; a new ``index`` without an id opens a new call;
4. otherwise (no index at all) the most recent call.

``id``, ``type`` and ``name`` are set once: repeats and ``""`` are ignored. Only ``arguments``
concatenate, with two repairs reported in the merge notes: a whole call re-sent under the same id is
not doubled, and a ``"{}"`` placeholder followed by the real object is replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseparse._json import is_json
from sseparse.accumulators._results import ToolCall
from sseparse.accumulators._updates import ToolCallFinished

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sseparse.accumulators._merge import Extras
    from sseparse.accumulators._updates import Update

__all__ = ["CallBuilder", "Fragments", "ToolCallTracker", "finish_calls"]

NOTE_INDEX_REUSED = "index reused by a different id: opened a new call"
NOTE_MISSING_INDEX = "missing index: assigned the next position"
NOTE_CONTINUED_LATEST = "tool-call delta without index: continued the latest call"
NOTE_REPEAT_IGNORED = "whole arguments re-sent: ignored the repeat"
NOTE_PLACEHOLDER = "'{}' placeholder replaced by the real arguments"
NOTE_NAME_CONFLICT = "a different name for a known call was ignored"


class Fragments:
    """A string built from fragments: ``append`` is O(1), ``value`` joins once and keeps the join."""

    __slots__ = ("parts", "seen")

    def __init__(self) -> None:
        self.parts: list[str] = []  # the hot path of openai_chat appends here directly
        self.seen = False  # a fragment (even "") arrived: keeps None apart from ""

    def append(self, text: str) -> None:
        """Add a fragment."""
        self.seen = True
        if text:
            self.parts.append(text)

    def value(self) -> str:
        """Return the text so far."""
        parts = self.parts
        if len(parts) > 1:
            joined = "".join(parts)
            parts.clear()
            parts.append(joined)
            return joined
        return parts[0] if parts else ""

    def set(self, text: str) -> None:
        """Replace the whole text (an authoritative ``.done`` payload)."""
        self.seen = True
        self.parts[:] = [text] if text else []

    def __bool__(self) -> bool:
        return bool(self.parts)


class CallBuilder:
    """A tool call being streamed: identity set once, argument fragments joined on demand."""

    __slots__ = (
        "_length",
        "args",
        "done",
        "extra",
        "fields",
        "function_fields",
        "id",
        "index",
        "name",
        "type",
        "value",
        "wire_index",
    )

    def __init__(self, index: int, id: str | None = None, name: str = "", type: str = "function") -> None:  # noqa: A002
        self.index = index
        self.id = id
        self.name = name
        self.type = type
        self.args = Fragments()
        self._length = 0
        self.done = False
        self.wire_index: int | None = None
        self.value: Any = None  # the parsed arguments when the format delivers them parsed
        self.extra: dict[str, Any] = {}
        self.fields: Extras | None = None  # unknown keys of the call's deltas, merged (see _merge)
        self.function_fields: Extras | None = None  # unknown keys of its ``function`` objects

    @property
    def arguments(self) -> str:
        """The argument JSON text so far."""
        return self.args.value()

    def add_arguments(self, text: str, note: Callable[[str], None], *, same_id: bool = False) -> str:
        """Append argument text, with the two repairs; return the text actually appended."""
        if not text:
            return ""
        length = self._length
        if length:
            if same_id and len(text) == length and text == self.args.value() and is_json(text):
                note(NOTE_REPEAT_IGNORED)
                return ""
            if length <= 8 and text.lstrip()[:1] == "{" and self.args.value().strip() == "{}":
                note(NOTE_PLACEHOLDER)
                self.args.set(text)
                self._length = len(text)
                return ""
        self.args.append(text)
        self._length = length + len(text)
        return text

    def snapshot(self) -> ToolCall:
        """Return a `ToolCall` value of the call as it is now."""
        if self.value is not None:
            return ToolCall(self.index, self.id, self.name, self.arguments, type=self.type, done=self.done, value=self.value)
        return ToolCall(self.index, self.id, self.name, self.arguments, type=self.type, done=self.done)


def finish_calls(calls: Iterable[CallBuilder], choice: int, out: list[Update] | None) -> None:
    """Mark every unfinished call done (the choice finished), each reported as `ToolCallFinished`."""
    for call in calls:
        if not call.done:
            call.done = True
            if out is not None:
                out.append(ToolCallFinished(call.snapshot(), choice))


class ToolCallTracker:
    """The tool calls of one message, each delta resolved to its call by the identity rules.

    `resolve` returns the call a delta belongs to and whether it was just opened: a known non-empty
    ``id`` goes to its call; a new ``id`` opens a call even when its ``index`` is taken; else the
    call at ``index`` (a new index opens one); with neither, the latest call. `set_identity` sets
    ``name`` and ``type`` once (repeats and ``""`` ignored); `CallBuilder.add_arguments` appends the
    argument text. Every non-standard resolution goes to ``note`` (the merge notes). ``calls`` lists
    the calls in order.
    """

    __slots__ = ("_by_id", "_by_index", "_note", "calls")

    def __init__(self, note: Callable[[str], None]) -> None:
        self.calls: list[CallBuilder] = []
        self._by_id: dict[str, CallBuilder] = {}
        self._by_index: dict[int, CallBuilder] = {}
        self._note = note

    def resolve(self, index: Any, call_id: Any) -> tuple[CallBuilder, bool]:  # noqa: ANN401
        """Return the call a delta belongs to, and whether it was just opened."""
        if call_id and isinstance(call_id, str):
            call = self._by_id.get(call_id)
            if call is not None:
                return call, False
            if isinstance(index, int):
                if index in self._by_index:
                    self._note(NOTE_INDEX_REUSED)
            elif self.calls:
                self._note(NOTE_MISSING_INDEX)
            return self._open(index, call_id), True
        if isinstance(index, int):
            call = self._by_index.get(index)
            if call is not None:
                return call, False
            return self._open(index, None), True
        if self.calls:
            self._note(NOTE_CONTINUED_LATEST)
            return self.calls[-1], False
        return self._open(None, None), True

    def _open(self, index: Any, call_id: str | None) -> CallBuilder:  # noqa: ANN401
        call = CallBuilder(len(self.calls), call_id)
        self.calls.append(call)
        if call_id:
            self._by_id[call_id] = call
        if isinstance(index, int):
            call.wire_index = index
            self._by_index[index] = call
        return call

    def set_identity(self, call: CallBuilder, name: Any, type: Any) -> None:  # noqa: A002, ANN401
        """Set ``name`` and ``type`` once; ignore repeats and ``""``."""
        if name and isinstance(name, str):
            if not call.name:
                call.name = name
            elif call.name != name:
                self._note(NOTE_NAME_CONFLICT)
        if type and isinstance(type, str):
            call.type = type
