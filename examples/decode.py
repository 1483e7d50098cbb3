"""Decode a saved Server-Sent Events body and print each event, then the answer text.

Usage: python examples/decode.py examples/openai-chat.sse
"""

from __future__ import annotations

import json
import sys

import sseparse


def main(path: str) -> None:
    """Print the events of the capture at ``path`` and the OpenAI chat text they carry."""
    text: list[str] = []
    with open(path, "rb") as body:  # noqa: PTH123 - a plain example
        for event in sseparse.iter_events(body):
            print(f"event={event.event!r} id={event.id!r} data={event.data[:60]!r}")
            if event.data == "[DONE]":
                break
            choices = json.loads(event.data).get("choices", [])
            text.extend(choice.get("delta", {}).get("content") or "" for choice in choices)
    print("answer:", "".join(text))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "examples/openai-chat.sse")
