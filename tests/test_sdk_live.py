"""sseparse.sdk.install inside the real openai and anthropic clients, against a real server that cuts.

The SDKs end a cut stream quietly (a few chunks, no error); installed with ``strict=True``, the
client raises `sseparse.IncompleteStreamError` inside its own iteration. The installation survives
``with_options()`` and ``copy()``, and covers anthropic's ``Stream.raw_events``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from live_server import WORDS, App, serve

from sseparse import IncompleteStreamError
from sseparse.sdk import SDKEvent, install

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
pytest.importorskip("uvicorn")

AT = 12  # whole events before the cut
MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, App]]:
    with serve() as running:
        yield running


def chat(client: Any) -> list[str]:
    with client.chat.completions.create(model="m", messages=MESSAGES, stream=True) as stream:
        return [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]


def claude(client: Any) -> list[str]:
    with client.messages.create(model="m", max_tokens=10, messages=MESSAGES, stream=True) as stream:
        return [event.delta.text for event in stream if event.type == "content_block_delta"]


def respond(client: Any) -> list[str]:
    with client.responses.create(model="m", input="hi", stream=True) as stream:
        return [event.delta for event in stream if event.type == "response.output_text.delta"]


CASES: dict[str, tuple[Callable[[str], Any], Callable[[Any], list[str]]]] = {
    "openai": (lambda base: openai.OpenAI(api_key="k", base_url=base, max_retries=0), chat),
    "responses": (lambda base: openai.OpenAI(api_key="k", base_url=base, max_retries=0), respond),
    "anthropic": (lambda base: anthropic.Anthropic(api_key="k", base_url=base, max_retries=0), claude),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_sdks_end_a_cut_stream_quietly(server: tuple[str, App], kind: str) -> None:
    """Stock clients (and install() without strict): a cut stream gives the first words and no error."""
    base, _ = server
    make, run = CASES[kind]
    for client in (make(f"{base}/sdk/cut/{kind}/{AT}"), install(make(f"{base}/sdk/cut/{kind}/{AT}"))):
        words = run(client)
        assert 0 < len(words) < len(WORDS)
        client.close()


@pytest.mark.parametrize("kind", sorted(CASES))
def test_strict_raises_inside_the_sdks_iteration_when_the_terminal_event_is_missing(server: tuple[str, App], kind: str) -> None:
    """strict=True: the same cut stream raises sseparse.IncompleteStreamError from the SDK's own loop."""
    base, _ = server
    make, run = CASES[kind]
    with (
        install(make(f"{base}/sdk/cut/{kind}/{AT}"), strict=True) as client,
        pytest.raises(IncompleteStreamError, match="cut off"),
    ):
        run(client)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_strict_is_silent_on_a_complete_stream(server: tuple[str, App], kind: str) -> None:
    """strict=True on a whole stream: every word, no error."""
    base, _ = server
    make, run = CASES[kind]
    with install(make(f"{base}/sdk/stream/{kind}/0"), strict=True) as client:
        assert "".join(run(client)) == "".join(WORDS)


def test_strict_in_the_async_clients(server: tuple[str, App]) -> None:
    """AsyncOpenAI and AsyncAnthropic raise the same way."""
    base, _ = server

    async def main() -> None:
        client = install(openai.AsyncOpenAI(api_key="k", base_url=f"{base}/sdk/cut/openai/{AT}", max_retries=0), strict=True)
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(IncompleteStreamError):
            async for _ in stream:
                pass
        await client.close()
        claude = install(
            anthropic.AsyncAnthropic(api_key="k", base_url=f"{base}/sdk/cut/anthropic/{AT}", max_retries=0), strict=True
        )
        events = await claude.messages.create(model="m", max_tokens=10, messages=MESSAGES, stream=True)
        with pytest.raises(IncompleteStreamError):
            async for _ in events:
                pass
        await claude.close()

    asyncio.run(main())


@pytest.mark.parametrize("derive", ["with_options", "copy"])
@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_the_installation_survives_with_options_and_copy(server: tuple[str, App], kind: str, derive: str) -> None:
    """A client derived with with_options() or copy() is installed too, with the same options, and still an instance of the SDK's class."""
    base, _ = server
    make, run = CASES[kind]
    original = make(f"{base}/sdk/cut/{kind}/{AT}")
    sdk_class = type(original)
    install(original, strict=True)
    derived = getattr(original, derive)(timeout=5.0)
    assert isinstance(derived, sdk_class)
    assert type(derived) is type(original)
    with pytest.raises(IncompleteStreamError):
        run(derived)
    again = getattr(derived, derive)(max_retries=0)
    with pytest.raises(IncompleteStreamError):
        run(again)
    install(again)  # installing again replaces the options: not strict any more
    assert 0 < len(run(again)) < len(WORDS)
    assert type(again).__mro__[1] is sdk_class  # one level of subclass, not one per install
    for client in (original, derived, again):
        client.close()


def test_anthropic_raw_events_decode_with_sseparse_for_an_installed_client(server: tuple[str, App]) -> None:
    """anthropic.Stream.raw_events(response) on an installed client's response: sseparse's events, strict included."""
    base, _ = server

    def raw(client: Any) -> list[Any]:
        with client.messages.with_streaming_response.create(model="m", max_tokens=10, messages=MESSAGES, stream=True) as response:
            return list(anthropic.Stream.raw_events(response.http_response))

    with install(anthropic.Anthropic(api_key="k", base_url=f"{base}/sdk/stream/anthropic/0", max_retries=0)) as client:
        events = raw(client)
    assert all(isinstance(event, SDKEvent) for event in events)
    assert events[-1].event == "message_stop"
    with anthropic.Anthropic(api_key="k", base_url=f"{base}/sdk/stream/anthropic/0", max_retries=0) as stock:
        theirs = raw(stock)
    assert not any(isinstance(event, SDKEvent) for event in theirs)  # other clients keep the SDK's decoder
    assert [(e.event, e.data) for e in theirs] == [(e.event, e.data) for e in events]
    cut = install(anthropic.Anthropic(api_key="k", base_url=f"{base}/sdk/cut/anthropic/{AT}", max_retries=0), strict=True)
    with cut, pytest.raises(IncompleteStreamError):
        raw(cut)
