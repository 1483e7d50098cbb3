"""The lenient base model: unknown fields are allowed and kept (providers add fields all the time)."""

from __future__ import annotations

try:
    from pydantic import BaseModel, ConfigDict, Field
except ImportError as exc:
    msg = 'sseparse.models needs pydantic: pip install "sseparse[models]"'
    raise ImportError(msg) from exc

__all__ = ["Field", "Model"]


class Model(BaseModel):
    """Base of every sseparse model: extra fields allowed and kept, so nothing on the wire is lost."""

    # defer_build: a model builds its validator on first use, so a stream pays only for the models it uses
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)
