"""The console's simulated workspace: members, channels, the messages in them, and Hearth's outbound side."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.console.render import render_message
from bot.events import Actor
from bot.messages import Form, Message
from bot.ports import ChatMessage, Clock, DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef

CONSOLE_WORKSPACE = WorkspaceRef(Platform.CONSOLE, "console")


@dataclass(slots=True)
class Posted:
    """A message in the simulated workspace, a member's or Hearth's."""

    id: str
    channel: ChannelRef | None
    author: str | None  # None: Hearth
    message: Message | None  # None: a member's message, whose text the console keeps only for display
    text: str
    to: str | None = None  # the member a DM or an ephemeral message is for
    thread: str | None = None


@dataclass(frozen=True, slots=True)
class Output:
    """One thing Hearth did, as the transcript records it."""

    at: datetime
    kind: str  # post, dm, ephemeral, update, form
    id: str
    channel: str | None
    to: str | None
    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str, int], ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat().replace("+00:00", "Z"),
            "kind": self.kind,
            "id": self.id,
            "channel": self.channel,
            "to": self.to,
            "text": self.text,
            "buttons": [{"label": label, "action": action} for label, action in self.buttons],
            "files": [{"name": name, "type": mime, "bytes": size} for name, mime, size in self.files],
        }


@dataclass(slots=True)
class OpenForm:
    id: str
    form: Form
    member: str
    channel: ChannelRef


@dataclass(slots=True)
class ConsoleWorkspace:
    """Everything the simulated workspace holds. Member and channel ids are their names."""

    clock: Clock
    zone: ZoneInfo
    ref: WorkspaceRef = CONSOLE_WORKSPACE
    name: str = "Console"
    members: dict[str, Actor] = field(default_factory=dict)
    channels: dict[str, ChannelRef] = field(default_factory=dict)
    messages: dict[str, Posted] = field(default_factory=dict)
    forms: dict[str, OpenForm] = field(default_factory=dict)
    outputs: list[Output] = field(default_factory=list)
    listeners: list[Callable[[Output], None]] = field(default_factory=list)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _form_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def member(self, name: str) -> Actor:
        if name not in self.members:
            self.members[name] = Actor(MemberRef(self.ref, name), display_name=name)
        return self.members[name]

    def channel(self, name: str) -> ChannelRef:
        name = name.lstrip("#")
        if name not in self.channels:
            self.channels[name] = ChannelRef(self.ref, name)
        return self.channels[name]

    def next_message_id(self) -> str:
        return f"m{next(self._message_ids)}"

    def next_form_id(self) -> str:
        return f"f{next(self._form_ids)}"

    def emit(self, output: Output) -> None:
        self.outputs.append(output)
        for listener in self.listeners:
            listener(output)

    def record(
        self, kind: str, message: Message, *, channel: ChannelRef | None, to: str | None, posted_id: str | None = None
    ) -> Posted:
        now = self.clock.now()
        text = render_message(message, self.zone, now)
        ident = posted_id or self.next_message_id()
        thread = message.thread.id if message.thread is not None else None
        posted = Posted(ident, channel, None, message, text, to=to, thread=thread)
        self.messages[ident] = posted
        self.emit(Output(
            at=now, kind=kind, id=ident, channel=f"#{channel.id}" if channel is not None else None, to=to, text=text,
            buttons=tuple((b.label, b.action_id) for b in message.buttons()),
            files=tuple((f.name, f.mime_type, len(f.data)) for f in message.files),
        ))
        return posted


class ConsoleMessenger:
    """Hearth's `Messenger` for the simulated workspace."""

    def __init__(self, workspace: ConsoleWorkspace) -> None:
        self.workspace = workspace

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        posted = self.workspace.record("post", message, channel=channel, to=None)
        return MessageRef(channel, posted.id)

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        posted = self.workspace.record("dm", message, channel=None, to=member.id)
        return MessageRef(ChannelRef(self.workspace.ref, f"@{member.id}"), posted.id)

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        self.workspace.record("ephemeral", message, channel=channel, to=member.id)

    async def channel_members(self, channel: ChannelRef) -> list[MemberRef]:
        """The console has no channel membership: every member who has appeared in the session."""
        return [actor.member for actor in self.workspace.members.values()]

    async def read_message(self, message: MessageRef) -> ChatMessage | None:
        """A member's message of the session (Hearth's own are not read: they are not the member's words)."""
        posted = self.workspace.messages.get(message.id)
        if posted is None or posted.author is None:
            return None
        return ChatMessage(posted.text, await self.permalink(message))

    async def permalink(self, message: MessageRef) -> str:
        """The console has no app to open a message in."""
        return ""

    async def update(self, ref: MessageRef, message: Message) -> None:
        existing = self.workspace.messages.get(ref.id)
        if existing is None or existing.author is not None:
            raise DeliveryError(f"no message {ref.id} of Hearth's to update")
        self.workspace.record("update", message, channel=existing.channel, to=existing.to, posted_id=ref.id)


class ConsoleResponder:
    """Answers a console member where they typed, and opens forms for them."""

    def __init__(self, messenger: ConsoleMessenger, channel: ChannelRef, member: str) -> None:
        self.messenger = messenger
        self.channel = channel
        self.member = member

    async def respond(self, message: Message) -> MessageRef | None:
        if message.ephemeral:
            workspace = self.messenger.workspace
            posted = workspace.record("ephemeral", message, channel=self.channel, to=self.member)
            return MessageRef(self.channel, posted.id)
        return await self.messenger.send(self.channel, message)

    async def open_form(self, form: Form) -> None:
        workspace = self.messenger.workspace
        ident = workspace.next_form_id()
        workspace.forms[ident] = OpenForm(ident, form, self.member, self.channel)
        lines = [form.title] + [
            f"{f.name} ({f.label}{'' if f.required else ', optional'}) = {f.initial!r}" for f in form.fields
        ]
        workspace.emit(Output(
            at=workspace.clock.now(), kind="form", id=ident, channel=f"#{self.channel.id}", to=self.member,
            text="\n".join(lines), buttons=((form.submit_label, form.form_id),),
        ))
