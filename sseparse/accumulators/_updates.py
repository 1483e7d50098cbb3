"""The updates `Accumulator.feed` returns, for live rendering (standard library only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sseparse.accumulators._results import StreamErrorInfo, ToolCall

__all__ = [
    "CommentaryDelta",
    "ErrorUpdate",
    "FinishUpdate",
    "ItemDelta",
    "ReasoningDelta",
    "RefusalDelta",
    "ResetUpdate",
    "TextDelta",
    "ToolCallArgumentsDelta",
    "ToolCallFinished",
    "ToolCallStarted",
    "Update",
    "UsageUpdate",
]


class Update:
    """Base class of the updates `Accumulator.feed` returns. ``choice`` is the choice/candidate index."""

    __slots__ = ("choice",)

    def __init__(self, choice: int = 0) -> None:
        self.choice = choice

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for cls in type(self).__mro__ for name in getattr(cls, "__slots__", ()))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Update)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = [name for cls in reversed(type(self).__mro__) for name in getattr(cls, "__slots__", ())]
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in names)})"


class TextDelta(Update):
    """More answer text."""

    __slots__ = ("text",)

    def __init__(self, text: str, choice: int = 0) -> None:
        self.choice = choice
        self.text = text


class ReasoningDelta(Update):
    """More reasoning / thinking text."""

    __slots__ = ("text",)

    def __init__(self, text: str, choice: int = 0) -> None:
        self.choice = choice
        self.text = text


class RefusalDelta(Update):
    """More refusal text: the model declined (OpenAI Chat ``delta.refusal``, Responses ``response.refusal.delta``)."""

    __slots__ = ("text",)

    def __init__(self, text: str, choice: int = 0) -> None:
        self.choice = choice
        self.text = text


class CommentaryDelta(Update):
    """More commentary: text the model addresses to the user before its final answer (Responses ``phase: "commentary"``)."""

    __slots__ = ("text",)

    def __init__(self, text: str, choice: int = 0) -> None:
        self.choice = choice
        self.text = text


class ItemDelta(Update):
    """More of a field that a built-in tool item streams (OpenAI Responses).

    ``output_index`` the item's position in ``output`` (None for the response's own audio);
    ``item_type`` ``"code_interpreter_call"``, ``"mcp_call"``, ``"image_generation_call"`` or ``"audio"``;
    ``field`` the item field it extends: ``"code"``, ``"arguments"``, ``"result"`` (a partial image,
    which replaces the previous one: its ``delta`` is the whole base64 image so far), ``"data"`` or
    ``"transcript"``; ``delta`` the text.
    """

    __slots__ = ("delta", "field", "item_type", "output_index")

    def __init__(self, output_index: int | None, item_type: str, field: str, delta: str, choice: int = 0) -> None:
        self.choice = choice
        self.output_index = output_index
        self.item_type = item_type
        self.field = field
        self.delta = delta


class ToolCallStarted(Update):
    """A new tool call: its position ``index`` in the message, ``id`` (or None) and ``name``."""

    __slots__ = ("id", "index", "name")

    def __init__(self, index: int, id: str | None, name: str, choice: int = 0) -> None:  # noqa: A002
        self.choice = choice
        self.index = index
        self.id = id
        self.name = name


class ToolCallArgumentsDelta(Update):
    """More argument JSON text for the call at ``index``."""

    __slots__ = ("delta", "index")

    def __init__(self, index: int, delta: str, choice: int = 0) -> None:
        self.choice = choice
        self.index = index
        self.delta = delta


class ToolCallFinished(Update):
    """The call is complete; ``call`` is its final `ToolCall`."""

    __slots__ = ("call",)

    def __init__(self, call: ToolCall, choice: int = 0) -> None:
        self.choice = choice
        self.call = call


class FinishUpdate(Update):
    """A finish reason arrived for a choice (``"stop"``, ``"tool_use"``, ``"STOP"`` ...)."""

    __slots__ = ("finish_reason",)

    def __init__(self, finish_reason: str, choice: int = 0) -> None:
        self.choice = choice
        self.finish_reason = finish_reason


class UsageUpdate(Update):
    """New usage figures (they replace earlier ones: usage is never summed)."""

    __slots__ = ("usage",)

    def __init__(self, usage: dict[str, Any], choice: int = 0) -> None:
        self.choice = choice
        self.usage = usage


class ResetUpdate(Update):
    """The stream started over (a proxy spliced a second message in): discard what was rendered."""

    __slots__ = ()


class ErrorUpdate(Update):
    """The stream reported an error (or could not be read); the result now ends with ``error``."""

    __slots__ = ("error",)

    def __init__(self, error: StreamErrorInfo, choice: int = 0) -> None:
        self.choice = choice
        self.error = error
