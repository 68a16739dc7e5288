"""The library's search words: case, accents and word forms of English and Dutch meet on one stem."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.library.words import search_words


@pytest.mark.parametrize(("language", "saved", "searched"), [
    ("en", "Data Contracts in practice", "contract practices"),
    ("en", "Running retrospectives", "run retrospective"),
    ("en", "Café culture", "cafe"),
    ("nl", "Vergaderingen die werken", "vergadering werkt"),
    ("nl", "Datacontracten in de praktijk", "datacontract praktijken"),
    ("nl", "Één les per sessie", "een lessen sessies"),
])
def test_word_forms_meet_on_one_stem(language: str, saved: str, searched: str) -> None:
    assert set(search_words(searched, language)) <= set(search_words(saved, language))


def test_words_are_letters_and_digits_in_order() -> None:
    assert search_words("dbt-1.8: what's new?", "xx") == ["dbt", "1", "8", "what", "s", "new"]


@given(st.text(max_size=200), st.sampled_from(["en", "nl", "fr"]))
def test_any_text_gives_words_and_never_fails(text: str, language: str) -> None:
    words = search_words(text, language)
    assert all(word and word == word.strip() for word in words)
