"""Keeps the translation catalogs in step with the code: `python -m adapters.catalog_tool update|check`.

`update` extracts every `_()` and `_n()` message from bot/, commands/ and adapters/ and merges it into each
`bot/locale/<lang>/LC_MESSAGES/hearth.po`, keeping existing translations (English is filled in as the source).
`check` lists what is missing or obsolete and exits 1 if anything is.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.catalogs import DOMAIN, LOCALE_DIR, SOURCE_LANGUAGE
from bot.vocabulary import languages

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "commands", "adapters")
KEYWORDS = {"_": None, "_n": (1, 2)}

MessageId = str | tuple[str, str]


def extract() -> Catalog:
    """Every translatable message in Hearth's source."""
    template = Catalog(domain=DOMAIN, project="Hearth")
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(message, locations=[(f"{source}/{filename}", lineno)], auto_comments=comments,
                         context=context)
    return template


def _ids(catalog: Catalog) -> Iterator[MessageId]:
    for message in catalog:
        if message.id:
            yield message.id if isinstance(message.id, str) else (message.id[0], message.id[1])


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> None:
    for language in languages():
        # A fresh template for each catalog: Babel's update shares message objects with the template.
        template = extract()
        path = po_path(language)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="Hearth")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id if isinstance(message.id, str) else tuple(message.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=110, omit_header=False, sort_output=False)


def problems() -> list[str]:
    """What is missing, untranslated or fuzzy in the shipped catalogs."""
    template = extract()
    wanted = set(_ids(template))
    found: list[str] = []
    for language in languages():
        path = po_path(language)
        if not path.exists():
            found.append(f"{language}: no catalog at {path}")
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        present: dict[MessageId, Message] = {}
        for message in catalog:
            if message.id:
                key = message.id if isinstance(message.id, str) else (message.id[0], message.id[1])
                present[key] = message
        for key in sorted(wanted, key=str):
            entry = present.get(key)
            if entry is None:
                found.append(f"{language}: missing {key!r}")
                continue
            if entry.fuzzy:
                found.append(f"{language}: fuzzy {key!r}")
            elif not _translated(entry):
                found.append(f"{language}: untranslated {key!r}")
        for key in sorted(set(present) - wanted, key=str):
            found.append(f"{language}: obsolete {key!r}")
    return found


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(strings) and all(strings)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["check"]:
        found = problems()
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    print("usage: python -m adapters.catalog_tool update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
