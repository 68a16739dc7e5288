"""Translatable messages.

Hearth's own words are written as `_("English text with {placeholders}", placeholder=value)`, which makes a
`Msg`: nothing is translated until the reader's language is known. `_n` marks a plural. The catalogs live in
`bot/locale/<lang>/LC_MESSAGES/hearth.po` and are read by `Catalogs` (see `bot.catalogs`).

Placeholders may be filled with any inline part (`UserText`, `Timestamp`, a mention…): rendering splits the
translated template at its placeholders so that values keep their type and are escaped or localised by the
adapter, never pasted into markup.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeAlias

from babel.numbers import format_decimal

from bot.messages import Inline, Text, Timestamp

Value: TypeAlias = "Inline | Text | int | float | Msg"


@dataclass(frozen=True, slots=True)
class Msg:
    """A message id (its English text) with its placeholder values, translated later."""

    msgid: str
    params: Mapping[str, Value] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None


def _(msgid: str, /, **params: Value) -> Msg:
    """Mark `msgid` for translation."""
    return Msg(msgid, params)


def _n(singular: str, plural: str, count: int, /, **params: Value) -> Msg:
    """Mark a plural message; `{n}` in either form is replaced by `count`."""
    return Msg(singular, {"n": count, **params}, plural=plural, count=count)


class Translator(Protocol):
    """Looks up Hearth's words in a language's catalog."""

    def gettext(self, language: str, msgid: str) -> str:
        """The translation of `msgid`, or `msgid` itself when the catalog has none."""
        ...

    def ngettext(self, language: str, singular: str, plural: str, count: int) -> str:
        """The plural form for `count`."""
        ...

    def languages(self) -> tuple[str, ...]:
        """The languages that ship complete."""
        ...


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_formatter = string.Formatter()


def sayer(translator: Translator, language: str) -> Callable[[Msg | Text | Inline], Text]:
    """Words for one reader: a message of Hearth's translated into `language` (`render`), anything else as it is."""

    def say(message: Msg | Text | Inline) -> Text:
        return render(translator, language, message) if isinstance(message, Msg) else Text.of(message)

    return say


def render(translator: Translator, language: str, message: Msg) -> Text:
    """Translate `message` into `language` and fill in its placeholders, keeping their types."""
    if message.plural is not None and message.count is not None:
        template = translator.ngettext(language, message.msgid, message.plural, message.count)
    else:
        template = translator.gettext(language, message.msgid)
    parts: list[Inline | Text] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(template[position : match.start()])
        name = match.group(1)
        if name not in message.params:
            parts.append(match.group(0))
        else:
            value = message.params[name]
            if isinstance(value, Msg):  # a word of Hearth's own inside another message, in the same language
                parts.append(render(translator, language, value))
            elif isinstance(value, (int, float)):
                parts.append(format_number(value, language))
            else:
                parts.append(in_language(value, language))
        position = match.end()
    if position < len(template):
        parts.append(template[position:])
    return Text.of(*parts)


def in_language(value: Inline | Text, language: str) -> Inline | Text:
    """`value` with every `Timestamp` in it set to be written in `language`."""
    if isinstance(value, Timestamp):
        return replace(value, language=language)
    if isinstance(value, Text):
        return Text(tuple(replace(part, language=language) if isinstance(part, Timestamp) else part
                          for part in value.parts))
    return value


def format_number(value: int | float, language: str = "en") -> str:
    """A whole number as digits; any other with one decimal, in the reader's way of writing it ("4.3", "4,3")."""
    if isinstance(value, int):
        return str(value)
    return str(format_decimal(value, format="0.0", locale=language))

