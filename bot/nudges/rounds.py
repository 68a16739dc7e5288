"""The nudges' rounds: every two hours of a weekday, at 07:00, 09:00 … 19:00 on the community's clock, its rules are
asked what they say (`NudgeService.plan_round`), and what they say is posted or sent.

Those hours meet every rule's working hours (at least two hours between 07:00 and 21:00, `rules.WORKING_*`) and
some daytime of every member's own day, wherever they live (a member in Tokyo of a community in Brussels is nudged
in their afternoon, one in California in their morning). A nudge is no matter of minutes: a round every two hours,
only when something can be sent, is what a deployment of a thousand communities can afford.

A round is planned and logged in one unit of work, then sent: prompts and surfaced questions in the community's
channel (a question in its own thread), personal nudges and the facilitators' note as DMs, each in its reader's
language. A DM that cannot be delivered (closed DMs) is remembered (`NudgeService.settle_round`), never retried in
a loop. A round that fails for now is tried again: it sends the nudges it planned, not new ones, and none twice.
A round missed while Hearth was down is not made up: the next one looks at the community as it is then.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.i18n import Translator, sayer
from bot.messages import Message
from bot.nudges.messages import nudge_blocks
from bot.nudges.model import ROUND_KIND
from bot.nudges.planning import PlannedNudge
from bot.nudges.requests import PlanRound, SettleRound
from bot.nudges.rules import WORKING_EARLIEST, WORKING_LATEST
from bot.nudges.service import NudgeService
from bot.ports import Clock, DeliveryError, Messenger
from bot.preferences import community_language, member_language
from bot.recurrence import Recurrence
from bot.refs import MessageRef
from bot.scheduling.ledger import RecipientLedger
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule
from bot.scheduling.recipients import deliver_each
from bot.tenancy import Community

__all__ = ["ROUND", "NudgeRounds"]

log = logging.getLogger("hearth.nudges")

ROUND = ROUND_KIND
ROUND_HOURS = range(WORKING_EARLIEST, WORKING_LATEST, 2)  # when rounds start, on the community's clock, Mon–Fri
_RULE = f"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR={','.join(str(hour) for hour in ROUND_HOURS)};BYMINUTE=0"


class NudgeRounds:
    """The schedule kind of the rounds, one schedule per community (see the module)."""

    kind = ROUND
    catch_up = CatchUp(lateness=timedelta(minutes=30), coalesce=True)

    def __init__(self, nudges: NudgeService, messenger: Messenger, translator: Translator, *,
                 recipients: RecipientLedger, clock: Clock) -> None:
        self._nudges = nudges
        self._messenger = messenger
        self._translator = translator
        self._recipients = recipients
        self._clock = clock

    async def schedules(self) -> list[Schedule]:
        return [_schedule(workspace_id, community_id, zone)
                for workspace_id, community_id, zone in await self._nudges.communities()]

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        if not subject.isdigit():
            return None
        zone = await self._nudges.community_zone(workspace_id, int(subject))
        return _schedule(workspace_id, int(subject), zone) if zone is not None else None

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        if not occurrence.subject.isdigit():
            return Outcome.OBSOLETE
        planned = await self._nudges.plan_round(PlanRound(occurrence.workspace_id, int(occurrence.subject),
                                                          occurrence.at))
        community = planned.community
        if community is None:
            return Outcome.OBSOLETE
        if not planned.nudges:
            return Outcome.SENT  # the rules said nothing this time
        sent: list[int] = []
        closed: list[int] = []

        async def send(nudge: PlannedNudge) -> bool:
            try:
                await self._send(occurrence, community, nudge)
            except DeliveryError:
                if nudge.member is not None:
                    closed.append(nudge.record.id)
                raise
            sent.append(nudge.record.id)
            return True

        try:
            served = await deliver_each(occurrence, planned.nudges, send, key=lambda nudge: str(nudge.record.id),
                                        ledger=self._recipients, clock=self._clock)
        finally:
            if sent or closed:
                await self._nudges.settle_round(SettleRound(occurrence.workspace_id, tuple(sent), tuple(closed)))
        if served.sent:
            log.debug("community %s: %d nudges sent", occurrence.subject, served.sent)
        return served.outcome()

    async def _send(self, occurrence: Occurrence, community: Community, nudge: PlannedNudge) -> None:
        say = sayer(self._translator, member_language(nudge.member, community) if nudge.member is not None
                    else community_language(community))
        key = f"{occurrence.delivery_key}|{nudge.record.id}"
        if nudge.member is not None:
            await self._messenger.send_direct(nudge.member.ref, Message(nudge_blocks(say, nudge, community),
                                                                        delivery_key=key))
            return
        thread = (MessageRef(community.channel, nudge.question[1]) if nudge.question is not None
                  and nudge.question[0] == community.channel.id else None)
        await self._messenger.send(community.channel, Message(nudge_blocks(say, nudge, community), thread=thread,
                                                              delivery_key=key))


def _schedule(workspace_id: int, community_id: int, zone: str) -> Schedule:
    hours = Recurrence(rule=_RULE, start=datetime(2026, 1, 5, ROUND_HOURS[0]), timezone=zone)
    return Schedule(ROUND, workspace_id, str(community_id), hours, community_id=community_id)
