"""``python -m sseparse``: the command line (see `sseparse.cli`)."""

from __future__ import annotations

import sys

from sseparse.cli import main

if __name__ == "__main__":
    sys.exit(main())
