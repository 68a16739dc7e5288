"""Drive Hearth through the console adapter, as a member would, and read what Hearth did."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from adapters.console.runner import Printer, console_session, run_lines
from adapters.console.session import ConsoleSession
from adapters.console.workspace import Output
from adapters.settings import Settings
from adapters.wiring import Hearth
from bot.scheduling.model import ScheduledKind

START = datetime(2026, 3, 27, 8, 0, tzinfo=UTC)


@dataclass(slots=True)
class Transcript:
    hearth: Hearth
    session: ConsoleSession
    printer: Printer

    async def run(self, script: str) -> list[Output]:
        """Run transcript lines; returns what Hearth did. A line the console cannot carry out fails the test."""
        before = len(self.session.workspace.outputs)
        errors_before = len(self.printer.errors)
        await run_lines(self.session, self.printer, script.strip().splitlines())
        assert self.printer.errors[errors_before:] == []
        return self.session.workspace.outputs[before:]

    async def one(self, script: str) -> Output:
        outputs = await self.run(script)
        assert len(outputs) == 1, outputs
        return outputs[0]


def without_nudges(outputs: Sequence[Output]) -> list[Output]:
    """`outputs` without the nudges' (a quiet channel's prompt, a surfaced question, a personal nudge): for the
    transcripts of other features, whose channel goes quiet while the clock runs on (tests/nudges has the nudges')."""
    return [output for output in outputs if "/nudge why" not in output.text]


def community_script(language: str = "en", *, at: str = "2026-12-02T09:00") -> str:
    """Ana sets up #data-cop as Data CoP in `language`, at `at` in Brussels: where most feature transcripts begin."""
    return f"""
clock {at} Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP" --lang {language}
"""


@asynccontextmanager
async def transcript(
    database_url: str, kinds: Sequence[ScheduledKind] = (), **settings: object
) -> AsyncIterator[Transcript]:
    # A key of its own: no key file in the working directory beside a PostgreSQL test database.
    base = replace(Settings.from_env({}), database_url=database_url, poll_key=bytes.fromhex("ab" * 32))
    printer = Printer(io.StringIO(), as_json=True)
    async with console_session(replace(base, **settings), printer, start=START, kinds=kinds) as (hearth, session):
        yield Transcript(hearth, session, printer)
