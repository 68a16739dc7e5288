"""Runs console transcript lines against Hearth: the grammar documented in docs/console.md."""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.console.workspace import ConsoleMessenger, ConsoleResponder, ConsoleWorkspace, OpenForm, Posted
from adapters.message_metadata import LINK, looks_like_question
from bot.clock import SimulatedClock
from bot.community.requests import MakeFacilitator
from bot.core import Core
from bot.errors import UserError
from bot.events import (
    ActionInvoked,
    Actor,
    CommandInvoked,
    FormSubmitted,
    InboundEvent,
    MessagePosted,
    ReactionAdded,
    ShortcutInvoked,
)
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef, MessageRef
from bot.time_zones import canonical_zone
from commands.router import Shortcut
from commands.values import parse_duration

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MENTION = re.compile(r"(?<![\w<])@([A-Za-z0-9][A-Za-z0-9._-]{0,39})")
CHANNEL_MENTION = re.compile(r"(?<![\w<&])#([A-Za-z0-9][A-Za-z0-9._-]{0,79})")
Advance = Callable[[datetime], Awaitable[None]]


class ScriptError(Exception):
    """A transcript line the console cannot carry out."""


@dataclass(slots=True)
class ConsoleSession:
    """The state of one console run: who is acting, where, and when.

    `advance` hooks run, in order, when `wait` or `until` moves the clock: the scheduler fires what falls due
    through them. The session changes nothing in the database itself: members act through the core, and
    `as ana facilitator` sends the community service's `MakeFacilitator`. (`uow` stays a field for
    the callers that build a session; the session itself opens no unit of work.)
    """

    core: Core
    uow: UnitOfWorkFactory
    workspace: ConsoleWorkspace
    messenger: ConsoleMessenger
    clock: SimulatedClock
    member: str = "you"
    channel: str = "general"
    advance: list[Advance] = field(default_factory=list)
    # Run after `clock` set the time: the scheduler starts again from there.
    clock_set: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Run after each event the core handled (the console writes the activity record out there).
    handled: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    echo: Callable[[str], None] | None = None
    shortcuts: tuple[Shortcut, ...] = ()  # the message shortcuts features offer (`shortcut m3 Save to library`)

    async def execute(self, line: str) -> None:
        """Carry out one transcript line; raises `ScriptError` when the line cannot be understood."""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return
        if self.echo is not None:
            self.echo(stripped)
        if stripped.startswith("/"):
            await self._command(stripped[1:])
            return
        verb, _, rest = stripped.partition(" ")
        action = self._verbs().get(verb.lower())
        if action is None:
            raise ScriptError(
                f"unknown action {verb!r}: use clock, as, in, say, reply, /command, react, click, submit, wait "
                "or until"
            )
        await action(rest.strip())

    def _verbs(self) -> dict[str, Callable[[str], Awaitable[None]]]:
        return {
            "clock": self._clock,
            "as": self._as,
            "in": self._in,
            "say": self._say,
            "reply": self._reply,
            "react": self._react,
            "shortcut": self._shortcut,
            "click": self._click,
            "submit": self._submit,
            "wait": self._wait,
            "until": self._until,
        }

    # --- where, who, when ------------------------------------------------------------------------------

    async def _clock(self, rest: str) -> None:
        parts = rest.split()
        if len(parts) != 2:
            raise ScriptError("clock needs a local time and a zone, e.g. clock 2026-03-27T09:00 Europe/Brussels")
        zone = _zone(parts[1])
        moment = _local_time(parts[0], zone)
        if moment < self.clock.now() and self.workspace.outputs:
            raise ScriptError("the clock cannot go back once Hearth has acted; use wait or until to move it on")
        self.workspace.zone = zone
        self.clock.set(moment)
        for hook in self.clock_set:
            await hook()
        for name, actor in self.workspace.members.items():
            self.workspace.members[name] = replace(actor, timezone=zone.key)

    async def _as(self, rest: str) -> None:
        parts = rest.split()
        if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1].lower() != "facilitator"):
            raise ScriptError("as needs a member name and optionally the word facilitator, e.g. as ana facilitator")
        name = parts[0].lstrip("@")
        if not NAME.match(name):
            raise ScriptError(f"{name!r} is not a console member name: letters, digits, . _ - (up to 40)")
        self.member = name
        actor = self._actor()
        if len(parts) == 2:
            await self._grant_facilitator(actor)

    async def _in(self, rest: str) -> None:
        name = rest.strip().lstrip("#")
        if not rest.strip().startswith("#") or not NAME.match(name):
            raise ScriptError("in needs a channel, e.g. in #general")
        self.channel = name
        self.workspace.channel(name)

    async def _wait(self, rest: str) -> None:
        try:
            delta = parse_duration(rest.replace(" ", ""))
        except UserError:
            raise ScriptError(f"wait needs a duration such as 90m, 3d or 3d4h, not {rest!r}") from None
        await self._move_to(self.clock.now() + delta)

    async def _until(self, rest: str) -> None:
        moment = _local_time(rest.strip(), self.workspace.zone)
        if moment < self.clock.now():
            raise ScriptError(f"{rest.strip()} has already passed; until only moves the clock forward")
        await self._move_to(moment)

    async def _move_to(self, moment: datetime) -> None:
        for hook in self.advance:
            await hook(moment)
        if moment > self.clock.now():
            self.clock.set(moment)

    # --- what members do -------------------------------------------------------------------------------

    async def _command(self, rest: str) -> None:
        command, _, text = rest.partition(" ")
        if not command:
            raise ScriptError("a slash command needs a name, e.g. /hearth help")
        event = CommandInvoked(
            actor=self._actor(), channel=self._channel(), at=self.clock.now(), command=command.lower(),
            text=self._neutral(text.strip()), workspace_name=self.workspace.name, channel_name=self.channel,
        )
        await self._handle(event)

    async def _say(self, rest: str, thread: Posted | None = None) -> None:
        if not rest:
            raise ScriptError("say needs some text, e.g. say Has anyone tried dbt?")
        channel = self._channel() if thread is None or thread.channel is None else thread.channel
        ident = self.workspace.next_message_id()
        posted = Posted(ident, channel, self.member, None, rest, thread=thread.id if thread else None)
        self.workspace.messages[ident] = posted
        await self._handle(MessagePosted(
            actor=self._actor(), channel=channel, at=self.clock.now(), message=MessageRef(channel, ident),
            thread=MessageRef(channel, thread.id) if thread else None, is_question=looks_like_question(rest),
            links=tuple(LINK.findall(rest)),
        ))

    async def _reply(self, rest: str) -> None:
        target, _, text = rest.partition(" ")
        await self._say(text.strip(), thread=self._message(target))

    async def _react(self, rest: str) -> None:
        parts = rest.split()
        if len(parts) != 2:
            raise ScriptError("react needs a message and an emoji, e.g. react m3 📚")
        posted = self._message(parts[0])
        channel = posted.channel or self._channel()
        await self._handle(ReactionAdded(
            actor=self._actor(), channel=channel, at=self.clock.now(), message=MessageRef(channel, posted.id),
            emoji=parts[1].strip(":"),
        ))

    async def _shortcut(self, rest: str) -> None:
        target, _, name = rest.partition(" ")
        if not target or not name.strip():
            raise ScriptError("shortcut needs a message and a shortcut, e.g. shortcut m3 Save to library")
        posted = self._message(target)
        if posted.author is None:
            raise ScriptError(f"{posted.id} is Hearth's message; shortcuts act on members' messages")
        wanted = _unquote(name.strip()).casefold()
        shortcuts = {shortcut.name.msgid.casefold(): shortcut.shortcut_id for shortcut in self.shortcuts}
        if wanted not in shortcuts:
            raise ScriptError(f"there is no shortcut {name.strip()!r} (there are: {', '.join(sorted(shortcuts))})")
        channel = posted.channel or self._channel()
        await self._handle(ShortcutInvoked(
            actor=self._actor(), channel=channel, at=self.clock.now(), shortcut_id=shortcuts[wanted],
            message=MessageRef(channel, posted.id), text=self._neutral(posted.text),
        ))

    async def _click(self, rest: str) -> None:
        target, _, label = rest.partition(" ")
        posted = self._message(target)
        if posted.message is None:
            raise ScriptError(f"{posted.id} is a member's message; it has no buttons")
        wanted = _unquote(label.strip()).casefold()
        buttons = posted.message.buttons()
        match = next((b for b in buttons if b.label.casefold() == wanted), None)
        if match is None:
            labels = ", ".join(b.label for b in buttons) or "none"
            raise ScriptError(f"{posted.id} has no button {label.strip()!r} (its buttons: {labels})")
        channel = posted.channel or self._channel()
        await self._handle(ActionInvoked(
            actor=self._actor(), channel=channel, at=self.clock.now(), action_id=match.action_id,
            value=match.value, message=MessageRef(channel, posted.id),
            message_values=tuple(button.value for button in buttons if button.value),
        ))

    async def _submit(self, rest: str) -> None:
        try:
            words = shlex.split(rest)
        except ValueError as error:
            raise ScriptError(f"submit: {error}") from None
        if not words:
            raise ScriptError("submit needs a form id, e.g. submit f1 goal=\"Share one lesson a week\"")
        opened = self._form(words[0])
        values = {f.name: f.initial for f in opened.form.fields}
        for word in words[1:]:
            name, sep, value = word.partition("=")
            if not sep:
                raise ScriptError(f"submit takes field=value pairs, not {word!r}")
            values[name] = value
        missing = [f.name for f in opened.form.fields if f.required and not values.get(f.name, "").strip()]
        if missing:
            raise ScriptError(f"{opened.id} needs a value for {', '.join(missing)}")
        del self.workspace.forms[opened.id]
        await self._handle(FormSubmitted(
            actor=self._actor(), channel=opened.channel, at=self.clock.now(), form_id=opened.form.form_id,
            values=values, state=opened.form.state,
        ))

    # --- plumbing --------------------------------------------------------------------------------------

    async def _handle(self, event: InboundEvent) -> None:
        channel = getattr(event, "channel", self._channel())
        responder = ConsoleResponder(self.messenger, channel, self.member)
        await self.core.handle(event, responder)
        for hook in self.handled:
            await hook()

    def _actor(self) -> Actor:
        actor = self.workspace.member(self.member)
        if actor.timezone != self.workspace.zone.key:
            actor = replace(actor, timezone=self.workspace.zone.key)
            self.workspace.members[self.member] = actor
        return actor

    def _channel(self) -> ChannelRef:
        return self.workspace.channel(self.channel)

    def _neutral(self, text: str) -> str:
        """Rewrite @name and #channel the way Slack does before Hearth sees them: only for real ones."""
        text = MENTION.sub(
            lambda m: f"<@{m.group(1)}>" if m.group(1) in self.workspace.members else m.group(0), text
        )
        return CHANNEL_MENTION.sub(
            lambda m: f"<#{m.group(1)}>" if m.group(1) in self.workspace.channels else m.group(0), text
        )

    def _message(self, ident: str) -> Posted:
        posted = self.workspace.messages.get(ident)
        if posted is None:
            raise ScriptError(f"there is no message {ident!r}")
        if posted.to is not None and posted.to != self.member:
            raise ScriptError(f"{ident} is visible only to {posted.to}")
        return posted

    def _form(self, ident: str) -> OpenForm:
        opened = self.workspace.forms.get(ident)
        if opened is None:
            raise ScriptError(f"there is no open form {ident!r}")
        if opened.member != self.member:
            raise ScriptError(f"{ident} was opened for {opened.member}")
        return opened

    async def _grant_facilitator(self, actor: Actor) -> None:
        # The console plays the platform here, which knows who facilitates: a request for the simulator only.
        await self.core.services.community.make_facilitator(MakeFacilitator(
            self.workspace.ref, self.workspace.name, actor.member, actor.display_name,
        ))


def _zone(name: str) -> ZoneInfo:
    canonical = canonical_zone(name)
    if canonical is None:
        raise ScriptError(f"{name!r} is not an IANA time zone such as Europe/Brussels")
    return ZoneInfo(canonical)


def _local_time(text: str, zone: ZoneInfo) -> datetime:
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise ScriptError(f"{text!r} is not a local time like 2026-03-27T09:00") from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=zone)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text



