"""Run the benchmark suite several times, each in a fresh process, and report the spread of the ratios.

One run of ``benchmarks/`` gives one ratio per target, and on a shared machine that ratio moves by
10-15% from one process to the next. This script repeats the documented command (one fresh Python
process per run), reads the targets each run stores in its ``--benchmark-json`` file (under the
``"sseparse"`` key written by ``benchmarks/conftest.py``), and prints every run's ratios with their
median, minimum and maximum, and whether the median meets the target.

    python scripts/bench_repeat.py --runs 5                     # the whole suite, five times
    python scripts/bench_repeat.py --runs 5 -k test_corpus      # only the decoder corpus
    python scripts/bench_repeat.py --runs 5 --json spread.json  # also keep the numbers

Extra arguments after ``--`` go to pytest unchanged.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def one_run(pytest_args: list[str]) -> dict[str, Any]:
    """Run the benchmarks once in a new process and return the summary its JSON holds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.json"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "benchmarks",
            "--benchmark-enable",
            "--benchmark-min-rounds=5",
            f"--benchmark-json={out}",
            "-q",
            "-p",
            "no:randomly",
            *pytest_args,
        ]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own command line
        summary: dict[str, Any] = json.loads(out.read_text())["sseparse"]
        return summary


def report(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per ratio target: every run's ratio, median, min, max and whether the median meets it.

    Each run's summary lists its targets with a ``key`` that is the same in every run (the tiny-read
    target names each run's own best peer in its text, not in its key), the measured ``value``, and
    ``min_ratio`` for the ratio targets; the others (the long line, the import time) are left out, and
    so are the targets no run measured (a ``-k`` selection).
    """
    rows = []
    for first in summaries[0]["targets"]:
        need = first["min_ratio"]
        if need is None:
            continue
        runs = [t["value"] for s in summaries for t in s["targets"] if t["key"] == first["key"] and t["value"] is not None]
        if not runs:
            continue  # not measured in these runs (a -k selection)
        median = statistics.median(runs)
        rows.append(
            {
                "target": first["key"],
                "runs": [round(v, 2) for v in runs],
                "median": round(median, 2),
                "min": round(min(runs), 2),
                "max": round(max(runs), 2),
                "met_by_median": median >= need,
                "runs_meeting": sum(v >= need for v in runs),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run, collect, print; exit status 0 (the verdicts are in the output, not the status)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="how many fresh processes (default 5)")
    parser.add_argument("-k", dest="keyword", help="pytest -k expression, e.g. test_corpus")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args(argv)
    pytest_args = [*(["-k", args.keyword] if args.keyword else []), *args.pytest_args]
    summaries = []
    for i in range(args.runs):
        print(f"run {i + 1}/{args.runs} ...", file=sys.stderr, flush=True)
        summaries.append(one_run(pytest_args))
    rows = report(summaries)
    width = max(len(r["target"]) for r in rows)
    for r in rows:
        verdict = "met" if r["met_by_median"] else "NOT MET"
        runs = " ".join(f"{v:.2f}" for v in r["runs"])
        print(
            f"{r['target']:<{width}}  median {r['median']:.2f}x  (min {r['min']:.2f}, max {r['max']:.2f}; "
            f"{r['runs_meeting']}/{len(r['runs'])} runs meet it)  [{verdict}]  runs: {runs}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
