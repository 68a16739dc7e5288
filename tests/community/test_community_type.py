"""The kind of community (helping, best practice, knowledge-stewarding, innovation), chosen at setup or in the
settings, through the console in English and Dutch; a kind Hearth does not know is refused and changes nothing."""

from __future__ import annotations

from tests.console_harness import transcript


async def test_the_kind_is_chosen_at_setup_and_changed_in_the_settings(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        [post, *_] = await t.run('clock 2026-12-03T09:00 Europe/Brussels\nas ana\nin #help-desk\n'
                                 '/hearth setup --name "Help desk" --type helping')
        assert "Kind of community: Helping: members help each other with everyday problems" in post.text
        changed = await t.one("/hearth settings --type knowledge")
        assert "Kind of community: Knowledge-stewarding" in changed.text
        refused = await t.one("/hearth settings --type party")
        assert refused.kind == "ephemeral" and "party" in refused.text
        assert "Kind of community: Knowledge-stewarding" in (await t.one("/hearth settings")).text


async def test_a_community_that_chose_no_kind_is_a_best_practice_one_in_dutch_too(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        [post, *_] = await t.run("clock 2026-12-03T09:00 Europe/Brussels\nas ana\nin #data\n"
                                 '/hearth setup --name "Data" --lang nl')
        assert "Soort community: Goede praktijk: goede werkwijzen ontwikkelen en verspreiden" in post.text
