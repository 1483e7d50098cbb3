"""encode(): one correct SSE block, for servers and test fixtures (standard library only)."""

from __future__ import annotations

from sseparse._events import MAX_RETRY

# `typing` costs milliseconds at import; type checkers treat this name as always true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["encode"]


def _check(name: str, value: str, forbidden: str) -> None:
    if not isinstance(value, str):
        msg = f"{name} must be a str, not {type(value).__name__}"  # type: ignore[unreachable]
        raise TypeError(msg)
    for char in forbidden:
        if char in value:
            msg = f"{name} cannot contain {char!r}: an SSE field value cannot represent it"
            raise ValueError(msg)


def _data_text(data: Any) -> str:  # noqa: ANN401 - any JSON-serialisable value
    """Return ``data`` itself when it is a str, else its compact JSON text."""
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        msg = f"encode() takes data as str or a JSON-serialisable object, not {type(data).__name__}: decode it first"
        raise TypeError(msg)
    dump = getattr(data, "model_dump_json", None)  # a pydantic model: its own JSON, compact already
    if callable(dump) and not isinstance(data, type):
        text = dump()
        if isinstance(text, str):
            return text
    import json  # noqa: PLC0415 - only servers that send objects pay for it

    try:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except TypeError as exc:
        msg = f"encode() data must be a str or JSON-serialisable: {exc}"
        raise TypeError(msg) from None
    except ValueError as exc:  # NaN or infinity, a circular reference
        msg = f"encode() cannot send this data as JSON: {exc}"
        raise ValueError(msg) from None


def _id_text(value: str | int) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        msg = f"id must be a str or an int, not {type(value).__name__}"
        raise TypeError(msg)
    if isinstance(value, int):
        return str(int(value))  # an IntEnum member prints its name otherwise
    _check("id", value, "\r\n\0")
    return value


def encode(
    data: Any = None,  # noqa: ANN401 - str or any JSON-serialisable object
    *,
    event: str | None = None,
    id: str | int | None = None,  # noqa: A002
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    r"""Return one SSE block (UTF-8, LF line ends, ending with a blank line).

    ``data`` is a ``str`` or any JSON-serialisable object (a dict, a list, a number, a pydantic
    model...), which is sent as compact JSON (no spaces, non-ASCII kept as is). A str may span
    lines: each LF starts a new ``data:`` line, so the decoder rebuilds the same string. A CR cannot
    survive the trip (the decoder treats it as a line end), so it raises `ValueError`, as do CR or
    LF in ``event`` or ``id``, NUL in ``id`` (such an id is ignored by decoders), a ``retry`` that is
    not an int from 0 to 2**64 - 1 (decoders ignore a larger one), lone surrogates
    anywhere (UTF-8 cannot encode them) and NaN or infinite floats (not JSON). ``id`` may be an int.
    ``comment`` lines come first (``: ...``; each LF starts a new comment line).

    With ``data=None`` the block dispatches no event but still carries ``id``/``retry``/``comment``
    (a keep-alive is ``encode(comment="")``; to send JSON ``null``, pass ``"null"``).
    ``parse(encode(...))`` gives back what was encoded.

    >>> encode("hello\nworld", event="greeting", id="7")
    b'event: greeting\nid: 7\ndata: hello\ndata: world\n\n'
    >>> encode({"delta": "Hi"}, id=8)
    b'id: 8\ndata: {"delta":"Hi"}\n\n'
    """
    out: list[str] = []
    if comment is not None:
        _check("comment", comment, "\r")
        out.extend(f":{' ' if line else ''}{line}" for line in comment.split("\n"))
    if event is not None:
        _check("event", event, "\r\n")
        out.append(f"event: {event}" if event else "event:")
    if id is not None:
        text_id = _id_text(id)
        out.append(f"id: {text_id}" if text_id else "id:")
    if retry is not None:
        if isinstance(retry, bool) or not isinstance(retry, int) or not 0 <= retry <= MAX_RETRY:
            msg = f"retry must be an int of milliseconds from 0 to 2**64 - 1 (decoders ignore a larger one), not {retry!r}"
            raise ValueError(msg)
        out.append(f"retry: {retry}")
    if data is not None:
        text = _data_text(data)
        _check("data", text, "\r")
        out.extend(f"data: {line}" if line else "data:" for line in text.split("\n"))
    if not out:
        msg = "encode() needs at least one of data, event, id, retry or comment"
        raise ValueError(msg)
    out.append("\n")
    block = "\n".join(out)
    try:
        return block.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 byte sequence stands for it
        msg = f"cannot encode {block[exc.start]!r} at position {exc.start}: a lone surrogate is not valid UTF-8"
        raise ValueError(msg) from None
