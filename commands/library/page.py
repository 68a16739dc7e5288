"""`/library page`: the secret address of the community's library page on the web, and a new one on request."""

from __future__ import annotations

from typing import Any

from bot.context import EventContext
from bot.i18n import _
from bot.library.requests import GetLibraryPage
from bot.messages import Block, Message, Note, Paragraph, Text, UserText


async def page(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library page [--revoke]`, privately: any member gets the address; only a facilitator makes a new one."""
    address = await ctx.services.library.page_address(GetLibraryPage(ctx.scope, revoke=bool(args.get("revoke"))))
    url = f"{ctx.defaults.public_url}/library/{address.token}/"
    blocks: list[Block] = [
        Paragraph(ctx.text(_("The library page of {name}:", name=UserText(address.community.name)))),
        Paragraph(Text.of(url)),
        Note(ctx.text(_("Open it in a browser to search and read the library, or follow its Atom feed in a feed "
                        "reader. Keep the address within the community: anyone with it can read the library. "
                        "A facilitator makes a new one with /library page --revoke."))),
    ]
    if address.revoked:
        blocks.insert(0, Paragraph(ctx.text(_("The old address no longer works."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))
