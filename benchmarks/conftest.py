"""After a measuring run, print sseparse's speed against each peer and the targets of ``baselines.md``.

The table is built from the medians pytest-benchmark measured in this run (absolute numbers vary
between machines; same-run ratios are what the targets are about). ``ratio`` is sseparse's events/s
divided by the peer's, i.e. the peer's median time over sseparse's. Nothing is printed with
``--benchmark-disable`` (the smoke run). With ``--benchmark-json=PATH`` the same summary is stored
under the ``"sseparse"`` key of the JSON, for the charts.
"""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.peers import DECODERS, PEERS

COLUMNS = {
    "event": "event reads",
    "network": "network reads",
    "tiny": "tiny reads",
    "line256": "16 MiB line, 256 B",
    "line1": "16 MiB line, 1 B",
}
LINES = ("line256", "line1")  # one event: report seconds, not events/s
IMPORT_BUDGET_US = 5_000  # baselines.md: "within a few milliseconds"


def _measured(benchmarks: list[Any], stat: str) -> dict[str, dict[str, tuple[float, dict[str, Any]]]]:
    """``{pattern: {decoder: (seconds, extra_info)}}`` for every benchmark that has stats; ``stat`` is median or min."""
    out: dict[str, dict[str, tuple[float, dict[str, Any]]]] = {}
    for bench in benchmarks:
        info = bench.extra_info
        if bench and "pattern" in info:
            out.setdefault(info["pattern"], {})[info["decoder"]] = (getattr(bench.stats, stat), info)
    return out


def _ratios(measured: dict[str, dict[str, tuple[float, dict[str, Any]]]]) -> dict[str, dict[str, float]]:
    """``{pattern: {decoder: how many times faster sseparse is}}``."""
    return {
        p: {d: s / row["sseparse"][0] for d, (s, _) in row.items() if d != "sseparse"}
        for p, row in measured.items()
        if p in COLUMNS and "sseparse" in row
    }


def summarise(benchmarks: list[Any]) -> dict[str, Any]:
    """Throughput, ratios against sseparse and the targets, as plain data (from medians; mins alongside)."""
    measured = _measured(benchmarks, "median")
    seconds = {p: {d: m[0] for d, m in row.items()} for p, row in measured.items()}
    throughput = {p: {d: info["events"] / s for d, (s, info) in row.items()} for p, row in measured.items() if p in COLUMNS}
    ratios = _ratios(measured)
    min_ratios = _ratios(_measured(benchmarks, "min"))

    targets: list[dict[str, Any]] = []

    def target(  # noqa: PLR0913
        text: str,
        value: float | None,
        unit: str,
        ok: bool | None,
        at_min: float | None = None,
        *,
        key: str | None = None,
        min_ratio: float | None = None,
    ) -> None:
        """Record one target; ``key`` names it the same in every run, ``min_ratio`` marks a ratio target."""
        shown = "not measured" if value is None else f"{value:,.2f}{unit}"
        if at_min is not None:
            shown += f" (from the minimums: {at_min:,.2f}{unit})"
        targets.append({"target": text, "measured": shown, "met": ok, "key": key or text, "value": value, "min_ratio": min_ratio})

    for pattern in ("event", "network"):
        for peer, need in (("httpx-sse", 2.5), ("openai", 5.0)):
            r = ratios.get(pattern, {}).get(peer)
            at_min = min_ratios.get(pattern, {}).get(peer)
            target(f"{COLUMNS[pattern]}: >= {need}x {peer}", r, "x", None if r is None else r >= need, at_min, min_ratio=need)
    tiny = {d: v for d, v in throughput.get("tiny", {}).items() if d in PEERS}
    tiny_key = "tiny reads: >= 1.5x the best peer"  # the best peer may differ from run to run
    if tiny and "sseparse" in throughput.get("tiny", {}):
        best = max(tiny, key=tiny.__getitem__)
        r = throughput["tiny"]["sseparse"] / tiny[best]
        best_at_min = min(min_ratios["tiny"][d] for d in tiny if d in min_ratios.get("tiny", {}))
        target(f"{tiny_key} ({best})", r, "x", r >= 1.5, best_at_min, key=tiny_key, min_ratio=1.5)
    else:
        target(tiny_key, None, "", None, min_ratio=1.5)
    s = seconds.get("line256", {}).get("sseparse")
    target("16 MiB line, 256 B reads: <= 1 s", s, " s", None if s is None else s <= 1.0)

    _llm_targets(benchmarks, target)

    imports: dict[str, Any] = {}
    row = measured.get("import", {})
    if "import sseparse" in row:
        us = row["import sseparse"][1].get("importtime_us")
        imports["importtime_us"] = us
        # A CPU-time timer (--benchmark-timer=time.process_time) does not see the subprocess.
        timer = next(b.options.get("timer") for b in benchmarks if b.extra_info.get("decoder") == "import sseparse")
        if "python -c pass" in row and getattr(timer, "__name__", timer) == "perf_counter":
            imports["over_bare_interpreter_ms"] = (row["import sseparse"][0] - row["python -c pass"][0]) * 1e3
        budget = IMPORT_BUDGET_US / 1e3
        ms = None if us is None else us / 1e3
        target(f"import sseparse (-X importtime): <= {budget:g} ms", ms, " ms", None if ms is None else ms <= budget)
    return {
        "seconds": seconds,
        "events_per_second": throughput,
        "ratios": ratios,
        "ratios_from_minimums": min_ratios,
        "targets": targets,
        "import": imports,
    }


# (text, extra_info key, slower path, faster path, bound): sseparse's paths against their yardsticks.
LLM_TARGETS = (
    ("accumulate: >= 15x openai's decoder + ChatCompletionStreamState", "accumulate", "openai", "sseparse", 15.0),
    ("accumulate with orjson: >= 2.0x the json.loads loop", "accumulate", "json.loads bound", "sseparse (orjson)", 2.0),
    ("accumulate, stdlib only: >= 0.8x the json.loads loop", "accumulate", "json.loads bound", "sseparse (stdlib)", 0.8),
    ("typed chunks: >= 10x openai's Stream", "stream", "openai", "sseparse (httpx2)", 10.0),
)


def _paths(benchmarks: list[Any], key: str, stat: str) -> dict[str, float]:
    """``{path: seconds}`` for the benchmarks that name their path under ``extra_info[key]``."""
    return {b.extra_info[key]: getattr(b.stats, stat) for b in benchmarks if b and key in b.extra_info}


def _llm_targets(benchmarks: list[Any], target: Any) -> None:
    """Record the accumulation and typed-chunk targets that this run measured (ratios of medians, and of minimums)."""
    for text, key, slow, fast, need in LLM_TARGETS:
        median, least = _paths(benchmarks, key, "median"), _paths(benchmarks, key, "min")
        if {slow, fast} <= median.keys():
            r = median[slow] / median[fast]
            target(text, r, "x", r >= need, least[slow] / least[fast], min_ratio=need)


def _cell(pattern: str, decoder: str, summary: dict[str, Any]) -> str:
    s = summary["seconds"].get(pattern, {}).get(decoder)
    if s is None:
        return "-"
    text = f"{s:.3f} s" if pattern in LINES else f"{summary['events_per_second'][pattern][decoder] / 1e3:,.0f}k ev/s"
    ratio = summary["ratios"].get(pattern, {}).get(decoder)
    return text if ratio is None else f"{text} ({ratio:.2f}x)"


def render(summary: dict[str, Any]) -> list[str]:
    """The summary as text lines: a table per decoder and read pattern, then the targets."""
    columns = [p for p in COLUMNS if p in summary["seconds"]]
    rows = [["decoder", *(COLUMNS[p] for p in columns)]]
    rows += [[name, *(_cell(p, name, summary) for p in columns)] for name in DECODERS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    if columns:
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        lines += [
            "",
            "events/s (or seconds for the long line) from the medians; (Nx) = sseparse is N times as fast as that decoder.",
        ]
    imports = summary["import"]
    if imports.get("over_bare_interpreter_ms") is not None:
        lines.append(f"import sseparse: {imports['over_bare_interpreter_ms']:.1f} ms over a bare interpreter (medians)")
    lines += ["", "targets (baselines.md):"]
    for t in summary["targets"]:
        mark = {True: "met    ", False: "NOT MET", None: "-      "}[t["met"]]
        lines.append(f"  [{mark}] {t['target']}: {t['measured']}")
    return lines


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    # pytest-benchmark keeps its results on the session object its own terminal summary reads.
    session = getattr(config, "_benchmarksession", None)
    if session is None or session.disabled:
        return
    summary = summarise(session.benchmarks)
    if not summary["seconds"] and all(t["value"] is None for t in summary["targets"]):
        return
    terminalreporter.write_sep("=", "sseparse against its peers (same run)")
    for line in render(summary):
        terminalreporter.write_line(line)


def pytest_benchmark_update_json(config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]) -> None:
    output_json["sseparse"] = summarise(benchmarks)
