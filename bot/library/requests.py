"""What members ask of the library service, and what it answers. Values come already read from what the member
typed (tags as lower-case words, a member as a reference); the service checks them and who may."""

from __future__ import annotations

from dataclasses import dataclass

from bot.library.model import Item, PageMeta, Save
from bot.library.search import SearchQuery
from bot.refs import ChannelRef, MemberRef
from bot.tenancy import Scope


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
    items: tuple[Item, ...]
    page: int
    pages: int
    total: int


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
    """Search the scope's community library (`query` as `commands/library/query.py` reads it), one page."""

    scope: Scope
    query: SearchQuery
    page: int = 1


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
