"""The ``sseparse`` command: read captured streams, print their events, text, result or problems.

    sseparse events FILE...   JSON Lines, one object per event
    sseparse text FILE...     the answer text, written as it is decoded (``-`` reads stdin)
    sseparse result FILE...   one JSON object per response: format, end, text, tool calls, usage...
    sseparse check FILE...    every problem, with its byte offset and line number

Exit codes: 0 complete and clean; 1 truncated, an in-stream error, or problems found (what was
decoded is still printed); 2 usage error or unreadable input (one line on stderr, no traceback).

Only the standard library is needed. With ``rich`` (``pip install "sseparse[cli]"``) a progress bar
is drawn on stderr when it is a terminal and several inputs are read.
"""

from __future__ import annotations

import argparse
import glob
import importlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from sseparse import __version__
from sseparse.accumulators import formats
from sseparse.captures import CAPTURE_FORMATS, COMMANDS, Outcome, process_capture

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["main"]

#: In a directory, files with these suffixes are read (a file named on the command line always is).
CAPTURE_SUFFIXES = frozenset({".sse", ".txt", ".har", ".yaml", ".yml", ".http", ".curl", ".log", ".trace", ".bin", ".events"})
STDIN = "-"

_HELP = {
    "events": "print every event as JSON Lines: event, data, id, retry (and capture when several)",
    "text": "print the accumulated answer text as it is decoded",
    "result": "print one JSON object per response: format, end, text, reasoning, tool_calls, finish_reason, usage, error, final",
    "check": "lint: every problem with its byte offset and line number",
}
_EPILOG = """\
FILE is a path, a directory (its capture files, recursively), a glob ("captures/**/*.har") or -
for standard input, read as it arrives: curl -N URL | sseparse text -

exit status: 0 complete and clean; 1 truncated, in-stream error or problems found (what was
decoded is still printed); 2 usage error or unreadable input."""


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _empty_directory(name: str) -> bool:
    """Tell whether ``name`` is the marker `expand` yields for a directory without capture files."""
    return name.endswith(os.sep) and Path(name).is_dir()


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


class UsageError(Exception):
    """A command-line mistake: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sseparse",
        description="Read captured Server-Sent Events streams (raw bodies, curl output, HAR, VCR cassettes) "
        "and print their events, text, accumulated result or problems.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sseparse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        sub = commands.add_parser(
            command,
            help=_HELP[command],
            description=_HELP[command] + ".",
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("files", nargs="+", metavar="FILE", help="capture file, directory, glob, or - for stdin")
        sub.add_argument(
            "--format",
            choices=["auto", *CAPTURE_FORMATS],
            default="auto",
            help="capture format (default: detected): " + "; ".join(f"{k}: {v}" for k, v in CAPTURE_FORMATS.items()),
        )
        sub.add_argument("--wire-format", metavar="NAME", help="LLM stream format, e.g. openai-chat (default: detected)")
        sub.add_argument(
            "--strict",
            action="store_true",
            help="apply the live-stream rule: discard an unfinished last event instead of dispatching it",
        )
        if command in {"text", "check"}:
            sub.add_argument("--json", action="store_true", help="JSON Lines output instead of human-readable text")
        if command == "text":
            sub.add_argument(
                "--choice",
                type=_choice,
                default=0,
                metavar="N",
                help="print answer N of a response with several (OpenAI n>1, Gemini candidates; default 0)",
            )
        sub.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N", help="process N inputs at once, in N processes")
        sub.add_argument("-q", "--quiet", action="store_true", help="no summary and no progress bar")
    return parser


def _choice(value: str) -> int:
    if not (value.isascii() and value.isdigit()):  # ASCII digits only: no sign, no spaces
        msg = f"--choice takes a choice index (0, 1, ...), not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return int(value)


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        msg = f"--jobs takes a positive integer, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return jobs


def expand(arguments: Sequence[str]) -> Iterator[str]:
    """Yield the inputs in order: ``-``, files, the capture files of directories (sorted), glob matches.

    A name that matches nothing is passed on as is, so that it is reported as missing.
    """
    for argument in arguments:
        if argument == STDIN:
            yield argument
            continue
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in CAPTURE_SUFFIXES and not _hidden(p.relative_to(path))
            )
            if not found:
                yield f"{argument}{os.sep}"  # reported: no capture files in it
            yield from found
        elif not path.exists() and glob.has_magic(argument):
            matches = sorted(p for p in glob.glob(argument, recursive=True) if Path(p).is_file())  # noqa: PTH207 - any glob, not one under a base
            yield from matches or [argument]
        else:
            yield argument


class _Output:
    """UTF-8 to stdout whatever the locale, flushed per write so pipes see text as it is decoded."""

    def __init__(self, stream: IO[str]) -> None:
        self._buffer = getattr(stream, "buffer", None)
        self._stream = stream

    def write(self, text: str) -> None:
        if self._buffer is not None:
            self._buffer.write(text.encode("utf-8", "surrogateescape"))
            self._buffer.flush()
        else:
            self._stream.write(text)
            self._stream.flush()

    def lines(self, lines: list[str]) -> None:
        if lines:
            self.write("".join(line + "\n" for line in lines))


class _Progress:
    """A progress bar on stderr when it is a terminal: rich (``sseparse[cli]``), else tqdm, else none."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        self._task: Any = None
        if not enabled or total < 2 or not sys.stderr.isatty():
            return
        try:
            from rich.console import Console  # noqa: PLC0415 - optional: pip install "sseparse[cli]"
            from rich.progress import Progress  # noqa: PLC0415
        except ImportError:
            try:
                tqdm = importlib.import_module("tqdm").tqdm
            except ImportError:
                return
            self._bar = tqdm(total=total, file=sys.stderr, leave=False, unit="capture")
            return
        self._bar = Progress(transient=True, console=Console(stderr=True))
        self._task = self._bar.add_task("captures", total=total)
        self._bar.start()

    def advance(self) -> None:
        if self._task is not None:
            self._bar.advance(self._task)
        elif self._bar is not None:
            self._bar.update(1)

    def stop(self) -> None:
        if self._task is not None:
            self._bar.stop()
        elif self._bar is not None:
            self._bar.close()


def _summary(outcomes: list[Outcome], command: str) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        for key, value in outcome.counts.items():
            counts[key] = counts.get(key, 0) + value
    responses = sum(v for k, v in counts.items() if k != "problems")
    parts = [f"{counts[k]} {k}" for k in ("complete", "truncated", "error", "unreadable") if counts.get(k)]
    text = f"sseparse {command}: {len(outcomes)} input{'s' * (len(outcomes) != 1)}, {responses} response{'s' * (responses != 1)}"
    if parts:
        text += ": " + ", ".join(parts)
    if command == "check":
        failing = sum(1 for o in outcomes if o.code)
        problems = counts.get("problems", 0)
        text += f"; {problems} problem{'s' * (problems != 1)} in {failing} input{'s' * (failing != 1)}"
    return text


def _inputs(args: argparse.Namespace) -> list[str]:
    """Expand the FILE arguments and check what argparse cannot."""
    inputs = list(expand(args.files))
    if inputs.count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    if args.wire_format is not None and args.wire_format not in formats():
        raise UsageError(f"unknown --wire-format {args.wire_format!r}: choose one of {', '.join(formats())}")
    return inputs


def _run_here(name: str, job: Callable[..., Outcome], out: _Output) -> Outcome:
    """Process one input in this process, writing its output as it is decoded."""
    if name == STDIN:
        return job(sys.stdin.buffer, name="<stdin>", write=out.write)
    if _empty_directory(name):
        message = f"{name}: no capture files in this directory ({', '.join(sorted(CAPTURE_SUFFIXES))})"
        return Outcome(name, code=2, messages=[message], counts={"unreadable": 1})
    return job(name, write=out.write)


def _run(args: argparse.Namespace, out: _Output) -> int:
    inputs = _inputs(args)
    several = len(inputs) > 1
    options: dict[str, Any] = {
        "capture_format": None if args.format == "auto" else args.format,
        "wire_format": args.wire_format,
        "strict": args.strict,
        "as_json": getattr(args, "json", False),
        "label": several,
    }
    if args.command == "text":
        options["choice"] = args.choice
    job: Callable[..., Outcome] = partial(process_capture, command=args.command, **options)
    progress: _Progress | None = None
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        out.lines(outcome.lines)
        for message in outcome.messages:
            _err(f"sseparse: {message}")
        outcomes.append(outcome)
        if progress is not None:
            progress.advance()

    pooled = [name for name in inputs if name != STDIN and not _empty_directory(name)] if args.jobs > 1 else []
    try:
        if len(pooled) > 1:
            with ProcessPoolExecutor(max_workers=min(args.jobs, len(pooled))) as pool:
                results = iter(pool.map(job, pooled))  # the workers start here, before any thread of the bar
                progress = _Progress(len(inputs), enabled=not args.quiet)
                for name in inputs:
                    report(next(results) if name in pooled else _run_here(name, job, out))
        else:
            progress = _Progress(len(inputs), enabled=not args.quiet)
            for name in inputs:
                report(_run_here(name, job, out))
    finally:
        if progress is not None:
            progress.stop()
    if several and not args.quiet:
        _err(_summary(outcomes, args.command))
    return max(o.code for o in outcomes)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        return _run(args, _Output(sys.stdout))
    except UsageError as exc:
        _err(f"sseparse: error: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
