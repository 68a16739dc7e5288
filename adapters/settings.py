"""Hearth's settings, read once from environment variables into a typed, frozen object.

Only the entry point loads `.env`; everything else receives a `Settings`. A wrong, missing or contradictory
value raises `SettingsError` with one sentence that names the variable and says how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import unquote

from bot.time_zones import UTC_NAME, canonical_zone
from bot.vocabulary import languages

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*(s|m|h)\s*$")
# ASCII digits only (str.isdigit() also accepts "²", which int() refuses), and no more than a 64-bit snowflake has
# (int() refuses strings of over 4300 digits).
_DIGITS = re.compile(r"[0-9]{1,20}")


class SettingsError(Exception):
    """A setting is wrong; the message is one sentence naming the variable and the fix."""


@dataclass(frozen=True, slots=True)
class SlackSettings:
    """How Hearth reaches Slack. Socket Mode when `app_token` is set, HTTP otherwise; OAuth for many workspaces
    when `client_id` is set, otherwise the one workspace of `bot_token`."""

    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    client_id: str | None
    client_secret: str | None
    api_url: str

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def oauth(self) -> bool:
        return self.client_id is not None


DISCORD_API_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """How Hearth reaches Discord.

    `shard_count` None runs one connection (a plain client); a number runs that many shards in total, of which
    this process owns `shard_ids` (all of them when None); `auto_shards` asks Discord how many to run.
    `guild_id` makes `hearth discord sync` (and the sync at start) register the commands in that one server,
    where they appear at once, instead of globally. `member_events` asks for the privileged Server Members intent
    (member join and leave); `message_content` the privileged Message Content intent, without which a reaction
    cannot save a message to the library (the "Save to library" message command works without it).
    """

    token: str
    guild_id: int | None = None
    api_url: str = DISCORD_API_URL
    gateway_url: str = DISCORD_GATEWAY_URL
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    auto_shards: bool = False
    member_events: bool = True
    scheduled_events: bool = False
    message_content: bool = False  # the privileged Message Content intent: saving a message by reaction reads it

    @property
    def sharded(self) -> bool:
        return self.auto_shards or self.shard_count is not None


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    db_pool_size: int | None
    language: str
    timezone: str
    log_level: str
    rate_limit_count: int
    rate_limit_seconds: int
    slack: SlackSettings | None = None
    discord: DiscordSettings | None = None
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    data_grace_days: int = 30
    activity_days: int = 400  # HEARTH_ACTIVITY_DAYS: how long the activity record is kept
    max_in_flight: int = 200
    stop_seconds: float = 10.0
    takeover_seconds: int = 30
    public_url: str = "http://127.0.0.1:3000"
    sql_echo: bool = False
    poll_key: bytes | None = None  # HEARTH_POLL_KEY; else the key file
    poll_key_file: Path | None = None  # where the poll key is kept when HEARTH_POLL_KEY is not set
    poll_min_answers: int = 3
    fetch_pages: bool = True  # HEARTH_FETCH: the library reads the pages of saved links
    # HEARTH_FETCH_ALLOW: networks fetched from although not public, and host names that may resolve to any address
    fetch_allow_networks: tuple[IPv4Network | IPv6Network, ...] = ()
    fetch_allow_hosts: tuple[str, ...] = ()

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping of environment variables (unset and empty mean the default)."""
        data_dir = Path(_get(env, "HEARTH_DATA_DIR") or "data")
        database_url = _database_url(env, data_dir)
        pool_size = _pool_size(env, database_url)
        count, seconds = _rate_limit(env)
        allow_networks, allow_hosts = _fetch_allow(env)
        return cls(
            slack=_slack(env),
            discord=_discord(env),
            http_host=_get(env, "HEARTH_HTTP_HOST") or "127.0.0.1",
            http_port=_port(env),
            public_url=_public_url(env),
            data_grace_days=_grace_days(env),
            activity_days=_activity_days(env),
            max_in_flight=_max_in_flight(env),
            stop_seconds=_stop_seconds(env),
            takeover_seconds=_takeover_seconds(env),
            data_dir=data_dir,
            database_url=database_url,
            db_pool_size=pool_size,
            language=_language(env),
            timezone=_timezone(env),
            log_level=_log_level(env),
            sql_echo=_sql_echo(env),
            rate_limit_count=count,
            rate_limit_seconds=seconds,
            poll_key=_poll_key(env),
            poll_key_file=_poll_key_file(env, data_dir, database_url),
            poll_min_answers=_poll_min_answers(env),
            fetch_pages=_fetch_pages(env),
            fetch_allow_networks=allow_networks,
            fetch_allow_hosts=allow_hosts,
        )

    def secrets(self) -> tuple[str, ...]:
        """Every credential these settings hold, for the log redaction: tokens, secrets, the database password."""
        values: list[str | None] = list(_database_password(self.database_url))
        if self.slack is not None:
            values += [self.slack.bot_token, self.slack.signing_secret, self.slack.app_token, self.slack.client_secret]
        if self.discord is not None:
            values.append(self.discord.token)
        if self.poll_key is not None:
            values.append(self.poll_key.hex())
        return tuple(value for value in values if value)

    def describe_database(self) -> str:
        """Where the data lives, without any password."""
        if self.uses_sqlite:
            return f"SQLite at {self.database_url.removeprefix('sqlite:///')}"
        return "PostgreSQL at " + re.sub(r"//[^@/]*@", "//", self.database_url).split("//", 1)[-1]


def _get(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    if "DATABASE_URL" in env and not env["DATABASE_URL"].strip():
        raise SettingsError(
            "DATABASE_URL is set but empty: remove it to use SQLite in HEARTH_DATA_DIR, "
            "or set it to postgresql+psycopg://user:password@host:5432/hearth."
        )
    url = _get(env, "DATABASE_URL")
    if not url:
        return f"sqlite:///{data_dir / 'hearth.db'}"
    if url.startswith(("postgres://", "postgresql://")):
        raise SettingsError(
            "DATABASE_URL must name the psycopg driver: write postgresql+psycopg:// instead of "
            f"{url.split('://', 1)[0]}://."
        )
    if url.startswith("sqlite:///"):
        if url in ("sqlite:///", "sqlite:///:memory:") or ":memory:" in url:
            raise SettingsError(
                "DATABASE_URL points at an in-memory SQLite database, which loses everything on exit: "
                "use sqlite:///path/to/hearth.db or leave DATABASE_URL unset."
            )
        return url
    if url.startswith("postgresql+psycopg://"):
        return url
    raise SettingsError(
        "DATABASE_URL must start with sqlite:/// or postgresql+psycopg://, "
        f"not {url.split('://', 1)[0] or url!r}."
    )


def _pool_size(env: Mapping[str, str], database_url: str) -> int | None:
    raw = _get(env, "HEARTH_DB_POOL_SIZE")
    if not raw:
        return None
    if database_url.startswith("sqlite"):
        raise SettingsError(
            "HEARTH_DB_POOL_SIZE applies only to PostgreSQL: remove it, or set DATABASE_URL to "
            "postgresql+psycopg://…"
        )
    if not raw.isdigit() or not 1 <= int(raw) <= 200:
        raise SettingsError(f"HEARTH_DB_POOL_SIZE must be a whole number from 1 to 200, not {raw!r}.")
    return int(raw)


def _language(env: Mapping[str, str]) -> str:
    language = _get(env, "HEARTH_LANGUAGE").lower() or "en"
    if language not in languages():
        raise SettingsError(
            f"HEARTH_LANGUAGE must be one of {', '.join(languages())}, not {language!r}."
        )
    return language


def _timezone(env: Mapping[str, str]) -> str:
    zone = _get(env, "HEARTH_TIMEZONE") or UTC_NAME
    canonical = canonical_zone(zone)
    if canonical is None:
        raise SettingsError(
            f"HEARTH_TIMEZONE must be an IANA time zone such as Europe/Brussels or America/New_York, not {zone!r}"
            + (" (that is the server's own setting, not a zone name)." if zone.casefold() == "localtime" else ".")
        )
    return canonical


def _log_level(env: Mapping[str, str]) -> str:
    level = _get(env, "HEARTH_LOG_LEVEL").upper() or "INFO"
    if level not in LOG_LEVELS:
        raise SettingsError(f"HEARTH_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
    return level


def _sql_echo(env: Mapping[str, str]) -> bool:
    raw = _get(env, "HEARTH_SQL_ECHO") or "0"
    if raw not in ("0", "1"):
        raise SettingsError(
            f"HEARTH_SQL_ECHO must be 1 (log every SQL statement, never its values) or 0 (the default), not {raw!r}."
        )
    return raw == "1"


_PASSWORD = re.compile(r"^[A-Za-z0-9+.-]+://[^:@/]*:([^@/]+)@")


def _database_password(url: str) -> tuple[str, ...]:
    """The password in `url`, as written there (percent-encoded) and as the database reads it."""
    match = _PASSWORD.match(url)
    return () if match is None else (match.group(1), unquote(match.group(1)))


def _rate_limit(env: Mapping[str, str]) -> tuple[int, int]:
    raw = _get(env, "HEARTH_RATE_LIMIT") or "20/60s"
    match = _RATE.match(raw)
    if match is None or int(match.group(1)) < 1 or int(match.group(2)) < 1:
        raise SettingsError(
            f"HEARTH_RATE_LIMIT must look like 20/60s (commands per member per period), not {raw!r}."
        )
    unit = {"s": 1, "m": 60, "h": 3600}[match.group(3)]
    return int(match.group(1)), int(match.group(2)) * unit


def _poll_key(env: Mapping[str, str]) -> bytes | None:
    raw = _get(env, "HEARTH_POLL_KEY")
    if not raw:
        return None
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise SettingsError(
            "HEARTH_POLL_KEY must be at least 64 hexadecimal characters (32 bytes), such as the output of "
            "`python -c \"import secrets; print(secrets.token_hex(32))\"`."
        )
    return key


def _poll_key_file(env: Mapping[str, str], data_dir: Path, database_url: str) -> Path:
    named = _get(env, "HEARTH_POLL_KEY_FILE")
    if named:
        return Path(named)
    if database_url.startswith("sqlite:///"):
        # Beside the database file, never in it: a copy of the database alone links no anonymous answer.
        return Path(database_url.removeprefix("sqlite:///")).parent / "poll.key"
    return data_dir / "poll.key"


def _poll_min_answers(env: Mapping[str, str]) -> int:
    raw = _get(env, "HEARTH_POLL_MIN_ANSWERS") or "3"
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise SettingsError(f"HEARTH_POLL_MIN_ANSWERS must be a whole number from 1 to 1000, not {raw!r}.")
    return int(raw)


def _fetch_pages(env: Mapping[str, str]) -> bool:
    raw = (_get(env, "HEARTH_FETCH") or "on").lower()
    if raw not in ("on", "off"):
        raise SettingsError(
            f"HEARTH_FETCH must be on (the library reads the title and text of saved links) or off, not {raw!r}."
        )
    return raw == "on"


# One label of a host name: letters, digits, hyphens (not first or last) and, as intranets have them, underscores.
_HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")


def _fetch_allow(env: Mapping[str, str]) -> tuple[tuple[IPv4Network | IPv6Network, ...], tuple[str, ...]]:
    networks: list[IPv4Network | IPv6Network] = []
    hosts: list[str] = []
    for entry in (part.strip() for part in _get(env, "HEARTH_FETCH_ALLOW").split(",")):
        if not entry:
            continue
        network = _allowed_network(entry)
        if network is not None:
            networks.append(network)
        else:
            hosts.append(_allowed_host(entry))
    return tuple(dict.fromkeys(networks)), tuple(dict.fromkeys(hosts))


def _allowed_network(entry: str) -> IPv4Network | IPv6Network | None:
    """`entry` as a network (an address alone is a network of one), None when it is not written as one."""
    try:
        return ip_network(entry)
    except ValueError:
        pass
    try:
        loose = ip_network(entry, strict=False)
    except ValueError:
        if "/" in entry or ":" in entry:
            raise _not_allowable(entry) from None
        return None
    raise SettingsError(f"HEARTH_FETCH_ALLOW lists {entry!r}, which has host bits set: write {loose} for the network.")


def _allowed_host(entry: str) -> str:
    """`entry` as a host name, lower case, in IDNA, without a trailing dot."""
    try:
        name = entry.lower().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise _not_allowable(entry) from None
    labels = name.split(".")
    # A last label that is a number makes the name an address to the system's resolver (10.1, 0x7f.1).
    if (len(name) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels)
            or re.fullmatch(r"0x[0-9a-f]*|[0-9]+", labels[-1])):
        raise _not_allowable(entry)
    return name


def _not_allowable(entry: str) -> SettingsError:
    return SettingsError(
        f"HEARTH_FETCH_ALLOW must list networks (10.0.0.0/8, 127.0.0.2, fd00::/8) and host names "
        f"(wiki.example.org), separated by commas, not {entry!r}."
    )


SLACK_API_URL = "https://slack.com/api/"


def _slack(env: Mapping[str, str]) -> SlackSettings | None:
    bot_token = _get(env, "SLACK_BOT_TOKEN") or None
    app_token = _get(env, "SLACK_APP_TOKEN") or None
    signing_secret = _get(env, "SLACK_SIGNING_SECRET") or None
    client_id = _get(env, "SLACK_CLIENT_ID") or None
    client_secret = _get(env, "SLACK_CLIENT_SECRET") or None
    if not any((bot_token, app_token, signing_secret, client_id, client_secret)):
        return None
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN must be the app's bot token, which starts with xoxb-.")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN must be an app-level token with connections:write, starting xapp-.")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise SettingsError(f"{missing} is missing: OAuth installs need both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET.")
    if client_id and bot_token:
        raise SettingsError(
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID contradict each other: set SLACK_BOT_TOKEN for one workspace, or "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for installs into many, not both."
        )
    if not client_id and not bot_token:
        raise SettingsError(
            "SLACK_BOT_TOKEN is missing: set it (xoxb-…, from the app's OAuth & Permissions page), or "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for installs into many workspaces."
        )
    if app_token is None and signing_secret is None:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is missing: HTTP mode needs it (Basic Information page), or set SLACK_APP_TOKEN "
            "for Socket Mode."
        )
    if client_id and signing_secret is None:
        raise SettingsError("SLACK_SIGNING_SECRET is missing: OAuth installs arrive over HTTP and need it.")
    api_url = _get(env, "SLACK_API_URL") or SLACK_API_URL
    if not api_url.startswith(("https://", "http://")) or not api_url.endswith("/"):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL ending with /, such as {SLACK_API_URL}.")
    return SlackSettings(bot_token, signing_secret, app_token, client_id, client_secret, api_url)


def _discord(env: Mapping[str, str]) -> DiscordSettings | None:
    token = _get(env, "DISCORD_TOKEN")
    others = ("DISCORD_GUILD_ID", "DISCORD_SHARDS", "DISCORD_SHARD_IDS")
    if not token:
        given = [name for name in others if _get(env, name)]
        if given:
            raise SettingsError(
                f"{given[0]} is set but DISCORD_TOKEN is not: set the bot token (Bot page of the Discord application) "
                f"or remove {given[0]}."
            )
        return None
    if not all(token.split(".")) or token.count(".") != 2 or any(c.isspace() for c in token):
        raise SettingsError(
            "DISCORD_TOKEN does not look like a bot token (three parts separated by dots): copy it again from the "
            "Bot page of the Discord application, without 'Bot ' in front."
        )
    guild = _get(env, "DISCORD_GUILD_ID")
    if guild and not _DIGITS.fullmatch(guild):
        raise SettingsError(
            f"DISCORD_GUILD_ID must be a server id (a number; Copy Server ID in developer mode), not {guild!r}."
        )
    shard_count, auto = _shard_count(env)
    shard_ids = _shard_ids(env, shard_count)
    api_url = (_get(env, "DISCORD_API_URL") or DISCORD_API_URL).rstrip("/")
    if not api_url.startswith(("https://", "http://")):
        raise SettingsError(f"DISCORD_API_URL must be an http(s) URL such as {DISCORD_API_URL}.")
    gateway_url = _get(env, "DISCORD_GATEWAY_URL") or DISCORD_GATEWAY_URL
    if not gateway_url.startswith(("wss://", "ws://")):
        raise SettingsError(f"DISCORD_GATEWAY_URL must be a ws(s) URL such as {DISCORD_GATEWAY_URL}.")
    events = (_get(env, "DISCORD_MEMBER_EVENTS") or "on").lower()
    if events not in ("on", "off"):
        raise SettingsError(f"DISCORD_MEMBER_EVENTS must be on or off, not {events!r}.")
    mirror = (_get(env, "DISCORD_SCHEDULED_EVENTS") or "off").lower()
    if mirror not in ("on", "off"):
        raise SettingsError(f"DISCORD_SCHEDULED_EVENTS must be on or off, not {mirror!r}.")
    content = (_get(env, "DISCORD_MESSAGE_CONTENT") or "off").lower()
    if content not in ("on", "off"):
        raise SettingsError(f"DISCORD_MESSAGE_CONTENT must be on or off, not {content!r}.")
    return DiscordSettings(
        token=token, guild_id=int(guild) if guild else None, api_url=api_url, gateway_url=gateway_url,
        shard_count=shard_count, shard_ids=shard_ids, auto_shards=auto, member_events=events == "on",
        scheduled_events=mirror == "on", message_content=content == "on",
    )


def _shard_count(env: Mapping[str, str]) -> tuple[int | None, bool]:
    raw = _get(env, "DISCORD_SHARDS").lower()
    if not raw:
        return None, False
    if raw == "auto":
        return None, True
    if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= 10_000:
        raise SettingsError(f"DISCORD_SHARDS must be auto or the total number of shards (1 or more), not {raw!r}.")
    return int(raw), False


def _shard_ids(env: Mapping[str, str], shard_count: int | None) -> tuple[int, ...] | None:
    raw = _get(env, "DISCORD_SHARD_IDS")
    if not raw:
        return None
    if shard_count is None:
        raise SettingsError(
            "DISCORD_SHARD_IDS needs DISCORD_SHARDS set to a number: set the total number of shards the bot runs, "
            "which this process shares with others."
        )
    ids: set[int] = set()
    for part in raw.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if not _DIGITS.fullmatch(first) or (dash and not _DIGITS.fullmatch(last)):
            raise SettingsError(f"DISCORD_SHARD_IDS must list shard numbers such as 0,1 or 0-3, not {raw!r}.")
        low, high = int(first), int(last if dash else first)
        # Checked before the range is built: "0-99999999999" must not fill the memory first.
        if low > high or high >= shard_count:
            raise SettingsError(
                f"DISCORD_SHARD_IDS must name shards from 0 to {shard_count - 1} (DISCORD_SHARDS is {shard_count}), "
                f"not {raw!r}."
            )
        ids.update(range(low, high + 1))
    return tuple(sorted(ids))


def _grace_days(env: Mapping[str, str]) -> int:
    grace = _get(env, "HEARTH_DATA_GRACE_DAYS") or "30"
    if not grace.isdigit() or not 0 <= int(grace) <= 365:
        raise SettingsError(f"HEARTH_DATA_GRACE_DAYS must be a whole number of days from 0 to 365, not {grace!r}.")
    return int(grace)


def _activity_days(env: Mapping[str, str]) -> int:
    raw = _get(env, "HEARTH_ACTIVITY_DAYS") or "400"
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 1 <= int(raw) <= 3650:
        raise SettingsError(
            f"HEARTH_ACTIVITY_DAYS must be a whole number of days from 1 to 3650 (ten years), not {raw!r}."
        )
    return int(raw)


def _max_in_flight(env: Mapping[str, str]) -> int:
    raw = _get(env, "HEARTH_MAX_IN_FLIGHT") or "200"
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise SettingsError(f"HEARTH_MAX_IN_FLIGHT must be a whole number from 1 to 100000, not {raw!r}.")
    return int(raw)


def _stop_seconds(env: Mapping[str, str]) -> float:
    raw = _get(env, "HEARTH_STOP_SECONDS") or "10"
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= 300:
        raise SettingsError(f"HEARTH_STOP_SECONDS must be a whole number of seconds from 1 to 300, not {raw!r}.")
    return float(raw)


def _takeover_seconds(env: Mapping[str, str]) -> int:
    raw = _get(env, "HEARTH_TAKEOVER_SECONDS") or "30"
    if not re.fullmatch(r"[0-9]{1,4}", raw) or not 3 <= int(raw) <= 3600:
        raise SettingsError(
            f"HEARTH_TAKEOVER_SECONDS must be a whole number of seconds from 3 to 3600, not {raw!r}."
        )
    return int(raw)


def _public_url(env: Mapping[str, str]) -> str:
    raw = _get(env, "HEARTH_PUBLIC_URL")
    if not raw:
        host = _get(env, "HEARTH_HTTP_HOST") or "127.0.0.1"
        return f"http://{host}:{_port(env)}"
    if not raw.startswith(("https://", "http://")) or " " in raw:
        raise SettingsError(
            f"HEARTH_PUBLIC_URL must be the http(s) address members reach Hearth at, such as "
            f"https://hearth.example.org, not {raw!r}."
        )
    return raw.rstrip("/")


def _port(env: Mapping[str, str]) -> int:
    raw = _get(env, "HEARTH_HTTP_PORT") or "3000"
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(f"HEARTH_HTTP_PORT must be a port number from 1 to 65535, not {raw!r}.")
    return int(raw)
