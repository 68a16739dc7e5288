"""The library repository over an `AsyncSession`: items, their tags and their saves.

An item is unique in its community by `key_hash` (the database's constraint): `add_item` inserts with
`ON CONFLICT DO NOTHING`, so two members saving the same page at the same moment store it once and the second
finds the first. Tags and saves hang off the item and go with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable, column, delete, func, literal, or_, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.library.model import Item, ItemKind, Save
from bot.library.ports import LibraryPageToken, Listing, Stems
from bot.refs import MemberRef, WorkspaceRef
from storage.repositories import _rows, _workspace_ref
from storage.tables import LibraryItemRow, LibraryKeptSearchRow, LibraryPageRow, LibrarySaveRow, LibraryTagRow

__all__ = ["KEEP_SEARCHES", "SqlLibraryRepository"]

KEEP_SEARCHES = timedelta(days=7)  # how long a search's Next and Previous buttons keep working

_ITEMS = LibraryItemRow.__table__  # type: ignore[attr-defined]
_BATCH = 500  # item ids in one query (an export reads every item)
_TIES = 100  # matches read past a page when ranking on the search index alone, for ties at its end
# What an `Item` is made of: every column but the words it is found by.
_ITEM_FIELDS = tuple(col(getattr(LibraryItemRow, name)) for name in (
    "id", "workspace_id", "community_id", "kind", "url", "title", "text", "note", "saved_by", "saved_at", "source",
    "saves", "description"))


class SqlLibraryRepository:
    """Implements `bot.library.ports.LibraryRepository`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._has_index: bool | None = None

    def _insert(self) -> Any:
        dialect = self._session.sync_session.get_bind().dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def add_item(self, item: Item, key: str, words: str, *, fetch: bool = False) -> Item | None:
        statement = self._insert()(_ITEMS).values(
            workspace_id=item.workspace_id, community_id=item.community_id, kind=item.kind.value, url=item.url,
            key_hash=key, title=item.title, text=item.text, note=item.note, saved_by=item.saved_by.id,
            saved_at=item.saved_at, source=item.source, saves=1, search_text=_padded(words),
            description=item.description, page_words="", fetched_at=None,
            fetch_state=("wait" if fetch else "off") if item.kind is ItemKind.LINK else "",
        ).on_conflict_do_nothing(index_elements=["community_id", "key_hash"]).returning(_ITEMS.c.id)
        rows = await self._run(statement)
        item_id = rows[0][0] if rows else None
        if item_id is None:
            return None
        added = replace(item, id=item_id, saves=1)
        await self._put_tags(added)
        await self._index(item_id, words, new=True)
        self._session.add(LibrarySaveRow(item_id=item_id, member_id=item.saved_by.id, saved_at=item.saved_at))
        await self._session.flush()
        return added

    async def item_by_key(self, workspace_id: int, community_id: int, key: str) -> Item | None:
        statement = select(LibraryItemRow).where(
            LibraryItemRow.workspace_id == workspace_id, LibraryItemRow.community_id == community_id,
            LibraryItemRow.key_hash == key).with_for_update()
        row = (await self._session.exec(statement.execution_options(populate_existing=True))).first()
        return None if row is None else (await self._items([row]))[0]

    async def get_item(self, workspace_id: int, item_id: int) -> Item | None:
        if not 0 < item_id < 2**62:
            return None
        row = await self._session.get(LibraryItemRow, item_id)
        if row is None or row.workspace_id != workspace_id:
            return None
        return (await self._items([row]))[0]

    async def add_save(self, item: Item, save: Save) -> bool:
        statement = self._insert()(LibrarySaveRow.__table__).values(  # type: ignore[attr-defined]
            item_id=item.id, member_id=save.member.id, saved_at=save.at,
        ).on_conflict_do_nothing(index_elements=["item_id", "member_id"]).returning(
            LibrarySaveRow.__table__.c.item_id)  # type: ignore[attr-defined]
        if not await self._run(statement):  # nothing returned: the member had saved it already
            return False
        await self._run(update(LibraryItemRow).where(col(LibraryItemRow.id) == item.id).values(
            saves=col(LibraryItemRow.saves) + 1))
        return True

    async def saves(self, item: Item) -> Sequence[Save]:
        ref = await self._ref(item.workspace_id)
        statement = select(LibrarySaveRow).where(LibrarySaveRow.item_id == item.id).order_by(
            col(LibrarySaveRow.saved_at), col(LibrarySaveRow.member_id))
        return [Save(MemberRef(ref, row.member_id), row.saved_at) for row in (await self._session.exec(statement))]

    async def update_item(self, item: Item, words: str) -> None:
        rows = await self._run(update(LibraryItemRow).where(
            col(LibraryItemRow.id) == item.id, col(LibraryItemRow.workspace_id) == item.workspace_id,
        ).values(title=item.title, note=item.note, search_text=_padded(words) + col(LibraryItemRow.page_words),
                 ).returning(col(LibraryItemRow.page_words)))
        await self._index(item.id, _joined(words, rows[0][0] if rows else ""))
        await self._run(delete(LibraryTagRow).where(col(LibraryTagRow.item_id) == item.id))
        await self._put_tags(item)

    async def pending_pages(self, limit: int) -> list[tuple[int, int, str]]:
        rows = await self._run(select(col(LibraryItemRow.workspace_id), col(LibraryItemRow.id),
                                      col(LibraryItemRow.url)).where(
            col(LibraryItemRow.fetch_state) == "wait").order_by(col(LibraryItemRow.id)).limit(limit))
        return [(int(workspace_id), int(item_id), str(url)) for workspace_id, item_id, url in rows]

    async def record_page(self, item: Item, words: str, page_words: str, *, fetched: bool, at: datetime) -> None:
        values: dict[str, Any] = {"fetch_state": "done" if fetched else "failed", "fetched_at": at}
        if fetched:
            values |= {"title": item.title, "description": item.description, "page_words": _padded(page_words),
                       "search_text": _padded(words) + _padded(page_words)}
        await self._run(update(LibraryItemRow).where(
            col(LibraryItemRow.id) == item.id, col(LibraryItemRow.workspace_id) == item.workspace_id,
        ).values(**values))
        if fetched:
            await self._index(item.id, _joined(words, page_words))

    async def keep_search(self, workspace_id: int, community_id: int, typed: str, at: datetime) -> int:
        await self._run(delete(LibraryKeptSearchRow).where(col(LibraryKeptSearchRow.kept_at) < at - KEEP_SEARCHES))
        rows = await self._run(self._insert()(LibraryKeptSearchRow.__table__).values(  # type: ignore[attr-defined]
            workspace_id=workspace_id, community_id=community_id, typed=typed[:1000], kept_at=at,
        ).returning(LibraryKeptSearchRow.__table__.c.id))  # type: ignore[attr-defined]
        return int(rows[0][0])

    async def kept_search(self, workspace_id: int, community_id: int, search_id: int) -> str | None:
        if not 0 < search_id < 2**62:
            return None
        row = await self._session.get(LibraryKeptSearchRow, search_id)
        if row is None or (row.workspace_id, row.community_id) != (workspace_id, community_id):
            return None
        return row.typed

    async def remove_item(self, item: Item) -> None:
        if await self._indexed():
            await self._run(text("DELETE FROM library_search WHERE rowid = :id").bindparams(id=item.id))
        await self._run(delete(LibraryItemRow).where(
            col(LibraryItemRow.id) == item.id, col(LibraryItemRow.workspace_id) == item.workspace_id))

    async def list_items(self, workspace_id: int, community_id: int, listing: Listing) -> tuple[list[Item], int]:
        return await self.search(workspace_id, community_id, Stems(  # a search without words: newest first
            tags=(listing.tag,) if listing.tag is not None else (), saver=listing.saver, offset=listing.offset,
            limit=listing.limit, most_saved=listing.most_saved))

    async def recent_in_workspace(self, workspace_id: int, *, saver: MemberRef | None = None,
                                  limit: int) -> list[Item]:
        statement = select(LibraryItemRow).where(LibraryItemRow.workspace_id == workspace_id)
        if saver is not None:
            statement = statement.where(LibraryItemRow.saved_by == saver.id)
        rows = (await self._session.exec(statement.order_by(
            col(LibraryItemRow.saved_at).desc(), col(LibraryItemRow.id).desc()).limit(limit))).all()
        return await self._items(rows)

    async def search(self, workspace_id: int, community_id: int, stems: Stems) -> tuple[list[Item], int]:
        # A community alone in its database (the usual SQLite one) is searched on the index without its items.
        if (stems.phrases and not (stems.saver or stems.most_saved)
                and await self._indexed() and await self._alone(workspace_id, community_id)):
            searched = await self._search_index(_match(stems.phrases, stems.excluded), stems.tags, stems.offset,
                                                stems.limit)
            if searched is not None:
                return searched
        in_community: list[Any] = [col(LibraryItemRow.workspace_id) == workspace_id,
                                   col(LibraryItemRow.community_id) == community_id]
        where: list[Any] = []
        if stems.saver is not None:
            where.append(col(LibraryItemRow.saved_by) == stems.saver.id)
        for tag in stems.tags:
            where.append(col(LibraryItemRow.id).in_(select(LibraryTagRow.item_id).where(
                LibraryTagRow.community_id == community_id, LibraryTagRow.tag == tag)))
        for phrase in stems.excluded:
            where.append(col(LibraryItemRow.search_text).not_like(_pattern(phrase)))
        order: list[Any] = [col(LibraryItemRow.saved_at).desc(), col(LibraryItemRow.id).desc()]
        # Only the ids are ranked and counted: the page's items are read after, so that the words an item is found
        # by (a page's text, often kilobytes) are never read or sorted for the items that do not make the page.
        statement = select(col(LibraryItemRow.id))
        if stems.phrases and self._dialect() == "postgresql":
            query = func.websearch_to_tsquery("simple", " ".join(f'"{" ".join(phrase)}"' for phrase in stems.phrases))
            vector = func.to_tsvector("simple", col(LibraryItemRow.search_text))
            where.append(vector.op("@@")(query))
            order = [func.ts_rank_cd(vector, query).desc(), *order]
        elif stems.phrases and await self._indexed():
            found = text("SELECT rowid AS item_id, bm25(library_search) AS rank FROM library_search "
                         "WHERE library_search MATCH :match").bindparams(match=_match(stems.phrases)).columns(
                column("item_id"), column("rank")).subquery("found")
            statement = statement.join(found, found.c.item_id == col(LibraryItemRow.id))
            order = [found.c.rank, *order]
            # Most items are in the community searched: `likely` says so to SQLite's planner (which has no
            # statistics), so that it walks the index's matches and looks each one up, instead of walking the
            # community's items and running the match once for each of them.
            in_community = [func.likely(term) for term in in_community]
        elif stems.phrases:  # SQLite without FTS5: each phrase as words in a row
            where.extend(col(LibraryItemRow.search_text).like(_pattern(phrase)) for phrase in stems.phrases)
        if stems.most_saved:
            order = [col(LibraryItemRow.saves).desc(), *order]
        statement = statement.where(*in_community, *where)
        total = (await self._session.exec(select(func.count()).select_from(statement.subquery()))).one()
        found_ids = await self._session.exec(statement.order_by(*order).offset(stems.offset).limit(stems.limit))
        return await self._items_by_id([item_id for item_id in found_ids if item_id is not None]), int(total)

    async def _alone(self, workspace_id: int, community_id: int) -> bool:
        """Whether every item of the database is in this community (each test a seek in an index)."""
        items = select(literal(1)).select_from(LibraryItemRow)
        workspace, community = col(LibraryItemRow.workspace_id), col(LibraryItemRow.community_id)
        others = await self._run(select(or_(
            items.where(workspace < workspace_id).exists(), items.where(workspace > workspace_id).exists(),
            items.where(workspace == workspace_id, community < community_id).exists(),
            items.where(workspace == workspace_id, community > community_id).exists())))
        return not others[0][0]

    async def _search_index(self, match: str, tags: tuple[str, ...], offset: int,
                            limit: int) -> tuple[list[Item], int] | None:
        """A search of words (and tags) when the community holds every item: counted and ranked on the FTS5 table
        (it holds a row for each item, written and removed with it) and the tags' key, never walking the items.
        Only the best `offset + limit` matches and those ranking as the last of them are read from the items, for
        the newest first among equal ranks. None when the index holds a match that is no item (then the whole
        search decides)."""
        matching = "FROM library_search WHERE library_search MATCH :match" + "".join(
            f" AND EXISTS (SELECT 1 FROM library_tag WHERE library_tag.item_id = library_search.rowid AND "
            f"library_tag.tag = :tag{number})" for number in range(len(tags)))
        given: dict[str, Any] = {"match": match, **{f"tag{number}": tag for number, tag in enumerate(tags)}}
        wanted = offset + limit
        best = list(await self._run(text(
            f"SELECT rowid, bm25(library_search), (SELECT count(*) {matching}) {matching} "
            "ORDER BY bm25(library_search) LIMIT :n").bindparams(n=wanted + _TIES, **given)))
        total = int(best[0][2]) if best else 0
        if len(best) > wanted > 0:
            last = best[wanted - 1][1]
            if best[-1][1] == last:  # ties to the end of what was read: read every match ranking so
                best = list(await self._run(text(
                    f"SELECT rowid, bm25(library_search) {matching} AND bm25(library_search) <= :last").bindparams(
                    last=last, **given)))
            else:
                best = best[:wanted] + [hit for hit in best[wanted:] if hit[1] == last]
        rank = {int(hit[0]): hit[1] for hit in best}
        ids = list(rank)
        rows: list[Any] = []
        for start in range(0, len(ids), _BATCH):
            rows.extend(await self._session.exec(select(*_ITEM_FIELDS).where(
                col(LibraryItemRow.id).in_(ids[start:start + _BATCH]))))
        if len(rows) != len(ids):
            return None
        # The order of `search`: best rank first, then the newest, then the highest id (each sort keeps the last's).
        rows.sort(key=lambda row: row.id, reverse=True)
        rows.sort(key=lambda row: row.saved_at, reverse=True)
        rows.sort(key=lambda row: rank[row.id])
        return await self._items(rows[offset:wanted]), total

    async def tags(self, workspace_id: int, community_id: int) -> list[tuple[str, int]]:
        uses = func.count().label("uses")
        statement = select(LibraryTagRow.tag, uses).join(
            LibraryItemRow, col(LibraryItemRow.id) == col(LibraryTagRow.item_id)).where(
            LibraryItemRow.workspace_id == workspace_id, LibraryTagRow.community_id == community_id).group_by(
            col(LibraryTagRow.tag)).order_by(uses.desc(), col(LibraryTagRow.tag))
        return [(tag, int(count)) for tag, count in (await self._session.exec(statement)).all()]

    # --- the library page's addresses ----------------------------------------------------------------------

    async def add_page_token(self, token: LibraryPageToken, at: datetime) -> None:
        self._session.add(LibraryPageRow(token=token.token, workspace_id=token.workspace_id,
                                         community_id=token.community_id, created_at=at))
        await self._session.flush()

    async def page_token(self, token: str) -> LibraryPageToken | None:
        row = await self._session.get(LibraryPageRow, token)
        return None if row is None else _page_token(row)

    async def live_page_tokens(self, workspace_id: int, community_id: int) -> list[LibraryPageToken]:
        statement = select(LibraryPageRow).where(*_live_pages(workspace_id, community_id)).order_by(
            col(LibraryPageRow.created_at), col(LibraryPageRow.token))
        return [_page_token(row) for row in (await self._session.exec(statement)).all()]

    async def revoke_page_tokens(self, workspace_id: int, community_id: int, at: datetime) -> int:
        result = await self._session.exec(update(LibraryPageRow).where(
            *_live_pages(workspace_id, community_id)).values(revoked_at=at))
        return int(result.rowcount)

    # --- helpers ----------------------------------------------------------------------------------------------

    async def _run(self, statement: Executable,
                   parameters: dict[str, Any] | list[dict[str, Any]] | None = None) -> Sequence[Any]:
        return await _rows(self._session, statement, parameters)

    def _dialect(self) -> str:
        return self._session.sync_session.get_bind().dialect.name

    async def _indexed(self) -> bool:
        """Whether this SQLite database has the FTS5 search table (PostgreSQL indexes the column itself)."""
        if self._dialect() != "sqlite":
            return False
        if self._has_index is None:
            rows = await self._run(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'library_search'"))
            self._has_index = bool(rows)
        return self._has_index

    async def _index(self, item_id: int, words: str, *, new: bool = False) -> None:
        if not await self._indexed():
            return
        if not new:
            await self._run(text("DELETE FROM library_search WHERE rowid = :id").bindparams(id=item_id))
        await self._run(text("INSERT INTO library_search (rowid, words) VALUES (:id, :words)").bindparams(
            id=item_id, words=words))

    async def _put_tags(self, item: Item) -> None:
        for position, tag in enumerate(item.tags):
            self._session.add(LibraryTagRow(item_id=item.id, tag=tag, community_id=item.community_id,
                                            position=position))
        await self._session.flush()

    async def _ref(self, workspace_id: int) -> WorkspaceRef:
        ref = await _workspace_ref(self._session, workspace_id)
        if ref is None:
            raise LookupError(f"no workspace {workspace_id}")
        return ref

    async def _items_by_id(self, ids: list[int]) -> list[Item]:
        """The items with `ids`, in that order (one removed meanwhile left out), `_BATCH` at a time."""
        rows: dict[int, Any] = {}
        for start in range(0, len(ids), _BATCH):
            statement = select(*_ITEM_FIELDS).where(col(LibraryItemRow.id).in_(ids[start:start + _BATCH]))
            rows.update((row.id, row) for row in await self._session.exec(statement))
        return await self._items([rows[item_id] for item_id in ids if item_id in rows])

    async def _items(self, rows: Sequence[Any]) -> list[Item]:
        """The items of `rows` (library items, or rows of `_ITEM_FIELDS`), in their order: their tags in one query
        per `_BATCH` rows, each workspace's reference looked up once."""
        refs: dict[int, WorkspaceRef] = {}
        for workspace_id in dict.fromkeys(row.workspace_id for row in rows):
            refs[workspace_id] = await self._ref(workspace_id)
        ids = [row.id for row in rows if row.id is not None]
        tags: dict[int, list[str]] = {item_id: [] for item_id in ids}
        for start in range(0, len(ids), _BATCH):
            statement = select(LibraryTagRow.item_id, LibraryTagRow.tag).where(
                col(LibraryTagRow.item_id).in_(ids[start:start + _BATCH])).order_by(
                col(LibraryTagRow.item_id), col(LibraryTagRow.position))
            for item_id, tag in await self._session.exec(statement):
                tags[item_id].append(tag)
        return [_item(row, refs[row.workspace_id], tuple(tags[row.id])) for row in rows if row.id is not None]


def _item(row: Any, ref: WorkspaceRef, tags: tuple[str, ...]) -> Item:
    assert row.id is not None
    return Item(id=row.id, workspace_id=row.workspace_id, community_id=row.community_id, kind=ItemKind(row.kind),
                url=row.url, title=row.title, text=row.text, note=row.note, tags=tags,
                saved_by=MemberRef(ref, row.saved_by), saved_at=row.saved_at, source=row.source, saves=row.saves,
                description=row.description)


def _padded(words: str) -> str:
    """The stored words, a space before and after each, so that a phrase matches whole words only."""
    return f" {words} " if words else ""


def _joined(words: str, page_words: str) -> str:
    """What the FTS5 table holds of an item: its own words, then its page's."""
    return " ".join(part.strip() for part in (words, page_words) if part.strip())


def _page_token(row: LibraryPageRow) -> LibraryPageToken:
    return LibraryPageToken(row.token, row.workspace_id, row.community_id, revoked=row.revoked_at is not None)


def _live_pages(workspace_id: int, community_id: int) -> list[Any]:
    return [col(LibraryPageRow.workspace_id) == workspace_id, col(LibraryPageRow.community_id) == community_id,
            col(LibraryPageRow.revoked_at).is_(None)]


def _match(phrases: tuple[tuple[str, ...], ...], excluded: tuple[tuple[str, ...], ...] = ()) -> str:
    """An FTS5 query for items holding every phrase and none of the `excluded`. Each phrase in double quotes: stems
    are letters and digits, so no FTS5 operator can slip in."""
    wanted = " AND ".join(f'"{" ".join(phrase)}"' for phrase in phrases)
    return f"({wanted})" + "".join(f' NOT "{" ".join(phrase)}"' for phrase in excluded) if excluded else wanted


def _pattern(phrase: tuple[str, ...]) -> str:
    """A LIKE pattern for `phrase` as whole words in a row (stems are letters and digits: nothing to escape)."""
    return "% " + " ".join(phrase) + " %"
