"""What members ask of the library service, and what it answers. Values come already read from what the member
typed (tags as lower-case words, a member as a reference); the service checks them and who may."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.library.model import Item, ItemKind, PageMeta, Save
from bot.library.search import SearchQuery
from bot.refs import ChannelRef, MemberRef, WorkspaceRef
from bot.tenancy import Community, Scope


@dataclass(frozen=True, slots=True)
class SaveLink:
    """Save a web address in the scope's community library (or add a +1 and the tags to it when it is there)."""

    scope: Scope
    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    source: str = ""  # a permalink to the message it came from


@dataclass(frozen=True, slots=True)
class SaveIdea:
    """Save a thought without a link; the same words saved again count as the same idea."""

    scope: Scope
    text: str
    tags: tuple[str, ...] = ()
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Saved:
    """The item as it is now; `known` when it was in the library already, with `first` its first save, and
    `counted` whether this save was a new member's +1."""

    item: Item
    known: bool
    first: Save
    counted: bool


@dataclass(frozen=True, slots=True)
class ListItems:
    """The community's items, newest first, one page at a time: all, with `tag`, or saved by `saver`."""

    scope: Scope
    tag: str | None = None
    saver: MemberRef | None = None
    page: int = 1


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One page of a listing or a search; `kept` the id of the search kept for the buttons of its other pages
    (0: none was kept)."""

    items: tuple[Item, ...]
    page: int
    pages: int
    total: int
    kept: int = 0
    typed: str = ""  # the kept search as typed (for its heading)


@dataclass(frozen=True, slots=True)
class ShowItem:
    scope: Scope
    item_id: int


@dataclass(frozen=True, slots=True)
class ItemView:
    item: Item
    saves: tuple[Save, ...]


@dataclass(frozen=True, slots=True)
class EditItem:
    """Change an item's title, note or tags (None leaves it): the member who saved it first, or a facilitator."""

    scope: Scope
    item_id: int
    title: str | None = None
    note: str | None = None
    tags: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RemoveItem:
    scope: Scope
    item_id: int


@dataclass(frozen=True, slots=True)
class ListTags:
    scope: Scope


@dataclass(frozen=True, slots=True)
class ExportLibrary:
    """Every item of the scope's community library, newest first, for a file."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class SearchItems:
    """Search the scope's community library (`query` as `commands/library/query.py` reads it), one page. With
    `typed` (the search as the member typed it), a search of more than one page is kept a week for the buttons of
    its other pages (`ItemPage.kept`)."""

    scope: Scope
    query: SearchQuery
    page: int = 1
    typed: str = ""


@dataclass(frozen=True, slots=True)
class SearchAgain:
    """Another page of the search kept as `kept` in the scope's community, read again by `reader` (the typed search
    and the workspace, where `by:@member` is looked for)."""

    scope: Scope
    kept: int
    page: int
    reader: Callable[[str, WorkspaceRef], SearchQuery]


@dataclass(frozen=True, slots=True)
class PendingPages:
    """The oldest links of any workspace whose page waits to be fetched (the background fetcher's work)."""

    limit: int = 20


@dataclass(frozen=True, slots=True)
class PageToFetch:
    workspace_id: int
    item_id: int
    url: str


@dataclass(frozen=True, slots=True)
class RecordPage:
    """What the page of `page` said (`meta`), or None when it could not or may not be read."""

    page: PageToFetch
    meta: PageMeta | None


@dataclass(frozen=True, slots=True)
class LibraryHome:
    """What the member's home shows of the libraries of the workspace's communities."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class HomeItems:
    """The newest items of the workspace's communities and the member's own newest saves, each with its
    community's channel."""

    recent: tuple[tuple[Item, ChannelRef], ...]
    mine: tuple[tuple[Item, ChannelRef], ...]


# --- the library page ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GetLibraryPage:
    """The secret address of the community's library page on the web, made when there is none; `revoke` stops the
    old one working and makes a new one (facilitators only)."""

    scope: Scope
    revoke: bool = False


@dataclass(frozen=True, slots=True)
class LibraryPageAddress:
    token: str
    community: Community
    revoked: bool = False


# A search typed on the page, read once the page's workspace is known (where `by:@member` is looked for):
# `functools.partial(commands.library.query.read_query, typed)`.
QueryReader = Callable[[WorkspaceRef], SearchQuery]


@dataclass(frozen=True, slots=True)
class BrowseLibrary:
    """One page of the library page with this secret token: the items `query` finds, else those with `tag`, else
    all; newest first (best match first for a query), or the most saved first with `most_saved`. The first page
    of the whole library, newest first, also holds its `top` most saved items."""

    token: str
    query: QueryReader | None = None
    tag: str | None = None
    most_saved: bool = False
    page: int = 1
    top: int = 5


@dataclass(frozen=True, slots=True)
class LibraryPageView:
    """What the library page shows; `query` is the search as read (None: no search), `names` the display names
    of the members who saved the items shown (those Hearth knows)."""

    community: Community
    items: ItemPage
    tags: tuple[tuple[str, int], ...]
    top: tuple[Item, ...]
    names: Mapping[MemberRef, str]
    query: SearchQuery | None = None


@dataclass(frozen=True, slots=True)
class ReadPageItem:
    """One item of the library page with this secret token."""

    token: str
    item_id: int


@dataclass(frozen=True, slots=True)
class PageItemView:
    community: Community
    item: Item
    saves: tuple[Save, ...]
    names: Mapping[MemberRef, str]


@dataclass(frozen=True, slots=True)
class ReadPageFeed:
    """The `limit` newest items of the library page with this secret token, for its feed."""

    token: str
    limit: int = 50


@dataclass(frozen=True, slots=True)
class PageFeedView:
    """The newest items, newest first."""

    community: Community
    items: tuple[Item, ...]
    names: Mapping[MemberRef, str]


# --- import -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportedItem:
    """One bookmark of a file (`bot.library.imports`), checked as a save would be: a link's `url` as `checked_url`
    gives it, or an idea's `text`; `saved_at` in UTC when the file says when it was saved; `line` where it starts
    in the file, for messages."""

    kind: ItemKind
    url: str = ""
    text: str = ""
    title: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    saved_at: datetime | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class ImportItems:
    """Add a file's bookmarks to the scope's community library, saved by the scope's member (a facilitator)."""

    scope: Scope
    items: tuple[ImportedItem, ...]


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import did: `added` new items, `known` ones the library held already (their tags merged), and
    `duplicates`: bookmarks the file held more than once, kept once."""

    added: int
    known: int
    duplicates: int

    @property
    def items(self) -> int:
        """How many different items the file held."""
        return self.added + self.known
