"""What the strategy modules share: argument checks and cached integer strategies."""

from __future__ import annotations

import functools

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy


@functools.lru_cache(maxsize=64)
def slot(n: int) -> SearchStrategy[int]:
    return st.integers(0, n)


# -- argument checking ------------------------------------------------------------------------------


def check_bool(name: str, value: object, *, allow_none: bool = False) -> None:
    if not (isinstance(value, bool) or (allow_none and value is None)):
        msg = f"{name}={value!r} must be {'True, False or None' if allow_none else 'True or False'}"
        raise InvalidArgument(msg)


def check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        msg = f"{name}={value!r} must be an int >= {minimum}"
        raise InvalidArgument(msg)
    return value


def check_strategy(name: str, value: object) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        msg = f"{name}={value!r} must be a Hypothesis strategy or None"
        raise InvalidArgument(msg)
