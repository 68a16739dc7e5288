"""A Dutch community edits and removes agenda topics through the console: every answer is in Dutch."""

from __future__ import annotations

from tests.console_harness import transcript
from tests.meetings.test_dutch_dates_transcript import DUTCH_START, english_names_in


async def test_a_dutch_agenda_is_numbered_edited_and_removed_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(DUTCH_START)
        await t.run('as ben\n/meeting agenda add "Hoe we elkaars analyses nakijken"')
        await t.run('as cy\n/meeting agenda add "Testen in dbt"')
        shown = await t.one("/meeting agenda show")
        refused = await t.one('/meeting agenda edit 1 "Analyses, op mijn manier"')
        edited = await t.one('as ben\n/meeting agenda edit 1 "Hoe we elkaars analyses nakijken, met voorbeelden"')
        missing = await t.one("/meeting agenda remove 3")
        removed = await t.one("as ana\n/meeting agenda remove 2")
        after = await t.one("/meeting agenda show")
        empty = await t.run("/meeting agenda remove 1\n/meeting agenda remove 1")
    assert shown.text.splitlines()[1:3] == ["1. Hoe we elkaars analyses nakijken (0)", "2. Testen in dbt (0)"]
    assert shown.text.splitlines()[3] == (
        "Klik nog eens om je stem in te trekken. Wijzig een onderwerp dat je hebt voorgesteld met /meeting agenda "
        "edit <nummer> <nieuwe tekst>, of haal het weg met /meeting agenda remove <nummer>.")
    assert (refused.kind, refused.to) == ("ephemeral", "cy")
    assert refused.text == ("Alleen ben, die dit onderwerp heeft voorgesteld, of een facilitator (ana) kan er "
                            "/meeting agenda edit op gebruiken.")
    assert edited.text == ("@ben heeft onderwerp 1 voor CoP sync op di 24 mrt 2026 15:00 CET gewijzigd in: Hoe we "
                           "elkaars analyses nakijken, met voorbeelden")
    assert (missing.kind, missing.to) == ("ephemeral", "ben")
    assert missing.text == ("De agenda van CoP sync heeft geen onderwerp 3.\n"
                            "Bekijk de onderwerpen en hun nummers met /meeting agenda show.")
    assert removed.text == ("@ana heeft een onderwerp van de agenda van CoP sync op di 24 mrt 2026 15:00 CET gehaald: "
                            "Testen in dbt")
    assert after.text.splitlines()[1:2] == ["1. Hoe we elkaars analyses nakijken, met voorbeelden (0)"]
    assert [o.kind for o in empty] == ["post", "ephemeral"]
    assert empty[1].text == ("De agenda van CoP sync heeft nog geen onderwerpen.\n"
                             'Stel er een voor met /meeting agenda add "…".')
    everything = [shown, refused, edited, missing, removed, after, *empty]
    assert all(not english_names_in(o.text) for o in everything)
