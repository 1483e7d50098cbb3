"""pytest plugin: the ``sse_conformance`` fixture, loaded through the ``pytest11`` entry point.

Example::

    def test_my_decoder_conforms(sse_conformance):
        sse_conformance(MyDecoder)

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
    from collections.abc import Callable

    from sseparse.testing import ConformanceReport

__all__ = ["pytest_addoption", "sse_conformance"]


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
