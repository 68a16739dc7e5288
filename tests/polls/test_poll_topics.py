"""Topic suggestions: members add topics (by command or the post's form) and upvote as many as they like; the topics
are shown ranked; a topic already there, whatever its case, is refused."""

from __future__ import annotations

from tests.console_harness import transcript

START = """
clock 2026-12-02T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"
"""


async def test_members_suggest_topics_and_upvote_them(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(START)
        posted = await t.one('/poll topics "What do you want to talk about more often?" "Testing"')
        assert [label for label, _ in posted.buttons] == ["▲ Testing", "Suggest a topic"]
        again = await t.one('as ben\n/poll suggest 1 "Data contracts"')
        assert again.kind == "post" and "1. Data contracts (1 vote)\n2. Testing (0 votes)" in again.text
        _upvoted, updated = await t.run(f"as cy\nclick {again.id} ▲ Testing")
        assert "1. Testing (1 vote)\n2. Data contracts (1 vote)" in updated.text  # a tie: as suggested
        await t.run(f"click {again.id} Suggest a topic")
        thanked, reposted = await t.run('submit f1 topic="Lineage"')
        assert thanked.text == "You suggested Lineage and upvoted it." and thanked.to == "cy"
        assert reposted.kind == "post" and "▲ Lineage" in [label for label, _ in reposted.buttons]
        _chose, ranked = await t.run(f"as dee\nclick {reposted.id} ▲ Lineage")
        assert "1. Lineage (2 votes)" in ranked.text and "2 (" not in ranked.text.splitlines()[1]
        refused = await t.one('/poll suggest 1 "LINEAGE"')
        assert refused.kind == "ephemeral" and refused.text == "Lineage is there already: upvote it."
        wrong = await t.one('/poll suggest 99 "X"')
        assert wrong.text.startswith("There is no poll 99")


async def test_a_poll_with_its_own_options_takes_no_topics(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(START + '/poll new "Pizza?" "Yes" "No"\n')
        refused = await t.one('/poll suggest 1 "Maybe"')
        assert refused.text == "Poll 1 takes no topics: it asks its own options."
