"""scripts/charts.py turns a pytest-benchmark JSON file into the performance page's charts and table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from script_loader import load_file

if TYPE_CHECKING:
    from types import ModuleType

pytest.importorskip("matplotlib", reason="the charts need matplotlib: pip install --group docs")

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "charts.py"


def _charts() -> ModuleType:
    return load_file(SCRIPT, "_sseparse_docs_charts")


def _bench(group: str, name: str, median: float, **info: Any) -> dict[str, Any]:
    return {"group": group, "name": name, "param": name, "extra_info": info, "stats": {"median": median}}


def _run_json() -> dict[str, Any]:
    benchmarks = [
        _bench(
            f"corpus, {pattern} reads",
            f"{decoder}-{pattern}",
            seconds,
            decoder=decoder,
            pattern=pattern,
            events=20_001,
            bytes=4_800_000,
        )
        for pattern in ("event", "network", "tiny")
        for decoder, seconds in (("sseparse", 0.02), ("openai", 0.15), ("httpx-sse", 0.05), ("split", 0.01))
    ]
    benchmarks += [
        _bench("16 MiB line, 256 B reads", "sseparse-line", 0.05, decoder="sseparse", pattern="line256", events=1, bytes=2**24),
        _bench("16 MiB line, 256 B reads", "anthropic-line", 21.0, decoder="anthropic", pattern="line256", events=1, bytes=2**24),
        _bench("accumulate: bytes -> final", "sseparse", 0.2, accumulate="sseparse", chunks=20_000),
        _bench("accumulate: bytes -> final", "openai", 3.0, accumulate="openai", chunks=20_000),
        _bench("accumulate: one tool call in N argument fragments", "10k", 0.1, fragments=10_000),
        _bench("accumulate: one tool call in N argument fragments", "100k", 1.0, fragments=100_000),
        _bench("typed chunks, event reads", "sseparse", 0.5, stream="sseparse (bytes)", chunks=20_000),
    ]
    machine = {
        "python_implementation": "CPython",
        "python_version": "3.11.7",
        "system": "Linux",
        "cpu": {"brand_raw": "Test CPU", "count": 2},
    }
    return {
        "benchmarks": benchmarks,
        "machine_info": machine,
        "commit_info": {"id": "0123456789abcdef"},
        "datetime": "2026-11-25T16:00:00",
        "version": "5.3.1",
    }


def test_every_chart_and_the_table_are_written(tmp_path: Path) -> None:
    """A run with every kind of benchmark gives four charts (PNG and SVG) and a results table."""
    source = tmp_path / "bench.json"
    source.write_text(json.dumps(_run_json()), encoding="utf-8")
    out, table = tmp_path / "perf", tmp_path / "performance.md"

    assert _charts().main([str(source), "--out", str(out), "--table", str(table)]) == 0

    for stem in ("decoder-throughput", "long-line", "accumulation", "scaling"):
        for suffix in (".png", ".svg"):
            assert (out / f"{stem}{suffix}").stat().st_size > 1000, stem + suffix
    text = table.read_text(encoding="utf-8")
    assert "| sseparse | **1.00M** | **1.00M** | **1.00M** |" in text
    assert "| openai-python | 133k (7.5\N{MULTIPLICATION SIGN})" in text
    assert "Test CPU, 2 cores" in text


def test_a_run_without_timings_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A JSON written with --benchmark-disable has no stats: the script says so and exits 1."""
    source = tmp_path / "bench.json"
    source.write_text(json.dumps({"benchmarks": [{"group": "g", "name": "n", "stats": None}]}), encoding="utf-8")
    assert _charts().main([str(source), "--out", str(tmp_path / "perf"), "--table", str(tmp_path / "t.md")]) == 1
    assert "--benchmark-enable" in capsys.readouterr().err
