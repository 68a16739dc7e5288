"""What the library keeps: items (a link or an idea) with their tags, who saved them, and from where."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.refs import MemberRef
from bot.text_limits import LIBRARY_IDEA as IDEA
from bot.text_limits import LIBRARY_NOTE as NOTE
from bot.text_limits import LIBRARY_TITLE as TITLE

__all__ = ["IDEA", "MAX_DESCRIPTION", "MAX_PAGE_TEXT", "MAX_TAGS", "NOTE", "TITLE", "Item", "ItemKind", "PageMeta",
           "Save"]

MAX_TAGS = 10
MAX_DESCRIPTION = 1000  # characters of a page's description kept
MAX_PAGE_TEXT = 20_000  # characters of a page's text searched


class ItemKind(enum.StrEnum):
    LINK = "link"  # a web address, with the page's title when known
    IDEA = "idea"  # a thought, a vision, a question: text a member asked to keep, without a link


@dataclass(frozen=True, slots=True)
class Item:
    """One thing in a community's library. `url` is the address as first given ("" for an idea); `saved_by` and
    `saved_at` are its first save; `saves` counts the members who saved it; `source` is a permalink to the
    conversation it came from ("" when saved with a command)."""

    id: int
    workspace_id: int
    community_id: int
    kind: ItemKind
    url: str
    title: str
    text: str  # an idea's words; "" for a link
    note: str
    tags: tuple[str, ...]
    saved_by: MemberRef
    saved_at: datetime
    source: str = ""
    saves: int = 1
    description: str = ""  # what the page says of itself, fetched in the background ("" until then, or never)

    @property
    def heading(self) -> str:
        """What a list shows first: the title, else the idea's first line, else the address."""
        return self.title or (self.text.splitlines()[0] if self.text else self.url)


@dataclass(frozen=True, slots=True)
class Save:
    """One member's save of an item (the first save, or a +1 of a known item)."""

    member: MemberRef
    at: datetime


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a fetched page says of itself: its title, its description and its main text (each one line or plain
    text, `text` at most `MAX_PAGE_TEXT` characters). Fetched text is user text: escaped wherever it is shown."""

    title: str
    description: str
    text: str
