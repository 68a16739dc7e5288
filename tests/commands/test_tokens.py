"""Splitting argument text into tokens: whitespace, quotes of every kind, apostrophes and backslashes."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.messages import UserText
from commands.tokens import Token, echo, quote, tokenize


def values(text: str) -> list[str]:
    return [token.value for token in tokenize(text)]


def test_whitespace_of_any_kind_separates_words() -> None:
    assert values("  add\tbook\nclub\u00a0now  ") == ["add", "book", "club", "now"]
    assert tokenize("") == []
    assert tokenize(" \n\t ") == []


@pytest.mark.parametrize(
    "text",
    ['"Book club"', "'Book club'", "“Book club”", "‘Book club’", "„Book club”", '"Book club”', "“Book club\""],
)
def test_straight_and_typographic_quotes_group_words(text: str) -> None:
    assert tokenize(text + " next") == [Token("Book club", quoted=True), Token("next")]


def test_quoted_tokens_keep_inner_whitespace_and_are_marked() -> None:
    assert tokenize('a "b  c\nd" e') == [Token("a"), Token("b  c\nd", quoted=True), Token("e")]


def test_empty_quotes_make_an_empty_token() -> None:
    assert tokenize('"" x') == [Token("", quoted=True), Token("x")]


def test_apostrophes_inside_words_are_ordinary_characters() -> None:
    assert values("don't it’s l'été rock'n'roll") == ["don't", "it’s", "l'été", "rock'n'roll"]


def test_a_quote_closes_only_before_whitespace_or_the_end() -> None:
    assert values("'It's fine' ok") == ["It's fine", "ok"]
    assert values('"the "best"-ever" x') == ['the "best"-ever', "x"]
    # A quote before whitespace closes, even if the member meant it as an inner quote.
    assert values('"say "hi" now"') == ['say "hi', 'now"']


def test_a_quote_opens_after_equals_so_options_can_take_phrases() -> None:
    assert tokenize('--name="Book club" x') == [Token("--name=Book club", quoted=False), Token("x")]


def test_backslash_escapes_quotes_and_backslashes_inside_quotes() -> None:
    assert values(r'"say \"hi\" now"') == ['say "hi" now']
    assert values(r'"a\\b"') == ["a\\b"]
    assert values(r'"C:\temp"') == ["C:\\temp"]


def test_backslash_outside_quotes_keeps_a_quote_literal() -> None:
    assert tokenize(r"\'s avonds") == [Token("'s"), Token("avonds")]
    assert values(r"a\b ¯\_(ツ)_/¯") == ["a\\b", "¯\\_(ツ)_/¯"]


@pytest.mark.parametrize("text", ['"Data CoP', "x 'open", "“never closed", '"ends with escaped\\"'])
def test_an_unclosed_quote_is_a_user_error_that_shows_where(text: str) -> None:
    with pytest.raises(UserError) as raised:
        tokenize(text)
    assert raised.value.message.msgid.startswith("A quote is not closed")
    fragment = raised.value.message.params["fragment"]
    assert isinstance(fragment, UserText)
    assert fragment.value[0] in "\"'“"


@pytest.mark.parametrize("value", ["", "plain", "two words", 'a "quoted" word', "back\\slash\\", "it's", "“x”\n"])
def test_quote_round_trips(value: str) -> None:
    assert tokenize(quote(value)) == [Token(value, quoted=True)]


def test_echo_collapses_whitespace_and_shortens() -> None:
    assert echo("a \n b") == UserText("a b")
    long = echo("x" * 500)
    assert len(long.value) == 60
    assert long.value.endswith("…")
