"""How Hearth logs: the format and level from the settings, the loggers held back whatever the level, and the
redaction of secrets from every record (`adapters/log_redaction.py`; docs/security.md explains it for operators).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from adapters.log_redaction import Redactor, install_redaction
from adapters.settings import Settings

__all__ = ["WIRE_LOGGERS", "HeldLoggers", "configure_logging", "held_levels", "lowest_levels"]

# Libraries that log what they send and receive (request and response bodies with tokens, OAuth answers, members'
# messages) at DEBUG. They log at INFO and above only, even at HEARTH_LOG_LEVEL=DEBUG. aiosqlite's DEBUG lines are
# every call into the SQLite driver with its parameters, which hold what members typed.
WIRE_LOGGERS = ("slack_sdk", "slack_bolt", "discord", "aiohttp", "urllib3", "websockets", "aiosqlite", "psycopg")
_SQL = "sqlalchemy"
_STATEMENTS = "sqlalchemy.engine"


def lowest_levels(*, sql_echo: bool) -> dict[str, int]:
    """The lowest level each held logger (and its children) logs at, whatever HEARTH_LOG_LEVEL says.

    SQLAlchemy logs statements at INFO and the rows of every result at DEBUG: it is held at WARNING, and with
    HEARTH_SQL_ECHO=1 its engine logs statements (their parameters hidden by the engines), never rows.
    """
    levels = dict.fromkeys(WIRE_LOGGERS, logging.INFO)
    levels[_SQL] = logging.WARNING
    levels[_STATEMENTS] = logging.INFO if sql_echo else logging.WARNING
    return levels


def held_levels(settings: Settings) -> dict[str, int]:
    """The level of each held logger with these settings: its lowest level, or HEARTH_LOG_LEVEL when that is higher
    (HEARTH_SQL_ECHO=1 logs statements at any level)."""
    level = logging.getLevelNamesMapping()[settings.log_level]
    levels = {name: max(level, lowest) for name, lowest in lowest_levels(sql_echo=settings.sql_echo).items()}
    if settings.sql_echo:
        levels[_STATEMENTS] = logging.INFO
    return levels


class HeldLoggers(logging.Filter):
    """A handler filter that drops the records of a held logger below its lowest level. Logger levels hold most of
    them back before a record is even made, but some libraries set their own loggers' levels (Bolt copies the root
    logger's level onto each of its loggers), so each handler checks again."""

    def __init__(self, levels: Mapping[str, int]) -> None:
        super().__init__()
        self.levels = dict(levels)

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        while True:
            held = self.levels.get(name)
            if held is not None:
                return record.levelno >= held
            name, dot, _child = name.rpartition(".")
            if not dot:
                return True


def configure_logging(settings: Settings) -> None:
    """Log to stderr at `settings.log_level`, with the loggers above held back and every secret redacted (the
    configured ones and anything that looks like a token). Called once by the entry point."""
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level != "DEBUG":
        # Alembic narrates every migration step at INFO; one line from Hearth says the schema is current.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        # The page extractor reports pages without a main text as errors; for the library that is an item without
        # a description, which `bot.library.page_fetching` logs itself.
        for name in ("trafilatura", "htmldate", "courlan", "justext"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    for name, level in held_levels(settings).items():
        logging.getLogger(name).setLevel(level)
    held = HeldLoggers(lowest_levels(sql_echo=settings.sql_echo))
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, HeldLoggers)]:
            handler.removeFilter(old)
        handler.addFilter(held)
    install_redaction(Redactor(settings.secrets()))
