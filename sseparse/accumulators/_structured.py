"""Structured outputs: the answer or a tool call's arguments as the caller's pydantic model.

`parse` validates finished JSON and raises `ParseError` when it does not fit. `parse_partial` builds
the model from JSON that is still streaming, with pydantic's partial JSON validation (an unfinished
string is kept as far as it got; when the model refuses it, it is left out), and returns None while
nothing can be built yet: merely unfinished input is never an exception.

Nothing here imports pydantic. The model class brings its own validator (``__pydantic_validator__``,
the compiled pydantic-core schema every pydantic model and dataclass carries), and its errors are
pydantic-core's ``ValidationError``, a ``ValueError``.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sseparse._errors import SSEError

__all__ = ["ParseError", "parse_json", "parse_partial_json"]

M = TypeVar("M")

_NOT_JSON = frozenset({"json_invalid", "json_type"})


class ParseError(SSEError, ValueError):
    """The answer text or a tool call's arguments did not validate as the model.

    ``source``  what was parsed (``"the answer text"``, ``"tool call 0 (get_weather)"``).
    ``text``    the JSON text that was validated.
    ``errors``  pydantic's error list (``[]`` when there was nothing to validate).
    """

    def __init__(self, message: str, *, source: str, text: str, errors: list[Any] | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.text = text
        self.errors = errors if errors is not None else []


class _Validator(Protocol):
    def validate_json(self, data: str, *, allow_partial: bool | str = ...) -> Any: ...  # noqa: ANN401


def _validator(model: type[Any]) -> _Validator:
    validator = getattr(model, "__pydantic_validator__", None)
    if validator is None or not hasattr(validator, "validate_json"):
        msg = (
            f"parse() needs a pydantic model class (or pydantic dataclass), not {model!r}; wrap other types in pydantic.RootModel"
        )
        raise TypeError(msg)
    return validator  # type: ignore[no-any-return]


def _summary(errors: list[Any]) -> str:
    parts = []
    for error in errors[:3]:
        where = ".".join(str(item) for item in error.get("loc", ())) or "(root)"
        parts.append(f"{where}: {error.get('msg', error.get('type'))}")
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more


def parse_json(model: type[M], text: str, *, source: str, hint: str = "") -> M:
    """Validate finished JSON ``text`` as ``model``; `ParseError` (naming ``source``) when it does not fit."""
    validator = _validator(model)
    if not text.strip():
        msg = f"{source} is empty: there is no JSON to parse{hint}"
        raise ParseError(msg, source=source, text=text)
    try:
        value = validator.validate_json(text)
    except ValueError as exc:
        errors = _errors(exc)
        msg = f"{source} does not validate as {model.__name__}: {_summary(errors) or exc}{hint}"
        raise ParseError(msg, source=source, text=text, errors=errors) from exc
    return value  # type: ignore[no-any-return]


def parse_partial_json(model: type[M], text: str, *, source: str, finished: bool, hint: str = "") -> M | None:
    """Build ``model`` from JSON that may be unfinished; None while nothing can be built yet.

    A ``finished`` text is parsed as `parse_json` does. Unfinished text raises `ParseError` only when
    it cannot be the start of JSON at all (prose, a Markdown fence): any other validation error can
    still go away as more arrives, so it gives None.
    """
    if finished:
        return parse_json(model, text, source=source, hint=hint)
    validator = _validator(model)
    text = _without_trailing_number(text)
    if not text.strip():
        return None
    errors: list[Any] = []
    for mode in ("trailing-strings", True):  # keep an unfinished string; else leave it out
        try:
            return validator.validate_json(text, allow_partial=mode)  # type: ignore[no-any-return]
        except ValueError as exc:
            errors = _errors(exc)
    if any(error.get("type") in _NOT_JSON for error in errors):
        msg = f"{source} is not JSON: {_summary(errors)}{hint}"
        raise ParseError(msg, source=source, text=text, errors=errors)
    return None


_NUMBER_CHARS = frozenset("0123456789+-.eE")


def _without_trailing_number(text: str) -> str:
    """Cut a number the unfinished text ends with: ``"born": 181`` may yet be 1815, so it is not a value yet.

    A number followed by anything (whitespace, ``,``) is finished and stays, and so do digits inside
    an unfinished string (the scan knows where strings are).
    """
    end = len(text)
    if end == 0 or text[end - 1] not in _NUMBER_CHARS or (text[end - 1] in "eE" and not _in_number(text, end)):
        return text
    start = end
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    return text if _inside_string(text, start) else text[:start]


def _in_number(text: str, end: int) -> bool:
    """Return True when the ``e`` / ``E`` at ``end - 1`` follows a digit (an exponent), not a word (``true``)."""
    return end >= 2 and text[end - 2] in "0123456789."


def _inside_string(text: str, position: int) -> bool:
    """Return True when ``position`` is inside a JSON string (unescaped quotes before it are odd)."""
    inside = escaped = False
    for char in text[:position]:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = inside
        elif char == '"':
            inside = not inside
    return inside


def _errors(exc: ValueError) -> list[Any]:
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return []
    try:
        return list(errors(include_url=False))
    except TypeError:
        return list(errors())
