"""`/hearth facilitators add|remove|list`: who looks after the workspace's communities."""

from __future__ import annotations

from typing import Any

from bot.community.requests import AddFacilitator, ListFacilitators, RemoveFacilitator
from bot.context import EventContext
from bot.i18n import _
from bot.messages import MemberMention, Message, Text, join


async def add_facilitator(ctx: EventContext, args: dict[str, Any]) -> None:
    added = await ctx.services.community.add_facilitator(AddFacilitator(ctx.scope, args["member"]))
    await ctx.reply(Message.text(ctx.public_text(_(
        "{member} is now a facilitator, thanks to {by}.",
        member=MemberMention(added.ref), by=MemberMention(ctx.scope.member.ref),
    ))))


async def remove_facilitator(ctx: EventContext, args: dict[str, Any]) -> None:
    removed = await ctx.services.community.remove_facilitator(RemoveFacilitator(ctx.scope, args["member"]))
    await ctx.reply(Message.text(ctx.public_text(
        _("{member} is no longer a facilitator.", member=MemberMention(removed.ref))
    )))


async def list_facilitators(ctx: EventContext, args: dict[str, Any]) -> None:
    facilitators = await ctx.services.community.list_facilitators(ListFacilitators(ctx.scope))
    if not facilitators:
        text = ctx.text(_("This workspace has no facilitators yet. The first member to run /hearth setup "
                          "becomes one."))
    else:
        text = Text.of(ctx.text(_("Facilitators:")), " ", join(MemberMention(m.ref) for m in facilitators))
    await ctx.reply(Message.text(text, ephemeral=True))
