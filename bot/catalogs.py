"""Hearth's translation catalogs, read from the gettext `.po` files that ship with it.

The `.po` files are read directly at start (with Babel), so a fresh checkout needs no compile step.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "hearth"
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class LanguageCatalog:
    singular: Mapping[str, str]
    plural: Mapping[str, tuple[str, ...]]
    plural_form: Callable[[int], int]


def _english_plural(count: int) -> int:
    return 0 if count == 1 else 1


class Catalogs:
    """A `Translator` over the shipped catalogs. Unknown languages and missing entries fall back to English."""

    def __init__(self, catalogs: Mapping[str, LanguageCatalog]) -> None:
        self._catalogs = dict(catalogs)

    @classmethod
    def load(cls, locale_dir: Path = LOCALE_DIR) -> Catalogs:
        """Read every `<lang>/LC_MESSAGES/hearth.po` under `locale_dir`."""
        found: dict[str, LanguageCatalog] = {}
        for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            language = po_path.parent.parent.name
            found[language] = read_catalog(po_path)
        if SOURCE_LANGUAGE not in found:
            found[SOURCE_LANGUAGE] = LanguageCatalog({}, {}, _english_plural)
        return cls(found)

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._catalogs))

    def gettext(self, language: str, msgid: str) -> str:
        catalog = self._catalogs.get(language)
        if catalog is None:
            return msgid
        return catalog.singular.get(msgid) or msgid

    def ngettext(self, language: str, singular: str, plural: str, count: int) -> str:
        catalog = self._catalogs.get(language)
        if catalog is not None:
            forms = catalog.plural.get(singular)
            if forms:
                index = catalog.plural_form(count)
                if 0 <= index < len(forms) and forms[index]:
                    return forms[index]
        return singular if count == 1 else plural


def read_catalog(po_path: Path) -> LanguageCatalog:
    """Parse one `.po` file, skipping fuzzy and untranslated entries."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (tuple, list)):
            forms = tuple(message.string or ())
            if any(forms):
                plural[message.id[0]] = forms
        elif isinstance(message.string, str) and message.string:
            singular[message.id] = message.string
    return LanguageCatalog(singular, plural, gettext.c2py(catalog.plural_expr))
