"""encode(): one correct SSE block, for servers and test fixtures (standard library only)."""

from __future__ import annotations

__all__ = ["encode"]


def _check(name: str, value: str, forbidden: str) -> None:
    if not isinstance(value, str):
        msg = f"{name} must be a str, not {type(value).__name__}"  # type: ignore[unreachable]
        raise TypeError(msg)
    for char in forbidden:
        if char in value:
            msg = f"{name} cannot contain {char!r}: an SSE field value cannot represent it"
            raise ValueError(msg)


def encode(
    data: str | None = None,
    *,
    event: str | None = None,
    id: str | None = None,  # noqa: A002
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    r"""Return one SSE block (UTF-8, LF line ends, ending with a blank line).

    ``data`` may span lines: each LF starts a new ``data:`` line, so the decoder rebuilds the same
    string. A CR cannot survive the trip (the decoder treats it as a line end), so it raises
    `ValueError`, as do CR or LF in ``event`` or ``id``, NUL in ``id`` (such an id is ignored by
    decoders) and lone surrogates anywhere (UTF-8 cannot encode them). ``comment`` lines come first
    (``: ...``; each LF starts a new comment line).

    With ``data=None`` the block dispatches no event but still carries ``id``/``retry``/``comment``
    (a keep-alive is ``encode(comment="")``). ``parse(encode(...))`` gives back what was encoded.

    >>> encode("hello\nworld", event="greeting", id="7")
    b'event: greeting\nid: 7\ndata: hello\ndata: world\n\n'
    """
    out: list[str] = []
    if comment is not None:
        _check("comment", comment, "\r")
        out.extend(f":{' ' if line else ''}{line}" for line in comment.split("\n"))
    if event is not None:
        _check("event", event, "\r\n")
        out.append(f"event: {event}" if event else "event:")
    if id is not None:
        _check("id", id, "\r\n\0")
        out.append(f"id: {id}" if id else "id:")
    if retry is not None:
        if isinstance(retry, bool) or not isinstance(retry, int) or retry < 0:
            msg = f"retry must be a non-negative int (milliseconds), not {retry!r}"
            raise ValueError(msg)
        out.append(f"retry: {retry}")
    if data is not None:
        _check("data", data, "\r")
        out.extend(f"data: {line}" if line else "data:" for line in data.split("\n"))
    if not out:
        msg = "encode() needs at least one of data, event, id, retry or comment"
        raise ValueError(msg)
    out.append("\n")
    text = "\n".join(out)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 byte sequence stands for it
        msg = f"cannot encode {text[exc.start]!r} at position {exc.start}: a lone surrogate is not valid UTF-8"
        raise ValueError(msg) from None
