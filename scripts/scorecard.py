"""Measure the Python SSE decoders people use against sseparse's conformance corpus.

Usage::

    python scripts/scorecard.py                       # every peer that is installed, the whole corpus
    python scripts/scorecard.py --peers openai --tag R2 --output /tmp/scorecard.md

Runs `sseparse.testing.check_decoder` over each peer through a small adapter (below) and writes a
Markdown table -- cases passed, the rules and topics of the failing cases, a few failing case names
-- to ``docs/_generated/scorecard.md``, which ``docs/conformance.md`` includes. The table is only
ever written by this script; rerun it after changing the corpus or upgrading a peer.

Each adapter drives the peer the way its users do (the SDKs' ``SSEDecoder.iter_bytes``, httpx-sse
through a real ``httpx.Response``, ``sseclient.SSEClient`` over an iterable) and maps only the
peer's spelling of "no value" onto the spec's: an event type of None is ``"message"``, an id of
None is ``""``. Nothing else is normalised: sseclient-py's ``retry`` stays the string it reports.
The generator-based peers cannot be fed incrementally, so the adapters collect the chunks and run
the peer at ``close()``; every chunk still reaches the peer as a separate read. None of the peers
can be seeded with a previous last event ID, so the reconnection cases start them unseeded.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sseparse import SSEDecoder  # noqa: E402 - after the sys.path tweak, so a plain checkout runs
from sseparse.testing import ConformanceReport, check_decoder, load_corpus  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

OUTPUT = ROOT / "docs" / "_generated" / "scorecard.md"
RANDOM_CHUNKINGS = 8
SEED = 0


@dataclass(frozen=True)
class Event:
    """An event as the checker reads it."""

    event: object
    data: object
    id: object
    retry: object


def _event(sse: Any) -> Event:  # noqa: ANN401 - each peer has its own event class
    event = sse.event
    event_id = sse.id
    return Event("message" if event is None else event, sse.data, "" if event_id is None else event_id, sse.retry)


class _Collecting:
    """Collects the chunks and hands them, one read each, to a generator-based peer at close()."""

    def __init__(self, run: Callable[[Iterator[bytes]], Iterable[Any]], **_: object) -> None:
        self.run = run
        self.chunks: list[bytes] = []

    def feed(self, data: bytes) -> list[Event]:
        self.chunks.append(data)
        return []

    def close(self) -> list[Event]:
        return [_event(sse) for sse in self.run(iter(self.chunks))]


def _openai() -> Callable[..., _Collecting]:
    from openai._streaming import SSEDecoder as OpenAIDecoder  # noqa: PLC0415

    return lambda **kw: _Collecting(lambda chunks: OpenAIDecoder().iter_bytes(chunks), **kw)


def _anthropic() -> Callable[..., _Collecting]:
    from anthropic._streaming import SSEDecoder as AnthropicDecoder  # noqa: PLC0415

    return lambda **kw: _Collecting(lambda chunks: AnthropicDecoder().iter_bytes(chunks), **kw)


def _httpx_sse() -> Callable[..., _Collecting]:
    import httpx  # noqa: PLC0415
    from httpx_sse import EventSource  # noqa: PLC0415

    class Body(httpx.SyncByteStream):
        def __init__(self, chunks: Iterator[bytes]) -> None:
            self.chunks = chunks

        def __iter__(self) -> Iterator[bytes]:
            return self.chunks

    def run(chunks: Iterator[bytes]) -> Iterable[Any]:
        response = httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Body(chunks))
        return EventSource(response).iter_sse()

    return lambda **kw: _Collecting(run, **kw)


def _sseclient() -> Callable[..., _Collecting]:
    from sseclient import SSEClient  # noqa: PLC0415

    return lambda **kw: _Collecting(lambda chunks: SSEClient(chunks).events(), **kw)


# name -> (distribution whose version is shown, adapter factory)
PEERS: dict[str, tuple[str, Callable[[], Callable[..., Any]]]] = {
    "sseparse": ("sseparse", lambda: SSEDecoder),
    "httpx-sse": ("httpx-sse", _httpx_sse),
    "openai": ("openai", _openai),
    "anthropic": ("anthropic", _anthropic),
    "sseclient-py": ("sseclient-py", _sseclient),
}
LABELS = {
    "sseparse": "sseparse",
    "httpx-sse": "httpx-sse",
    "openai": "openai-python `SSEDecoder`",
    "anthropic": "anthropic-sdk-python `SSEDecoder`",
    "sseclient-py": "sseclient-py",
}


def _version(distribution: str) -> str:
    if distribution == "sseparse":
        import sseparse  # noqa: PLC0415

        return sseparse.__version__
    return importlib.metadata.version(distribution)


def _rules_and_topics(report: ConformanceReport) -> tuple[str, str]:
    groups = report.by_tag()
    rules = [tag for tag in groups if tag[:1] == "R" and tag[1:].replace(".", "").isdigit()]
    rules.sort(key=lambda tag: [int(part) for part in tag[1:].split(".")])
    topics = [tag for tag in groups if tag not in rules]
    rule_text = ", ".join(f"{tag} ({len(groups[tag])})" for tag in rules) or "none"
    topic_text = ", ".join(f"{tag} ({len(groups[tag])})" for tag in topics[:6]) or "none"
    if len(topics) > 6:
        topic_text += ", ..."
    return rule_text, topic_text


def _examples(report: ConformanceReport, count: int = 3) -> str:
    # One example per leading tag, so the examples show different mistakes.
    picked: list[str] = []
    for names in report.by_tag().values():
        name = next((n for n in names if n not in picked), None)
        if name is not None and len(picked) < count:
            picked.append(name)
    errors = {f.case for f in report.failed if f.aspect == "error"}
    text = ", ".join(f"`{name}`" for name in picked) or "none"
    if errors:
        text += f"; raises on {len(errors)}"
    return text


def render(results: list[tuple[str, str, ConformanceReport, float]], *, total: int, random_chunkings: int, seed: int) -> str:
    """Return the Markdown fragment for the measured peers."""
    intro = (
        f"Each decoder was run by `sseparse.testing.check_decoder` on the {total} cases of the bundled corpus,"
        " each case fed whole, one byte at a time, in the chunking the case gives (if any) and in"
        f" {random_chunkings} random chunkings (seed {seed}). A case passes when every run gives the expected"
        " events. The rule and topic columns count the failing cases tagged with each (a case can carry"
        f" several tags). CPython {platform.python_version()}."
    )
    lines = [
        "% Generated by scripts/scorecard.py: do not edit by hand, rerun the script.",
        "",
        *textwrap.wrap(intro, width=100, break_on_hyphens=False),
        "",
        "| decoder | cases passed | failing cases by rule | failing cases by topic | for example |",
        "|---|---:|---|---|---|",
    ]
    for name, version, report, _seconds in results:
        rules, topics = _rules_and_topics(report)
        passed = f"{len(report.passed)} / {len(report.cases)}"
        if report.ok:
            passed = f"**{passed}**"
        lines.append(f"| {LABELS[name]} {version} | {passed} | {rules} | {topics} | {_examples(report)} |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the scorecard; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated: " + ", ".join(PEERS))
    parser.add_argument("--tag", action="append", default=[], help="only cases with this tag (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N cases")
    parser.add_argument("--random-chunkings", type=int, default=RANDOM_CHUNKINGS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    names = [name.strip() for name in args.peers.split(",") if name.strip()]
    unknown = [name for name in names if name not in PEERS]
    if unknown:
        parser.error(f"unknown peers {unknown}; known: {', '.join(PEERS)}")
    cases = load_corpus()
    if args.tag:
        cases = [case for case in cases if set(args.tag) & set(case.get("tags", ()))]
    if args.limit is not None:
        cases = cases[: args.limit]
    if not cases:
        parser.error("no case matches")

    results = []
    for name in names:
        distribution, make_adapter = PEERS[name]
        try:
            adapter = make_adapter()
            version = _version(distribution)
        except ImportError as exc:
            print(f"{name}: skipped, not installed ({exc})", file=sys.stderr)
            continue
        start = time.perf_counter()
        report = check_decoder(adapter, cases=cases, random_chunkings=args.random_chunkings, seed=args.seed)
        seconds = time.perf_counter() - start
        print(f"{name} {version}: {len(report.passed)}/{len(report.cases)} cases passed ({seconds:.1f} s)", file=sys.stderr)
        results.append((name, version, report, seconds))
    if not results:
        print("no peer could be measured", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = render(results, total=len(cases), random_chunkings=args.random_chunkings, seed=args.seed)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
