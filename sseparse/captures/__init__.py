"""sseparse.captures: turn saved streams back into SSE responses.

Reads a raw body (``curl -N -o x.sse``), ``curl -i`` / ``-v`` / ``--trace`` output, HAR 1.2 files and
VCR.py / pytest-recording cassettes (PyYAML: ``pip install "sseparse[captures]"``), detecting the
format or taking it by name. Each SSE response found comes back as a `Response` holding its body and
what the capture knows about the request and the response.

`analyse` runs one response through the decoder and the accumulator, the way the ``sseparse``
command does; `process_capture` is the command's pure per-file function (JSON-ready records), which
also runs unchanged on a process pool or a Dask cluster (see docs/captures-dask.md).

This subpackage is not imported by ``import sseparse``.
"""

from __future__ import annotations

from sseparse.captures._analyse import DEFAULT_MAX_EVENT_SIZE, MAX_PROBLEMS_PER_KIND, PROBLEM_KINDS, Analysis, Problem, analyse
from sseparse.captures._errors import CaptureError, MissingDependencyError
from sseparse.captures._model import CAPTURE_FORMATS, Response
from sseparse.captures._read import detect_format, read
from sseparse.captures._run import COMMANDS, Outcome, process_capture
from sseparse.captures._vcr import MAX_INFLATED_SIZE

__all__ = [
    "CAPTURE_FORMATS",
    "COMMANDS",
    "DEFAULT_MAX_EVENT_SIZE",
    "MAX_INFLATED_SIZE",
    "MAX_PROBLEMS_PER_KIND",
    "PROBLEM_KINDS",
    "Analysis",
    "CaptureError",
    "MissingDependencyError",
    "Outcome",
    "Problem",
    "Response",
    "analyse",
    "detect_format",
    "process_capture",
    "read",
]
