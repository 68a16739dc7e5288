"""One meeting as well as a series: the phrases that name one day, in English and in Dutch, the kick-off with its
proposed agenda, and what a single meeting is everywhere else (reminders, RSVP, calendar file, its end)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.recurrence import describe, read_rhythm
from bot.vocabulary import weekday_names
from tests.console_harness import Transcript, transcript

ZONE = "Europe/Brussels"
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Brussels


@pytest.mark.parametrize(("phrase", "start", "length"), [
    ("on 2027-03-20 at 14:00", datetime(2027, 3, 20, 14), None),
    ("op 2027-03-20 om 14:00", datetime(2027, 3, 20, 14), None),
    ("tomorrow at 10:00", datetime(2026, 12, 3, 10), None),
    ("morgen om 10u", datetime(2026, 12, 3, 10), None),
    ("the day after tomorrow at 10:00", datetime(2026, 12, 4, 10), None),
    ("overmorgen om 10:00", datetime(2026, 12, 4, 10), None),
    ("today at 16:00", datetime(2026, 12, 2, 16), None),
    ("vandaag om 16:00", datetime(2026, 12, 2, 16), None),
    ("next Thursday at 9:30", datetime(2026, 12, 3, 9, 30), None),
    ("volgende donderdag om 9:30", datetime(2026, 12, 3, 9, 30), None),
    ("aanstaande donderdag om 9:30", datetime(2026, 12, 3, 9, 30), None),
    ("next Wednesday at 9:30", datetime(2026, 12, 9, 9, 30), None),  # today is a Wednesday: the next one
    ("op 20 maart om 14u", datetime(2027, 3, 20, 14), None),
    ("on 20 March at 14:00", datetime(2027, 3, 20, 14), None),
    ("on March 20 2027 at 2pm", datetime(2027, 3, 20, 14), None),
    ("op 20 maart 2027 om 14:00", datetime(2027, 3, 20, 14), None),
    ("20/3/2027 14:00", datetime(2027, 3, 20, 14), None),
    ("once on 2027-03-20 at 14:00", datetime(2027, 3, 20, 14), None),
    ("eenmalig op 2027-03-20 om 14:00", datetime(2027, 3, 20, 14), None),
    ("tomorrow at 14:00 for 90m", datetime(2026, 12, 3, 14), timedelta(minutes=90)),
    ("morgen van 14:00 tot 15:30", datetime(2026, 12, 3, 14), timedelta(minutes=90)),
    ("next Friday 14:00-15:30", datetime(2026, 12, 4, 14), timedelta(minutes=90)),
    ("on 2027-03-20", datetime(2027, 3, 20, 9), None),
])
def test_a_phrase_that_names_one_day_is_one_meeting(phrase: str, start: datetime, length: timedelta | None) -> None:
    read = read_rhythm(phrase, timezone=ZONE, now=NOW)
    assert (read.recurrence.rule, read.recurrence.start, read.recurrence.count) == ("FREQ=DAILY", start, 1)
    assert read.length == length
    assert read.recurrence.preview(NOW, 5) == [start.replace(tzinfo=ZoneInfo(ZONE)).astimezone(UTC)]


@pytest.mark.parametrize(("phrase", "expected"), [
    ("on Thursday at 9:30", datetime(2026, 12, 3, 9, 30)),
    ("op donderdag om 9:30", datetime(2026, 12, 3, 9, 30)),
    ("on Wednesday at 08:00", datetime(2026, 12, 9, 8)),  # today, but that time has passed
    ("on Wednesday at 10:00", datetime(2026, 12, 2, 10)),
    ("on the first Monday at 10:00", datetime(2026, 12, 7, 10)),
    ("next Thursday at 9:30", datetime(2026, 12, 3, 9, 30)),
])
def test_days_alone_are_the_next_such_day_when_it_must_be_one_meeting(phrase: str, expected: datetime) -> None:
    read = read_rhythm(phrase, timezone=ZONE, now=NOW, single=True)
    assert (read.recurrence.start, read.recurrence.count) == (expected, 1)


@pytest.mark.parametrize(("phrase", "said"), [
    ("every 2 weeks on 2027-03-20", "names one day and also a rhythm"),
    ("tomorrow every week", "names one day and also a rhythm"),
    ("elke week morgen om 10:00", "names one day and also a rhythm"),
    ("next Thursday until 2027-06-30", "names one day and also a rhythm"),
    ("tomorrow at 10:00 10 times", "names one day and also a rhythm"),
    ("on 2026-03-20 at 14:00", "has passed"),
    ("today at 08:00", "has passed"),
    ("vandaag om 08:00", "has passed"),
    ("morgen van 15:00 tot 14:00", "would end before it starts"),
])
def test_a_phrase_that_cannot_be_one_meeting_is_refused(phrase: str, said: str) -> None:
    with pytest.raises(UserError) as refused:
        read_rhythm(phrase, timezone=ZONE, now=NOW)
    assert said in refused.value.message.msgid


@pytest.mark.parametrize("phrase", ["every week", "elke 2 weken op dinsdag", "Mondays at 9", "RRULE:FREQ=DAILY"])
def test_a_rhythm_is_refused_where_one_meeting_is_asked(phrase: str) -> None:
    with pytest.raises(UserError) as refused:
        read_rhythm(phrase, timezone=ZONE, now=NOW, single=True)
    assert "this is one meeting" in refused.value.message.msgid


def test_one_meeting_in_a_daylight_saving_gap_moves_forward_by_the_gap() -> None:
    before_the_change = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    read = read_rhythm("tomorrow at 02:30", timezone=ZONE, now=before_the_change)
    assert read.recurrence.preview(before_the_change, 2) == [datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]  # 03:30 CEST
    sydney = read_rhythm("morgen om 02:30", timezone="Australia/Sydney", now=datetime(2026, 10, 3, 0, 0, tzinfo=UTC))
    assert sydney.recurrence.preview(datetime(2026, 10, 3, tzinfo=UTC), 1) == [
        datetime(2026, 10, 3, 16, 30, tzinfo=UTC)]  # 03:30 AEDT on 4 October


days = st.dates(min_value=date(2026, 12, 3), max_value=date(2030, 12, 31))
clocks = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@settings(max_examples=120, deadline=None)
@given(days, clocks, st.sampled_from(["en", "nl"]), st.sampled_from(["iso", "words", "weekday"]))
def test_any_day_written_in_either_language_reads_back_as_that_one_meeting(
        day: date, clock: time, language: str, form: str) -> None:
    months = {"en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"),
              "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                     "oktober", "november", "december")}[language]
    on, at, following = {"en": ("on", "at", "next"), "nl": ("op", "om", "volgende")}[language]
    if form == "iso":
        phrase, expected = f"{on} {day.isoformat()} {at} {clock:%H:%M}", day
    elif form == "words":
        phrase, expected = f"{on} {day.day} {months[day.month - 1]} {day.year} {at} {clock:%H:%M}", day
    else:
        today = NOW.astimezone(ZoneInfo(ZONE)).date()
        expected = today + timedelta(days=(day.weekday() - today.weekday() - 1) % 7 + 1)
        phrase = f"{following} {weekday_names(language)[day.weekday()]} {at} {clock:%H:%M}"
    read = read_rhythm(phrase, timezone=ZONE, now=NOW)
    assert (read.recurrence.start, read.recurrence.count) == (datetime.combine(expected, clock), 1)
    sentence = describe(read.recurrence, language)
    assert sentence.startswith({"en": "once on ", "nl": "eenmalig op "}[language])
    assert read_rhythm(sentence, timezone=ZONE, now=NOW, language=language).recurrence == read.recurrence


# --- the kick-off and single meetings through the console --------------------------------------------------------

ENGLISH_TOPICS = [
    "Introductions: who we are and what we work on",
    "Our goal, and who this community is for",
    "Our rhythm: how often we meet and how often we post",
    "What goes in our library",
    "How we gather feedback",
    "Next steps: who does what before the next meeting",
]
DUTCH_TOPICS = [
    "Kennismaking: wie we zijn en waaraan we werken",
    "Ons doel, en voor wie deze community is",
    "Ons ritme: hoe vaak we samenkomen en hoe vaak we iets posten",
    "Wat er in onze bibliotheek komt",
    "Hoe we feedback verzamelen",
    "Volgende stappen: wie doet wat voor de volgende bijeenkomst",
]


def start(language: str) -> str:
    return f"""
clock 2026-12-02T09:00 Europe/Brussels
as ana
in #data-cop
/hearth setup --name "Data CoP" --lang {language}
"""


async def test_a_kick_off_is_one_meeting_with_the_template_agenda(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("en"))
        scheduled = await t.one("/meeting kickoff next Thursday at 9:30 --for 90m --link https://meet.example.org/k")
        assert scheduled.kind == "post" and scheduled.text.splitlines()[:3] == [
            "Scheduled: Kick-off", "One meeting", "Next: Thu 3 Dec 2026 09:30 CET"]
        assert all(f"{n}. {topic}" in scheduled.text for n, topic in enumerate(ENGLISH_TOPICS, start=1))
        agenda = await t.one("as ben\n/meeting agenda show")
        assert all(topic in agenda.text for topic in ENGLISH_TOPICS)
        assert [label for label, _ in agenda.buttons] == [f"Upvote {n}" for n in range(1, 7)]
        voted = await t.one(f"click {agenda.id} Upvote 2")
        assert voted.text == "You upvoted Our goal, and who this community is for."
        shown = await t.one("/meeting next")
        assert "Rhythm: One meeting" in shown.text and "When: Thu 3 Dec 2026 09:30 CET to 11:00 CET" in shown.text
        lines = shown.text.splitlines()
        assert lines[lines.index("Agenda") + 1] == "• Our goal, and who this community is for (1 vote)"
        await t.run(f"click {shown.id} {shown.buttons[0][0]}")  # going
        (event,) = icalendar.Calendar.from_ical(await _calendar(t)).walk("VEVENT")
        assert "RRULE" not in event and "RECURRENCE-ID" not in event
        reminders = await t.run("until 2026-12-03T12:00")
    posts = [o.text.splitlines()[0] for o in reminders if o.kind == "post"]
    assert posts == ["Reminder: Kick-off starts in 1 day", "Reminder: Kick-off starts in 1 hour"]
    # When it has taken place it is over: nobody is asked to schedule more, and it leaves the list of series.
    assert not [o for o in reminders if o.kind == "dm" and "has no next meeting" in o.text]


async def test_after_a_kick_off_the_community_has_only_its_series(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("en") + "/meeting kickoff tomorrow at 10:00\n")
        await t.run('/meeting schedule "CoP sync" every 2 weeks on Tuesday at 15:00')
        several = await t.one('/meeting agenda add "Dashboards"')
        assert "several series" in several.text
        await t.run("until 2026-12-04T09:00")
        listed = await t.one("/meeting list")
        assert "Kick-off (ended)" in listed.text
        added = await t.one('/meeting agenda add "Dashboards"')
        assert "CoP sync" in added.text
        again = await t.one("/meeting kickoff next Monday at 10:00")
        assert again.text.startswith("Scheduled: Kick-off")


async def test_a_dutch_kick_off_is_all_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("nl"))
        scheduled = await t.one("/meeting kickoff volgende donderdag om 9:30 --for 90m")
        assert scheduled.text.splitlines()[:3] == [
            "Gepland: Startbijeenkomst", "Eenmalige bijeenkomst", "Volgende: do 3 dec 2026 09:30 CET"]
        assert all(f"{n}. {topic}" in scheduled.text for n, topic in enumerate(DUTCH_TOPICS, start=1))
        shown = await t.one("as ben\n/meeting next")
        assert "Ritme: Eenmalige bijeenkomst" in shown.text
        reminders = await t.run("until 2026-12-03T12:00")
    assert [o.text.splitlines()[0] for o in reminders if o.kind == "post"] == [
        "Herinnering: Startbijeenkomst begint over 1 dag", "Herinnering: Startbijeenkomst begint over 1 uur"]


@pytest.mark.parametrize(("language", "line", "said"), [
    ("en", "/meeting kickoff every week on Monday", "repeats, but this is one meeting"),
    ("nl", "/meeting kickoff elke week op maandag", "herhaalt zich, maar dit is één bijeenkomst"),
    ("en", "/meeting kickoff on 2026-01-05 at 10:00", "Mon 5 Jan 2026 10:00 CET has passed"),
    ("nl", "/meeting kickoff op 2026-01-05 om 10:00", "ma 5 jan 2026 10:00 CET is al voorbij"),
    ("en", '/meeting schedule "X" every 2 weeks on 2027-03-20', "names one day and also a rhythm"),
    ("nl", '/meeting schedule "X" elke 2 weken op 2027-03-20', "noemt één dag en ook een ritme"),
    ("en", "/meeting kickoff tomorrow from 15:00 to 14:00", "would end before it starts"),
    ("en", "/meeting kickoff tomorrow at 10:00 --for 25h", "24"),
])
async def test_bad_single_meetings_are_answered_privately_and_change_nothing(
        sqlite_url: str, language: str, line: str, said: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start(language))
        answer = await t.one(line)
        assert answer.kind == "ephemeral" and answer.to == "ana", answer
        assert said in answer.text, answer.text
        hint = answer.text.splitlines()[-1]
        example_words = {"en": ("such as", "Such as", "Give", "Write", "For"),
                         "nl": ("zoals", "Zoals", "Geef", "Schrijf")}[language]
        assert any(word in hint for word in example_words), hint
        listed = await t.one("/meeting list")
        assert "Kick-off" not in listed.text and "Startbijeenkomst" not in listed.text and "X" not in listed.text


async def test_a_single_meeting_is_moved_cancelled_and_in_the_calendar_without_a_rule(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(start("en"))
        scheduled = await t.one('/meeting schedule "Open day" on 20 March at 14:00 for 2h')
        assert scheduled.text.splitlines()[:3] == ["Scheduled: Open day", "One meeting",
                                                   "Next: Sat 20 Mar 2027 14:00 CET"]
        moved = await t.one("/meeting move 2027-03-21 14:00")
        assert "moves to Sun 21 Mar 2027 14:00 CET" in moved.text
        (event,) = icalendar.Calendar.from_ical(await _calendar(t)).walk("VEVENT")
        assert "RRULE" not in event and "RECURRENCE-ID" not in event
        assert event.decoded("DTSTART") == datetime(2027, 3, 21, 14, tzinfo=ZoneInfo(ZONE))
        assert event.decoded("DTEND") == datetime(2027, 3, 21, 16, tzinfo=ZoneInfo(ZONE))
        assert str(event["SUMMARY"]) == "Open day" and str(event["STATUS"]) == "CONFIRMED"
        await t.run("/meeting cancel the room is gone")
        (cancelled,) = icalendar.Calendar.from_ical(await _calendar(t)).walk("VEVENT")
        assert str(cancelled["STATUS"]) == "CANCELLED" and "the room is gone" in str(cancelled["DESCRIPTION"])


async def _calendar(t: Transcript) -> str:
    posted = await t.one("/meeting calendar")
    assert posted.files[0][1] == "text/calendar"
    return t.session.workspace.messages[posted.id].message.files[0].data.decode()
