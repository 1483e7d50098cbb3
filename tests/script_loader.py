"""Import a Python file that is not on the import path (a script of ``scripts/`` or ``tests/corpus/``)."""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


def load_file(path: Path, name: str) -> ModuleType:
    """Run the file at ``path`` as module ``name`` and return it (registered, as dataclasses need)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
