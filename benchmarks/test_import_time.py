"""Start-up cost: ``import sseparse`` in a fresh interpreter, against a bare interpreter.

Two benchmarks in the ``import`` group time a subprocess each (``python -c pass`` and
``python -c "import sseparse"``): the difference of their medians is what importing costs a user.
The ``-X importtime`` cumulative time of ``sseparse`` is recorded too (best of five), and
``conftest.py`` checks it against the "a few milliseconds" of ``baselines.md``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
_CUMULATIVE = re.compile(r"^import time:\s*\d+\s*\|\s*(\d+)\s*\|\s?sseparse$", re.MULTILINE)


# Measured as users have it: with the package compiled to bytecode once, as pip does at install. Some
# environments set PYTHONDONTWRITEBYTECODE, which would make every run compile the sources again;
# the bytecode goes to a cache folder of its own, not into the working tree.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "sseparse-import-bench-pycache")


def _python(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *options, "-c", code], cwd=ROOT, env=_ENV, check=True, capture_output=True, text=True)


def importtime_us(runs: int = 5) -> int:
    """Best cumulative ``-X importtime`` of the ``sseparse`` package, in microseconds."""
    _python("import sseparse")  # compile once, as an install does
    best = []
    for _ in range(runs):
        match = _CUMULATIVE.search(_python("import sseparse", "-X", "importtime").stderr)
        assert match, "no 'sseparse' line in the -X importtime output"
        best.append(int(match.group(1)))
    return min(best)


@pytest.mark.parametrize("code", ["pass", "import sseparse"], ids=["bare-interpreter", "import-sseparse"])
def test_import(benchmark: Any, code: str) -> None:
    """Time a fresh interpreter that runs ``code``."""
    benchmark.group = "import"
    benchmark.extra_info.update(decoder="python -c pass" if code == "pass" else "import sseparse", pattern="import")
    if code != "pass":
        benchmark.extra_info["importtime_us"] = importtime_us(1 if benchmark.disabled else 5)

    # Fixed rounds: calibrating would be fooled by a CPU-time timer, which does not see the subprocess.
    result = benchmark.pedantic(_python, (code,), rounds=1 if benchmark.disabled else 20, warmup_rounds=1)

    assert result.returncode == 0
