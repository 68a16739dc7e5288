"""The community's rhythm, a member's own say and the prompt bank through the console, in English and Dutch:
facilitators agree a goal and tend the prompts; everyone sees the community's aggregates and only their own numbers;
bad input is refused privately and changes nothing."""

from __future__ import annotations

import pytest

from tests.console_harness import Transcript, community_script, transcript


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(community_script("en", at="2026-12-03T09:00"))  # a Thursday
        yield running


async def test_a_goal_and_the_weeks_against_it(t: Transcript) -> None:
    posted = await t.one("/nudge goal 5 posts per week")
    assert posted.kind == "post" and "The community agreed on 5 messages a week." in posted.text
    await t.run("as ben\nsay Has anyone tried dbt?\nas cy\nsay Yes, last month\nwait 7d\nas ben\nsay Another week")
    shown = await t.one("/nudge status")
    assert shown.kind == "ephemeral" and shown.to == "ben"
    assert "This week so far: 1 message of the 5 a week agreed." in shown.text
    lines = [line for line in shown.text.splitlines() if "█" in line or "·" in line]
    assert len(lines) == 8 and lines[-2].endswith("  2") and lines[-1].endswith("  1")
    assert "@cy" not in shown.text and "@ben" not in shown.text  # aggregates only


async def test_a_monthly_goal_and_goals_that_do_not_fit(t: Transcript) -> None:
    assert "20 messages a month" in (await t.one("/nudge goal 20 posts per month")).text
    for bad, said in (("0 posts per week", "A weekly goal is 1 to 500 messages; 0 is not one."),
                      ("-3 per week", "A weekly goal is 1 to 500 messages; -3 is not one."),
                      ("100000 per month", "A monthly goal is 1 to 2000 messages; 100000 is not one."),
                      ("5 posts", "Say how often: per week or per month.")):
        refused = await t.one(f"/nudge goal {bad}")
        assert refused.kind == "ephemeral" and said in refused.text, bad
    assert "of the 5 a week agreed" in (await t.one("/nudge status")).text  # 20 a month: 5 a week
    refused = await t.one("as ben\n/nudge goal 3 per week")
    assert refused.kind == "ephemeral" and "facilitator" in refused.text.lower()


async def test_a_member_sees_and_changes_only_their_own(t: Transcript) -> None:
    await t.run("as ben\nsay One\nsay Two\nas cy\nsay Three")
    mine = await t.one("as ben\n/nudge me")
    assert "Your messages here in the last 8 weeks: 2." in mine.text
    assert "only when you are quieter than your own rhythm" in mine.text
    assert "Personal nudges are off for you" in (await t.one("/nudge me off")).text
    assert "at most once in 14 days" in (await t.one("/nudge me every 2 weeks")).text
    assert "snoozed until" in (await t.one("/nudge me snooze 2026-12-20")).text
    on = await t.one("/nudge me on")
    assert "off for you" not in on.text and "snoozed" not in on.text
    for bad, said in (("snooze 2026-11-01", "A snooze ends after today and within a year."),
                      ("snooze 2028-01-01", "A snooze ends after today and within a year."),
                      ("every 0 days", "A cadence is every 1 to 365 days."),
                      ("sometimes", "/nudge me takes: every 2 weeks, off, on, or snooze and a date.")):
        refused = await t.one(f"/nudge me {bad}")
        assert refused.kind == "ephemeral" and said in refused.text, bad


async def test_the_prompt_bank_starts_with_the_kinds_prompts(t: Transcript) -> None:
    listed = await t.one("/nudge prompts list")
    assert "What is one practice that works well in your team?" in listed.text  # a best-practice community
    added = await t.one('/nudge prompts add "Which dashboard are you proudest of?"')
    assert "is in the bank" in added.text
    listed = await t.one("/nudge prompts list")
    assert listed.text.count("\n") >= 6 and "Which dashboard are you proudest of?" in listed.text
    first = next(line for line in listed.text.splitlines() if "works well in your team" in line)
    number = first.split(".")[0].strip()
    assert "is set aside" in (await t.one(f"/nudge prompts remove {number}")).text
    assert "works well in your team" not in (await t.one("/nudge prompts list")).text
    assert "There is no prompt 999" in (await t.one("/nudge prompts remove 999")).text
    refused = await t.one(f'/nudge prompts add "{"x" * 301}"')
    assert "A prompt has at most 300 characters; this one has 301." in refused.text
    member = await t.one('as ben\n/nudge prompts add "Mine"')
    assert member.kind == "ephemeral" and "facilitator" in member.text.lower()


async def test_a_helping_community_gets_its_own_prompts_and_dutch_reads_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run('clock 2026-12-03T09:00 Europe/Brussels\nas ana\nin #hulp\n'
                    '/hearth setup --name "Hulp" --lang nl --type helping')
        listed = await t.one("/nudge prompts list")
        assert "Waar loop je deze week op vast?" in listed.text
        posted = await t.one("/nudge goal 3 berichten per week")
        assert "De community sprak 3 berichten per week af." in posted.text
        shown = await t.one("/nudge status")
        assert shown.text.startswith("Ritme van Hulp") and "Deze week tot nu toe: 0 berichten" in shown.text
