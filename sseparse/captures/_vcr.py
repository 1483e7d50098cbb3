"""VCR.py and pytest-recording YAML cassettes (needs PyYAML: ``pip install "sseparse[captures]"``).

The body of an interaction is ``response.body.string``: text, or ``!!binary`` base64 when it was not
UTF-8. Interactions whose ``Content-Type`` is not ``text/event-stream`` are skipped. A body that
cannot be decoded (bad base64, unknown compression) marks that interaction only.
"""

from __future__ import annotations

import gzip
import zlib
from typing import TYPE_CHECKING, Any

from sseparse.captures._model import CaptureError, MissingDependencyError, Response, parse_json

if TYPE_CHECKING:
    from sseparse.captures._source import Source

__all__ = ["read_vcr"]

NEEDS_YAML = 'reading VCR cassettes needs PyYAML: pip install "sseparse[captures]"'


class _BadBinary:
    """Stands for a ``!!binary`` scalar whose base64 is broken, so one bad body spoils nothing else."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _loader() -> Any:  # noqa: ANN401 - a PyYAML loader class
    try:
        import yaml  # noqa: PLC0415 - optional dependency
    except ImportError:
        raise MissingDependencyError(NEEDS_YAML) from None

    class Loader(yaml.SafeLoader):
        pass

    def binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes | _BadBinary:
        try:
            return loader.construct_yaml_binary(node)  # type: ignore[arg-type]
        except yaml.constructor.ConstructorError as exc:
            return _BadBinary(str(exc.problem))

    Loader.add_constructor("tag:yaml.org,2002:binary", binary)
    return Loader


def _headers(raw: Any) -> list[tuple[str, str]]:  # noqa: ANN401
    out: list[tuple[str, str]] = []
    if isinstance(raw, dict):
        for name, values in raw.items():
            out.extend((str(name), str(value)) for value in (values if isinstance(values, list) else [values]))
    return out


def _decompress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    msg = f"unsupported Content-Encoding {encoding!r}"
    raise ValueError(msg)


def _response(interaction: dict[str, Any], source: str, where: str, index: int) -> Response:
    request = interaction.get("request") or {}
    response = interaction.get("response") or {}
    status = response.get("status")
    body = response.get("body")
    request_body = request.get("body")
    if isinstance(request_body, dict):
        request_body = request_body.get("string")
    out = Response(
        capture_format="vcr",
        source=source,
        where=where,
        index=index,
        method=request.get("method"),
        url=request.get("uri"),
        request_json=request.get("parsed_body") or parse_json(request_body if isinstance(request_body, (str, bytes)) else None),
        status=status.get("code") if isinstance(status, dict) else status if isinstance(status, int) else None,
        headers=_headers(response.get("headers")),
    )
    string = body.get("string") if isinstance(body, dict) else body
    if isinstance(string, _BadBinary):
        out._body = b""  # noqa: SLF001
        out.error = f"response.body.string is not valid base64 ({string.reason})"
        return out
    payload = string.encode("utf-8", "surrogatepass") if isinstance(string, str) else string if isinstance(string, bytes) else b""
    encoding = (out.header("content-encoding") or "").lower()
    if encoding and encoding != "identity" and payload:
        try:
            payload = _decompress(payload, encoding)
        except (OSError, ValueError, zlib.error) as exc:
            out._body = b""  # noqa: SLF001
            out.error = f"the {encoding} body cannot be decompressed ({exc})"
            return out
        out.notes.append(f"{encoding} body decompressed")
    out._body = payload  # noqa: SLF001
    return out


def read_vcr(src: Source) -> list[Response]:
    """Read a VCR cassette: one `Response` per SSE interaction."""
    loader = _loader()
    import yaml  # noqa: PLC0415 - optional dependency, present once _loader() returned

    try:
        document = yaml.load(src.read_all(), Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or exc
        raise CaptureError(f"broken YAML cassette{where}: {problem}", src.name) from None
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        raise CaptureError("YAML, but not a VCR cassette (no interactions list)", src.name)
    responses: list[Response] = []
    for i, interaction in enumerate(interactions):
        if not isinstance(interaction, dict):
            continue
        response = interaction.get("response") or {}
        content_type = next((v for k, v in _headers(response.get("headers")) if k.lower() == "content-type"), "")
        if content_type.lower().startswith("text/event-stream"):
            responses.append(_response(interaction, src.name, f"interactions[{i}]", len(responses)))
    if not responses:
        raise CaptureError(f"no SSE response among the {len(interactions)} interactions of this cassette", src.name)
    return responses
