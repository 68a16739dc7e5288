"""What a member searches the library for, read from the query they typed (`commands/library/query.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.refs import MemberRef

__all__ = ["MAX_TERMS", "SearchQuery"]

MAX_TERMS = 20  # words and phrases of one query: a longer one is cut, never refused


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Items that hold every one of `terms` (a word, or a phrase of several, in that order), none of
    `excluded`, every one of `tags`, and were saved by `saver` when one is given."""

    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    saver: MemberRef | None = None

    @property
    def empty(self) -> bool:
        return not (self.terms or self.tags or self.saver)
