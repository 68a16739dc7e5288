"""Hostile input in every command, option, form field and button the catalogue declares, on SQLite and PostgreSQL.

The slots are generated from `build_catalog()`: every parameter of every command, typed as text (Slack, the
console) and as a typed option (Discord); every field of every routed form; the value of every routed button. Each
gets every value of `HOSTILE`. For each one Hearth must answer, never with the apology, log nothing at ERROR, put
no traceback in chat, and, when it refuses, answer privately and leave every table as it was.

Each (command, parameter) is tried in a community of its own, set up with a meeting series and an agenda topic, so
what one accepted value changes does not hide what another would do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, text

from adapters.console.session import ConsoleSession
from adapters.console.workspace import ConsoleResponder, Output
from bot.core import APOLOGY, Core
from bot.errors import UserError
from bot.events import ActionInvoked, CommandInvoked, FormSubmitted, InboundEvent, OptionValue, ShortcutInvoked
from bot.polls.messages import ANSWER_FORM, SUGGEST, SUGGEST_FORM, SURVEY, SURVEY_FORM, WRITE
from bot.refs import MemberRef, MessageRef
from commands.catalog import build_catalog
from commands.hearth.common import EDIT_SETTINGS, SETTINGS_FORM
from commands.library.capture import SAVE_FORM, SAVE_SHORTCUT
from commands.poll.surveys import ADD_TEMPLATE, TEMPLATE_FORM
from commands.spec import CommandSpec, Param, ParamKind
from commands.tokens import quote
from commands.usage import flag_name, is_flag
from storage.database import create_migration_engine
from storage.tables import metadata
from tests.console_harness import Transcript, transcript

HOSTILE: dict[str, str] = {
    "10k characters": "x" * 10_000,
    "10k characters of words": "word " * 2_000,
    "NUL": "a\x00b",
    "NUL alone": "\x00",
    "bell and escape": "\x07\x1b[31mred",
    "DEL": "del\x7f",
    "C1 control": "c1\x9b",
    "lone high surrogate": "x\ud800y",
    "lone low surrogate": "\udfff",
    "right-to-left override": "\u202egnp.exe",
    "zero-width characters": "a\u200bb\u200d\ufeff",
    "empty": "",
    "blank": "   ",
    "line breaks and tabs": "one\r\ntwo\tthree\u2028four",
    "20 digits": "99999999999999999999",
    "negative number": "-5",
    "zero": "0",
    "exponent": "1e9",
    "0m": "0m",
    "-5m": "-5m",
    "9999d": "9999d",
    "30 February": "2026-02-30",
    "24:00": "24:00",
    "year zero": "0000-00-00",
    "quiet hours 24:00": "quiet 24:00-07:00",
    "script tag": "<script>alert(1)</script>",
    "bold": "*bold*",
    "member mention": "<@U123>",
    "@everyone": "@everyone",
    "<!channel>": "<!channel>",
    "channel link": "<#C123>",
    "mention with a 100-character id": "<@" + "U" * 100 + ">",
    "450 emoji": "🔥" * 450,
    "link of 2,000 characters": "https://zoom.example/j/" + "1" * (2000 - len("https://zoom.example/j/")),
    "link of 2,001 characters": "https://zoom.example/j/" + "1" * (2001 - len("https://zoom.example/j/")),
}

# What the other parameters of a command hold while one of them is hostile: only required ones are given.
GOOD: dict[str, str] = {
    "title": "Review",
    "when": "every week on Thursday at 10:00",
    "to": "2026-04-01 16:00",
    "topic": "Dashboards",
    "number": "1",
    "member": "<@ben>",
    "question": "Which day?",
    "options": '"Monday" "Friday"',
    "id": "1",
    "template": "satisfaction",
    "name": "session",
    "source": "satisfaction",
    "setting": "off",
    "url": "https://example.com/article",
    "idea": "Pair review",
    "format": "csv",
    "query": "contracts",
    "prompt": "What did you learn this week?",
}

# How each routed form is opened (the button that opens it, and the command that posts that button first when it
# carries a reference), so its state and initial values are real.
FORM_OPENERS: dict[str, str] = {SETTINGS_FORM: EDIT_SETTINGS, ANSWER_FORM: WRITE, SUGGEST_FORM: SUGGEST,
                                SURVEY_FORM: SURVEY, TEMPLATE_FORM: ADD_TEMPLATE}
# The forms a message shortcut opens, by the shortcut, and the member's message it is run on.
SHORTCUT_OPENERS: dict[str, tuple[str, str]] = {SAVE_FORM: (SAVE_SHORTCUT, "Worth a read: https://example.com/a")}
POSTED_BY: dict[str, tuple[tuple[str, ...], str]] = {WRITE: (("poll", "open"), '"What next?"'),
                                                     SUGGEST: (("poll", "topics"), '"What should we talk about?"'),
                                                     SURVEY: (("poll", "survey"), "satisfaction")}

APOLOGIES = (APOLOGY.msgid, "Sorry, er ging iets mis")


@dataclass(frozen=True, slots=True)
class Case:
    """One hostile value in one slot: `surface` is text, option, form or button."""

    surface: str
    slot: str  # "meeting schedule --link", "hearth.settings.form goal", "meeting.rsvp"
    value_name: str
    value: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.surface, self.slot, self.value_name)


@dataclass(slots=True)
class Outcome:
    refused: bool
    outputs: list[Output]
    errors: list[logging.LogRecord]


@dataclass(slots=True)
class Driver:
    """Sends events to the core as console member ana (a facilitator) and reads what happened."""

    t: Transcript
    engine: Engine
    caplog: pytest.LogCaptureFixture
    refusals: list[UserError] = field(default_factory=list)
    communities: int = 0
    # The database as it was after the last refusal (a refusal changes nothing, so the next case starts there).
    last_snapshot: list[tuple[Any, ...]] | None = None

    @property
    def session(self) -> ConsoleSession:
        return self.t.session

    @property
    def core(self) -> Core:
        return self.session.core

    async def fresh_community(self) -> str:
        """A new channel set up as a community, with a weekly series and a topic on its next meeting."""
        self.communities += 1
        self.last_snapshot = None
        channel = f"c{self.communities}"
        self.session.channel = channel
        for path, args in ((("hearth", "setup"), ""),
                           (("meeting", "schedule"), '"CoP sync" every week on Tuesday at 15:00'),
                           (("meeting", "agenda", "add"), "Dashboards")):
            outcome = await self.send(self.command_text(path, args))
            assert not outcome.refused, [o.text for o in outcome.outputs]
        return channel

    def command_text(self, path: tuple[str, ...], args: str) -> CommandInvoked:
        return CommandInvoked(
            actor=self.session.workspace.member("ana"), channel=self.session.workspace.channel(self.session.channel),
            at=self.session.clock.now(), command=path[0], text=" ".join((*path[1:], args)).strip(),
            workspace_name=self.session.workspace.name, channel_name=self.session.channel,
        )

    def command_options(self, path: tuple[str, ...], options: Mapping[str, OptionValue]) -> CommandInvoked:
        return CommandInvoked(
            actor=self.session.workspace.member("ana"), channel=self.session.workspace.channel(self.session.channel),
            at=self.session.clock.now(), command=path[0], path=path[1:], options=dict(options),
            workspace_name=self.session.workspace.name, channel_name=self.session.channel,
        )

    async def send(self, event: InboundEvent) -> Outcome:
        outputs = self.session.workspace.outputs
        before = len(outputs)
        refused_before = len(self.refusals)
        self.caplog.clear()
        channel = self.session.workspace.channel(self.session.channel)
        await self.core.handle(event, ConsoleResponder(self.session.messenger, channel, "ana"))
        errors = [record for record in self.caplog.records if record.levelno >= logging.ERROR]
        return Outcome(len(self.refusals) > refused_before, outputs[before:], errors)

    def snapshot(self) -> list[tuple[Any, ...]]:
        """Every row of every table, as text, in one query."""
        with self.engine.connect() as connection:
            return list(connection.execute(text(_SNAPSHOT[connection.dialect.name])))

    async def check(self, case: Case, event: InboundEvent) -> list[str]:
        """Send `event`; what is wrong with how Hearth took `case` (nothing when all is well)."""
        before = self.last_snapshot if self.last_snapshot is not None else self.snapshot()
        self.last_snapshot = None
        outcome = await self.send(event)
        problems: list[str] = []
        texts = [output.text for output in outcome.outputs]
        if any(apology in text for text in texts for apology in APOLOGIES):
            problems.append("answered with the apology")
        if any("Traceback" in text for text in texts):
            problems.append("a traceback in chat")
        if outcome.errors:
            problems.append("logged at ERROR: " + "; ".join(r.getMessage()[:200] for r in outcome.errors))
        if not outcome.outputs:
            problems.append("no answer")
        if outcome.refused:
            if any(o.kind != "ephemeral" or o.to != "ana" for o in outcome.outputs):
                problems.append("a refusal that was not private: " + repr([(o.kind, o.to) for o in outcome.outputs]))
            after = self.snapshot()
            if after != before:
                problems.append("a refusal that changed the database")
            self.last_snapshot = after
        return [f"{case.surface} {case.slot} with {case.value_name}: {problem}" for problem in problems]


def _snapshot_query(dialect: str) -> str:
    """One statement that reads each table's rows as text, in a stable order: cheap enough to run per case."""
    parts = []
    for table in metadata.sorted_tables:
        if dialect == "postgresql":
            rows = f"SELECT string_agg(t::text, chr(10) ORDER BY t::text) FROM \"{table.name}\" t"
        else:
            row = " || '|' || ".join(f'quote("{column.name}")' for column in table.columns)
            rows = f'SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM "{table.name}" ORDER BY r)'
        parts.append(f"SELECT '{table.name}', ({rows})")
    return " UNION ALL ".join(parts)


_SNAPSHOT = {dialect: _snapshot_query(dialect) for dialect in ("postgresql", "sqlite")}


@pytest.fixture
async def driver(database_url: str, caplog: pytest.LogCaptureFixture,
                 monkeypatch: pytest.MonkeyPatch) -> Any:
    engine = create_migration_engine(database_url)
    caplog.set_level(logging.WARNING)
    try:
        async with transcript(database_url, rate_limit_count=1_000_000) as t:
            running = Driver(t, engine, caplog)
            shown = t.session.core._show_user_error

            async def recording(ctx: Any, error: UserError) -> None:
                running.refusals.append(error)
                await shown(ctx, error)

            # Watches which answers are refusals; the answer itself is Hearth's own.
            monkeypatch.setattr(t.session.core, "_show_user_error", recording)
            yield running
    finally:
        engine.dispose()


# --- the slots ---------------------------------------------------------------------------------------------


def _specs() -> list[CommandSpec]:
    return list(build_catalog().registry.specs())


def _text_args(spec: CommandSpec, hostile: Param | None, value: str) -> str:
    """The argument text with `value` in `hostile`'s place and good values in the other required ones."""
    words: list[str] = []
    for param in spec.params:
        if is_flag(param):
            continue
        if param is hostile:
            words.append(quote(value))
        elif param.required:
            words.append(quote(GOOD[param.name]))
    if hostile is not None and is_flag(hostile):
        words.append(f"{flag_name(hostile)}={quote(value)}")
    return " ".join(words)


def _options(spec: CommandSpec, hostile: Param, value: OptionValue) -> dict[str, OptionValue]:
    options: dict[str, OptionValue] = {p.name: GOOD[p.name] for p in spec.params if p.required and p is not hostile}
    options[hostile.name] = value
    return options


def _slot(spec: CommandSpec, param: Param) -> str:
    return f"{spec.name} {flag_name(param) if is_flag(param) else '<' + param.name + '>'}"


def test_the_catalogue_has_slots_and_every_form_is_declared() -> None:
    catalog = build_catalog()
    assert sum(len(spec.params) for spec in catalog.registry.specs()) > 40
    forms = catalog.interactions.forms()
    assert set(forms) == set(FORM_OPENERS) | set(SHORTCUT_OPENERS), "add how the new form is opened to FORM_OPENERS"
    assert all(fields for fields in forms.values()), "declare the form's fields: on_form(..., fields=...)"
    assert set(FORM_OPENERS.values()) <= set(catalog.interactions.action_ids())
    for spec in catalog.registry.specs():
        missing = [p.name for p in spec.params if p.required and p.name not in GOOD]
        assert not missing, f"give GOOD a valid value for {spec.name} {missing}"


async def test_every_command_option_takes_hostile_values_safely(driver: Driver) -> None:
    problems: list[str] = []
    for spec in _specs():
        slots: list[Param | None] = list(spec.params) or [None]
        for param in slots:
            await driver.fresh_community()
            if param is None:
                outcome = await driver.send(driver.command_text(spec.path, ""))
                assert outcome.outputs and not outcome.errors, spec.name
                continue
            for name, value in HOSTILE.items():
                typed = driver.command_text(spec.path, _text_args(spec, param, value))
                chosen = driver.command_options(spec.path, _options(spec, param, value))
                for case, event in ((Case("text", _slot(spec, param), name, value), typed),
                                    (Case("option", _slot(spec, param), name, value), chosen)):
                    problems += await driver.check(case, event)
            if param.kind is ParamKind.MEMBER:
                workspace = driver.session.workspace.ref
                for name, ident in (("member id of 100 characters", "U" * 100), ("member id with NUL", "U\x00")):
                    case = Case("option", _slot(spec, param), name, ident)
                    problems += await driver.check(case, driver.command_options(
                        spec.path, _options(spec, param, MemberRef(workspace, ident))))
    assert not problems, "\n".join(problems)


async def test_every_form_field_takes_hostile_values_safely(driver: Driver) -> None:
    problems: list[str] = []
    for form_id, fields in build_catalog().interactions.forms().items():
        for form_field in fields:
            await driver.fresh_community()
            for name, value in HOSTILE.items():
                case = Case("form", f"{form_id} {form_field}", name, value)
                opened = await _open(driver, form_id)
                values = {f.name: f.initial for f in opened.fields}
                values[form_field] = value
                problems += await driver.check(case, FormSubmitted(
                    actor=driver.session.workspace.member("ana"),
                    channel=driver.session.workspace.channel(driver.session.channel), at=driver.session.clock.now(),
                    form_id=form_id, values=values, state=opened.state,
                ))
    assert not problems, "\n".join(problems)


async def test_every_button_value_takes_hostile_values_safely(driver: Driver) -> None:
    problems: list[str] = []
    for action_id in build_catalog().interactions.action_ids():
        await driver.fresh_community()
        for case in _button_cases(action_id):
            problems += await driver.check(case, _click(driver, action_id, case.value))
    assert not problems, "\n".join(problems)


def _button_cases(action_id: str) -> Iterator[Case]:
    for name, value in HOSTILE.items():
        yield Case("button", action_id, name, value)


def _click(driver: Driver, action_id: str, value: str) -> ActionInvoked:
    return ActionInvoked(
        actor=driver.session.workspace.member("ana"), channel=driver.session.workspace.channel(driver.session.channel),
        at=driver.session.clock.now(), action_id=action_id, value=value,
    )


async def _open(driver: Driver, form_id: str) -> Any:
    forms = driver.session.workspace.forms
    before = set(forms)
    if form_id in SHORTCUT_OPENERS:
        shortcut_id, said = SHORTCUT_OPENERS[form_id]
        await driver.session.execute(f"say {said}")
        driver.last_snapshot = None  # the message is in the activity record: the next check starts from a new one
        ident = next(ident for ident, posted in reversed(driver.session.workspace.messages.items()) if posted.author)
        channel = driver.session.workspace.channel(driver.session.channel)
        outcome = await driver.send(ShortcutInvoked(
            actor=driver.session.workspace.member(driver.session.member), channel=channel,
            at=driver.session.clock.now(), shortcut_id=shortcut_id, message=MessageRef(channel, ident), text=said))
        assert not outcome.refused
        opened = [forms[ident] for ident in set(forms) - before]
        assert len(opened) == 1 and opened[0].form.form_id == form_id
        return opened[0].form
    action_id, value = FORM_OPENERS[form_id], ""
    if action_id in POSTED_BY:
        path, args = POSTED_BY[action_id]
        posted = await driver.send(driver.command_text(path, args))
        assert not posted.refused
        driver.last_snapshot = None  # the post changed the database: the next check starts from a new snapshot
        value = [button.value for message in driver.session.workspace.messages.values()
                 for button in message.message.buttons() if button.action_id == action_id][-1]
    outcome = await driver.send(_click(driver, action_id, value))
    assert not outcome.refused
    opened = [forms[ident] for ident in set(forms) - before]
    assert len(opened) == 1 and opened[0].form.form_id == form_id
    return opened[0].form
