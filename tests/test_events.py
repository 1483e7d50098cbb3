"""ServerSentEvent: a small value object with equality, a terse repr and json()."""

from __future__ import annotations

import decimal

import pytest

from sseparse import ServerSentEvent


def test_defaults_are_those_of_a_plain_message() -> None:
    """With no arguments an event is a 'message' with empty data and id and no retry."""
    event = ServerSentEvent()
    assert (event.event, event.data, event.id, event.retry) == ("message", "", "", None)


def test_equality_compares_all_four_fields() -> None:
    """Two events are equal exactly when event, data, id and retry are."""
    base = ServerSentEvent("e", "d", "1", 5)
    assert base == ServerSentEvent(event="e", data="d", id="1", retry=5)
    assert base != ServerSentEvent("x", "d", "1", 5)
    assert base != ServerSentEvent("e", "x", "1", 5)
    assert base != ServerSentEvent("e", "d", "2", 5)
    assert base != ServerSentEvent("e", "d", "1", None)


def test_events_do_not_equal_tuples_or_dicts() -> None:
    """Equality is by type too."""
    assert ServerSentEvent("e", "d", "1", 5) != ("e", "d", "1", 5)
    assert ServerSentEvent() != {"event": "message"}


def test_events_are_not_hashable() -> None:
    """Mutable slots: equality by value, so no hash."""
    with pytest.raises(TypeError):
        hash(ServerSentEvent())


@pytest.mark.parametrize(
    ("event", "text"),
    [
        (ServerSentEvent(), "ServerSentEvent(data='')"),
        (ServerSentEvent(data="x"), "ServerSentEvent(data='x')"),
        (ServerSentEvent("add", "x"), "ServerSentEvent(event='add', data='x')"),
        (ServerSentEvent(data="x", id="7"), "ServerSentEvent(data='x', id='7')"),
        (ServerSentEvent(data="x", retry=0), "ServerSentEvent(data='x', retry=0)"),
        (ServerSentEvent("e", "x", "7", 10), "ServerSentEvent(event='e', data='x', id='7', retry=10)"),
    ],
)
def test_repr_leaves_out_defaults(event: ServerSentEvent, text: str) -> None:
    """The repr shows data always and the other fields only when they are not the default."""
    assert repr(event) == text


def test_json_parses_data() -> None:
    """json() is json.loads(data)."""
    assert ServerSentEvent(data='{"a": [1, 2.5, null]}').json() == {"a": [1, 2.5, None]}


def test_json_passes_keyword_arguments_to_json_loads() -> None:
    """Options such as parse_float reach json.loads."""
    assert ServerSentEvent(data="1.10").json(parse_float=decimal.Decimal) == decimal.Decimal("1.10")


def test_json_of_non_json_data_raises_value_error() -> None:
    """'[DONE]' is not JSON: the caller decides what to do."""
    with pytest.raises(ValueError, match="Expecting"):
        ServerSentEvent(data="[DONE]").json()
