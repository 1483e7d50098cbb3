"""The ratio report the benchmark modules print at the end of a measuring run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable


def report_ratios(request: pytest.FixtureRequest, label: str, ratios: Callable[[list[Any], str], list[str]]) -> None:
    """Print ``ratios(benchmarks, stat)`` for the median and the min, each line prefixed by ``label``.

    Skips when nothing was measured (``--benchmark-disable``).
    """
    session = getattr(request.config, "_benchmarksession", None)
    if session is None or session.disabled:
        pytest.skip("nothing measured (--benchmark-disable)")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    reporter.write_line("")
    for stat in ("median", "min"):
        for line in ratios(session.benchmarks, stat):
            reporter.write_line(f"{label} ({stat}s): {line}")
