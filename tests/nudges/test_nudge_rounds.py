"""The rounds through the console, as a community lives them: a quiet channel gets a prompt in working hours,
a quiet member a DM that points at something concrete, a newcomer one welcome, an unanswered question is surfaced
once in its thread, a week under the goal reaches the facilitators only; every nudge says why, and `/nudge why`
explains it to whom it concerns. In English and in Dutch."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from adapters.console.workspace import Output
from tests.console_harness import Transcript, community_script, transcript

BRUSSELS = ZoneInfo("Europe/Brussels")


def local(output: Output, zone: ZoneInfo = BRUSSELS) -> datetime:
    return output.at.astimezone(zone)


def nudge_id(output: Output) -> int:
    return int(output.text.split("/nudge why ")[1].split(")")[0].split(".")[0])


async def two_busy_weeks(t: Transcript, *members: str) -> None:
    """From Monday 2 November 2026: each of `members` writes once every weekday for two weeks."""
    for _week in range(2):
        for _day in range(5):
            await t.run("\n".join(f"as {member}\nsay Morning, all" for member in members) + "\nwait 1d")
        await t.run("wait 2d")


async def test_a_quiet_week_gives_a_prompt_and_a_member_nudge_that_points_at_the_next_meeting(
        sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))  # a Monday
        await t.run('/meeting schedule "CoP sync" every 4 weeks on Tuesday at 15:00 --for 60m')
        await two_busy_weeks(t, "ben", "cy")
        quiet = await t.run("wait 9d")
        prompts = [o for o in quiet if o.kind == "post" and "A discussion prompt" in o.text]
        dms = [o for o in quiet if o.kind == "dm"]
        # Hearth's first prompt of the kind, five days after the last message, in working hours on a weekday.
        assert len(prompts) == 1
        assert prompts[0].text.startswith("What is one practice that works well in your team?")
        assert "this channel was quiet for 5 days" in prompts[0].text
        when = local(prompts[0])
        assert when.weekday() < 5 and 9 <= when.hour < 17
        # Both members write daily: after seven silent days, a DM each, pointing at the next meeting.
        assert sorted(o.to or "" for o in dms) == ["ben", "cy"]
        ben = next(o for o in dms if o.to == "ben")
        assert "It has been 7 days since your last message in Data CoP; you usually write about every day." in ben.text
        assert "The next meeting, CoP sync, is " in ben.text and "a good moment to join in again" in ben.text
        assert "Why this message: you are quieter than your own rhythm" in ben.text
        assert "None: /nudge me off." in ben.text
        assert 8 <= local(ben).hour < 20 and local(ben).weekday() < 5  # not at night, not at the weekend

        why = await t.one(f"as ben\n/nudge why {nudge_id(ben)}")
        assert why.kind == "ephemeral" and why.to == "ben"
        assert "the rule “quiet member”" in why.text and "Your last message here was 7 days ago" in why.text
        assert "/nudge me every 2 weeks" in why.text
        refused = await t.one(f"as cy\n/nudge why {nudge_id(ben)}")  # ben's nudge is ben's to know
        assert refused.kind == "ephemeral" and "There is no nudge" in refused.text
        shown = await t.one(f"as cy\n/nudge why {nudge_id(prompts[0])}")  # a channel's nudge is everyone's
        assert "the rule “quiet channel”" in shown.text and "Nobody had posted in the channel for 5 days" in shown.text


async def test_a_question_nobody_answers_is_surfaced_once_in_its_thread(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))
        await t.run("as ben\nsay Which linter do you use?\nsay Has anyone migrated from Airflow to Dagster?")
        ids = {posted.text: ident for ident, posted in t.session.workspace.messages.items()}
        answered, waiting = ids["Which linter do you use?"], ids["Has anyone migrated from Airflow to Dagster?"]
        await t.run(f"as cy\nreply {answered} Ruff, since last year")
        later = await t.run("wait 3d")
        surfaced = [o for o in later if "This question has waited" in o.text]
        assert len(surfaced) == 1
        assert "This question has waited 24 working hours for an answer." in surfaced[0].text
        # in the thread of the question that nobody answered, in working hours
        assert 9 <= local(surfaced[0]).hour < 17
        assert t.session.workspace.messages[surfaced[0].id].thread == waiting
        assert [o for o in await t.run("wait 10d") if "This question has waited" in o.text] == []  # once


async def test_a_newcomer_is_welcomed_once_with_one_easy_step(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))
        await t.run("wait 1h\nas dan\n/nudge me")  # Hearth meets dan; he has not posted
        later = await t.run("wait 14d")
        welcomes = [o for o in later if o.kind == "dm" and o.to == "dan"]
        assert len(welcomes) == 1
        assert "Welcome to Data CoP! An easy first step: say hello in #data-cop" in welcomes[0].text
        assert "you joined 3 days ago and have not posted yet" in welcomes[0].text
        assert not [o for o in later if o.kind == "dm" and o.to == "ana"]  # she set it up: no newcomer to welcome


async def test_a_week_under_the_goal_tells_the_facilitators_and_nobody_else(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))
        await t.run("/nudge goal 5 posts per week\nas ben\nsay One\nsay Two")
        later = await t.run("until 2026-11-09T12:00")  # the Monday after
        notes = [o for o in later if "Last week Data CoP had" in o.text]
        assert [(o.kind, o.to) for o in notes] == [("dm", "ana")]
        assert "Last week Data CoP had 2 messages, under the 5 a week you agreed." in notes[0].text
        assert "nobody is named in it" in notes[0].text and "@ben" not in notes[0].text
        assert local(notes[0]).weekday() == 0 and 9 <= local(notes[0]).hour < 17
        assert [o for o in await t.run("wait 6d") if "Last week" in o.text] == []  # one note a week


async def test_a_member_who_opted_out_or_snoozed_is_left_alone(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))
        await t.run("as ben\n/nudge me off\nas cy\n/nudge me snooze 2026-12-20")
        await two_busy_weeks(t, "ben", "cy", "dee")
        later = await t.run("wait 20d")
        assert {o.to for o in later if o.kind == "dm"} == {"dee"}
        assert "@" not in "".join(o.text for o in later if o.kind == "post")  # channel nudges name nobody


async def test_facilitators_tune_the_rules_and_bad_input_changes_nothing(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))
        shown = await t.one("/nudge rules")
        assert shown.kind == "ephemeral"
        assert "quiet channel (quiet-channel): on. A discussion prompt after 5 days without a post" in shown.text
        assert "unanswered question (unanswered): on. A question without a reply after 24 working hours" in shown.text
        tuned = await t.one("/nudge rule quiet-channel --days 3 --hours 8-18")
        assert "after 3 days without a post, between 8:00 and 18:00" in tuned.text and "Tuned by the" in tuned.text
        for bad, said in (("quiet-channel --days 0", "from 1 to 90"),
                          ("quiet-channel --days 400", "from 1 to 90"),
                          ("quiet-channel --hours 17-9", "Working hours lie between 7:00 and 21:00"),
                          ("quiet-channel --hours 5-9", "span 2 hours at least"),
                          ("quiet-channel --hours 9-10", "span 2 hours at least"),
                          ("quiet-channel --hours nine", "Working hours are written as two hours"),
                          ("quiet-channel --after 10", "The rule quiet-channel has no --after."),
                          ("quiet-channel maybe", "Say on, off or default"),
                          ("loud-channel off", "quiet-channel")):
            refused = await t.one(f"/nudge rule {bad}")
            assert refused.kind == "ephemeral" and said in refused.text, (bad, refused.text)
        refused = await t.one("as ben\n/nudge rule quiet-channel off")
        assert refused.kind == "ephemeral" and "facilitator" in refused.text.lower()
        assert "after 3 days without a post, between 8:00 and 18:00" in (await t.one("/nudge rules")).text
        await t.one("as ana\n/nudge rule quiet-channel off")
        await t.run("as ben\nsay Hello")
        assert [o for o in await t.run("wait 10d") if "A discussion prompt" in o.text] == []
        back = await t.one("as ana\n/nudge rule quiet-channel default")
        assert "quiet channel (quiet-channel): on. A discussion prompt after 5 days" in back.text


async def test_a_dutch_community_reads_its_nudges_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("nl", at="2026-11-02T09:00"))
        await two_busy_weeks(t, "ben")
        later = await t.run("wait 9d")
        prompt = next(o for o in later if o.kind == "post")
        dm = next(o for o in later if o.kind == "dm")
        assert "Een gespreksvraag: dit kanaal was 5 dagen stil." in prompt.text
        assert "Je laatste bericht in Data CoP is 7 dagen geleden; meestal schrijf je ongeveer elke dag." in dm.text
        why = await t.one(f"as ben\n/nudge why {nudge_id(dm)}")
        assert "de regel ‘stil lid’" in why.text
        rules = await t.one("as ana\n/nudge rules")
        for text in (prompt.text, dm.text, why.text, rules.text):
            for english in ("Why", "Hello", "the rule", " days", "working hours", "Facilitators tune"):
                assert english not in text, (english, text)


KIND_SETUP = """
clock 2026-11-02T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP" --type {kind}
"""


async def test_each_kind_of_community_points_a_quiet_member_at_its_own_first_thing(sqlite_url: str) -> None:
    """A helping community points at a question waiting, a knowledge-stewarding one at a library item, an
    innovation one at an open poll; each has all three to choose from."""
    pointed = {}
    for kind in ("helping", "knowledge", "innovation"):
        async with transcript(sqlite_url.replace("hearth.db", f"{kind}.db")) as t:
            await t.run(KIND_SETUP.format(kind=kind))
            await two_busy_weeks(t, "ben")
            await t.run("as cy\nsay Has anyone tried data contracts?\nas ana\n"
                        "/library add https://voorbeeld.nl/contracts Data contracts in practice\n"
                        '/poll new "Which idea do we try next?" "Pairing" "Demos"')
            later = await t.run("wait 9d")
            [dm] = [o for o in later if o.kind == "dm" and o.to == "ben"]
            pointed[kind] = dm.text
    assert "A question in #data-cop is waiting for an answer" in pointed["helping"]
    assert "New in the library: Data contracts in practice" in pointed["knowledge"]
    assert "The poll “Which idea do we try next?” is open and waits for your answer" in pointed["innovation"]
