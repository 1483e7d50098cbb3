"""Conformance checking for any SSE decoder: the bundled corpus, fed under many chunkings.

    >>> from sseparse import SSEDecoder
    >>> from sseparse.testing import check_decoder
    >>> report = check_decoder(SSEDecoder)
    >>> report.ok
    True

`check_decoder` runs every case of the corpus that ships with sseparse (``sseparse/_data/sse-cases.json``,
schema in ``docs/corpus-schema.md``) through a decoder under several chunkings -- whole, one byte at
a time, the chunking a case gives, and seeded random ones -- and compares the events it dispatches
with the expected ones. `assert_conforms` is the same for test suites: it raises `AssertionError`
with a readable summary, and the ``sse_conformance`` pytest fixture (`sseparse.pytest_plugin`) makes
that a one-liner in a test suite.

The decoder under test only needs this shape (no sseparse types involved)::

    make_decoder(last_event_id="...")  ->  an object with
        feed(data: bytes) -> iterable of event-likes
        close()           -> iterable of event-likes
    an event-like has the attributes event (str), data (str), id (str), retry (int | None)

Rule: the checker never crashes because the decoder under test misbehaves. Whatever the decoder
raises (`Exception` subclasses) is recorded as a failure of that run and the next run goes on.

`ReplayServer` and `replay_transport` test the code that *consumes* a stream, through the HTTP client
it really uses: they replay bytes or a capture with faults (chunkings, cuts, stalls, HTTP error
statuses, error events), and record the requests. See "Test your application" in docs/testing.md.

This module uses the standard library only (random chunkings come from `random.Random`; the replay
server is ``http.server``, and httpx is imported by `replay_transport` only), so it works without the
``testing`` extra.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from sseparse._lines import interesting_cuts
from sseparse._replay import ReplayRequest, ReplayServer, ReplayTransports, replay_transport

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "CHUNKINGS",
    "ConformanceReport",
    "Failure",
    "ReplayRequest",
    "ReplayServer",
    "ReplayTransports",
    "assert_conforms",
    "check_decoder",
    "load_corpus",
    "replay_transport",
]

#: The named chunkings `check_decoder` knows, besides the seeded random ones.
CHUNKINGS = ("whole", "one-byte", "given")

_CORPUS_FILE = "sse-cases.json"
_RULE = re.compile(r"R\d+(?:\.\d+)*")  # tags naming a rule of SSE-RULES.md / docs/conformance.md
_MISSING = "<missing>"


class DecoderLike(Protocol):
    """What `check_decoder` needs from a decoder: ``feed`` and ``close`` returning event-likes."""

    def feed(self, data: bytes, /) -> Iterable[Any]: ...
    def close(self) -> Iterable[Any]: ...


#: An event as the checker compares it: (event, data, id, retry).
EventTuple = tuple[object, object, object, object]


@dataclass(frozen=True, slots=True)
class Failure:
    """One run of one case that did not give the expected result.

    ``case``         the case name (see `ConformanceReport.cases`).
    ``chunking``     ``"whole"``, ``"one-byte"``, ``"given"`` or ``"random-N"``.
    ``chunk_sizes``  the sizes of the chunks fed, to reproduce the run.
    ``aspect``       what differed: ``"events"``, ``"last_event_id"`` (the decoder's final
                     ``last_event_id``), ``"retry"`` (its final ``retry``) or ``"error"`` (it raised).
    ``expected``     the expected value of that aspect (events as ``(event, data, id, retry)``).
    ``got``          what the decoder gave (for ``"error"``: the events dispatched before it raised).
    ``error``        ``"ExceptionType: message"`` when the decoder raised, else None.
    ``tags``         the case's tags; ``ambiguous`` is true when the spec leaves room there.
    """

    case: str
    chunking: str
    chunk_sizes: tuple[int, ...]
    aspect: str
    expected: object
    got: object
    error: str | None = None
    tags: tuple[str, ...] = ()
    ambiguous: bool = False

    def describe(self) -> str:
        """Say in a few lines what went wrong, with the chunking to reproduce it."""
        sizes = _sizes_text(self.chunk_sizes)
        head = f"{self.case} [{self.chunking}, chunk sizes {sizes}]"
        if self.error is not None:
            return f"{head}\n    raised {self.error}\n    expected: {_short(self.expected)}\n    before:   {_short(self.got)}"
        label = {"events": "", "last_event_id": " (final last_event_id)", "retry": " (final retry)"}[self.aspect]
        return f"{head}{label}\n    expected: {_short(self.expected)}\n    got:      {_short(self.got)}"


@dataclass(slots=True)
class ConformanceReport:
    """The outcome of `check_decoder`.

    ``ok``         true when every case passed under every chunking (differences on cases the
                   corpus flags as ``ambiguous`` do not count unless ``strict=True`` was given).
    ``passed``     names of the cases that passed under every chunking.
    ``failed``     one `Failure` per failing run (a case can fail under several chunkings).
    ``ambiguous``  failures on ``ambiguous`` cases, reported but not counted (empty with ``strict``).
    ``cases``      every case name checked, in corpus order; ``runs`` how many runs there were.
    """

    cases: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    ambiguous: list[Failure] = field(default_factory=list)
    runs: int = 0
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    inputs: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    @property
    def failed_cases(self) -> list[str]:
        """Names of the failing cases, in corpus order."""
        names = {failure.case for failure in self.failed}
        return [name for name in self.cases if name in names]

    def by_tag(self) -> dict[str, list[str]]:
        """Group the failing case names by corpus tag, rule tags (``R5``) included.

        A case with two tags is in both groups; the largest groups come first.
        """
        groups: dict[str, list[str]] = {}
        for name in self.failed_cases:
            for tag in self.tags.get(name) or ("untagged",):
                groups.setdefault(tag, []).append(name)
        return dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])))

    def summary(self, *, max_cases: int = 20) -> str:
        """Return a readable account: counts, failing cases by tag, then the first failure of each case."""
        total = len(self.cases)
        failing = self.failed_cases
        counts = f"{len(failing)} failed; {self.runs} runs, {len(self.failed)} failed"
        lines = [f"{len(self.passed)} of {total} conformance cases passed ({counts})"]
        if failing:
            groups = self.by_tag()
            rules = {tag: names for tag, names in groups.items() if _RULE.fullmatch(tag)}
            for title, group in (("rule", rules), ("tag", {t: n for t, n in groups.items() if t not in rules})):
                if group:
                    lines.append("")
                    lines.append(f"Failing cases by {title}:")
                    for tag, names in group.items():
                        shown = ", ".join(names[:8]) + (f", ... ({len(names) - 8} more)" if len(names) > 8 else "")
                        lines.append(f"  {tag} ({len(names)}): {shown}")
            lines.append("")
            lines.append("First failure of each case (events are (event, data, id, retry)):")
            first: dict[str, Failure] = {}
            for failure in self.failed:
                first.setdefault(failure.case, failure)
            for name in failing[:max_cases]:
                failure = first[name]
                lines.append(f"- {failure.describe()}")
                lines.append(f"    input:    {_escape(self.inputs.get(name, b''))}")
            if len(failing) > max_cases:
                lines.append(f"... and {len(failing) - max_cases} more failing cases")
        if self.ambiguous:
            names = sorted({failure.case for failure in self.ambiguous})
            lines.append("")
            lines.append(f"Differs on {len(names)} case(s) where the spec is ambiguous (not counted): {', '.join(names)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


# -- the corpus -------------------------------------------------------------------------------------


def load_corpus(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Return the cases of a corpus file (the bundled ``sse-cases.json`` by default).

    Each case is a dict in the schema of ``docs/corpus-schema.md``. Filter the list and pass it to
    `check_decoder` as ``cases=`` to check a subset.
    """
    if path is None:
        text = (resources.files("sseparse") / "_data" / _CORPUS_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    cases = json.loads(text)
    if not isinstance(cases, list):
        msg = f"a corpus is a JSON list of cases, not {type(cases).__name__}"
        raise TypeError(msg)
    return cases


@dataclass(frozen=True, slots=True)
class _Case:
    name: str
    data: bytes
    chunks: list[bytes] | None
    initial_last_event_id: str
    expected: list[EventTuple]
    final_last_event_id: str | None
    final_retry: int | None
    tags: tuple[str, ...]
    ambiguous: bool

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> _Case:
        try:
            name = raw["name"]
            data = base64.b64decode(raw["input_b64"], validate=True)
            expected = [(e["event"], e["data"], e["id"], e["retry"]) for e in raw["expected"]]
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"not a corpus case (needs name, input_b64 and expected): {raw!r:.200}"
            raise ValueError(msg) from exc
        chunks = None
        if raw.get("chunks_b64") is not None:
            chunks = [base64.b64decode(chunk, validate=True) for chunk in raw["chunks_b64"]]
            if b"".join(chunks) != data:
                msg = f"case {name!r}: chunks_b64 does not concatenate to input_b64"
                raise ValueError(msg)
        updates = raw.get("expected_retry_updates")
        return cls(
            name=name,
            data=data,
            chunks=chunks,
            initial_last_event_id=raw.get("initial_last_event_id") or "",
            expected=expected,
            final_last_event_id=raw.get("expected_final_last_event_id"),
            final_retry=updates[-1] if updates else None,
            tags=tuple(raw.get("tags") or ()),
            ambiguous=bool(raw.get("ambiguous")),
        )


# -- chunkings --------------------------------------------------------------------------------------


def _split_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    points = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(points)]


def _random_chunking(data: bytes, rng: random.Random) -> list[bytes]:
    """One random way to split ``data`` (possibly with empty chunks), drawn from ``rng``."""
    n = len(data)
    if n == 0:
        return [b""] * rng.randint(1, 3)
    style = rng.randrange(4)
    if style == 0:  # small reads of 0..4 bytes, as a slow or adversarial transport gives
        cuts: list[int] = []
        pos = 0
        while pos < n and len(cuts) < 4096:  # bound the work on long cases
            pos += rng.choice((0, 1, 1, 2, 3, 4))
            cuts.append(min(pos, n))
        return _split_at(data, cuts)
    if style == 1:  # a few random cuts anywhere
        return _split_at(data, [rng.randint(0, n) for _ in range(rng.randint(1, 8))])
    if style == 2:  # cuts at boundary-sensitive positions
        interesting = interesting_cuts(data) or [n // 2]
        return _split_at(data, rng.sample(interesting, min(len(interesting), rng.randint(1, 16))))
    size = rng.randint(1, max(1, min(n, 64)))  # fixed-size reads
    return [data[i : i + size] for i in range(0, n, size)]


def _chunkings_for(case: _Case, names: Sequence[str], random_count: int, seed: int) -> list[tuple[str, list[bytes]]]:
    out: list[tuple[str, list[bytes]]] = []
    for name in names:
        if name == "whole":
            out.append((name, [case.data]))
        elif name == "one-byte":
            out.append((name, [case.data[i : i + 1] for i in range(len(case.data))]))
        elif name == "given" and case.chunks is not None:
            out.append((name, list(case.chunks)))
    # A string seed is hashed deterministically (not with the per-process str hash), so every run
    # and machine gets the same chunkings, and adding a case changes no other case's chunkings.
    rng = random.Random(f"{seed}:{case.name}")  # noqa: S311 - test data, not cryptography
    out.extend((f"random-{i}", _random_chunking(case.data, rng)) for i in range(random_count))
    return out


# -- running ----------------------------------------------------------------------------------------


def _as_tuple(event: object) -> EventTuple:
    return (
        getattr(event, "event", _MISSING),
        getattr(event, "data", _MISSING),
        getattr(event, "id", _MISSING),
        getattr(event, "retry", _MISSING),
    )


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:297] + "..."


def _run(make_decoder: Callable[..., DecoderLike], case: _Case, chunking: str, chunks: list[bytes]) -> Failure | None:
    """Feed one case in one chunking; return the first difference (or None)."""
    sizes = tuple(len(chunk) for chunk in chunks)
    got: list[EventTuple] = []

    def failure(aspect: str, expected: object, got_value: object, error: str | None = None) -> Failure:
        return Failure(case.name, chunking, sizes, aspect, expected, got_value, error, case.tags, case.ambiguous)

    try:
        decoder = make_decoder(last_event_id=case.initial_last_event_id)
        for chunk in chunks:
            got.extend(_as_tuple(event) for event in decoder.feed(chunk))
        got.extend(_as_tuple(event) for event in decoder.close())
    except Exception as exc:  # noqa: BLE001 - the decoder under test may raise anything: that is a finding
        return failure("error", case.expected, got, _error_text(exc))
    if got != case.expected:
        return failure("events", case.expected, got)
    # Connection state, when the decoder exposes it under the names sseparse uses.
    final_id = getattr(decoder, "last_event_id", _MISSING)
    if final_id is not _MISSING and case.final_last_event_id is not None and final_id != case.final_last_event_id:
        return failure("last_event_id", case.final_last_event_id, final_id)
    # The initial retry is the decoder's business (None, 3000...); after a valid retry it is not.
    final_retry = getattr(decoder, "retry", _MISSING)
    if final_retry is not _MISSING and case.final_retry is not None and final_retry != case.final_retry:
        return failure("retry", case.final_retry, final_retry)
    return None


def check_decoder(  # noqa: PLR0913
    make_decoder: Callable[..., DecoderLike],
    *,
    cases: Iterable[dict[str, Any]] | str | Path | None = None,
    chunkings: Sequence[str] = CHUNKINGS,
    random_chunkings: int = 8,
    seed: int = 0,
    strict: bool = False,
) -> ConformanceReport:
    """Run the conformance corpus through a decoder and report what differs.

    ``make_decoder``      called as ``make_decoder(last_event_id="...")`` once per run (the id is
                          ``""`` unless the case models a reconnection); returns an object whose
                          ``feed(bytes)`` and ``close()`` return iterables of event-likes with
                          ``event``, ``data``, ``id`` and ``retry`` attributes. If the decoder also
                          exposes ``last_event_id`` or ``retry``, their final values are checked too.
    ``cases``             the cases to run: a list of case dicts (see `load_corpus`) or the path of
                          a corpus file; the corpus bundled with sseparse by default.
    ``chunkings``         named chunkings to run each case under: ``"whole"`` (one chunk),
                          ``"one-byte"`` and ``"given"`` (the chunking a case specifies, if any).
    ``random_chunkings``  how many extra random chunkings per case (empty chunks, tiny reads, cuts
                          around CR/LF, the BOM and multibyte characters).
    ``seed``              seeds the random chunkings; the same seed gives the same runs.
    ``strict``            count differences on cases flagged ``ambiguous`` as failures.

    Exceptions raised by the decoder are recorded as failures, never propagated.
    """
    unknown = [name for name in chunkings if name not in CHUNKINGS]
    if isinstance(chunkings, str) or unknown:
        msg = f"chunkings must be a sequence of names from {CHUNKINGS}, got {chunkings!r}"
        raise ValueError(msg)
    if isinstance(random_chunkings, bool) or not isinstance(random_chunkings, int) or random_chunkings < 0:
        msg = f"random_chunkings must be a non-negative int, not {random_chunkings!r}"
        raise ValueError(msg)
    if not callable(cast("object", make_decoder)):  # for callers without a type checker
        msg = f"make_decoder must be callable (a class or factory), not {make_decoder!r}"
        raise TypeError(msg)
    raw_cases = load_corpus(cases) if cases is None or isinstance(cases, (str, Path)) else list(cases)
    parsed = [_Case.parse(raw) for raw in raw_cases]
    if not parsed:
        msg = "no cases to check"
        raise ValueError(msg)
    report = ConformanceReport()
    for case in parsed:
        report.cases.append(case.name)
        report.tags[case.name] = case.tags
        report.inputs[case.name] = case.data
        case_ok = True
        for name, chunks in _chunkings_for(case, chunkings, random_chunkings, seed):
            report.runs += 1
            failure = _run(make_decoder, case, name, chunks)
            if failure is None:
                continue
            if case.ambiguous and not strict:
                report.ambiguous.append(failure)
            else:
                case_ok = False
                report.failed.append(failure)
        if case_ok:
            report.passed.append(case.name)
    return report


def assert_conforms(make_decoder: Callable[..., DecoderLike], **options: Any) -> ConformanceReport:  # noqa: ANN401
    """`check_decoder`, raising `AssertionError` with the report's summary when anything fails.

    Keyword options are those of `check_decoder`. Returns the report when the decoder conforms.
    """
    report = check_decoder(make_decoder, **options)
    if not report.ok:
        raise AssertionError("the decoder does not conform to the SSE rules:\n" + report.summary())
    return report


# -- formatting -------------------------------------------------------------------------------------


def _escape(data: bytes, limit: int = 120) -> str:
    text = "".join(
        {10: "\\n", 13: "\\r", 9: "\\t", 92: "\\\\"}.get(b, chr(b) if 32 <= b < 127 else f"\\x{b:02x}") for b in data[: limit + 1]
    )
    return text[:limit] + "..." if len(data) > limit else text


def _short(value: object, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _sizes_text(sizes: tuple[int, ...]) -> str:
    if len(sizes) <= 12:
        return str(list(sizes))
    return f"[{', '.join(map(str, sizes[:10]))}, ... {len(sizes)} chunks]"
