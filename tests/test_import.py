"""``import sseparse`` stays cheap: it pulls in no validation, testing, async or HTTP library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = (
    "pydantic",
    "pydantic_core",
    "hypothesis",
    "asyncio",
    "httpx",
    "aiohttp",
    "requests",
    "openai",
    "anthropic",
)


def test_import_sseparse_loads_no_heavy_or_optional_module() -> None:
    """After ``import sseparse`` in a fresh interpreter, none of the forbidden packages (nor their submodules) is loaded."""
    code = "import sys, sseparse; print('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    loaded = set(result.stdout.split())
    assert "sseparse" in loaded
    assert "sseparse._decoder" in loaded
    found = sorted(m for m in loaded if m.partition(".")[0] in FORBIDDEN)
    assert found == []
