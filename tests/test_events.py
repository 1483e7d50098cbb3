"""ServerSentEvent: a small value object with equality, a terse repr and json()."""

from __future__ import annotations

import copy
import decimal
import importlib.util
import pickle
import sys
import types

import pytest

import sseparse._events
from sseparse import ServerSentEvent
from sseparse._events import new_event


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
    """Equality is by type too: an event is a tuple subclass, yet never equals a plain tuple."""
    event = ServerSentEvent("e", "d", "1", 5)
    assert event != ("e", "d", "1", 5)
    assert event != ("e", "d", "1", 5)
    assert not event == ("e", "d", "1", 5)  # noqa: SIM201 - both operators are defined
    assert ServerSentEvent() != {"event": "message"}


def test_events_are_immutable_and_hashable() -> None:
    """Events are values: fields cannot be set, and equal events hash alike (usable in sets and as keys)."""
    event = ServerSentEvent("e", "d", "1", 5)
    with pytest.raises(AttributeError):
        event.data = "x"  # type: ignore[misc]
    assert hash(event) == hash(ServerSentEvent(event="e", data="d", id="1", retry=5))
    assert {event, ServerSentEvent("e", "d", "1", 5), ServerSentEvent()} == {event, ServerSentEvent()}


def test_events_unpack_and_match_like_named_tuples() -> None:
    """An event unpacks as (event, data, id, retry) and supports positional class patterns."""
    event = ServerSentEvent("e", "d", "1", 5)
    assert tuple(event) == ("e", "d", "1", 5)
    match event:
        case ServerSentEvent(kind, data, id_, retry):
            assert (kind, data, id_, retry) == ("e", "d", "1", 5)
        case _:  # pragma: no cover - the pattern above must match
            pytest.fail("an event did not match its own class pattern")


def test_events_pickle_and_copy_as_equal_events() -> None:
    """pickle and copy give back an equal ServerSentEvent (not a plain tuple)."""
    event = ServerSentEvent("e", "d", "1", 5)
    for clone in (pickle.loads(pickle.dumps(event)), copy.copy(event), copy.deepcopy(event)):
        assert clone.__class__ is ServerSentEvent
        assert clone == event


def test_the_decoders_constructor_builds_the_same_events() -> None:
    """new_event (the decoder's C-level constructor) and the keyword constructor agree."""
    assert new_event(("e", "d", "1", 5)) == ServerSentEvent("e", "d", "1", 5)
    assert new_event(("message", "", "", None)) == ServerSentEvent()


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


def test_without_the_c_field_accessor_the_fields_are_itemgetter_properties(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where `_collections` has no `_tuplegetter`, the module falls back to properties and events work the same."""
    monkeypatch.setitem(sys.modules, "_collections", types.ModuleType("_collections"))  # no _tuplegetter in it
    spec = importlib.util.spec_from_file_location("_events_without_tuplegetter", sseparse._events.__file__)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    cls = module.ServerSentEvent
    assert all(type(vars(cls)[name]) is property for name in ("event", "data", "id", "retry"))
    event = cls("e", "d", "1", 5)
    assert (event.event, event.data, event.id, event.retry) == ("e", "d", "1", 5)
    assert module.new_event(("message", "x", "", None)).data == "x"
    assert cls.data.__doc__ == "The data buffer, without its trailing LF."
    with pytest.raises(AttributeError):
        event.data = "y"
