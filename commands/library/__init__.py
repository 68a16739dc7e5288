"""The `/library` family: the community's sources and ideas, saved from chat, tagged, kept once, listed."""

from __future__ import annotations

from bot.i18n import Msg, _
from bot.library.export import ExportFormat
from commands.library.capture import ReactionSaves, register_capture
from commands.library.items import (
    MORE,
    PAGE_REF,
    add,
    edit,
    export,
    home_section,
    idea,
    list_items,
    more,
    remove,
    search,
    show,
    tags,
)
from commands.library.page import page
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, GroupSpec, Param, ParamKind

__all__ = ["FAMILY_SUMMARIES", "ReactionSaves", "home_section", "register"]

FAMILY_SUMMARIES: dict[str, Msg] = {
    "library": _("The library: sources and ideas the community saves, tagged and kept once."),
}
GROUPS = (GroupSpec(("library",), FAMILY_SUMMARIES["library"]),)


def register(registry: Registry, interactions: InteractionRouter) -> None:
    """Add the `/library` commands, and the "Save to library" shortcut with its form."""
    register_capture(interactions)
    interactions.on_action(MORE, more, kind=PAGE_REF, command=("library", "search"))
    item_id = Param("id", ParamKind.INT, _("the item's number"), required=True, min_value=1)
    item_tags = Param("tags", ParamKind.TAG, _("tags, such as #python"))
    note = Param("note", ParamKind.TEXT, _("a note: why it is worth reading"), flag=True)
    for spec in (
        CommandSpec(("library", "add"), _("Save a web address to the library, with tags and a note."), add,
                    params=(Param("url", ParamKind.TEXT, _("the address, https://…"), required=True),
                            Param("title", ParamKind.TEXT, _("its title"), greedy=True), item_tags, note),
                    needs_community=True,
                    examples=(_('/library add https://example.com/data-contracts Data contracts #dbt --note '
                                '"Read before Thursday"'),)),
        CommandSpec(("library", "idea"), _("Save an idea without a link: a thought, a vision, a question."), idea,
                    params=(Param("idea", ParamKind.TEXT, _("the idea"), required=True, greedy=True), item_tags,
                            note),
                    needs_community=True,
                    examples=(_('/library idea "Pair review of dashboards before they ship" #review'),)),
        CommandSpec(("library", "list"), _("List the library, newest first: all, one tag's, or one member's."),
                    list_items,
                    params=(Param("tag", ParamKind.TAG, _("a tag, such as #python")),
                            Param("by", ParamKind.MEMBER, _("saved by this member, mentioned with @"), flag=True),
                            Param("page", ParamKind.INT, _("the page"), flag=True, min_value=1)),
                    needs_community=True, examples=("/library list", "/library list #dbt --page 2")),
        CommandSpec(("library", "search"), _("Search the library: words, \"phrases\", -left out, #tag, by:@member."),
                    search,
                    params=(Param("query", ParamKind.TEXT, _("what to look for"), required=True, greedy=True,
                                  verbatim=True),),
                    needs_community=True,
                    examples=(_('/library search data contracts -draft #dbt'), _('/library search "pair review"'))),
        CommandSpec(("library", "tags"), _("List the library's tags with how many items carry each."), tags,
                    needs_community=True, examples=("/library tags",)),
        CommandSpec(("library", "show"), _("Show one item: its note, tags and who saved it."), show,
                    params=(item_id,), needs_community=True, examples=("/library show 3",)),
        CommandSpec(("library", "edit"), _("Change an item's title, note or tags (who saved it or a facilitator)."),
                    edit,
                    params=(item_id, Param("title", ParamKind.TEXT, _("its new title"), flag=True),
                            Param("note", ParamKind.TEXT, _("its new note"), flag=True),
                            Param("tags", ParamKind.FLAG, _("replace its tags with the #tags given"), flag=True),
                            Param("tag", ParamKind.TAG, _("the new tags, such as #python"))),
                    needs_community=True, examples=("/library edit 3 --tags #dbt #testing",
                                                    _('/library edit 3 --title "Data contracts in practice"'))),
        CommandSpec(("library", "remove"), _("Take an item out of the library (who saved it or a facilitator)."),
                    remove, params=(item_id,), needs_community=True, examples=("/library remove 3",)),
    ):
        registry.add(spec)
    registry.add(CommandSpec(
        ("library", "export"), _("Get the whole library as a file: md, csv, json or html (bookmarks)."), export,
        params=(Param("format", ParamKind.CHOICE, _("md, csv, json or html"), required=True,
                      choices=tuple(format.value for format in ExportFormat)),),
        needs_community=True, examples=("/library export csv", "/library export html")))
    registry.add(CommandSpec(
        ("library", "page"), _("Get the address of the library's web page and feed; --revoke makes a new one."),
        page, params=(Param("revoke", ParamKind.FLAG, _("stop the old address working and make a new one"),
                            flag=True),),
        needs_community=True, examples=("/library page", "/library page --revoke")))
    for group in GROUPS:
        registry.add_group(group)
