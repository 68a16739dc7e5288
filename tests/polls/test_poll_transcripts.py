"""Polls through the console, as members would use them, in English and in Dutch: every kind of question, answers
that change, results as text bars where they may be seen, anonymous polls and their threshold, and mistakes."""

from __future__ import annotations

import pytest

from tests.console_harness import Transcript, community_script, transcript


def start(language: str = "en") -> str:
    return community_script(language, at="2026-12-02T09:00")


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(start())
        yield running


async def test_a_choice_poll_counts_clicks_and_follows_changes(t: Transcript) -> None:
    posted = await t.one('/poll new "Which day suits you?" "Monday" "Wednesday" "Friday"')
    assert posted.kind == "post" and posted.text.splitlines()[0] == "Poll 1: Which day suits you?"
    assert [label for label, _ in posted.buttons] == ["Monday", "Wednesday", "Friday"]
    chose, updated = await t.run(f"as ben\nclick {posted.id} Wednesday")
    assert chose.kind == "ephemeral" and chose.to == "ben"
    assert chose.text == "You chose Wednesday. You can change it until the poll closes."
    assert updated.kind == "update" and "██████████ 1 (100%) 2. Wednesday" in updated.text
    await t.run(f"as cy\nclick {posted.id} Friday")
    _chose, changed = await t.run(f"as ben\nclick {posted.id} Friday")  # Ben changes his mind
    assert "██████████ 2 (100%) 3. Friday" in changed.text and "2 members answered" in changed.text
    closed = await t.one("as ana\n/poll close 1")
    assert closed.kind == "post" and "This poll has closed. The results:" in closed.text and closed.buttons == ()
    late = await t.one(f"as dee\nclick {posted.id} Monday")
    assert late.kind == "ephemeral" and late.text.startswith("Poll 1 has closed: answers can no longer change.")


async def test_a_multiple_choice_takes_several_up_to_its_most(t: Transcript) -> None:
    posted = await t.one('/poll new "Which topics?" "dbt" "Dashboards" "Testing" --multi --most 2')
    await t.run(f"as ben\nclick {posted.id} dbt")
    chose, _updated = await t.run(f"click {posted.id} Testing")
    assert chose.text == "You chose dbt, Testing. You can change it until the poll closes."
    refused = await t.one(f"click {posted.id} Dashboards")
    assert refused.text.startswith("Choose at most 2: take one back first.")


async def test_a_rating_shows_its_mean(t: Transcript) -> None:
    posted = await t.one('/poll rating "How useful was today?" --low "Not at all" --high "Very" --scale 10')
    assert [label for label, _ in posted.buttons] == [str(n) for n in range(1, 11)]
    assert "1 = Not at all · 10 = Very" in posted.text
    await t.run(f"as ben\nclick {posted.id} 8")
    chose, updated = await t.run(f"as cy\nclick {posted.id} 9")
    assert chose.text == "You gave 9 of 10. You can change it until the poll closes."
    assert "Mean 8.5 of 10" in updated.text


async def test_an_open_question_is_answered_in_a_form(t: Transcript) -> None:
    posted = await t.one('/poll open "What should we discuss next?"')
    await t.run(f"as ben\nclick {posted.id} Give your answer")
    thanked = await t.one('submit f1 answer="Data contracts, <b>please</b>"')
    assert thanked.text == "Your answer is kept. You can change it until the poll closes."
    shown = await t.one("/poll show 1")
    assert shown.kind == "ephemeral" and "You have answered" in shown.text
    assert "• Data contracts, <b>please</b>" in shown.text and "1 answer\n" in shown.text
    await t.run(f"click {posted.id} Give your answer")
    await t.run('submit f2 answer="Lineage"')  # a second answer replaces the first
    shown = await t.one("as ana\n/poll show 1")
    assert "• Lineage" in shown.text and "Data contracts" not in shown.text


async def test_an_anonymous_poll_shows_results_only_from_three_answers(t: Transcript) -> None:
    posted = await t.one('/poll new "Is the rhythm right?" "Yes" "No" --anonymous')
    assert "anonymous · results once 3 members answered" in posted.text
    for member in ("ben", "cy"):
        await t.run(f"as {member}\nclick {posted.id} Yes")
    shown = await t.one("as ana\n/poll show 1")
    assert "█" not in shown.text and "2 members answered" in shown.text  # not even a facilitator sees them
    _chose, updated = await t.run(f"as dee\nclick {posted.id} No")
    assert "███████░░░ 2 (67%) 1. Yes" in updated.text and "3 members answered" in updated.text
    assert "ben" not in updated.text and "dee" not in updated.text


async def test_results_until_closed_are_for_facilitators_meanwhile(t: Transcript) -> None:
    posted = await t.one('/poll new "Which room?" "A" "B" --results closed')
    _chose, updated = await t.run(f"as ben\nclick {posted.id} A")
    assert "results when it closes" in updated.text and "█" not in updated.text
    assert "█" in (await t.one("as ana\n/poll results 1")).text


@pytest.mark.parametrize(("line", "said"), [
    ('/poll new "Only one?" "A"', "A poll has 2 to 25 options; this one has 1."),
    ('/poll new "Twice?" "Tea" "tea"', "The option tea is there twice."),
    ('/poll new "" "A" "B"', "cannot be empty"),
    ('/poll rating "How?" --scale 7', "--scale"),
    ('/poll new "When?" "A" "B" --closes 2026-01-01', "That closing time has passed"),
    ('/poll new "When?" "A" "B" --closes whenever', "--closes wants a length of time or a date, not whenever."),
    ("/poll show 99", "There is no poll 99 in this community."),
    ("/poll close 99", "There is no poll 99 in this community."),
])
async def test_mistakes_are_private_and_change_nothing(t: Transcript, line: str, said: str) -> None:
    answer = await t.one(line)
    assert answer.kind == "ephemeral" and answer.to == "ana" and said in answer.text, answer.text
    assert "No polls yet." in (await t.one("/poll list")).text


async def test_only_its_author_or_a_facilitator_closes_a_poll(t: Transcript) -> None:
    await t.run('as ben\n/poll new "Pizza?" "Yes" "No"')
    refused = await t.one('as cy\n/poll close 1')
    assert refused.text == "Only the member who asked poll 1 or a facilitator can close it."
    assert (await t.one("as ben\n/poll close 1")).kind == "post"


async def test_a_dutch_community_polls_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        posted = await t.one('/poll new "Welke dag past jou?" "maandag" "woensdag" --anonymous --closes 3d')
        assert posted.text.splitlines()[0] == "Peiling 1: Welke dag past jou?"
        assert "0 leden hebben geantwoord · anoniem · sluit over 3 dagen · resultaten zodra 3 leden hebben " \
               "geantwoord" in posted.text
        chose, _updated = await t.run(f"as ben\nclick {posted.id} woensdag")
        assert chose.text == "Je koos woensdag. Je kunt het wijzigen tot de peiling sluit."
        wrong = await t.one('/poll new "Een?" "A"')
        assert wrong.text.splitlines() == ["Een peiling heeft 2 tot 25 keuzes; deze heeft er 1.",
                                           'Zet elke keuze tussen aanhalingstekens: /poll new "Welke dag?" "maandag" '
                                           '"dinsdag"']
        listed = await t.one("/poll list")
        assert "1. Welke dag past jou? (1 antwoorden, sluit" in listed.text


async def test_a_poll_closes_at_its_time_and_posts_its_results_once(t: Transcript) -> None:
    posted = await t.one('/poll new "Which room?" "A" "B" --closes 2d --anonymous')
    assert "closes in 2 days" in posted.text
    for member, room in (("ben", "A"), ("cy", "A"), ("dee", "B")):
        await t.run(f"as {member}\nclick {posted.id} {room}")
    outputs = await t.run("until 2026-12-05T09:00")
    results = [o for o in outputs if o.kind == "post"]
    assert len(results) == 1 and results[0].channel == "#data-cop"
    assert results[0].text.splitlines()[:2] == ["Poll 1: Which room?", "This poll has closed. The results:"]
    assert "2 (67%) 1. A" in results[0].text and results[0].buttons == ()
    late = await t.one(f"as ben\nclick {posted.id} B")
    assert late.text.startswith("Poll 1 has closed")
    assert (await t.run("until 2026-12-06T09:00")) == []


async def test_a_dutch_mean_is_written_the_dutch_way(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        posted = await t.one('/poll rating "Hoe nuttig?"')
        await t.run(f"as ben\nclick {posted.id} 4")
        _chose, updated = await t.run(f"as cy\nclick {posted.id} 5")
    assert "Gemiddeld 4,5 op 5" in updated.text


async def test_closing_posts_a_chart_and_the_export_comes_by_direct_message(t: Transcript) -> None:
    import csv
    import io

    posted = await t.one('/poll new "Which day?" "Monday" "=SUM(A1)"')
    for member, day in (("ben", "Monday"), ("cy", "=SUM(A1)")):
        await t.run(f"as {member}\nclick {posted.id} {day}")
    refused = await t.one("as ben\n/poll export 1")
    assert refused.kind == "ephemeral" and refused.text.startswith("Only the member who asked poll 1")
    sent, said = await t.run("as ana\n/poll export 1")
    assert sent.kind == "dm" and sent.to == "ana" and said.text == "I sent you the file of poll 1 by direct message."
    data = t.session.workspace.messages[sent.id].message.files[0].data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert ["Which day?", "Monday", "1", "50.0"] in rows and ["Which day?", "'=SUM(A1)", "1", "50.0"] in rows
    assert rows[-3:] == [["Member", "Which day?"], ["ben", "Monday"], ["cy", "'=SUM(A1)"]]
    closed = await t.one("/poll close 1")
    (chart,) = t.session.workspace.messages[closed.id].message.files
    assert chart.mime_type == "image/png" and chart.data.startswith(b"\x89PNG\r\n\x1a\n")


async def test_an_anonymous_export_names_nobody(t: Transcript) -> None:
    posted = await t.one('/poll new "Rhythm right?" "Yes" "No" --anonymous')
    early = await t.one("/poll export 1")
    assert early.text.startswith("Poll 1 has no results to export yet")
    for member in ("ben", "cy", "dee"):
        await t.run(f"as {member}\nclick {posted.id} Yes")
    sent, _said = await t.run("as ana\n/poll export 1")
    data = t.session.workspace.messages[sent.id].message.files[0].data.decode("utf-8-sig")
    assert "Yes" in data and not any(name in data for name in ("ben", "cy", "dee"))


async def test_a_community_can_keep_asking_polls_to_its_facilitators(t: Transcript) -> None:
    shown = await t.one("/hearth settings")
    assert "Who asks polls: Every member" in shown.text
    saved = await t.one("/hearth settings --polls facilitators")
    assert "Who asks polls: Facilitators only" in saved.text
    for command in ('/poll new "Which day?" "Monday" "Friday"', "/poll survey satisfaction",
                    '/poll new "Which day?" "Monday" "Friday" --opens 2026-12-20'):
        refused = await t.one(f"as ben\n{command}")
        assert refused.kind == "ephemeral" and refused.to == "ben"
        assert refused.text.startswith("In Data CoP, facilitators ask the polls.")
        assert "Suggest your question to a facilitator" in refused.text
    assert "No polls yet" in (await t.one("/poll list")).text  # nothing was asked
    denied = await t.one("/hearth settings --polls everyone")
    assert denied.kind == "ephemeral" and "Who asks polls: Facilitators only" not in denied.text
    posted = await t.one('as ana\n/poll new "Which day?" "Monday" "Friday"')
    assert posted.kind == "post"
    wrong = await t.one("/hearth settings --polls nobody")
    assert wrong.text.startswith("nobody is not one of the choices: everyone, facilitators.")
    await t.run("/hearth settings --polls everyone")
    assert (await t.one('as ben\n/poll new "Which time?" "10:00" "14:00"')).kind == "post"


async def test_the_setting_and_its_refusal_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        saved = await t.one("/hearth settings --polls facilitators")
        assert "Wie peilingen opstelt: Alleen facilitators" in saved.text
        refused = await t.one('as ben\n/poll new "Welke dag?" "Maandag" "Vrijdag"')
        assert refused.text.startswith("In Data CoP stellen de facilitators de peilingen op.")
