"""The library repository over an `AsyncSession`: items, their tags and their saves.

An item is unique in its community by `key_hash` (the database's constraint): `add_item` inserts with
`ON CONFLICT DO NOTHING`, so two members saving the same page at the same moment store it once and the second
finds the first. Tags and saves hang off the item and go with it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Executable, column, delete, func, literal_column, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.library.model import Item, ItemKind, Save
from bot.library.ports import LibraryPageToken, Listing, Stems
from bot.refs import MemberRef, WorkspaceRef
from storage.repositories import _rows, _workspace_ref, _workspace_ref_in
from storage.tables import LibraryItemRow, LibraryKeptSearchRow, LibraryPageRow, LibrarySaveRow, LibraryTagRow

if TYPE_CHECKING:
    import psycopg

__all__ = ["KEEP_SEARCHES", "SqlLibraryRepository", "index_search", "postgres_search"]

KEEP_SEARCHES = timedelta(days=7)  # how long a search's Next and Previous buttons keep working

_ITEMS = LibraryItemRow.__table__  # type: ignore[attr-defined]
_BATCH = 500  # item ids in one query (an export reads every item)
# What an `Item` is made of: every column but the words it is found by.
_ITEM_NAMES = ("id", "workspace_id", "community_id", "kind", "url", "title", "text", "note", "saved_by", "saved_at",
               "source", "saves", "description")
_ITEM_FIELDS = tuple(col(getattr(LibraryItemRow, name)) for name in _ITEM_NAMES)
_ITEM_COLUMNS = ", ".join(_ITEM_NAMES)


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
        # The FTS5 table's row goes with the item (its trigger, storage/migrations/versions/0022_…).
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
        on_index = bool(stems.phrases) and not (stems.saver or stems.most_saved)
        if on_index and self._dialect() == "sqlite":
            searched = await self._session.run_sync(_search_index, workspace_id, community_id, stems)
            if searched is not None:
                return searched
        if on_index and self._dialect() == "postgresql":
            connection = await self._session.connection()
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            rows, tags, total = await postgres_search(raw, workspace_id, community_id, stems)
            ref = await self._ref(workspace_id)
            return _built(rows, tags, ref, _moment(connection.dialect)), total
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
        newest: list[Any] = [col(LibraryItemRow.saved_at).desc(), col(LibraryItemRow.id).desc()]
        item_id = col(LibraryItemRow.id)
        indexed = await self._indexed()
        # Ranked best match first, unless most saved first is asked or there is nothing to rank by (SQLite without
        # FTS5: the newest first).
        relevance = bool(stems.phrases) and not stems.most_saved and (indexed or self._dialect() == "postgresql")
        # Only the ids are ranked and counted: the page's items are read after, so that the words an item is found
        # by (a page's text, often kilobytes) are never read or sorted for the items that do not make the page.

        def matches(above: int = 0, rank: bool = False) -> tuple[Any, Any]:
            """The matching ids (those above `above`), and what ranks them best first when `rank`."""
            statement = select(item_id)
            if stems.phrases and self._dialect() == "postgresql":
                query = func.websearch_to_tsquery("simple", _tsquery(stems.phrases))
                # The stored vector of the words (storage/migrations/versions/0023_…), which the GIN index holds.
                vector: Any = literal_column("library_item.search_vector")
                return (statement.where(*in_community, *where, vector.op("@@")(query), item_id > above),
                        func.ts_rank_cd(vector, query).desc())
            if stems.phrases and indexed:
                found = text("SELECT rowid AS item_id" + (", bm25(library_search) AS rank" if rank else "")
                             + " FROM library_search WHERE library_search MATCH :match AND rowid > :above"
                             ).bindparams(match=_match(stems.phrases), above=above).columns(
                    *(column("item_id"), column("rank"))[:2 if rank else 1]).subquery("found")
                # Most items are in the community searched: `likely` says so to SQLite's planner (which has no
                # statistics), so that it walks the index's matches and looks each one up, instead of walking the
                # community's items and running the match once for each of them.
                return (statement.join(found, found.c.item_id == item_id).where(
                    *(func.likely(term) for term in in_community), *where),
                    found.c.rank if rank else None)
            phrases = [col(LibraryItemRow.search_text).like(_pattern(phrase)) for phrase in stems.phrases]
            # SQLite without FTS5: each phrase as words in a row, ranked by nothing
            return statement.where(*in_community, *where, *phrases, item_id > above), None

        everything, _rank = matches()
        total = int((await self._session.exec(select(func.count()).select_from(everything.subquery()))).one())
        if not relevance:  # newest first, or the most saved first (then the best match, then the newest)
            statement, rank = matches(rank=stems.most_saved)
            order = [col(LibraryItemRow.saves).desc(), *(() if rank is None else (rank,)), *newest] \
                if stems.most_saved else newest
            found_ids = list(await self._session.exec(statement.order_by(*order).offset(stems.offset).limit(
                stems.limit)))
            return await self._items_by_id([found for found in found_ids if found is not None]), total
        floor = 0
        if total > stems.ranked:
            floor = int((await self._session.exec(everything.order_by(item_id.desc()).offset(stems.ranked).limit(
                1))).one())
        best, rest = _slices(stems, total)
        ids: list[int] = []
        if best is not None:
            statement, rank = matches(floor, rank=True)
            order = [rank, item_id.desc()]
            ids.extend(await self._session.exec(statement.order_by(*order).offset(best[0]).limit(best[1])))
        if rest is not None:
            ids.extend(await self._session.exec(everything.where(item_id <= floor).order_by(item_id.desc()).offset(
                rest[0]).limit(rest[1])))
        return await self._items_by_id(ids), total

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
            rows = await self._run(text(_HAS_INDEX))
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
        """The items with `ids`, in that order (one removed meanwhile left out)."""
        return await self._session.run_sync(_items_by_id, ids)

    async def _items(self, rows: Sequence[Any]) -> list[Item]:
        """The items of `rows` (library items, or rows of `_ITEM_FIELDS`), in their order."""
        return await self._session.run_sync(_items, rows)


def _items_by_id(sync: Session, ids: list[int]) -> list[Item]:
    """The items with `ids`, in that order (one removed meanwhile left out), `_BATCH` at a time."""
    rows: dict[int, Any] = {}
    for start in range(0, len(ids), _BATCH):
        statement = select(*_ITEM_FIELDS).where(col(LibraryItemRow.id).in_(ids[start:start + _BATCH]))
        rows.update((row.id, row) for row in sync.connection().execute(statement))
    return _items(sync, [rows[item_id] for item_id in ids if item_id in rows])


def _items(sync: Session, rows: Sequence[Any]) -> list[Item]:
    """The items of `rows`, in their order: their tags in one query per `_BATCH` rows, each workspace's reference
    looked up once."""
    refs: dict[int, WorkspaceRef] = {}
    for workspace_id in dict.fromkeys(row.workspace_id for row in rows):
        ref = _workspace_ref_in(sync, workspace_id)
        if ref is None:
            raise LookupError(f"no workspace {workspace_id}")
        refs[workspace_id] = ref
    ids = [row.id for row in rows if row.id is not None]
    tags: dict[int, list[str]] = {item_id: [] for item_id in ids}
    for start in range(0, len(ids), _BATCH):
        statement = select(LibraryTagRow.item_id, LibraryTagRow.tag).where(
            col(LibraryTagRow.item_id).in_(ids[start:start + _BATCH])).order_by(
            col(LibraryTagRow.item_id), col(LibraryTagRow.position))
        for item_id, tag in sync.connection().execute(statement):
            tags[item_id].append(tag)
    return [_item(row, refs[row.workspace_id], tuple(tags[row.id])) for row in rows if row.id is not None]


def _item(row: Any, ref: WorkspaceRef, tags: tuple[str, ...]) -> Item:
    assert row.id is not None
    return Item(id=row.id, workspace_id=row.workspace_id, community_id=row.community_id, kind=ItemKind(row.kind),
                url=row.url, title=row.title, text=row.text, note=row.note, tags=tags,
                saved_by=MemberRef(ref, row.saved_by), saved_at=row.saved_at, source=row.source, saves=row.saves,
                description=row.description)


def _search_index(sync: Session, workspace_id: int, community_id: int,
                  stems: Stems) -> tuple[list[Item], int] | None:
    """`index_search` in the unit's transaction, on its SQLite connection itself (a search is a few of the
    database's microseconds: what runs around them counts), and the page's items built from its rows."""
    connection = sync.connection()
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    found = index_search(raw, workspace_id, community_id, stems)
    if found is None:
        return None
    rows, tags, total = found
    ref = _workspace_ref_in(sync, workspace_id)
    if ref is None:
        raise LookupError(f"no workspace {workspace_id}")
    return _built(rows, tags, ref, _moment(connection.dialect)), total


def _moment(dialect: Any) -> Callable[[Any], datetime]:
    """How SQLAlchemy reads a stored moment back (`UtcDateTime`: SQLite keeps text, both end up aware in UTC)."""
    moment = _ITEMS.c.saved_at.type.dialect_impl(dialect).result_processor(dialect, None)
    assert moment is not None
    return cast(Callable[[Any], datetime], moment)


def _built(rows: Sequence[tuple[Any, ...]], tags: dict[int, list[str]], ref: WorkspaceRef,
           moment: Callable[[Any], datetime]) -> list[Item]:
    """The items of `rows` (the library's item columns, `_ITEM_NAMES`' order) of the workspace `ref`."""
    return [Item(id=row[0], workspace_id=row[1], community_id=row[2], kind=ItemKind(row[3]), url=row[4],
                 title=row[5], text=row[6], note=row[7], tags=tuple(tags.get(row[0], ())),
                 saved_by=MemberRef(ref, row[8]), saved_at=moment(row[9]), source=row[10], saves=row[11],
                 description=row[12]) for row in rows]


def index_search(connection: sqlite3.Connection, workspace_id: int, community_id: int,
                 stems: Stems) -> tuple[list[tuple[Any, ...]], dict[int, list[str]], int] | None:
    """A page of a search of words (and tags and exclusions) when the community holds every item of the SQLite
    database, as rows of the library's item columns (`_ITEM_FIELDS`' order) with their tags, and how many match:
    counted and ranked on the FTS5 table (a row for each item, written with it and removed with it by a trigger)
    and the tags' key, the items read for the ranked matches' dates and the page only. Plain SQL on `connection`
    (bench/library.py runs it as the search's direct baseline). None where there is no FTS5 table or another
    community has items (then `search` decides on the items)."""
    if connection.execute(_HAS_INDEX).fetchone() is None:
        return None
    matching = "FROM library_search WHERE library_search MATCH :match" + "".join(
        f" AND EXISTS (SELECT 1 FROM library_tag WHERE library_tag.item_id = library_search.rowid AND "
        f"library_tag.tag = :tag{number})" for number in range(len(stems.tags)))
    given: dict[str, Any] = {"match": _match(stems.phrases, stems.excluded),
                             **{f"tag{number}": tag for number, tag in enumerate(stems.tags)}}
    places = {"workspace": workspace_id, "community": community_id}
    matched: list[int] | None = None
    if stems.tags:  # each match's tags are looked up: once, for every match, newest first
        if connection.execute(f"SELECT {_OTHERS}", places).fetchone()[0]:
            return None
        matched = [row[0] for row in connection.execute(f"SELECT rowid {matching} ORDER BY rowid DESC", given)]
        total, floor = len(matched), matched[stems.ranked] if len(matched) > stems.ranked else None
    else:  # counted, and the newest ranked found, on the index alone
        total, floor, others = connection.execute(
            f"SELECT (SELECT count(*) {matching}), (SELECT rowid {matching} ORDER BY rowid DESC LIMIT 1 "
            f"OFFSET :ranked), {_OTHERS}", given | places | {"ranked": stems.ranked}).fetchone()
        if others:
            return None
    best, rest = _slices(stems, total)
    ids: list[int] = []
    if best is not None:
        ids.extend(row[0] for row in connection.execute(
            f"SELECT rowid {matching} AND rowid > :floor ORDER BY bm25(library_search), rowid DESC "
            "LIMIT :limit OFFSET :offset", given | {"floor": floor or 0, "limit": best[1], "offset": best[0]}))
    if rest is not None and matched is not None:
        ids.extend(matched[stems.ranked + rest[0]:stems.ranked + rest[0] + rest[1]])
    elif rest is not None:
        ids.extend(row[0] for row in connection.execute(
            f"SELECT rowid {matching} AND rowid <= :floor ORDER BY rowid DESC LIMIT :limit OFFSET :offset",
            given | {"floor": floor, "limit": rest[1], "offset": rest[0]}))
    rows: dict[int, tuple[Any, ...]] = {}
    tags: dict[int, list[str]] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        marks = ", ".join("?" * len(chunk))
        rows.update((row[0], row) for row in connection.execute(
            f"SELECT {_ITEM_COLUMNS} FROM library_item WHERE id IN ({marks})", chunk))
        for item_id, tag in connection.execute(
                f"SELECT item_id, tag FROM library_tag WHERE item_id IN ({marks}) ORDER BY item_id, position", chunk):
            tags.setdefault(item_id, []).append(tag)
    return [rows[item_id] for item_id in ids if item_id in rows], tags, int(total)


async def postgres_search(connection: psycopg.AsyncConnection[Any], workspace_id: int, community_id: int,
                          stems: Stems) -> tuple[list[tuple[Any, ...]], dict[int, list[str]], int]:
    """A page of a search of words (and tags and exclusions) on PostgreSQL, as `index_search` gives it: the rows
    of the page's items with their tags, and how many match. Two statements, as plain SQL on `connection` (the
    unit's own; bench/library.py runs it as the search's direct baseline): the matches found once on the stored
    search vector's GIN index (the exclusions being the query's NOT), counted, with the ids of the newest `ranked`;
    then the page, those ranked by `ts_rank_cd` with the page's items' columns and tags (a page past them: the
    others, the most recently added first). Only the page's rows are read for their columns."""
    matching = ("FROM library_item WHERE workspace_id = %(workspace)s AND community_id = %(community)s AND "
                "search_vector @@ websearch_to_tsquery('simple', %(query)s)") + "".join(
        f" AND id IN (SELECT item_id FROM library_tag WHERE community_id = %(community)s AND tag = %(tag{number})s)"
        for number in range(len(stems.tags)))
    query = _tsquery(stems.phrases, stems.excluded)
    given: dict[str, Any] = {"workspace": workspace_id, "community": community_id, "query": query,
                             **{f"tag{number}": tag for number, tag in enumerate(stems.tags)}}
    # The matches' ids once: how many, the newest `ranked` of them (those ranked) and the next one (the floor).
    head = await (await connection.execute(
        f"WITH found AS MATERIALIZED (SELECT id {matching}) SELECT (SELECT count(*) FROM found), "
        "ARRAY(SELECT id FROM found ORDER BY id DESC LIMIT %(ranked)s), "
        "(SELECT id FROM found ORDER BY id DESC OFFSET %(ranked)s LIMIT 1)", given | {"ranked": stems.ranked})
    ).fetchone()
    assert head is not None
    total, ranked, floor = int(head[0]), list(head[1]), head[2]
    columns = ", ".join(_ITEM_NAMES) + (", ARRAY(SELECT tag FROM library_tag WHERE library_tag.item_id = "
                                         "library_item.id ORDER BY position)")
    best, rest = _slices(stems, total)
    rows: list[tuple[Any, ...]] = []
    if best is not None:
        rows.extend(await (await connection.execute(
            f"SELECT {columns} FROM library_item WHERE id = ANY(%(ranked)s) ORDER BY ts_rank_cd(search_vector, "
            "websearch_to_tsquery('simple', %(query)s)) DESC, id DESC OFFSET %(offset)s LIMIT %(limit)s",
            {"ranked": ranked, "query": query, "offset": best[0], "limit": best[1]})).fetchall())
    if rest is not None:
        rows.extend(await (await connection.execute(
            f"SELECT {columns} {matching} AND id <= %(floor)s ORDER BY id DESC OFFSET %(offset)s LIMIT %(limit)s",
            given | {"floor": floor, "offset": rest[0], "limit": rest[1]})).fetchall())
    return [row[:-1] for row in rows], {row[0]: list(row[-1]) for row in rows}, total


_HAS_INDEX = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'library_search'"
# Whether the library holds items of another workspace or community than :workspace's :community (each test a
# seek in the index on the two).
_OTHERS = " OR ".join(f"EXISTS (SELECT 1 FROM library_item WHERE {where})" for where in (
    "workspace_id < :workspace", "workspace_id > :workspace", "workspace_id = :workspace AND community_id < :community",
    "workspace_id = :workspace AND community_id > :community"))


def _slices(stems: Stems, total: int) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Where `stems`' page lies in a search of `total` matches: (offset, limit) in the ranked matches, and in the
    others after them (the most recently added first); None where it has none."""
    ranked = min(total, stems.ranked)
    best = (stems.offset, min(stems.limit, ranked - stems.offset)) if stems.offset < ranked else None
    left = stems.limit - (best[1] if best is not None else 0)
    rest = (max(0, stems.offset - ranked), left) if total > stems.ranked and left > 0 else None
    return best, rest


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


def _tsquery(phrases: tuple[tuple[str, ...], ...], excluded: tuple[tuple[str, ...], ...] = ()) -> str:
    """`websearch_to_tsquery`'s text for items holding every phrase and none of the `excluded` (its `-"…"`, a NOT
    on the index). Each phrase in double quotes: stems are letters and digits, so no other operator can slip in."""
    return " ".join([*(f'"{" ".join(phrase)}"' for phrase in phrases),
                     *(f'-"{" ".join(phrase)}"' for phrase in excluded)])


def _pattern(phrase: tuple[str, ...]) -> str:
    """A LIKE pattern for `phrase` as whole words in a row (stems are letters and digits: nothing to escape)."""
    return "% " + " ".join(phrase) + " %"
