"""The poll key's file: read it, or make it the first time an anonymous poll needs it.

The key links anonymous ballots to members while a poll is open (bot/polls/anonymity.py), so it never goes into the
database: it is `HEARTH_POLL_KEY`, or this file (beside the SQLite database by default, `HEARTH_POLL_KEY_FILE`
to choose), readable by Hearth's user only. docs/polls.md says how to keep and back it up.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.polls.anonymity import KEY_BYTES


def key_from_file(path: Path) -> bytes:
    """The key in `path`, made there (mode 0600) when the file does not exist yet; raises `ValueError` for a file
    that holds no key."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return key_from_file(path)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < KEY_BYTES:
        raise ValueError(f"{path} holds no poll key: it should be {2 * KEY_BYTES} hexadecimal characters")
    return key
