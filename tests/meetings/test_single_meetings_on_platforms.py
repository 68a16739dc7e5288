"""One meeting and the kick-off on Slack and Discord, over their protocols: the post with native dates, "One
meeting" and the proposed agenda in the community's language, votes and RSVPs that work, a reminder that stays a
reminder when clicked, a calendar file without a rule, and phrases that repeat or have passed refused privately."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from bot.clock import SimulatedClock
from bot.meetings.model import SeriesStatus
from bot.refs import ChannelRef, Platform, WorkspaceRef
from tests.discord.discord_harness import DiscordWorld, discord_world, option, subcommand
from tests.references import community_of
from tests.slack.slack_harness import TEAM, SlackWorld, fresh_trigger, slack_world

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)  # a Friday
# Next Thursday at 9:30 in Brussels is 26 March, 8:30 UTC: summer time only starts on the 29th.
KICKOFF = datetime(2026, 3, 26, 8, 30, tzinfo=UTC)
TOPICS = (
    "Introductions: who we are and what we work on",
    "Our goal, and who this community is for",
    "Our rhythm: how often we meet and how often we post",
    "What goes in our library",
    "How we gather feedback",
    "Next steps: who does what before the next meeting",
)
DUTCH_TOPICS = (
    "Kennismaking: wie we zijn en waaraan we werken",
    "Ons doel, en voor wie deze community is",
    "Ons ritme: hoe vaak we samenkomen en hoe vaak we iets posten",
    "Wat er in onze bibliotheek komt",
    "Hoe we feedback verzamelen",
    "Volgende stappen: wie doet wat voor de volgende bijeenkomst",
)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


# --- Slack ----------------------------------------------------------------------------------------------------


async def _run(world: SlackWorld, text: str, *, command: str = "/meeting", user: str = "U0ANA") -> None:
    await world.command(text, command=command, user=user)
    await world.drain()


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


async def _click(world: SlackWorld, button: dict[str, Any], *, user: str = "U0BEN",
                 message: dict[str, Any] | None = None) -> None:
    """Click `button` on `message` in the channel (None: on an ephemeral message)."""
    payload: dict[str, Any] = {
        "type": "block_actions", "trigger_id": fresh_trigger(), "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM}, "channel": {"id": "C0DATA"},
        "container": {"type": "message", "channel_id": "C0DATA", "is_ephemeral": message is None},
        "actions": [{"action_id": button["action_id"], "value": button["value"], "type": "button"}],
    }
    if message is not None:
        payload["container"]["message_ts"] = message["ts"]
        payload["message"] = message
    await world.interaction(payload)
    await world.drain()


async def _series(world: SlackWorld) -> list[tuple[str, SeriesStatus]]:
    community = await community_of(world.hearth, ChannelRef(WorkspaceRef(Platform.SLACK, TEAM), "C0DATA"))
    async with world.hearth.uow(read_only=True) as uow:
        return [(s.title, s.status) for s in await uow.meetings.series_of(community.workspace_id, community.id)]


def _events(body: bytes) -> list[Any]:
    return [part for part in Calendar.from_ical(body).walk() if part.name == "VEVENT"]


async def test_a_kick_off_on_slack_proposes_its_agenda_takes_votes_and_reminds_once(database_url: str) -> None:
    clock = SimulatedClock(NOW)
    async with slack_world(database_url, clock=clock) as world:
        fake = world.fake
        await _run(world, 'setup --name "Data CoP" --tz Europe/Brussels', command="/hearth")
        posts = len(fake.calls_to("chat.postMessage"))

        await _run(world, "kickoff next Thursday at 9:30 --for 90m")

        (posted,) = fake.calls_to("chat.postMessage")[posts:]
        blocks = posted.json("blocks")
        assert blocks[0]["text"]["text"] == "Scheduled: Kick-off"
        texts = _section_texts(blocks)
        assert "One meeting" in texts
        assert any(f"<!date^{_stamp(KICKOFF)}^" in text for text in texts)
        assert [text for text in texts if text[:1].isdigit()] == [f"{n}. {t}" for n, t in enumerate(TOPICS, 1)]

        # Ben reads the agenda with its vote buttons and votes for the rhythm.
        await _run(world, "agenda show", user="U0BEN")
        shown = fake.calls_to("chat.postEphemeral")[-1]
        assert shown.text("user") == "U0BEN"
        listed = json.dumps(shown.json("blocks"), ensure_ascii=False)
        assert all(topic in listed for topic in TOPICS)
        votes = _buttons(shown.json("blocks"))
        assert len(votes) == len(TOPICS) and {b["action_id"].split("#")[0] for b in votes} == {"meeting.agenda.vote"}
        await _click(world, votes[2])
        confirmed = fake.calls_to("chat.postEphemeral")[-1]
        assert confirmed.text("user") == "U0BEN" and TOPICS[2] in confirmed.text("text")

        # The calendar holds one plain event at the kick-off's moment, without a rule.
        await _run(world, "calendar")
        await fake.wait_for("files.completeUploadExternal")
        (uploaded,) = fake.files.values()
        assert uploaded.content is not None
        (event,) = _events(uploaded.content)
        assert "RRULE" not in event and "RECURRENCE-ID" not in event
        assert event.decoded("DTSTART").astimezone(UTC) == KICKOFF
        assert event.decoded("DTEND").astimezone(UTC) == KICKOFF + timedelta(minutes=90)

        # A day before, the channel is reminded; the vote shows, and an RSVP keeps the post a reminder.
        await world.hearth.scheduler.start()
        await world.hearth.scheduler.advance_to(KICKOFF - timedelta(days=1) + timedelta(minutes=1), clock.set)
        await world.drain()
        [(ts, reminder)] = [(key[1], message) for key, message in fake.messages.items()
                            if key[0] == "C0DATA" and str(message.get("text", "")).startswith("Reminder: Kick-off")]
        heading = reminder["blocks"][0]["text"]["text"]
        assert heading.startswith("Reminder: Kick-off starts")
        assert f"{TOPICS[2]} (1 vote)" in json.dumps(reminder["blocks"])
        going = _buttons(reminder["blocks"])[0]
        assert going["text"]["text"] == "Going"
        await _click(world, going, message=reminder)
        assert "You are going to Kick-off" in fake.calls_to("chat.postEphemeral")[-1].text("text")
        updated = fake.calls_to("chat.update")[-1]
        assert updated.text("ts") == ts
        assert updated.json("blocks")[0]["text"]["text"] == heading
        assert "Going: 1" in json.dumps(updated.json("blocks"))

        # Once it has taken place the kick-off is over: it ends, and no facilitator is asked to schedule more.
        await world.hearth.scheduler.advance_to(KICKOFF + timedelta(minutes=95), clock.set)
        await world.drain()
        assert await _series(world) == [("Kick-off", SeriesStatus.ENDED)]
        assert not any("has no next meeting" in call.text("text") for call in fake.calls_to("chat.postMessage"))


async def test_on_slack_a_kick_off_that_repeats_or_has_passed_is_refused_privately(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        fake = world.fake
        await _run(world, 'setup --name "Data CoP" --tz Europe/Brussels', command="/hearth")
        await _run(world, "facilitators add <@U0BEN|ben>", command="/hearth")
        await _run(world, "me --lang nl", command="/hearth", user="U0BEN")
        posts = len(fake.calls_to("chat.postMessage"))
        whispers = len(fake.calls_to("chat.postEphemeral"))

        await _run(world, "kickoff every week on Monday at 10:00")
        await _run(world, "kickoff on 2026-03-01 at 10:00")
        await _run(world, "kickoff op 1 maart 2026 om 10:00", user="U0BEN")  # Ben reads Hearth in Dutch
        await _run(world, 'schedule "Open day" every 2 weeks on 2027-03-20 at 14:00')  # one day and a rhythm

        repeating, passed, dutch, mixed = fake.calls_to("chat.postEphemeral")[whispers:]
        assert (repeating.text("user"), passed.text("user"), dutch.text("user")) == ("U0ANA", "U0ANA", "U0BEN")
        assert "repeats, but this is one meeting" in repeating.text("text")
        assert "has passed: a meeting needs a day ahead" in passed.text("text")
        assert f"<!date^{_stamp(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))}^" in passed.text("text")
        assert "is al voorbij: een bijeenkomst heeft een dag nodig die nog komt" in dutch.text("text")
        assert "names one day and also a rhythm" in mixed.text("text")
        assert fake.calls_to("chat.postMessage")[posts:] == []
        assert await _series(world) == []


async def test_a_dutch_community_on_slack_gets_its_kick_off_in_dutch(sqlite_url: str) -> None:
    async with slack_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        fake = world.fake
        await _run(world, 'setup --name "Data CoP" --tz Europe/Brussels --lang nl', command="/hearth")
        posts = len(fake.calls_to("chat.postMessage"))

        await _run(world, "kickoff volgende donderdag om 9:30 --for 90m")

        (posted,) = fake.calls_to("chat.postMessage")[posts:]
        blocks = posted.json("blocks")
        assert blocks[0]["text"]["text"] == "Gepland: Startbijeenkomst"
        texts = _section_texts(blocks)
        assert "Eenmalige bijeenkomst" in texts
        assert [text for text in texts if text[:1].isdigit()] == [
            f"{n}. {t}" for n, t in enumerate(DUTCH_TOPICS, 1)]
        fallback = posted.text("text")
        assert fallback.startswith("Gepland: Startbijeenkomst\nEenmalige bijeenkomst\n")
        # The date is Slack's own token, read in each member's zone, with a Dutch date where Slack cannot.
        assert f"<!date^{_stamp(KICKOFF)}^{{date_long}} {{time}}|do 26 mrt 2026 08:30 UTC>" in fallback
        assert all(topic in fallback for topic in DUTCH_TOPICS)
        assert not any(word in fallback for word in ("Kick-off", "One meeting", "Scheduled", "Proposed"))


# --- Discord --------------------------------------------------------------------------------------------------


async def _meeting(world: DiscordWorld, name: str, *options: dict[str, Any]) -> dict[str, Any]:
    return await world.answer(await world.command("meeting", subcommand(name, *options)))


async def test_a_kick_off_on_discord_has_native_timestamps_its_agenda_and_rsvps_that_work(sqlite_url: str) -> None:
    async with discord_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))

        scheduled = await _meeting(world, "kickoff", option("when", "next Thursday at 9:30"), option("for", "90m"))

        assert scheduled["type"] == 4 and "flags" not in scheduled["data"]
        content = scheduled["data"]["content"]
        assert content.startswith("## Scheduled: Kick-off\nOne meeting\n")
        assert f"<t:{_stamp(KICKOFF)}:F>" in content
        assert all(f"{n}. {topic}" in content for n, topic in enumerate(TOPICS, 1))

        shown = await _meeting(world, "next", option("series", "Kick-off"))
        [row] = shown["data"]["components"]
        assert [button["label"] for button in row["components"]] == ["Going", "Maybe", "Not going"]
        assert f"<t:{_stamp(KICKOFF)}:F> to <t:{_stamp(KICKOFF + timedelta(minutes=90))}:t>" in json.dumps(
            shown["data"]["embeds"])
        message = world.fake.interaction_responses[list(world.fake.interaction_responses)[-1]]
        answer = await world.answer(await world.click(message, row["components"][0]["custom_id"]))
        assert answer["type"] == 4 and "You are going to Kick-off" in answer["data"]["content"]
        assert f"<t:{_stamp(KICKOFF)}:F>" in answer["data"]["content"]


async def test_on_discord_one_meeting_is_scheduled_and_repeating_or_past_kick_offs_are_refused(
        sqlite_url: str) -> None:
    async with discord_world(sqlite_url, clock=SimulatedClock(NOW)) as world:
        await world.answer(await world.command("hearth", subcommand("setup", option("tz", "Europe/Brussels"))))

        refusals = [
            await _meeting(world, "kickoff", option("when", "every week on Monday at 10:00")),
            await _meeting(world, "kickoff", option("when", "on 2026-03-01 at 10:00")),
            await _meeting(world, "schedule", option("title", "Open day"),
                           option("when", "every 2 weeks on 2027-03-20 at 14:00")),
        ]
        assert [(r["type"], r["data"]["flags"]) for r in refusals] == [(4, 64)] * 3
        repeating, passed, mixed = (r["data"]["content"] for r in refusals)
        assert "repeats, but this is one meeting" in repeating
        assert f"<t:{_stamp(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))}:F> has passed" in passed
        assert "names one day and also a rhythm" in mixed

        scheduled = await _meeting(world, "schedule", option("title", "Open day"),
                                   option("when", "on 2027-03-20 at 14:00"))
        # 20 March 2027 at 14:00 in Brussels is 13:00 UTC: summer time starts on the 28th.
        open_day = datetime(2027, 3, 20, 13, 0, tzinfo=UTC)
        assert "flags" not in scheduled["data"]
        assert scheduled["data"]["content"] == (
            f"## Scheduled: Open day\nOne meeting\nNext: <t:{_stamp(open_day)}:F>\n"
            "-# Dates are shown in your own time zone. RSVP with /meeting next.")
        listed = await _meeting(world, "list")
        assert "Open day" in listed["data"]["content"] and "Kick-off" not in listed["data"]["content"]
