"""The scheduled side of meetings: channel reminders, members' reminder DMs, the host's agenda nudge, and what
happens after a meeting ends.

Each is a `ScheduledKind` of the scheduling engine, so every reminder is sent once even across restarts and
several processes. Subjects name a series and a lead time ("12:60" is series 12, an hour before); a moved
meeting gets its own one-off schedule ("12:60:1767711600", after the meeting's original start). Every delivery
reads the series again and sends nothing (`OBSOLETE`) when the meeting was skipped, moved, cancelled, the series
paused or ended, or the lead time is no longer wanted. A kind that sends to several recipients (each member's
DM, each facilitator, each hook after a meeting) serves each on its own (`bot.scheduling.recipients`): one that
fails is logged and skipped, and a retry of the occurrence does not send again to those already served.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from bot.action_refs import ActionRefs
from bot.i18n import Translator, _, render, sayer
from bot.meetings.messages import Post, Say, announcement
from bot.meetings.model import Answer, Change, Meeting, Series, SeriesStatus, meeting_at, next_meetings
from bot.meetings.preferences import dm_leads_of, in_quiet_hours, quiet_hours_of
from bot.messages import Message, Paragraph, Timestamp, TimestampStyle, UserText
from bot.ports import Clock, Messenger, UnitOfWork, UnitOfWorkFactory
from bot.preferences import community_language, member_language, member_zone
from bot.recurrence import Recurrence
from bot.recurrence.zones import zone_of
from bot.refs import MemberRef
from bot.scheduling.ledger import RecipientLedger
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule
from bot.scheduling.recipients import deliver_each
from bot.tenancy import Community, Member, Role

log = logging.getLogger("hearth.meetings")

CHANNEL = "meeting.reminder"
DIRECT = "meeting.dm"
HOST = "meeting.host"
ENDED = "meeting.ended"
KINDS = (CHANNEL, DIRECT, HOST, ENDED)
DEFAULT_DM_LEAD = timedelta(hours=1)
HOST_LEAD = timedelta(days=3)

MeetingEndedHook = Callable[["MeetingContext", Meeting], Awaitable[None]]
# A series changed, or one of its meetings ended: here is its next meeting (None: there is none, or it ended).
NextMeetingHook = Callable[[Community, Series, "Meeting | None"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class MeetingContext:
    """What a hook run after a meeting gets: the community, a way to post in it, and the references its buttons
    carry."""

    community: Community
    messenger: Messenger
    translator: Translator
    uow: UnitOfWorkFactory
    refs: ActionRefs


@dataclass
class MeetingHooks:
    """What other parts act on: after each meeting (the Polls feature sends its post-session feedback poll
    here), and whenever a series' next meeting may have changed (a platform's native event mirrors it)."""

    after_meeting: list[MeetingEndedHook] = field(default_factory=list)
    next_meeting: list[NextMeetingHook] = field(default_factory=list)

    async def announce_next(self, community: Community, series: Series, meeting: Meeting | None) -> None:
        """Run the `next_meeting` hooks; a failing one is logged and does not stop the others."""
        for hook in self.next_meeting:
            try:
                await hook(community, series, meeting)
            except Exception:
                # The id, not the title: a title is what a member typed, and the log keeps none of that.
                log.exception("a next-meeting hook failed for series %s", series.id)


def leads_for(kind: str, series: Series, dm_leads: Iterable[timedelta]) -> Sequence[timedelta | None]:
    """The lead times a kind schedules for a series (None: the kind's own fixed lead)."""
    if kind == CHANNEL:
        return list(series.reminder_leads)
    if kind == DIRECT:
        return sorted(set(dm_leads), reverse=True)
    if kind == HOST:
        return [None] if series.hosts else []
    return [None]


def subjects(series: Series, kind: str, changes: Iterable[Change], dm_leads: Iterable[timedelta]) -> list[str]:
    """Every subject `series` may have in `kind`, moved and cancelled meetings included: what a feature refreshes
    after changing the series (a subject that no longer has a schedule is forgotten by the refresh)."""
    found: list[str] = []
    changes = list(changes)
    for lead in leads_for(kind, series, dm_leads):
        found.append(_subject(series, lead))
        found.extend(_subject(series, lead, change.original) for change in changes)
    return found


def lead_time(kind: str, series: Series, lead: timedelta | None) -> timedelta:
    """How long before a meeting's start a kind's occurrence falls due."""
    if kind == HOST:
        return HOST_LEAD
    if kind == ENDED:
        return -series.duration  # due when the meeting ends
    assert lead is not None
    return lead


def series_schedules(kind: str, series: Series, changes: Iterable[Change], dm_leads: Iterable[timedelta],
                     ) -> list[Schedule]:
    """The schedules `series` has in `kind`: one per lead time, and a one-off for each moved meeting. What the
    kind loads, and what a feature hands the engine after changing the series (`Scheduler.place`)."""
    if series.status is SeriesStatus.ENDED:
        return []
    changes = list(changes)
    found: list[Schedule] = []
    for lead in leads_for(kind, series, dm_leads):
        due = lead_time(kind, series, lead)
        found.append(Schedule(kind, series.workspace_id, _subject(series, lead), series.recurrence, due,
                              series.community_id))
        for change in changes:
            if change.start is None or change.cancelled:
                continue
            found.append(Schedule(kind, series.workspace_id, _subject(series, lead, change.original),
                                  _once(series, change.start), due, series.community_id))
    return found


def _subject(series: Series, lead: timedelta | None, moved: datetime | None = None) -> str:
    subject = str(series.id)
    if lead is not None or moved is not None:
        subject += f":{_minutes(lead) if lead is not None else 0}"
    if moved is not None:
        subject += f":{int(moved.timestamp())}"
    return subject


async def workspace_dm_leads(uow: UnitOfWork, workspace_id: int) -> set[timedelta]:
    """Every lead time a member of the workspace wants reminder DMs at, and the default hour."""
    chosen = {DEFAULT_DM_LEAD}
    for role in Role:
        for member in await uow.members.with_role(workspace_id, role):
            chosen.update(dm_leads_of(member) or ())
    return chosen


def _minutes(lead: timedelta) -> int:
    return int(lead.total_seconds() // 60)


def _once(series: Series, start: datetime) -> Recurrence:
    local = start.astimezone(zone_of(series.timezone)).replace(tzinfo=None, second=0, microsecond=0)
    return Recurrence(rule="FREQ=DAILY", start=local, timezone=series.timezone, count=1)


@dataclass(frozen=True, slots=True)
class _Subject:
    series_id: int
    lead: timedelta | None
    moved: datetime | None  # the original start of a moved meeting

    @classmethod
    def read(cls, text: str) -> _Subject | None:
        parts = text.split(":")
        if not parts or not all(part.isdigit() for part in parts) or len(parts) > 3:
            return None
        lead = timedelta(minutes=int(parts[1])) if len(parts) > 1 else None
        moved = datetime.fromtimestamp(int(parts[2]), tz=UTC) if len(parts) > 2 else None
        return cls(int(parts[0]), lead, moved)


class _MeetingKind:
    """What the four kinds share: reading series, building their schedules, checking an occurrence."""

    kind = ""
    catch_up = CatchUp(lateness=timedelta(hours=1))

    def __init__(self, uow: UnitOfWorkFactory, messenger: Messenger, translator: Translator, refs: ActionRefs, *,
                 recipients: RecipientLedger, clock: Clock) -> None:
        self._uow = uow
        self._messenger = messenger
        self._translator = translator
        self._refs = refs
        self._recipients = recipients
        self._clock = clock

    def dm_leads(self, workspace_id: int) -> Iterable[timedelta]:
        """The lead times members of the workspace want reminder DMs at (only the DM kind reads them)."""
        return ()

    def leads(self, series: Series) -> Sequence[timedelta | None]:
        return leads_for(self.kind, series, self.dm_leads(series.workspace_id))

    async def schedules(self) -> list[Schedule]:
        async with self._uow() as uow:
            found = await uow.meetings.active_with_changes()
        return [schedule for series, changes in found for schedule in self._schedules(series, changes)]

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        read = _Subject.read(subject)
        if read is None:
            return None
        async with self._uow() as uow:
            series = await uow.meetings.get_series(workspace_id, read.series_id)
            changes = await uow.meetings.changes(workspace_id, read.series_id) if series is not None else []
        if series is None or series.status is SeriesStatus.ENDED:
            return None
        return next((s for s in self._schedules(series, changes) if s.subject == subject), None)

    def _schedules(self, series: Series, changes: list[Change]) -> list[Schedule]:
        return series_schedules(self.kind, series, changes, self.dm_leads(series.workspace_id))

    async def _occurrence(self, occurrence: Occurrence) -> tuple[Series, Meeting, Community] | None:
        """The series, meeting and community of an occurrence still worth delivering, or None."""
        read = _Subject.read(occurrence.subject)
        if read is None:
            return None
        async with self._uow() as uow:
            series = await uow.meetings.get_series(occurrence.workspace_id, read.series_id)
            if series is None:
                return None
            changes = await uow.meetings.changes(occurrence.workspace_id, series.id)
            community = await uow.communities.get(occurrence.workspace_id, series.community_id)
        if community is None or (series.status is not SeriesStatus.ACTIVE and self.kind != ENDED):
            return None
        if read.lead is not None and read.lead.total_seconds() and read.lead not in set(self.wanted(series)):
            return None
        original = read.moved or occurrence.at
        meeting = meeting_at(series, changes, original)
        if meeting is None or meeting.cancelled or meeting.start != occurrence.at:
            return None  # skipped, cancelled, or moved (a moved meeting has its own schedule)
        return series, meeting, community

    def wanted(self, series: Series) -> Iterable[timedelta]:
        return [lead for lead in self.leads(series) if lead is not None]

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        raise NotImplementedError

    def say(self, community: Community) -> Say:
        return sayer(self._translator, community_language(community))


class ChannelReminders(_MeetingKind):
    """The series' reminders in the community channel: the announcement with the agenda and RSVP buttons."""

    kind = CHANNEL

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        found = await self._occurrence(occurrence)
        if found is None:
            return Outcome.OBSOLETE
        series, meeting, community = found
        async with self._uow() as uow:
            answers = await uow.meetings.rsvps(series.workspace_id, series.id, meeting.original)
            agenda = await uow.meetings.agenda(series.workspace_id, series.id, meeting.original)
        blocks = announcement(self.say(community), meeting, answers, agenda, community_language(community), self._refs,
                              post=Post.REMINDER)
        await self._messenger.send(community.channel, Message(blocks, delivery_key=occurrence.delivery_key))
        return Outcome.SENT


class DirectReminders(_MeetingKind):
    """Reminder DMs to the members going to a meeting, each at the lead times they chose (an hour by default)."""

    kind = DIRECT

    def __init__(self, uow: UnitOfWorkFactory, messenger: Messenger, translator: Translator, refs: ActionRefs, *,
                 recipients: RecipientLedger, clock: Clock) -> None:
        super().__init__(uow, messenger, translator, refs, recipients=recipients, clock=clock)
        self._member_leads: dict[int, set[timedelta]] = {}

    async def schedules(self) -> list[Schedule]:
        leads: dict[int, set[timedelta]] = {}
        async with self._uow() as uow:
            for series in await uow.meetings.active_series():
                if series.workspace_id not in leads:
                    leads[series.workspace_id] = await workspace_dm_leads(uow, series.workspace_id)
        self._member_leads = leads
        return await super().schedules()

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        await self._read_leads(workspace_id)
        return await super().schedule(workspace_id, subject)

    def dm_leads(self, workspace_id: int) -> Iterable[timedelta]:
        return self._member_leads.get(workspace_id, {DEFAULT_DM_LEAD})

    async def _read_leads(self, workspace_id: int) -> None:
        """Read again the lead times the members of one workspace chose (they may have changed since)."""
        async with self._uow() as uow:
            self._member_leads[workspace_id] = await workspace_dm_leads(uow, workspace_id)

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        await self._read_leads(occurrence.workspace_id)
        found = await self._occurrence(occurrence)
        read = _Subject.read(occurrence.subject)
        if found is None or read is None or read.lead is None:
            return Outcome.OBSOLETE
        series, meeting, community = found
        async with self._uow() as uow:
            answers = await uow.meetings.rsvps(series.workspace_id, series.id, meeting.original)
            members = {m.ref.id: m for role in Role for m in await uow.members.with_role(series.workspace_id, role)}
        going = [member_id for member_id, answer in answers.items() if answer is Answer.GOING]
        lead = read.lead

        async def remind(member_id: str) -> bool:
            return await self._remind(occurrence, lead, meeting, community, member_id, members.get(member_id))

        served = await deliver_each(occurrence, going, remind, key=str, ledger=self._recipients, clock=self._clock)
        return served.outcome()

    async def _remind(self, occurrence: Occurrence, lead: timedelta, meeting: Meeting, community: Community,
                      member_id: str, member: Member | None) -> bool:
        """Send one member their reminder DM, unless they want none at this lead time or it is their quiet time."""
        chosen = dm_leads_of(member) if member is not None else None
        if lead not in (chosen if chosen is not None else (DEFAULT_DM_LEAD,)):
            return False
        if member is not None and in_quiet_hours(occurrence.due, member_zone(member, community),
                                                 quiet_hours_of(member)):
            log.info("no reminder DM for %s: it would come in their quiet hours", member_id)
            return False
        text = render(self._translator, member_language(member, community), _(
            "Reminder: {title} starts {when}, {start}.", title=UserText(meeting.series.title),
            when=Timestamp(meeting.start, TimestampStyle.RELATIVE), start=Timestamp(meeting.start)))
        ref = member.ref if member is not None else MemberRef(community.channel.workspace, member_id)
        await self._messenger.send_direct(ref, Message((Paragraph(text),),
                                                       delivery_key=f"{occurrence.delivery_key}|{member_id}"))
        return True


class HostNudges(_MeetingKind):
    """Three days before a meeting, its host is asked to post an agenda."""

    kind = HOST
    catch_up = CatchUp(lateness=timedelta(days=1))

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        found = await self._occurrence(occurrence)
        if found is None:
            return Outcome.OBSOLETE
        series, meeting, community = found
        if meeting.host is None:
            return Outcome.OBSOLETE
        text = self.say(community)(_(
            "You host {title} on {start}. Post the agenda with /meeting agenda add \"…\" so members can prepare.",
            title=UserText(series.title), start=Timestamp(meeting.start)))
        await self._messenger.send_direct(meeting.host, Message((Paragraph(text),),
                                                                delivery_key=occurrence.delivery_key))
        return Outcome.SENT


class AfterMeetings(_MeetingKind):
    """When a meeting ends: the features' hooks run (the feedback poll), and facilitators hear when the series
    has no next meeting; a single meeting ends instead."""

    kind = ENDED
    catch_up = CatchUp(lateness=timedelta(hours=6))

    def __init__(self, uow: UnitOfWorkFactory, messenger: Messenger, translator: Translator, refs: ActionRefs,
                 hooks: MeetingHooks, *, recipients: RecipientLedger, clock: Clock) -> None:
        super().__init__(uow, messenger, translator, refs, recipients=recipients, clock=clock)
        self._hooks = hooks

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        found = await self._occurrence(occurrence)
        if found is None:
            return Outcome.OBSOLETE
        series, meeting, community = found
        context = MeetingContext(community, self._messenger, self._translator, self._uow, self._refs)

        async def run(hook: tuple[str, MeetingEndedHook]) -> bool:
            await hook[1](context, meeting)
            return True

        # Each hook is a recipient of its own: a retry (a facilitator's platform failed for now) runs none twice.
        served = await deliver_each(occurrence, _named(self._hooks.after_meeting), run, key=lambda hook: hook[0],
                                    ledger=self._recipients, clock=self._clock)
        async with self._uow() as uow:
            changes = await uow.meetings.changes(series.workspace_id, series.id)
            facilitators = await uow.members.with_role(series.workspace_id, Role.FACILITATOR)
        following = next_meetings(series, changes, meeting.end, 1)
        await self._hooks.announce_next(community, series, following[0] if following else None)
        if series.single and not following:
            await self._end_single(series)
        elif series.status is SeriesStatus.ACTIVE and not following:
            async def tell(facilitator: Member) -> bool:
                text = self.say(community)(_(
                    "{title} has no next meeting. Schedule more with /meeting edit --when …, or end it with "
                    "/meeting end.", title=UserText(series.title)))
                await self._messenger.send_direct(facilitator.ref, Message(
                    (Paragraph(text),), delivery_key=f"{occurrence.delivery_key}|{facilitator.ref.id}"))
                return True

            served += await deliver_each(occurrence, facilitators, tell, key=lambda member: member.ref.id,
                                         ledger=self._recipients, clock=self._clock)
        return served.outcome()


    async def _end_single(self, series: Series) -> None:
        """A single meeting (a kick-off) that has taken place is over: it ends, so it no longer counts as the
        community's series, its title is free again and nobody is told to schedule more."""
        async with self._uow() as uow:
            stored = await uow.meetings.get_series(series.workspace_id, series.id)
            if stored is None or stored.status is SeriesStatus.ENDED:
                return
            await uow.meetings.update_series(replace(stored, status=SeriesStatus.ENDED, sequence=stored.sequence + 1),
                                             self._clock.now())
            await uow.commit()


def _named(hooks: Iterable[MeetingEndedHook]) -> list[tuple[str, MeetingEndedHook]]:
    """Each hook with a name that stays the same across restarts (its qualified name, numbered when repeated)."""
    named: list[tuple[str, MeetingEndedHook]] = []
    seen: dict[str, int] = {}
    for hook in hooks:
        name = str(getattr(hook, "__qualname__", type(hook).__qualname__))[:100]
        seen[name] = seen.get(name, 0) + 1
        named.append((f"hook:{name}" if seen[name] == 1 else f"hook:{name}#{seen[name]}", hook))
    return named


def meeting_kinds(uow: UnitOfWorkFactory, messenger: Messenger, translator: Translator, refs: ActionRefs,
                  hooks: MeetingHooks, *, recipients: RecipientLedger, clock: Clock) -> list[_MeetingKind]:
    """The four scheduled kinds of meetings, for the scheduling engine; `refs` mints their buttons' references.
    `recipients` records the members (and hooks) each occurrence served, so a retry skips them."""
    return [ChannelReminders(uow, messenger, translator, refs, recipients=recipients, clock=clock),
            DirectReminders(uow, messenger, translator, refs, recipients=recipients, clock=clock),
            HostNudges(uow, messenger, translator, refs, recipients=recipients, clock=clock),
            AfterMeetings(uow, messenger, translator, refs, hooks, recipients=recipients, clock=clock)]
