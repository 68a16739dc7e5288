"""Two months of a community through the console, its members in Brussels, New York and Tokyo: who is nudged,
when and how often. The active member and the channel they keep alive are never nudged; the opted-out never; the
snoozed not before their date; a member who ignores three nudges gets no fourth until they post again; a member who
comes back after a nudge starts afresh; a newcomer gets one welcome; every personal nudge comes on a weekday
outside the member's own quiet hours, and no member gets two within a week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from adapters.console.workspace import Output
from tests.console_harness import community_script, transcript

ZONES = {"ben": "Europe/Brussels", "cy": "America/New_York", "dee": "Europe/Brussels", "eve": "Asia/Tokyo",
         "fay": "Asia/Tokyo", "gus": "America/New_York", "hal": "Asia/Tokyo"}
START = date(2026, 11, 2)  # a Monday
DAYS = 61
REGULARS = ("cy", "dee", "eve", "gus", "hal")  # busy the first two weeks, then quiet


def in_zone(output: Output, member: str) -> datetime:
    return output.at.astimezone(ZoneInfo(ZONES[member]))


async def test_two_months_of_nudges_in_three_time_zones(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("en", at="2026-11-02T09:00"))
        for member, zone in ZONES.items():
            if member != "fay":
                await t.run(f"as {member}\n/hearth me --tz {zone}")
        await t.run("as eve\n/nudge me off\nas dee\n/nudge me snooze 2026-12-14")
        outputs: list[Output] = []
        gus_returned: datetime | None = None
        for day in range(DAYS):
            today = START + timedelta(days=day)
            lines = []
            if today.weekday() < 5:
                lines.append("as ben\nsay Morning, all")
                if day < 14:
                    lines += [f"as {member}\nsay A note from me" for member in REGULARS]
            if day == 16:
                lines.append("as fay\n/hearth me --tz Asia/Tokyo")  # a newcomer who never posts
            gus_dms = [o for o in outputs if o.kind == "dm" and o.to == "gus"]
            if gus_dms and gus_returned is None and today.weekday() < 5:
                lines.append("as gus\nsay Sorry, busy weeks. Back now!")  # the day after his first nudge
                gus_returned = t.session.clock.now()
            outputs += await t.run("\n".join([*lines, "wait 1d"]))

        dms: dict[str, list[Output]] = {}
        for output in outputs:
            if output.kind == "dm":
                dms.setdefault(output.to or "", []).append(output)

        assert "ben" not in dms  # active all along
        assert "eve" not in dms  # opted out
        assert not [o for o in outputs if o.kind == "post" and "A discussion prompt" in o.text]  # ben keeps it alive

        # cy ignores every nudge: three, a week or more apart, then no more.
        assert len(dms["cy"]) == 3
        assert all("quieter than your own rhythm" in o.text for o in dms["cy"])
        # dee snoozed until 14 December: nothing before, then her nudges come.
        assert dms["dee"] and min(in_zone(o, "dee").date() for o in dms["dee"]) >= date(2026, 12, 14)
        # fay joined on day 16 and never posted: one welcome, three days later.
        [welcome] = dms["fay"]
        assert "Welcome to Data CoP!" in welcome.text
        assert in_zone(welcome, "fay").date() >= START + timedelta(days=19)
        # gus came back the day after his first nudge: his count started again, so he is nudged again later.
        assert gus_returned is not None and len(dms["gus"]) >= 2
        assert any(o.at > gus_returned + timedelta(days=7) for o in dms["gus"])

        for member, received in dms.items():
            for output in received:
                moment = in_zone(output, member)
                assert moment.weekday() < 5, (member, moment)  # never at their weekend
                assert 8 <= moment.hour < 20, (member, moment)  # never in their quiet hours
            for earlier, later in pairwise(received):
                assert later.at - earlier.at >= timedelta(days=7), member  # at most one a week

        # Every one of them says why, and the member can ask for the whole of it.
        first = dms["cy"][0]
        number = int(first.text.split("/nudge why ")[1].split(")")[0])
        why = await t.one(f"as cy\n/nudge why {number}")
        assert "It went unanswered; after three in a row, no more come until you post again." in why.text
