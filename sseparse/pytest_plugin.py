"""pytest plugin: the ``sse_conformance`` and ``sse_replay`` fixtures, loaded through ``pytest11``.

Example::

    def test_my_decoder_conforms(sse_conformance):
        sse_conformance(MyDecoder)

    def test_my_app_reports_a_cut_stream(sse_replay):
        server = sse_replay(body, cut_at=100)   # a started sseparse.testing.ReplayServer
        ...                                     # point the client under test at server.url

``sse_replay`` makes `sseparse.testing.ReplayServer` objects (same arguments), already started,
and closes every one of them when the test ends.

The fixture is `sseparse.testing.assert_conforms`: it runs the bundled conformance corpus through
the decoder and fails the test with the report's summary. Keyword options are those of
`sseparse.testing.check_decoder`. ``--sseparse-seed N`` changes the seed of the random chunkings for
the whole run (to explore more chunkings in a nightly job, say); a seed given in the call wins.

Loading the plugin imports nothing but this module; `sseparse.testing` is imported when the fixture
is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sseparse.testing import ConformanceReport, ReplayServer

__all__ = ["pytest_addoption", "sse_conformance", "sse_replay"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--sseparse-seed``."""
    group = parser.getgroup("sseparse", "sseparse conformance checks")
    group.addoption(
        "--sseparse-seed",
        type=int,
        default=None,
        help="seed for the random chunkings of the sse_conformance fixture (default: the checker's, 0)",
    )


@pytest.fixture
def sse_conformance(request: pytest.FixtureRequest) -> Callable[..., ConformanceReport]:
    """Return `sseparse.testing.assert_conforms`, seeded by ``--sseparse-seed`` when it is given."""
    from sseparse.testing import assert_conforms  # noqa: PLC0415 - only when a test asks for it

    seed = request.config.getoption("sseparse_seed")

    def check(make_decoder: Callable[..., Any], **options: Any) -> ConformanceReport:  # noqa: ANN401
        __tracebackhide__ = True  # the failure points at the test, not at this helper
        if seed is not None:
            options.setdefault("seed", seed)
        return assert_conforms(make_decoder, **options)

    return check


@pytest.fixture
def sse_replay() -> Iterator[Callable[..., ReplayServer]]:
    """Return a factory of started `sseparse.testing.ReplayServer` objects, all closed after the test."""
    from sseparse.testing import ReplayServer  # noqa: PLC0415 - only when a test asks for it

    servers: list[ReplayServer] = []

    def replay(body: object, **options: Any) -> ReplayServer:  # noqa: ANN401
        server = ReplayServer(body, **options)
        servers.append(server)
        return server.start()

    yield replay
    for server in servers:
        server.close()
