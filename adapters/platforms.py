"""One `Messenger` over several platforms: each message goes through the messenger of its workspace's platform."""

from __future__ import annotations

from collections.abc import Mapping

from bot.messages import Message
from bot.ports import ChatMessage, DeliveryError, MessageReader, Messenger, Roster
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform


class PlatformMessenger:
    """Routes by `Platform`; a workspace of a platform this process does not run is refused for good."""

    def __init__(self, messengers: Mapping[Platform, Messenger]) -> None:
        self._messengers = dict(messengers)

    def _for(self, platform: Platform) -> Messenger:
        messenger = self._messengers.get(platform)
        if messenger is None:
            raise DeliveryError(f"Hearth does not run on {platform.value} in this process")
        return messenger

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        return await self._for(channel.workspace.platform).send(channel, message)

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        return await self._for(member.workspace.platform).send_direct(member, message)

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        await self._for(channel.workspace.platform).send_ephemeral(channel, member, message)

    async def channel_members(self, channel: ChannelRef) -> list[MemberRef]:
        messenger = self._for(channel.workspace.platform)
        if not isinstance(messenger, Roster):
            raise DeliveryError(f"{channel.workspace.platform.value} does not say who is in a channel")
        return await messenger.channel_members(channel)

    async def read_message(self, message: MessageRef) -> ChatMessage | None:
        messenger = self._for(message.channel.workspace.platform)
        return await messenger.read_message(message) if isinstance(messenger, MessageReader) else None

    async def permalink(self, message: MessageRef) -> str:
        messenger = self._for(message.channel.workspace.platform)
        return await messenger.permalink(message) if isinstance(messenger, MessageReader) else ""

    async def update(self, ref: MessageRef, message: Message) -> None:
        await self._for(ref.channel.workspace.platform).update(ref, message)
