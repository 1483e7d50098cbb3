"""The pytest plugin: sse_conformance makes check_decoder a one-liner in a user's suite."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

USER_TESTS = """
from sseparse import SSEDecoder


class KeepsTheBom:  # treats the stream's BOM as content, by hiding it behind one of its own

    def __init__(self, **options):
        self.decoder = SSEDecoder(**options)
        self.first = True

    def feed(self, data):
        if self.first:
            self.first, data = False, b"\\xef\\xbb\\xbf" + data
        return self.decoder.feed(data)

    def close(self):
        return self.decoder.close()


def test_sseparse_conforms(sse_conformance):
    report = sse_conformance(SSEDecoder, random_chunkings=1)
    assert report.ok


def test_broken_decoder_fails(sse_conformance):
    sse_conformance(KeepsTheBom, random_chunkings=0)
"""


def run_pytest(
    tmp_path: Path, *args: str, tests: str = USER_TESTS, name: str = "test_user.py"
) -> subprocess.CompletedProcess[str]:
    """Write ``tests`` to ``tmp_path/name`` and run pytest there with the plugin loaded explicitly."""
    (tmp_path / name).write_text(textwrap.dedent(tests))
    # "-p no:sseparse" unloads the entry-point registration (if sseparse is installed) so that the
    # explicit "-p sseparse.pytest_plugin" works whether or not it is.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:sseparse",
        "-p",
        "sseparse.pytest_plugin",
        "-p",
        "no:cacheprovider",
        *args,
    ]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)


def test_fixture_passes_a_conforming_decoder_and_fails_a_broken_one(tmp_path: Path) -> None:
    """One test passes; the other fails with the report's summary in the failure message."""
    result = run_pytest(tmp_path, "--sseparse-seed", "3")
    assert "1 failed, 1 passed" in result.stdout, result.stdout + result.stderr
    assert "does not conform to the SSE rules" in result.stdout
    assert "Failing cases by rule:" in result.stdout
    assert "R2 (" in result.stdout


REPLAY_TESTS = """
import threading
import urllib.request

LIVE = []


def test_sse_replay_serves_over_http(sse_replay):
    server = sse_replay(b"data: hi\\n\\n", cut_at=6)
    LIVE.append(server)
    request = urllib.request.Request(server.url + "/stream", headers={"Last-Event-ID": "9"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"data: "
    assert server.requests[0].last_event_id == "9"


def test_the_servers_were_closed_after_the_test():
    assert LIVE and all(server._server is None for server in LIVE)
    assert not [t for t in threading.enumerate() if t.name == "sseparse-replay"]
"""


def test_sse_replay_fixture_starts_servers_and_closes_them_after_the_test(tmp_path: Path) -> None:
    """sse_replay gives a started ReplayServer and closes it when the test ends."""
    result = run_pytest(tmp_path, "-W", "error", "test_replay_user.py", tests=REPLAY_TESTS, name="test_replay_user.py")
    assert "2 passed" in result.stdout, result.stdout + result.stderr
