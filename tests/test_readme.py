"""The README's example runs and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_python_example_runs_and_prints_what_it_claims() -> None:
    """The Python block of README.md executes from the repository root with the output its comments show."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1
    out = io.StringIO()
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(blocks[0], "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert lines[0] == "hello "
    assert lines[1] == "[DONE] 7"
    assert lines[2].startswith("complete stop Server-Sent Events")


def test_readme_opens_with_exactly_the_two_setup_commands() -> None:
    """The first code block holds the install-and-run command and the test command, nothing else."""
    first = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)[0]
    commands = first.strip().splitlines()
    assert len(commands) == 2
    assert "sseparse text examples/" in commands[0]
    assert commands[1].endswith("python -m pytest -n auto")
