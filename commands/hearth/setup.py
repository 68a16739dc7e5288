"""`/hearth setup`: make the channel a community; the first member to do so in a workspace facilitates it."""

from __future__ import annotations

from typing import Any

from bot.community.requests import SetUpCommunity
from bot.context import EventContext
from bot.events import CommandInvoked
from bot.i18n import _
from bot.messages import Actions, Block, Button, Message, Note, Paragraph, UserText
from bot.tenancy import COMMUNITY_TYPE
from bot.text_limits import COMMUNITY_NAME, platform_name
from bot.time_zones import canonical_zone
from commands.hearth.common import EDIT_SETTINGS, settings_fields


async def setup(ctx: EventContext, args: dict[str, Any]) -> None:
    event = ctx.event
    assert isinstance(event, CommandInvoked)
    result = await ctx.services.community.set_up_community(SetUpCommunity(
        ctx.scope, event.channel,
        # The channel's name is the platform's, not the member's to fix: cut to fit rather than refused.
        name=args.get("name") or platform_name(event.channel_name.lstrip("#"), COMMUNITY_NAME) or "community",
        goal=args.get("goal") or "",
        timezone=args.get("tz") or ctx.timezone,
        language=args.get("lang") or ctx.defaults.language,
        settings={COMMUNITY_TYPE.key: str(args["type"])} if args.get("type") else None,
    ))
    ctx.community, ctx.member = result.community, result.member  # the post below is in the community's language
    community = result.community
    blocks: list[Block] = [
        Paragraph(ctx.public_text(_("**{name}** is now a Hearth community.", name=UserText(community.name)))),
        settings_fields(community, ctx.public_text),
        Note(ctx.public_text(_(
            "Change these with /hearth settings --goal \"…\" --tz … --lang …, or the button below. "
            "Everything Hearth can do: /hearth help."
        ))),
        Actions((Button(ctx.plain(_("Edit settings"), public=True), EDIT_SETTINGS),)),
    ]
    await ctx.reply(Message(tuple(blocks)))
    if args.get("tz") is None and _profile_zone_unknown(ctx):
        await ctx.whisper(_(
            "Your profile's time zone {zone} is not one Hearth knows, so {name} uses {fallback}. "
            "Change it with /hearth settings --tz, such as --tz Europe/Brussels.",
            zone=UserText(ctx.profile_zone or ""), name=UserText(community.name), fallback=UserText(community.timezone),
        ))
    if result.first_facilitator:
        await ctx.whisper(_(
            "You are this workspace's first facilitator. Add others with /hearth facilitators add @name."
        ))


def _profile_zone_unknown(ctx: EventContext) -> bool:
    """Whether the community took the fallback zone because the member's platform profile names a zone this
    server does not know (a member's own zone, set with /hearth me, comes first and is no fallback)."""
    own = ctx.member.timezone if ctx.member is not None else None
    return canonical_zone(own) is None and ctx.profile_zone is not None and canonical_zone(ctx.profile_zone) is None
