"""The words the library searches by: what a page, an idea or a query says, reduced to the stems of its language.

`search_words` lower-cases the text (Unicode case folding), takes off accents (`café` is `cafe`), splits it into
words of letters and digits, and stems each with the Snowball stemmer that the language's vocabulary names
(`bot/vocabulary/<code>.py`). In English `contracts` and `contract` are one word, in Dutch `vergaderingen` and
`vergadering`. The same function reads what is saved and what is searched for, so both meet on the same stems
whichever database holds them."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import snowballstemmer

from bot.vocabulary import vocabulary

__all__ = ["search_words"]

_WORD = re.compile(r"[^\W_]+")


def search_words(text: str, language: str) -> list[str]:
    """The stems of `text`'s words, in order, in `language` (a language without a stemmer keeps whole words)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in folded if not unicodedata.combining(char))
    words = _WORD.findall(bare)
    stemmer = _stemmer(language)
    return stemmer.stemWords(words) if stemmer is not None else words


@cache
def _stemmer(language: str) -> snowballstemmer.Stemmer | None:
    name = vocabulary(language).stemmer  # bot/vocabulary/<code>.py names its language's stemmer
    return snowballstemmer.stemmer(name) if name else None
