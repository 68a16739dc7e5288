"""A community's library on the web, read-only: `GET /library/{token}/` (search, tags, newest and most saved
items, pages), `/library/{token}/items/{id}` (one item and who saved it) and `/library/{token}/feed.atom` (the
newest items as an Atom 1.0 feed); `GET /library/static/style.css` is the stylesheet, the same for every page.

The token is the credential, as with the calendar feeds (`adapters.calendar_feed`): every refusal (a malformed
token, an unknown or revoked one, a workspace that removed Hearth, an item that is not the community's, a path that
is no page) is the same empty 404, and the log names a page only by its token's fingerprint. A page cannot be read
from the database: an empty 500.

The pages are plain HTML from Jinja2 templates (`adapters/templates/library/`, autoescaped: every value a member
typed, a platform named or a web page said is escaped) in the community's language and time zone; every word of
Hearth's own comes from the catalogs, the templates hold none. Links leave for http and https addresses only, with
`rel="noopener noreferrer"`; the address, with its token, never leaves as a Referer (`Referrer-Policy:
no-referrer`). No script runs (`Content-Security-Policy` allows the stylesheet alone), no search engine indexes the
page (`X-Robots-Tag`), and what a browser keeps of it is private and short-lived. Jinja2 loads on the first page.
"""

from __future__ import annotations

import functools
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web

from adapters.calendar_feed import TOKEN
from adapters.log_redaction import fingerprint
from bot.dates import format_date, format_date_time
from bot.i18n import Msg, Translator, _, _n, render
from bot.library.model import Item, ItemKind
from bot.library.requests import BrowseLibrary, LibraryPageView, PageItemView, ReadPageFeed, ReadPageItem
from bot.library.service import LibraryService
from bot.links import checked_http_url, link_host
from bot.messages import Link, MemberMention, Text, Timestamp, UserText
from bot.preferences import community_language, community_zone
from bot.refs import MemberRef
from bot.tenancy import Community
from commands.library.query import read_query

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["CACHE_CONTROL", "HEADERS", "STYLESHEET", "WORDS", "LibraryPageHandler"]

log = logging.getLogger("hearth.library_page")

TEMPLATES = Path(__file__).resolve().parent / "templates" / "library"
STYLESHEET = TEMPLATES / "style.css"
CACHE_CONTROL = "private, max-age=60"
# Every page and the feed: no script, styles from this server only, no Referer with the token in it.
HEADERS = {
    "Cache-Control": CACHE_CONTROL,
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                "base-uri 'none'; frame-ancestors 'none'"),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}
ATOM = "http://www.w3.org/2005/Atom"
MAX_QUERY = 500  # characters of a search read; the rest is left out
MAX_PAGE = 10_000
_ITEM_PATH = re.compile(r"items/([1-9][0-9]{0,17})")
_MENTIONABLE = re.compile(r"[A-Za-z0-9._-]+")  # a member id that `by:<@id>` can name
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Every word of Hearth's own on the pages and in the feed.
WORDS: dict[str, Msg] = {
    "library": _("Library of {name}"),
    "skip": _("Skip to the items"),
    "search_label": _("Search the library"),
    "search_button": _("Search"),
    "search_help": _('Words, "a phrase", -a word to leave out, #tag.'),
    "tags": _("Tags"),
    "no_tags": _("No tags yet."),
    "newest": _("Newest first"),
    "most_saved_first": _("Most saved first"),
    "order": _("Order"),
    "most_saved": _("Most saved"),
    "found": _("Found in the library: {query}"),
    "tagged": _("Tagged {tag}"),
    "nothing_found": _("Nothing found. Try fewer or other words, or a #tag."),
    "nothing_saved": _("Nothing saved yet. Members save links and ideas with /library add and /library idea in "
                       "the community's channel."),
    "nothing_fits": _("Nothing saved that fits."),
    "past_the_end": _("There is nothing on this page."),
    "whole_library": _("The whole library"),
    "pages": _("Pages"),
    "page_of": _("Page {page} of {pages}"),
    "previous": _("Previous page"),
    "next": _("Next page"),
    "feed": _("The newest items as an Atom feed"),
    "item": _("Item {id}"),
    "address": _("Address"),
    "idea": _("Idea"),
    "note": _("Note"),
    "description": _("What the page says"),
    "saved_by": _("Saved by"),
    "saved_on": _("Saved on"),
    "saves": _("Saves"),
    "from": _("From"),
    "conversation": _("Open the conversation it came from"),
    "all_by": _("Everything {member} saved"),
    "saved_line": _("saved by {member} on {day}"),
}


def _count_of_items(count: int) -> Msg:
    return _n("{n} item", "{n} items", count)


def _count_of_saves(count: int) -> Msg:
    return _n("{n} save", "{n} saves", count)


PLURAL_WORDS = (_count_of_items(2), _count_of_saves(2))  # for tests that look at every word


class LibraryPageHandler:
    """Serves the library pages; `build_web_app(library=...)` routes `/library/...` to `handle` and the stylesheet
    to `stylesheet`."""

    def __init__(self, library: LibraryService, translator: Translator, public_url: str) -> None:
        self._library = library
        self._translator = translator
        self._public_url = public_url.rstrip("/")
        self._environment: Environment | None = None

    async def handle(self, request: web.Request) -> web.Response:
        """Answer `GET /library/{token}/{rest}`: a page, the feed, or an empty 404 for anything but a live token's
        page; an empty 500 (logged by the token's fingerprint) when the library cannot be read."""
        token, slash, rest = request.match_info.get("path", "").partition("/")
        if not slash or not TOKEN.fullmatch(token):
            return _not_found()
        try:
            answer = await self._answer(token, rest, request.query)
        except Exception:
            # The token is the credential: the log names the page by its fingerprint only.
            log.exception("the library page %s could not be served", fingerprint(token))
            return web.Response(status=500, headers={"Cache-Control": "no-store"})
        return answer if answer is not None else _not_found()

    async def stylesheet(self, request: web.Request) -> web.Response:
        """`GET /library/static/style.css`: the same for every page, so kept a day."""
        return web.Response(body=_stylesheet(), content_type="text/css", charset="utf-8",
                            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})

    async def _answer(self, token: str, rest: str, query: Mapping[str, str]) -> web.Response | None:
        if rest == "":
            return await self._index(token, query)
        if rest == "feed.atom":
            return await self._feed(token)
        found = _ITEM_PATH.fullmatch(rest)
        if found is not None:
            return await self._item(token, int(found.group(1)))
        return None

    # --- the pages ---------------------------------------------------------------------------------------------

    async def _index(self, token: str, query: Mapping[str, str]) -> web.Response | None:
        typed = " ".join(query.get("q", "")[:MAX_QUERY].split())
        tag = query.get("tag", "").strip().lstrip("#").lower()[:50] or None
        most_saved = query.get("order") == "saves"
        page = _page_number(query.get("page", ""))
        view = await self._library.browse(BrowseLibrary(
            token, functools.partial(read_query, typed) if typed else None, tag=None if typed else tag,
            most_saved=most_saved, page=page))
        if view is None:
            return None
        words = _Words(self._translator, view.community)
        kept = {"q": typed} if typed else {"tag": tag} if tag else {}
        if most_saved:
            kept["order"] = "saves"
        items = view.items
        if typed:
            heading = words.say(WORDS["found"], query=UserText(typed))
            empty = words.say(WORDS["nothing_found"])
        elif tag:
            heading = words.say(WORDS["tagged"], tag=UserText("#" + tag))
            empty = words.say(WORDS["nothing_fits"])
        else:
            heading = words.say(WORDS["most_saved_first" if most_saved else "newest"])
            empty = words.say(WORDS["nothing_saved"])
        if items.total and not items.items:
            empty = words.say(WORDS["past_the_end"])
        orders = [] if typed else [
            {"label": words.say(WORDS["newest"]), "href": _query({k: v for k, v in kept.items() if k != "order"}),
             "current": not most_saved},
            {"label": words.say(WORDS["most_saved_first"]), "href": _query({**kept, "order": "saves"}),
             "current": most_saved},
        ]
        pages = {
            "label": words.say(WORDS["page_of"], page=items.page, pages=items.pages),
            "previous": _query({**kept, "page": str(min(items.page - 1, items.pages))}) if items.page > 1 else None,
            "next": _query({**kept, "page": str(items.page + 1)}) if items.page < items.pages else None,
        }
        context = {
            "heading": heading,
            "count": words.say(_count_of_items(items.total)),
            "searched": typed,
            "filtered": bool(typed or tag),
            "items": [self._shown(item, view.names, words, root="") for item in items.items],
            "empty": empty,
            "orders": orders,
            "pages": pages if items.pages > 1 or items.page > 1 else None,
            # The most saved, beside the newest, once some item was saved by more than one member.
            "top": [self._shown(item, view.names, words, root="") for item in view.top if item.saves > 1],
            "tags": [{"name": name, "count": count, "href": _query({"tag": name}), "current": name == tag}
                     for name, count in view.tags],
        }
        return self._html("index.html", words, view, root="", title=words.library, context=context)

    async def _item(self, token: str, item_id: int) -> web.Response | None:
        view = await self._library.page_item(ReadPageItem(token, item_id))
        if view is None:
            return None
        words = _Words(self._translator, view.community)
        item = view.item
        savers = [{"name": _name(save.member, view.names), "day": words.date(save.at), "at": save.at.isoformat(),
                   "href": _saver_search(save.member, root="../"),
                   "all_by": words.say(WORDS["all_by"], member=UserText(_name(save.member, view.names)))}
                  for save in view.saves]
        context = {
            "item": self._shown(item, view.names, words, root="../"),
            "text": item.text,
            "url": _web_address(item.url),
            "address": item.url,
            "description": item.description,
            "note": item.note,
            "saved_on": words.date_time(item.saved_at),
            "saved_at": item.saved_at.isoformat(),
            "saves": words.say(_count_of_saves(item.saves)),
            "savers": savers,
            "source": _web_address(item.source),
            "number": words.say(WORDS["item"], id=item.id),
        }
        return self._html("item.html", words, view, root="../", title=f"{item.heading} · {words.library}",
                          context=context)

    def _shown(self, item: Item, names: Mapping[MemberRef, str], words: _Words, *, root: str) -> dict[str, Any]:
        """What a list shows of `item`; links relative to the page it is on (`root`: the way to the index)."""
        url = _web_address(item.url) if item.kind is ItemKind.LINK else None
        line = words.say(WORDS["saved_line"], member=UserText(_name(item.saved_by, names)),
                         day=UserText(words.date(item.saved_at)))
        return {
            "id": item.id,
            "href": f"{root}items/{item.id}",
            "heading": item.heading,
            "url": url,
            "site": link_host(url) if url else None,
            "note": item.note,
            "saved": line,
            "saved_at": item.saved_at.isoformat(),
            "saves": words.say(_count_of_saves(item.saves)),
            "tags": [{"name": tag, "href": root + _query({"tag": tag})} for tag in item.tags],
        }

    def _html(self, template: str, words: _Words, view: LibraryPageView | PageItemView, *, root: str, title: str,
              context: Mapping[str, Any]) -> web.Response:
        page = self._templates().get_template(template).render(
            lang=words.language, title=title, library=words.library, root=root,
            words={key: words.say(message) for key, message in WORDS.items()
                   if key not in {"library", "found", "tagged", "page_of", "item", "all_by", "saved_line"}},
            community=view.community.name, **context)
        return web.Response(text=page, content_type="text/html", charset="utf-8", headers=HEADERS)

    def _templates(self) -> Environment:
        if self._environment is None:
            from jinja2 import Environment, FileSystemLoader, StrictUndefined  # loads on the first page

            self._environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                                            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        return self._environment

    # --- the feed ----------------------------------------------------------------------------------------------

    async def _feed(self, token: str) -> web.Response | None:
        view = await self._library.page_feed(ReadPageFeed(token))
        if view is None:
            return None
        words = _Words(self._translator, view.community)
        page = f"{self._public_url}/library/{token}/"
        body = atom_feed(view.community, view.items, view.names, title=words.library, page=page,
                         language=words.language, host=link_host(self._public_url) or "hearth.invalid")
        return web.Response(body=body, content_type="application/atom+xml", charset="utf-8", headers=HEADERS)


def atom_feed(community: Community, items: Sequence[Item], names: Mapping[MemberRef, str], *, title: str, page: str,
              language: str, host: str) -> bytes:
    """The Atom 1.0 feed of `items` of the library page at `page`. Ids are `tag:` URIs on `host` that never hold
    the token, so they stay the same when the address is revoked."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language})
    _text(feed, "id", f"tag:{host},{community.created_at:%Y-%m-%d}:library/{community.id}")
    _text(feed, "title", title, type="text")
    newest = max((item.saved_at for item in items), default=community.created_at)
    _text(feed, "updated", _rfc3339(newest))
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=page + "feed.atom")
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=page)
    _text(feed, "generator", "Hearth")
    for item in items:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", f"tag:{host},{item.saved_at:%Y-%m-%d}:library/{community.id}/item/{item.id}")
        _text(entry, "title", item.heading, type="text")
        _text(entry, "updated", _rfc3339(item.saved_at))
        _text(entry, "published", _rfc3339(item.saved_at))
        shown = f"{page}items/{item.id}"
        url = _web_address(item.url) if item.kind is ItemKind.LINK else None
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=url or shown)
        if url is not None:
            ET.SubElement(entry, "link", rel="related", type="text/html", href=shown)
        author = ET.SubElement(entry, "author")
        _text(author, "name", _name(item.saved_by, names))
        summary = "\n\n".join(part for part in (item.text, item.note, item.description) if part)
        if summary:
            _text(entry, "summary", summary, type="text")
        for tag in item.tags:
            ET.SubElement(entry, "category", term=tag)
    written: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return written


# --- words --------------------------------------------------------------------------------------------------------


class _Words:
    """Hearth's words, dates and times for one community: in its language and its time zone."""

    def __init__(self, translator: Translator, community: Community) -> None:
        self._translator = translator
        self.language = community_language(community)
        self._zone = ZoneInfo(community_zone(community))
        self.library = self.say(WORDS["library"], name=UserText(community.name))

    def say(self, message: Msg, **params: UserText | int) -> str:
        if params:
            message = Msg(message.msgid, {**message.params, **params}, message.plural, message.count)
        return _plain(render(self._translator, self.language, message))

    def date(self, moment: datetime) -> str:
        return format_date(moment, self.language, self._zone)

    def date_time(self, moment: datetime) -> str:
        return format_date_time(moment, self.language, self._zone)


def _plain(text: Text) -> str:
    """`text` as plain characters, for a template to escape: the page's own words carry no markup."""
    parts: list[str] = []
    for part in text.parts:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, UserText):
            parts.append(part.value)
        elif isinstance(part, Link):
            parts.append(part.label.value if isinstance(part.label, UserText) else part.label or part.url)
        elif isinstance(part, Timestamp):
            parts.append(part.at.isoformat())
        elif isinstance(part, MemberMention):
            parts.append(part.member.id)
        else:
            parts.append(part.channel.id)
    return "".join(parts)


def _name(member: MemberRef, names: Mapping[MemberRef, str]) -> str:
    """How a page names a member: their display name when Hearth knows it, else their id as stored."""
    return names.get(member) or member.id


# --- addresses ----------------------------------------------------------------------------------------------------


def _web_address(url: str) -> str | None:
    """`url` when it is a safe http or https link (`bot.links`: a page links nowhere else), else None."""
    return url if checked_http_url(url) is not None else None


def _query(values: Mapping[str, str]) -> str:
    """A link to the index with these query values, relative to it ("./" when there are none)."""
    return "?" + urlencode(values) if values else "./"


def _saver_search(member: MemberRef, *, root: str) -> str | None:
    """A link to everything `member` saved: the search `by:<@id>`, as members type it in chat."""
    return root + _query({"q": f"by:<@{member.id}>"}) if _MENTIONABLE.fullmatch(member.id) else None


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and raw.isascii() and 1 <= int(raw) <= MAX_PAGE else 1


def _not_found() -> web.Response:
    return web.Response(status=404, headers={"Cache-Control": "no-store"})


@functools.cache
def _stylesheet() -> bytes:
    return STYLESHEET.read_bytes()


def _text(parent: ET.Element, name: str, value: str, **attributes: str) -> None:
    element = ET.SubElement(parent, name, attributes)
    element.text = _NOT_XML.sub("", value)


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
