"""scripts/bench_repeat.py turns several runs' benchmark summaries into the spread of each ratio target."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from script_loader import load_file

if TYPE_CHECKING:
    from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_repeat.py"


def _script() -> ModuleType:
    return load_file(SCRIPT, "_sseparse_bench_repeat")


def _summary(network: float, tiny_peer: str, tiny: float) -> dict[str, Any]:
    """The targets benchmarks/conftest.py stores under "sseparse" in the JSON (the fields the script reads)."""

    def target(text: str, value: float, min_ratio: float | None, key: str | None = None) -> dict[str, Any]:
        return {"target": text, "key": key or text, "value": value, "min_ratio": min_ratio}

    return {
        "targets": [
            target("network reads: >= 2.5x httpx-sse", network, 2.5),
            target("network reads: >= 5.0x openai", 6.0, 5.0),
            target(f"tiny reads: >= 1.5x the best peer ({tiny_peer})", tiny, 1.5, "tiny reads: >= 1.5x the best peer"),
            target("16 MiB line, 256 B reads: <= 1 s", 0.04, None),
        ],
    }


def test_report_gives_each_ratio_target_its_runs_median_and_verdict() -> None:
    """Three runs: the median decides the verdict, and the count of runs that meet the target is kept."""
    rows = _script().report(
        [_summary(2.4, "sseclient-py", 1.6), _summary(2.7, "anthropic", 1.4), _summary(2.6, "sseclient-py", 1.55)]
    )
    by_target = {row["target"]: row for row in rows}
    assert set(by_target) == {
        "network reads: >= 2.5x httpx-sse",
        "network reads: >= 5.0x openai",
        "tiny reads: >= 1.5x the best peer",
    }
    network = by_target["network reads: >= 2.5x httpx-sse"]
    assert network["runs"] == [2.4, 2.7, 2.6]
    assert (network["median"], network["min"], network["max"]) == (2.6, 2.4, 2.7)
    assert network["met_by_median"] is True
    assert network["runs_meeting"] == 2
    tiny = by_target["tiny reads: >= 1.5x the best peer"]  # each run against its own best peer
    assert tiny["runs"] == [1.6, 1.4, 1.55]
    assert tiny["met_by_median"] is True
    assert by_target["network reads: >= 5.0x openai"]["runs_meeting"] == 3


def test_a_median_below_the_target_is_not_met() -> None:
    """One good run among bad ones does not make a target met."""
    rows = _script().report(
        [_summary(2.0, "sseclient-py", 1.5), _summary(2.8, "sseclient-py", 1.5), _summary(2.2, "sseclient-py", 1.5)]
    )
    network = next(row for row in rows if row["target"] == "network reads: >= 2.5x httpx-sse")
    assert network["median"] == 2.2
    assert network["met_by_median"] is False
    assert network["runs_meeting"] == 1


def test_a_target_no_run_measured_is_left_out() -> None:
    """A -k selection measures some targets only: the others have no value in any run and get no row."""
    summaries = [_summary(2.6, "sseclient-py", 1.6), _summary(2.7, "sseclient-py", 1.6)]
    for summary in summaries:
        summary["targets"][0]["value"] = None
    rows = _script().report(summaries)
    assert "network reads: >= 2.5x httpx-sse" not in {row["target"] for row in rows}
    assert {row["target"] for row in rows} == {"network reads: >= 5.0x openai", "tiny reads: >= 1.5x the best peer"}
