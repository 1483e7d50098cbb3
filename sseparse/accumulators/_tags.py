"""Inline reasoning tags: ``<think>...</think>`` in the answer text moved to ``reasoning`` (opt-in).

Servers without a reasoning parser (vLLM, llama.cpp, Ollama, LM Studio with some models) and
Bedrock's ``<reasoning>`` put the model's thinking inline in the content. With
``reasoning_tags=("think", "reasoning")`` (on `accumulate`, `make_accumulator`, `Stream`) the text
between ``<name>`` and ``</name>`` goes to ``reasoning`` and the tags are removed, wherever the
tags are cut across chunks: a fragment that may be the start of a tag is held back until the next
one tells (and flushed as what it is when the stream ends). An unclosed tag makes the rest of the
text reasoning (a stream cut while the model was thinking). ``final`` is left as the provider sent it.

`ReasoningTags` wraps any accumulator, so it works for every format, built-in or registered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from sseparse.accumulators._updates import ReasoningDelta, ResetUpdate, TextDelta

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sseparse._events import ServerSentEvent
    from sseparse.accumulators._base import Accumulator
    from sseparse.accumulators._results import AccumulatedResult, End
    from sseparse.accumulators._updates import Update

__all__ = ["DEFAULT_TAGS", "ReasoningTags", "ReasoningTagsOption", "TagSplitter", "apply_tags", "tag_names"]

DEFAULT_TAGS = ("think", "reasoning")

ReasoningTagsOption: TypeAlias = "bool | str | Iterable[str] | None"
"""What ``reasoning_tags=`` takes: None or False (off), True (`DEFAULT_TAGS`), a tag name or names."""


def tag_names(tags: ReasoningTagsOption | Any) -> tuple[str, ...] | None:  # noqa: ANN401
    """Check a ``reasoning_tags`` option: None/False (off), True (`DEFAULT_TAGS`), a name or names."""
    if tags is None or tags is False:
        return None
    if tags is True:
        return DEFAULT_TAGS
    names = (tags,) if isinstance(tags, str) else tags
    try:
        names = tuple(names)
    except TypeError:
        names = (tags,)
    for name in names:
        if not isinstance(name, str) or not name or any(c in name for c in "<>/ \t\r\n"):
            msg = f'reasoning_tags takes tag names such as ("think", "reasoning"), not {tags!r}'
            raise ValueError(msg)
    if not names:
        msg = 'reasoning_tags needs at least one tag name, such as ("think", "reasoning")'
        raise ValueError(msg)
    return names


class TagSplitter:
    """Split streamed text into answer and reasoning pieces by tags, whatever the chunking.

    `feed` returns ``(is_reasoning, text)`` pieces in order; a possible partial tag at the end is
    held back (never longer than the longest tag); `flush` returns what was held back.
    """

    __slots__ = ("_closing", "_held", "_longest", "_opening")

    def __init__(self, names: tuple[str, ...]) -> None:
        self._opening = {f"<{name}>": f"</{name}>" for name in names}
        self._longest = max(len(tag) for tag in (*self._opening, *self._opening.values()))
        self._closing: str | None = None  # the tag that ends the reasoning we are in
        self._held = ""

    def feed(self, text: str) -> list[tuple[bool, str]]:
        """Return the pieces ``text`` completes."""
        buffer = self._held + text if self._held else text
        pieces: list[tuple[bool, str]] = []
        while buffer:
            closing = self._closing
            if closing is not None:
                at = buffer.find(closing)
                if at < 0:
                    break
                pieces.append((True, buffer[:at]))
                buffer = buffer[at + len(closing) :]
                self._closing = None
                continue
            at, opening = self._first_opening(buffer)
            if opening is None:
                break
            pieces.append((False, buffer[:at]))
            buffer = buffer[at + len(opening) :]
            self._closing = self._opening[opening]
        keep = self._partial_tag(buffer)
        self._held = buffer[len(buffer) - keep :] if keep else ""
        rest = buffer[: len(buffer) - keep] if keep else buffer
        pieces.append((self._closing is not None, rest))
        return [piece for piece in pieces if piece[1]]

    def flush(self) -> list[tuple[bool, str]]:
        """Return the held-back text (a tag that never completed is plain text of the current side)."""
        held, self._held = self._held, ""
        return [(self._closing is not None, held)] if held else []

    def _first_opening(self, buffer: str) -> tuple[int, str | None]:
        first, found = -1, None
        for tag in self._opening:
            at = buffer.find(tag)
            if at >= 0 and (first < 0 or at < first):
                first, found = at, tag
        return first, found

    def _partial_tag(self, buffer: str) -> int:
        """Return the length of the longest end of ``buffer`` that may begin a tag we are looking for."""
        start = buffer.rfind("<", max(0, len(buffer) - self._longest + 1))
        if start < 0:
            return 0
        tail = buffer[start:]
        tags = (self._closing,) if self._closing is not None else tuple(self._opening)
        return len(tail) if any(tag.startswith(tail) for tag in tags) else 0


def split(text: str, names: tuple[str, ...]) -> tuple[str, str]:
    """Return ``(answer, reasoning)`` of a whole text."""
    splitter = TagSplitter(names)
    answer: list[str] = []
    reasoning: list[str] = []
    for is_reasoning, piece in (*splitter.feed(text), *splitter.flush()):
        (reasoning if is_reasoning else answer).append(piece)
    return "".join(answer), "".join(reasoning)


def apply_tags(result: AccumulatedResult, names: tuple[str, ...]) -> AccumulatedResult:
    """Move tagged text from ``text`` to ``reasoning`` in a snapshot (its choices too); ``final`` is kept."""
    for choice in result.choices:
        answer, reasoning = split(choice.text, names)
        if reasoning or answer != choice.text:
            choice.text = answer
            if choice.content is not None:
                choice.content = answer
            choice.reasoning += reasoning
    answer, reasoning = split(result.text, names)
    result.text = answer
    result.reasoning += reasoning
    return result


class ReasoningTags:
    """An `Accumulator` that moves tagged text of another one's answer to reasoning (updates and results)."""

    def __init__(self, inner: Accumulator, names: tuple[str, ...]) -> None:
        self.inner = inner
        self.names = names
        self._splitters: dict[int, TagSplitter] = {}

    @property
    def format(self) -> str:
        """The wrapped accumulator's format."""
        return self.inner.format

    @property
    def end(self) -> End:
        """The wrapped accumulator's `End`."""
        return self.inner.end

    def feed(self, event: ServerSentEvent) -> list[Update]:
        """Take the next event; text updates are split into text and reasoning deltas."""
        return self._split(self.inner.feed(event))

    def close(self) -> list[Update]:
        """End of stream: what a splitter held back comes out first, then the wrapped accumulator's updates."""
        flushed: list[Update] = []
        for choice, splitter in self._splitters.items():
            flushed.extend(_update(is_reasoning, piece, choice) for is_reasoning, piece in splitter.flush())
        return flushed + self._split(self.inner.close())

    def result(self) -> AccumulatedResult:
        """Return the wrapped accumulator's snapshot with the tagged text moved to reasoning."""
        return apply_tags(self.inner.result(), self.names)

    def _split(self, updates: Iterable[Update]) -> list[Update]:
        out: list[Update] = []
        for update in updates:
            if type(update) is TextDelta:
                splitter = self._splitters.get(update.choice)
                if splitter is None:
                    splitter = self._splitters[update.choice] = TagSplitter(self.names)
                out.extend(_update(is_reasoning, piece, update.choice) for is_reasoning, piece in splitter.feed(update.text))
                continue
            if type(update) is ResetUpdate:
                self._splitters.clear()
            out.append(update)
        return out


def _update(is_reasoning: bool, text: str, choice: int) -> Update:
    return ReasoningDelta(text, choice) if is_reasoning else TextDelta(text, choice)
