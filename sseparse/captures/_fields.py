"""Typed reads of a parsed HAR or VCR document: every field is checked before it is used.

A capture is input like any other: a field may hold a list where a dict belongs, a dict where a
string belongs, a number of ten thousand digits or structures nested thousands deep. Each accessor
returns the field when it has the expected type and a neutral value (``{}``, ``[]``, None) when it
does not, so a reader never calls a method on a value of the wrong type. Parsing is guarded too:
a document nested past the interpreter's recursion limit, or holding integers too long to convert,
is "not JSON" (`ValueError`), never a `RecursionError`.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_NODES", "boolean_free_int", "fits", "load_document", "mapping", "sequence", "text"]

#: A parsed value with more nodes than this (aliases of a YAML document expanded) is not kept as
#: ``request_json``: writing it out could take time and memory out of proportion to the input.
MAX_NODES = 100_000


def load_document(data: str | bytes | bytearray) -> Any:  # noqa: ANN401 - JSON
    """Parse a whole JSON document (a HAR file); `ValueError` for anything that is not JSON sseparse can hold.

    Not `sseparse._json.loads`: a HAR file legitimately nests deeper than a stream payload may
    (Chrome's ``_initiator`` stack traces), so only nesting past the interpreter's recursion limit
    fails here, as a `ValueError` ("nested too deep"), never a `RecursionError`. An integer of more
    than 4300 digits fails too. Values parsed out of it (request bodies) go through
    `sseparse._json.loads` like any wire data.
    """
    try:
        return json.loads(data)
    except RecursionError:
        msg = "JSON nested too deep"
        raise ValueError(msg) from None


def mapping(value: object) -> dict[Any, Any]:
    """``value`` when it is a dict, else an empty dict."""
    return value if isinstance(value, dict) else {}


def sequence(value: object) -> list[Any]:
    """``value`` when it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def text(value: object) -> str | None:
    """``value`` when it is a str, else None."""
    return value if isinstance(value, str) else None


def boolean_free_int(value: object, low: int, high: int) -> int | None:
    """``value`` when it is an int (not a bool) within ``[low, high]``, else None."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return None


def fits(value: object, limit: int = MAX_NODES) -> bool:
    """Tell whether ``value`` has at most ``limit`` nodes, counting shared ones each time (no recursion)."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())
        elif isinstance(item, list):
            stack.extend(item)
    return True
