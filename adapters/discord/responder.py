"""Answering one Discord interaction: within 3 seconds, or deferred and then edited or followed up.

Discord drops an interaction that gets no answer within 3 seconds. Hearth's answer usually comes in a few
milliseconds and is sent as the interaction's response. When the core is still working after `defer_after`
seconds, the adapter calls `defer`: a command or a form shows "Hearth is thinking…" to the member alone, a click
changes nothing yet. The answer then replaces the thinking message (a private answer) or is posted in the channel
after it is removed (a public one); further answers are follow-ups. `finish` acknowledges an interaction the core
did not answer at all (a click that only updated a message), so Discord never shows "This interaction failed".

A form can open only as the first response: once deferred, `open_form` says so with `DeliveryError`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord.messenger import DiscordMessenger, call_discord, edit_arguments, send_arguments
from adapters.discord.modals import render_modal
from adapters.discord.render import DiscordPayload, render_message
from bot.messages import Form, Message
from bot.ports import DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef

log = logging.getLogger("hearth.discord")


class InteractionResponder:
    """The `Responder` for one interaction. Every method is safe to call concurrently with `defer`."""

    def __init__(self, interaction: discord.Interaction[Any], messenger: DiscordMessenger, channel: ChannelRef,
                 member: MemberRef) -> None:
        self._interaction = interaction
        self._messenger = messenger
        self._channel = channel
        self._member = member
        self._lock = asyncio.Lock()
        self._thinking = False  # deferred with a thinking message that the first answer replaces

    @property
    def answered(self) -> bool:
        return self._interaction.response.is_done()

    async def respond(self, message: Message) -> MessageRef | None:
        async with self._lock:
            payloads = render_message(message)
            if not self.answered:
                return await self._first_response(payloads, message.ephemeral)
            if self._thinking:
                self._thinking = False
                return await self._replace_thinking(message, payloads)
            return await self._follow_up(payloads, message.ephemeral)

    async def open_form(self, form: Form) -> None:
        async with self._lock:
            if self.answered:
                raise DeliveryError(f"form {form.form_id} cannot open: the interaction was answered already")
            await call_discord(self._interaction.response.send_modal(render_modal(form)))

    async def defer(self) -> None:
        """Tell Discord the answer is coming (called when the core takes longer than the adapter waits)."""
        async with self._lock:
            if self.answered:
                return
            kind = self._interaction.type
            thinking = kind in (discord.InteractionType.application_command, discord.InteractionType.modal_submit)
            await call_discord(self._interaction.response.defer(ephemeral=True, thinking=thinking))
            self._thinking = thinking
            log.info("deferred a slow %s interaction", kind.name)

    async def finish(self) -> None:
        """Acknowledge an interaction the core left unanswered, and clear a thinking message nobody replaced."""
        async with self._lock:
            if not self.answered:
                if self._interaction.type is discord.InteractionType.application_command:
                    await call_discord(self._interaction.response.defer(ephemeral=True, thinking=True))
                    await call_discord(self._interaction.delete_original_response())
                else:
                    await call_discord(self._interaction.response.defer())
            elif self._thinking:
                self._thinking = False
                await call_discord(self._interaction.delete_original_response())

    async def _first_response(self, payloads: list[DiscordPayload], ephemeral: bool) -> MessageRef | None:
        callback = await call_discord(self._interaction.response.send_message(
            **send_arguments(payloads[0]), ephemeral=ephemeral))
        for payload in payloads[1:]:
            await self._send_follow_up(payload, ephemeral)
        message_id = getattr(callback, "message_id", None)
        if ephemeral or message_id is None:
            return None
        return MessageRef(self._where(), str(message_id))

    async def _replace_thinking(self, message: Message, payloads: list[DiscordPayload]) -> MessageRef | None:
        if message.ephemeral:
            await call_discord(self._interaction.edit_original_response(**edit_arguments(payloads[0])))
            for payload in payloads[1:]:
                await self._send_follow_up(payload, True)
            return None
        # The thinking message is private; a public answer goes to the channel in its place.
        await call_discord(self._interaction.delete_original_response())
        return await self._messenger.send(self._channel, message)

    async def _follow_up(self, payloads: list[DiscordPayload], ephemeral: bool) -> MessageRef | None:
        first: discord.WebhookMessage | None = None
        for payload in payloads:
            sent = await self._send_follow_up(payload, ephemeral)
            first = first or sent
        if ephemeral or first is None:
            return None
        return MessageRef(self._where(), str(first.id))

    async def _send_follow_up(self, payload: DiscordPayload, ephemeral: bool) -> discord.WebhookMessage:
        sent: discord.WebhookMessage = await call_discord(self._interaction.followup.send(
            **send_arguments(payload), ephemeral=ephemeral, wait=True))
        return sent

    def _where(self) -> ChannelRef:
        return ChannelRef(self._channel.workspace, str(self._interaction.channel_id or self._channel.id))
