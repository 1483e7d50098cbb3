"""hypothesis[sseparse]: strategies for property-based tests of Server-Sent Events code.

Example::

    from hypothesis import given
    from sseparse.strategies import chunkings, sse_streams

    @given(sse_streams().flatmap(lambda pair: chunkings(pair[0]).map(lambda chunks: (chunks, pair[1]))))
    def test_my_decoder(case):
        chunks, expected = case
        ...  # feed the chunks to the decoder under test, compare with expected

- `sse_streams` gives wire bytes together with the events a conforming decoder must dispatch for
  them. The expected events come from the structure that was generated (which line is a field,
  which value it carries, where the blank lines are), interpreted by a small model of the WHATWG
  rules written here -- never by running sseparse's decoder on the bytes.
- `chunkings` gives the ways a transport could split some bytes into reads.
- `events` gives `ServerSentEvent` values a conforming decoder could dispatch.
- `llm_streams` gives an LLM provider's stream and what it must accumulate to.
- `faults` gives what a network and a provider can do to a stream (cuts, stalls, error statuses,
  error events, chunkings), ready for `sseparse.testing.ReplayServer`.

The modules behind this one, by concern: ``_sse`` (SSE streams, chunkings, events), ``_llm`` (LLM
provider streams and their expected results), ``_faults`` (faults for the replay server),
``_common`` (argument checks). This is the only
sseparse package that imports Hypothesis (the ``testing`` extra).
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401 - checked here once, so the message names the extra
except ImportError as exc:  # pragma: no cover - tested in a subprocess
    msg = 'sseparse.strategies needs Hypothesis: pip install "sseparse[testing]"'
    raise ImportError(msg, name="hypothesis") from exc

from sseparse.strategies._faults import FAULT_KINDS as FAULT_KINDS
from sseparse.strategies._faults import Fault, faults
from sseparse.strategies._llm import LLM_FORMATS as LLM_FORMATS
from sseparse.strategies._llm import ExpectedChoice, ExpectedResult, ExpectedToolCall, llm_streams
from sseparse.strategies._sse import BOM as BOM
from sseparse.strategies._sse import LINE_ENDINGS as LINE_ENDINGS
from sseparse.strategies._sse import chunkings, events, sse_streams

__all__ = [
    "ExpectedChoice",
    "ExpectedResult",
    "ExpectedToolCall",
    "Fault",
    "chunkings",
    "events",
    "faults",
    "llm_streams",
    "sse_streams",
]
