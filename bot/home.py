"""A member's home: their personal overview of Hearth (Slack's App Home tab).

The home is a list of sections. Hearth's own are the member's settings and the communities of the workspace;
features add theirs (next meetings, polls awaiting an answer, recent library items) with `HomeSections.add`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.community.requests import ListCommunities
from bot.context import EventContext, Route
from bot.events import HomeOpened, InboundEvent
from bot.i18n import _
from bot.messages import (
    Block,
    ChannelMention,
    Divider,
    Field,
    Fields,
    Heading,
    Message,
    Note,
    Paragraph,
    Text,
    UserText,
)
from bot.vocabulary import language_name

Section = Callable[[EventContext], Awaitable[list[Block]]]


class HomeSections:
    """Builds the home from its sections, in the order they were added; an empty section is left out."""

    def __init__(self) -> None:
        self._sections: list[Section] = [your_communities]
        self._last: list[Section] = [your_settings]

    def add(self, section: Section) -> None:
        """Add a feature's section (before the member's own settings, which always come last)."""
        self._sections.append(section)

    def match(self, event: InboundEvent) -> Route | None:
        if not isinstance(event, HomeOpened):
            return None
        return Route("home", self._show, interactive=False)

    async def _show(self, ctx: EventContext) -> None:
        blocks: list[Block] = []
        for section in (*self._sections, *self._last):
            found = await section(ctx)
            if found:
                if blocks:
                    blocks.append(Divider())
                blocks.extend(found)
        await ctx.reply(Message(tuple(blocks)))


async def your_communities(ctx: EventContext) -> list[Block]:
    communities = await ctx.services.community.list_communities(ListCommunities(ctx.scope))
    if not communities:
        return [
            Heading(ctx.text(_("Communities"))),
            Paragraph(ctx.text(_("No channel is a Hearth community yet. In a channel, run /hearth setup."))),
        ]
    blocks: list[Block] = [Heading(ctx.text(_("Communities")))]
    for community in communities:
        goal = Text.of(UserText(community.goal)) if community.goal else ctx.text(_("no goal set yet"))
        blocks.append(Paragraph(Text.of("**", UserText(community.name), "** ", ChannelMention(community.channel),
                                        "\n", goal)))
    return blocks


async def your_settings(ctx: EventContext) -> list[Block]:
    member = ctx.member
    assert member is not None
    zone = Text.of(member.timezone) if member.timezone else ctx.text(_("the community's"))
    language = Text.of(language_name(member.language)) if member.language else ctx.text(
        _("the community's")
    )
    return [
        Heading(ctx.text(_("Your settings"))),
        Fields((Field(ctx.text(_("Time zone")), zone), Field(ctx.text(_("Language")), language))),
        Note(ctx.text(_("Change them with /hearth me --tz Europe/Amsterdam --lang nl."))),
    ]
