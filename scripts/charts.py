"""Draw the performance charts of the documentation from a pytest-benchmark JSON file.

Usage::

    python -m pytest benchmarks --benchmark-enable --benchmark-json=bench.json
    python scripts/charts.py bench.json

Writes PNG and SVG charts to ``docs/_static/perf/`` and a results table (machine, numbers, ratios)
to ``docs/_generated/performance.md``, which ``docs/performance.md`` includes. A chart is drawn only
when the run holds the benchmarks it needs, so a partial run (``-k tiny``) still gives the others.

The charts read each benchmark's ``extra_info`` (set by the suite in ``benchmarks/``):

- decoder throughput: ``decoder``, ``pattern`` (``event``/``network``/``tiny``) and ``events``;
  events per second = events / median seconds.
- the long line: ``decoder`` and ``pattern`` ``line256`` or ``line1``, with ``bytes``.
- accumulation: benchmarks in a group that starts with ``accumulat``; chunks (or events) per
  second, one bar per ``extra_info["path"]`` (or ``decoder``, or the test's parameter id).
- cost against input size: every (group, contender) measured at three or more sizes
  (``extra_info["bytes"]``, or ``events``), drawn on log-log axes beside a line of slope 1.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "_static" / "perf"
TABLE = ROOT / "docs" / "_generated" / "performance.md"
TIMES = "\N{MULTIPLICATION SIGN}"

PATTERNS = {
    "event": "event reads\n(one read per event)",
    "network": "network reads\n(1 B to 8 KiB)",
    "tiny": "tiny reads\n(1 to 16 B)",
}
LABELS = {
    "sseparse": "sseparse",
    "openai": "openai-python",
    "anthropic": "anthropic-sdk-python",
    "httpx-sse": "httpx-sse",
    "sseclient-py": "sseclient-py",
    "split": "lower bound:\nbytes.split, no rules",
}
OURS = "#1f5fbf"
PEER = "#9aa5b1"
FLOOR = "#e4e7eb"
# One colour per series on the scaling chart (colour-blind-safe, after Okabe and Ito), so no two
# series share one; the reference lines are grey (linear) and red (quadratic), dashed.
SERIES = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000")


@dataclass
class Result:
    """One benchmark of the run, reduced to what the charts need."""

    group: str
    name: str
    label: str
    median: float  # seconds per call
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def count(self) -> int | None:
        """Items processed per call: chunks, else events."""
        value = self.info.get("chunks", self.info.get("events"))
        return int(value) if value else None


def load(path: Path) -> tuple[list[Result], dict[str, Any]]:
    """Read the benchmarks that have timings, and the run's machine and commit details."""
    data = json.loads(path.read_text(encoding="utf-8"))
    results = []
    for bench in data.get("benchmarks", []):
        stats = bench.get("stats") or {}
        if not stats.get("median"):
            continue
        info = bench.get("extra_info") or {}
        label = str(
            info.get("accumulate")
            or info.get("stream")
            or info.get("path")
            or info.get("decoder")
            or bench.get("param")
            or bench["name"]
        )
        results.append(Result(bench.get("group") or "", bench["name"], label, float(stats["median"]), info))
    return results, data


def _label(name: str) -> str:
    return LABELS.get(name, name)


def _colour(name: str) -> str:
    if name.startswith("sseparse"):
        return OURS
    if name == "split" or "bound" in name:
        return FLOOR
    return PEER


def _rate(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def _tick(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:g}M"
    if value >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def _setup() -> Any:  # noqa: ANN401 - the pyplot module
    import matplotlib as mpl  # noqa: PLC0415 - an optional dependency (the docs group)

    mpl.use("Agg")
    mpl.rcParams.update(
        {
            "svg.hashsalt": "sseparse",  # stable ids: re-drawing the same numbers gives the same SVG
            "svg.fonttype": "none",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def _save(plt: Any, fig: Any, out: Path, stem: str) -> list[Path]:  # noqa: ANN401
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


def _barh(ax: Any, names: list[str], values: list[float], fmt: Any) -> None:  # noqa: ANN401
    """Horizontal bars, fastest on top, each labelled with its value."""
    order = sorted(range(len(names)), key=lambda i: values[i])
    names = [names[i] for i in order]
    values = [values[i] for i in order]
    bars = ax.barh([_label(n) for n in names], values, color=[_colour(n) for n in names])
    for bar, name in zip(bars, names, strict=True):
        if _colour(name) == FLOOR:
            bar.set_hatch("//")
            bar.set_edgecolor(PEER)
    peak = max(values)
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_width() + peak * 0.02, bar.get_y() + bar.get_height() / 2, fmt(value), va="center", fontsize=9)
    ax.set_xlim(0, peak * 1.25)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def decoder_throughput(plt: Any, results: list[Result], out: Path) -> list[Path]:  # noqa: ANN401
    """Events per second per read pattern, sseparse beside each peer."""
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for r in results:
        pattern = r.info.get("pattern")
        if pattern in PATTERNS and r.info.get("decoder") and r.count:
            rates[pattern][r.info["decoder"]] = r.count / r.median
    patterns = [p for p in PATTERNS if rates.get(p)]
    if not patterns:
        return []
    fig, axes = plt.subplots(len(patterns), 1, figsize=(7, 0.6 + 2.5 * len(patterns)), squeeze=False)
    for ax, pattern in zip(axes[:, 0], patterns, strict=True):
        names = list(rates[pattern])
        _barh(ax, names, [rates[pattern][n] for n in names], _rate)
        ax.set_title(PATTERNS[pattern].replace("\n", " "), fontsize=10, loc="left")
        ax.xaxis.set_major_formatter(lambda x, _pos: _tick(x))
    axes[-1, 0].set_xlabel("events per second (higher is better)")
    fig.suptitle("Decoding 20,000 chat-completion chunks (4.8 MB)", fontweight="bold")
    fig.tight_layout()
    return _save(plt, fig, out, "decoder-throughput")


def long_line(plt: Any, results: list[Result], out: Path) -> list[Path]:  # noqa: ANN401
    """Seconds to decode one long ``data:`` line, per read size."""
    panels = {"line256": "256-byte reads", "line1": "1-byte reads"}
    times: dict[str, dict[str, float]] = defaultdict(dict)
    size = 0
    for r in results:
        pattern = r.info.get("pattern")
        if pattern in panels and r.info.get("decoder"):
            times[pattern][r.info["decoder"]] = r.median
            size = max(size, int(r.info.get("bytes", 0)))
    present = [p for p in panels if times.get(p)]
    if not present:
        return []
    fig, axes = plt.subplots(len(present), 1, figsize=(7, 0.6 + 2.4 * len(present)), squeeze=False)
    for ax, pattern in zip(axes[:, 0], present, strict=True):
        names = list(times[pattern])
        values = [times[pattern][n] for n in names]
        order = sorted(range(len(names)), key=lambda i: -values[i])
        names = [names[i] for i in order]
        values = [values[i] for i in order]
        bars = ax.barh([_label(n) for n in names], values, color=[_colour(n) for n in names])
        peak = max(values)
        wide = peak / min(values) > 50  # quadratic peers next to linear ones: only a log axis shows both
        for bar, value in zip(bars, values, strict=True):
            x = bar.get_width() * 1.15 if wide else bar.get_width() + peak * 0.02
            ax.text(x, bar.get_y() + bar.get_height() / 2, f"{value:.2f} s", va="center", fontsize=9)
        if wide:
            ax.set_xscale("log")
            ax.set_xlim(min(values) / 2, peak * 4)
            ax.xaxis.set_major_formatter(lambda x, _pos: f"{x:g} s")
        else:
            ax.set_xlim(0, peak * 1.3)
        ax.set_title(panels[pattern], fontsize=10, loc="left")
        ax.set_xlabel("seconds (lower is better" + (", log scale)" if wide else ")"))
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
    fig.suptitle(f"One {size / 2**20:.0f} MiB data line", fontweight="bold")
    fig.tight_layout()
    return _save(plt, fig, out, "long-line")


def accumulation(plt: Any, results: list[Result], out: Path) -> list[Path]:  # noqa: ANN401
    """Chunks per second from bytes to the final message (and typed chunk iteration), one panel per group."""
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for r in results:
        if r.group.lower().startswith(("accumulat", "typed chunks")) and r.count and "size" not in r.info:
            groups[r.group][r.label] = r.count / r.median
    if not groups:
        return []
    names = sorted(groups)
    fig, axes = plt.subplots(
        len(names), 1, figsize=(7.5, 1.0 + 0.55 * sum(len(g) for g in groups.values()) + 0.6 * len(names)), squeeze=False
    )
    for ax, group in zip(axes[:, 0], names, strict=True):
        labels = list(groups[group])
        _barh(ax, labels, [groups[group][n] for n in labels], _rate)
        ax.set_title(group, fontsize=10)
        ax.set_xlabel("chunks per second (higher is better)")
        ax.xaxis.set_major_formatter(lambda x, _pos: _rate(x))
    fig.suptitle("LLM streams: 20,000 chat-completion chunks", fontweight="bold")
    fig.tight_layout()
    return _save(plt, fig, out, "accumulation")


def scaling(plt: Any, results: list[Result], out: Path) -> list[Path]:  # noqa: ANN401
    """Seconds against input size on log-log axes; linear cost is a line of slope 1."""
    series: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in results:
        size = r.info.get("size", r.info.get("fragments", r.info.get("bytes")))
        if size:
            label = "sseparse" if "fragments" in r.info else r.label
            series[(r.group, label)].append((float(size), r.median))
    series = {key: sorted(points) for key, points in series.items() if len({x for x, _ in points}) >= 2}
    if not series:
        return []
    fig, ax = plt.subplots(figsize=(7, 4.2))
    markers = "osD^v<>"
    for index, ((group, label), points) in enumerate(sorted(series.items())):
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
        slope = (math.log(ys[-1]) - math.log(ys[0])) / (math.log(xs[-1]) - math.log(xs[0]))
        ax.loglog(
            xs,
            ys,
            marker=markers[index % len(markers)],
            color=SERIES[index % len(SERIES)],
            label=f"{_label(label)}, {group} (slope {slope:.2f})",
        )
    low = min(x for points in series.values() for x, _ in points)
    high = max(x for points in series.values() for x, _ in points)
    x0, y0 = min(series.items())[1][0]
    ax.loglog([low, high], [y0 * low / x0, y0 * high / x0], linestyle=":", color="#555555", label="linear growth (slope 1)")
    ax.loglog(
        [low, high],
        [y0 * (low / x0) ** 2, y0 * (high / x0) ** 2],
        linestyle="--",
        color="#c0392b",
        label="quadratic growth (slope 2)",
    )
    ax.set_ylim(top=max(y for points in series.values() for _, y in points) * 1.5)
    ax.xaxis.set_major_formatter(lambda x, _pos: _tick(x))
    ax.yaxis.set_major_formatter(lambda y, _pos: f"{y:g} s")
    ax.yaxis.set_minor_formatter(lambda y, _pos: f"{y:g} s" if f"{y:g}".lstrip("0.")[:1] in {"2", "5"} else "")
    ax.set_xlabel("input size (argument fragments, or bytes)")
    ax.set_ylabel("seconds (median, lower is better)")
    ax.grid(which="both", alpha=0.3)
    # Below the axes, not over the lines: the series span the whole plot.
    ax.legend(fontsize=8, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    ax.set_title("Cost against input size (log-log)", fontweight="bold")
    fig.tight_layout()
    return _save(plt, fig, out, "scaling")


def table(results: list[Result], data: dict[str, Any]) -> str:
    """Render the machine and the numbers as Markdown, for docs/performance.md to include."""
    return "\n".join([*_machine(data), *_decoder_rows(results), *_other_rows(results)]) + "\n"


def _machine(data: dict[str, Any]) -> list[str]:
    machine = data.get("machine_info", {})
    cpu = machine.get("cpu", {})
    commit = data.get("commit_info", {})
    run = f"{data.get('datetime', '?')[:16].replace('T', ' ')} UTC, pytest-benchmark {data.get('version', '?')}"
    revision = f"commit `{str(commit.get('id', '?'))[:10]}`{' (with local changes)' if commit.get('dirty') else ''}"
    return [
        "| | |",
        "|---|---|",
        f"| CPU | {cpu.get('brand_raw', '?')}, {cpu.get('count', '?')} cores, {cpu.get('hz_advertised_friendly', '?')} |",
        f"| Python | {machine.get('python_implementation', '?')} {machine.get('python_version', '?')} |",
        f"| System | {machine.get('system', '?')} {machine.get('release', '')} |",
        f"| Run | {run}, {revision} |",
    ]


def _decoder_rows(results: list[Result]) -> list[str]:
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for r in results:
        pattern = r.info.get("pattern")
        if pattern in PATTERNS and r.info.get("decoder") and r.count:
            rates[r.info["decoder"]][pattern] = r.count / r.median
    patterns = [p for p in PATTERNS if any(p in v for v in rates.values())]
    if not patterns or "sseparse" not in rates:
        return []
    ours = rates["sseparse"]
    head = " | ".join(PATTERNS[p].split("\n")[0] for p in patterns)
    lines = ["", f"| events per second | {head} |", "|---|" + "---:|" * len(patterns)]
    for name, row in sorted(rates.items(), key=lambda item: -item[1].get(patterns[0], 0)):
        cells = []
        for p in patterns:
            if p not in row:
                cells.append("")
            elif name == "sseparse":
                cells.append(f"**{_rate(row[p])}**")
            else:
                cells.append(f"{_rate(row[p])} ({ours.get(p, 0) / row[p]:.1f}{TIMES})")
        lines.append(f"| {_label(name).replace(chr(10), ' ')} | {' | '.join(cells)} |")
    return [*lines, "", f"(N{TIMES}) is how many times as fast sseparse is in the same run."]


def _other_rows(results: list[Result]) -> list[str]:
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for r in results:
        if r.group.lower().startswith(("accumulat", "typed chunks")) and r.count:
            groups[r.group][r.label] = r.count / r.median
        elif r.info.get("pattern") in {"line256", "line1"} and r.info.get("decoder"):
            reads = "256-byte" if r.info["pattern"] == "line256" else "1-byte"
            groups[f"16 MiB line, {reads} reads (seconds)"][r.info["decoder"]] = r.median
    lines: list[str] = []
    for group, row in sorted(groups.items()):
        seconds = group.endswith("(seconds)")
        lines += ["", f"| {group} | {'seconds' if seconds else 'chunks per second'} |", "|---|---:|"]
        for name, value in sorted(row.items(), key=lambda item: item[1] if seconds else -item[1]):
            cell = f"{value:.2f} s" if seconds else _rate(value)
            lines.append(f"| {_label(name).replace(chr(10), ' ')} | {f'**{cell}**' if name.startswith('sseparse') else cell} |")
    imports = [r for r in results if "importtime_us" in r.info and r.info.get("decoder") == "import sseparse"]
    if imports:
        lines += [
            "",
            f"`import sseparse`: {imports[0].info['importtime_us'] / 1000:.1f} ms (`python -X importtime`, cumulative).",
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Draw every chart the JSON allows and write the results table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", type=Path, help="the file written by pytest --benchmark-json")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder for the charts (default: {OUT.relative_to(ROOT)})")
    parser.add_argument("--table", type=Path, default=TABLE, help=f"Markdown results table (default: {TABLE.relative_to(ROOT)})")
    args = parser.parse_args(argv)

    results, data = load(args.json)
    if not results:
        print(f"{args.json}: no timed benchmarks (was the run made with --benchmark-enable?)", file=sys.stderr)
        return 1
    plt = _setup()
    written: list[Path] = []
    for draw in (decoder_throughput, long_line, accumulation, scaling):
        paths = draw(plt, results, args.out)
        if not paths:
            print(f"skipped {draw.__name__}: the run has no benchmarks for it")
        written += paths
    args.table.parent.mkdir(parents=True, exist_ok=True)
    args.table.write_text(table(results, data), encoding="utf-8")
    written.append(args.table)
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
