"""Secrets never reach the log: a `Redactor` that blanks them out of text, applied to every log record.

What it replaces, with `[redacted]` (Slack tokens keep their kind: `xoxb-[redacted]`):

- the exact values of the secrets Hearth was configured with (signing and client secrets, bot and app tokens, the
  Discord token, the database password) and those it keeps in its database (the references' signing key), also
  as they look URL-encoded;
- anything shaped like a Slack token (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxe-`, `xoxs-`, `xapp-` and token
  characters) or a Discord bot token (three base64 parts, the first starting M, N or O), whoever's it is;
- the secret part of calendar feed and library page addresses (`/calendar/<token>.ics`, `/library/<token>/`), the
  values of query parameters named like a credential (`?token=`, `&client_secret=`, `&code=`, `&state=`…), the
  password in `scheme://user:password@host`, the value of an `Authorization` header (`Bot …`, `Bearer …`,
  `Basic …`) and of a `Bearer …` anywhere, and the values of JSON or Python mapping keys named `…token`,
  `…secret` or `…password`.

`install_redaction` applies it to every record: a log record factory redacts each record as it is made (so records
that reach a handler added later, by Hearth or by a library, are already clean), and a `RedactingFilter` on every
handler of the root logger catches records made some other way. Both replace the message (with its arguments
substituted) and the exception and stack text. Redaction never raises: a record it cannot read is logged with
its message replaced by a sentence saying so.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import quote

__all__ = [
    "REDACTED",
    "RedactingFilter",
    "RedactingRecordFactory",
    "Redactor",
    "fingerprint",
    "hide_secret",
    "install_redaction",
]

REDACTED = "[redacted]"
# Shorter configured values are not treated as secrets: blanking a three-letter word everywhere would make every
# log line unreadable, and no real credential is that short.
MIN_SECRET_LENGTH = 6
_UNREADABLE = "a log record that could not be checked for secrets was left out"
_MARK = "hearth_redacted"

_TOKEN_CHARS = r"[A-Za-z0-9_-]"
# Every shape below starts with one of these characters; checking one character first lets the regex skip most
# positions of ordinary text without trying each shape there (four times faster on prose).
_FIRST_CHARACTERS = r"[xMNO/%?&;:aAbB\"']"
_SHAPES = re.compile(
    rf"(?={_FIRST_CHARACTERS})(?:"
    + "|".join((
        # Slack: bot, user, app-level, refresh, configuration and legacy tokens (never "xoxo"), with whatever is
        # joined to them by dots, so that no match can stop inside a Discord token that follows one.
        rf"(?P<slack>(?:xox[abeprs]|xapp)-){_TOKEN_CHARS}+(?:\.{_TOKEN_CHARS}+)*",
        # Discord: base64 of the bot's id (a snowflake: M, N or O first), a timestamp, an HMAC.
        rf"[MNO]{_TOKEN_CHARS}{{22,}}\.{_TOKEN_CHARS}{{6,7}}\.{_TOKEN_CHARS}{{27,}}",
        # A calendar feed's token, also URL-encoded inside a form body.
        r"(?P<feed>(?:/|%2[Ff])calendar(?:/|%2[Ff]))[^\s/?#&\"'<>|\\]+",
        # A library page's token (`/library/<token>/`): at least 16 token characters, so that a path such as
        # bot/library/service.py in a traceback stays readable.
        rf"(?P<page>(?:/|%2[Ff])library(?:/|%2[Ff])){_TOKEN_CHARS}{{16,64}}(?=[/?#\s\"'<>|\\]|%2[Ff]|$)",
        # A query parameter named like a credential.
        r"(?P<param>[?&;](?i:[A-Za-z0-9_.-]*(?:token|secret|password|passwd|signature|code|state|key|ticket|auth))=)"
        r"[^&\s#\"'<>]*",
        # The password of a URL's user part.
        r"(?P<userinfo>://[^/\s:@\"'<>]+:)[^@\s/\"'<>]+(?=@)",
        # An Authorization header, in HTTP form or as a logged mapping.
        r"(?P<auth>(?i:authorization)[\"']?\s*[:=]\s*[\"']?(?:(?i:bot|bearer|basic)\s+)?)[^\s\"',;}]+",
        r"(?P<bearer>\b(?i:bearer)\s+)[A-Za-z0-9._~+/=-]{8,}",
        # A JSON or repr'd mapping key named like a credential: "access_token": "…", 'client_secret': '…'.
        r"(?P<key>[\"'](?i:[A-Za-z0-9_]*(?:token|secret|password))[\"']\s*:\s*)(?:\"[^\"]*\"|'[^']*')",
    ))
    + ")"
)


def fingerprint(secret: str) -> str:
    """A short, stable name for a secret that is safe to log: the first 8 hex digits of its SHA-256."""
    return "#" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:8]


class Redactor:
    """Replaces secrets in text (see the module's docstring for which). Immutable; `with_secrets` makes a new one.

    Two compiled passes: first the exact configured values (so that no pattern match can start before one and
    stop inside it), then every known shape of secret.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        values = {value for value in secrets if value is not None and len(value) >= MIN_SECRET_LENGTH}
        forms = values | {quote(value, safe="") for value in values}
        self.secrets: frozenset[str] = frozenset(values)
        # Longest first: a secret that contains another is replaced whole.
        ordered = sorted(forms, key=lambda value: (-len(value), value))
        self._exact = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def with_secrets(self, secrets: Iterable[str | None]) -> Redactor:
        """A redactor that also replaces `secrets`."""
        return Redactor([*self.secrets, *secrets])

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        if self._exact is not None:
            text = self._exact.sub(REDACTED, text)
        return _SHAPES.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind is None:  # a Discord token: no group of its own
        return REDACTED
    kept = match.group(kind)
    if kind == "feed":
        suffix = ".ics" if match.group(0).endswith(".ics") else ""
        return f"{kept}{REDACTED}{suffix}"
    if kind == "key":
        quote_mark = match.group(0)[-1]
        return f"{kept}{quote_mark}{REDACTED}{quote_mark}"
    return kept + REDACTED


class RedactingFilter(logging.Filter):
    """A filter that redacts each record it sees in place and lets it through. Installed on handlers: a filter on
    a logger never sees the records its children propagate to its handlers."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor
        self._configured = redactor
        self._kept: dict[str, str] = {}

    def use(self, redactor: Redactor) -> None:
        """Redact with `redactor` from now on, plus the secrets `keep` was given."""
        self._configured = redactor
        self.redactor = redactor.with_secrets(self._kept.values())

    def keep(self, name: str, secret: str) -> None:
        """Also redact `secret` from now on, in place of the one kept under `name` before."""
        if self._kept.get(name) != secret:
            self._kept[name] = secret
            self.redactor = self._configured.with_secrets(self._kept.values())

    def filter(self, record: logging.LogRecord) -> bool:
        self.redact(record)
        return True

    def redact(self, record: logging.LogRecord) -> None:
        """Replace the secrets in `record`'s message, exception text and stack text; never raises. A record is
        redacted again when anything was put into it since (`logging.makeLogRecord` fills a record the factory
        made empty)."""
        marked = record.__dict__.get(_MARK)
        if marked is not None and all(then is now for then, now in zip(marked, _state(record), strict=True)):
            return
        try:
            _redact_record(record, self.redactor)
        except Exception:
            record.msg, record.args = _UNREADABLE, ()
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.__dict__[_MARK] = _state(record)


def _state(record: logging.LogRecord) -> tuple[object, ...]:
    """What redaction changes: if any of it was replaced since (compared by identity), it is redacted again."""
    return (record.msg, record.args, record.exc_info, record.exc_text, record.stack_info)


def _redact_record(record: logging.LogRecord, redactor: Redactor) -> None:
    try:
        message = record.getMessage()
    except Exception:
        # logging would print the message and its arguments as they are; say what is wrong without them.
        message = f"{record.msg} (its arguments did not fit the message and were left out)"
    record.msg, record.args = redactor.redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redactor.redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redactor.redact(record.stack_info)


class RedactingRecordFactory:
    """A log record factory that redacts every record as it is made, through `filter` (whose redactor it shares),
    then hands it on. Wraps the factory that was installed before it."""

    def __init__(self, previous: Callable[..., logging.LogRecord], filter: RedactingFilter) -> None:
        self.previous = previous
        self.filter = filter

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        self.filter.redact(record)
        return record


def install_redaction(redactor: Redactor) -> RedactingFilter:
    """Redact every log record from now on: the record factory, a filter on each handler of the root logger, and
    uncaught exceptions. Installing again replaces the redactor instead of adding a second layer."""
    current = logging.getLogRecordFactory()
    if isinstance(current, RedactingRecordFactory):
        current.filter.use(redactor)
        redacting = current.filter
    else:
        redacting = RedactingFilter(redactor)
        logging.setLogRecordFactory(RedactingRecordFactory(current, redacting))
    for handler in logging.getLogger().handlers:
        if redacting not in handler.filters:
            handler.addFilter(redacting)
    sys.excepthook = _RedactedExceptHook(redacting)
    return redacting


def hide_secret(name: str, secret: str) -> None:
    """From now on also redact `secret`, a value Hearth read after logging was set up (such as the key it keeps in
    the database under `name`); a later secret of the same name takes its place. Does nothing when redaction is not
    installed."""
    current = logging.getLogRecordFactory()
    if isinstance(current, RedactingRecordFactory):
        current.filter.keep(name, secret)


class _RedactedExceptHook:
    """Prints an uncaught exception's traceback as Python does, with its secrets replaced."""

    def __init__(self, filter: RedactingFilter) -> None:
        self.filter = filter

    def __call__(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, error, trace))
        sys.stderr.write(self.filter.redactor.redact(text))
