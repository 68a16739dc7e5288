"""A community's library as a file: Markdown to read, CSV for spreadsheets, JSON for programs, and the Netscape
bookmark file that browsers, linkding and Karakeep import.

Every format holds every item, newest first, with what the library keeps of it: the address or the idea, title,
note, tags, who saved it first (their platform id), when, how many members saved it and where it came from.

- **Markdown**: one list item per item; the member's text is escaped so that it reads as written, never as
  markup (a title cannot open a link of its own, an idea cannot become a heading).
- **CSV**: `bot.spreadsheets` (RFC 4180, UTF-8 with a byte order mark, formula cells neutralised); the header
  in the reader's language; tags as `#a #b`.
- **JSON**: `{"library": name, "items": [...]}` with ISO 8601 times in UTC; keys in English, as a format's are.
- **HTML**: the Netscape bookmark file (`<!DOCTYPE NETSCAPE-Bookmark-file-1>`): each link a `<DT><A HREF ...
  ADD_DATE ... TAGS ...>` with its note as `<DD>`; everything escaped. An idea has no address to bookmark, so
  this format leaves ideas out (the others keep them).
"""

from __future__ import annotations

import enum
import html
import json
import re
from collections.abc import Sequence

from bot.i18n import _
from bot.library.model import Item, ItemKind
from bot.polls.words import plain
from bot.spreadsheets import csv_file

__all__ = ["ExportFormat", "library_file"]


class ExportFormat(enum.StrEnum):
    MARKDOWN = "md"
    CSV = "csv"
    JSON = "json"
    HTML = "html"

    @property
    def media_type(self) -> str:
        return {"md": "text/markdown", "csv": "text/csv", "json": "application/json", "html": "text/html"}[self]


HEADER = (_("Number"), _("Kind"), _("Address"), _("Title"), _("Idea"), _("Note"), _("Tags"), _("Saved by"),
          _("Saved on"), _("Saves"), _("From"))
KINDS = {ItemKind.LINK: _("link"), ItemKind.IDEA: _("idea")}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~>])")


def library_file(name: str, items: Sequence[Item], format: ExportFormat, language: str) -> bytes:
    """The library called `name` with `items`, as a file of `format`, its words in `language`."""
    if format is ExportFormat.MARKDOWN:
        return _markdown(name, items, language).encode("utf-8")
    if format is ExportFormat.CSV:
        return csv_file([[plain(word, language) for word in HEADER], *(_row(item, language) for item in items)])
    if format is ExportFormat.JSON:
        return json.dumps({"library": name, "items": [_fields(item) for item in items]}, ensure_ascii=False,
                          indent=2).encode("utf-8")
    return _netscape(name, items).encode("utf-8")


def _markdown(name: str, items: Sequence[Item], language: str) -> str:
    heading = plain(_("Library of {name}", name=name), language)
    lines = [f"# {_escaped(heading)}", ""]
    for item in items:
        if item.kind is ItemKind.LINK:
            head = f"[{_escaped(item.title or item.url)}](<{_angle_safe(item.url)}>)"
        else:
            head = " ".join(_escaped(line) for line in item.text.splitlines())
        parts = [head]
        if item.note:
            parts.append(" ".join(_escaped(line) for line in item.note.splitlines()))
        if item.tags:
            parts.append(" ".join(_escaped("#" + tag) for tag in item.tags))
        saved = _("saved by {member} on {day}", member=item.saved_by.id, day=item.saved_at.date().isoformat())
        parts.append(_escaped(plain(saved, language)))
        lines.append("- " + " — ".join(parts))
    return "\n".join(lines) + "\n"


def _escaped(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _angle_safe(url: str) -> str:
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def _row(item: Item, language: str) -> list[str]:
    return [str(item.id), plain(KINDS[item.kind], language), item.url, item.title, item.text, item.note,
            " ".join("#" + tag for tag in item.tags), item.saved_by.id, item.saved_at.isoformat(), str(item.saves),
            item.source]


def _fields(item: Item) -> dict[str, object]:
    return {"id": item.id, "kind": item.kind.value, "url": item.url, "title": item.title, "text": item.text,
            "note": item.note, "tags": list(item.tags), "saved_by": item.saved_by.id,
            "saved_at": item.saved_at.isoformat(), "saves": item.saves, "source": item.source}


def _netscape(name: str, items: Sequence[Item]) -> str:
    lines = ["<!DOCTYPE NETSCAPE-Bookmark-file-1>",
             '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">',
             f"<TITLE>{html.escape(name)}</TITLE>", f"<H1>{html.escape(name)}</H1>", "<DL><p>"]
    for item in items:
        if item.kind is not ItemKind.LINK:
            continue
        tags = f' TAGS="{html.escape(",".join(item.tags))}"' if item.tags else ""
        lines.append(f'    <DT><A HREF="{html.escape(item.url)}" ADD_DATE="{int(item.saved_at.timestamp())}"{tags}>'
                     f"{html.escape(item.title or item.url)}</A>")
        if item.note:
            lines.append(f"    <DD>{html.escape(item.note)}")
    lines.append("</DL><p>")
    return "\n".join(lines) + "\n"
