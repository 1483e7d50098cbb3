"""VCR.py and pytest-recording YAML cassettes (needs PyYAML: ``pip install "sseparse[captures]"``).

The body of an interaction is ``response.body.string``: text, or ``!!binary`` base64 when it was not
UTF-8. Interactions whose ``Content-Type`` is not ``text/event-stream`` are skipped. A body that
cannot be decoded (bad base64, unknown compression) marks that interaction only.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

from sseparse.captures._errors import CaptureError, MissingDependencyError
from sseparse.captures._fields import boolean_free_int, fits, mapping, sequence, text
from sseparse.captures._model import Response, parse_json

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sseparse.captures._source import Source

__all__ = ["MAX_INFLATED_SIZE", "read_vcr"]

NEEDS_YAML = 'reading VCR cassettes needs PyYAML: pip install "sseparse[captures]"'
#: A compressed body is inflated up to this many bytes; past it, reading stops with `CaptureError`.
MAX_INFLATED_SIZE = 256 << 20
_PIECE = 64 * 1024  # inflated bytes handed on at a time
# zlib window bits: gzip header and trailer, zlib header (RFC 1950) or raw deflate (what some servers send).
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


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


def _headers(raw: object) -> list[tuple[str, str]]:
    """Header name/value pairs: a mapping of names to a string or a list of strings (other values are skipped)."""
    out: list[tuple[str, str]] = []
    for name, values in mapping(raw).items():
        if not isinstance(name, str):
            continue
        listed = values if isinstance(values, list) else [values]
        out.extend((name, str(value)) for value in listed if isinstance(value, (str, int)) and not isinstance(value, bool))
    return out


def _inflate(payload: bytes, encoding: str, source: str) -> Iterator[bytes]:
    """Yield the inflated body in pieces; stop with `CaptureError` at damage or past `MAX_INFLATED_SIZE` bytes."""
    limit = MAX_INFLATED_SIZE
    inflater = zlib.decompressobj(_WBITS[encoding])
    size = 0
    data = payload
    while not inflater.eof:
        try:
            piece = inflater.decompress(data, _PIECE)
        except zlib.error as exc:
            msg = f"the {encoding} body is damaged after {size} bytes ({exc})"
            raise CaptureError(msg, source) from None
        data = inflater.unconsumed_tail
        size += len(piece)
        if size > limit:
            yield piece[: len(piece) - (size - limit)]  # everything up to the cap
            msg = f"the {encoding} body inflates past {limit} bytes: read stopped there (a decompression bomb?)"
            raise CaptureError(msg, source)
        if not piece and not data:
            break
        if piece:
            yield piece
    if not inflater.eof:
        msg = f"the {encoding} body is cut short after {size} bytes"
        raise CaptureError(msg, source)


def _status(raw: object) -> int | None:
    """``status: {code: 200, message: OK}`` (VCR.py) or ``status: 200``; None when it is neither."""
    return boolean_free_int(mapping(raw).get("code") if isinstance(raw, dict) else raw, 0, 999)


def _request_json(request: dict[str, Any]) -> Any:  # noqa: ANN401 - JSON
    parsed = request.get("parsed_body")
    if isinstance(parsed, (dict, list)):
        return parsed if fits(parsed) else None  # YAML aliases can make a small cassette hold a huge value
    body = request.get("body")
    if isinstance(body, dict):
        body = body.get("string")
    return parse_json(body if isinstance(body, (str, bytes)) else None)


def _response(interaction: dict[str, Any], source: str, where: str, index: int) -> Response:
    request = mapping(interaction.get("request"))
    response = mapping(interaction.get("response"))
    headers = _headers(response.get("headers"))
    meta: dict[str, Any] = {
        "capture_format": "vcr",
        "source": source,
        "where": where,
        "index": index,
        "method": text(request.get("method")),
        "url": text(request.get("uri")),
        "request_json": _request_json(request),
        "status": _status(response.get("status")),
        "headers": headers,
    }
    body = response.get("body")
    string = body.get("string") if isinstance(body, dict) else body
    if isinstance(string, _BadBinary):
        return Response(**meta, error=f"response.body.string is not valid base64 ({string.reason})")
    payload = string.encode("utf-8", "surrogatepass") if isinstance(string, str) else string if isinstance(string, bytes) else b""
    encoding = next((value for name, value in headers if name.lower() == "content-encoding"), "").strip().lower()
    if not encoding or encoding == "identity" or not payload:
        return Response(**meta, data=payload)
    if encoding not in _WBITS:
        return Response(**meta, error=f"the body cannot be decompressed (unsupported Content-Encoding {encoding!r})")
    notes = [f"{encoding} body decompressed"]
    return Response(**meta, notes=notes, stream=lambda: _inflate(payload, encoding, source))


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
    except RecursionError:
        raise CaptureError("broken YAML cassette: nested too deep", src.name) from None
    except (ValueError, TypeError) as exc:  # a number too long to convert, an unhashable key...
        raise CaptureError(f"broken YAML cassette: {exc}", src.name) from None
    interactions = mapping(document).get("interactions")
    if not isinstance(interactions, list):
        raise CaptureError("YAML, but not a VCR cassette (no interactions list)", src.name)
    responses: list[Response] = []
    for i, interaction in enumerate(interactions):
        response = mapping(mapping(interaction).get("response"))
        content_type = next((v for k, v in _headers(response.get("headers")) if k.lower() == "content-type"), "")
        if content_type.lower().startswith("text/event-stream"):
            responses.append(_response(mapping(interaction), src.name, f"interactions[{i}]", len(responses)))
    if not responses:
        raise CaptureError(f"no SSE response among the {len(sequence(interactions))} interactions of this cassette", src.name)
    return responses
