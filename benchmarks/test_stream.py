"""Typed chunk iteration: `sseparse.Stream` against openai-python's ``Stream`` on the same bytes.

The corpus of ``baselines.md`` (20,000 ``chat.completion.chunk`` events + ``[DONE]``, one read per
event) is served through ``httpx2.MockTransport`` -- the transport openai-python's own client takes --
and iterated as typed chunks:

- ``openai``: ``client.chat.completions.create(..., stream=True)`` and ``for chunk in stream`` (SSE
  decoding, JSON, pydantic ``ChatCompletionChunk``), what the OpenAI streaming guide shows;
- ``sseparse (httpx2)``: ``Stream(response.iter_bytes(), "openai-chat", response=response)`` over
  the same mock transport: decoding, typed ``sseparse.models`` chunks *and* the accumulation that
  ``stream.result()`` returns (openai's ``Stream`` does not accumulate);
- ``sseparse (bytes)``: the same `Stream` straight over the reads, without an HTTP client.

The target: ``sseparse (httpx2)`` >= 10x ``openai`` (``baselines.md`` asked for 5x; issue 18 for 10x). pytest-benchmark's table shows
the medians; `test_ratio_summary` prints the ratio after a measuring run. With
``--benchmark-disable`` each case runs once on the first 500 chunks (a smoke test).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest

from benchmarks import _corpus
from sseparse import Stream

TARGET = 10.0  # issue 18 (baselines.md asked for 5x)
_MEDIANS: dict[str, float] = {}


class _Body(httpx2.SyncByteStream):
    def __init__(self, chunks: tuple[bytes, ...]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Any:
        return iter(self.chunks)


def _client(chunks: tuple[bytes, ...]) -> httpx2.Client:
    def handle(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_Body(chunks))

    return httpx2.Client(transport=httpx2.MockTransport(handle))


def run_openai(chunks: tuple[bytes, ...]) -> int:
    with openai.OpenAI(api_key="bench", base_url="http://bench.invalid/v1", http_client=_client(chunks), max_retries=0) as client:
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True)
        with stream:
            n = 0
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content is not None:
                    n += 1
            return n


def run_sseparse_httpx2(chunks: tuple[bytes, ...]) -> int:
    with (
        _client(chunks) as client,
        client.stream("POST", "http://bench.invalid/v1/chat/completions") as response,
        Stream(response.iter_bytes(), "openai-chat", response=response) as stream,
    ):
        n = 0
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content is not None:
                n += 1
        assert stream.result().end == "complete"
        return n


def run_sseparse_bytes(chunks: tuple[bytes, ...]) -> int:
    with Stream(chunks, "openai-chat") as stream:
        n = 0
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content is not None:
                n += 1
        assert stream.result().end == "complete"
        return n


def _content_chunks(events: int) -> int:
    """How many of the first ``events`` events carry ``delta.content`` (the check every runner must pass)."""
    payloads = [json.loads(data) for data in _corpus.expected_data(events)[:-1]]
    return sum(1 for p in payloads if p["choices"] and p["choices"][0]["delta"].get("content") is not None)


RUNNERS = {"openai": run_openai, "sseparse (httpx2)": run_sseparse_httpx2, "sseparse (bytes)": run_sseparse_bytes}


@pytest.mark.parametrize("name", list(RUNNERS))
def test_typed_chunks(benchmark: Any, name: str) -> None:
    """Iterate the corpus as typed chat-completion chunks (one read per event)."""
    if benchmark.disabled:
        events = _corpus.SMOKE_EVENTS
    else:
        _corpus.check_pins()
        events = _corpus.CORPUS_EVENTS
    chunks = _corpus.reads("event", events)
    benchmark.group = "typed chunks, event reads"
    benchmark.extra_info.update(stream=name, chunks=events - 1)

    content_chunks = benchmark(RUNNERS[name], chunks)

    assert content_chunks == _content_chunks(events)
    if not benchmark.disabled:
        _MEDIANS[name] = benchmark.stats.stats.median


def test_ratio_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """After a measuring run, print chunks/s and sseparse's ratio over openai's Stream (no-op when disabled)."""
    if "openai" not in _MEDIANS:
        return  # the smoke run (--benchmark-disable) measures nothing
    chunks = _corpus.CORPUS_EVENTS - 1
    with capsys.disabled():
        print("\ntyped chunk iteration (chunks/s, medians; ratio = sseparse / openai Stream):")
        for name, median in _MEDIANS.items():
            ratio = _MEDIANS["openai"] / median
            print(f"  {name:20} {chunks / median / 1e3:8,.1f}k chunks/s  {ratio:5.2f}x")
        ratio = _MEDIANS["openai"] / _MEDIANS.get("sseparse (httpx2)", float("inf"))
        print(f"  target >= {TARGET}x over the same MockTransport: {'met' if ratio >= TARGET else 'NOT MET'} ({ratio:.2f}x)")
