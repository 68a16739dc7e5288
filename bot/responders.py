"""A `Responder` for events that arrive without an interaction to answer (messages, reactions)."""

from __future__ import annotations

from bot.messages import Form, Message
from bot.ports import Messenger
from bot.refs import ChannelRef, MemberRef, MessageRef


class MessengerResponder:
    """Answers in the channel (or privately in it) through the `Messenger`. Forms need an interaction."""

    def __init__(self, messenger: Messenger, channel: ChannelRef | None, member: MemberRef) -> None:
        self._messenger = messenger
        self._channel = channel
        self._member = member

    async def respond(self, message: Message) -> MessageRef | None:
        if self._channel is None:
            return await self._messenger.send_direct(self._member, message)
        if message.ephemeral:
            await self._messenger.send_ephemeral(self._channel, self._member, message)
            return None
        return await self._messenger.send(self._channel, message)

    async def open_form(self, form: Form) -> None:
        raise RuntimeError(f"form {form.form_id} needs an interaction to open from")


class Unanswerable:
    """For events nobody can be answered on (Hearth was removed from the workspace): any answer is a bug."""

    def __init__(self, event: object) -> None:
        self._event = event

    async def respond(self, message: Message) -> MessageRef | None:
        raise RuntimeError(f"{type(self._event).__name__} has no one to answer")

    async def open_form(self, form: Form) -> None:
        raise RuntimeError(f"{type(self._event).__name__} has no one to open a form for")
