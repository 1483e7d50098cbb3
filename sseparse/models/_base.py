"""The lenient base model: unknown fields are allowed and kept (providers add fields all the time)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    """Base of every sseparse model: extra fields allowed and kept, so nothing on the wire is lost."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
