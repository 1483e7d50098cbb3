"""sseparse's benchmark suite (pytest-benchmark); see README.md. A package so its module names never clash with tests/."""
