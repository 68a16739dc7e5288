"""`LibraryService`: a community's library of links and ideas, saved once, tagged, listed and kept up."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.errors import NotFound, PermissionDenied, UserError
from bot.i18n import Msg, _
from bot.library.model import IDEA, MAX_DESCRIPTION, MAX_PAGE_TEXT, MAX_TAGS, NOTE, TITLE, Item, ItemKind, Save
from bot.library.ports import LibraryPageToken, Listing, Stems
from bot.library.requests import (
    BrowseLibrary,
    EditItem,
    ExportLibrary,
    GetLibraryPage,
    HomeItems,
    Imported,
    ImportedItem,
    ImportItems,
    ItemPage,
    ItemView,
    LibraryHome,
    LibraryPageAddress,
    LibraryPageView,
    ListItems,
    ListTags,
    PageFeedView,
    PageItemView,
    PageToFetch,
    PendingPages,
    ReadPageFeed,
    ReadPageItem,
    RecordPage,
    RemoveItem,
    Saved,
    SaveIdea,
    SaveLink,
    SearchAgain,
    SearchItems,
    ShowItem,
)
from bot.library.search import SearchQuery
from bot.library.urls import checked_url, url_key
from bot.library.words import search_words
from bot.permissions import refusal
from bot.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.preferences import community_language
from bot.refs import MemberRef
from bot.tenancy import LIBRARY_FETCH, Community, Scope, Workspace, in_community
from bot.text_limits import TextLimit, one_line, several_lines

__all__ = ["PAGE", "LibraryService", "checked_tags", "checked_text"]

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
        return await self._save(request.scope, ItemKind.LINK, _key(ItemKind.LINK, url, ""), url=url,
                                title=checked_text(request.title, TITLE, empty=True), text="",
                                note=checked_text(request.note, NOTE, empty=True), tags=request.tags,
                                source=request.source)

    async def save_idea(self, request: SaveIdea) -> Saved:
        text = checked_text(request.text, IDEA)
        return await self._save(request.scope, ItemKind.IDEA, _key(ItemKind.IDEA, "", text), url="", title="",
                                text=text, note=checked_text(request.note, NOTE, empty=True), tags=request.tags,
                                source=request.source)

    async def _save(self, scope: Scope, kind: ItemKind, key: str, *, url: str, title: str, text: str, note: str,
                    tags: tuple[str, ...], source: str) -> Saved:
        community = in_community(scope)
        now = self._clock.now()
        wanted = checked_tags(tags)
        digest = _digest(key)
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
        stems = search_stems(request.query, community_language(community), request.page)
        if stems is None:
            return ItemPage((), 1, 1, 0)
        async with self._uow(read_only=not request.typed) as uow:
            found = await self._search(uow, scope, stems)
            if request.typed and found.pages > 1:
                kept = await uow.library.keep_search(scope.workspace.id, community.id, request.typed,
                                                     self._clock.now())
                await uow.commit()
                found = replace(found, kept=kept, typed=request.typed)
        return found

    async def search_again(self, request: SearchAgain) -> ItemPage:
        """Another page of a kept search (the buttons of a search's pages); `NotFound` once it was forgotten."""
        scope = request.scope
        community = in_community(scope)
        async with self._uow(read_only=True) as uow:
            typed = await uow.library.kept_search(scope.workspace.id, community.id, request.kept)
            if typed is None:
                raise NotFound(_("That search is no longer kept."), hint=_("Search again with /library search."))
            query = request.reader(typed, scope.workspace.ref)
            stems = search_stems(query, community_language(community), request.page)
            if stems is None:
                return ItemPage((), 1, 1, 0, kept=request.kept, typed=typed)
            found = await self._search(uow, scope, stems)
        return replace(found, kept=request.kept, typed=typed)

    async def _search(self, uow: UnitOfWork, scope: Scope, stems: Stems) -> ItemPage:
        found, total = await uow.library.search(scope.workspace.id, in_community(scope).id, stems)
        return ItemPage(tuple(found), stems.offset // PAGE + 1, max(1, -(-total // PAGE)), total)

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
                title=item.title if request.title is None else checked_text(request.title, TITLE, empty=True),
                note=item.note if request.note is None else checked_text(request.note, NOTE, empty=True),
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

    # --- the library page ---

    async def page_address(self, request: GetLibraryPage) -> LibraryPageAddress:
        """The live secret address of the community's library page, made when there is none; `revoke` first stops
        the old ones working (facilitators only: `PermissionDenied` for anyone else, and nothing changes)."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow() as uow:
            if request.revoke:
                if not scope.may_facilitate:
                    raise await refusal(uow, scope.workspace.id, "/library page --revoke")
                await uow.library.revoke_page_tokens(scope.workspace.id, community.id, now)
            live = await uow.library.live_page_tokens(scope.workspace.id, community.id)
            if live:
                token = live[0].token
            else:
                token = secrets.token_urlsafe(32)
                await uow.library.add_page_token(LibraryPageToken(token, scope.workspace.id, community.id), now)
            await uow.commit()
        return LibraryPageAddress(token, community, revoked=request.revoke)

    async def browse(self, request: BrowseLibrary) -> LibraryPageView | None:
        """One page of the library page with this secret token, or None when there is no such page (unknown,
        revoked, or its workspace removed Hearth). The token is the credential: no scope. A query is read as
        `search` reads it (a query of nothing finds nothing); a page past the last shows no items."""
        page = max(1, request.page)
        offset = (page - 1) * PAGE
        async with self._uow(read_only=True) as uow:
            found = await self._page_community(uow, request.token)
            if found is None:
                return None
            workspace, community = found
            query = request.query(workspace.ref) if request.query is not None else None
            if query is not None:
                stems = search_stems(query, community_language(community), page)
                items, total = ([], 0) if stems is None else await uow.library.search(
                    workspace.id, community.id, replace(stems, most_saved=request.most_saved))
            else:
                items, total = await uow.library.list_items(workspace.id, community.id, Listing(
                    tag=request.tag, offset=offset, limit=PAGE, most_saved=request.most_saved))
            top: list[Item] = []
            if query is None and request.tag is None and not request.most_saved and page == 1 and request.top:
                top, _total = await uow.library.list_items(workspace.id, community.id,
                                                            Listing(limit=request.top, most_saved=True))
            tags = await uow.library.tags(workspace.id, community.id)
            names = await self._display_names(uow, workspace.id, [item.saved_by for item in (*items, *top)])
        return LibraryPageView(community, ItemPage(tuple(items), page, max(1, -(-total // PAGE)), total),
                               tuple(tags), tuple(top), names, query)

    async def page_item(self, request: ReadPageItem) -> PageItemView | None:
        """One item of the library page with this secret token, with who saved it; None when there is no such page
        or the item is not in its community."""
        async with self._uow(read_only=True) as uow:
            found = await self._page_community(uow, request.token)
            if found is None:
                return None
            workspace, community = found
            item = await uow.library.get_item(workspace.id, request.item_id)
            if item is None or item.community_id != community.id:
                return None
            saves = tuple(await uow.library.saves(item))
            names = await self._display_names(uow, workspace.id, [item.saved_by, *(save.member for save in saves)])
        return PageItemView(community, item, saves, names)

    async def page_feed(self, request: ReadPageFeed) -> PageFeedView | None:
        """The newest items of the library page with this secret token, for its feed; None when there is no such
        page."""
        async with self._uow(read_only=True) as uow:
            found = await self._page_community(uow, request.token)
            if found is None:
                return None
            workspace, community = found
            items, _total = await uow.library.list_items(workspace.id, community.id,
                                                          Listing(limit=max(1, request.limit)))
            names = await self._display_names(uow, workspace.id, [item.saved_by for item in items])
        return PageFeedView(community, tuple(items), names)

    async def _page_community(self, uow: UnitOfWork, token: str) -> tuple[Workspace, Community] | None:
        """The workspace and community of the live library page with `token`; None for any other token."""
        address = await uow.library.page_token(token)
        if address is None or address.revoked:
            return None
        workspace = await uow.workspaces.get_by_id(address.workspace_id)
        if workspace is None or workspace.removed_at is not None:
            return None
        community = await uow.communities.get(address.workspace_id, address.community_id)
        return None if community is None else (workspace, community)

    @staticmethod
    async def _display_names(uow: UnitOfWork, workspace_id: int,
                             members: Sequence[MemberRef]) -> dict[MemberRef, str]:
        """The display names Hearth knows of `members` (one it never saw has none)."""
        known = await uow.members.get_many(workspace_id, list(dict.fromkeys(members)))
        return {ref: member.display_name for ref, member in known.items()}

    async def import_items(self, request: ImportItems) -> Imported:
        """Add a file's items (`bot.library.imports`) to the community's library in one unit of work, all or
        nothing; facilitators only. Each is saved by the scope's member at the time the file gives (now when it
        gives none). An item the library holds already gets the new tags, a title when it had none and the
        member's save, as a save of it would; one the file holds twice is kept once, with the tags of both (its
        first title and note, its earliest time). Raises `PermissionDenied`, or a `UserError` naming the item's
        line; nothing is stored then."""
        scope = request.scope
        community = in_community(scope)
        language = community_language(community)
        now = self._clock.now()
        wanted: dict[str, tuple[Item, int]] = {}  # by key, in the file's order, with the line it is first on
        duplicates = 0
        for imported in request.items:
            item = _imported(scope, community, imported, now)
            key = _digest(_key(item.kind, item.url, item.text))
            if key not in wanted:
                wanted[key] = (item, imported.line)
                continue
            duplicates += 1
            first, line = wanted[key]
            tags = first.tags + tuple(tag for tag in item.tags if tag not in first.tags)
            if len(tags) > MAX_TAGS:
                raise UserError(_("Line {line} holds the bookmark of line {first} again; with the tags of both it "
                                  "would have more than {max}.", line=imported.line, first=line, max=MAX_TAGS))
            wanted[key] = (replace(first, tags=tags, title=first.title or item.title, note=first.note or item.note,
                                   saved_at=min(first.saved_at, item.saved_at)), line)
        fetch = LIBRARY_FETCH.of(community) == "on"
        added = known = links = 0
        async with self._uow() as uow:
            if not scope.may_facilitate:
                raise await refusal(uow, scope.workspace.id, None)
            for key, (item, line) in wanted.items():
                held = None
                while held is None:  # again only if the item the insert met was removed before it could be read
                    if await uow.library.add_item(item, key, _words(item, language), fetch=fetch) is not None:
                        break
                    held = await uow.library.item_by_key(scope.workspace.id, community.id, key)
                if held is None:
                    added, links = added + 1, links + (item.kind is ItemKind.LINK)
                    continue
                known += 1
                tags = held.tags + tuple(tag for tag in item.tags if tag not in held.tags)
                if len(tags) > MAX_TAGS:
                    raise UserError(_("Line {line} holds item {id} of the library, which has {n} tags already; with "
                                      "those of the file it would have more than {max}.", line=line, id=held.id,
                                      n=len(held.tags), max=MAX_TAGS),
                                    hint=_("Take some tags off line {line}, or change the item's tags with "
                                           "/library edit {id} --tags.", line=line, id=held.id))
                changed = replace(held, tags=tags, title=held.title or item.title)
                if changed != held:
                    await uow.library.update_item(changed, _words(changed, language))
                await uow.library.add_save(held, Save(scope.member.ref, max(item.saved_at, held.saved_at)))
            await uow.commit()
        if fetch and links:
            self._pages_waiting()
        return Imported(added=added, known=known, duplicates=duplicates)

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


def search_stems(query: SearchQuery, language: str, page: int) -> Stems | None:
    """The search as storage runs it, one page of it; None for a query of nothing."""
    phrases = tuple(stems for term in query.terms if (stems := tuple(search_words(term, language))))
    excluded = tuple(stems for term in query.excluded if (stems := tuple(search_words(term, language))))
    if not (phrases or query.tags or query.saver):
        return None
    return Stems(phrases=phrases, excluded=excluded, tags=query.tags, saver=query.saver,
                 offset=(max(1, page) - 1) * PAGE, limit=PAGE)


def _may_change(scope: Scope, item: Item, refusal: Msg) -> None:
    if item.saved_by != scope.member.ref and not scope.may_facilitate:
        raise PermissionDenied(refusal)


def checked_text(text: str, limit: TextLimit, *, empty: bool = False) -> str:
    """`text` as the library keeps it (one line, or several for a multi-line limit); a `UserError` when it is
    longer than `limit`, or empty unless `empty` may be."""
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


def _key(kind: ItemKind, url: str, text: str) -> str:
    """What two saves of the same item share: a link's normalised address, an idea's words whatever their case and
    spacing."""
    return "link " + url_key(url) if kind is ItemKind.LINK else "idea " + " ".join(text.casefold().split())


def _digest(key: str) -> str:
    """The key as the database holds it (unique in a community)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _imported(scope: Scope, community: Community, imported: ImportedItem, now: datetime) -> Item:
    """An imported item checked as a save checks it; a `UserError` naming its line otherwise."""
    try:
        link = imported.kind is ItemKind.LINK
        return Item(id=0, workspace_id=scope.workspace.id, community_id=community.id, kind=imported.kind,
                    url=checked_url(imported.url) if link else "",
                    title=checked_text(imported.title, TITLE, empty=True),
                    text="" if link else checked_text(imported.text, IDEA),
                    note=checked_text(imported.note, NOTE, empty=True), tags=checked_tags(imported.tags),
                    saved_by=scope.member.ref, saved_at=imported.saved_at or now)
    except UserError as error:
        raise UserError(_("Line {line}: {problem}", line=imported.line, problem=error.message),
                        hint=error.hint) from None
