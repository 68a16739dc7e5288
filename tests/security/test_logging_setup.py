"""`configure_logging`: held loggers, SQL only with HEARTH_SQL_ECHO=1 and never with values, and every record
redacted, whichever logger or handler it goes through."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from adapters.log_redaction import REDACTED, RedactingFilter, RedactingRecordFactory, hide_secret
from adapters.logs import WIRE_LOGGERS, HeldLoggers, configure_logging
from adapters.settings import Settings, SettingsError
from storage.database import create_engine_for, create_migration_engine

SIGNING_SECRET = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
BOT_TOKEN = "xoxb-4082619527-7391845263018-Qk3vT9mZr2LwXy8BnHc6PdEa"
OTHER_TOKEN = "xoxp-1234-5678-9abcdef0123"
MEMBER_GOAL = "Learn-from-each-other-7f3e9a"
NAMED = ("alembic", "sqlalchemy", "sqlalchemy.engine", "slack_bolt.AsyncApp", "hearth", "hearth.test", *WIRE_LOGGERS)


@dataclass
class Logs:
    stream: io.StringIO
    handler: logging.Handler

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def logs() -> Iterator[Logs]:
    """The root logger writing to a string, as `hearth` writes to stderr; logging is put back as it was after."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogRecordFactory(), sys.excepthook)
    levels = {name: logging.getLogger(name).level for name in NAMED}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.handlers[:] = [handler]
    # A redaction installed earlier in this process (by a test of `hearth` itself) is left as it was.
    logging.setLogRecordFactory(logging.LogRecord)
    for name in NAMED:
        logging.getLogger(name).setLevel(logging.NOTSET)
    try:
        yield Logs(stream, handler)
    finally:
        root.handlers[:], level, factory, sys.excepthook = saved
        root.setLevel(level)
        logging.setLogRecordFactory(factory)
        for name, previous in levels.items():
            logging.getLogger(name).setLevel(previous)
        logging.getLogger("hearth.test").handlers.clear()


def configure(level: str = "DEBUG", **env: str) -> Settings:
    settings = Settings.from_env({
        "HEARTH_LOG_LEVEL": level, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, **env,
    })
    configure_logging(settings)
    logging.getLogger().setLevel(level)  # basicConfig leaves the level alone when the root has a handler already
    return settings


def test_the_wire_loggers_stay_at_info_at_debug(logs: Logs) -> None:
    configure("DEBUG")
    for name in WIRE_LOGGERS:
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO
    assert logging.getLogger("hearth.test").isEnabledFor(logging.DEBUG)
    logging.getLogger("slack_sdk.web.async_base_client").debug("Received body: {'access_token': 'abc'}")
    logging.getLogger("discord.http").debug("PUT /commands with {'name': 'hearth'} has returned 200")
    logging.getLogger("hearth.test").debug("Hearth's own debug line")
    assert logs.text == "DEBUG hearth.test: Hearth's own debug line\n"


def test_held_loggers_are_never_lowered_below_the_level_asked_for(logs: Logs) -> None:
    configure("ERROR")
    assert logging.getLogger("slack_sdk").level == logging.ERROR
    assert logging.getLogger("sqlalchemy.engine").level == logging.ERROR


def test_a_library_that_sets_its_own_level_is_held_at_each_handler(logs: Logs) -> None:
    configure("DEBUG")
    bolt = logging.getLogger("slack_bolt.AsyncApp")
    bolt.setLevel(logging.DEBUG)  # what Bolt does: it copies the root logger's level onto its loggers
    bolt.debug("Handling an OAuth callback success (request: {'code': ['4082.7391']})")
    bolt.warning(f"a warning still reaches the log, without {OTHER_TOKEN}")
    assert logs.text == "WARNING slack_bolt.AsyncApp: a warning still reaches the log, without xoxp-[redacted]\n"


def test_held_loggers_filter_by_the_nearest_name() -> None:
    held = HeldLoggers({"discord": logging.INFO, "sqlalchemy": logging.WARNING, "sqlalchemy.engine": logging.INFO})

    def passes(name: str, level: int) -> bool:
        return held.filter(logging.LogRecord(name, level, __file__, 1, "m", (), None))

    assert not passes("discord.gateway", logging.DEBUG) and passes("discord.gateway", logging.INFO)
    assert passes("sqlalchemy.engine.Engine", logging.INFO) and not passes("sqlalchemy.pool", logging.INFO)
    assert passes("discordant", logging.DEBUG) and passes("hearth", logging.DEBUG)


def test_configured_secrets_and_token_shapes_are_redacted_from_messages_and_arguments(logs: Logs) -> None:
    configure("INFO")
    log = logging.getLogger("hearth.test")
    log.info("signed with %s by %s", SIGNING_SECRET, BOT_TOKEN)
    log.info(f"feed https://h.example/calendar/kjAFxU785.ics and {OTHER_TOKEN}")
    log.info({"access_token": "abc-123"})
    assert SIGNING_SECRET not in logs.text and BOT_TOKEN not in logs.text and OTHER_TOKEN not in logs.text
    assert logs.text.splitlines() == [
        f"INFO hearth.test: signed with {REDACTED} by {REDACTED}",
        "INFO hearth.test: feed https://h.example/calendar/[redacted].ics and xoxp-[redacted]",
        "INFO hearth.test: {'access_token': '[redacted]'}",
    ]


def test_exception_text_and_stacks_are_redacted(logs: Logs) -> None:
    configure("INFO")
    log = logging.getLogger("hearth.test")
    try:
        raise RuntimeError(f"Slack refused {BOT_TOKEN}, {OTHER_TOKEN} for /calendar/kjAFxU785.ics")
    except RuntimeError:
        log.exception("a calendar feed could not be served")
    log.info("where %s is", SIGNING_SECRET, stack_info=True)
    assert "Traceback (most recent call last)" in logs.text
    assert f"RuntimeError: Slack refused {REDACTED}, xoxp-[redacted] for /calendar/[redacted].ics" in logs.text
    assert "Stack (most recent call last)" in logs.text
    assert BOT_TOKEN not in logs.text and "kjAFxU785" not in logs.text and SIGNING_SECRET not in logs.text


def test_a_handler_added_later_anywhere_gets_redacted_records(logs: Logs) -> None:
    configure("INFO")
    later = io.StringIO()
    child = logging.getLogger("hearth.test")
    child.addHandler(logging.StreamHandler(later))  # as a library might, after Hearth set logging up
    late_root = io.StringIO()
    logging.getLogger().addHandler(logging.StreamHandler(late_root))
    child.warning("tokens %s and %s", BOT_TOKEN, OTHER_TOKEN)
    assert later.getvalue() == late_root.getvalue() == f"tokens {REDACTED} and xoxp-[redacted]\n"
    assert logs.text == f"WARNING hearth.test: tokens {REDACTED} and xoxp-[redacted]\n"


def test_records_made_without_the_factory_are_redacted_by_the_handler_filter(logs: Logs) -> None:
    configure("INFO")
    record = logging.makeLogRecord({"name": "hearth.test", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "signed with %s", "args": (SIGNING_SECRET,)})
    logging.getLogger().handle(record)
    assert logs.text == f"INFO hearth.test: signed with {REDACTED}\n"
    assert any(isinstance(f, RedactingFilter) for f in logs.handler.filters)


def test_a_record_that_cannot_be_formatted_never_raises_nor_leaks(logs: Logs) -> None:
    configure("INFO")
    log = logging.getLogger("hearth.test")
    log.info("two %s and %s", BOT_TOKEN)  # one argument too few
    log.info(ValueError(SIGNING_SECRET))  # not a string
    lines = logs.text.splitlines()
    assert lines[0] == "INFO hearth.test: two %s and %s (its arguments did not fit the message and were left out)"
    assert lines[1] == f"INFO hearth.test: {REDACTED}"
    assert BOT_TOKEN not in logs.text


def test_a_failing_redaction_drops_the_message_instead_of_raising(logs: Logs) -> None:
    configure("INFO")
    factory = logging.getLogRecordFactory()
    assert isinstance(factory, RedactingRecordFactory)

    class Broken:
        def redact(self, text: str) -> str:
            raise RuntimeError(text)

    factory.filter.redactor = Broken()  # type: ignore[assignment]
    logging.getLogger("hearth.test").warning("token %s", BOT_TOKEN)
    assert logs.text == "WARNING hearth.test: a log record that could not be checked for secrets was left out\n"


def test_configuring_again_replaces_the_redaction_instead_of_stacking_it(logs: Logs) -> None:
    configure("INFO")
    first = logging.getLogRecordFactory()
    configure("INFO", SLACK_SIGNING_SECRET="0123456789abcdef0123")
    assert logging.getLogRecordFactory() is first
    assert sum(isinstance(f, RedactingFilter) for f in logs.handler.filters) == 1
    assert sum(isinstance(f, HeldLoggers) for f in logs.handler.filters) == 1
    logging.getLogger("hearth.test").info("%s %s", SIGNING_SECRET, "0123456789abcdef0123")
    assert logs.text == f"INFO hearth.test: {SIGNING_SECRET} {REDACTED}\n"


def test_a_secret_read_later_is_hidden_under_its_name(logs: Logs) -> None:
    configure("INFO")
    first, second = "k" * 43, "q" * 43
    hide_secret("hearth.reference_key", first)
    logging.getLogger("hearth.test").info("key %s", first)
    hide_secret("hearth.reference_key", second)  # a new deployment's key takes the old one's place
    factory = logging.getLogRecordFactory()
    assert isinstance(factory, RedactingRecordFactory)
    assert second in factory.filter.redactor.secrets and first not in factory.filter.redactor.secrets
    assert SIGNING_SECRET in factory.filter.redactor.secrets
    assert logs.text == f"INFO hearth.test: key {REDACTED}\n"


def test_an_uncaught_exception_is_printed_redacted(logs: Logs, capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO")
    try:
        raise RuntimeError(f"cannot reach Slack with {BOT_TOKEN}")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    err = capsys.readouterr().err
    assert f"RuntimeError: cannot reach Slack with {REDACTED}" in err and BOT_TOKEN not in err


# --- SQL ----------------------------------------------------------------------------------------------------------


async def run_statement(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT :goal AS goal"), {"goal": MEMBER_GOAL})
    finally:
        await engine.dispose()


async def test_no_sql_is_logged_at_debug_without_sql_echo(logs: Logs, database_url: str) -> None:
    configure("DEBUG")
    await run_statement(database_url)
    assert "SELECT" not in logs.text and MEMBER_GOAL not in logs.text
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.WARNING


async def test_sql_echo_logs_statements_never_their_values_nor_rows(logs: Logs, database_url: str) -> None:
    configure("DEBUG", HEARTH_SQL_ECHO="1")
    await run_statement(database_url)
    assert "SELECT" in logs.text and "AS goal" in logs.text
    assert "[SQL parameters hidden due to hide_parameters=True]" in logs.text
    assert MEMBER_GOAL not in logs.text  # neither as a parameter nor as the row it returns


def test_sql_echo_holds_at_any_level_and_also_for_migrations(logs: Logs, sqlite_url: str) -> None:
    configure("WARNING", HEARTH_SQL_ECHO="1")
    engine = create_migration_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT :goal AS goal"), {"goal": MEMBER_GOAL})
    finally:
        engine.dispose()
    assert "AS goal" in logs.text and MEMBER_GOAL not in logs.text


# --- settings -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "echo"), [(None, False), ("", False), ("0", False), ("1", True), (" 1 ", True)])
def test_sql_echo_is_off_unless_asked_for(raw: str | None, echo: bool) -> None:
    env = {} if raw is None else {"HEARTH_SQL_ECHO": raw}
    assert Settings.from_env(env).sql_echo is echo


@pytest.mark.parametrize("raw", ["yes", "true", "on", "2", "DEBUG"])
def test_a_wrong_sql_echo_says_what_to_write(raw: str) -> None:
    with pytest.raises(SettingsError, match=r"^HEARTH_SQL_ECHO must be 1 .* or 0 .*, not ") as raised:
        Settings.from_env({"HEARTH_SQL_ECHO": raw})
    assert repr(raw) in str(raised.value)


def test_the_settings_name_every_credential_they_hold() -> None:
    settings = Settings.from_env({
        "SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "client-secret-1",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_APP_TOKEN": "xapp-1-A0-123-abc",
        "DISCORD_TOKEN": "MTA.fake.token",
        "DATABASE_URL": "postgresql+psycopg://hearth:p%40ss-w0rd@db.example.org:5432/hearth",
    })
    assert set(settings.secrets()) == {
        "client-secret-1", SIGNING_SECRET, "xapp-1-A0-123-abc", "MTA.fake.token", "p%40ss-w0rd", "p@ss-w0rd",
    }
    assert Settings.from_env({}).secrets() == ()
