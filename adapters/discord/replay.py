"""Answering, after a restart, the interactions an earlier run deferred and did not finish.

Each command, click, form and message command is recorded at receipt (`bot.acknowledgements`) with what
`payload` puts in it: the event Hearth built (`bot.event_codec`) and what answering it needs, the interaction's
application id and token. Its record is marked acknowledged just before Hearth defers it, and once deferred the
token lets any process edit the original response and send follow-ups for 15 minutes
(`/webhooks/{application_id}/{token}/…`). At the next start the adapter claims what is left (`pending`):

- handled (the work committed, its answer was not sent): the member is told privately that Hearth restarted
  before it could answer and that what they asked was done, in place of the thinking message;
- not handled: the event goes through the core again, answered through the webhook (`WebhookResponder`): the
  first answer replaces the thinking message, the others are follow-ups.

An interaction never deferred was either answered at once or shown as failed by Discord; the log drops it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import discord

from adapters.discord.messenger import DiscordMessenger, call_discord, edit_arguments, send_arguments
from adapters.discord.render import DiscordPayload, render_message
from bot.acknowledgements import Acknowledged, AcknowledgementLog, Delivery, delivering
from bot.core import Core
from bot.event_codec import ReplayableEvent, decode, encode
from bot.i18n import Translator, _, render
from bot.messages import Form, Message
from bot.ports import Clock, DeliveryError
from bot.refs import ChannelRef, MessageRef, Platform

log = logging.getLogger("hearth.discord")

# How long Discord accepts answers through an interaction's token.
ANSWER_WINDOW = timedelta(minutes=15)
# Discord's name for an interaction's original response, where a webhook message id goes. discord.py types the id
# as an int; the route takes the name as it is.
ORIGINAL = cast(int, "@original")
DONE_NOTE = _(
    "Hearth restarted before it could answer you, but what you asked for was done. There is no need to ask again."
)


def delivery_of(interaction: discord.Interaction[Any]) -> Delivery:
    """The record key of an interaction: its id, unique on Discord."""
    return Delivery(Platform.DISCORD.value, str(interaction.id))


def shows_thinking(kind: discord.InteractionType) -> bool:
    """Whether deferring this kind of interaction shows "Hearth is thinking…" (a command or a form; a click's
    deferral changes nothing the member sees)."""
    return kind in (discord.InteractionType.application_command, discord.InteractionType.modal_submit)


def payload(interaction: discord.Interaction[Any], event: ReplayableEvent) -> dict[str, Any]:
    """What is recorded of an interaction: the event, and how to answer it once deferred."""
    return {
        "event": encode(event),
        "answer": {
            "application_id": str(interaction.application_id),
            "token": interaction.token,
            "channel_id": str(interaction.channel_id or event.channel.id),
            "thinking": shows_thinking(interaction.type),
        },
    }


@dataclass(frozen=True, slots=True)
class Answering:
    """How to answer a recorded interaction (the `answer` part of its payload)."""

    application_id: int
    token: str
    channel_id: str
    thinking: bool

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> Answering:
        """`ValueError` when `data` is not what `payload` recorded."""
        answer = data.get("answer")
        if not isinstance(answer, Mapping):
            raise ValueError("the record says nothing of how to answer")
        application_id, token = answer.get("application_id"), answer.get("token")
        channel_id, thinking = answer.get("channel_id"), answer.get("thinking")
        if not (isinstance(application_id, str) and application_id.isdigit() and isinstance(token, str) and token
                and isinstance(channel_id, str) and isinstance(thinking, bool)):
            raise ValueError("the record's answer is incomplete")
        return cls(int(application_id), token, channel_id, thinking)


class WebhookResponder:
    """The `Responder` of an interaction deferred by an earlier run: it answers through the interaction's webhook.

    While the thinking message shows, the first answer replaces it (a private one in place, a public one is posted
    in the channel once the thinking message is removed); every other answer is a follow-up. A form cannot open
    any more (`DeliveryError`), as after any deferral."""

    def __init__(self, webhook: discord.Webhook, messenger: DiscordMessenger, channel: ChannelRef,
                 where: ChannelRef, *, thinking: bool) -> None:
        self._webhook = webhook
        self._messenger = messenger
        self._channel = channel
        self._where = where
        self._thinking = thinking
        self._lock = asyncio.Lock()

    async def respond(self, message: Message) -> MessageRef | None:
        async with self._lock:
            payloads = render_message(message)
            if self._thinking:
                self._thinking = False
                if not message.ephemeral:
                    await call_discord(self._webhook.delete_message(ORIGINAL))
                    return await self._messenger.send(self._channel, message)
                await call_discord(self._webhook.edit_message(ORIGINAL, **edit_arguments(payloads[0])))
                payloads = payloads[1:]
                if not payloads:
                    return None
            return await self._follow_up(payloads, message.ephemeral)

    async def open_form(self, form: Form) -> None:
        raise DeliveryError(f"form {form.form_id} cannot open: the interaction was deferred before the restart")

    async def finish(self) -> None:
        """Remove the thinking message when no answer replaced it."""
        async with self._lock:
            if self._thinking:
                self._thinking = False
                await call_discord(self._webhook.delete_message(ORIGINAL))

    async def _follow_up(self, payloads: list[DiscordPayload], ephemeral: bool) -> MessageRef | None:
        first: discord.WebhookMessage | None = None
        for each in payloads:
            sent: discord.WebhookMessage = await call_discord(self._webhook.send(
                **send_arguments(each), ephemeral=ephemeral, wait=True))
            first = first or sent
        if ephemeral or first is None:
            return None
        return MessageRef(self._where, str(first.id))


class InteractionReplay:
    """Claims what an earlier run left unfinished on Discord and finishes it (see the module docstring)."""

    def __init__(self, acknowledgements: AcknowledgementLog, core: Core, client: discord.Client,
                 messenger: DiscordMessenger, translator: Translator, clock: Clock, *, language: str) -> None:
        self._acknowledgements = acknowledgements
        self._clock = clock
        self._core = core
        self._client = client
        self._messenger = messenger
        self._translator = translator
        self._language = language

    async def claim(self) -> list[Acknowledged]:
        """What is left to answer (the log drops, and logs, what can no longer be answered)."""
        claimed = await self._acknowledgements.pending(Platform.DISCORD.value, self._clock.now())
        if claimed:
            again = sum(not item.handled for item in claimed)
            log.info("%d Discord interactions left unfinished by an earlier run are finished now: %d done again, "
                     "%d done already (their members are told so)", len(claimed), again, len(claimed) - again)
        return claimed

    async def finish_all(self, claimed: list[Acknowledged]) -> None:
        """`finish` each, one after another in the order they arrived (so that a backlog does not take every
        database connection from the interactions arriving meanwhile)."""
        for item in claimed:
            await self.finish(item)

    async def finish(self, item: Acknowledged) -> None:
        """Do `item` again or tell the member it was done, then forget it. Cancelled (a stop), it stays recorded;
        anything else it raises is logged, and it is forgotten all the same."""
        try:
            await self._answer(item)
        except Exception:
            log.exception("answering a Discord interaction left by an earlier run failed")
        await self._acknowledgements.finish(item.delivery)

    async def _answer(self, item: Acknowledged) -> None:
        try:
            event, answering = decode(_mapping(item.payload.get("event"))), Answering.read(item.payload)
        except ValueError as error:
            log.warning("a recorded Discord interaction cannot be read (%s); it is dropped", error)
            return
        responder = self._responder(event, answering)
        if item.handled:
            language = self._language_of(event)
            # In place of the thinking message, or (a click) as a private follow-up.
            await responder.respond(Message.text(render(self._translator, language, DONE_NOTE), ephemeral=True))
            return
        with delivering(item.delivery):
            await self._core.handle(event, responder)
        await responder.finish()

    def _responder(self, event: ReplayableEvent, answering: Answering) -> WebhookResponder:
        webhook = discord.Webhook.partial(answering.application_id, answering.token, client=self._client)
        # An interaction's webhook is an application webhook (what `Interaction.followup` builds): only that kind
        # may send private follow-ups.
        webhook.type = discord.WebhookType.application
        where = ChannelRef(event.channel.workspace, answering.channel_id)
        return WebhookResponder(webhook, self._messenger, event.channel, where, thinking=answering.thinking)

    def _language_of(self, event: ReplayableEvent) -> str:
        locale = event.actor.locale
        return locale if locale in self._translator.languages() else self._language


def _mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError("the record holds no event")
    return value
