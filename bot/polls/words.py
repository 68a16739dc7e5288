"""The words of a poll's chart and export, as plain strings in one language."""

from __future__ import annotations

import functools

from bot.catalogs import Catalogs
from bot.i18n import Msg, format_number


@functools.cache
def _catalogs() -> Catalogs:
    # The signatures take a language, not a translator, so the shipped catalogs are read here, once.
    return Catalogs.load()


def plain(message: Msg, language: str) -> str:
    """`message` translated into `language` with its (number or text) placeholders filled in."""
    catalogs = _catalogs()
    if message.plural is not None and message.count is not None:
        template = catalogs.ngettext(language, message.msgid, message.plural, message.count)
    else:
        template = catalogs.gettext(language, message.msgid)
    values = {name: format_number(value) if isinstance(value, (int, float)) else str(value)
              for name, value in message.params.items()}
    return template.format_map(values)
