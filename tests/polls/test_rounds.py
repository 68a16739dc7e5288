"""Polls asked again and again, through the console with a simulated clock: a satisfaction survey every quarter
for a year with its trend chart, a poll that opens later, and feedback after each meeting of a series (in the
channel and by direct message to those going)."""

from __future__ import annotations

import pytest

from adapters.console.workspace import OpenForm, Output
from tests.console_harness import Transcript, transcript

START = """
clock 2026-12-02T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP"
"""


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(START)
        yield running


def last_form(t: Transcript) -> OpenForm:
    return max(t.session.workspace.forms.values(), key=lambda opened: int(opened.id[1:]))


def posts(outputs: list[Output], heading: str) -> list[Output]:
    return [output for output in outputs if output.kind == "post" and heading in output.text.splitlines()[0]
            and "This poll has closed" not in output.text]


async def test_a_quarterly_survey_for_a_year_and_its_trend(t: Transcript) -> None:
    scheduled = await t.one("/poll schedule satisfaction every quarter on the first Monday at 10:00 --closes 7d")
    assert scheduled.kind == "post" and scheduled.text.startswith("Scheduled: How are we doing?, round 1")
    assert "Each round stays open for 7 days." in scheduled.text
    rounds: list[Output] = []
    closed: list[Output] = []
    for number, (until, answers) in enumerate((
        ("2027-01-04T10:05", ("5", "4", "4")), ("2027-04-05T10:05", ("3", "3", "")),
        ("2027-07-05T10:05", ("4", "5", "5")), ("2027-10-04T10:05", ("2", "3", "4")),
    ), start=1):
        outputs = await t.run(f"until {until}")
        asked = posts(outputs, "How are we doing?")
        assert len(asked) == 1, outputs
        rounds.append(asked[0])
        closed += [output for output in outputs if "This poll has closed" in output.text]
        for member, points in zip(("ben", "cy", "dee"), answers, strict=True):
            if points:
                await t.run(f"as {member}\nclick {asked[0].id} Answer the survey")
                await t.one(f"submit {last_form(t).id} q0={points} q1=3 q2=4 q3=\"\" q4=\"\"")
        assert f"Poll {number}:" in asked[0].text
    outputs = await t.run("until 2027-12-31T12:00")
    closed += [output for output in outputs if "This poll has closed" in output.text]
    assert len(rounds) == 4 and len(closed) == 4  # each round closed a week after it opened, once
    assert not posts(outputs, "How are we doing?")[1:]  # no fifth round within the year
    shown = await t.one("as ana\n/poll trend 1")
    assert shown.kind == "ephemeral" and shown.text.startswith("Trend of How are we doing?")
    lines = [line for line in shown.text.splitlines() if " answered · " in line or line.endswith(" answered")]
    assert len(lines) == 4
    assert "mean 4.3 of 5" in lines[0] and "100% of the regulars" in lines[0]
    assert "results not shown yet" in lines[1]  # two answers: below the anonymous threshold of three
    assert "mean 3.0 of 5" in lines[3]
    assert shown.files and shown.files[0][1] == "image/png"
    listed = await t.one("/poll rounds")
    assert "4 rounds so far" in listed.text
    stopped = await t.one("/poll unschedule 1")
    assert "is asked no more" in stopped.text
    outputs = await t.run("until 2028-01-04T11:00")
    assert not posts(outputs, "How are we doing?")


async def test_only_facilitators_schedule_and_a_bad_rhythm_changes_nothing(t: Transcript) -> None:
    refused = await t.one("as ben\n/poll schedule satisfaction every quarter")
    assert refused.kind == "ephemeral" and "facilitator" in refused.text.casefold()
    refused = await t.one("as ana\n/poll schedule satisfaction whenever it suits")
    assert refused.kind == "ephemeral"
    refused = await t.one("/poll schedule nonsense every quarter")
    assert refused.text.startswith("There is no template nonsense.")
    refused = await t.one("/poll schedule satisfaction every quarter --closes soon")
    assert refused.text.startswith("--closes wants how long each round stays open")
    listed = await t.one("/poll rounds")
    assert "None yet." in listed.text


async def test_a_poll_that_opens_later(t: Transcript) -> None:
    ready = await t.one('/poll new "Which day?" "Monday" "Friday" --opens "2026-12-03 09:00" --closes 2d')
    assert ready.kind == "ephemeral" and ready.text.startswith("Poll ready: it is posted here")
    assert (await t.one("/poll list")).text.count("Which day?") == 0
    outputs = await t.run("until 2026-12-03T09:01")
    opened = posts(outputs, "Which day?")
    assert len(opened) == 1 and [label for label, _ in opened[0].buttons] == ["Monday", "Friday"]
    await t.run(f"as ben\nclick {opened[0].id} Friday")
    outputs = await t.run("until 2026-12-05T09:01")
    assert any("This poll has closed" in output.text for output in outputs)
    refused = await t.one('as ana\n/poll new "Late?" "Yes" "No" --opens "2026-12-01 09:00"')
    assert refused.text.startswith("That opening time has passed.")


async def test_feedback_after_each_meeting_in_the_channel_and_to_those_going(t: Transcript) -> None:
    await t.run('/meeting schedule "Intervisie" every week on Wednesday at 14:00 --for 60m')
    said = await t.one("/meeting edit --feedback dm")
    assert said.kind == "post" and "by direct message to those who said they were going" in said.text
    shown = await t.one("as ben\n/meeting next")
    await t.run(f"click {shown.id} Going")
    outputs = await t.run("until 2026-12-02T15:05")
    asked = posts(outputs, "Feedback on the session")
    assert len(asked) == 1 and asked[0].channel == "#data-cop"
    assert [label for label, _ in asked[0].buttons] == ["Answer the survey"]
    direct = [output for output in outputs if output.kind == "dm" and "feedback poll" in output.text]
    assert [output.to for output in direct] == ["ben"]
    outputs = await t.run("until 2026-12-09T15:05")
    assert len(posts(outputs, "Feedback on the session")) == 1
    off = await t.one("as ana\n/meeting edit --feedback off")
    assert "No more feedback poll" in off.text
    outputs = await t.run("until 2026-12-16T15:05")
    assert not posts(outputs, "Feedback on the session")
    trend = await t.one("/poll trend 1")
    assert len([line for line in trend.text.splitlines() if line.startswith("Wed ")]) == 2
