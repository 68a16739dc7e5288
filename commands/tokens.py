"""Splitting a command's argument text into words, like a shell, but forgiving of chat habits.

Whitespace separates words. Quotes group words into one: straight quotes ("double", 'single') and the
typographic ones phones insert (“double”, ‘single’, „low”). An opening quote may be closed by any quote of the
same family, because keyboards mix them up ("like this”).

Chat text is full of apostrophes (don't, it’s), so a quote only *opens* at the start of a word or right after
`=` (as in `--name="Book club"`), and only *closes* when whitespace or the end of the text follows it.
Anywhere else it is an ordinary character. Inside quotes a backslash makes a following quote or backslash
literal; outside quotes a backslash makes a following quote literal (so `\\'s avonds` keeps its apostrophe).
Every other backslash is kept as typed, so paths and emoticons survive.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.i18n import _
from bot.messages import UserText
from bot.text_limits import shown

DOUBLE_QUOTES = frozenset('"“”„')
SINGLE_QUOTES = frozenset("'‘’‚")
QUOTES = DOUBLE_QUOTES | SINGLE_QUOTES


@dataclass(frozen=True, slots=True)
class Token:
    """One word of argument text. `quoted` is True when the word began with a quote."""

    value: str
    quoted: bool = False


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens.

    Raises `UserError` when a quote is opened and never closed; nothing else, for any string.
    """
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        token, position = _read_word(text, position)
        tokens.append(token)
    return tokens


def quote(value: str) -> str:
    """Write `value` so that `tokenize` reads it back as exactly one quoted token with that value."""
    escaped = "".join("\\" + char if char in QUOTES or char == "\\" else char for char in value)
    return '"' + escaped + '"'


def echo(text: str) -> UserText:
    """What the member typed, to show back in a message: whitespace collapsed, characters Hearth cannot keep
    shown as `�`, long input shortened (`bot.text_limits.shown`)."""
    return shown(text)


def _read_word(text: str, start: int) -> tuple[Token, int]:
    chars: list[str] = []
    position = start
    quoted = False
    while position < len(text) and not text[position].isspace():
        char = text[position]
        if char in QUOTES and (position == start or text[position - 1] == "="):
            quoted = quoted or position == start
            part, position = _read_quoted(text, position)
            chars.append(part)
        elif char == "\\" and position + 1 < len(text) and text[position + 1] in QUOTES:
            chars.append(text[position + 1])
            position += 2
        else:
            chars.append(char)
            position += 1
    return Token("".join(chars), quoted), position


def _read_quoted(text: str, opening: int) -> tuple[str, int]:
    """Read from the quote at `opening` to its closing quote; return the content and the position after it."""
    closers = DOUBLE_QUOTES if text[opening] in DOUBLE_QUOTES else SINGLE_QUOTES
    chars: list[str] = []
    position = opening + 1
    while position < len(text):
        char = text[position]
        following = text[position + 1] if position + 1 < len(text) else ""
        if char == "\\" and following and (following in QUOTES or following == "\\"):
            chars.append(following)
            position += 2
        elif char in closers and (not following or following.isspace()):
            return "".join(chars), position + 1
        else:
            chars.append(char)
            position += 1
    raise UserError(
        _(
            "A quote is not closed: {fragment}. Add the closing quote, or put a backslash before the quote "
            "if you meant it as a character.",
            fragment=echo(text[opening:]),
        )
    )
