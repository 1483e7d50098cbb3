"""The ``sseparse`` command: read captured streams, print their events, text, result or problems.

    sseparse events FILE...   JSON Lines, one object per event
    sseparse text FILE...     the answer text, written as it is decoded (``-`` reads stdin)
    sseparse result FILE...   one JSON object per response: format, end, text, tool calls, usage...
    sseparse check FILE...    every problem, with its byte offset and line number

Exit codes: 0 complete and clean; 1 truncated, an in-stream error, an unknown format, or problems
found (what was decoded is still printed); 2 usage error or unreadable input (one line on stderr, no
traceback).

Only the standard library is needed. With ``rich`` (``pip install "sseparse[cli]"``) a progress bar
is drawn on stderr when it is a terminal, stdout is not, and several inputs are read.
"""

from __future__ import annotations

import argparse
import glob
import importlib
import os
import re
import sys
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, Self

from sseparse import __version__
from sseparse.accumulators import formats
from sseparse.captures import CAPTURE_FORMATS, COMMANDS, DEFAULT_MAX_EVENT_SIZE, PROBLEM_KINDS, Outcome, process_capture
from sseparse.captures._run import plain_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = ["main"]

#: In a directory, files with these suffixes are read (a file named on the command line always is).
CAPTURE_SUFFIXES = frozenset({".sse", ".txt", ".har", ".yaml", ".yml", ".http", ".curl", ".log", ".trace", ".bin", ".events"})
STDIN = "-"

_HELP = {
    "events": "print every event as JSON Lines: event, data, id, retry (and capture when several)",
    "text": "print the accumulated answer text as it is decoded",
    "result": "print one JSON object per response: format, end, text, reasoning, tool calls, stop, usage, tokens, final",
    "check": "lint: every problem with its byte offset and line number",
}
_EPILOG = """\
FILE is a path, a directory (its capture files, recursively), a glob ("captures/**/*.har") or -
for standard input, read as it arrives: curl -N URL | sseparse text -

exit status: 0 complete and clean; 1 truncated, in-stream error, unknown format or problems found
(what was decoded is still printed); 2 usage error or unreadable input."""
_SIZE = re.compile(r"(\d{1,15})\s*([kmg]i?b?|b)?", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


class _Marker(str):
    """A name `expand` yields for what is not a capture file: a folder without any, or one it cannot read."""

    __slots__ = ("message",)

    message: str

    def __new__(cls, name: str, message: str) -> Self:
        marker = super().__new__(cls, name)
        marker.message = message
        return marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Marker, (str(self), self.message))


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
        _common_options(sub)
        _COMMAND_OPTIONS.get(command, _no_options)(sub)
        sub.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N", help="process N inputs at once, in N processes")
        sub.add_argument("-q", "--quiet", action="store_true", help="no summary and no progress bar")
    return parser


def _common_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("files", nargs="+", metavar="FILE", help="capture file, directory, glob, or - for stdin")
    sub.add_argument(
        "--input-format",
        choices=["auto", *CAPTURE_FORMATS],
        default="auto",
        help="capture format (default: detected): " + "; ".join(f"{k}: {v}" for k, v in CAPTURE_FORMATS.items()),
    )
    # The old name of --input-format, kept so that scripts keep working.
    sub.add_argument("--format", dest="input_format", choices=["auto", *CAPTURE_FORMATS], help=argparse.SUPPRESS)
    sub.add_argument("--wire-format", metavar="NAME", help="LLM stream format, e.g. openai-chat (default: detected)")
    sub.add_argument(
        "--strict",
        action="store_true",
        help="apply the live-stream rule: discard an unfinished last event instead of dispatching it",
    )
    sub.add_argument(
        "--max-event-size",
        type=_size,
        default=DEFAULT_MAX_EVENT_SIZE,
        metavar="SIZE",
        help="drop and report an event larger than SIZE bytes (suffix K, M or G; 0: no limit; "
        f"default {DEFAULT_MAX_EVENT_SIZE >> 20}M)",
    )


def _no_options(sub: argparse.ArgumentParser) -> None:
    pass


def _text_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", action="store_true", help="JSON Lines output instead of human-readable text")
    sub.add_argument(
        "--choice",
        type=_choice,
        default=0,
        metavar="N",
        help="print answer N of a response with several (OpenAI n>1, Gemini candidates; default 0)",
    )


def _check_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", action="store_true", help="JSON Lines output instead of human-readable text")
    sub.add_argument(
        "--ignore",
        action="append",
        type=_kinds,
        default=[],
        metavar="KIND",
        help="leave out problems of this kind (repeat, or separate with commas), e.g. --ignore unknown-format,mixed-line-endings",
    )
    sub.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems are found (2 still means unreadable)")


_COMMAND_OPTIONS = {"text": _text_options, "check": _check_options}


def _choice(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 9:  # ASCII digits only: no sign, no spaces
        msg = f"--choice takes a choice index (0, 1, ...), not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return int(value)


def _jobs(value: str) -> int:
    jobs = int(value) if value.isascii() and value.isdigit() and len(value) <= 4 else 0
    if jobs < 1:
        msg = f"--jobs takes a positive integer up to 9999, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return jobs


def _size(value: str) -> int | None:
    match = _SIZE.fullmatch(value.strip())
    if match is None:
        msg = f"--max-event-size takes a size in bytes such as 65536, 64K, 64M or 1G (0: no limit), not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    size = int(match.group(1)) * _UNITS[(match.group(2) or "")[:1].lower()]
    return size or None


def _kinds(value: str) -> list[str]:
    kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
    unknown = [kind for kind in kinds if kind not in PROBLEM_KINDS]
    if unknown or not kinds:
        msg = f"--ignore takes problem kinds ({', '.join(sorted(PROBLEM_KINDS))}), not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return kinds


def expand(arguments: Sequence[str]) -> Iterator[str]:
    """Yield the inputs in order: ``-``, files, the capture files of directories (sorted), glob matches.

    A name that matches nothing is passed on as is, so that it is reported as missing. A directory
    without capture files, and a folder that cannot be read, come as a `_Marker` naming the problem.
    Hidden files and folders (``.name``) are skipped, and symbolic links to folders are not followed.
    """
    for argument in arguments:
        if argument == STDIN:
            yield argument
            continue
        path = Path(argument)
        if path.is_dir():
            found = _walk(argument)
            if not found:
                yield _Marker(
                    f"{argument}{os.sep}", f"no capture files in this directory ({', '.join(sorted(CAPTURE_SUFFIXES))})"
                )
            yield from found
        elif not path.exists() and glob.has_magic(argument):
            matches = sorted(p for p in glob.glob(argument, recursive=True) if Path(p).is_file())  # noqa: PTH207 - any glob, not one under a base
            yield from matches or [argument]
        else:
            yield argument


def _walk(top: str) -> list[str]:
    """Return the capture files under ``top`` and a `_Marker` for each folder that could not be read, sorted."""
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        name = error.filename if isinstance(error.filename, str) else top
        found.append(_Marker(name, f"cannot read this folder: {error.strerror or error}"))

    for folder, folders, files in os.walk(top, onerror=unreadable):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(
            path
            for path in (os.path.join(folder, name) for name in files if not name.startswith("."))  # noqa: PTH118 - strings
            if Path(path).suffix.lower() in CAPTURE_SUFFIXES and Path(path).is_file()  # not a FIFO: reading one would block
        )
    return sorted(found)


class _Output:
    """UTF-8 to stdout whatever the locale, flushed per write so pipes see text as it is decoded."""

    def __init__(self, stream: IO[str]) -> None:
        self._buffer = getattr(stream, "buffer", None)
        self._stream = stream

    def write(self, text: str) -> None:
        text = plain_text(text)  # a lone surrogate (from a file name, say) cannot be written as UTF-8
        if self._buffer is not None:
            self._buffer.write(text.encode("utf-8"))
            self._buffer.flush()
        else:
            self._stream.write(text)
            self._stream.flush()

    def lines(self, lines: list[str]) -> None:
        if lines:
            self.write("".join(line + "\n" for line in lines))


class _Progress:
    """A progress bar on stderr: rich (``sseparse[cli]``), else tqdm, else none.

    Drawn only when stderr is a terminal and stdout is not: output written to the terminal the bar
    is drawn on would be garbled by it. Messages for stderr go through the bar, above it.
    """

    def __init__(self, total: int, enabled: bool) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._tqdm: Any = None
        if not enabled or total < 2 or not sys.stderr.isatty() or sys.stdout.isatty():
            return
        try:
            from rich.console import Console  # noqa: PLC0415 - optional: pip install "sseparse[cli]"
            from rich.progress import Progress  # noqa: PLC0415
        except ImportError:
            try:
                self._tqdm = importlib.import_module("tqdm").tqdm
            except ImportError:
                return
            self._bar = self._tqdm(total=total, file=sys.stderr, leave=False, unit="capture")
            return
        self._bar = Progress(transient=True, console=Console(stderr=True), redirect_stdout=False, redirect_stderr=False)
        self._task = self._bar.add_task("captures", total=total)
        self._bar.start()

    def message(self, line: str) -> None:
        """Write one line to stderr, above the bar when there is one."""
        if self._task is not None:
            self._bar.console.print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)
        elif self._bar is not None:
            self._tqdm.write(line, file=sys.stderr)
        else:
            _err(line)

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
        if problems or failing:
            text += f"; {problems} problem{'s' * (problems != 1)} in {failing} input{'s' * (failing != 1)}"
        else:
            text += "; no problems found"
    return text


def _inputs(args: argparse.Namespace) -> list[str]:
    """Expand the FILE arguments and check what argparse cannot."""
    inputs = list(expand(args.files))
    if inputs.count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    if args.wire_format is not None and args.wire_format not in formats():
        raise UsageError(f"unknown --wire-format {args.wire_format!r}: choose one of {', '.join(formats())}")
    return inputs


def _options(args: argparse.Namespace, several: bool) -> dict[str, Any]:
    """Return the keyword arguments of `process_capture` that the command line sets."""
    options: dict[str, Any] = {
        "capture_format": None if args.input_format in {None, "auto"} else args.input_format,
        "wire_format": args.wire_format,
        "strict": args.strict,
        "as_json": getattr(args, "json", False),
        "label": several,
        "max_event_size": args.max_event_size,
    }
    if args.command == "text":
        options["choice"] = args.choice
    if args.command == "check":
        options["ignore"] = frozenset(kind for kinds in args.ignore for kind in kinds)
    return options


def _run_here(name: str, job: Callable[..., Outcome], out: _Output) -> Outcome:
    """Process one input in this process, writing its output as it is decoded."""
    if name == STDIN:
        return job(sys.stdin.buffer, name="<stdin>", write=out.write)
    if isinstance(name, _Marker):
        return Outcome(name, code=2, messages=[f"{name}: {name.message}"], counts={"unreadable": 1})
    return job(name, write=out.write)


def _run_batch(job: Callable[..., Outcome], names: list[str]) -> list[Outcome]:
    """Process a batch of inputs in a worker process (one task: no per-file round trip)."""
    return [job(name) for name in names]


#: A batch holds inputs adding up to about this share of all the bytes to read, per process: large
#: files go alone and many small ones together, so the processes stay busy and output keeps flowing.
_BATCHES_PER_JOB = 8
_MAX_BATCH = 256


def batches(names: list[str], jobs: int) -> list[list[str]]:
    """Cut ``names`` (in order) into batches of about equal size in bytes, for ``jobs`` processes."""
    sizes = []
    for name in names:
        try:
            sizes.append(max(os.stat(name).st_size, 1))  # noqa: PTH116 - a plain stat per input: thousands of them
        except OSError:
            sizes.append(1)  # reported by the worker
    target = max(sum(sizes) // (jobs * _BATCHES_PER_JOB), 1)
    out: list[list[str]] = []
    batch: list[str] = []
    total = 0
    for name, size in zip(names, sizes, strict=True):
        if batch and (total + size > target or len(batch) >= _MAX_BATCH):
            out.append(batch)
            batch, total = [], 0
        batch.append(name)
        total += size
    if batch:
        out.append(batch)
    return out


class _Reporter:
    """Writes each outcome's output and messages as it comes, in input order, and keeps the outcomes."""

    def __init__(self, out: _Output, total: int, quiet: bool) -> None:
        self.out = out
        self.total = total
        self.quiet = quiet
        self.outcomes: list[Outcome] = []
        self.progress: _Progress | None = None

    def start(self) -> None:
        self.progress = _Progress(self.total, enabled=not self.quiet)

    def __call__(self, outcome: Outcome) -> None:
        self.out.lines(outcome.lines)
        for message in outcome.messages:
            self._message(f"sseparse: {message}")
        self.outcomes.append(outcome)
        if self.progress is not None:
            self.progress.advance()

    def _message(self, line: str) -> None:
        if self.progress is not None:
            self.progress.message(line)
        else:
            _err(line)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _run_pooled(inputs: list[str], args: argparse.Namespace, job: Callable[..., Outcome], report: _Reporter) -> None:
    """``--jobs N``: the files in batches on N processes, the rest (stdin, markers) here, output in input order."""
    pooled = [name for name in inputs if name != STDIN and not isinstance(name, _Marker)]
    units: list[list[str] | str] = []
    position = 0
    for batch in batches(pooled, args.jobs):
        while inputs[position] != batch[0]:
            units.append(inputs[position])
            position += 1
        units.append(batch)
        position += len(batch)
    units.extend(inputs[position:])
    work = [unit for unit in units if isinstance(unit, list)]
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 - only with --jobs: 30 ms of imports otherwise

    with ProcessPoolExecutor(max_workers=min(args.jobs, len(work))) as pool:
        results = pool.map(partial(_run_batch, job), work)  # the workers start here, before any thread of the bar
        report.start()
        for unit in units:
            if isinstance(unit, list):
                for outcome in next(results):
                    report(outcome)
            else:
                report(_run_here(unit, job, report.out))


def _run(args: argparse.Namespace, out: _Output) -> int:
    inputs = _inputs(args)
    several = len(inputs) > 1
    job: Callable[..., Outcome] = partial(process_capture, command=args.command, **_options(args, several))
    report = _Reporter(out, len(inputs), args.quiet)
    files = sum(1 for name in inputs if name != STDIN and not isinstance(name, _Marker))
    try:
        if args.jobs > 1 and files > 1:
            _run_pooled(inputs, args, job, report)
        else:
            report.start()
            for name in inputs:
                report(_run_here(name, job, out))
    finally:
        report.stop()
    code = max(o.code for o in report.outcomes)
    if (several or (args.command == "check" and code == 0)) and not args.quiet:  # check says when all is well
        _err(_summary(report.outcomes, args.command))
    return 0 if code == 1 and getattr(args, "exit_zero", False) else code


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
