"""What the library feature needs from storage. Every method takes the workspace id, like every repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.library.model import Item, PageMeta, Save
from bot.refs import MemberRef


@dataclass(frozen=True, slots=True)
class Listing:
    """Which items of a community to list, newest first: all, or those with `tag`, or saved by `saver`; the
    most saved first (then the newest) with `most_saved`."""

    tag: str | None = None
    saver: MemberRef | None = None
    offset: int = 0
    limit: int = 10
    most_saved: bool = False


# Of a search's matches, at most this many are ranked by relevance: the most recently added. A search that
# matches more (a word in every fifth item of a large library) lists the others after them, most recently added
# first: ranking every match of such a word costs more than a member waits, and tells them little.
RANKED = 1_000


@dataclass(frozen=True, slots=True)
class Stems:
    """A search as storage runs it: items holding every phrase of `phrases` (stems, in that order) and none of
    `excluded`, with every one of `tags`, saved by `saver` when given; best match first (newest first when there
    are no phrases), or the most saved first with `most_saved`.

    Best match first ranks the `ranked` most recently added matches (the highest ids), the best first, the most
    recently added first among equals; any other matches follow, the most recently added first."""

    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    saver: MemberRef | None = None
    offset: int = 0
    limit: int = 10
    most_saved: bool = False
    ranked: int = RANKED


@dataclass(frozen=True, slots=True)
class LibraryPageToken:
    """A secret address of a community's library page on the web: `token` is the credential."""

    token: str
    workspace_id: int
    community_id: int
    revoked: bool = False


class LibraryRepository(Protocol):
    """Items of a community's library with their tags and saves. An item is unique in its community by its key
    (the normalised address, or an idea's words): the database's own constraint."""

    async def add_item(self, item: Item, key: str, words: str, *, fetch: bool = False) -> Item | None:
        """Store a new item under `key` (its `id` and `saves` are ignored) with its first save and the `words`
        it is found by, its page to be fetched when `fetch` (a link only); None when the community holds an item
        with that key already (nothing is stored then)."""
        ...

    async def item_by_key(self, workspace_id: int, community_id: int, key: str) -> Item | None:
        """The item with `key`, held until the unit ends (so that saves of it at once merge one at a time)."""
        ...

    async def get_item(self, workspace_id: int, item_id: int) -> Item | None: ...

    async def add_save(self, item: Item, save: Save) -> bool:
        """Count a member's save of `item`; False when they had saved it already."""
        ...

    async def saves(self, item: Item) -> Sequence[Save]:
        """Who saved `item`, first first."""
        ...

    async def update_item(self, item: Item, words: str) -> None:
        """Store `item`'s title, note and tags, and the `words` it is found by now."""
        ...

    async def remove_item(self, item: Item) -> None: ...

    async def keep_search(self, workspace_id: int, community_id: int, typed: str, at: datetime) -> int:
        """Keep a search as typed, for the buttons of its next pages (forgetting those kept a week before `at`);
        its id."""
        ...

    async def kept_search(self, workspace_id: int, community_id: int, search_id: int) -> str | None:
        """The search kept under `search_id` in that community, as typed; None when forgotten or unknown."""
        ...

    async def pending_pages(self, limit: int) -> list[tuple[int, int, str]]:
        """(workspace id, item id, address) of the oldest `limit` links of any workspace whose page waits to be
        fetched."""
        ...

    async def record_page(self, item: Item, words: str, page_words: str, *, fetched: bool, at: datetime) -> None:
        """Store how the fetch of `item`'s page went: when `fetched`, its title and description as `item` has them
        now, the `words` it is found by and its page's stemmed `page_words`; otherwise only that it failed."""
        ...

    async def list_items(self, workspace_id: int, community_id: int, listing: Listing) -> tuple[list[Item], int]:
        """One page of the listing, and how many items it holds in all."""
        ...

    async def recent_in_workspace(self, workspace_id: int, *, saver: MemberRef | None = None,
                                  limit: int) -> list[Item]:
        """The newest items of every community of the workspace (those `saver` saved first, when given)."""
        ...

    async def search(self, workspace_id: int, community_id: int, stems: Stems) -> tuple[list[Item], int]:
        """One page of the items `stems` finds, best first, and how many it finds in all."""
        ...

    async def tags(self, workspace_id: int, community_id: int) -> list[tuple[str, int]]:
        """Every tag of the community's items with how many items carry it, most used first."""
        ...

    async def add_page_token(self, token: LibraryPageToken, at: datetime) -> None:
        """Store a new live address of a community's library page, made at `at`."""
        ...

    async def page_token(self, token: str) -> LibraryPageToken | None:
        """The library page address with this token, live or revoked; None when there is none."""
        ...

    async def live_page_tokens(self, workspace_id: int, community_id: int) -> list[LibraryPageToken]:
        """The community's library page addresses that are not revoked, oldest first."""
        ...

    async def revoke_page_tokens(self, workspace_id: int, community_id: int, at: datetime) -> int:
        """Stop every live address of the community's library page working; how many there were."""
        ...


class PageUnavailable(Exception):
    """A page that could not or may not be fetched; `reason` says why in a few English words, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PageFetcher(Protocol):
    """Reads what a web page says of itself, guarded against server-side request forgery (only public addresses,
    unless an allow-list says otherwise; time, size and redirect caps; HTML and plain text only)."""

    async def fetch(self, url: str) -> PageMeta:
        """The page at `url` (http or https); raises `PageUnavailable` when it cannot or may not be read."""
        ...


__all__ = ["LibraryPageToken", "LibraryRepository", "Listing", "PageFetcher", "PageUnavailable", "Stems"]
