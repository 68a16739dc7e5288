"""Calendars: the .ics file of a community's series, and secret feed addresses calendar apps subscribe to."""

from __future__ import annotations

from typing import Any

from bot.context import EventContext
from bot.i18n import _
from bot.meetings.requests import GetFeed, MakeCalendar
from bot.messages import Attachment, Block, Message, Note, Paragraph, Text, UserText

# --- calendars ----------------------------------------------------------------------------------------------


async def calendar(ctx: EventContext, args: dict[str, Any]) -> None:
    made = await ctx.services.meetings.calendar(MakeCalendar(ctx.scope, args.get("series")))
    file_name = (_slug(made.name) or "meetings") + ".ics"
    await ctx.reply(Message(
        (Paragraph(ctx.public_text(_("The calendar of {name}: open the file to add every meeting to your calendar. "
                                     "To stay in sync with changes, subscribe with /meeting feed instead.",
                                     name=UserText(made.name)))),),
        files=(Attachment(file_name, "text/calendar", made.data),),
    ))


async def feed(ctx: EventContext, args: dict[str, Any]) -> None:
    address = await ctx.services.meetings.feed(GetFeed(ctx.scope, mine=bool(args.get("mine")),
                                                       revoke=bool(args.get("revoke"))))
    url = f"{ctx.defaults.public_url}/calendar/{address.token}.ics"
    said = _("Your own calendar feed (the meetings you said you go to):") if address.community is None else _(
        "The calendar feed of {name}:", name=UserText(address.community.name))
    blocks: list[Block] = [
        Paragraph(ctx.text(said)),
        Paragraph(Text.of(url)),
        Note(ctx.text(_("Add it to Google Calendar, Outlook or Apple Calendar as a calendar from a URL (subscribe); "
                        "changes follow by themselves. Keep the address to yourself: anyone with it sees the "
                        "meetings. /meeting feed --revoke makes a new one."))),
    ]
    if address.revoked:
        blocks.insert(0, Paragraph(ctx.text(_("The old address no longer works."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())[:60]
