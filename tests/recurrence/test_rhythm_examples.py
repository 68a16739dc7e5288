"""The examples under an unreadable rhythm are in the reader's language, whichever grammar read furthest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.catalogs import Catalogs
from bot.errors import UserError
from bot.i18n import render
from bot.messages import Text
from bot.recurrence.phrases import parse_recurrence
from bot.vocabulary import vocabulary

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)


def hint_of(phrase: str, language: str | None, reader: str) -> str:
    with pytest.raises(UserError) as raised:
        parse_recurrence(phrase, timezone="Europe/Brussels", now=NOW, language=language)
    assert raised.value.hint is not None
    text: Text = render(Catalogs.load(), reader, raised.value.hint)
    return "".join(part for part in text.parts if isinstance(part, str))


@pytest.mark.parametrize("phrase", ["every 2 wekes on Tuesday", "elke 2 weken op dinsdg", "whenever"])
@pytest.mark.parametrize("reader", ["en", "nl"])
def test_the_examples_are_the_readers_own(phrase: str, reader: str) -> None:
    hint = hint_of(phrase, None, reader)
    first, second = vocabulary(reader).examples
    assert f"`{first}`" in hint and f"`{second}`" in hint


@pytest.mark.parametrize("language", ["en", "nl"])
def test_each_languages_examples_read_in_that_language(language: str) -> None:
    for example in vocabulary(language).examples:
        assert parse_recurrence(example, timezone="Europe/Brussels", now=NOW, language=language).rule
