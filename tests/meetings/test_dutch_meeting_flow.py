"""A Dutch community's whole meeting flow through the console, checked word by word against the English catalog:
nothing Hearth writes to it holds a word that only the English sentences use, nor an English weekday or month.

The words that give English away are those of the English catalog's sentences that no Dutch sentence uses. Command
names and option names ("/meeting pause", "--title") are typed the same in every language, so they pass; members'
own text is Dutch here.
"""

from __future__ import annotations

import functools
import re

from babel.messages.pofile import read_po

from bot.catalogs import LOCALE_DIR
from bot.vocabulary import month_abbreviations, month_names, vocabulary, weekday_abbreviations, weekday_names
from commands.catalog import build_catalog
from commands.usage import flag_name
from tests.console_harness import transcript

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _words(text: str) -> set[str]:
    # Placeholders, web addresses (a feed's secret token) and the hosts of members' links are not words.
    text = re.sub(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+\b", " ", re.sub(r"\{\w+\}", " ", text))
    return {word.casefold() for word in _WORD.findall(text)}


def _catalog(language: str) -> list[tuple[str, str]]:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "hearth.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        pairs.extend((msgid, string) for msgid in ids for string in strings)
    return pairs


@functools.cache
def english_only() -> frozenset[str]:
    english = set().union(*(_words(msgid) for msgid, _ in _catalog("en")))
    dutch = set().union(*(_words(string) for _, string in _catalog("nl")))
    names = {name.casefold().rstrip(".") for names in (weekday_names("nl"), weekday_abbreviations("nl"),
                                                        month_names("nl"), month_abbreviations("nl"))
             for name in names}
    words = vocabulary("nl")
    dutch |= names | set(words.relative_days) | set(words.duration_units) | set(words.number_words)
    english |= {name.casefold().rstrip(".") for names in (weekday_names("en"), weekday_abbreviations("en"),
                                                           month_names("en"), month_abbreviations("en"))
                for name in names}
    specs = build_catalog().registry.specs()
    typed = {word for spec in specs for word in spec.path}
    typed |= {flag_name(param).removeprefix("--") for spec in specs for param in spec.params}
    return frozenset(english - dutch - typed)


def english_in(text: str) -> set[str]:
    return _words(text) & english_only()


FLOW = """
clock 2026-12-02T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP" --lang nl --goal "Leren van elkaars analyses"
/meeting help
/meeting help kickoff
/meeting kickoff volgende donderdag om 9:30 --for 90m --link https://meet.example.org/start
/meeting kickoff elke week
/meeting kickoff op 2026-01-05 om 10:00
/meeting schedule "Intervisie" elke 2 weken op 2027-03-20
/meeting schedule "Intervisie" op dinsdag om 15:00
/meeting schedule "Intervisie" elke 2 weken op dinsdag van 15:00 tot 16:00 --link https://meet.example.org/cop
/meeting schedule "Terugblik" een keer per kwartaal op de eerste maandag om 10:00
/meeting schedule "Opendeurdag" op 20 maart om 14u gedurende 2u
/meeting list
as ben
/meeting agenda show --series "Startbijeenkomst"
/meeting agenda add "Hoe we elkaars analyses nakijken" --series "Intervisie"
/meeting next --series "Intervisie"
/meeting remind 1d 2u
/meeting remind stil 22:00-07:00
/meeting remind ergens
/meeting calendar
/meeting feed --mine
/meeting schedule "Van mij" elke week
wait 1m
as ana
/meeting move 2026-12-09 16:00 --series "Intervisie"
/meeting skip --series "Terugblik"
/meeting cancel de zaal is bezet --series "Opendeurdag"
/meeting pause --series "Intervisie"
/meeting resume --series "Intervisie"
/meeting edit --series "Intervisie" --for 90m
wait 1m
/meeting edit --series "Intervisie"
/meeting end --series "Terugblik"
/meeting list
until 2026-12-16T18:00
"""


async def test_a_dutch_community_never_reads_an_english_word(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        outputs = await t.run(FLOW)
        clicks = []
        for output in outputs:
            if output.buttons and output.to in (None, "ben"):
                label = output.buttons[0][0]
                clicks += await t.run(f"as ben\nclick {output.id} {label}")
                break
    everything = [*outputs, *clicks]
    assert not [o for o in everything if "sneller opdrachten" in o.text]  # every line was carried out
    assert len(everything) > 30
    found = {(o.kind, o.text.splitlines()[0] if o.text else ""): sorted(english_in(o.text)) for o in everything
             if english_in(o.text)}
    assert found == {}
    labels = {label for o in everything for label, _ in o.buttons}
    assert {label for label in labels if english_in(label)} == set()
    assert english_in("Reminder: CoP sync starts in 1 day") == {"reminder", "starts", "day"}  # the check sees English
