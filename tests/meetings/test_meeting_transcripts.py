"""A quarter of a community's meetings, driven through the console like members would: schedule, RSVP, member
lead times, skip, move, cancel, reminders across the Brussels daylight-saving change, and mistakes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.console_harness import Transcript, transcript, without_nudges

START = """
clock 2026-03-20T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"
/meeting schedule "CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m --link https://meet.example.org/cop
"""


@pytest.fixture
async def t(sqlite_url: str) -> AsyncIterator[Transcript]:
    async with transcript(sqlite_url) as running:
        await running.run(START)
        yield running


async def test_scheduling_answers_with_the_rhythm_and_the_next_three_dates(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        outputs = await t.run(START)
    scheduled = outputs[-1]
    assert scheduled.kind == "post" and scheduled.channel == "#data-cop"
    assert "Scheduled: CoP sync" in scheduled.text
    assert "every 2 weeks on Tuesday at 15:00" in scheduled.text
    # 15:00 in Brussels on both sides of the change to summer time on 29 March.
    assert ("Next: Tue 24 Mar 2026 15:00 CET, Tue 7 Apr 2026 15:00 CEST, Tue 21 Apr 2026 15:00 CEST"
            in scheduled.text)


async def test_a_quarter_of_meetings(t: Transcript) -> None:
    ben_next = await t.one("as ben\n/meeting next")
    assert ben_next.kind == "ephemeral" and ben_next.to == "ben"
    assert [label for label, _action in ben_next.buttons] == ["Going", "Maybe", "Not going"]
    confirmed, updated = await t.run(f"click {ben_next.id} Going")
    assert "You are going to CoP sync on Tue 24 Mar 2026 15:00 CET" in confirmed.text
    assert updated.kind == "update" and "Going: 1 · Maybe: 0 · Not going: 0" in updated.text
    assert "Going: @ben" in updated.text

    said = await t.one("as cy\n/meeting remind 1d 2h")
    assert "1d, 2h before" in said.text
    cy_next = await t.one("/meeting next")
    await t.run(f"click {cy_next.id} Going")
    changed = await t.run("""
        as ana
        /meeting skip --date 2026-04-07
        /meeting move 2026-04-22 16:00 --date 2026-04-21
        /meeting cancel the host is ill --date 2026-05-05
    """)
    assert [o.text for o in changed] == [
        "The CoP sync meeting on Tue 7 Apr 2026 15:00 CEST is skipped.",
        "The CoP sync meeting of Tue 21 Apr 2026 15:00 CEST moves to Wed 22 Apr 2026 16:00 CEST.",
        "The CoP sync meeting on Tue 5 May 2026 15:00 CEST is cancelled.\nReason: the host is ill",
    ]

    first = without_nudges(await t.run("until 2026-03-25T09:00"))
    assert [(o.kind, o.to, o.text.splitlines()[0]) for o in first] == [
        ("post", None, "Reminder: CoP sync starts in 1 day"),
        ("dm", "cy", "Reminder: CoP sync starts in 1 day, Tue 24 Mar 2026 15:00 CET."),
        ("dm", "cy", "Reminder: CoP sync starts in 2 hours, Tue 24 Mar 2026 15:00 CET."),
        ("post", None, "Reminder: CoP sync starts in 1 hour"),
        ("dm", "ben", "Reminder: CoP sync starts in 1 hour, Tue 24 Mar 2026 15:00 CET."),
    ]
    assert "Going: 2 · Maybe: 0 · Not going: 0" in first[0].text
    assert first[0].buttons[0] == ("Going", "meeting.rsvp")
    # 7 April was skipped: nothing until the meeting moved from 21 to 22 April.
    assert without_nudges(await t.run("until 2026-04-20T09:00")) == []
    moved = without_nudges(await t.run("until 2026-04-23T09:00"))
    assert [o.text.splitlines()[0] for o in moved] == [
        "Reminder: CoP sync starts in 1 day", "Reminder: CoP sync starts in 1 hour"]
    assert "Wed 22 Apr 2026 16:00 CEST to 17:00 CEST" in moved[0].text
    assert "Moved from Tue 21 Apr 2026 15:00 CEST." in moved[0].text
    # 5 May was cancelled: no reminders; 19 May is the next one.
    assert without_nudges(await t.run("until 2026-05-17T09:00")) == []
    listed = await t.one("/meeting list")
    assert "Next: Tue 19 May 2026 15:00 CEST, Tue 2 Jun 2026 15:00 CEST, Tue 16 Jun 2026 15:00 CEST" in listed.text
    may = without_nudges(await t.run("until 2026-05-19T16:30"))
    assert [o.text.splitlines()[0] for o in may] == [
        "Reminder: CoP sync starts in 1 day", "Reminder: CoP sync starts in 1 hour"]  # nobody answered for 19 May
    assert "except 2026-04-07" in may[0].text


async def test_a_series_that_runs_out_tells_its_facilitators(t: Transcript) -> None:
    await t.run('/meeting schedule "Kickoff" RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=2 --for 30m')
    outputs = await t.run("until 2026-03-31T09:00")
    notices = [o for o in outputs if o.kind == "dm"]
    assert [(o.to, o.text) for o in notices] == [
        ("ana", "Kickoff has no next meeting. Schedule more with /meeting edit --when …, or end it with /meeting end.")]


async def test_hosts_take_turns_and_are_asked_for_an_agenda(t: Transcript) -> None:
    await t.run("as ben\nas cy\nas ana")
    await t.run('/meeting schedule "Book club" every week on Thursday at 18:00 --hosts "@ben @cy" --remind none')
    outputs = await t.run("until 2026-04-03T09:00")
    asked = [(o.to, o.text.split(" on ")[0]) for o in outputs if o.kind == "dm"]
    assert asked == [("ben", "You host Book club"), ("cy", "You host Book club")]
    nxt = await t.one('/meeting next --series "Book club"')
    assert "Host: @ben" in nxt.text  # 2 April was cy's turn after ben's on 26 March: 9 April is ben again


async def test_agenda_topics_are_proposed_upvoted_and_shown_in_the_reminder(t: Transcript) -> None:
    await t.run('as ben\n/meeting agenda add "How we review dashboards"')
    await t.run('as cy\n/meeting agenda add "dbt tests"')
    shown = await t.one("/meeting agenda show")
    assert shown.kind == "ephemeral"
    assert [label for label, _ in shown.buttons] == ["Upvote 1", "Upvote 2"]
    voted = await t.one(f"click {shown.id} Upvote 2")
    assert voted.text == "You upvoted dbt tests."
    reminder = (await t.run("until 2026-03-23T15:30"))[0]
    lines = reminder.text.splitlines()
    assert lines[lines.index("Agenda") + 1:lines.index("Agenda") + 3] == [
        "• dbt tests (1 vote)", "• How we review dashboards (0 votes)"]


async def test_mistakes_are_private_and_change_nothing(t: Transcript) -> None:
    mistakes = {
        '/meeting schedule "Bad" every blue moon': "'every blue moon' is not a schedule I can read.",
        '/meeting schedule "Bad" every week --for 30h': "A meeting can last at most 24 hours.",
        '/meeting schedule "Bad" every week --link ftp://example.org': "ftp://example.org is not a web link.",
        '/meeting schedule "Bad" every week --link https://me@evil.example': "is not a web link.",
        '/meeting skip --series "CoP snyc"': "There is no series called CoP snyc.\nDid you mean CoP sync?",
        "/meeting move 2026-03-01 10:00": "is in the past.",
        "/meeting skip --date 2026-03-25": "CoP sync has no meeting on",
        '/meeting schedule "CoP sync" every week': "already has a series called CoP sync",
        "/meeting remind 3 weeks": "",
    }
    for line, expected in mistakes.items():
        answer = await t.one(line)
        assert answer.kind == "ephemeral" and answer.to == "ana", line
        assert expected in answer.text, (line, answer.text)
    listed = await t.one("/meeting list")
    assert listed.text.count("**") == 0 and "Bad" not in listed.text
    refused = await t.one("as ben\n/meeting cancel because")
    assert refused.kind == "ephemeral" and "Only facilitators can use /meeting cancel" in refused.text


async def test_pause_resume_edit_and_end(t: Transcript) -> None:
    paused = await t.one("/meeting pause")
    assert paused.text == "CoP sync is paused: no reminders until /meeting resume."
    # No reminders for 24 March while paused (until a minute before the edited series' first reminder is due).
    assert without_nudges(await t.run("until 2026-03-25T08:59")) == []
    again = await t.one("/meeting pause")
    assert again.kind == "ephemeral" and "CoP sync is paused already." in again.text
    await t.run("/meeting resume")
    edited = await t.one('/meeting edit --title "CoP weekly" --when "every week on Wednesday at 10:00" --for 90m')
    assert "Changed: CoP weekly" in edited.text
    assert "Next: Wed 25 Mar 2026 10:00 CET, Wed 1 Apr 2026 10:00 CEST, Wed 8 Apr 2026 10:00 CEST" in edited.text
    nothing = await t.one("/meeting edit")
    assert nothing.kind == "ephemeral" and "Nothing to change" in nothing.text
    reminders = without_nudges(await t.run("until 2026-03-26T09:00"))
    assert [o.text.splitlines()[0] for o in reminders] == ["Reminder: CoP weekly starts in 1 hour"]
    assert "Wed 25 Mar 2026 10:00 CET to 11:30 CET" in reminders[0].text
    ended = await t.one("/meeting end")
    assert "CoP weekly has ended." in ended.text
    assert without_nudges(await t.run("until 2026-04-10T09:00")) == []
    gone = await t.one("/meeting next")
    assert gone.kind == "ephemeral" and "no meeting series yet" in gone.text


async def test_reminder_dms_respect_quiet_hours_in_the_members_own_zone(t: Transcript) -> None:
    # Ben lives in New York: the 1-hour DM for 15:00 in Brussels comes at 09:00 for him (quiet until 10:00),
    # the 1-day one at 10:00 the day before (not quiet).
    await t.run("as ben\n/hearth me --tz America/New_York")
    said = await t.one("/meeting remind quiet 22:00-10:00")
    assert said.text == "No reminder DMs between 22:00 and 10:00, your time."
    await t.run("/meeting remind 1d 1h")
    shown = await t.one("/meeting next")
    await t.run(f"click {shown.id} Going")
    dms = [o for o in await t.run("until 2026-03-25T09:00") if o.kind == "dm"]
    assert [o.text for o in dms] == ["Reminder: CoP sync starts in 1 day, Tue 24 Mar 2026 15:00 CET."]
    wrong = await t.one("/meeting remind quiet late")
    assert wrong.kind == "ephemeral" and "such as 22:00-07:00" in wrong.text
    assert (await t.one("/meeting remind quiet off")).text == "Reminder DMs may come at any hour again."


async def test_agenda_topics_are_numbered_edited_and_removed_by_their_proposer_or_a_facilitator(t: Transcript) -> None:
    await t.run('as ben\n/meeting agenda add "How we review dashboards"')
    await t.run('as cy\n/meeting agenda add "dbt tests"')
    shown = await t.one("/meeting agenda show")
    await t.run(f"click {shown.id} Upvote 1")
    assert shown.text.splitlines()[1:3] == ["1. How we review dashboards (0)", "2. dbt tests (0)"]
    assert "/meeting agenda edit <number> <new text>" in shown.text
    assert "/meeting agenda remove <number>" in shown.text

    refused = await t.one('/meeting agenda edit 1 "Dashboards, my way"')
    assert (refused.kind, refused.to) == ("ephemeral", "cy")
    assert refused.text == ("Only ben, who proposed this topic, or a facilitator (ana) can use /meeting agenda edit "
                            "on it.")
    edited = await t.one('as ben\n/meeting agenda edit 1 "How we review dashboards, with examples"')
    assert (edited.kind, edited.channel) == ("post", "#data-cop")
    assert edited.text == ("@ben changed topic 1 for CoP sync on Tue 24 Mar 2026 15:00 CET to: How we review "
                           "dashboards, with examples")
    not_his = await t.one("/meeting agenda remove 2")
    assert (not_his.kind, not_his.to) == ("ephemeral", "ben") and "Only cy, who proposed this topic" in not_his.text
    missing = await t.one("/meeting agenda remove 3")
    assert (missing.kind, missing.to) == ("ephemeral", "ben")
    assert missing.text == ("The agenda of CoP sync has no topic 3.\n"
                            "See the topics and their numbers with /meeting agenda show.")

    removed = await t.one("as ana\n/meeting agenda remove 2")
    assert removed.text == "@ana took a topic off the agenda of CoP sync on Tue 24 Mar 2026 15:00 CET: dbt tests"
    after = await t.one("/meeting agenda show")
    assert after.text.splitlines()[1:2] == ["1. How we review dashboards, with examples (1)"]  # cy's vote stayed
    reminder = (await t.run("until 2026-03-23T15:30"))[0]
    lines = reminder.text.splitlines()
    assert lines[lines.index("Agenda") + 1] == "• How we review dashboards, with examples (1 vote)"
    assert "dbt tests" not in reminder.text
