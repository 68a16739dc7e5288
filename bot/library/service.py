"""`LibraryService`: a community's library of links and ideas, saved once, tagged, listed and kept up."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace

from bot.errors import NotFound, PermissionDenied, UserError
from bot.i18n import Msg, _
from bot.library.model import IDEA, MAX_DESCRIPTION, MAX_PAGE_TEXT, MAX_TAGS, NOTE, TITLE, Item, ItemKind, Save
from bot.library.ports import Listing, Stems
from bot.library.requests import (
    EditItem,
    ExportLibrary,
    HomeItems,
    ItemPage,
    ItemView,
    LibraryHome,
    ListItems,
    ListTags,
    PageToFetch,
    PendingPages,
    RecordPage,
    RemoveItem,
    Saved,
    SaveIdea,
    SaveLink,
    SearchItems,
    ShowItem,
)
from bot.library.urls import checked_url, url_key
from bot.library.words import search_words
from bot.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.preferences import community_language
from bot.tenancy import LIBRARY_FETCH, Scope, in_community
from bot.text_limits import TextLimit, one_line, several_lines

__all__ = ["PAGE", "LibraryService"]

PAGE = 10
MAX_EXPORT = 100_000
HOME = 5  # items of each list in the member's home
MAX_TAG = 50
_TAG = re.compile(r"[^\W_][\w-]*")


class LibraryService:
    """Everything that changes or reads a community's library.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix raises
    a `UserError` (`NotFound`, `PermissionDenied`) and changes nothing. An item is only found in the community the
    request is asked in. The same page (its normalised address, `bot.library.urls`) or the same idea (its words,
    whatever their case and spacing) is kept once per community: saving it again adds the new tags and counts the
    member's +1.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, pages_waiting: Callable[[], None] = lambda: None
                 ) -> None:
        """`pages_waiting` is called after a link whose page is to be fetched was saved (it wakes the fetcher)."""
        self._uow = uow
        self._clock = clock
        self._pages_waiting = pages_waiting

    async def save_link(self, request: SaveLink) -> Saved:
        url = checked_url(request.url)
        return await self._save(request.scope, ItemKind.LINK, "link " + url_key(url), url=url,
                                title=_checked(request.title, TITLE, empty=True), text="",
                                note=_checked(request.note, NOTE, empty=True), tags=request.tags,
                                source=request.source)

    async def save_idea(self, request: SaveIdea) -> Saved:
        text = _checked(request.text, IDEA)
        words = " ".join(text.casefold().split())
        return await self._save(request.scope, ItemKind.IDEA, "idea " + words, url="", title="", text=text,
                                note=_checked(request.note, NOTE, empty=True), tags=request.tags,
                                source=request.source)

    async def _save(self, scope: Scope, kind: ItemKind, key: str, *, url: str, title: str, text: str, note: str,
                    tags: tuple[str, ...], source: str) -> Saved:
        community = in_community(scope)
        now = self._clock.now()
        wanted = checked_tags(tags)
        digest = hashlib.sha256(key.encode()).hexdigest()
        item = Item(id=0, workspace_id=scope.workspace.id, community_id=community.id, kind=kind, url=url,
                    title=title, text=text, note=note, tags=wanted, saved_by=scope.member.ref, saved_at=now,
                    source=source[:2000])
        fetch = LIBRARY_FETCH.of(community) == "on"
        async with self._uow() as uow:
            known = None
            while known is None:  # again only if the item the insert met was removed before it could be read
                added = await uow.library.add_item(item, digest, _words(item, community_language(community)),
                                                   fetch=fetch)
                if added is not None:
                    await uow.commit()
                    if fetch and kind is ItemKind.LINK:
                        self._pages_waiting()
                    return Saved(added, known=False, first=Save(added.saved_by, added.saved_at), counted=True)
                known = await uow.library.item_by_key(scope.workspace.id, community.id, digest)
            merged = known.tags + tuple(tag for tag in wanted if tag not in known.tags)
            if len(merged) > MAX_TAGS:
                raise UserError(_("Item {id} has {n} tags already; with yours it would have more than {max}.",
                                  id=known.id, n=len(known.tags), max=MAX_TAGS),
                                hint=_("Save it with fewer tags, or change its tags with /library edit {id} "
                                       "--tags.", id=known.id))
            changed = replace(known, tags=merged, title=known.title or title)
            if changed != known:
                await uow.library.update_item(changed, _words(changed, community_language(community)))
            counted = await uow.library.add_save(known, Save(scope.member.ref, now))
            await uow.commit()
        return Saved(replace(changed, saves=known.saves + int(counted)), known=True,
                     first=Save(known.saved_by, known.saved_at), counted=counted)

    async def pending_pages(self, request: PendingPages) -> tuple[PageToFetch, ...]:
        """The links of any workspace whose page waits to be fetched, oldest first."""
        async with self._uow(read_only=True) as uow:
            return tuple(PageToFetch(*found) for found in await uow.library.pending_pages(request.limit))

    async def record_page(self, request: RecordPage) -> bool:
        """Keep what the page of an item says (its title unless a member gave one, its description, its text's
        words for search), or that it could not be read (`meta` None). False when the item is gone."""
        page = request.page
        async with self._uow() as uow:
            item = await uow.library.get_item(page.workspace_id, page.item_id)
            if item is None or item.url != page.url:
                return False
            community = await uow.communities.get(page.workspace_id, item.community_id)
            if community is None:
                return False
            language = community_language(community)
            meta = request.meta
            if meta is None:
                await uow.library.record_page(item, "", "", fetched=False, at=self._clock.now())
            else:
                item = replace(item, title=item.title or one_line(meta.title)[:TITLE.most],
                               description=one_line(meta.description)[:MAX_DESCRIPTION])
                page_words = " ".join(search_words(meta.text[:MAX_PAGE_TEXT], language))
                await uow.library.record_page(item, _words(item, language), page_words, fetched=True,
                                              at=self._clock.now())
            await uow.commit()
        return True

    async def items(self, request: ListItems) -> ItemPage:
        scope = request.scope
        community = in_community(scope)
        page = max(1, request.page)
        async with self._uow(read_only=True) as uow:
            found, total = await uow.library.list_items(scope.workspace.id, community.id, Listing(
                tag=request.tag, saver=request.saver, offset=(page - 1) * PAGE, limit=PAGE))
        pages = max(1, -(-total // PAGE))
        if page > pages and total:
            raise UserError(_("The list has {n} pages.", n=pages), hint=_("Ask for --page {n} or fewer.", n=pages))
        return ItemPage(tuple(found), page, pages, total)

    async def search(self, request: SearchItems) -> ItemPage:
        """The items the query finds, best match first (newest first for tags or a member alone); a query of
        nothing finds nothing. Never refuses a query: any text is one (`commands/library/query.py`)."""
        scope = request.scope
        community = in_community(scope)
        language = community_language(community)
        query = request.query
        phrases = tuple(stems for term in query.terms if (stems := tuple(search_words(term, language))))
        excluded = tuple(stems for term in query.excluded if (stems := tuple(search_words(term, language))))
        if not (phrases or query.tags or query.saver):
            return ItemPage((), 1, 1, 0)
        page = max(1, request.page)
        async with self._uow(read_only=True) as uow:
            found, total = await uow.library.search(scope.workspace.id, community.id, Stems(
                phrases=phrases, excluded=excluded, tags=query.tags, saver=query.saver, offset=(page - 1) * PAGE,
                limit=PAGE))
        return ItemPage(tuple(found), page, max(1, -(-total // PAGE)), total)

    async def home(self, request: LibraryHome) -> HomeItems:
        """The newest items of the workspace's communities, and the member's own newest saves (`HOME` of each)."""
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            channels = {community.id: community.channel for community in await uow.communities.list(scope.workspace.id)}
            recent = await uow.library.recent_in_workspace(scope.workspace.id, limit=HOME)
            mine = await uow.library.recent_in_workspace(scope.workspace.id, saver=scope.member.ref, limit=HOME)
        return HomeItems(tuple((item, channels[item.community_id]) for item in recent if item.community_id in channels),
                         tuple((item, channels[item.community_id]) for item in mine if item.community_id in channels))

    async def export(self, request: ExportLibrary) -> tuple[Item, ...]:
        """Every item of the community's library, newest first (at most `MAX_EXPORT`)."""
        scope = request.scope
        community = in_community(scope)
        async with self._uow(read_only=True) as uow:
            found, _total = await uow.library.list_items(scope.workspace.id, community.id,
                                                          Listing(offset=0, limit=MAX_EXPORT))
        return tuple(found)

    async def show(self, request: ShowItem) -> ItemView:
        async with self._uow(read_only=True) as uow:
            item = await self._find(uow, request.scope, request.item_id)
            saves = await uow.library.saves(item)
        return ItemView(item, tuple(saves))

    async def edit(self, request: EditItem) -> Item:
        scope = request.scope
        if request.title is None and request.note is None and request.tags is None:
            raise UserError(_("Say what to change: --title, --note or --tags."),
                            hint=_("For example: /library edit {id} --tags #testing #dbt", id=request.item_id))
        async with self._uow() as uow:
            item = await self._find(uow, scope, request.item_id)
            _may_change(scope, item, _("Only the member who saved item {id} or a facilitator can change it.",
                                       id=item.id))
            changed = replace(
                item,
                title=item.title if request.title is None else _checked(request.title, TITLE, empty=True),
                note=item.note if request.note is None else _checked(request.note, NOTE, empty=True),
                tags=item.tags if request.tags is None else checked_tags(request.tags),
            )
            await uow.library.update_item(changed, _words(changed, community_language(in_community(scope))))
            await uow.commit()
        return changed

    async def remove(self, request: RemoveItem) -> Item:
        scope = request.scope
        async with self._uow() as uow:
            item = await self._find(uow, scope, request.item_id)
            _may_change(scope, item, _("Only the member who saved item {id} or a facilitator can remove it.",
                                       id=item.id))
            await uow.library.remove_item(item)
            await uow.commit()
        return item

    async def tags(self, request: ListTags) -> list[tuple[str, int]]:
        scope = request.scope
        community = in_community(scope)
        async with self._uow(read_only=True) as uow:
            return await uow.library.tags(scope.workspace.id, community.id)

    async def _find(self, uow: UnitOfWork, scope: Scope, item_id: int) -> Item:
        community = in_community(scope)
        item = await uow.library.get_item(scope.workspace.id, item_id)
        if item is None or item.community_id != community.id:
            raise NotFound(_("There is no item {id} in this community's library.", id=item_id),
                           hint=_("Find one with /library list."))
        return item


def checked_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags as kept: lower case, each once, in the order given, at most `MAX_TAGS`. Raises `UserError`."""
    kept: list[str] = []
    for tag in tags:
        word = tag.strip().lstrip("#").lower()
        if not _TAG.fullmatch(word) or len(word) > MAX_TAG:
            raise UserError(_("{tag} is not a tag: a tag is one word of letters, digits, - and _, such as #python.",
                              tag=tag[:60]))
        if word not in kept:
            kept.append(word)
    if len(kept) > MAX_TAGS:
        raise UserError(_("An item takes at most {max} tags; these are {n}.", max=MAX_TAGS, n=len(kept)))
    return tuple(kept)


def _may_change(scope: Scope, item: Item, refusal: Msg) -> None:
    if item.saved_by != scope.member.ref and not scope.may_facilitate:
        raise PermissionDenied(refusal)


def _checked(text: str, limit: TextLimit, *, empty: bool = False) -> str:
    cleaned = several_lines(text) if limit.multiline else one_line(text)
    if not cleaned and not empty:
        raise UserError({IDEA: _("An idea cannot be empty."), TITLE: _("A title cannot be empty.")}.get(
            limit, _("A note cannot be empty.")))
    if len(cleaned) > limit.most:
        raise UserError({TITLE: _("A title has at most {max} characters; this one has {n}.", max=limit.most,
                                  n=len(cleaned)),
                         NOTE: _("A note has at most {max} characters; this one has {n}.", max=limit.most,
                                 n=len(cleaned)),
                         IDEA: _("An idea has at most {max} characters; this one has {n}.", max=limit.most,
                                 n=len(cleaned))}[limit])
    return cleaned


def _words(item: Item, language: str) -> str:
    """What `item` is found by: the stems of its title, idea, note, tags, address and its page's description, in
    `language` (its page's text is searched beside these: `record_page`)."""
    said = " ".join((item.title, item.text, item.note, " ".join(item.tags), item.url, item.description))
    return " ".join(search_words(said, language))
