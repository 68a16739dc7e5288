"""Anonymous ballots: one per member, readable only with a key that is not in the database.

An anonymous poll stores, per member, a `voter` token and the member's ballot sealed:

- the token is HMAC-SHA256(key, poll id, member): the same member always gets the same token for one poll (so a
  second answer replaces the first, under the database's own uniqueness constraint), different polls give
  unrelated tokens, and without the key nobody can tell which member a token stands for;
- the ballot is encrypted with AES-256-GCM under a key derived from the same key, bound to the poll and the
  token, so it can be changed until the poll closes and cannot be moved to another poll or member.

When the poll closes its ballots are counted, the counts and the open answers (sorted, never in the order given)
are kept with the poll, and the sealed ballots are deleted: from then on nothing links an answer to anyone, key or
no key. docs/polls.md states the guarantee and its limits.

The key comes from `HEARTH_POLL_KEY` or a key file beside the database (adapters/settings.py); it never goes into
the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.polls.model import Answer, Ballot
from bot.refs import MemberRef

KEY_BYTES = 32
_NONCE_BYTES = 12


class BallotSealer:
    """Turns members into voter tokens and ballots into sealed bytes, and back, with one secret key.

    The key is given, or fetched from `key` (a function) the first time it is needed, so that a Hearth whose
    community never runs an anonymous poll never creates a key file.
    """

    def __init__(self, key: bytes | Callable[[], bytes]) -> None:
        self._key = key
        self._keys: tuple[bytes, AESGCM] | None = None
        if isinstance(key, bytes):
            self._keys = _keys(key)

    def _derived(self) -> tuple[bytes, AESGCM]:
        if self._keys is None:
            assert callable(self._key)
            self._keys = _keys(self._key())
        return self._keys

    def voter(self, poll_id: int, member: MemberRef) -> str:
        """The member's token for this poll: the same every time, unrelated across polls and members."""
        message = f"{poll_id}\x00{member.workspace.platform.value}\x00{member.workspace.id}\x00{member.id}"
        return hmac.new(self._derived()[0], message.encode(), hashlib.sha256).hexdigest()

    def seal(self, poll_id: int, voter: str, ballot: Ballot) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._derived()[1].encrypt(nonce, write_ballot(ballot).encode(), _bound(poll_id, voter))

    def unseal(self, poll_id: int, voter: str, sealed: bytes) -> Ballot:
        """The ballot; raises `ValueError` when it was sealed with another key, poll or voter, or changed."""
        sealing = self._derived()[1]
        try:
            plain = sealing.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _bound(poll_id, voter))
        except Exception as error:  # cryptography's InvalidTag, or bytes too short to hold a nonce
            raise ValueError("a sealed ballot does not open with this key") from error
        return read_ballot(plain.decode())


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def write_ballot(ballot: Ballot) -> str:
    """A ballot as compact JSON: one `[chosen…]` list or one text per question."""
    return json.dumps([answer.text if answer.text else list(answer.chosen) for answer in ballot],
                      separators=(",", ":"), ensure_ascii=False)


def read_ballot(text: str) -> Ballot:
    """What `write_ballot` writes; raises `ValueError` on anything else."""
    raw = json.loads(text)
    if not isinstance(raw, list):
        raise ValueError("a ballot is a list of answers")
    answers: list[Answer] = []
    for item in raw:
        if isinstance(item, str):
            answers.append(Answer(text=item))
        elif isinstance(item, list) and all(isinstance(choice, int) and not isinstance(choice, bool)
                                            for choice in item):
            answers.append(Answer(chosen=tuple(item)))
        else:
            raise ValueError("an answer is a list of choices or a text")
    return tuple(answers)


def _keys(key: bytes) -> tuple[bytes, AESGCM]:
    if len(key) < KEY_BYTES:
        raise ValueError(f"the poll key needs at least {KEY_BYTES} bytes")
    return _derive(key, b"hearth poll voter"), AESGCM(_derive(key, b"hearth poll ballot"))


def _derive(key: bytes, purpose: bytes) -> bytes:
    return hmac.new(key, purpose, hashlib.sha256).digest()


def _bound(poll_id: int, voter: str) -> bytes:
    return f"{poll_id}\x00{voter}".encode()
