"""Decoder throughput: sseparse against its peers on the inputs of ``baselines.md``, in one run.

One benchmark per (decoder, read pattern), grouped by read pattern, so pytest-benchmark's tables and
the ratio summary printed by ``conftest.py`` compare like with like. Every benchmark also asserts the
number of events decoded, so a broken adapter fails instead of looking fast.

With ``--benchmark-disable`` (the default addopts) each case runs once on a small input (the first
500 chunks, a 256 KiB line) as a smoke test; with ``--benchmark-enable`` the full inputs are
measured. The quadratic peers (anthropic, sseclient-py) need about 20 s each for the 16 MiB line, and
1-byte reads of it take seconds even for linear decoders: those cases run once each (not
``--benchmark-min-rounds`` times), and only with ``SSEPARSE_BENCH_SLOW=1``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from benchmarks import _corpus
from benchmarks.peers import DECODERS

SLOW = os.environ.get("SSEPARSE_BENCH_SLOW", "") not in {"", "0"}
_SLOW_REASON = "about 20 s per round on the full input: set SSEPARSE_BENCH_SLOW=1 to run it"

LONG_LINE = [name for name, d in DECODERS.items() if d.long_lines]
LINEAR_LONG_LINE = [name for name in LONG_LINE if DECODERS[name].linear]
SMOKE_BYTE_READS_SIZE = 64 * 1024


def _describe(benchmark: Any, group: str, **info: str | int) -> None:
    """Name the group and record what the summary in conftest.py needs: decoder, pattern, events, bytes."""
    benchmark.group = group
    benchmark.extra_info.update(info)


@pytest.mark.parametrize("pattern", _corpus.PATTERNS)
@pytest.mark.parametrize("name", list(DECODERS))
def test_corpus(benchmark: Any, name: str, pattern: str) -> None:
    """Decode the chat-completion corpus delivered in ``pattern`` reads."""
    decoder = DECODERS[name]
    if benchmark.disabled:
        events = _corpus.SMOKE_EVENTS
    else:
        _corpus.check_pins()
        events = _corpus.CORPUS_EVENTS
    chunks = _corpus.reads(pattern, events)
    _describe(benchmark, f"corpus, {pattern} reads", decoder=name, pattern=pattern, events=events, bytes=sum(map(len, chunks)))

    result = benchmark(decoder.decode, chunks)

    assert len(result) == events


@pytest.mark.parametrize("name", LONG_LINE)
def test_long_line_256_byte_reads(benchmark: Any, name: str) -> None:
    """Decode one 16 MiB ``data:`` line fed in 256-byte reads (linear time shows here)."""
    decoder = DECODERS[name]
    size = _corpus.SMOKE_LONG_LINE_SIZE if benchmark.disabled else _corpus.LONG_LINE_SIZE
    slow = not decoder.linear and not benchmark.disabled
    if slow and not SLOW:
        pytest.skip(f"{name} is quadratic on a long line, {_SLOW_REASON}")
    chunks = _corpus.long_line_reads(size)
    _describe(benchmark, "16 MiB line, 256 B reads", decoder=name, pattern="line256", events=1, bytes=size)

    if slow:
        result = benchmark.pedantic(decoder.decode, (chunks,), rounds=1, iterations=1)
    else:
        result = benchmark(decoder.decode, chunks)

    [(_, data)] = decoder.pairs(result)
    assert len(data) == size


@pytest.mark.parametrize("name", LINEAR_LONG_LINE)
def test_long_line_1_byte_reads(benchmark: Any, name: str) -> None:
    """Decode the 16 MiB line fed one byte per read (optional: ``SSEPARSE_BENCH_SLOW=1``)."""
    decoder = DECODERS[name]
    if not benchmark.disabled and not SLOW:
        pytest.skip(f"16.8 million reads, {_SLOW_REASON}")
    size = SMOKE_BYTE_READS_SIZE if benchmark.disabled else _corpus.LONG_LINE_SIZE
    _describe(benchmark, "16 MiB line, 1 B reads", decoder=name, pattern="line1", events=1, bytes=size)

    # The reads are generated lazily (16 million references would not fit comfortably); the
    # generator's cost is the same for every decoder.
    result = benchmark.pedantic(lambda: decoder.decode(_corpus.long_line_byte_reads(size)), rounds=1, iterations=1)

    [(_, data)] = decoder.pairs(result)
    assert len(data) == size


@pytest.mark.parametrize("name", list(DECODERS))
def test_adapter_reads_the_corpus_right(name: str) -> None:
    """Every adapter returns the corpus's (event, data) pairs in every read pattern, so all decode the same thing."""
    expected = [("message", data) for data in _corpus.expected_data(_corpus.SMOKE_EVENTS)]
    for pattern in _corpus.PATTERNS:
        chunks = _corpus.reads(pattern, _corpus.SMOKE_EVENTS)
        assert DECODERS[name].pairs(DECODERS[name].decode(chunks)) == expected, pattern


SCALING_LINE_SIZES = (1 << 20, 1 << 21, 1 << 22, 1 << 23, 1 << 24)  # 1..16 MiB
SCALING_EVENTS = (2_500, 5_000, 10_000, 20_000)


@pytest.mark.parametrize("size", SCALING_LINE_SIZES)
@pytest.mark.parametrize("name", LINEAR_LONG_LINE)
def test_scaling_long_line(benchmark: Any, name: str, size: int) -> None:
    """Cost against size: one ``data:`` line of 1..16 MiB in 256-byte reads (linear: slope 1 on log-log)."""
    decoder = DECODERS[name]
    if benchmark.disabled:
        size //= 64
    chunks = _corpus.long_line_reads(size)
    _describe(benchmark, "scaling, long line in 256 B reads", decoder=name, pattern="scale-line", events=1, bytes=size, size=size)

    result = benchmark(decoder.decode, chunks)

    [(_, data)] = decoder.pairs(result)
    assert len(data) == size


@pytest.mark.parametrize("events", SCALING_EVENTS)
def test_scaling_corpus_network_reads(benchmark: Any, events: int) -> None:
    """Cost against size: sseparse on the first 2,500..20,000 corpus chunks in network reads."""
    decoder = DECODERS["sseparse"]
    if benchmark.disabled:
        events //= 50
    chunks = _corpus.reads("network", events)
    size = sum(map(len, chunks))
    _describe(
        benchmark,
        "scaling, corpus in network reads",
        decoder="sseparse",
        pattern="scale-corpus",
        events=events,
        bytes=size,
        size=size,
    )

    result = benchmark(decoder.decode, chunks)

    assert len(result) == events
