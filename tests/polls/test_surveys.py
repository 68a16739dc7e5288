"""Surveys through the console: Hearth's four templates in English and in Dutch, answered in one form (page by
page beyond five questions), the compass's private reading, and the community's own templates from a spec."""

from __future__ import annotations

import pytest

from adapters.console.workspace import OpenForm
from tests.console_harness import Transcript, community_script, transcript


def last_form(t: Transcript) -> OpenForm:
    return max(t.session.workspace.forms.values(), key=lambda opened: int(opened.id[1:]))


def start(language: str = "en") -> str:
    return community_script(language, at="2026-12-02T09:00")


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(start())
        yield running


async def test_a_satisfaction_survey_is_answered_in_one_form(t: Transcript) -> None:
    posted = await t.one("/poll survey satisfaction --closes 7d")
    assert posted.kind == "post" and posted.text.splitlines()[0] == "Poll 1: How are we doing?"
    assert "1. How satisfied are you with how this community works?" in posted.text
    assert [label for label, _ in posted.buttons] == ["Answer the survey"]
    assert "anonymous" in posted.text
    await t.run(f"as ben\nclick {posted.id} Answer the survey")
    form = last_form(t).form
    assert [field.name for field in form.fields] == ["q0", "q1", "q2", "q3", "q4"]
    assert [option.value for option in form.fields[0].options] == ["1", "2", "3", "4", "5"]
    kept = await t.one('submit f1 q0=4 q1=5 q2=3 q3="The cases" q4=""')
    assert kept.text == "Your answers are kept. You can change it until the poll closes."
    for member, points in (("cy", "2"), ("dee", "3")):
        await t.run(f"as {member}\nclick {posted.id} Answer the survey")
        await t.one(f'submit {last_form(t).id} q0={points} q1=4 q2=4 q3="" q4="More cases"')
    shown = await t.one("as ana\n/poll show 1")
    assert "3 members answered" in shown.text


async def test_a_typed_rating_or_option_is_read_and_a_wrong_one_changes_nothing(t: Transcript) -> None:
    posted = await t.one("/poll survey session")
    await t.run(f"as ben\nclick {posted.id} Answer the survey")
    refused = await t.one('submit f1 q0="Good pace" q1="" q2="eleven" q3=""')
    assert refused.kind == "ephemeral"
    assert refused.text.startswith("Question 3: give a number from 1 to 5, not eleven.")
    shown = await t.one("/poll show 1")
    assert "0 members answered" in shown.text


async def test_the_compass_gives_a_private_reading_per_item(t: Transcript) -> None:
    posted = await t.one("/poll survey compass")
    assert "results for facilitators" in posted.text
    await t.run(f"click {posted.id} Answer the survey")
    reading = await t.one("submit f1 q0=1 q1=3 q2=5 q3=2 q4=4")
    assert reading.kind == "ephemeral" and reading.to == "ana"
    assert "Your compass" in reading.text
    assert "Our goal is clear to every member: 1 of 5. Write the goal down" in reading.text.replace("**", "")
    assert "Only you see this reading" in reading.text


async def test_a_community_template_from_a_spec(t: Transcript) -> None:
    added = await t.one('/poll template add {name: retro, title: Sprint retro, anonymous: true, questions: '
                        '[{kind: rating, text: "How was the sprint?", scale: 10}, {kind: open, text: "What next?"}]}')
    assert added.kind == "ephemeral" and added.text.startswith("Template retro added.")
    listed = await t.one("/poll templates")
    assert "retro" in listed.text and "satisfaction" in listed.text and "compass" in listed.text
    posted = await t.one("/poll survey retro")
    assert posted.text.splitlines()[0] == "Poll 1: Sprint retro"
    again = await t.one('/poll template add {name: retro, title: Retro, questions: [{kind: open, text: Why}]}')
    assert again.text.startswith("Template retro replaced.")
    removed = await t.one("/poll template remove retro")
    assert removed.text.startswith("Template retro removed.")
    gone = await t.one("/poll survey retro")
    assert gone.text.startswith("There is no template retro.")


async def test_a_broken_spec_names_its_line_and_field(t: Transcript) -> None:
    refused = await t.one("/poll template add {name: retro, title: Retro, questions: [{kind: poll, text: Why}]}")
    assert refused.text.startswith("Line 1, questions › 1 › kind: this is one of choice, multiple, rating, open,")
    refused = await t.one("/poll template add {name: retro, questions: [{kind: open, text: Why}]}")
    assert refused.text.startswith("Line 1, title: this field is missing.")
    refused = await t.one("/poll template add {name: Retro!, title: R, questions: [{kind: open, text: Why}]}")
    assert refused.text.startswith("Line 1, name: a template's name is one word")
    refused = await t.one("/poll template add {name: compass, title: R, questions: [{kind: open, text: Why}]}")
    assert "one of Hearth's own templates" in refused.text
    refused = await t.one("/poll template add {name: [")
    assert refused.text.startswith("Line 1, column")
    listed = await t.one("/poll templates")
    assert "This community's own" not in listed.text


async def test_members_cannot_add_templates(t: Transcript) -> None:
    refused = await t.one("as ben\n/poll template add {name: retro, title: R, questions: [{kind: open, text: W}]}")
    assert refused.kind == "ephemeral" and "facilitator" in refused.text.casefold()


async def test_a_dutch_survey_reads_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        posted = await t.one("/poll survey satisfaction")
        assert posted.text.splitlines()[0] == "Peiling 1: Hoe doen we het?"
        assert [label for label, _ in posted.buttons] == ["Vul de vragenlijst in"]
        await t.run(f"as ben\nclick {posted.id} Vul de vragenlijst in")
        kept = await t.one('submit f1 q0=4 q1=5 q2=3 q3="" q4=""')
        assert kept.text.startswith("Je antwoorden zijn bewaard.")
        listed = await t.one("/poll templates")
        assert "Tevredenheid" not in listed.text and "satisfaction" in listed.text
