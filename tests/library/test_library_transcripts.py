"""The library through the console, as members use it, in English and in Dutch: saving links and ideas, the same
page saved again, lists, tags, items shown, changed and removed, and mistakes."""

from __future__ import annotations

import csv
import io

import pytest

from tests.console_harness import Transcript, community_script, transcript


def start(language: str = "en") -> str:
    return community_script(language, at="2026-12-03T09:00")


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(start())
        yield running


async def test_a_link_is_saved_for_everyone_and_a_second_save_is_a_plus_one(t: Transcript) -> None:
    posted = await t.one('as ben\n/library add https://example.com/contracts?utm_source=x Data contracts #dbt '
                         '--note "Read before Thursday"')
    assert posted.kind == "post"
    assert posted.text.startswith("@ben saved to the library: Data contracts")
    assert "item 1 · #dbt · 1 save" in posted.text
    again = await t.one("as cy\n/library add https://EXAMPLE.com/contracts/ #governance")
    assert again.kind == "ephemeral" and again.to == "cy"
    assert "Already in the library as item 1, saved by @ben on" in again.text
    assert "Your save counts: 2 members saved it." in again.text and "#dbt #governance" in again.text
    twice = await t.one("/library add https://example.com/contracts")
    assert "You saved it before." in twice.text
    shown = await t.one("/library show 1")
    assert "Data contracts" in shown.text and "Read before Thursday" in shown.text
    assert "@ben, @cy" in shown.text


async def test_ideas_lists_and_tags(t: Transcript) -> None:
    await t.run('as ben\n/library idea "Pair review of dashboards before they ship" #review')
    await t.run("/library add https://example.com/lineage Lineage in practice #dbt #lineage")
    listed = await t.one("/library list")
    assert listed.kind == "ephemeral" and listed.text.startswith("Library of Data CoP")
    lines = listed.text.splitlines()
    assert lines.index(next(line for line in lines if line.startswith("2. Lineage in practice"))) < lines.index(
        next(line for line in lines if line.startswith("1. Pair review of dashboards")))  # newest first
    only = await t.one("/library list #review")
    assert "Pair review" in only.text and "Lineage" not in only.text
    counted = await t.one("/library tags")
    assert "#dbt (1), #lineage (1), #review (1)" in counted.text
    assert "Nothing saved that fits." in (await t.one("/library list #nothing")).text


async def test_who_saved_it_or_a_facilitator_changes_it(t: Transcript) -> None:
    await t.run("as ben\n/library add https://example.com/a Alpha #one")
    refused = await t.one('as cy\n/library edit 1 --title "Mine"')
    assert refused.kind == "ephemeral" and refused.text.startswith(
        "Only the member who saved item 1 or a facilitator can change it.")
    changed = await t.one("as ben\n/library edit 1 --tags #two #three")
    assert changed.text.startswith("Item 1 changed: Alpha")
    assert "#two #three" in (await t.one("/library show 1")).text
    removed = await t.one("as ana\n/library remove 1")
    assert removed.text.startswith("Item 1 is out of the library: Alpha")
    gone = await t.one("/library show 1")
    assert gone.text.startswith("There is no item 1 in this community's library.")


@pytest.mark.parametrize(("command", "said"), [
    ("/library add javascript:alert(1)", "is not a web address the library keeps"),
    ("/library add file:///etc/passwd", "is not a web address the library keeps"),
    ("/library add example.com", "is not a web address the library keeps"),
    ('/library idea ""', "An idea cannot be empty."),
    ("/library add https://example.com/a " + " ".join(f"#t{n}" for n in range(11)), "at most 10 tags"),
    ("/library show 42", "There is no item 42"),
    ("/library edit 1", "Say what to change"),
])
async def test_mistakes_are_said_privately_and_change_nothing(t: Transcript, command: str, said: str) -> None:
    answer = await t.one(f"as ben\n{command}")
    assert answer.kind == "ephemeral" and said in answer.text
    assert "Nothing saved yet." in (await t.one("/library list")).text


async def test_the_library_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        posted = await t.one("as ben\n/library add https://voorbeeld.nl/artikel Datacontracten #dbt")
        assert posted.text.startswith("@ben bewaarde in de bibliotheek: Datacontracten")
        again = await t.one("as cy\n/library add https://voorbeeld.nl/artikel/")
        assert "Staat al in de bibliotheek als item 1, bewaard door @ben op" in again.text
        listed = await t.one("/library list")
        assert listed.text.startswith("Bibliotheek van Data CoP")


async def test_the_library_comes_as_a_file_by_direct_message(t: Transcript) -> None:
    await t.run("as ben\n/library add https://example.com/a Alpha #one")
    await t.run('/library idea "=SUM(A1) as an idea"')
    sent, said = await t.run("/library export csv")
    assert sent.kind == "dm" and sent.to == "ben" and said.text == "I sent you the library as a file by direct message."
    assert "The library of Data CoP as a file: 2 items." in sent.text
    (file,) = t.session.workspace.messages[sent.id].message.files
    assert file.name == "library.csv" and file.mime_type == "text/csv"
    rows = list(csv.reader(io.StringIO(file.data.decode("utf-8-sig"), newline="")))
    assert [row[4] for row in rows[1:]] == ["'=SUM(A1) as an idea", ""]
    bookmarks, _said = await t.run("/library export html")
    (page,) = t.session.workspace.messages[bookmarks.id].message.files
    assert page.name == "library.html" and b'HREF="https://example.com/a"' in page.data
    wrong = await t.one("/library export pdf")
    assert wrong.kind == "ephemeral" and "is not one of the choices" in wrong.text


async def test_a_search_finds_by_word_forms_phrases_and_tags_and_never_fails(t: Transcript) -> None:
    await t.run("as ben\n/library add https://example.com/contracts Data contracts in practice #dbt")
    await t.run('/library idea "Running retrospectives that people enjoy" #rituals')
    found = await t.one("/library search contract")
    assert found.kind == "ephemeral" and found.text.startswith("Found in the library: contract")
    assert "1. Data contracts in practice" in found.text and "retrospectives" not in found.text
    assert "Running retrospectives" in (await t.one('/library search "run retrospectives" #rituals')).text
    for query in ('"', "NEAR(a", "*", "-", "'); DROP TABLE library_item; --"):
        answer = await t.one(f"/library search {query}")
        assert answer.kind == "ephemeral" and "Nothing found." in answer.text
    assert "Data contracts" in (await t.one("/library search contracts -rituals")).text


async def test_a_dutch_search(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        await t.run('as ben\n/library idea "Vergaderingen die echt werken" #ritme')
        found = await t.one("/library search vergadering")
        assert found.text.startswith("Gevonden in de bibliotheek: vergadering") and "Vergaderingen" in found.text
        assert "Niets gevonden." in (await t.one("/library search fietsen")).text
