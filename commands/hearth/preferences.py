"""`/hearth me`: a member's own time zone and language, or following the community's again."""

from __future__ import annotations

from typing import Any

from bot.community.requests import SetPreferences
from bot.context import EventContext
from bot.i18n import _
from bot.messages import Block, Field, Fields, Heading, Message, Note, Text
from bot.vocabulary import language_name


async def me(ctx: EventContext, args: dict[str, Any]) -> None:
    result = await ctx.services.community.set_preferences(SetPreferences(
        ctx.scope, timezone=args.get("tz"), language=args.get("lang"), reset=bool(args.get("reset")),
    ))
    ctx.member = member = result.member  # the answer is in the language just chosen
    zone = Text.of(member.timezone) if member.timezone else ctx.text(_("the community's ({zone})", zone=ctx.timezone))
    language = (
        Text.of(language_name(member.language)) if member.language
        else ctx.text(_("the community's ({language})",
                        language=language_name(ctx.community_language)))
    )
    blocks: list[Block] = [
        Heading(ctx.text(_("Your preferences were saved.") if result.changed else _("Your preferences"))),
        Fields((Field(ctx.text(_("Time zone")), zone), Field(ctx.text(_("Language")), language))),
        Note(ctx.text(_("Change them with /hearth me --tz Europe/Amsterdam --lang nl; follow the community "
                        "again with /hearth me --reset."))),
    ]
    await ctx.reply(Message(tuple(blocks), ephemeral=True))
