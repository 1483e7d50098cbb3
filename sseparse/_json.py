r"""The one guarded JSON entry point for data read from the wire (standard library only).

Everything sseparse parses out of a stream -- accumulator payloads, format detection, raw `Stream`
events, capture bodies, tool-call arguments -- goes through `loads`. Whatever the text, `loads`
either returns a JSON value or raises `NotJSONError` (a `ValueError`); nothing else escapes: no
`RecursionError`, no int-conversion `ValueError`, no `TypeError`.

What each kind of hostile input gets:

| input                                           | outcome                                               |
|-------------------------------------------------|-------------------------------------------------------|
| invalid JSON, empty text, trailing garbage      | `NotJSONError` (``reason="syntax"``)                  |
| arrays/objects nested deeper than `MAX_DEPTH`   | `NotJSONError` (``reason="depth"``), before parsing   |
| an integer of more than `MAX_INT_DIGITS` digits | `NotJSONError` (``reason="integer"``)                 |
| ``NaN``, ``Infinity``, ``-Infinity``            | the float values (as Python's ``json`` writes them)   |
| a number too large for a float (``1e999``)      | ``inf`` (``-inf``), as ``float()`` gives              |
| a lone surrogate escape (``"\ud800"``)          | U+FFFD in its place (keys and values)                 |
| bytes that are not UTF-8                        | decoded with U+FFFD in place of the bad bytes         |
| duplicate keys                                  | the last one wins                                     |
| any top-level value (``[]``, ``1``, ``"x"``)    | returned as is: callers check the shape they expect   |

`MAX_DEPTH` (128) is far below Python's recursion limit, so no recursive walk over a parsed value
(``copy.deepcopy``, ``json.dumps``, pydantic validation) can run out of stack; it is also below the
recursion limits of the fast JSON libraries (jiter: 200, orjson: 1024). `MAX_INT_DIGITS` (640) is
the smallest value `sys.set_int_max_str_digits` accepts, so the outcome never depends on the
process-wide setting.

Backends: the standard library is the reference. A faster parser is chosen at the first parse:
orjson if it can be imported, else jiter (or ``pydantic_core.from_json``, the same parser, which
comes with pydantic), else the standard library alone. ``SSEPARSE_JSON=stdlib|orjson|jiter`` in the
environment, or `use_json_backend`, forces one; `json_backend` names the one in use. A backend
returns exactly what the reference returns; each one declines (raises) the texts it would read
differently, and `loads` then decides with the reference:

- orjson turns integers outside the 64-bit range into floats and refuses ``NaN``, ``Infinity``,
  ``1e999`` and lone surrogates, so a text with a run of 19 or more digits, or one it refuses, goes
  to the reference;
- jiter refuses lone surrogates and nesting deeper than 200, and reads integers of any length, so
  the integer-size guard below runs before it.

Lower-level, `set_backend` installs any parser with the same contract. The guards (depth, integer
size, surrogates) run on every path, so they hold whatever the backend. ``tests/test_json_backends.py``
compares every backend with the reference over every captured stream and generated texts.
"""

from __future__ import annotations

import json
import os
import re
from itertools import accumulate

from sseparse._errors import SSEError

# `typing` costs milliseconds at import; type checkers treat this name as always true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = [
    "BACKENDS",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "NotJSONError",
    "is_json",
    "json_backend",
    "loads",
    "set_backend",
    "use_json_backend",
]

MAX_DEPTH = 128
"""Deepest nesting of arrays and objects `loads` accepts (``[]`` is depth 1)."""

MAX_INT_DIGITS = 640
"""Most digits an integer may have (sign not counted); longer ones make the text "not JSON"."""


class NotJSONError(SSEError, ValueError):
    """The text is not JSON that sseparse accepts.

    ``reason`` is ``"syntax"`` (not JSON at all), ``"depth"`` (nested deeper than `MAX_DEPTH`) or
    ``"integer"`` (an integer longer than `MAX_INT_DIGITS` digits).
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _checked_int(digits: str) -> int:
    if len(digits) - (digits[0] == "-") > MAX_INT_DIGITS:
        msg = f"an integer has more than {MAX_INT_DIGITS} digits"
        raise NotJSONError(msg, reason="integer")
    return int(digits)


_STD_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner behind json.loads
_GUARDED = json.JSONDecoder(parse_int=_checked_int)
_GUARDED_SCAN = _GUARDED.scan_once  # type: ignore[attr-defined]

# Texts up to this length can neither nest deeper than MAX_DEPTH (each level costs two characters)
# nor hold an integer longer than MAX_INT_DIGITS: they skip every guard but the surrogate one.
_SHORT = min(2 * MAX_DEPTH, MAX_INT_DIGITS)

# A JSON string, to blank out before counting brackets (the unrolled form: no backtracking).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")

BACKENDS = ("orjson", "jiter", "stdlib")
"""The backends `use_json_backend` and ``SSEPARSE_JSON`` know, in the order the automatic choice tries them."""

ENV_VAR = "SSEPARSE_JSON"

# Bytes -> bytes where every ASCII digit becomes "0" and every other byte a space: one C pass
# (`bytes.translate`), after which a run of N digits is the substring b"0" * N (memmem).
_DIGIT_MAP = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_LONG_INT = b"0" * (MAX_INT_DIGITS + 1)
_ORJSON_INT = b"0" * 19  # |n| >= 2**63 - 1 has 19 digits or more; orjson makes a float of n >= 2**64 or n < -2**63


def _first_use(text: str) -> Any:  # noqa: ANN401
    """Choose the backend (``SSEPARSE_JSON``, else automatically) at the first parse, then parse with it."""
    _choose(os.environ.get(ENV_VAR, ""))
    if _backend is None:
        return _reference(text)
    return _backend(text)


_backend: Callable[[str], Any] | None = _first_use
_backend_name = "stdlib"  # what `json_backend` reports once the choice is made
_fast_len = -1  # texts up to this length take the inline fast path; -1 while a backend is installed
_direct_len = _SHORT  # str texts up to this length go straight to the backend; -1 without one


def set_backend(parse: Callable[[str], Any] | None) -> None:
    """Install a faster parser in front of the reference (None: the standard library only).

    ``parse(text)`` must return exactly what the reference returns, or raise for any text it does not
    handle identically (``NaN``, huge integers, lone surrogates ...); `loads` then uses the reference.
    """
    global _backend, _backend_name, _fast_len, _direct_len  # noqa: PLW0603 - one process-wide choice
    _backend = parse
    _backend_name = "stdlib" if parse is None else getattr(parse, "backend_name", "custom")
    _fast_len = _SHORT if parse is None else -1
    _direct_len = -1 if parse is None else _SHORT


def _orjson() -> Callable[[str], Any]:
    import orjson  # noqa: PLC0415 - optional, and only loaded when chosen

    parse = orjson.loads

    def orjson_loads(text: str) -> Any:  # noqa: ANN401
        data = text.encode()  # a lone surrogate raises UnicodeEncodeError: the reference decides
        if len(data) >= 19 and _ORJSON_INT in data.translate(_DIGIT_MAP):
            msg = "a run of 19 digits: maybe an integer orjson would turn into a float"
            raise ValueError(msg)
        return parse(data)

    orjson_loads.backend_name = "orjson"  # type: ignore[attr-defined]
    return orjson_loads


def _jiter() -> Callable[[str], Any]:
    try:
        from jiter import from_json  # noqa: PLC0415 - optional, and only loaded when chosen
    except ImportError:
        from pydantic_core import from_json  # type: ignore[assignment]  # noqa: PLC0415 - the same parser, shipped with pydantic

    def jiter_loads(text: str) -> Any:  # noqa: ANN401
        # jiter takes bytes (measured faster than pydantic_core's str path). A lone surrogate raises
        # UnicodeEncodeError here, and nesting deeper than 200 a ValueError: the reference decides.
        return from_json(text.encode())

    jiter_loads.backend_name = "jiter"  # type: ignore[attr-defined]
    return jiter_loads


_MAKERS: dict[str, Callable[[], Callable[[str], Any]]] = {"orjson": _orjson, "jiter": _jiter}


def use_json_backend(name: str | None = None) -> str:
    """Use the named JSON backend for every parse from now on, in this process; return its name.

    ``name`` is ``"orjson"``, ``"jiter"`` (jiter, or ``pydantic_core.from_json`` where only pydantic
    is installed) or ``"stdlib"``; ``None`` (or ``"auto"``) makes the automatic choice again: the first
    of `BACKENDS` that can be imported. Every backend gives the same results (the module docstring
    says how); only the speed differs. Raises `ValueError` for an unknown name and `ImportError` when
    the named library is not installed.
    """
    if name is None or name == "auto":
        for candidate in BACKENDS[:-1]:
            try:
                return use_json_backend(candidate)
            except ImportError:
                continue
        name = "stdlib"
    if name == "stdlib":
        set_backend(None)
        return "stdlib"
    maker = _MAKERS.get(name)
    if maker is None:
        msg = f"unknown JSON backend {name!r}: use one of {', '.join(BACKENDS)} or None for the automatic choice"
        raise ValueError(msg)
    try:
        parse = maker()
    except ImportError as exc:
        msg = f"the JSON backend {name!r} is not installed ({exc}); install it (sseparse[fast] brings orjson) or use another"
        raise ImportError(msg) from exc
    set_backend(parse)
    return name


def json_backend() -> str:
    """Return the name of the JSON backend in use (``"orjson"``, ``"jiter"`` or ``"stdlib"``), choosing it now if needed."""
    if _backend is _first_use:
        _choose(os.environ.get(ENV_VAR, ""))
    return _backend_name


def _choose(setting: str) -> None:
    """Make the first-use choice: ``SSEPARSE_JSON`` if it names an installed backend, else automatic."""
    wanted = setting.strip().lower()
    problem = None
    if wanted and wanted != "auto":
        try:
            use_json_backend(wanted)
        except (ValueError, ImportError) as exc:
            problem = exc
        else:
            return
    use_json_backend(None)
    if problem is not None:  # warned after the choice is made: a warning turned into an error changes nothing
        import warnings  # noqa: PLC0415 - only on a bad setting

        warnings.warn(f"{ENV_VAR}={setting!r} ignored, {_backend_name} used: {problem}", RuntimeWarning, stacklevel=2)


def loads(data: str | bytes | bytearray | memoryview) -> Any:  # noqa: ANN401, PLR0911 - JSON is Any; the hot path returns early
    """Parse JSON read from the wire; raise `NotJSONError` (and nothing else) when it is not acceptable.

    ``data`` is text, or bytes decoded as UTF-8 with U+FFFD in place of invalid sequences. See the
    module docstring for what each kind of hostile input gets.
    """
    if len(data) <= _fast_len:
        # The common case: a short payload. Call the C scanner directly (json.loads adds two frames and
        # two whitespace regexes); anything unusual (whitespace, bytes, errors) takes the full path.
        try:
            value, end = _STD_SCAN(data, 0)
        except (StopIteration, ValueError, RecursionError, TypeError):
            return _guarded(data if data.__class__ is str else _text(data))
        if end != len(data):
            return _guarded(data)  # type: ignore[arg-type]  # the scanner took it: a str
        if "\\" in data and _SURROGATE_ESCAPE.search(data) is not None:  # type: ignore[arg-type]
            return _replace_surrogates(value)
        return value
    if len(data) <= _direct_len and data.__class__ is str:
        # A short text and a backend: too short to nest deeper than MAX_DEPTH or to hold an integer
        # longer than MAX_INT_DIGITS, so only the surrogate guard applies. The backend declines
        # (raises) whatever it would read differently from the reference.
        try:
            value = _backend(data)  # type: ignore[misc]  # installed whenever _direct_len >= 0
        except Exception:  # noqa: BLE001 - the reference decides every text the backend does not take
            return _reference(data)
        if "\\" in data and _SURROGATE_ESCAPE.search(data) is not None:
            return _replace_surrogates(value)
        return value
    return _guarded(data if data.__class__ is str else _text(data))


def is_json(data: str | bytes | bytearray | memoryview) -> bool:
    """Return True when `loads` accepts ``data``."""
    try:
        loads(data)
    except NotJSONError:
        return False
    return True


def _text(data: object) -> str:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data).decode("utf-8", "replace")
    msg = f"sseparse JSON input must be str or bytes, not {type(data).__name__}"
    raise TypeError(msg)


def _guarded(text: str) -> Any:  # noqa: ANN401
    """Every guard, for text long enough to need them, then the backend or the reference."""
    if len(text) > 2 * MAX_DEPTH and text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        msg = f"JSON nested deeper than {MAX_DEPTH} levels"
        raise NotJSONError(msg, reason="depth")
    if _backend is not None:
        if len(text) > MAX_INT_DIGITS and _LONG_INT in text.encode(errors="surrogatepass").translate(_DIGIT_MAP):
            return _reference(text)  # maybe an integer too long for the reference: it decides
        try:
            value = _backend(text)
        except Exception:  # noqa: BLE001 - the reference decides every text the backend does not take
            return _reference(text)
        if "\\" in text and _SURROGATE_ESCAPE.search(text) is not None:
            return _replace_surrogates(value)
        return value
    return _reference(text)


def _reference(text: str) -> Any:  # noqa: ANN401
    """Parse with the standard library and the integer and surrogate guards (depth was checked before)."""
    try:
        value, end = _GUARDED_SCAN(text, _skip_space(text, 0))
    except StopIteration:
        msg = f"not JSON: {_sample(text)!r}"
        raise NotJSONError(msg, reason="syntax") from None
    except NotJSONError:
        raise
    except RecursionError:  # only when the caller's own stack is nearly exhausted
        msg = f"JSON nested too deep for the remaining stack: {_sample(text)!r}"
        raise NotJSONError(msg, reason="depth") from None
    except ValueError as exc:  # JSONDecodeError
        msg = f"not JSON ({exc}): {_sample(text)!r}"
        raise NotJSONError(msg, reason="syntax") from None
    if _skip_space(text, end) != len(text):
        msg = f"not JSON (extra data after the value): {_sample(text)!r}"
        raise NotJSONError(msg, reason="syntax")
    if "\\" in text and _SURROGATE_ESCAPE.search(text) is not None:
        return _replace_surrogates(value)
    return value


_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match is not None else pos


def _sample(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _depth(text: str) -> int:
    """Return the deepest nesting of brackets outside strings (linear time, no recursion, no Python loop per byte)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets), initial=0))


def _fix(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _replace_surrogates(value: Any) -> Any:  # noqa: ANN401
    """Replace lone surrogates (escapes JSON allows but UTF-8 cannot encode) by U+FFFD, iteratively."""
    if isinstance(value, str):
        return _fix(value)
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            _fix_list(node, stack)
        elif isinstance(node, dict):
            _fix_dict(node, stack)
    return value


def _fix_list(node: list[Any], stack: list[Any]) -> None:
    for i, item in enumerate(node):
        if isinstance(item, str):
            node[i] = _fix(item)
        elif isinstance(item, (dict, list)):
            stack.append(item)


def _fix_dict(node: dict[str, Any], stack: list[Any]) -> None:
    items = list(node.items())
    node.clear()
    for key, item in items:
        if isinstance(item, str):
            item = _fix(item)
        elif isinstance(item, (dict, list)):
            stack.append(item)
        node[_fix(key)] = item
