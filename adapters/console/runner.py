"""Runs the console: a transcript from a file (`--script`), the built-in demo, or an interactive session."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console.session import ConsoleSession, ScriptError
from adapters.console.workspace import ConsoleMessenger, ConsoleWorkspace, Output
from adapters.settings import Settings
from adapters.wiring import Hearth, build_hearth
from bot.clock import SimulatedClock
from bot.scheduling.model import ScheduledKind

DEMO = Path(__file__).with_name("demo.txt")


@dataclass(slots=True)
class Printer:
    """Writes what happens: JSON lines for tools, or a readable transcript for people."""

    out: TextIO
    as_json: bool
    errors: list[dict[str, object]] = field(default_factory=list)

    def output(self, output: Output) -> None:
        if self.as_json:
            self._json(output.as_json())
            return
        where = output.channel or ""
        if output.kind == "dm":
            where = f"DM to {output.to}"
        elif output.kind == "ephemeral":
            where = f"{output.channel}, visible only to {output.to}"
        elif output.kind == "form":
            where = f"form for {output.to}"
        head = f"  [{output.id}] Hearth ({where})" + (" updated" if output.kind == "update" else "")
        body = "\n".join(f"    {line}" for line in output.text.splitlines())
        buttons = "".join(f" [{label}]" for label, _ in output.buttons)
        files = "".join(f" <{name}, {size} bytes>" for name, _, size in output.files)
        self.out.write(f"{head}:\n{body}\n" + (f"   {buttons}{files}\n" if buttons or files else ""))
        self.out.flush()

    def echo(self, session: ConsoleSession, line: str) -> None:
        if not self.as_json:
            stamp = session.clock.now().astimezone(session.workspace.zone)
            self.out.write(f"{stamp:%a %d %b %H:%M} {session.member} in #{session.channel}> {line}\n")

    def error(self, number: int, text: str) -> None:
        record: dict[str, object] = {"kind": "error", "line": number, "text": text}
        self.errors.append(record)
        if self.as_json:
            self._json(record)
        else:
            self.out.write(f"  ! line {number}: {text}\n")
        self.out.flush()

    def _json(self, record: dict[str, object]) -> None:
        self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.out.flush()


@asynccontextmanager
async def console_session(
    settings: Settings, printer: Printer, *, start: datetime | None = None, kinds: Sequence[ScheduledKind] = (),
    read_pages: bool = False,
) -> AsyncIterator[tuple[Hearth, ConsoleSession]]:
    """A simulated workspace wired to a Hearth built on `settings` (with extra schedule `kinds`, for tests).
    `read_pages` reads saved links' pages from the web in the background, as a deployment does (the interactive
    console; a transcript reads none, so that it runs the same anywhere)."""
    zone = ZoneInfo(settings.timezone)
    clock = SimulatedClock(start or datetime.now(UTC).replace(second=0, microsecond=0))
    workspace = ConsoleWorkspace(clock=clock, zone=zone)
    messenger = ConsoleMessenger(workspace)
    fetcher = None
    if read_pages:
        from adapters.page_fetch import page_fetcher

        fetcher = page_fetcher(settings)
    hearth = await build_hearth(settings, messenger=messenger, clock=clock, kinds=kinds, fetcher=fetcher)
    await hearth.scheduler.start()
    hearth.activity.start()
    if hearth.pages is not None:
        await hearth.pages.start()
    session = ConsoleSession(hearth.core, hearth.uow, workspace, messenger, clock,
                             shortcuts=hearth.catalog.interactions.shortcuts())
    # What a line recorded is in the database before the next line runs (a transcript reads it at once).
    session.handled.append(lambda: _write_activity(hearth))
    # wait and until fire through the same engine a deployment runs, in time order.
    session.advance.append(lambda moment: _advance(hearth, clock, moment))
    session.clock_set.append(hearth.scheduler.restart)
    workspace.listeners.append(printer.output)
    session.echo = lambda line: printer.echo(session, line)
    try:
        yield hearth, session
    finally:
        await hearth.close()


async def _write_activity(hearth: Hearth) -> None:
    with contextlib.suppress(Exception):  # the writer logged it; the rows wait for its next write
        await hearth.activity.flush()


async def _advance(hearth: Hearth, clock: SimulatedClock, moment: datetime) -> None:
    await hearth.scheduler.advance_to(moment, clock.set)


async def run_lines(session: ConsoleSession, printer: Printer, lines: Iterable[str]) -> int:
    """Run transcript lines in order; returns the number of lines that could not be carried out."""
    failures = 0
    for number, line in enumerate(lines, start=1):
        try:
            await session.execute(line)
        except ScriptError as error:
            failures += 1
            printer.error(number, str(error))
    return failures


async def run_script(settings: Settings, lines: Iterable[str], *, as_json: bool, out: TextIO | None = None) -> int:
    """Run a whole transcript; the exit status is 1 when any line failed."""
    printer = Printer(out or sys.stdout, as_json)
    async with console_session(settings, printer) as (_, session):
        failures = await run_lines(session, printer, lines)
    return 1 if failures else 0


CONSOLE_HELP = """\
Type what a member would do, one action per line:
  /hearth help              a slash command (any command Hearth knows)
  say Has anyone tried dbt? post a message        reply m3 Yes!   reply in a thread
  as ana [facilitator]      act as another member  in #design      act in another channel
  click m4 Edit settings    click a button         submit f1 goal="…"   submit a form
  react m3 📚               react to a message     shortcut m3 Save to library   a message's shortcut
  wait 3d4h / until 2026-04-01T10:00   move the clock
  clock 2026-03-27T09:00 Europe/Brussels           set the simulated time
  quit                      leave (everything Hearth stored stays in the database)
"""


async def run_interactive(settings: Settings, *, out: TextIO | None = None, inp: TextIO | None = None) -> int:
    """An interactive simulated workspace on the configured database."""
    out = out or sys.stdout
    inp = inp or sys.stdin
    printer = Printer(out, as_json=False)
    async with console_session(settings, printer, read_pages=True) as (_, session):
        session.echo = None
        out.write(
            f"Hearth console on {settings.describe_database()} "
            f"(no Slack or Discord credentials configured).\n"
            f"Simulated workspace: you are {session.member} in #{session.channel}. Type help for the actions, "
            "/hearth help for Hearth's commands.\n"
        )
        number = 0
        while True:
            out.write(f"{session.member} in #{session.channel}> ")
            out.flush()
            line = inp.readline()
            if not line:
                out.write("\n")
                break
            number += 1
            word = line.strip().lower()
            if word in ("quit", "exit"):
                break
            if word in ("help", "?"):
                out.write(CONSOLE_HELP)
                continue
            await run_lines_at(session, printer, line, number)
    return 0


async def run_lines_at(session: ConsoleSession, printer: Printer, line: str, number: int) -> None:
    try:
        await session.execute(line)
    except ScriptError as error:
        printer.error(number, str(error))
