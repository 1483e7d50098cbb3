"""The one definition of the cuts where chunking is most likely to break a parser."""

from __future__ import annotations

import sys

import sseparse.strategies
import sseparse.testing
from sseparse._lines import interesting_cuts


def test_interesting_cuts_surround_line_ends_and_non_ascii_bytes_and_split_the_first_three_bytes() -> None:
    """Both sides of CR, LF and each non-ASCII byte, and after bytes 1, 2 and 3 (a BOM), inside the data only."""
    data = b"\xef\xbb\xbfdata: \xc3\xa9\r\n\n"  # BOM at 0-2, "data: " at 3-8, "é" at 9-10, CR LF LF at 11-13
    assert interesting_cuts(data) == [1, 2, 3, 9, 10, 11, 12, 13]
    assert interesting_cuts(b"data: x") == [1, 2, 3]
    assert interesting_cuts(b"\n") == []
    assert interesting_cuts(b"") == []


def test_the_testing_kit_and_the_strategies_use_the_same_definition() -> None:
    """sseparse.testing's random chunkings and sseparse.strategies.chunkings cut at the same places."""
    assert vars(sseparse.testing)["interesting_cuts"] is interesting_cuts
    assert vars(sys.modules[sseparse.strategies.chunkings.__module__])["interesting_cuts"] is interesting_cuts
