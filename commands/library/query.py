"""Reading a library search as members type it: words, "phrases", -exclusions, #tags and by:@member.

`read_query` never fails: whatever a member types is a query (an unclosed quote closes at the end, a `by:` that
names nobody is a word, a `#` that is no tag is a word), so a search answers with results or "nothing found",
never with an error.
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError
from bot.library.search import MAX_TERMS, SearchQuery
from bot.refs import MemberRef, WorkspaceRef
from commands.tokens import QUOTES, Token, tokenize
from commands.values import parse_member, parse_tag

__all__ = ["read_query"]

_EXCLUDED = "\x01"
_MINUS_QUOTE = re.compile(r"(^|\s)-([" + "".join(QUOTES) + "])")


def read_query(text: str, workspace: WorkspaceRef) -> SearchQuery:
    """The search `text` asks for, in `workspace` (where `by:@member` is looked for)."""
    terms: list[str] = []
    excluded: list[str] = []
    tags: list[str] = []
    saver: MemberRef | None = None
    for token in _tokens(text):
        value = token.value
        if token.quoted and value.startswith(_EXCLUDED):  # -"a phrase"
            excluded.append(_term(value[1:]))
            continue
        if not token.quoted and value.startswith("-") and len(value) > 1:
            excluded.append(_term(value[1:].strip("".join(QUOTES))))
            continue
        if not token.quoted and value.startswith("#") and (tag := _tag(value)) is not None:
            tags.append(tag)
            continue
        if not token.quoted and value.casefold().startswith("by:") and (member := _member(value[3:], workspace)):
            saver = member
            continue
        terms.append(_term(value))
    return SearchQuery(terms=_kept(terms), excluded=_kept(excluded), tags=tuple(dict.fromkeys(tags))[:MAX_TERMS],
                       saver=saver)


def _tokens(text: str) -> list[Token]:
    # Control characters are no part of a query; one of them marks a quote that a minus opened (-"old news").
    text = "".join(" " if unicodedata.category(char) == "Cc" and not char.isspace() else char for char in text)
    text = _MINUS_QUOTE.sub(lambda found: found.group(1) + found.group(2) + _EXCLUDED, text)
    try:
        return tokenize(text)
    except UserError:  # a quote opened and never closed: read it as closed at the end
        words = (word.strip("".join(QUOTES)) for word in text.split())
        return [Token("-" + word[1:] if word.startswith(_EXCLUDED) else word.replace(_EXCLUDED, ""))
                for word in words]


def _term(text: str) -> str:
    return " ".join(text.split())


def _kept(terms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(term for term in terms if term))[:MAX_TERMS]


def _tag(text: str) -> str | None:
    try:
        return parse_tag(text)
    except UserError:
        return None


def _member(text: str, workspace: WorkspaceRef) -> MemberRef | None:
    try:
        return parse_member(text, workspace)
    except UserError:
        return None
