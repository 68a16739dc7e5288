"""The Slack messenger against the fake Web API: long messages, files, updates, DMs, permanent errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from adapters.settings import Settings
from adapters.slack.installs import SingleWorkspace
from adapters.slack.messenger import Pacer, SlackMessenger
from bot.catalogs import Catalogs
from bot.i18n import _, render
from bot.messages import Attachment, Heading, Message, Paragraph, Text, Timestamp, TimestampStyle, UserText
from bot.ports import DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef, Platform, WorkspaceRef
from tests.slack.fake_slack import FakeSlack


async def no_wait(seconds: float) -> None:
    return None


@asynccontextmanager
async def messenger_for(fake: FakeSlack) -> AsyncIterator[SlackMessenger]:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_SIGNING_SECRET": "s",
                                  "SLACK_API_URL": fake.base_url})
    assert settings.slack is not None
    clients = SingleWorkspace(settings.slack)
    try:
        yield SlackMessenger(clients, Pacer(sleep=no_wait))
    finally:
        await clients.close()


async def test_a_very_long_message_is_split_within_slacks_limits() -> None:
    async with FakeSlack() as fake:
        ws = WorkspaceRef(Platform.SLACK, fake.team_id)
        paragraphs = tuple(Paragraph(Text.of(f"Item {i}: ", UserText("x" * 400))) for i in range(120))
        async with messenger_for(fake) as messenger:
            ref = await messenger.send(ChannelRef(ws, "C1"), Message(paragraphs))
        posts = fake.calls_to("chat.postMessage")
        assert len(posts) > 2
        for post in posts:
            blocks = post.json("blocks")
            assert len(blocks) <= 50
            assert sum(len(b.get("text", {}).get("text", "")) for b in blocks) <= 12_000
        assert ref.channel.id == "C1"
        texts = " ".join(str(post.params) for post in posts)
        assert "Item 0:" in texts and "Item 119:" in texts


async def test_files_updates_and_direct_messages() -> None:
    async with FakeSlack() as fake, messenger_for(fake) as messenger:
        ws = WorkspaceRef(Platform.SLACK, fake.team_id)
        calendar = Attachment("cop.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        ref = await messenger.send(ChannelRef(ws, "C1"), Message((Paragraph(Text.of("Dates")),), files=(calendar,)))
        await fake.wait_for("files.completeUploadExternal")
        (uploaded,) = fake.files.values()
        assert (uploaded.filename, uploaded.content, uploaded.channel_id) == ("cop.ics", calendar.data, "C1")
        await messenger.update(ref, Message.text("Dates (moved)"))
        (update,) = fake.calls_to("chat.update")
        assert update.text("ts") == ref.id and "moved" in str(update.params)
        dm = await messenger.send_direct(MemberRef(ws, "U0ANA"), Message.text("Reminder"))
        assert dm.channel.id.startswith("D")


async def test_refusals_for_good_become_delivery_errors() -> None:
    async with FakeSlack() as fake:
        fake.fail_next("chat.postMessage", error="channel_not_found")
        async with messenger_for(fake) as messenger:
            with pytest.raises(DeliveryError, match="channel_not_found"):
                await messenger.send(ChannelRef(WorkspaceRef(Platform.SLACK, fake.team_id), "C404"), Message.text("x"))


async def test_updating_an_unknown_message_is_a_delivery_error() -> None:
    async with FakeSlack() as fake:
        ws = WorkspaceRef(Platform.SLACK, fake.team_id)
        async with messenger_for(fake) as messenger:
            with pytest.raises(DeliveryError, match="message_not_found"):
                await messenger.update(MessageRef(ChannelRef(ws, "C1"), "1.000"), Message.text("x"))


async def test_a_dutch_reminder_keeps_the_native_date_and_falls_back_in_dutch() -> None:
    start = datetime(2026, 3, 31, 13, 0, tzinfo=UTC)
    said = render(Catalogs.load(), "nl", _("Reminder: {title} starts {when}, {start}.", title=UserText("CoP"),
                                           when=Timestamp(start, TimestampStyle.RELATIVE), start=Timestamp(start)))
    async with FakeSlack() as fake, messenger_for(fake) as messenger:
        ws = WorkspaceRef(Platform.SLACK, fake.team_id)
        await messenger.send(ChannelRef(ws, "C1"), Message((Heading(said), Paragraph(said))))
        (post,) = fake.calls_to("chat.postMessage")
    fallback = post.text("text")
    assert "<!date^1774962000^{ago}|di 31 mrt 2026 13:00 UTC>" in fallback
    assert "<!date^1774962000^{date_long} {time}|di 31 mrt 2026 13:00 UTC>" in fallback
    header = next(block for block in post.json("blocks") if block["type"] == "header")
    assert header["text"]["text"] == "Herinnering: CoP begint di 31 mrt 2026 13:00 UTC, di 31 mrt 2026 13:00 UTC."
