"""Accumulation: bytes -> final chat completion, sseparse against openai-python, and linear cost.

Paths timed on the 20k-chunk corpus of ``baselines.md`` (``_corpus.py``), delivered in network reads:

- ``sseparse``: ``sseparse.accumulate(chunks).final`` with the JSON backend chosen automatically
  (orjson where installed);
- ``sseparse (stdlib)``, ``sseparse (orjson)``, ``sseparse (jiter)``: the same with each JSON backend
  forced (`sseparse.use_json_backend`), side by side;
- ``openai``: what openai-python does: ``SSEDecoder().iter_bytes``, ``ChatCompletionChunk.model_validate``
  of each ``json.loads``-ed chunk, ``ChatCompletionStreamState.handle_chunk``, ``get_final_completion()``;
- ``json.loads bound``: ``json.loads`` of each chunk's data (already split out), nothing else; and
  ``orjson.loads bound`` / ``jiter bound``, the same loop with those parsers.

The same for Anthropic Messages, on the corpus's texts as an Anthropic stream (``_corpus.anthropic_reads``,
one ``text_delta`` per chunk, network reads): ``sseparse.accumulate(chunks).final`` against what
anthropic-sdk-python's ``MessageStream`` does: its ``SSEDecoder().iter_bytes``, each event's JSON built
into a ``RawMessageStreamEvent`` as its client does (``construct_type``), and ``accumulate_event``.

Targets (``benchmarks/conftest.py`` prints them with the decoder's): sseparse >= 15x openai;
with orjson >= 2.0x the ``json.loads`` loop, with the standard library only >= 0.8x that loop.
Linear cost: one tool call streamed in 100k argument fragments costs about 10x what 10k fragments
cost (not 100x).

With ``--benchmark-disable`` (the default) every case runs once on a small slice (500 chunks, 1k and
10k fragments) as a smoke test. ``test_zz_report`` prints the ratios of a measuring run.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import sseparse
from benchmarks import _corpus
from benchmarks._report import report_ratios

GROUP = "accumulate: bytes -> final chat.completion (20k chunks, network reads)"
ANTHROPIC_GROUP = "accumulate: bytes -> final Anthropic message (20k text deltas, network reads)"
FRAGMENTS_GROUP = "accumulate: one tool call in N argument fragments"


def _openai_final(chunks: tuple[bytes, ...]) -> Any:
    from openai._streaming import SSEDecoder
    from openai.lib.streaming.chat import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk

    state: Any = ChatCompletionStreamState()
    for sse in SSEDecoder().iter_bytes(iter(chunks)):
        if sse.data.startswith("[DONE]"):
            break
        state.handle_chunk(ChatCompletionChunk.model_validate(json.loads(sse.data)))
    return state.get_final_completion()


def _sseparse_final(chunks: tuple[bytes, ...]) -> dict[str, Any]:
    return sseparse.accumulate(chunks).final


def _bound(loads: Any) -> Any:
    def run(datas: list[str]) -> int:
        # Each value is dropped at once, as an accumulator drops its chunks: keeping 20k dicts alive
        # would make the cyclic GC walk them again and again and slow the "bound" down several times.
        count = 0
        for data in datas:
            loads(data)
            count += 1
        return count

    return run


def _jiter_loads() -> Any:
    from jiter import from_json

    return lambda data: from_json(data.encode())


BOUNDS = {
    "json.loads bound": lambda: json.loads,
    "orjson.loads bound": lambda: __import__("orjson").loads,
    "jiter bound": _jiter_loads,
}
BACKENDS = {"sseparse": None, "sseparse (stdlib)": "stdlib", "sseparse (orjson)": "orjson", "sseparse (jiter)": "jiter"}


@pytest.fixture
def _backend_restored() -> Any:
    yield
    sseparse.use_json_backend(None)


def _size(benchmark: Any) -> int:
    if benchmark.disabled:
        return _corpus.SMOKE_EVENTS
    _corpus.check_pins()
    return _corpus.CORPUS_EVENTS


@pytest.mark.usefixtures("_backend_restored")
@pytest.mark.parametrize("path", [*BACKENDS, "openai", *BOUNDS])
def test_accumulate_corpus(benchmark: Any, path: str) -> None:
    """Bytes -> final chat completion on the corpus, with each JSON backend (or a JSON-only floor)."""
    events = _size(benchmark)
    chunks = _corpus.reads("network", events)
    benchmark.group = GROUP
    benchmark.extra_info.update(accumulate=path, chunks=events - 1)
    if path in BACKENDS:
        backend = sseparse.use_json_backend(BACKENDS[path])
        benchmark.extra_info["json_backend"] = backend
        final = benchmark(_sseparse_final, chunks)
        assert final["choices"][0]["message"]["content"]
        if not benchmark.disabled:  # the smoke slice stops before the finish and usage chunks
            assert final["choices"][0]["finish_reason"] == "stop"
            assert final["usage"] is not None
    elif path == "openai":
        completion = benchmark(_openai_final, chunks)
        ours = sseparse.accumulate(chunks).final
        assert completion.choices[0].message.content == ours["choices"][0]["message"]["content"]
    else:
        datas = [d for d in _corpus.expected_data(events) if d != "[DONE]"]
        assert benchmark(_bound(BOUNDS[path]()), datas) == events - 1


def _anthropic_final(chunks: tuple[bytes, ...]) -> Any:
    from anthropic._models import construct_type
    from anthropic._streaming import SSEDecoder
    from anthropic.lib.streaming._messages import accumulate_event
    from anthropic.types import RawMessageStreamEvent

    snapshot: Any = None
    buffers: dict[int, bytes] = {}
    for sse in SSEDecoder().iter_bytes(iter(chunks)):
        if sse.event == "ping" or not sse.data:
            continue
        event: Any = construct_type(type_=RawMessageStreamEvent, value=json.loads(sse.data))
        snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=buffers)
    return snapshot


@pytest.mark.parametrize("path", ["sseparse", "anthropic"])
def test_accumulate_anthropic(benchmark: Any, path: str) -> None:
    """Bytes -> final Anthropic message: sseparse against anthropic-sdk-python's MessageStream path."""
    events = _size(benchmark)
    chunks = _corpus.anthropic_reads(events)
    benchmark.group = ANTHROPIC_GROUP
    benchmark.extra_info.update(accumulate_anthropic=path)
    ours = sseparse.accumulate(chunks)
    assert ours.end == "complete"
    assert ours.text
    if path == "sseparse":
        final = benchmark(_sseparse_final, chunks)
        assert final["content"][0]["text"] == ours.text
    else:
        pytest.importorskip("anthropic")
        message = benchmark(_anthropic_final, chunks)
        assert message.content[0].text == ours.text
        assert message.stop_reason == "end_turn"


def tool_call_stream(fragments: int) -> bytes:
    """One tool call whose arguments arrive in ``fragments`` deltas, then ``[DONE]``."""
    head = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":'
    tail = b',"finish_reason":null}]}\n\n'
    out = [
        head
        + b'{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"v\\": \\""}}]}'
        + tail
    ]
    piece = head + b'{"tool_calls":[{"index":0,"function":{"arguments":"ab"}}]}' + tail
    out.extend([piece] * fragments)
    out.append(head + b'{"tool_calls":[{"index":0,"function":{"arguments":"\\"}"}}]}' + tail)
    out.append(head + b'{},"finish_reason":"tool_calls"}]}\n\n')
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def _arguments(body: bytes) -> int:
    result = sseparse.accumulate(body)
    return len(result.tool_calls[0].json()["v"])


@pytest.mark.parametrize("fragments", [10_000, 100_000])
def test_tool_call_fragments(benchmark: Any, fragments: int) -> None:
    """A tool call in N argument fragments: the time must grow linearly with N."""
    if benchmark.disabled:
        fragments //= 10
    body = tool_call_stream(fragments)
    benchmark.group = FRAGMENTS_GROUP
    benchmark.extra_info.update(fragments=fragments)
    assert benchmark(_arguments, body) == 2 * fragments


def _times(benchmarks: list[Any], stat: str) -> dict[str, float]:
    """``{path: seconds}`` of this module's benchmarks, by ``stat`` (median or min)."""
    times: dict[str, float] = {}
    for bench in benchmarks:
        if bench and "accumulate" in bench.extra_info:
            times[bench.extra_info["accumulate"]] = getattr(bench.stats, stat)
        elif bench and "accumulate_anthropic" in bench.extra_info:
            times[f"anthropic: {bench.extra_info['accumulate_anthropic']}"] = getattr(bench.stats, stat)
        elif bench and "fragments" in bench.extra_info:
            times[f"fragments {bench.extra_info['fragments']}"] = getattr(bench.stats, stat)
    return times


ACCUMULATE_TARGETS = {"sseparse (orjson)": 2.0, "sseparse (stdlib)": 0.8}  # x the json.loads loop (issue 18)


def _ratios(times: dict[str, float]) -> list[str]:
    lines = []
    if {"sseparse", "openai"} <= times.keys():
        lines.append(f"{times['openai'] / times['sseparse']:.1f}x openai's decoder + ChatCompletionStreamState (target >= 15x)")
    for path in BACKENDS:
        if {path, "json.loads bound"} <= times.keys():
            need = ACCUMULATE_TARGETS.get(path)
            wanted = f" (target >= {need}x)" if need else ""
            lines.append(f"{path}: {times['json.loads bound'] / times[path]:.2f}x the json.loads loop's speed{wanted}")
    if {"anthropic: sseparse", "anthropic: anthropic"} <= times.keys():
        ratio = times["anthropic: anthropic"] / times["anthropic: sseparse"]
        lines.append(f"Anthropic: {ratio:.1f}x anthropic's decoder + accumulate_event (MessageStream's path)")
    if {"fragments 10000", "fragments 100000"} <= times.keys():
        lines.append(
            f"100k fragments cost {times['fragments 100000'] / times['fragments 10000']:.1f}x 10k fragments (linear: ~10x)"
        )
    return lines


def test_zz_report(request: pytest.FixtureRequest) -> None:
    """After a measuring run: print sseparse's ratios against openai and the json.loads bound, and the 100k/10k cost ratio."""
    report_ratios(request, "accumulate", lambda benchmarks, stat: _ratios(_times(benchmarks, stat)))
