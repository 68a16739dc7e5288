"""The `Redactor`: what it replaces, what it leaves alone, and that a secret embedded anywhere never survives."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from adapters.log_redaction import MIN_SECRET_LENGTH, REDACTED, Redactor, fingerprint

SLACK_BOT = "xoxb-4082619527-7391845263018-Qk3vT9mZr2LwXy8BnHc6PdEa"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GxY2aB.k3Jd8sLq0Wm5Zr7Tn1Vb9Xc4Fh6Gy2Pa8Ue"
DISCORD_HMAC = DISCORD.rsplit(".", 1)[1]


@pytest.mark.parametrize(("text", "redacted"), [
    (f"token {SLACK_BOT} refused", "token xoxb-[redacted] refused"),
    ("user xoxp-1234-5678-abcdef, app xapp-1-A0HEARTH-123-9f8e", "user xoxp-[redacted], app xapp-[redacted]"),
    ("xoxa-2-1234-abcd xoxr-1-abcd xoxs-1234-abcd", "xoxa-[redacted] xoxr-[redacted] xoxs-[redacted]"),
    ("refresh xoxe-1-My0xLTEyMzQ1Ng. Then", "refresh xoxe-[redacted]. Then"),
    ("rotated xoxe.xoxp-1-Mi0yLTEyMzQ", "rotated xoxe.xoxp-[redacted]"),
    (f"login with {DISCORD}", f"login with {REDACTED}"),
    (f"xoxb-{DISCORD}", "xoxb-[redacted]"),
    ("GET /calendar/kjAFxU785_p-Q2.ics HTTP/1.1", "GET /calendar/[redacted].ics HTTP/1.1"),
    ("https://hearth.example.org/calendar/abc-DEF_123.ics?x=1", "https://hearth.example.org/calendar/[redacted].ics?x=1"),
    ("text=feed%3A+http%3A%2F%2Fh%2Fcalendar%2Ftok123.ics", "text=feed%3A+http%3A%2F%2Fh%2Fcalendar%2F[redacted].ics"),
    ("<https://h.example/calendar/tok123.ics|subscribe>", "<https://h.example/calendar/[redacted].ics|subscribe>"),
    ("/slack/oauth_redirect?code=4082.7391.ab12&state=1bdc97e3-f8da",
     "/slack/oauth_redirect?code=[redacted]&state=[redacted]"),
    ("/feed?token=abc&page=2", "/feed?token=[redacted]&page=2"),
    ("body: client_id=1111.2222&client_secret=s3cr3t-v4lue&code=x",
     "body: client_id=1111.2222&client_secret=[redacted]&code=[redacted]"),
    ("wss://wss.slack.test/link/?ticket=7f3e-9a&app_id=A0", "wss://wss.slack.test/link/?ticket=[redacted]&app_id=A0"),
    ("postgresql+psycopg://hearth:pg-secret@db.example.org:5432/hearth",
     "postgresql+psycopg://hearth:[redacted]@db.example.org:5432/hearth"),
    ("Authorization: Bot MTA.fake.token", "Authorization: Bot [redacted]"),
    ("headers: {'Authorization': 'Bearer xoxb-1-2-3', 'Accept': '*/*'}",
     "headers: {'Authorization': 'Bearer [redacted]', 'Accept': '*/*'}"),
    ("{'authorization': 'Basic MTExMS4yMjIyOm9hdXRoLXNlY3JldA=='}", "{'authorization': 'Basic [redacted]'}"),
    ("sent with Bearer abcdefgh1234", "sent with Bearer [redacted]"),
    ('{"ok": true, "access_token": "abc-123", "token_type": "bot"}',
     '{"ok": true, "access_token": "[redacted]", "token_type": "bot"}'),
    ("{'bot_refresh_token': 'r-1', 'client_secret': 'c-2', 'password': ''}",
     "{'bot_refresh_token': '[redacted]', 'client_secret': '[redacted]', 'password': '[redacted]'}"),
])
def test_secrets_of_every_known_shape_are_replaced(text: str, redacted: str) -> None:
    assert Redactor().redact(text) == redacted


@pytest.mark.parametrize("text", [
    "xoxo, see you at the meeting",
    "Tot ziens en xoxo van het team",
    "Quarterly review: every 2 weeks on Tuesday 15:00 (Europe/Brussels)",
    "Hearth is running on Slack (HTTP at http://127.0.0.1:3000/slack/events) and Discord with SQLite at data/hearth.db",
    "PostgreSQL at db.example.org:5432/hearth?options=-csearch_path%3Dhearth",
    "GET /healthz 200",
    "a calendar feed could not be served",
    "The calendar feed of Data CoP:",
    "slack event Ev0123ABCD was delivered again; handled once already",
    "synced 12 Discord commands to server 123456789012345678",
    "Bot commands are registered; the bot user is Hearth",
    "Slack's auth.test failed (SlackApiError); a request is answered 503",
    "status code=200, key: value, state of the community",
    '{"token_type": "bot", "tokens_revoked": 1, "scope": "commands,chat:write"}',
    "dropped meeting.reminder 42 for 2026-01-06T14:00:00+00:00: too late to retry",
    "a click's reference does not read: forged",
    "Goal: learn from each other — Doel: van elkaar leren",
    "MTA.fake.token is too short to be a Discord token",
    "see https://docs.example.org/calendar and https://meet.example.org/cop",
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor([]).redact(text) == text


def test_configured_secrets_are_replaced_exactly_also_url_encoded() -> None:
    redactor = Redactor(["9e8d7c6b5a4f3e2d1c0b", "p@ss w0rd/+", None, "short"])
    assert redactor.redact("secret 9e8d7c6b5a4f3e2d1c0b in a header") == f"secret {REDACTED} in a header"
    assert redactor.redact("dsn=x://u:p%40ss%20w0rd%2F%2B@h") == f"dsn=x://u:{REDACTED}@h"
    assert redactor.redact("login p@ss w0rd/+ done") == f"login {REDACTED} done"
    # Too short to be a credential: blanking it would blank ordinary words too.
    assert redactor.redact("a short meeting") == "a short meeting"
    assert redactor.secrets == frozenset({"9e8d7c6b5a4f3e2d1c0b", "p@ss w0rd/+"})


def test_a_secret_that_contains_another_is_replaced_whole() -> None:
    redactor = Redactor(["abcdef-123", "abcdef-123-456789"])
    assert redactor.redact("x abcdef-123-456789 y") == f"x {REDACTED} y"


def test_with_secrets_adds_to_a_copy() -> None:
    first = Redactor(["first-secret"])
    both = first.with_secrets(["second-secret"])
    assert both.redact("first-secret second-secret") == f"{REDACTED} {REDACTED}"
    assert first.redact("second-secret") == "second-secret"


def test_a_fingerprint_names_a_secret_without_showing_it() -> None:
    assert fingerprint("kjAFxU785") == fingerprint("kjAFxU785")
    assert fingerprint("kjAFxU785") != fingerprint("kjAFxU786")
    assert len(fingerprint("kjAFxU785")) == 9 and "kjAFxU785" not in fingerprint("kjAFxU785")
    assert Redactor().redact(f"feed {fingerprint('kjAFxU785')} failed") == f"feed {fingerprint('kjAFxU785')} failed"


def test_a_long_line_is_redacted_quickly() -> None:
    import time

    redactor = Redactor(["9e8d7c6b5a4f3e2d1c0b", "c5f0a1e2b3d4c5f6a7b8"])
    line = ("M" + "A" * 5_000 + " ") * 20 + f"body {SLACK_BOT} " + "word " * 20_000
    started = time.perf_counter()
    redacted = redactor.redact(line)
    assert time.perf_counter() - started < 1.0
    assert SLACK_BOT not in redacted


# --- a secret embedded anywhere never survives ----------------------------------------------------------------

TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_.~+/="
anywhere = st.text(max_size=80)
configured = st.text(alphabet=TOKEN_ALPHABET, min_size=MIN_SECRET_LENGTH, max_size=64)
token_part = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=24)
slack_tokens = st.builds(
    lambda kind, parts: f"{kind}-{'-'.join(parts)}",
    st.sampled_from(["xoxb", "xoxp", "xoxa", "xoxr", "xoxe", "xoxs", "xapp"]),
    st.lists(token_part, min_size=1, max_size=5),
)
base64url = string.ascii_letters + string.digits + "-_"
discord_tokens = st.builds(
    lambda first, rest, stamp, hmac: f"{first}{rest}.{stamp}.{hmac}",
    st.sampled_from("MNO"),
    st.text(alphabet=base64url, min_size=22, max_size=26),
    st.text(alphabet=base64url, min_size=6, max_size=7),
    st.text(alphabet=base64url, min_size=27, max_size=38),
)


@given(prefix=anywhere, secret=configured, suffix=anywhere)
@example(prefix="xoxb-", secret="9e8d7c6b5a4f", suffix="")
@example(prefix="?token=", secret="abcdef&x", suffix="")
def test_a_configured_secret_never_survives(prefix: str, secret: str, suffix: str) -> None:
    assert secret not in Redactor([secret]).redact(prefix + secret + suffix)


@given(prefix=anywhere, secret=st.one_of(slack_tokens, discord_tokens), suffix=anywhere)
@example(prefix="xoxb-", secret=DISCORD, suffix="")
@example(prefix="M" + "a" * 22 + ".abcdef.", secret=SLACK_BOT, suffix="")
def test_a_token_nobody_configured_never_survives(prefix: str, secret: str, suffix: str) -> None:
    redacted = Redactor().redact(prefix + secret + suffix)
    assert secret not in redacted
    if secret == DISCORD:
        assert DISCORD_HMAC not in redacted


@given(prefix=anywhere, token=st.text(alphabet=base64url, min_size=1, max_size=64), suffix=anywhere)
def test_a_feed_address_never_survives(prefix: str, token: str, suffix: str) -> None:
    address = f"https://hearth.example.org/calendar/{token}.ics"
    assert address not in Redactor().redact(prefix + address + suffix)


@given(text=st.text(max_size=200))
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    redactor = Redactor(["9e8d7c6b5a4f3e2d"])
    once = redactor.redact(text)
    assert redactor.redact(once) == once
