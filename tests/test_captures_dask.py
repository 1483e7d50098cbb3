"""docs/captures-dask.md: the per-capture function on a Dask LocalCluster gives the command's JSON Lines.

The recipe's code block is taken from the page and run as it is, so the page cannot drift from
what works.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from sseparse.captures import Outcome, process_capture

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "captures-dask.md"


def recipe() -> str:
    """The first ``python`` code block of the page (the one its ``skip: next`` leaves to this test)."""
    match = re.search(r"^```python\n(.*?)^```", PAGE.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)
    assert match is not None, "docs/captures-dask.md lost its python block"
    return match.group(1)


def test_the_per_capture_function_and_its_outcome_pickle() -> None:
    """What Dask ships to workers and back -- the function and its Outcome -- survives pickling."""
    function = pickle.loads(pickle.dumps(process_capture))
    outcome = function(str(ROOT / "examples" / "openai-chat.sse"), "result", label=True)
    assert isinstance(outcome, Outcome)
    assert pickle.loads(pickle.dumps(outcome)) == outcome
    assert outcome.code == 0
    assert outcome.counts == {"complete": 1}


@pytest.mark.slow
def test_dask_recipe_gives_the_same_json_lines_as_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's recipe runs on a LocalCluster and asserts its lines equal ``sseparse result``'s."""
    pytest.importorskip("dask.bag")
    pytest.importorskip("dask.distributed")
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(recipe(), str(PAGE), "exec"), namespace)  # our own documentation
    lines = namespace["lines"]
    assert isinstance(lines, list)
    assert len(lines) >= 6  # one record per SSE response of the example captures
