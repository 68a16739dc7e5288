"""One vocabulary: languages, their words, clock times and links each exist once, in bot/.

The registry tests check that the shipped catalogs and the vocabularies are the same languages; the source scans
fail when a second copy of a language name, a weekday table, a clock-time regex or a link check reappears.
"""

from __future__ import annotations

import ast
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.vocabulary
from bot.catalogs import LOCALE_DIR, Catalogs
from bot.clock_times import read_clock
from bot.links import checked_http_url, is_web_link, link_host
from bot.vocabulary import (
    language_name,
    language_named,
    languages,
    relative_days,
    vocabulary,
    weekday_names,
    weekdays_alone,
)

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = ("bot", "commands", "adapters", "storage")
VOCABULARY_DIR = Path(bot.vocabulary.__file__).parent
# Modules of bot/vocabulary that are not a language.
NOT_A_LANGUAGE = {"words"}


def test_the_catalogs_are_exactly_the_registered_vocabularies() -> None:
    catalogs = {path.name for path in LOCALE_DIR.iterdir() if (path / "LC_MESSAGES" / "hearth.po").exists()}
    modules = {module.name for module in pkgutil.iter_modules([str(VOCABULARY_DIR)])} - NOT_A_LANGUAGE
    assert catalogs == modules == set(languages())
    assert set(Catalogs.load().languages()) == set(languages())
    assert languages()[0] == "en"


@pytest.mark.parametrize("code", languages())
def test_every_language_has_its_words(code: str) -> None:
    words = vocabulary(code)
    assert words.code == code
    assert words.name and language_name(code) == words.name
    assert words.names and all(language_named(name) == code for name in words.names)
    assert len(words.examples) == 2


def test_language_names_come_from_the_registry() -> None:
    assert (language_name("en"), language_name("nl"), language_name("xx")) == ("English", "Nederlands", "xx")
    assert (language_named("Dutch"), language_named(" engels "), language_named("klingon")) == ("nl", "en", None)


def test_argument_words_are_every_language_s() -> None:
    assert relative_days() == {"today": 0, "tomorrow": 1, "vandaag": 0, "morgen": 1, "overmorgen": 2}
    alone = weekdays_alone()
    assert (alone["monday"], alone["maandag"], alone["mon"], alone["thurs"]) == (0, 0, 0, 3)
    assert "do" not in alone and "ma" not in alone


def test_one_clock_reading() -> None:
    written = read_clock("3:30pm")
    assert written is not None and str(written.time_of_day()) == "15:30:00"
    nine = read_clock("9")
    assert nine is not None and nine.bare
    late = read_clock("24:00")
    assert late is not None and late.time_of_day() is None
    assert read_clock("nine") is None


def test_one_link_rule() -> None:
    assert checked_http_url(" HTTPS://example.org/a b ") == "https://example.org/a b"
    assert checked_http_url("https://docs.example.org@evil.example") is None
    assert checked_http_url("http://[::1") is None and checked_http_url("mailto:ann@example.org") is None
    assert is_web_link("https://example.org/x") and not is_web_link("https://example.org/a b")
    assert link_host("https://Meet.Example.org/x") == "meet.example.org" and link_host("the pub") is None


# Second copies


def source_files() -> Iterator[Path]:
    for source in SOURCES:
        yield from sorted((ROOT / source).rglob("*.py"))


def strings(tree: ast.AST) -> Iterator[str]:
    """The string constants of a module, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_language_and_weekday_words_live_only_in_the_vocabulary() -> None:
    words = {
        word.casefold()
        for code in languages()
        for word in (
            language_name(code), *vocabulary(code).names, *weekday_names(code), *vocabulary(code).relative_days,
        )
    }
    copies = [
        f"{relative(path)}: {text!r}"
        for path in source_files()
        if not relative(path).startswith("bot/vocabulary/")
        for text in strings(ast.parse(path.read_text(encoding="utf-8")))
        if text.casefold() in words
    ]
    assert copies == [], "these words belong in bot/vocabulary/<code>.py"


def test_clock_times_are_read_in_one_place() -> None:
    copies = [
        relative(path)
        for path in source_files()
        if relative(path) != "bot/clock_times.py"
        and any("am|pm" in text or "[hu]" in text for text in strings(ast.parse(path.read_text(encoding="utf-8"))))
    ]
    assert copies == [], "read times of day with bot.clock_times.read_clock"


# The Slack manifest checks its own request URL setting (https only, no link a member gave).
# The library's addresses are checked with bot.links, and only taken apart there to be normalised for comparison;
# the page fetcher resolves a redirect's relative address (then checked with bot.links like any) and takes the host
# apart for the forgery guard; the library page builds its own query strings.
URLSPLIT_ALLOWED = {"bot/links.py", "adapters/slack/manifest.py", "bot/library/urls.py", "adapters/page_fetch.py",
                    "adapters/library_page.py"}


def test_links_are_checked_in_one_place() -> None:
    copies = [
        relative(path)
        for path in source_files()
        if relative(path) not in URLSPLIT_ALLOWED
        and {"urllib.parse.urlsplit", "urllib.parse.urlparse", "urllib.parse"} & imported(
            ast.parse(path.read_text(encoding="utf-8"))
        )
    ]
    assert copies == [], "check links with bot.links"
