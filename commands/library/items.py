"""The `/library` handlers: save a link or an idea, list, show, edit and remove items, and the tags."""

from __future__ import annotations

from typing import Any

from bot.action_refs import ActionRef
from bot.context import EventContext
from bot.i18n import Msg, _, _n
from bot.library.export import ExportFormat, library_file
from bot.library.model import Item, ItemKind
from bot.library.requests import (
    EditItem,
    ExportLibrary,
    ItemPage,
    LibraryHome,
    ListItems,
    ListTags,
    RemoveItem,
    Saved,
    SaveIdea,
    SaveLink,
    SearchAgain,
    SearchItems,
    ShowItem,
)
from bot.library.search import SearchQuery
from bot.messages import (
    Actions,
    Attachment,
    Button,
    ChannelMention,
    Field,
    Fields,
    Heading,
    Inline,
    Link,
    MemberMention,
    Message,
    Note,
    Paragraph,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
    join,
)
from commands.library.query import read_query

MORE = "library.more"  # the Previous and Next buttons of a list's or a search's pages
PAGE_REF = "lp"  # their reference: the kept search (0: the whole library) and the page
NOTHING_FOUND = _("Nothing found. Try fewer or other words, a #tag, or by:@member.")


async def add(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library add <url> [title…] [#tag …] [--note]`: a new item is posted for everyone; a known one is said
    privately, with who saved it first."""
    saved = await ctx.services.library.save_link(SaveLink(
        ctx.scope, str(args["url"]), title=str(args.get("title") or ""), tags=tuple(args.get("tags") or ()),
        note=str(args.get("note") or ""), source=_source(ctx)))
    await say_saved(ctx, saved)


async def idea(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library idea "<text>" [#tag …] [--note]`."""
    saved = await ctx.services.library.save_idea(SaveIdea(
        ctx.scope, str(args["idea"]), tags=tuple(args.get("tags") or ()), note=str(args.get("note") or ""),
        source=_source(ctx)))
    await say_saved(ctx, saved)


async def say_saved(ctx: EventContext, saved: Saved) -> None:
    item = saved.item
    if not saved.known:
        said = _("{member} saved to the library: {item}", member=MemberMention(item.saved_by),
                 item=headline(item))
        await ctx.reply(Message((Paragraph(ctx.public_text(said)), Note(ctx.public_text(_item_note(item))))))
        return
    first = _("Already in the library as item {id}, saved by {member} on {day}.", id=item.id,
              member=MemberMention(saved.first.member), day=Timestamp(saved.first.at, TimestampStyle.DATE))
    more = (_n("Your save counts: {n} member saved it.", "Your save counts: {n} members saved it.", item.saves)
            if saved.counted
            else _("You saved it before."))
    blocks: list[Any] = [Paragraph(ctx.text(first)), Paragraph(ctx.text(more))]
    if item.tags:
        blocks.append(Note(ctx.text(_("Its tags now: {tags}", tags=_tags(item)))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def list_items(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library list [#tag] [--by @member] [--page N]`, privately; a list of one tag or member is the search for
    it, so that its pages' buttons can run it again."""
    assert ctx.community is not None and ctx.workspace is not None
    tags = tuple(args.get("tag") or ())
    saver = args.get("by")
    page_number = int(args.get("page") or 1)
    heading = _("Library of {name}", name=UserText(ctx.community.name))
    if not tags and saver is None:
        page = await ctx.services.library.items(ListItems(ctx.scope, page=page_number))
        empty = _("Nothing saved yet. Save a link with /library add https://example.com/article #tag.")
        await ctx.reply(results_message(ctx, heading, page, empty))
        return
    typed = " ".join((*(f"#{tag}" for tag in tags[:1]), *((f"by:<@{saver.id}>",) if saver is not None else ())))
    page = await ctx.services.library.search(SearchItems(
        ctx.scope, SearchQuery(tags=tags[:1], saver=saver), page=page_number, typed=typed))
    await ctx.reply(results_message(ctx, heading, page, _("Nothing saved that fits.")))


async def search(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library search <query…>`: words, "phrases", -exclusions, #tags and by:@member, best match first."""
    assert ctx.workspace is not None
    typed = " ".join(str(args.get("query") or "").split())
    page = await ctx.services.library.search(SearchItems(ctx.scope, read_query(typed, ctx.workspace.ref),
                                                         typed=typed))
    await ctx.reply(results_message(ctx, _("Found in the library: {query}", query=UserText(typed)), page,
                                    NOTHING_FOUND))


async def more(ctx: EventContext, ref: ActionRef) -> None:
    """A Previous or Next button of a list or a search: that page, privately."""
    assert ctx.community is not None
    page_number = ref.payload[0] if ref.payload else 1
    if ref.subject_id == 0:
        page = await ctx.services.library.items(ListItems(ctx.scope, page=page_number))
        heading = _("Library of {name}", name=UserText(ctx.community.name))
    else:
        page = await ctx.services.library.search_again(SearchAgain(ctx.scope, ref.subject_id, page_number,
                                                                   read_query))
        heading = _("Found in the library: {query}", query=UserText(page.typed))
    await ctx.reply(results_message(ctx, heading, page, NOTHING_FOUND))


def results_message(ctx: EventContext, heading: Msg, page: ItemPage, empty: Msg) -> Message:
    """One page of items, privately, with Previous and Next buttons when there are more pages."""
    assert ctx.community is not None
    blocks: list[Any] = [Heading(ctx.text(heading))]
    if not page.items:
        blocks.append(Paragraph(ctx.text(empty)))
    for item in page.items:
        blocks.append(Paragraph(ctx.text(_("{id}. {item}", id=item.id, item=headline(item)))))
        blocks.append(Note(ctx.text(_item_note(item))))
    if page.pages > 1:
        blocks.append(Note(ctx.text(_n("Page {page} of {pages}, {n} item.", "Page {page} of {pages}, {n} items.",
                                       page.total, page=page.page, pages=page.pages))))
        if page.kept or not page.typed:  # the whole library, or a search kept for its buttons
            buttons = [Button(ctx.plain(label), MORE, ctx.refs.mint(ActionRef(
                ctx.community.workspace_id, ctx.community.id, PAGE_REF, page.kept, (number,))))
                for label, number in ((_("Previous page"), page.page - 1), (_("Next page"), page.page + 1))
                if 1 <= number <= page.pages]
            blocks.append(Actions(tuple(buttons)))
    return Message(tuple(blocks), ephemeral=True)


async def tags(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library tags`: every tag with how many items carry it."""
    assert ctx.community is not None
    counted = await ctx.services.library.tags(ListTags(ctx.scope))
    blocks: list[Any] = [Heading(ctx.text(_("Tags of {name}", name=UserText(ctx.community.name))))]
    if not counted:
        blocks.append(Paragraph(ctx.text(_("No tags yet. Add some when you save: /library add <address> #tag."))))
    else:
        blocks.append(Paragraph(ctx.text(join(
            Text.of(f"#{tag} ({n})") for tag, n in counted))))
        blocks.append(Note(ctx.text(_("See the items of one: /library list #tag"))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def show(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library show <id>`: the item with its note, tags and who saved it."""
    view = await ctx.services.library.show(ShowItem(ctx.scope, int(args["id"])))
    item = view.item
    blocks: list[Any] = [Heading(ctx.text(_("Item {id}", id=item.id)))]
    if item.kind is ItemKind.LINK:
        blocks.append(Paragraph(Text.of(Link(item.url, UserText(item.title or item.url)))))
        if item.description:  # what the page says of itself: fetched text, escaped like a member's
            blocks.append(Note(Text.of(UserText(item.description))))
    else:
        blocks.append(Paragraph(Text.of(UserText(item.text))))
    fields = [Field(ctx.text(_("Saved by")), join(MemberMention(save.member) for save in view.saves)),
              Field(ctx.text(_("Saved on")), Text.of(Timestamp(item.saved_at, TimestampStyle.DATE)))]
    if item.note:
        fields.append(Field(ctx.text(_("Note")), Text.of(UserText(item.note))))
    if item.tags:
        fields.append(Field(ctx.text(_("Tags")), ctx.text(_tags(item))))
    if item.source:
        fields.append(Field(ctx.text(_("From")), Text.of(Link(item.source, ctx.plain(_("the conversation"))))))
    blocks.append(Fields(tuple(fields)))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def edit(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library edit <id> [--title …] [--note …] [--tags #a #b]` (`--tags` alone takes every tag off)."""
    item = await ctx.services.library.edit(EditItem(
        ctx.scope, int(args["id"]), title=args.get("title"), note=args.get("note"),
        tags=tuple(args.get("tag") or ()) if args.get("tags") else None))
    await ctx.whisper(_("Item {id} changed: {item}", id=item.id, item=headline(item)))


async def remove(ctx: EventContext, args: dict[str, Any]) -> None:
    item = await ctx.services.library.remove(RemoveItem(ctx.scope, int(args["id"])))
    await ctx.whisper(_("Item {id} is out of the library: {item}", id=item.id, item=headline(item)))


async def export(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/library export md|csv|json|html`: the whole library as a file, sent by direct message."""
    assert ctx.member is not None and ctx.community is not None
    format = ExportFormat(str(args["format"]))
    items = await ctx.services.library.export(ExportLibrary(ctx.scope))
    data = library_file(ctx.community.name, items, format, ctx.language)
    note = _n("The library of {name} as a file: {n} item.", "The library of {name} as a file: {n} items.",
              len(items), name=UserText(ctx.community.name))
    file = Attachment(f"library.{format.value}", format.media_type, data)
    await ctx.messenger.send_direct(ctx.member.ref, Message((Paragraph(ctx.text(note)),), files=(file,)))
    await ctx.whisper(_("I sent you the library as a file by direct message."))


async def home_section(ctx: EventContext) -> list[Any]:
    """The libraries in the member's home (Slack's App Home): the newest items, and the member's own saves."""
    home = await ctx.services.library.home(LibraryHome(ctx.scope))
    if not home.recent:
        return []
    blocks: list[Any] = [Heading(ctx.text(_("New in the library")))]
    blocks.extend(Paragraph(ctx.text(_("{item} in {channel}", item=headline(item), channel=ChannelMention(channel))))
                  for item, channel in home.recent)
    if home.mine:
        blocks.append(Heading(ctx.text(_("Your saves"))))
        blocks.extend(Paragraph(ctx.text(_("{item} in {channel}", item=headline(item),
                                           channel=ChannelMention(channel))))
                      for item, channel in home.mine)
    blocks.append(Note(ctx.text(_("Search a library with /library search in its channel."))))
    return blocks


# --- wording -----------------------------------------------------------------------------------------------


def headline(item: Item) -> Inline:
    if item.kind is ItemKind.LINK:
        return Link(item.url, UserText(item.title or item.url))
    return UserText(item.heading)


def _item_note(item: Item) -> Msg:
    if item.tags:
        return _n("item {id} · {tags} · {n} save", "item {id} · {tags} · {n} saves", item.saves, id=item.id,
                  tags=_tags(item))
    return _n("item {id} · {n} save", "item {id} · {n} saves", item.saves, id=item.id)


def _tags(item: Item) -> Text:
    return join((Text.of(UserText("#" + tag)) for tag in item.tags), " ")


def _source(ctx: EventContext) -> str:
    """A permalink to where the item came from: none for a slash command (it leaves no message)."""
    return ""
