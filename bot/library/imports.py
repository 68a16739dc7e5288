"""Bookmark files read into items for the library, without touching it: `read_bookmarks`.

Three formats, told apart by what the file holds (its name's extension decides only when the content does not):

- **HTML**: the Netscape bookmark file that browsers, linkding, Karakeep and `/library export html` write. Each
  `<DT><A HREF=… ADD_DATE=… TAGS=…>title</A>` is a link, the `<DD>` after it its note; `ADD_DATE` is Unix
  seconds (a number too large for seconds is read as milliseconds, then microseconds); `TAGS` is a comma
  separated list. Folders (`<DT><H3>`, nested `<DL><p>`) are walked through and not kept: a folder's name is no
  tag. A title that only repeats the address is no title. Firefox's saved queries (`place:` addresses) are not
  pages and are passed over. The file is read with the standard library's forgiving `html.parser`, since
  bookmark files leave their `<DT>` and `<p>` unclosed.
- **CSV**: a header row, then one bookmark a row; comma, semicolon or tab separated (the one that makes the
  header name a column of addresses). Columns are found by name, in any order and case: the address (`url`,
  `address`, `href`, `link`), `title`, the note (`note`, `notes`, `comment`, `description`, `excerpt`), `tags`
  (`#a #b`, `a,b` or `a|b`) and when it was saved (`saved on`, `saved_at`, `date_added`, `created`, `time_added`…),
  and the headers of `/library export csv` in every language Hearth speaks, with its kind and idea columns. The
  `'` that export puts before a cell a spreadsheet would run as a formula is taken off again.
- **JSON**: linkding's bookmark list (`{"count": …, "results": [{"url", "title", "description", "notes",
  "tag_names", "date_added"}]}`), a bare list of such objects, or `/library export json` (`{"items": [{"kind",
  "url", "text", "title", "note", "tags", "saved_at"}]}`). linkding's `notes` are the note; its `description`
  is the note when there are none.

Times are ISO 8601 (UTC when they name no offset) or Unix seconds. Every value is checked as a save checks it
(`checked_url`, `checked_tags`, the lengths of `bot.text_limits`) and the first one that fails refuses the whole
file with a `UserError` naming its line, so that an import is all or nothing: a title or a note that is too
long is refused, not cut, since a cut one would be changed without anyone saying so.
"""

from __future__ import annotations

import bisect
import csv
import functools
import html.parser
import io
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import PurePath

from bot.errors import UserError
from bot.i18n import Msg, Value, _
from bot.library.model import IDEA, NOTE, TITLE, ItemKind
from bot.library.requests import ImportedItem
from bot.library.service import checked_tags, checked_text
from bot.library.urls import checked_url
from bot.messages import UserText
from bot.polls.words import plain
from bot.spreadsheets import FORMULA_STARTS
from bot.text_limits import shown
from bot.vocabulary import languages

__all__ = ["MAX_BOOKMARKS", "ImportedItem", "read_bookmarks"]

MAX_BOOKMARKS = 100_000  # as many as an export holds

FORMATS = _("Hearth reads the bookmark file (HTML) that browsers, linkding and Karakeep export, CSV with a header "
            "row naming its url, title, note and tags columns, linkding's JSON, and its own /library export html, "
            "csv and json.")


def read_bookmarks(data: bytes, *, name: str = "") -> list[ImportedItem]:
    """The bookmarks of the file `data` (called `name`), in the file's order, duplicates and all. Raises
    `UserError` naming the line for a file that is not what it says or holds a value the library refuses, and
    for an empty file, a file without bookmarks or one of no format Hearth reads."""
    file: Value = UserText(name) if name else _("the file")
    text = _decoded(data, file)
    if not text.strip():
        raise UserError(_("There is nothing in {file}.", file=file), hint=FORMATS)
    entries = {"html": _netscape, "csv": _csv, "json": _json}[_format(text, name, file)](text, file)
    items = [_checked(entry, file) for entry in entries]
    if not items:
        raise UserError(_("There are no bookmarks in {file}.", file=file), hint=FORMATS)
    return items


@dataclass(frozen=True, slots=True)
class _Entry:
    """A bookmark as the file gives it, before it is checked."""

    line: int
    kind: ItemKind = ItemKind.LINK
    url: str = ""
    text: str = ""
    title: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    saved_at: str | int | float | None = None


def _decoded(data: bytes, file: Value) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UserError(_("Line {line} of {file} holds bytes that are not UTF-8 text.",
                          line=data[:error.start].count(b"\n") + 1, file=file),
                        hint=_("Save the file as UTF-8 and import it again.")) from None


def _format(text: str, name: str, file: Value) -> str:
    """Which reader reads the file: by its first character, by a CSV header, else by the name's extension."""
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return "json"
    if start == "<":
        return "html"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if _csv_header(_first_line(text)) is not None or extension == "csv":
        return "csv"
    if extension == "json":
        return "json"
    if extension in ("html", "htm"):
        return "html"
    raise UserError(_("{file} is not a bookmark file Hearth reads.", file=file), hint=FORMATS)


def _checked(entry: _Entry, file: Value) -> ImportedItem:
    """`entry` as the library keeps it; a `UserError` naming its line otherwise."""
    if entry.kind is ItemKind.LINK and not entry.url.strip():
        raise UserError(_("Line {line} of {file} has no address.", line=entry.line, file=file))
    try:
        if entry.kind is ItemKind.LINK:
            url, text = checked_url(entry.url), ""
        else:
            url, text = "", checked_text(entry.text, IDEA)
        title = checked_text(entry.title, TITLE, empty=True)
        return ImportedItem(kind=entry.kind, url=url, text=text, title="" if title == url else title,
                            note=checked_text(entry.note, NOTE, empty=True),
                            tags=checked_tags(tuple(filter(None, entry.tags))),
                            saved_at=_moment(entry.saved_at), line=entry.line)
    except UserError as error:
        raise UserError(_("Line {line} of {file}: {problem}", line=entry.line, file=file, problem=error.message),
                        hint=error.hint) from None


_NUMBER = re.compile(r"-?\d+(\.\d*)?")


def _moment(value: str | int | float | None) -> datetime | None:
    """When a bookmark was saved, in UTC: ISO 8601 or Unix seconds (or milliseconds, or microseconds)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
            moment = datetime.fromisoformat(value.strip())
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        seconds = float(value)
        if seconds == 0:
            return None  # what tools write when they do not know
        for _larger_unit in range(2):  # past the year 5000 in seconds: milliseconds, or microseconds
            if math.isfinite(seconds) and abs(seconds) >= 1e11:
                seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        raise UserError(_("{value} is not a time Hearth reads: give ISO 8601, such as 2026-12-03T09:30:00Z, or "
                          "Unix seconds.", value=shown(str(value)))) from None


def _counted(entries: Iterator[_Entry], file: Value) -> Iterator[_Entry]:
    for number, entry in enumerate(entries, start=1):
        if number > MAX_BOOKMARKS:
            raise UserError(_("{file} holds more than {max} bookmarks.", file=file, max=MAX_BOOKMARKS),
                            hint=_("Split it into smaller files and import each."))
        yield entry


# --- the Netscape bookmark file -------------------------------------------------------------------------------------


def _netscape(text: str, file: Value) -> Iterator[_Entry]:
    parser = _BookmarkParser()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError:  # how html.parser reports a declaration it cannot make sense of
        raise UserError(_("Line {line} of {file} is not HTML that Hearth reads.", line=parser.getpos()[0],
                          file=file)) from None
    return _counted((entry for entry in parser.entries if not entry.url.strip().lower().startswith("place:")), file)


class _BookmarkParser(html.parser.HTMLParser):
    """Every `<DT><A>` with its title and the `<DD>` note after it (a `<DD>` after a folder's `<H3>` is the
    folder's, and not kept)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[_Entry] = []
        self._after_dt = False
        self._link: tuple[int, dict[str, str], list[str]] | None = None  # line, attributes, title so far
        self._noted: int | None = None  # the entry a <DD> here would belong to
        self._note: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self._note is not None:
            self._note.append("\n")
            return
        self._end_link()
        self._end_note()
        if tag == "a" and self._after_dt:
            self._link = (self.getpos()[0], {key: value or "" for key, value in attrs}, [])
        elif tag == "dd" and self._noted is not None:
            self._note = []
        if tag == "dt":
            self._noted = None
        self._after_dt = tag == "dt"

    def handle_endtag(self, tag: str) -> None:
        self._end_link()
        self._end_note()

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link[2].append(data)
        elif self._note is not None:
            self._note.append(data)

    def close(self) -> None:
        super().close()
        self._end_link()
        self._end_note()

    def _end_link(self) -> None:
        if self._link is None:
            return
        line, attributes, title = self._link
        self._link = None
        self.entries.append(_Entry(line, url=attributes.get("href", ""), title="".join(title),
                                   tags=tuple(attributes.get("tags", "").split(",")),
                                   saved_at=attributes.get("add_date") or None))
        self._noted = len(self.entries) - 1

    def _end_note(self) -> None:
        if self._note is None or self._noted is None:
            return
        self.entries[self._noted] = replace(self.entries[self._noted], note="".join(self._note))
        self._note = self._noted = None


# --- CSV ------------------------------------------------------------------------------------------------------------

# Each field's column names, the first found taken; the headers of `/library export csv` are added in each language.
_COLUMNS = {
    "url": ("url", "address", "href", "link", "uri"),
    "title": ("title", "name"),
    "note": ("note", "notes", "comment", "comments", "description", "extended", "excerpt"),
    "tags": ("tags", "tag", "labels", "keywords"),
    "saved_at": ("saved on", "saved_at", "date_added", "added", "created", "created_at", "time_added", "date"),
}
_EXPORT_COLUMNS = {"url": _("Address"), "title": _("Title"), "note": _("Note"), "tags": _("Tags"),
                   "saved_at": _("Saved on"), "kind": _("Kind"), "text": _("Idea")}
_KINDS = {ItemKind.LINK: _("link"), ItemKind.IDEA: _("idea")}
_TAG_SEPARATORS = re.compile(r"[\s,|]+")


def _names(message: Msg) -> tuple[str, ...]:
    """`message` in every language Hearth speaks, in lower case."""
    return tuple(dict.fromkeys(plain(message, language).casefold() for language in languages()))


@functools.cache
def _column_names() -> dict[str, tuple[str, ...]]:
    return {field: _COLUMNS.get(field, ()) + _names(message) for field, message in _EXPORT_COLUMNS.items()}


@functools.cache
def _kind_names() -> dict[str, ItemKind]:
    return {name: kind for kind, message in _KINDS.items() for name in (kind.value, *_names(message))}


def _csv_header(first_line: str) -> tuple[str, dict[str, int]] | None:
    """The separator and the columns (field → index) of a header naming a column of addresses, if it is one."""
    for separator in (",", ";", "\t"):
        try:
            header = next(csv.reader([first_line], delimiter=separator), [])
        except csv.Error:
            continue
        found: dict[str, int] = {}
        for index, cell in reversed(list(enumerate(header))):  # the first of two same names wins
            found[cell.strip().casefold()] = index
        columns: dict[str, int] = {}
        for field, names in _column_names().items():
            column = next((found[name] for name in names if name in found), None)
            if column is not None:
                columns[field] = column
        if "url" in columns:
            return separator, columns
    return None


def _csv(text: str, file: Value) -> Iterator[_Entry]:
    header = _csv_header(_first_line(text))
    if header is None:
        raise UserError(_("Line 1 of {file} names no column of addresses, such as url.", file=file), hint=FORMATS)
    separator, columns = header
    kinds = _kind_names()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)

    def rows() -> Iterator[_Entry]:
        line = 1
        try:
            next(reader)
            while True:
                line = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    return
                if not any(cell.strip() for cell in row):
                    continue
                cells = {field: _cell(row, index) for field, index in columns.items()}
                named = cells.get("kind", "").strip()
                kind = kinds.get(named.casefold()) if named else ItemKind.LINK
                if kind is None:
                    raise UserError(_("Line {line} of {file}: {kind} is not a kind of item; give link or idea.",
                                      line=line, file=file, kind=shown(named)))
                yield _Entry(line, kind=kind, url=cells.get("url", ""), text=cells.get("text", ""),
                             title=cells.get("title", ""), note=cells.get("note", ""),
                             tags=tuple(_TAG_SEPARATORS.split(cells.get("tags", ""))),
                             saved_at=cells.get("saved_at"))
        except csv.Error:
            raise UserError(_("Line {line} of {file} cannot be read as CSV.", line=line, file=file)) from None

    return _counted(rows(), file)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].rstrip("\r")


def _cell(row: list[str], index: int) -> str:
    """The cell as written, without the `'` an export puts before what a spreadsheet would run as a formula."""
    value = row[index] if index < len(row) else ""
    return value[1:] if value[:1] == "'" and value[1:2] and value[1:2] in FORMULA_STARTS else value


# --- JSON -----------------------------------------------------------------------------------------------------------

_BLANK = re.compile(r"[ \t\n\r]*")


def _blanks(text: str, at: int) -> int:
    """Where the JSON whitespace at `at` ends."""
    match = _BLANK.match(text, at)
    return at if match is None else match.end()


def _json(text: str, file: Value) -> Iterator[_Entry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(_("{file} is not JSON: line {line}, column {column}.", file=file, line=error.lineno,
                          column=error.colno)) from None
    except RecursionError:
        raise UserError(_("{file} is nested too deeply to be a list of bookmarks.", file=file)) from None
    except ValueError:  # a number of more digits than Python converts
        raise UserError(_("{file} holds a number too long to be read.", file=file)) from None
    start = _bookmark_list(text, document)
    if start is None:
        raise UserError(_("{file} holds no list of bookmarks.", file=file),
                        hint=_("Hearth reads linkding's bookmark list (its \"results\"), a list of bookmarks, and "
                               "its own export (its \"items\")."))
    breaks = [match.start() for match in re.finditer("\n", text)]
    return _counted((_json_entry(bisect.bisect_right(breaks, at) + 1, value, file)
                     for at, value in _elements(text, start)), file)


def _bookmark_list(text: str, document: object) -> int | None:
    """Where the list of bookmarks starts in `text` (a valid JSON document): the document itself, or the
    `results` (linkding) or `items` (Hearth) of an object."""
    if isinstance(document, list):
        return _blanks(text, 0)
    if not isinstance(document, dict):
        return None
    key = next((key for key in ("results", "items") if isinstance(document.get(key), list)), None)
    if key is None:
        return None
    # Walk the object's members to where its last `key` starts (the one `json.loads` kept).
    decoder = json.JSONDecoder()
    at = _blanks(text, 0) + 1
    found = None
    while True:
        at = _blanks(text, at)
        if text[at] == "}":
            return found
        name, at = decoder.raw_decode(text, at)
        at = _blanks(text, _blanks(text, at) + 1)  # past the colon
        if name == key:
            found = at
        _value, at = decoder.raw_decode(text, at)
        at = _blanks(text, at)
        if text[at] == ",":
            at += 1


def _elements(text: str, start: int) -> Iterator[tuple[int, object]]:
    """Each value of the valid JSON list starting at `start`, with where it starts."""
    decoder = json.JSONDecoder()
    at = start + 1
    while True:
        at = _blanks(text, at)
        if text[at] == "]":
            return
        value, end = decoder.raw_decode(text, at)
        yield at, value
        at = _blanks(text, end)
        if text[at] == ",":
            at += 1


def _json_entry(line: int, value: object, file: Value) -> _Entry:
    if not isinstance(value, dict):
        raise UserError(_("Line {line} of {file} holds no bookmark: a bookmark is an object with its \"url\".",
                          line=line, file=file))

    def string(*keys: str) -> str:
        for key in keys:
            found = value.get(key)
            if found is None:
                continue
            if not isinstance(found, str):
                raise UserError(_("Line {line} of {file}: \"{key}\" should be text.", line=line, file=file,
                                  key=UserText(key)))
            if found.strip():
                return found
        return ""

    kind = {"link": ItemKind.LINK, "idea": ItemKind.IDEA, "": ItemKind.LINK}.get(string("kind"))
    if kind is None:
        raise UserError(_("Line {line} of {file}: {kind} is not a kind of item; give link or idea.", line=line,
                          file=file, kind=shown(string("kind"))))
    tags = value.get("tags", value.get("tag_names")) or []
    if isinstance(tags, str):
        tags = _TAG_SEPARATORS.split(tags)
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise UserError(_("Line {line} of {file}: the tags should be a list of words.", line=line, file=file))
    key = next((key for key in ("saved_at", "date_added", "created_at", "created") if value.get(key) is not None), "")
    saved_at = value.get(key)
    if saved_at is not None and (isinstance(saved_at, bool) or not isinstance(saved_at, str | int | float)):
        raise UserError(_("Line {line} of {file}: \"{key}\" should be a time.", line=line, file=file,
                          key=UserText(key)))
    return _Entry(line, kind=kind, url=string("url"), text=string("text"), title=string("title"),
                  note=string("note", "notes", "description"), tags=tuple(tags), saved_at=saved_at)
