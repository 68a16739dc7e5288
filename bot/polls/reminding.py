"""The scheduled kind that reminds members, by direct message, of a poll they have not answered before it closes.

`--remind 1d` on a poll with a closing time: a day before it closes, each member of the community's channel (as
the platform says: the messenger is a `Roster`) who has not answered gets one short DM that points to the poll,
unless they turned poll reminders off (`/poll remind off`) or the reminder would come in their quiet hours (the
ones `/meeting remind quiet` sets, in their own time zone). An anonymous poll is checked with each member's own
voter token, so the reminder tells nobody who answered. Each member is reminded once: a retry skips those served.
"""

from __future__ import annotations

import logging

from bot.i18n import Translator, _, sayer
from bot.meetings.preferences import in_quiet_hours, quiet_hours_of
from bot.messages import ChannelMention, Message, Paragraph, Timestamp, TimestampStyle, UserText
from bot.polls.service import REMINDING, PollService
from bot.ports import Clock, Messenger, Roster
from bot.preferences import community_language, member_zone
from bot.refs import MemberRef
from bot.scheduling.ledger import RecipientLedger
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule
from bot.scheduling.recipients import deliver_each
from bot.tenancy import Member

log = logging.getLogger(__name__)


class PollReminders:
    """Reminds the members who have not answered, once each, `remind_before` a poll closes. A reminder that comes
    late (Hearth was down) is still sent while the poll is open."""

    kind = REMINDING
    catch_up = CatchUp(lateness=None)

    def __init__(self, polls: PollService, messenger: Messenger, translator: Translator, *,
                 recipients: RecipientLedger, clock: Clock) -> None:
        self._polls = polls
        self._messenger = messenger
        self._translator = translator
        self._recipients = recipients
        self._clock = clock

    async def schedules(self) -> list[Schedule]:
        return await self._polls.reminder_schedules()

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        return await self._polls.reminder_schedule_of(workspace_id, int(subject)) if subject.isdigit() else None

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        if not occurrence.subject.isdigit():
            return Outcome.OBSOLETE
        messenger = self._messenger
        if not isinstance(messenger, Roster):
            log.warning("poll reminders need a messenger that knows channel members; none sent")
            return Outcome.OBSOLETE
        first = await self._polls.to_remind(occurrence.workspace_id, int(occurrence.subject), [])
        if first is None:
            return Outcome.OBSOLETE
        members = await messenger.channel_members(first[1].channel)
        found = await self._polls.to_remind(occurrence.workspace_id, int(occurrence.subject), members)
        if found is None:
            return Outcome.OBSOLETE
        poll, community, chosen = found
        language = community_language(community)
        say = sayer(self._translator, language)
        assert poll.closes_at is not None
        text = say(_("Poll {id} in {channel} closes {when}, and you have not answered yet: {question} Stop these "
                     "reminders with /poll remind off.", id=poll.id, channel=ChannelMention(community.channel),
                     when=Timestamp(poll.closes_at, TimestampStyle.RELATIVE), question=UserText(poll.heading)))

        async def remind(recipient: Member | MemberRef) -> bool:
            member = recipient if isinstance(recipient, Member) else None
            ref = recipient.ref if isinstance(recipient, Member) else recipient
            if member is not None and in_quiet_hours(occurrence.due, member_zone(member, community),
                                                     quiet_hours_of(member)):
                return False
            await self._messenger.send_direct(ref, Message(
                (Paragraph(text),), delivery_key=f"{occurrence.delivery_key}|{ref.id}"))
            return True

        served = await deliver_each(occurrence, chosen, remind,
                                    key=lambda recipient: recipient.ref.id if isinstance(recipient, Member)
                                    else recipient.id, ledger=self._recipients, clock=self._clock)
        return served.outcome()
