"""The ``sseparse`` command line, run for real in a subprocess (``python -m sseparse`` and the script).

The contract: ``events`` / ``text`` / ``result`` / ``check``; exit 0 complete and clean, 1 truncated,
error or problems (what was decoded still printed), 2 usage error or unreadable input with one line on
stderr and no traceback; many inputs give JSON Lines, a summary, and the same output with ``--jobs``.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from examples.make_captures import (
    CHAT_REQUEST,
    CHAT_URL,
    anthropic_tool_body,
    curl_include,
    har,
    har_entry,
    openai_chat_body,
    vcr_cassette,
    vcr_interaction,
)
from sseparse import accumulate, cli

ROOT = Path(__file__).resolve().parents[1]
CHAT = openai_chat_body()
CHAT_TEXT = "Server-Sent Events keep one HTTP response open and write `data:` lines to it, one blank line after each event."
TOOL_TEXT = "Let me look up the weather in Zürich."
ENV = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}  # output must be UTF-8 whatever the locale


def run(*args: str | Path, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sseparse ARGS`` and return the finished process (text, UTF-8)."""
    result = subprocess.run(
        [sys.executable, "-m", "sseparse", *map(str, args)],
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env=ENV,
        timeout=60,
        check=False,
    )
    out = subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out


def jsonl(text: str) -> list[dict[str, Any]]:
    """Parse JSON Lines output."""
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of captures: raw, curl -i, HAR, VCR, and a raw body without its final blank line."""
    files = {
        "chat.sse": CHAT,
        "tool.sse": anthropic_tool_body(final_blank_line=False),
        "chat.curl.txt": curl_include(CHAT),
        "both.har": har(
            [
                har_entry("https://x/session", b"{}", mime="application/json"),
                har_entry(CHAT_URL, CHAT, request=CHAT_REQUEST),
                har_entry("https://x/messages", anthropic_tool_body(), base64_body=True),
            ]
        ),
        "cassette.yaml": vcr_cassette([vcr_interaction(CHAT_URL, CHAT, request=CHAT_REQUEST)]),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


# -- help and usage errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["events"], ["text"], ["result"], ["check"]])
def test_help_everywhere(command: list[str]) -> None:
    """``--help`` works for the program and each command, and exits 0."""
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: sseparse" in result.stdout
    assert "exit status" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "usage: sseparse"),
        (["texx", "a.sse"], "invalid choice: 'texx'"),
        (["text"], "the following arguments are required: FILE"),
        (["text", "--jobs", "0", "x"], "--jobs takes a positive integer"),
        (["text", "--format", "pcap", "x"], "invalid choice: 'pcap'"),
        (["text", "--wire-format", "morse", "examples/openai-chat.sse"], "unknown --wire-format 'morse'"),
        (["text", "-", "-"], "can be given only once"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    """A usage mistake is exit status 2 and a message on stderr (one line, unless no command was given)."""
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    if args:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_version() -> None:
    """``--version`` names the package version."""
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sseparse 0.")


# -- the four commands on one file ---------------------------------------------------------------------------


def test_events_are_json_lines(corpus: Path) -> None:
    """``events``: one object per event with event, data, id and retry (no capture for one input)."""
    result = run("events", corpus / "chat.sse")
    assert result.returncode == 0
    events = jsonl(result.stdout)
    assert events[-1] == {"event": "message", "data": "[DONE]", "id": "", "retry": None}
    assert all(set(e) == {"event", "data", "id", "retry"} for e in events)
    assert len(events) == CHAT.count(b"\n\n")


def test_text_prints_the_answer(corpus: Path) -> None:
    """``text``: the accumulated answer text and a final newline, UTF-8 whatever the locale."""
    assert run("text", corpus / "chat.sse").stdout == CHAT_TEXT + "\n"
    assert run("text", corpus / "tool.sse").stdout == TOOL_TEXT + "\n"


def test_result_is_one_json_object_per_response(corpus: Path) -> None:
    """``result``: format, end, text, reasoning, tool calls, finish reason, usage, error, final."""
    result = run("result", corpus / "tool.sse")
    assert result.returncode == 0
    (record,) = jsonl(result.stdout)
    assert {"format", "end", "text", "reasoning", "tool_calls", "finish_reason", "usage", "error", "final"} <= set(record)
    assert (record["format"], record["end"], record["text"], record["finish_reason"]) == (
        "anthropic-messages",
        "complete",
        TOOL_TEXT,
        "tool_use",
    )
    assert record["tool_calls"] == [
        {"index": 0, "id": "toolu_example1", "name": "get_weather", "arguments": '{"city": "Zürich", "unit": "celsius"}'}
    ]
    assert record["usage"]["output_tokens"] == 38


def test_check_reports_places_and_exits_1(corpus: Path) -> None:
    """``check`` warns about the last event without its blank line, with line and byte offset."""
    body = anthropic_tool_body(final_blank_line=False)
    offset = body.rindex(b"event: message_stop")
    line = body.count(b"\n", 0, offset) + 1
    result = run("check", corpus / "tool.sse")
    assert result.returncode == 1
    assert result.stdout.startswith(f"{corpus / 'tool.sse'}:{line}: warning: incomplete-event: ")
    assert f"(byte {offset})" in result.stdout
    (record,) = jsonl(run("check", "--json", corpus / "tool.sse").stdout)
    assert record["ok"] is False
    assert record["problems"][0] | {"message": ""} == {
        "kind": "incomplete-event",
        "severity": "warning",
        "message": "",
        "offset": offset,
        "line": line,
        "position": "file",
    }
    clean = run("check", corpus / "chat.sse")
    assert (clean.returncode, clean.stdout) == (0, "")


def test_strict_discards_the_unfinished_event(corpus: Path) -> None:
    """``--strict``: the live-stream rule, so a capture without its last blank line is truncated."""
    result = run("result", "--strict", corpus / "tool.sse")
    assert result.returncode == 1
    assert jsonl(result.stdout)[0]["end"] == "truncated"
    assert "truncated: no terminal marker" in result.stderr


@pytest.mark.parametrize("name", ["chat.curl.txt", "cassette.yaml"])
def test_containers_give_the_same_text(corpus: Path, name: str) -> None:
    """curl output and VCR cassettes are detected and give the same answer."""
    result = run("text", corpus / name)
    assert result.returncode == 0
    assert result.stdout == CHAT_TEXT + "\n"


def test_har_with_several_sse_entries_names_each_capture(corpus: Path) -> None:
    """A HAR holding two SSE responses labels each record with ``file#entries[i]``."""
    records = jsonl(run("result", corpus / "both.har").stdout)
    assert [r["capture"] for r in records] == [f"{corpus / 'both.har'}#entries[1]", f"{corpus / 'both.har'}#entries[2]"]
    assert [r["text"] for r in records] == [CHAT_TEXT, TOOL_TEXT]
    assert (records[0]["method"], records[0]["url"], records[0]["request"]) == ("POST", CHAT_URL, CHAT_REQUEST)
    events = jsonl(run("events", corpus / "both.har").stdout)
    assert {e["capture"] for e in events} == {r["capture"] for r in records}
    text = run("text", corpus / "both.har").stdout
    assert (
        text == f"==> {corpus / 'both.har'}#entries[1] <==\n{CHAT_TEXT}\n==> {corpus / 'both.har'}#entries[2] <==\n{TOOL_TEXT}\n"
    )


# -- damaged inputs ----------------------------------------------------------------------------------------


def test_truncated_json_keeps_what_was_decoded(tmp_path: Path) -> None:
    """A body cut inside the last event's JSON: the text so far is printed, exit 1, truncation said."""
    path = tmp_path / "cut.sse"
    path.write_bytes(CHAT[: CHAT.index(b'"finish_reason":"stop"') + 3])
    result = run("text", path)
    assert (result.returncode, result.stdout) == (1, CHAT_TEXT + "\n")
    assert result.stderr == f"sseparse: {path}: truncated: the last event is cut short\n"
    (record,) = jsonl(run("result", path).stdout)
    assert (record["end"], record["error"], record["truncated_event"]) == ("truncated", None, True)
    check = run("check", path).stdout
    assert "error: truncated: the last event is cut short" in check
    assert "invalid-json" not in check


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input: no SSE response"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a capture: binary data (starts with 89 50 4e 47"),
        (b'{"log": {"version": "1.2", "entries": [', "broken HAR file"),
        (b"interactions:\n- request: {method: GET\n", "broken YAML cassette at line"),
    ],
    ids=["empty", "binary-garbage", "har-cut-before-any-entry", "broken-yaml"],
)
def test_unreadable_inputs_exit_2_with_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    """Empty files, binary garbage and containers broken before any response: exit 2, one line."""
    path = tmp_path / "damaged.capture"
    path.write_bytes(data)
    for command in ("text", "check"):
        result = run(command, path)
        assert result.returncode == 2, command
        assert result.stdout == ""
        assert result.stderr == f"sseparse: {path}: {message}" + result.stderr.split(message, 1)[1]
        assert len(result.stderr.splitlines()) == 1


def test_missing_file_exits_2() -> None:
    """A missing file is unreadable input."""
    result = run("text", "no/such/file.sse")
    assert result.returncode == 2
    assert result.stderr == "sseparse: no/such/file.sse: No such file or directory\n"


def test_directory_without_captures_exits_2(tmp_path: Path) -> None:
    """A directory holding no capture files is reported, not silently skipped."""
    (tmp_path / "README.md").write_text("no captures here")
    result = run("text", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"sseparse: {tmp_path}{os.sep}: no capture files in this directory (.bin, .curl")


def test_bad_base64_entry_keeps_the_good_ones(tmp_path: Path) -> None:
    """A HAR entry with broken base64 is reported (exit 2); the good entry's result is still printed."""
    document = json.loads(har([har_entry(CHAT_URL, CHAT), har_entry(CHAT_URL, CHAT, base64_body=True)]))
    document["log"]["entries"][1]["response"]["content"]["text"] = (
        "!!!" + document["log"]["entries"][1]["response"]["content"]["text"]
    )
    path = tmp_path / "bad.har"
    path.write_text(json.dumps(document))
    result = run("result", path)
    assert result.returncode == 2
    good, bad = jsonl(result.stdout)
    assert good["text"] == CHAT_TEXT
    assert bad["error"]["type"] == "unreadable"
    assert result.stderr.startswith(f"sseparse: {path}#entries[1]: unreadable: response.content.text is not valid base64")


def test_vcr_without_pyyaml_exits_2_naming_the_extra(corpus: Path) -> None:
    """Without PyYAML a cassette is unreadable input, and the message says what to install."""
    code = "import sys; sys.modules['yaml'] = None; from sseparse.cli import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, "text", str(corpus / "cassette.yaml")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert (
        result.stderr
        == f'sseparse: {corpus / "cassette.yaml"}: reading VCR cassettes needs PyYAML: pip install "sseparse[captures]"\n'
    )


# -- many inputs ---------------------------------------------------------------------------------------------


def test_directory_mixing_good_and_bad_files(corpus: Path) -> None:
    """One bad file never stops the batch: every good result is printed, then a summary; exit 2."""
    (corpus / "empty.sse").write_bytes(b"")
    (corpus / "garbage.bin").write_bytes(bytes(range(256)))
    (corpus / "cut.sse").write_bytes(CHAT[:-30])
    (corpus / "notes.md").write_text("not a capture suffix: skipped in directories")
    result = run("result", corpus)
    assert result.returncode == 2
    records = jsonl(result.stdout)
    by_capture = {r["capture"]: r for r in records}
    assert by_capture[str(corpus / "chat.sse")]["end"] == "complete"
    assert by_capture[str(corpus / "cut.sse")]["end"] == "truncated"
    assert by_capture[str(corpus / "empty.sse")]["error"]["type"] == "unreadable"
    assert by_capture[str(corpus / "garbage.bin")]["error"]["message"].endswith("(use --format raw to decode it anyway)")
    assert not any("notes.md" in c for c in by_capture)
    assert len(records) == 9  # both.har has two responses
    assert result.stderr.splitlines()[-1] == "sseparse result: 8 inputs, 9 responses: 6 complete, 1 truncated, 2 unreadable"
    for name in ("empty.sse", "garbage.bin", "cut.sse"):
        assert f"sseparse: {corpus / name}: " in result.stderr


def test_globs_and_check_summary(corpus: Path) -> None:
    """Globs expand; ``check --json`` gives one record per response and a summary on stderr."""
    result = run("check", "--json", str(corpus / "*.sse"))
    assert result.returncode == 1
    records = jsonl(result.stdout)
    assert [Path(r["capture"]).name for r in records] == ["chat.sse", "tool.sse"]
    assert [r["ok"] for r in records] == [True, False]
    assert result.stderr.splitlines()[-1] == "sseparse check: 2 inputs, 2 responses: 2 complete; 1 problem in 1 input"


def test_jobs_give_the_same_output_in_the_same_order(corpus: Path) -> None:
    """``--jobs 2`` runs in several processes and prints exactly what one process prints."""
    (corpus / "cut.sse").write_bytes(CHAT[:-30])
    (corpus / "empty.sse").write_bytes(b"")
    (corpus / "open.har").write_bytes(har([har_entry(CHAT_URL, None)]))
    for command in ("result", "events", "check", "text"):
        one = run(command, corpus)
        two = run(command, "--jobs", "2", corpus)
        assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr), command


def test_no_progress_bar_when_stderr_is_not_a_terminal(corpus: Path) -> None:
    """The progress bar is for terminals only: a redirected stderr holds messages and the summary."""
    result = run("text", corpus)
    assert "\r" not in result.stderr
    assert "\x1b[" not in result.stderr
    assert result.stderr.splitlines() == ["sseparse text: 5 inputs, 6 responses: 6 complete"]


def text_on_a_terminal(corpus: Path, *, stdout_too: bool) -> tuple[subprocess.CompletedProcess[bytes], bytes]:
    """Run ``sseparse text corpus`` with stderr (and stdout if ``stdout_too``) on a pseudo-terminal.

    Returns the process and every byte the terminal received. Skips when rich is not installed.
    """
    pytest.importorskip("rich")
    import pty  # noqa: PLC0415 - POSIX only

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "sseparse", "text", str(corpus)],
            stdout=follower if stdout_too else subprocess.PIPE,
            stderr=follower,
            env={**ENV, "TERM": "xterm", "COLUMNS": "80"},
            timeout=60,
            check=False,
        )
        os.close(follower)
        drawn = b""
        while select.select([leader], [], [], 0.2)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    return proc, drawn


@pytest.mark.skipif(sys.platform == "win32", reason="uses a pseudo-terminal")
def test_progress_bar_on_a_terminal(corpus: Path) -> None:
    """With stderr on a terminal and rich installed, a progress bar is drawn there (stdout is untouched)."""
    proc, drawn = text_on_a_terminal(corpus, stdout_too=False)
    assert proc.returncode == 0
    assert proc.stdout.decode().count(CHAT_TEXT) == 4
    assert proc.stdout.decode().endswith(TOOL_TEXT + "\n")
    assert b"\x1b[" in drawn  # the bar's terminal control codes
    assert b"sseparse text: 5 inputs" in drawn


# -- standard input ----------------------------------------------------------------------------------------


def test_stdin_in_small_writes() -> None:
    """``-`` reads standard input; a body written a few bytes at a time gives the same answer."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sseparse", "text", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert proc.stdin is not None
    for i in range(0, len(CHAT), 7):
        proc.stdin.write(CHAT[i : i + 7])
        proc.stdin.flush()
    proc.stdin.close()
    assert proc.stdout is not None
    assert proc.stderr is not None
    with proc.stdout, proc.stderr:
        out, err = proc.stdout.read(), proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert (out.decode(), err) == (CHAT_TEXT + "\n", b"")


@pytest.mark.parametrize("wrap", ["raw", "curl"])
def test_stdin_prints_each_delta_as_it_arrives(wrap: str) -> None:
    """``curl -N ... | sseparse text -``: each text delta is printed before the next event is written."""
    events = [block + b"\n\n" for block in CHAT.split(b"\n\n") if block]
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n" if wrap == "curl" else b""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sseparse", "text", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    seen = b""
    try:
        proc.stdin.write(head + events[0])
        proc.stdin.flush()
        for event in events[1:]:
            choices = json.loads(event[6:]).get("choices") if event != b"data: [DONE]\n\n" else None
            expected = (choices[0]["delta"].get("content") or "") if choices else ""
            proc.stdin.write(event)
            proc.stdin.flush()
            deadline = time.monotonic() + 20
            while expected and not seen.decode("utf-8", "replace").endswith(expected):
                assert time.monotonic() < deadline, f"{expected!r} was not printed as it arrived (got {seen!r})"
                if select.select([proc.stdout], [], [], 0.5)[0]:
                    seen += os.read(proc.stdout.fileno(), 65536)
        proc.stdin.close()
        rest = proc.stdout.read()
        proc.wait(timeout=30)
    finally:
        proc.kill()
        proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
        proc.stdout.close()
    assert (seen + rest).decode() == CHAT_TEXT + "\n"
    assert proc.returncode == 0


# -- the installed console script ---------------------------------------------------------------------------


def test_installed_console_script(corpus: Path) -> None:
    """The ``sseparse`` script that ``pip install`` creates runs the same command line."""
    script = shutil.which("sseparse", path=str(Path(sys.executable).parent)) or shutil.which("sseparse")
    if script is None:
        pytest.skip("the sseparse script is not installed (pip install -e .)")
    result = subprocess.run([script, "text", str(corpus / "chat.sse")], capture_output=True, text=True, check=False, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, CHAT_TEXT + "\n", "")
    result = subprocess.run(
        [script, "text", str(corpus / "missing.sse")], capture_output=True, text=True, check=False, timeout=60
    )
    assert (result.returncode, result.stderr) == (2, f"sseparse: {corpus / 'missing.sse'}: No such file or directory\n")


def test_readme_first_command_on_the_examples() -> None:
    """``sseparse text examples/openai-chat.sse`` (the README's first command) prints the answer."""
    result = run("text", "examples/openai-chat.sse")
    assert (result.returncode, result.stdout) == (0, CHAT_TEXT + "\n")


def _two_choice_body() -> bytes:
    """An OpenAI Chat stream with n=2: the two answers' deltas interleaved."""

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": index, "delta": delta, "finish_reason": finish}
        payload = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]}
        return b"data: " + json.dumps(payload).encode() + b"\n\n"

    return b"".join(
        [
            chunk(0, {"role": "assistant", "content": "Hel"}),
            chunk(1, {"role": "assistant", "content": "Bon"}),
            chunk(0, {"content": "lo"}),
            chunk(1, {"content": "jour"}),
            chunk(0, {}, "stop"),
            chunk(1, {}, "stop"),
            b"data: [DONE]\n\n",
        ]
    )


def test_text_choice_picks_one_answer_of_several(tmp_path: Path) -> None:
    """``text --choice N`` prints answer N of an n>1 stream, from a file and streamed from stdin."""
    body = _two_choice_body()
    path = tmp_path / "two.sse"
    path.write_bytes(body)
    assert run("text", path).stdout == "Hello\n"
    assert run("text", "--choice", "0", path).stdout == "Hello\n"
    assert run("text", "--choice", "1", path).stdout == "Bonjour\n"
    assert run("text", "--choice", "1", "-", stdin=body).stdout == "Bonjour\n"
    assert jsonl(run("text", "--json", "--choice", "1", path).stdout)[0]["text"] == "Bonjour"


def test_text_choice_that_is_missing_exits_2_and_a_bad_one_is_a_usage_error(tmp_path: Path) -> None:
    """A choice the stream does not have prints no text and exits 2 with one line; a negative or non-numeric one too."""
    path = tmp_path / "two.sse"
    path.write_bytes(_two_choice_body())
    missing = run("text", "--choice", "5", path)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == f"sseparse: {path}: no answer 5 in this response (it has 2: 0 to 1)\n"
    for bad in ("-1", "x", "1.5", "²"):
        result = run("text", "--choice", bad, path)
        assert result.returncode == 2
        assert "--choice" in result.stderr


# -- unknown formats and the conventions of check (issues 13 and 19) ----------------------------------------


def main_in_process(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run the command line in this process (faster than a subprocess) and return code, stdout, stderr."""
    code = cli.main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "body",
    [b"data: hello\n\ndata: world\n\n", b'data: {"type":"text-delta","delta":"hi"}\n\ndata: {"type":"finish"}\n\n'],
    ids=["plain-text", "unknown-json"],
)
def test_an_unknown_format_is_not_complete(tmp_path: Path, body: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    """``result`` agrees with `accumulate`: end "error" with its unknown-format / invalid-json error, exit 1."""
    path = tmp_path / "unknown.sse"
    path.write_bytes(body)
    expected = accumulate(body)
    code, out, err = main_in_process(capsys, "result", path)
    record = json.loads(out)
    assert (code, record["format"], record["end"]) == (1, None, "error")
    assert expected.error is not None
    assert record["error"]["type"] == expected.error.type
    assert err.startswith(f"sseparse: {path}: error: not an LLM stream format sseparse knows")
    code, out, _ = main_in_process(capsys, "check", path)
    assert code == 1
    assert f"{path}: error: unknown-format: " in out
    code, out, err = main_in_process(capsys, "text", path)
    assert (code, out) == (1, "")
    code, out, err = main_in_process(capsys, "events", path)  # the SSE framing is fine: events say so
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 2


def test_check_ignore_and_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--ignore KIND`` leaves a kind out; ``--exit-zero`` exits 0 on problems but not on unreadable input."""
    path = tmp_path / "plain.sse"
    path.write_bytes(b"data: hello\r\ndata: world\n\n")  # an unknown format and mixed line endings
    code, out, _ = main_in_process(capsys, "check", path)
    assert code == 1
    assert {"unknown-format", "mixed-line-endings"} <= {line.split(": ")[2] for line in out.splitlines()}
    code, out, _ = main_in_process(capsys, "check", "--ignore", "unknown-format", path)
    assert code == 1
    assert "unknown-format" not in out
    code, out, err = main_in_process(capsys, "check", "--ignore", "unknown-format,mixed-line-endings", path)
    assert (code, out) == (0, "")
    assert err == "sseparse check: 1 input, 1 response: 1 error; no problems found\n"
    code, out, _ = main_in_process(capsys, "check", "--ignore", "unknown-format", "--ignore", "mixed-line-endings", path)
    assert (code, out) == (0, "")
    code, out, _ = main_in_process(capsys, "check", "--exit-zero", path)
    assert code == 0
    assert "unknown-format" in out
    code, _, err = main_in_process(capsys, "check", "--exit-zero", tmp_path / "missing.sse")
    assert code == 2
    code, _, err = main_in_process(capsys, "check", "--ignore", "no-such-kind", path)
    assert code == 2
    assert "--ignore takes problem kinds" in err


def test_check_says_when_all_is_well(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = main_in_process(capsys, "check", corpus / "chat.sse")
    assert (code, out) == (0, "")
    assert err == "sseparse check: 1 input, 1 response: 1 complete; no problems found\n"
    code, out, err = main_in_process(capsys, "check", "--quiet", corpus / "chat.sse")
    assert (code, out, err) == (0, "", "")


def test_input_format_and_its_old_name(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--input-format`` names the capture container; ``--format`` still works; ``--wire-format`` is the LLM format."""
    for option in ("--input-format", "--format"):
        code, out, _ = main_in_process(capsys, "text", option, "curl", corpus / "chat.curl.txt")
        assert (code, out) == (0, CHAT_TEXT + "\n")
        code, out, _ = main_in_process(capsys, "check", option, "raw", corpus / "chat.curl.txt")
        assert code == 1  # the HTTP head read as part of an SSE body: unknown fields
        assert "warning: unknown-field: unknown field 'HTTP/1.1 200 OK' ignored" in out
    code, out, _ = main_in_process(capsys, "text", "--wire-format", "openai-chat", corpus / "chat.sse")
    assert (code, out) == (0, CHAT_TEXT + "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="uses a pseudo-terminal")
def test_no_progress_bar_when_stdout_is_the_terminal(corpus: Path) -> None:
    """Output on the terminal the bar would be drawn on: no bar, so nothing garbles the output."""
    proc, drawn = text_on_a_terminal(corpus, stdout_too=True)
    assert proc.returncode == 0
    assert b"\x1b[" not in drawn
    assert drawn.decode().replace("\r\n", "\n").count(CHAT_TEXT + "\n") == 4


def test_jobs_batches_small_files_together_and_large_ones_alone(tmp_path: Path) -> None:
    """``--jobs``: files go to the processes in batches of about equal bytes, in input order."""
    names = []
    for i, size in enumerate([10] * 40 + [100_000] + [10] * 40):
        path = tmp_path / f"{i:03d}.sse"
        path.write_bytes(b"x" * size)
        names.append(str(path))
    batches = cli.batches(names, 2)
    assert [name for batch in batches for name in batch] == names  # every file once, in order
    assert [names[40]] in batches  # the large one alone
    assert len(batches) < 10  # the small ones share batches: no task per file
    assert cli.batches([], 2) == []
    assert cli.batches([str(tmp_path / "missing.sse")], 4) == [[str(tmp_path / "missing.sse")]]


def test_jobs_keep_the_order_with_stdin_and_empty_folders_between_files(corpus: Path) -> None:
    """Pooled files, a folder without captures and standard input: the same output as one job, in order."""
    (corpus / "empty").mkdir()
    args: list[str | Path] = [
        "text",
        corpus / "chat.sse",
        corpus / "empty",
        corpus / "tool.sse",
        "-",
        corpus / "both.har",
        corpus / "missing.sse",
    ]
    one = run(*args, stdin=CHAT)
    two = run(*args[:1], "--jobs", "2", *args[1:], stdin=CHAT)
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.returncode == 2
    assert "no capture files in this directory" in one.stderr
    assert one.stdout.count(CHAT_TEXT) == 3
