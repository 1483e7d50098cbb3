"""Fields an accumulator does not know, merged into ``final`` by one generic rule (standard library only).

Known fields have their own, declared handling in each format's module. Everything else a provider
sends at a level that is merged (an OpenAI Chat chunk, choice, delta, tool call, an Anthropic content
block, a Responses item ...) is kept by this rule, which is openai-python's ``accumulate_delta``:

- a key seen for the first time is set; ``null`` never erases a value that is already there;
- strings are concatenated (``reasoning_details[0].text`` fragments), except under the identity
  keys ``index``, ``type``, ``id``, ``*_id``, ``object``, ``role``, ``name``, ``model``, ``status``
  and ``format``, which are replaced: providers repeat them on every delta and doubling them would
  corrupt them (OpenRouter repeats ``format`` in each ``reasoning_details`` entry);
- dicts are merged recursively;
- lists are merged by the ``index`` of their dict entries (an entry with a known ``index`` is merged
  into it, any other entry is appended);
- any other value (numbers, booleans, a value whose type changed) is replaced.

Cost is linear: strings are kept as fragments and joined once per snapshot. Nesting is bounded:
below ``MAX_DEPTH`` levels a value is no longer merged but replaced whole, and nothing here recurses
on wire data (every walk uses an explicit stack).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_DEPTH", "Extras"]

MAX_DEPTH = 32

_REPLACED = frozenset({"index", "type", "id", "object", "role", "name", "model", "status", "format"})


class _Text:
    """A string built from fragments."""

    __slots__ = ("parts",)

    def __init__(self, text: str) -> None:
        self.parts = [text]

    def value(self) -> str:
        parts = self.parts
        if len(parts) > 1:
            parts[:] = ["".join(parts)]
        return parts[0]


class _List:
    """A list being merged: its entries, and its dict entries by their ``index`` (O(1) merging)."""

    __slots__ = ("_by_index", "_indexed", "items")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._by_index: dict[int, dict[str, Any]] = {}
        self._indexed = 0  # entries before this position are in _by_index

    def find(self, index: int) -> dict[str, Any] | None:
        """Return the first dict entry whose ``index`` is ``index`` (entries are indexed once, lazily)."""
        items, by_index = self.items, self._by_index
        for entry in items[self._indexed :]:
            if isinstance(entry, dict):
                key = entry.get("index")
                if isinstance(key, int) and key not in by_index:
                    by_index[key] = entry
        self._indexed = len(items)
        return by_index.get(index)


class _Opaque:
    """A value nested below `MAX_DEPTH`: kept whole, replaced rather than merged."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:  # noqa: ANN401
        self.value = value


def _replaced(key: str) -> bool:
    return key in _REPLACED or key.endswith("_id")


def _build(value: Any, depth: int) -> Any:  # noqa: ANN401
    """Turn a wire value into its mutable, mergeable form (strings as `_Text`), without recursion."""
    if isinstance(value, str):
        return _Text(value)
    if not isinstance(value, (dict, list)):
        return value
    if depth >= MAX_DEPTH:
        return _Opaque(value)
    root: Any = {} if isinstance(value, dict) else _List()
    stack: list[tuple[Any, Any, int]] = [(root, value, depth)]
    while stack:
        target, source, level = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(item, str):
                built: Any = _Text(item)
            elif isinstance(item, (dict, list)):
                if level + 1 >= MAX_DEPTH:
                    built = _Opaque(item)
                else:
                    built = {} if isinstance(item, dict) else _List()
                    stack.append((built, item, level + 1))
            else:
                built = item
            if isinstance(target, dict):
                target[key] = built
            else:
                target.items.append(built)
    return root


def _plain(value: Any) -> Any:  # noqa: ANN401
    """Turn a mergeable value back into plain JSON values (a fresh copy: later merges do not change it)."""
    if isinstance(value, _Text):
        return value.value()
    if isinstance(value, _Opaque):
        return value.value
    if not isinstance(value, (dict, _List)):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(root, value)]
    while stack:
        target, source = stack.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source.items)
        for key, item in items:
            if isinstance(item, _Text):
                plain: Any = item.value()
            elif isinstance(item, _Opaque):
                plain = item.value
            elif isinstance(item, (dict, _List)):
                plain = {} if isinstance(item, dict) else []
                stack.append((plain, item))
            else:
                plain = item
            if isinstance(target, dict):
                target[key] = plain
            else:
                target.append(plain)
    return root


class Extras:
    """The unknown fields of one object, merged as they arrive; `snapshot` gives them as plain JSON."""

    __slots__ = ("fields",)

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}

    def __bool__(self) -> bool:
        return bool(self.fields)

    def merge(self, source: dict[str, Any], skip: frozenset[str] | set[str] = frozenset()) -> None:
        """Merge ``source``'s keys (but those in ``skip``, the known fields) by the module's rule."""
        stack: list[tuple[dict[str, Any], dict[str, Any], int, frozenset[str] | set[str]]] = [(self.fields, source, 0, skip)]
        while stack:
            target, incoming, depth, ignore = stack.pop()
            for key, value in incoming.items():
                if key in ignore:
                    continue
                current = target.get(key)
                if value is None:
                    if key not in target:
                        target[key] = None
                    continue
                if current is None or _replaced(key):
                    target[key] = _build(value, depth + 1)
                elif isinstance(current, _Text) and isinstance(value, str):
                    current.parts.append(value)
                elif isinstance(current, dict) and isinstance(value, dict):
                    stack.append((current, value, depth + 1, frozenset()))
                elif isinstance(current, _List) and isinstance(value, list):
                    self._merge_list(current, value, depth + 1, stack)
                else:
                    target[key] = _build(value, depth + 1)

    @staticmethod
    def _merge_list(
        current: _List,
        incoming: list[Any],
        depth: int,
        stack: list[tuple[dict[str, Any], dict[str, Any], int, frozenset[str] | set[str]]],
    ) -> None:
        for entry in incoming:
            index = entry.get("index") if isinstance(entry, dict) else None
            existing = current.find(index) if isinstance(index, int) else None
            if existing is not None:
                stack.append((existing, entry, depth + 1, frozenset()))
            else:
                current.items.append(_build(entry, depth + 1))

    def snapshot(self) -> dict[str, Any]:
        """Return the merged fields as plain JSON values (a copy)."""
        plain: dict[str, Any] = _plain(self.fields)
        return plain

    def apply(self, target: dict[str, Any]) -> dict[str, Any]:
        """Add the merged fields to ``target`` (a final object) where it has no such key; return ``target``."""
        if self.fields:
            for key, value in self.snapshot().items():
                if key not in target:
                    target[key] = value
        return target
