"""Captures and the command line under hostile input (issue 12, items 11-18).

Every case is a family: HAR and VCR documents get each of their fields replaced by a value of every
wrong type, numbers of thousands of digits, NaN and deep nesting; the only errors allowed are the
documented ones (`CaptureError`, `MissingDependencyError`: exit code 2 and one line), and output is
always valid JSON (or UTF-8 text).
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.make_captures import CHAT_REQUEST, CHAT_URL, har, har_entry, openai_chat_body
from sseparse import accumulate, cli
from sseparse.captures import (
    COMMANDS,
    DEFAULT_MAX_EVENT_SIZE,
    MAX_PROBLEMS_PER_KIND,
    CaptureError,
    Response,
    analyse,
    process_capture,
    read,
)
from sseparse.captures import _vcr as vcr_module

yaml = pytest.importorskip("yaml")

CHAT = openai_chat_body()
CHAT_TEXT = "Server-Sent Events keep one HTTP response open and write `data:` lines to it, one blank line after each event."


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


# Values of every wrong type for any field (the deep one is deeper than json and PyYAML can recurse).
HOSTILE: list[Any] = [
    None,
    True,
    7,
    -1,
    10**40,
    1.5,
    float("nan"),
    float("inf"),
    "",
    "text",
    [],
    [1, "x"],
    {},
    {"a": [1]},
    nested(50),
]


def paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON-like tree, the root's included."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(paths(item, (*path, index)))
    return out


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(document)
    target = copied
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copied


def check_outcome(data: bytes, name: str) -> None:
    """Every command on ``data``: a documented outcome, valid JSON Lines, no internal error."""
    for command in COMMANDS:
        outcome = process_capture(io.BytesIO(data), command, name=name, as_json=True)
        assert outcome.code in {0, 1, 2}, (command, outcome)
        assert not any("internal error" in message for message in outcome.messages), outcome.messages
        assert all("\n" not in message for message in outcome.messages)
        for line in outcome.lines:
            line.encode("utf-8")  # no lone surrogate
            json.loads(line, parse_constant=_no_constant)


def _no_constant(name: str) -> None:
    msg = f"{name} is not JSON"
    raise AssertionError(msg)


# -- 11. HAR fields of the wrong type, deep nesting ---------------------------------------------------------


def _har_document() -> dict[str, Any]:
    entry = har_entry(CHAT_URL, CHAT, request=CHAT_REQUEST)
    entry["_eventSourceMessages"] = [{"eventName": "message", "eventId": "1", "data": "x"}]
    document: dict[str, Any] = json.loads(har([entry]))
    return document


HAR = _har_document()


@pytest.mark.parametrize("path", paths(HAR), ids=lambda p: ".".join(map(str, p)) or "root")
def test_har_with_any_field_of_the_wrong_type(path: tuple[Any, ...]) -> None:
    """Each HAR field replaced by each wrong type: a documented outcome, never a traceback."""
    for value in HOSTILE:
        check_outcome(json.dumps(replaced(HAR, path, value)).encode(), "hostile.har")


@pytest.mark.parametrize(
    "document",
    [
        {"log": [1]},
        {
            "log": {
                "entries": [{"request": [1], "response": {"content": {"mimeType": "text/event-stream", "text": "data: x\n\n"}}}]
            }
        },
        {"log": {"entries": [{"response": {"headers": {"content-type": "text/event-stream"}, "content": {"text": "data: x"}}}]}},
        {"log": {"entries": [{"response": {"content": {"mimeType": "text/event-stream", "text": 5, "encoding": "base64"}}}]}},
    ],
    ids=["log-list", "request-list", "headers-dict", "base64-int"],
)
def test_har_examples_from_the_issue_exit_2_or_1_with_one_line(
    tmp_path: Path, document: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.har"
    path.write_text(json.dumps(document))
    code = cli.main(["result", str(path)])
    err = capsys.readouterr().err
    assert code in {1, 2}
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_har_is_a_capture_error(depth: int) -> None:
    data = b'{"log": {"entries": [' + b"[" * depth + b"]" * depth + b"]}}"
    with pytest.raises(CaptureError, match=r"nested too deep|no SSE response"):
        read(data)
    cut = b'{"log": {"entries": [' + b"[" * depth  # a HAR cut short: the salvage must not recurse either
    with pytest.raises(CaptureError):
        read(cut)
    check_outcome(data, "deep.har")


def test_deep_request_body_in_har_is_dropped_not_fatal() -> None:
    entry = har_entry(CHAT_URL, CHAT, request=CHAT_REQUEST)
    entry["request"]["postData"]["text"] = "[" * 100_000 + "]" * 100_000
    (response,) = read(har([entry]))
    assert response.request_json is None
    assert analyse(response).result is not None


def test_har_number_of_thousands_of_digits() -> None:
    data = json.dumps(HAR).replace('"status": 200', '"status": ' + "9" * 5000).encode()
    with pytest.raises(CaptureError, match="broken HAR file"):
        read(data)
    check_outcome(data, "digits.har")


# -- 12. VCR fields of the wrong type, decompression bombs --------------------------------------------------


def _vcr_document() -> dict[str, Any]:
    return {
        "interactions": [
            {
                "request": {
                    "body": json.dumps(CHAT_REQUEST),
                    "headers": {"content-type": ["application/json"]},
                    "method": "POST",
                    "uri": CHAT_URL,
                },
                "response": {
                    "body": {"string": CHAT.decode()},
                    "headers": {"content-type": ["text/event-stream"]},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }


VCR = _vcr_document()


@pytest.mark.parametrize("path", paths(VCR), ids=lambda p: ".".join(map(str, p)) or "root")
def test_vcr_with_any_field_of_the_wrong_type(path: tuple[Any, ...]) -> None:
    for value in HOSTILE:
        check_outcome(yaml.safe_dump(replaced(VCR, path, value)).encode(), "hostile.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "interactions:\n- request: [1]\n  response: {status: {code: '200'}, headers: {Content-Type: [text/event-stream]}, body: {string: \"data: x\\n\\n\"}}\n",
        "interactions:\n- response: {status: 1" + "9" * 5000 + ", headers: {content-type: text/event-stream}}\n",
        "interactions: " + "[" * 5000 + "]" * 5000 + "\n",
        "a: &a [*a, *a]\ninteractions:\n- request: {parsed_body: *a}\n  response: {headers: {content-type: [text/event-stream]}, body: {string: 'data: x'}}\n",
        (
            "lol: &a [x, x, x, x, x, x, x, x, x]\nlol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nlol3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "lol4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nlol5: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            "lol6: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "interactions:\n- request: {parsed_body: *f}\n  response: {headers: {content-type: [text/event-stream]}, body: {string: 'data: x'}}\n"
        ),
    ],
    ids=["request-list-status-str", "huge-status", "deep", "recursive-alias", "billion-laughs"],
)
def test_vcr_examples_from_the_issue(text: str) -> None:
    check_outcome(text.encode(), "hostile.yaml")


def _bomb_cassette(body: bytes, encoding: str = "gzip") -> bytes:
    compressed = gzip.compress(body, 9) if encoding == "gzip" else zlib.compress(body, 9)
    document = _vcr_document()
    response = document["interactions"][0]["response"]
    response["body"] = {"string": compressed}
    response["headers"]["content-encoding"] = [encoding]
    text: str = yaml.safe_dump(document)
    return text.encode()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_body_is_inflated_in_pieces(encoding: str) -> None:
    (response,) = read(_bomb_cassette(CHAT * 50, encoding))
    chunks = list(response.iter_bytes())
    assert b"".join(chunks) == CHAT * 50
    assert max(map(len, chunks)) <= 64 * 1024


def test_decompression_bomb_stops_at_the_cap_keeping_what_came_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vcr_module, "MAX_INFLATED_SIZE", 100_000)
    (response,) = read(_bomb_cassette(CHAT * 1000))  # 1.2 MB inflated
    analysis = analyse(response, check=True)
    assert analysis.problems[0].kind == "unreadable-body"
    assert "inflates past 100000 bytes" in analysis.problems[0].message
    assert analysis.events >= 100_000 // len(CHAT) * CHAT.count(b"\n\n")  # the events before the cap are kept
    assert analysis.result is not None
    assert analysis.result.text == CHAT_TEXT
    outcome = process_capture(io.BytesIO(_bomb_cassette(CHAT * 1000)), "result", name="bomb.yaml")
    assert outcome.code == 2
    assert "inflates past" in outcome.messages[0]


def test_damaged_gzip_body_keeps_what_came_before() -> None:
    document = _vcr_document()
    compressed = gzip.compress(CHAT * 20)
    response = document["interactions"][0]["response"]
    response["body"] = {"string": compressed[: len(compressed) // 2]}
    response["headers"]["content-encoding"] = ["gzip"]
    (captured,) = read(yaml.safe_dump(document).encode())
    analysis = analyse(captured, check=True)
    assert analysis.events > 0
    assert analysis.problems[0].kind == "unreadable-body"


# -- 13. curl --trace numbers of thousands of digits --------------------------------------------------------


def _trace(size_text: str | None = None, offset_text: str | None = None, body: bytes = CHAT) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"
    out = [b"== Info: Connected\n"]
    for kind, data in (("<= Recv header", head), ("<= Recv data", body)):
        out.append(f"{kind}, {size_text or len(data)} bytes (0x{len(data):x})\n".encode())
        for i in range(0, len(data), 16):
            row = data[i : i + 16]
            text = "".join(chr(b) if 32 <= b < 127 else "." for b in row)
            offset = offset_text if offset_text is not None and i == 16 else f"{i:04x}"
            out.append(f"{offset}: {' '.join(f'{b:02x}' for b in row)} {'   ' * (16 - len(row))}{text}\n".encode())
    return b"".join(out)


def test_trace_section_size_of_thousands_of_digits_is_ignored() -> None:
    (response,) = read(_trace("9" * 5000))
    assert response.body == CHAT
    check_outcome(_trace("9" * 5000), "digits.trace")


def test_trace_dump_offset_of_thousands_of_digits_is_not_a_dump_line() -> None:
    check_outcome(_trace(offset_text="f" * 5000), "offset.trace")


def test_trace_hex_dump_from_a_file_is_streamed_in_pieces(tmp_path: Path) -> None:
    """A file's received data is read again as the body is read, 64 KiB at a time: nothing holds it whole."""
    path = tmp_path / "big.trace"
    body = CHAT * 60  # about 130 KB
    path.write_bytes(_trace(body=body))
    (response,) = read(str(path))
    chunks = list(response.iter_bytes())
    assert b"".join(chunks) == body
    assert len(chunks) > 1
    assert max(map(len, chunks)) < 70_000
    assert b"".join(response.iter_bytes()) == body  # a file can be read again
    (piped,) = read(io.BytesIO(path.read_bytes()))  # a pipe is read once: held whole, the same body
    assert piped.body == body


def test_trace_line_longer_than_any_dump_line_is_cut() -> None:
    data = _trace().replace(b"== Info: Connected\n", b"== Info: " + b"x" * (3 << 20) + b"\n")
    (response,) = read(data)
    assert response.body == CHAT


# -- 14, 15. lone surrogates and NaN in the output ----------------------------------------------------------


def _chat(delta: str, extra: str = "") -> bytes:
    return (
        b'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"'
        + delta.encode()
        + b'"}}]'
        + extra.encode()
        + b"}\n\n"
        b"data: [DONE]\n\n"
    )


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\udc80", "\\ude00\\ud83d"])
def test_lone_surrogates_in_the_stream_give_valid_output(
    tmp_path: Path, escape: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """A lone surrogate escape in the stream's JSON: U+FFFD, as `accumulate` gives, in text and JSON output."""
    data = _chat("a" + escape + "b")
    path = tmp_path / "s.sse"
    path.write_bytes(data)
    assert cli.main(["text", str(path)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")  # strict: valid UTF-8
    assert out == "a" + "\ufffd" * escape.count("\\u") + "b\n"
    assert cli.main(["result", str(path)]) == 0
    line = capsysbinary.readouterr().out.decode("utf-8")
    assert json.loads(line)["text"] == accumulate(data).text
    for args in (["events"], ["check", "--json"]):
        cli.main([*args, str(path)])
        for line in capsysbinary.readouterr().out.decode("utf-8").splitlines():
            json.loads(line)


@pytest.mark.parametrize("surrogate", [chr(0xD800), chr(0xDFFF), chr(0xDE00) + chr(0xD83D)], ids=["d800", "dfff", "de00-d83d"])
def test_lone_surrogates_in_capture_fields_are_escaped_in_json(
    surrogate: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """A HAR field holding a lone surrogate (the URL) is written as its escape, which reads back as the same string."""
    url = CHAT_URL + "?q=" + surrogate
    document = replaced(HAR, ("log", "entries", 0, "request", "url"), url)
    outcome = process_capture(io.BytesIO(json.dumps(document).encode()), "result", name="s.har")
    (line,) = outcome.lines
    line.encode("utf-8")  # no lone surrogate left in the text
    assert json.loads(line)["url"] == url
    assert "\\ud" in line


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_written_as_null(tmp_path: Path, constant: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "n.sse"
    path.write_bytes(_chat("a", ',"usage":{"prompt_tokens":' + constant + ',"completion_tokens":1}'))
    cli.main(["result", str(path)])
    record = json.loads(capsys.readouterr().out, parse_constant=_no_constant)
    assert record["text"] == "a"
    assert record["usage"] is None or record["usage"]["prompt_tokens"] is None
    cli.main(["events", str(path)])
    for line in capsys.readouterr().out.splitlines():
        json.loads(line, parse_constant=_no_constant)


def test_file_name_with_undecodable_bytes_gives_valid_output(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    name = os.fsdecode(b"caf\xe9.sse")
    (tmp_path / name).write_bytes(CHAT)
    cli.main(["text", str(tmp_path), str(tmp_path / name)])
    text = capsysbinary.readouterr().out.decode("utf-8")  # strict: valid UTF-8
    assert text.count("caf\ufffd.sse") == 2
    cli.main(["result", str(tmp_path), str(tmp_path / name)])
    lines = capsysbinary.readouterr().out.decode("utf-8").splitlines()
    assert [json.loads(line)["capture"] for line in lines] == [str(tmp_path / name)] * 2  # the same name reads back
    assert all(json.loads(line)["text"] == CHAT_TEXT for line in lines)


# -- 16. repeated diagnostics are aggregated ----------------------------------------------------------------


def test_keep_alives_cost_no_problem_and_repeats_are_counted() -> None:
    first, rest = CHAT.split(b"\n\n", 1)
    body = first + b"\n\n" + b": keep-alive\n\n" * 20_000 + b"data: {oops\n\n" * 1_000 + b"bogus: 1\n" * 1_000 + rest
    (response,) = read(body)
    analysis = analyse(response, check=True)
    kinds = [p.kind for p in analysis.problems]
    assert kinds.count("comment") == 0
    assert kinds.count("invalid-json") == MAX_PROBLEMS_PER_KIND
    assert kinds.count("unknown-field") == MAX_PROBLEMS_PER_KIND
    more = {p.value: p.message for p in analysis.problems if p.kind == "more-problems"}
    assert more["invalid-json"].startswith(f"{1_000 - MAX_PROBLEMS_PER_KIND} more invalid-json")
    assert more["unknown-field"].startswith(f"{1_000 - MAX_PROBLEMS_PER_KIND} more unknown-field")


# -- 17. unreadable folders are reported ---------------------------------------------------------------------


def test_unreadable_subfolder_is_reported_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "chat.sse").write_bytes(CHAT)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.sse").write_bytes(CHAT)
    scandir = os.scandir

    def guarded(path: Any = ".") -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    code = cli.main(["text", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.count(CHAT_TEXT) == 1
    assert f"sseparse: {locked}: cannot read this folder: Permission denied" in captured.err.splitlines()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions that apply (not root)")
def test_unreadable_subfolder_on_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.sse").write_bytes(CHAT)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert cli.main(["text", str(tmp_path)]) == 2
    finally:
        locked.chmod(0o755)
    assert "cannot read this folder" in capsys.readouterr().err


# -- 18. an event-size cap in the command line --------------------------------------------------------------


def test_oversized_event_is_dropped_and_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = b'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"' + b"x" * 5000 + b'"}}]}\n\n'
    parts = CHAT.split(b"\n\n")
    path = tmp_path / "big.sse"
    path.write_bytes(b"\n\n".join(parts[:3]) + b"\n\n" + big + b"\n\n".join(parts[3:]))
    assert cli.main(["result", "--max-event-size", "4K", str(path)]) == 1
    captured = capsys.readouterr()
    record = json.loads(captured.out)
    assert record["oversized_events"] == 1
    assert record["text"] == CHAT_TEXT  # what came before and after the dropped event is kept
    assert "1 event(s) larger than the size cap were dropped" in captured.err
    assert cli.main(["check", "--max-event-size", "4K", str(path)]) == 1
    assert "error: event-too-large" in capsys.readouterr().out
    assert cli.main(["result", "--max-event-size", "0", str(path)]) == 0  # 0: no limit
    assert "x" * 5000 in json.loads(capsys.readouterr().out)["text"]
    assert DEFAULT_MAX_EVENT_SIZE >= 1 << 20


@pytest.mark.parametrize("bad", ["-1", "1T", "x", "9" * 30])
def test_max_event_size_takes_a_size(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["result", "--max-event-size", bad, "x.sse"]) == 2
    assert "--max-event-size" in capsys.readouterr().err


# -- memory: bounded by the longest event, whatever the input ------------------------------------------------

_PEAK = """
import sys, tracemalloc
from sseparse.cli import main
tracemalloc.start()
code = main(sys.argv[2:])
peak = tracemalloc.get_traced_memory()[1]
open(sys.argv[1], "w").write(str(peak))
"""


def peak_memory(tmp_path: Path, *args: str) -> int:
    report = tmp_path / "peak.txt"
    subprocess.run(
        [sys.executable, "-c", _PEAK, str(report), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        timeout=300,
    )
    return int(report.read_text())


def _hostile_inputs(tmp_path: Path) -> dict[str, Path]:
    inputs = {
        "keep-alives.sse": b": keep-alive\n\n" * 60_000,
        "bad-json.sse": b"data: {oops\n\n" * 30_000,
        "unknown-fields.sse": b"bogus: 1\n" * 100_000 + b"\n",
        "one-line.sse": b"data: " + b"x" * (24 << 20),
        "bomb.yaml": _bomb_cassette(b"data: " + b"y" * (24 << 20)),
    }
    paths = {}
    for name, data in inputs.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


@pytest.mark.slow
def test_peak_memory_is_bounded_by_the_event_cap_not_the_input(tmp_path: Path) -> None:
    """Hostile captures of 2-24 MB: peak memory stays under a small multiple of the 1 MB cap.

    Memory that grew with the number of keep-alives, problems or bytes on one line would be several
    times the bound here.
    """
    cap = 1 << 20
    for name, path in _hostile_inputs(tmp_path).items():
        for command in ("check", "result"):
            peak = peak_memory(tmp_path, command, "--max-event-size", str(cap), str(path))
            assert peak < 6 * cap, (name, command, peak)


# -- a bug or an I/O error in one input does not end a batch -------------------------------------------------


def test_an_internal_error_is_reported_for_that_input_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sseparse.captures import _analyse  # noqa: PLC0415

    (tmp_path / "a.sse").write_bytes(b"data: boom\n\n")
    (tmp_path / "b.sse").write_bytes(CHAT)
    real = _analyse.new_accumulator

    class Broken:
        def __init__(self, wire_format: str | None) -> None:
            self.inner = real(wire_format)

        def feed(self, event: Any) -> Any:
            if event.data == "boom":
                msg = "a bug"
                raise TypeError(msg)
            return self.inner.feed(event)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    monkeypatch.setattr(_analyse, "new_accumulator", Broken)
    code = cli.main(["text", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert CHAT_TEXT in captured.out  # the next input was still read
    assert f"sseparse: {tmp_path / 'a.sse'}: internal error, please report it: TypeError: a bug" in captured.err.splitlines()


def test_a_file_that_fails_while_it_is_read_is_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.sse"
    path.write_bytes(CHAT)
    (response,) = read(str(path))
    path.unlink()  # gone between finding the response and reading its body
    analysis = analyse(response, check=True)
    assert analysis.problems[0].kind == "unreadable-body"
    assert process_capture(str(path), "result").code == 2


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_fifo_in_a_folder_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Opening a FIFO would wait for a writer forever: in a folder only regular files are captures."""
    (tmp_path / "a.sse").write_bytes(CHAT)
    os.mkfifo(tmp_path / "pipe.sse")
    assert cli.main(["text", str(tmp_path)]) == 0
    assert capsys.readouterr().out == CHAT_TEXT + "\n"


def test_har_nested_deep_in_a_field_sseparse_does_not_read_is_fine() -> None:
    """Chrome's ``_initiator`` stack traces nest deep: deeper than a stream payload may, and still a HAR."""
    document = copy.deepcopy(HAR)
    document["log"]["entries"][0]["_initiator"] = nested(500)
    (response,) = read(json.dumps(document).encode())
    result = analyse(response).result
    assert result is not None
    assert result.text == CHAT_TEXT


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_a_trace_file(tmp_path: Path) -> None:
    """A ``curl --trace`` file's hex dump is streamed: three times the data costs no more memory."""
    peaks = []
    for size in (256 << 10, 768 << 10):
        path = tmp_path / f"{size}.trace"
        path.write_bytes(_trace(body=b"data: " + b"z" * size))
        peaks.append(peak_memory(tmp_path, "result", "--max-event-size", str(64 << 10), str(path)))
    assert peaks[1] - peaks[0] < 128 << 10, peaks  # holding the data would add 512 KiB or more


# -- the event-size cap without places (the decoder's fast path) gives what the capped decoder gives ---------

_LIMIT = 200


@given(
    sizes=st.lists(st.sampled_from([1, 30, 90, 450, 2000]), min_size=1, max_size=12),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    comments=st.booleans(),
    cuts=st.lists(st.integers(min_value=1, max_value=5000), max_size=8),
)
@settings(max_examples=150, deadline=None)
def test_size_cap_in_any_chunking(sizes: list[int], eol: str, comments: bool, cuts: list[int]) -> None:
    """Events far below the cap are all kept and those far above it dropped, whatever the chunking and line ends."""
    blocks = []
    for i, size in enumerate(sizes):
        keep_alive = f": ping{eol}{eol}" if comments else ""
        blocks.append(f"{keep_alive}id: {i}{eol}data: {'x' * size}{eol}{eol}")
    body = "".join(blocks).encode()
    points = sorted({cut % len(body) for cut in cuts} - {0})
    chunks = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    response = Response(capture_format="raw", source="<test>", stream=lambda: iter(chunks))
    seen: list[str] = []
    analysis = analyse(response, max_event_size=_LIMIT, on_event=lambda event: seen.append(event.data), accumulate=False)
    assert seen == ["x" * size for size in sizes if size < _LIMIT]
    assert analysis.oversized == sum(1 for size in sizes if size > _LIMIT)
    checked = analyse(
        Response(capture_format="raw", source="<test>", data=body), max_event_size=_LIMIT, check=True, accumulate=False
    )
    assert checked.oversized == analysis.oversized  # the decoder's own cap (check) agrees


@pytest.mark.parametrize("check", [False, True], ids=["guard", "decoder"])
def test_an_oversized_last_event_without_its_end_is_not_dispatched(check: bool) -> None:
    """A capture that ends inside an oversized event: the event is dropped, not dispatched as the incomplete last one."""
    body = b"data: one\n\n" + b"data: " + b"x" * 5000
    seen: list[str] = []
    response = Response(capture_format="raw", source="<test>", data=body)
    analysis = analyse(
        response, max_event_size=4096, check=check, on_event=lambda event: seen.append(event.data), accumulate=False
    )
    assert seen == ["one"]
    assert analysis.oversized == 1
