"""Action references: what a button, a select option or a form carries back to Hearth when a member uses it.

A reference names one subject (its kind, such as a meeting series or an agenda topic, and its id) in one community
of one workspace, with a few small numbers as payload (an RSVP's meeting and answer). It travels as opaque text,
signed with the deployment's secret key (HMAC-SHA256), so a member can neither guess one nor change one:

    <kind>.<community>.<subject>[.<payload>…].<signature>

The numbers are written in base 36; the workspace is not written at all but signed along, so a reference copied into
another workspace never reads. `ActionRefs.read` is the one way back from text to a reference, and raises nothing:
anything unreadable, forged, of another workspace, of another kind or out of range reads as None (stale), logged
at INFO without the text itself. References fit Discord's custom ids together with the action id
(`MAX_REFERENCE` characters), and Slack's 2,000-character values with room to spare.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger("hearth.references")

# The longest text a reference may be: a Discord custom id is 100 characters, of which `adapters.unique_ids` keeps 8
# for a repeat suffix and the longest action id with its separator ("meeting.agenda.vote|") takes 20.
MAX_REFERENCE = 72
MAX_NUMBER = 2**63 - 1  # what PostgreSQL's BIGINT holds
MAX_PAYLOAD = 4
SIGNATURE_BYTES = 12  # 96 bits: a forged click is one guess out of 2**96
MIN_KEY_BYTES = 16
_DOMAIN = b"hearth-reference-1"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_KIND = re.compile(r"[a-z]{1,3}\Z")
_NUMBER = r"[0-9a-z]{1,13}"
_FORM = re.compile(
    rf"(?P<body>(?P<kind>[a-z]{{1,3}})\.(?P<numbers>{_NUMBER}(?:\.{_NUMBER}){{1,{1 + MAX_PAYLOAD}}}))"
    r"\.(?P<signature>[A-Za-z0-9_-]{16})",
    re.ASCII,
)


@dataclass(frozen=True, slots=True)
class ActionRef:
    """What a click or a form acts on: `subject_id` of `kind` in community `community_id` of workspace
    `workspace_id`, with `payload` (small non-negative numbers the feature defines)."""

    workspace_id: int
    community_id: int
    kind: str
    subject_id: int
    payload: tuple[int, ...] = ()

    def same_subject(self, other: ActionRef) -> bool:
        """Whether `other` names the same subject in the same community (whatever its payload)."""
        return (self.workspace_id, self.community_id, self.kind, self.subject_id) == (
            other.workspace_id, other.community_id, other.kind, other.subject_id)


def new_key() -> str:
    """A fresh secret key for a deployment (kept in the database by the wiring, so every process shares it)."""
    return secrets.token_urlsafe(32)


class ActionRefs:
    """Mints references for the buttons and forms Hearth sends, and reads them back from what members click.

    Built once by the wiring with the deployment's secret key; the core hands it to handlers as `ctx.refs`.
    """

    def __init__(self, key: str | bytes) -> None:
        secret = key.encode() if isinstance(key, str) else bytes(key)
        if len(secret) < MIN_KEY_BYTES:
            raise ValueError(f"a reference key needs at least {MIN_KEY_BYTES} bytes")
        self._key = secret

    def mint(self, ref: ActionRef) -> str:
        """The text of `ref`. Raises ValueError for a reference Hearth cannot send: a kind that is not one to three
        lowercase letters, a number out of 0…2**63-1, more than `MAX_PAYLOAD` payload numbers, or text longer than
        `MAX_REFERENCE`."""
        if not _KIND.match(ref.kind):
            raise ValueError(f"reference kind {ref.kind!r} is not one to three lowercase letters")
        if len(ref.payload) > MAX_PAYLOAD:
            raise ValueError(f"a reference carries at most {MAX_PAYLOAD} payload numbers")
        numbers = (ref.community_id, ref.subject_id, *ref.payload)
        body = ".".join((ref.kind, *(_base36(number) for number in numbers)))
        text = f"{body}.{self._sign(ref.workspace_id, body)}"
        if len(text) > MAX_REFERENCE:
            raise ValueError(f"reference of kind {ref.kind} needs {len(text)} characters; {MAX_REFERENCE} fit")
        return text

    def read(self, raw: object, workspace_id: int, kind: str | None = None) -> ActionRef | None:
        """The reference `raw` names, as minted for workspace `workspace_id` (and of `kind` when given); None for
        anything else, logged at INFO without `raw`. Raises nothing."""
        read = self._read(raw, workspace_id)
        if isinstance(read, str):
            log.info("a click's reference does not read: %s", read)
            return None
        if kind is not None and read.kind != kind:
            log.info("a click's reference is of kind %s, not %s", read.kind, kind)
            return None
        return read

    def made_for(self, values: Iterable[str], ref: ActionRef) -> bool:
        """Whether a message whose buttons carry `values` was made for `ref`'s subject: the references among them all
        name that subject in that community (whatever their payload), and there is at least one. Raises nothing."""
        found = False
        for value in values:
            read = self._read(value, ref.workspace_id)
            if isinstance(read, str):
                continue
            if not read.same_subject(ref):
                return False
            found = True
        return found

    def _read(self, raw: object, workspace_id: int) -> ActionRef | str:
        """The reference, or why there is none."""
        if not isinstance(raw, str):
            return f"it is a {type(raw).__name__}, not text"
        if not 1 <= len(raw) <= MAX_REFERENCE:
            return f"it has {len(raw)} characters, not 1 to {MAX_REFERENCE}"
        match = _FORM.fullmatch(raw)
        if match is None:
            return "it is not a reference Hearth makes"
        if not hmac.compare_digest(match["signature"], self._sign(workspace_id, match["body"])):
            return "its signature does not match (forged, changed, or of another workspace or deployment)"
        numbers = [int(digits, 36) for digits in match["numbers"].split(".")]
        if any(number > MAX_NUMBER for number in numbers):
            return "a number in it is out of range"
        community_id, subject_id, *payload = numbers
        return ActionRef(workspace_id, community_id, match["kind"], subject_id, tuple(payload))

    def _sign(self, workspace_id: int, body: str) -> str:
        message = b"|".join((_DOMAIN, str(workspace_id).encode(), body.encode()))
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _base36(number: int) -> str:
    if not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"reference number {number} is out of 0…2**63-1")
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS[digit] + digits
        if number == 0:
            return digits
