"""Calendars: the .ics file of a community's series, and secret feed addresses calendar apps subscribe to."""

from __future__ import annotations

import secrets
from typing import Any

from bot.context import EventContext
from bot.errors import NotFound
from bot.i18n import _
from bot.meetings.ports import CalendarFeed
from bot.messages import (
    Attachment,
    Block,
    Message,
    Note,
    Paragraph,
    Text,
    UserText,
)
from bot.middleware import ensure_permission
from bot.permissions import Permission
from commands.meeting.common import find_series

# --- calendars ----------------------------------------------------------------------------------------------


async def calendar(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.community is not None
    if args.get("series"):
        chosen = [await find_series(ctx, args["series"], include_ended=True)]
    else:
        async with ctx.unit_of_work() as uow:
            chosen = await uow.meetings.series_of(ctx.workspace.id, ctx.community.id)
        if not chosen:
            raise NotFound(_("This community has no meeting series yet."),
                           hint=_("Facilitators schedule one with /meeting schedule."))
    async with ctx.unit_of_work() as uow:
        entries = [(s, await uow.meetings.changes(ctx.workspace.id, s.id)) for s in chosen]
    name = chosen[0].title if len(chosen) == 1 else ctx.community.name
    from bot.meetings.ics import series_calendar  # icalendar loads only when a calendar is asked for

    data = series_calendar(entries, name=name, now=ctx.clock.now())
    file_name = (_slug(name) or "meetings") + ".ics"
    await ctx.reply(Message(
        (Paragraph(ctx.public_text(_("The calendar of {name}: open the file to add every meeting to your calendar. "
                                     "To stay in sync with changes, subscribe with /meeting feed instead.",
                                     name=UserText(name)))),),
        files=(Attachment(file_name, "text/calendar", data),),
    ))


async def feed(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None and ctx.community is not None and ctx.member is not None
    mine = bool(args.get("mine"))
    community_id = None if mine else ctx.community.id
    member = ctx.member.ref if mine else None
    if args.get("revoke") and not mine:
        await ensure_permission(ctx, Permission.FACILITATOR, "/meeting feed --revoke")
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        if args.get("revoke"):
            await uow.meetings.revoke_feeds(ctx.workspace.id, community_id, member, now)
        live = await uow.meetings.feeds_of(ctx.workspace.id, community_id, member)
        if live:
            token = live[0].token
        else:
            token = secrets.token_urlsafe(32)
            await uow.meetings.add_feed(CalendarFeed(token, ctx.workspace.id, community_id, member), now)
        await uow.commit()
    address = f"{ctx.defaults.public_url}/calendar/{token}.ics"
    said = _("Your own calendar feed (the meetings you said you go to):") if mine else _(
        "The calendar feed of {name}:", name=UserText(ctx.community.name))
    blocks: list[Block] = [
        Paragraph(ctx.text(said)),
        Paragraph(Text.of(address)),
        Note(ctx.text(_("Add it to Google Calendar, Outlook or Apple Calendar as a calendar from a URL (subscribe); "
                        "changes follow by themselves. Keep the address to yourself: anyone with it sees the "
                        "meetings. /meeting feed --revoke makes a new one."))),
    ]
    if args.get("revoke"):
        blocks.insert(0, Paragraph(ctx.text(_("The old address no longer works."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())[:60]
