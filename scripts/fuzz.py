"""Long-running fuzzing of sseparse's byte-facing code, outside CI (see docs/fuzzing.md).

Usage::

    python scripts/fuzz.py                               # atheris if installed, else Hypothesis
    python scripts/fuzz.py --engine atheris -- -max_total_time=600 fuzz-corpus/
    python scripts/fuzz.py --engine hypothesis --examples 200000

Three targets take the same input bytes:

- ``decoder``: the bytes, split into chunks by a seed taken from the input, go through `SSEDecoder`
  on the fast and the general path and with ``dispatch_incomplete``; the events must be the same
  as with the whole input in one chunk, and nothing may raise.
- ``accumulate``: `sseparse.accumulate` of the bytes, for every format and for detection, must
  return a result (it never raises on stream content).
- ``captures``: `sseparse.captures.read` may raise only `CaptureError` /
  `MissingDependencyError`; `analyse` of each response found must not raise.

Inputs are long as well as short: runs of up to 200,000 digits or brackets, LLM-shaped events with
hostile values (integers of up to 100,000 digits, nesting up to 100,000 deep, NaN, lone surrogates)
and ``retry`` fields of any length; atheris gets ``-max_len=1048576`` unless told otherwise.

With atheris (``pip install atheris``: coverage-guided, libFuzzer) every libFuzzer option after
``--`` is passed on; a crash leaves a ``crash-*`` file to replay with ``python scripts/fuzz.py
--replay crash-...``. Without atheris, Hypothesis runs each target for ``--examples`` examples.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sseparse import (  # noqa: E402
    SSEDecoder,
    accumulate,
    captures,
)
from sseparse.accumulators import formats  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable


def _chunks(data: bytes) -> list[bytes]:
    """Split ``data`` by a seed read from its own first bytes (so a crash file replays exactly)."""
    rng = random.Random(data[:8])  # noqa: S311 - not cryptography
    cuts = sorted(rng.randint(0, len(data)) for _ in range(rng.randint(0, min(len(data), 64))))
    edges = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def _decode(chunks: list[bytes], **options: object) -> list[tuple[str, str, str, int | None]]:
    decoder = SSEDecoder(**options)  # type: ignore[arg-type]  # only known keyword options
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    events += decoder.close()
    return [(e.event, e.data, e.id, e.retry) for e in events]


def fuzz_decoder(data: bytes) -> None:
    """Any bytes in any chunking: no exception, the same events as in one chunk, on both paths."""
    whole = _decode([data])
    chunks = _chunks(data)
    for options in ({}, {"diagnostics": True}):
        got = _decode(chunks, **options)
        if got != whole:
            msg = f"chunking changed the events ({options}): {chunks!r}\n{whole!r}\n{got!r}"
            raise AssertionError(msg)
    incomplete = _decode(chunks, dispatch_incomplete=True)
    if incomplete[: len(whole)] != whole:
        msg = f"dispatch_incomplete changed the complete events: {chunks!r}"
        raise AssertionError(msg)


def fuzz_accumulate(data: bytes) -> None:
    """accumulate() of any bytes returns a result for every format."""
    for wire_format in (None, *formats()):
        result = accumulate(_chunks(data), format=wire_format)
        str(result.end)  # a result with an end, whatever the bytes


def fuzz_captures(data: bytes) -> None:
    """read() raises only CaptureError / MissingDependencyError; analyse() raises nothing."""
    try:
        responses = captures.read(data)
    except (captures.CaptureError, captures.MissingDependencyError):
        return
    for response in responses:
        captures.analyse(response, check=True)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "decoder": fuzz_decoder,
    "accumulate": fuzz_accumulate,
    "captures": fuzz_captures,
}


def _run_all(data: bytes, names: list[str]) -> None:
    for name in names:
        TARGETS[name](data)


def run_atheris(names: list[str], libfuzzer_args: list[str]) -> int:
    """Run the targets under atheris (coverage-guided)."""
    import atheris  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: PLC0415

    atheris.instrument_all()  # coverage feedback from every function loaded so far, sseparse's included
    if not any(arg.startswith("-max_len=") for arg in libfuzzer_args):
        # libFuzzer's default (4096 bytes) stays below Python's 4300-digit int limit and the recursion
        # limit's worth of brackets: let inputs grow to 1 MiB so those families are reachable.
        libfuzzer_args = [f"-max_len={MAX_LEN}", *libfuzzer_args]
    atheris.Setup([sys.argv[0], *libfuzzer_args], lambda data: _run_all(data, names))
    atheris.Fuzz()
    return 0  # pragma: no cover - atheris.Fuzz() exits the process


MAX_LEN = 1 << 20  # atheris inputs up to 1 MiB (libFuzzer's -max_len; pass your own to change it)

# Long runs reach the limits short random bytes never do: integers far beyond Python's 4300-digit
# conversion limit, nesting far beyond the recursion limit, retry values of any size, huge lines.
_RUN_UNITS = (b"9", b"0", b"[", b"]", b'{"a":', b"}", b"x", b"\\ud800", b"data: ", b"\n")
_HOSTILE_VALUES = (b"NaN", b"-Infinity", b"1e999", b'"\\ud800"', b"[]", b"{}", b"null", b'"x"', b"-1", b"1.5")
_PAYLOAD_SHAPES = (
    b'{"choices":[{"index":%s,"delta":{"content":"a","tool_calls":[{"index":%s,"function":{"arguments":"{}"}}]}}]}',
    b'{"object":%s,"choices":%s}',
    b'{"type":"content_block_delta","index":%s,"delta":{"type":"text_delta","text":%s}}',
    b'{"type":"response.output_text.delta","output_index":%s,"content_index":%s,"delta":"a"}',
    b'{"candidates":[{"index":%s,"content":{"parts":[{"functionCall":{"name":"f","partialArgs":[{"jsonPath":"$.a[%s]","numberValue":1}]}}]}}]}',
    b'{"error":%s,"type":%s}',
)


def _runs() -> st.SearchStrategy[bytes]:
    return st.tuples(st.sampled_from(_RUN_UNITS), st.integers(1, 200_000)).map(lambda unit_count: unit_count[0] * unit_count[1])


def _hostile_value() -> st.SearchStrategy[bytes]:
    deep = st.integers(1, 100_000).map(lambda n: b"[" * n + b"]" * n)
    digits = st.integers(1, 100_000).map(lambda n: b"9" * n)
    return st.one_of(st.sampled_from(_HOSTILE_VALUES), deep, digits)


def _hostile_events() -> st.SearchStrategy[bytes]:
    """LLM-shaped events with hostile values in their slots, and retry fields of any length."""
    payload = st.tuples(st.sampled_from(_PAYLOAD_SHAPES), _hostile_value(), _hostile_value()).map(
        lambda parts: b"data: " + parts[0] % (parts[1], parts[2]) + b"\n\n"
    )
    retry = st.integers(1, 100_000).map(lambda n: b"retry: " + b"7" * n + b"\ndata: x\n\n")
    return st.lists(st.one_of(payload, retry), min_size=1, max_size=4).map(b"".join)


def run_hypothesis(names: list[str], examples: int, seed: int | None) -> int:
    """Run each target for ``examples`` Hypothesis examples; print the result."""
    tokens = [
        b"data:",
        b"data: ",
        b"event:",
        b"id:",
        b"retry:",
        b":",
        b" ",
        b"\r",
        b"\n",
        b"\r\n",
        b"\xef\xbb\xbf",
        b"\xff",
        b"{",
        b"}",
    ]
    tokens += [b'"type"', b'"choices"', b'"delta"', b"[DONE]", b"HTTP/1.1 200 OK\r\n", b"content-type: text/event-stream\r\n"]
    inputs = st.one_of(
        st.binary(max_size=512),
        st.lists(st.one_of(st.sampled_from(tokens), st.binary(max_size=6)), max_size=80).map(b"".join),
        st.lists(st.one_of(st.sampled_from(tokens), _runs()), max_size=12).map(b"".join),
        _hostile_events(),
    )
    failures = 0
    for name in names:
        target = TARGETS[name]
        start = time.perf_counter()

        run = given(inputs)(target)
        run = settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))(run)
        if seed is not None:
            run = hypothesis_seed(seed)(run)
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - report and go on with the next target
            failures += 1
            print(f"{name}: FAILED after {time.perf_counter() - start:.0f} s: {type(exc).__name__}: {exc}")
        else:
            print(f"{name}: {examples} examples, no failure ({time.perf_counter() - start:.0f} s)")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and fuzz."""
    args_in = sys.argv[1:] if argv is None else argv
    ours, libfuzzer_args = (
        (args_in[: args_in.index("--")], args_in[args_in.index("--") + 1 :]) if "--" in args_in else (args_in, [])
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="default: all")
    parser.add_argument("--examples", type=int, default=100_000, help="Hypothesis examples per target")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed")
    parser.add_argument("--replay", type=Path, help="run the targets once on this file (a crash input)")
    args = parser.parse_args(ours)
    names = args.target or list(TARGETS)
    if args.replay is not None:
        _run_all(args.replay.read_bytes(), names)
        print("no failure")
        return 0
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # type: ignore[import-not-found,import-untyped,unused-ignore]  # noqa: F401, PLC0415
        except ImportError:
            engine = "hypothesis"
        else:
            engine = "atheris"
    if engine == "atheris":
        return run_atheris(names, libfuzzer_args)
    return run_hypothesis(names, args.examples, args.seed)


if __name__ == "__main__":
    raise SystemExit(main())
