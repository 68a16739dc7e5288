"""`MeetingService`: meeting series, their meetings, RSVPs, agendas, reminder wishes and calendar feeds."""

from __future__ import annotations

import difflib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.errors import NotFound, UserError
from bot.i18n import Msg, _
from bot.links import is_web_link
from bot.meetings.model import (
    DEFAULT_LEADS,
    MAX_DURATION,
    MAX_MOVE,
    AgendaItem,
    Answer,
    Change,
    Meeting,
    Series,
    SeriesStatus,
    meeting_at,
    meetings_between,
    next_meetings,
)
from bot.meetings.ports import CalendarFeed
from bot.meetings.preferences import (
    DM_LEADS,
    NOT_QUIET_HOURS,
    QUIET_HOURS,
    QUIET_HOURS_EXAMPLE,
    is_quiet_hours,
    write_dm_leads,
    write_quiet_hours,
)
from bot.meetings.reminders import (
    DIRECT,
    KINDS,
    MeetingHooks,
    series_schedules,
    subjects,
    workspace_dm_leads,
)
from bot.meetings.requests import (
    Agenda,
    CalendarFile,
    CancelMeeting,
    ChooseQuietHours,
    ChooseReminders,
    EditSeries,
    EditTopic,
    FeedAddress,
    GetFeed,
    ListSeries,
    MakeCalendar,
    MeetingChanged,
    MeetingView,
    MoveMeeting,
    ProposeTopic,
    RemoveTopic,
    Rsvp,
    RsvpRecorded,
    ScheduleSeries,
    SeriesDetails,
    SeriesView,
    SetSeriesStatus,
    ShowAgenda,
    ShowNextMeeting,
    SkipMeeting,
    TopicEdited,
    TopicProposed,
    TopicRemoved,
    TopicVoted,
    Upcoming,
    UpcomingForMember,
    VoteTopic,
)
from bot.messages import MemberMention, Timestamp, TimestampStyle, UserText, join
from bot.permissions import authors_and_facilitators_only, refusal
from bot.ports import Clock, Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.preferences import community_zone
from bot.recurrence import read_rhythm
from bot.recurrence.zones import zone_of
from bot.refs import ChannelRef, MemberRef
from bot.tenancy import Community, Member, Role, Scope, in_community
from bot.text_limits import (
    AGENDA_TOPIC,
    CANCEL_REASON,
    DESCRIPTION,
    LINK,
    PLACE,
    SERIES_TITLE,
    TextLimit,
    keepable,
    one_line,
    several_lines,
    shown,
)
from bot.time_zones import checked_zone

MAX_TITLE = SERIES_TITLE.most
MAX_TEXT = DESCRIPTION.most
MAX_TOPIC = AGENDA_TOPIC.most
MAX_HOSTS = 10
MAX_LEADS = 4
MAX_LEAD = timedelta(days=14)
MIN_DURATION = timedelta(minutes=5)
DEFAULT_DURATION = timedelta(minutes=60)


@dataclass(frozen=True, slots=True)
class _Changed:
    """What the scheduler and the hooks hear of once a change is committed, read inside its unit of work."""

    series: Series
    changes: tuple[Change, ...]
    dm_leads: frozenset[timedelta]
    community: Community | None


class MeetingService:
    """Everything that changes or reads meeting series.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix
    raises a `UserError` (`NotFound`, `PermissionDenied`) and changes nothing. A series, meeting or topic is only
    found in the community the request is asked in. After a committed change the scheduler re-reads the series'
    schedules (so reminders follow at once) and the hooks hear of its next meeting.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, scheduler: Scheduler | None, hooks: MeetingHooks) -> None:
        self._uow = uow
        self._clock = clock
        self._scheduler = scheduler
        self.hooks = hooks

    # --- facilitators: a series ---------------------------------------------------------------------------

    async def schedule(self, request: ScheduleSeries) -> SeriesView:
        """Start a new series (or one meeting) in the scope's community, with the request's agenda proposed for
        its first meeting. Refuses a title the community already uses."""
        scope = request.scope
        community = in_community(scope)
        title = checked_title(request.title)
        zone = checked_zone(request.timezone) if request.timezone else community_zone(community)
        now = self._clock.now()
        rhythm = read_rhythm(request.rhythm, timezone=zone, now=now, language=None, single=request.single)
        recurrence = rhythm.recurrence
        first = recurrence.next_after(now)
        if first is None:
            raise UserError(_("That rhythm has no meetings ahead: all its dates are in the past."),
                            hint=_("Give a start in the future, or leave the start out."))
        agenda = tuple(checked_topic(topic) for topic in request.agenda)
        details = request.details
        async with self._uow() as uow:
            await self._ensure_facilitator(uow, scope, "/meeting schedule")
            existing = await uow.meetings.series_of(scope.workspace.id, community.id)
            if any(s.title.casefold() == title.casefold() and s.status is not SeriesStatus.ENDED for s in existing):
                raise UserError(_("This community already has a series called {title}.", title=UserText(title)),
                                hint=_("Choose another title, or change that one with /meeting edit."))
            series = Series(
                id=0, workspace_id=scope.workspace.id, community_id=community.id, title=title, recurrence=recurrence,
                duration=checked_duration(one_length(details.duration, rhythm.length)),
                location=checked_location(details.link, details.place), description=checked_text(details.about),
                hosts=checked_hosts(details.hosts or ()),
                reminder_leads=checked_leads(details.reminder_leads, DEFAULT_LEADS), uid=f"{uuid.uuid4()}@hearth",
            )
            series = await uow.meetings.add_series(series, now)
            for topic in agenda:
                await uow.meetings.add_agenda_item(scope.workspace.id, series.id, first, scope.member.ref, topic, now)
            changed = await self._read_changed(uow, series, community)
            await uow.commit()
        await self._tell(changed)
        return self._view(series, changed.changes, now)

    async def edit(self, request: EditSeries) -> SeriesView:
        """Change what the request gives; a new rhythm clears the series' skips."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow() as uow:
            await self._ensure_facilitator(uow, scope, "/meeting edit")
            series = await self._find_series(uow, scope, request.series)
            edited = _edited(series, request, now)
            if edited == series:
                raise UserError(_("Nothing to change: give at least one option."),
                                hint=_("For example: /meeting edit --for 90m"))
            edited = replace(edited, sequence=series.sequence + 1)
            changed = await self._store(uow, edited, community, now)
        await self._tell(changed)
        return self._view(edited, changed.changes, now)

    async def set_status(self, request: SetSeriesStatus) -> Series:
        """Pause, resume or end a series; refuses the status it already has."""
        scope = request.scope
        community = in_community(scope)
        action = {SeriesStatus.ACTIVE: "/meeting resume", SeriesStatus.PAUSED: "/meeting pause",
                  SeriesStatus.ENDED: "/meeting end"}[request.status]
        async with self._uow() as uow:
            await self._ensure_facilitator(uow, scope, action)
            series = await self._find_series(uow, scope, request.series)
            if series.status is request.status:
                word = {SeriesStatus.ACTIVE: _("active"), SeriesStatus.PAUSED: _("paused"),
                        SeriesStatus.ENDED: _("ended")}[request.status]
                raise UserError(_("{title} is {status} already.", title=UserText(series.title), status=word))
            series = replace(series, status=request.status, sequence=series.sequence + 1)
            changed = await self._store(uow, series, community, self._clock.now())
        await self._tell(changed)
        return series

    # --- facilitators: one meeting ------------------------------------------------------------------------

    async def skip(self, request: SkipMeeting) -> MeetingChanged:
        """Skip one meeting: it disappears from the calendar (an EXDATE of the rule)."""
        scope = request.scope
        community = in_community(scope)
        async with self._uow() as uow:
            await self._ensure_facilitator(uow, scope, "/meeting skip")
            series = await self._find_series(uow, scope, request.series)
            meeting, _changes = await self._find_meeting(uow, series, request.on)
            # The wall time the meeting is shown at; `with_exdate` finds the rule's instance behind it (also in a
            # DST gap).
            local = meeting.original.astimezone(zone_of(series.timezone)).replace(tzinfo=None)
            series = replace(series, recurrence=series.recurrence.with_exdate(local), sequence=series.sequence + 1)
            changed = await self._store(uow, series, community, self._clock.now())
        await self._tell(changed)
        return MeetingChanged(series, meeting)

    async def move(self, request: MoveMeeting) -> MeetingChanged:
        """Move one meeting, at most 90 days from where the rule places it, and not into the past."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow() as uow:
            await self._ensure_facilitator(uow, scope, "/meeting move")
            series = await self._find_series(uow, scope, request.series)
            meeting, _changes = await self._find_meeting(uow, series, request.on)
            to = request.to(series.timezone)
            if to <= now:
                raise UserError(_("{to} is in the past.", to=Timestamp(to)), hint=_("Give a date and time ahead."))
            if abs(to - meeting.original) > MAX_MOVE:
                raise UserError(_("A meeting can move at most 90 days from its planned date."),
                                hint=_("Skip it and schedule a separate meeting instead."))
            series = replace(series, sequence=series.sequence + 1)
            await uow.meetings.set_change(scope.workspace.id,
                                          Change(series.id, meeting.original, to, False, "", series.sequence))
            changed = await self._store(uow, series, community, now)
        await self._tell(changed)
        return MeetingChanged(series, meeting, to=to)

    async def cancel(self, request: CancelMeeting) -> MeetingChanged:
        """Cancel one meeting: it stays visible, cancelled, with the reason."""
        scope = request.scope
        community = in_community(scope)
        reason = checked_text(request.reason, CANCEL_REASON)
        async with self._uow() as uow:
            await self._ensure_facilitator(uow, scope, "/meeting cancel")
            series = await self._find_series(uow, scope, request.series)
            meeting, _changes = await self._find_meeting(uow, series, request.on)
            if meeting.cancelled:
                raise UserError(_("That meeting is cancelled already."))
            series = replace(series, sequence=series.sequence + 1)
            change = Change(series.id, meeting.original, meeting.start if meeting.moved else None, True, reason,
                            series.sequence)
            await uow.meetings.set_change(scope.workspace.id, change)
            changed = await self._store(uow, series, community, self._clock.now())
        await self._tell(changed)
        return MeetingChanged(series, meeting, reason=reason)

    # --- everyone: dates, RSVP, agenda ---------------------------------------------------------------------

    async def all_series(self, request: ListSeries) -> list[SeriesView]:
        """Every series of the community, ended ones too, with the next three meetings (cancelled included)."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            found = await uow.meetings.series_of(scope.workspace.id, community.id)
            changes = await uow.meetings.changes_of(scope.workspace.id, [s.id for s in found])
        if not found:
            raise _no_series()
        return [SeriesView(s, tuple(changes[s.id]), tuple(
            next_meetings(s, changes[s.id], now, 3, include_cancelled=True) if s.status is not SeriesStatus.ENDED
            else ())) for s in found]

    async def next_meeting(self, request: ShowNextMeeting) -> MeetingView:
        """The next meeting of the named series, or the soonest of all, with its answers and agenda."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            if request.series:
                candidates = [await self._find_series(uow, scope, request.series)]
            else:
                candidates = [s for s in await uow.meetings.series_of(scope.workspace.id, community.id)
                              if s.status is not SeriesStatus.ENDED]
                if not candidates:
                    raise _no_series()
            changes = await uow.meetings.changes_of(scope.workspace.id, [s.id for s in candidates])
            soonest: Meeting | None = None
            for series in candidates:
                upcoming = next_meetings(series, changes[series.id], now, 1)
                if upcoming and (soonest is None or upcoming[0].start < soonest.start):
                    soonest = upcoming[0]
            if soonest is None:
                raise NotFound(_("No meetings ahead."), hint=_("See the series with /meeting list."))
            return await _meeting_view(uow, soonest)

    async def rsvp(self, request: Rsvp) -> RsvpRecorded:
        """Record the member's answer to a meeting of the scope's community that is still ahead or under way."""
        scope = request.scope
        async with self._uow() as uow:
            series = await uow.meetings.get_series(scope.workspace.id, request.series_id)
            if series is not None and scope.community is not None and series.community_id != scope.community.id:
                series = None  # a series of another community is not this channel's to answer
            meeting = None
            if series is not None:
                meeting = meeting_at(series, await uow.meetings.changes(scope.workspace.id, series.id),
                                     request.original)
            if series is None or meeting is None or meeting.cancelled:
                raise UserError(_("That meeting is no longer planned. See /meeting next."))
            if meeting.end < self._clock.now():
                raise UserError(_("That meeting is over."))
            await uow.meetings.set_rsvp(scope.workspace.id, series.id, request.original, scope.member.ref,
                                        request.answer, self._clock.now())
            view = await _meeting_view(uow, meeting)
            await uow.commit()
        return RsvpRecorded(request.answer, view)

    async def propose_topic(self, request: ProposeTopic) -> TopicProposed:
        """Add a topic to the agenda of the series' next meeting."""
        scope = request.scope
        topic = checked_topic(request.topic)
        async with self._uow() as uow:
            series = await self._find_series(uow, scope, request.series)
            meeting, _changes = await self._find_meeting(uow, series, None)
            await uow.meetings.add_agenda_item(scope.workspace.id, series.id, meeting.original, scope.member.ref,
                                               topic, self._clock.now())
            await uow.commit()
        return TopicProposed(series, meeting, topic)

    async def agenda(self, request: ShowAgenda) -> Agenda:
        """The agenda of the series' next meeting, most votes first."""
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            series = await self._find_series(uow, scope, request.series)
            meeting, _changes = await self._find_meeting(uow, series, None)
            items = await uow.meetings.agenda(scope.workspace.id, series.id, meeting.original)
        return Agenda(meeting, items)

    async def edit_topic(self, request: EditTopic) -> TopicEdited:
        """Change the text of the topic numbered as `agenda` lists it; its author and votes stay.

        Only the topic's author or a facilitator may (`PermissionDenied` otherwise); `NotFound` when the agenda has
        no topic of that number, `UserError` for a text `propose_topic` would refuse.
        """
        scope = request.scope
        topic = checked_topic(request.topic)
        async with self._uow() as uow:
            series, meeting, item = await self._find_topic(uow, scope, request.series, request.number)
            await self._ensure_may_change(uow, scope, item, "/meeting agenda edit")
            edited = await uow.meetings.edit_agenda_item(scope.workspace.id, item.id, topic)
            if edited is None:
                raise _no_topic(series, request.number)
            await uow.commit()
        return TopicEdited(series, meeting, request.number, edited, item.text)

    async def remove_topic(self, request: RemoveTopic) -> TopicRemoved:
        """Take the topic numbered as `agenda` lists it off the agenda, with its votes.

        Only the topic's author or a facilitator may (`PermissionDenied` otherwise); `NotFound` when the agenda has
        no topic of that number.
        """
        scope = request.scope
        async with self._uow() as uow:
            series, meeting, item = await self._find_topic(uow, scope, request.series, request.number)
            await self._ensure_may_change(uow, scope, item, "/meeting agenda remove")
            if not await uow.meetings.remove_agenda_item(scope.workspace.id, item.id):
                raise _no_topic(series, request.number)
            await uow.commit()
        return TopicRemoved(series, meeting, request.number, item)

    async def vote(self, request: VoteTopic) -> TopicVoted:
        """Upvote a topic, or take the vote back."""
        scope = request.scope
        async with self._uow() as uow:
            item = await uow.meetings.toggle_vote(scope.workspace.id, request.item_id, scope.member.ref)
            series = None if item is None else await uow.meetings.get_series(scope.workspace.id, item.series_id)
            if item is None or series is None or (
                    scope.community is not None and series.community_id != scope.community.id):
                # Gone, or a topic of another community: not this channel's to vote on (the toggle is rolled back).
                raise UserError(_("That topic is gone. Use /meeting agenda show."))
            await uow.commit()
        return TopicVoted(item, scope.member.ref.id in item.votes)

    # --- everyone: their own reminders and home ----------------------------------------------------------

    async def choose_reminders(self, request: ChooseReminders) -> Member:
        """Store the member's own reminder DM lead times (`()`: none) and reschedule the DMs of every series."""
        scope = request.scope
        leads = checked_leads(request.leads, ())
        member = replace(scope.member, preferences={**scope.member.preferences, DM_LEADS: write_dm_leads(leads)})
        async with self._uow() as uow:
            await uow.members.update(member)
            everywhere = [s for s in await uow.meetings.series_in(scope.workspace.id)
                          if s.status is not SeriesStatus.ENDED]
            changes = await uow.meetings.changes_of(scope.workspace.id, [s.id for s in everywhere])
            dm_leads = frozenset(await workspace_dm_leads(uow, scope.workspace.id))
            changed = [_Changed(series, tuple(changes[series.id]), dm_leads, None) for series in everywhere]
            await uow.commit()
        for one in changed:
            await self._tell(one, (DIRECT,))
        return member

    async def choose_quiet_hours(self, request: ChooseQuietHours) -> Member:
        """Store (or clear) the member's quiet hours for reminder DMs.

        Raises `UserError` for a window that is not two different times of day on a whole minute without a time
        zone (quiet hours follow the member's own zone); nothing is stored then.
        """
        member = request.scope.member
        preferences = {k: v for k, v in member.preferences.items() if k != QUIET_HOURS}
        if request.window is not None:
            if not is_quiet_hours(request.window):
                raise UserError(NOT_QUIET_HOURS, hint=QUIET_HOURS_EXAMPLE)
            preferences[QUIET_HOURS] = write_quiet_hours(request.window)
        member = replace(member, preferences=preferences)
        async with self._uow() as uow:
            await uow.members.update(member)
            await uow.commit()
        return member

    async def upcoming(self, request: UpcomingForMember) -> list[Upcoming]:
        """The next meeting of every active series in the workspace, soonest first, with the member's answer."""
        scope = request.scope
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            active = [s for s in await uow.meetings.series_in(scope.workspace.id) if s.status is SeriesStatus.ACTIVE]
            changes = await uow.meetings.changes_of(scope.workspace.id, [s.id for s in active])
            following = [upcoming[0] for series in active
                         if (upcoming := next_meetings(series, changes[series.id], now, 1))]
            answers = await uow.meetings.rsvps_of(scope.workspace.id, [(m.series.id, m.original) for m in following])
        rows = [Upcoming(m, answers[(m.series.id, m.original)].get(scope.member.ref.id)) for m in following]
        return sorted(rows, key=lambda row: row.meeting.start)

    # --- calendars ----------------------------------------------------------------------------------------

    async def calendar(self, request: MakeCalendar) -> CalendarFile:
        """The .ics of the named series (ended ones too), or of every series of the community."""
        scope = request.scope
        community = in_community(scope)
        async with self._uow(read_only=True) as uow:
            if request.series:
                chosen = [await self._find_series(uow, scope, request.series, include_ended=True)]
            else:
                chosen = await uow.meetings.series_of(scope.workspace.id, community.id)
                if not chosen:
                    raise _no_series()
            changes = await uow.meetings.changes_of(scope.workspace.id, [s.id for s in chosen])
        entries = [(s, changes[s.id]) for s in chosen]
        name = chosen[0].title if len(chosen) == 1 else community.name
        from bot.meetings.ics import series_calendar  # icalendar loads only once a calendar is asked for

        return CalendarFile(name, series_calendar(entries, name=name, now=self._clock.now()))

    async def feed(self, request: GetFeed) -> FeedAddress:
        """The live secret feed of the community or of the member, made when there is none; `revoke` first stops
        the old ones working (the community's: facilitators only)."""
        scope = request.scope
        community = in_community(scope)
        community_id = None if request.mine else community.id
        member = scope.member.ref if request.mine else None
        now = self._clock.now()
        async with self._uow() as uow:
            if request.revoke:
                if not request.mine:
                    await self._ensure_facilitator(uow, scope, "/meeting feed --revoke")
                await uow.meetings.revoke_feeds(scope.workspace.id, community_id, member, now)
            live = await uow.meetings.feeds_of(scope.workspace.id, community_id, member)
            if live:
                token = live[0].token
            else:
                token = secrets.token_urlsafe(32)
                await uow.meetings.add_feed(CalendarFeed(token, scope.workspace.id, community_id, member), now)
            await uow.commit()
        return FeedAddress(token, None if request.mine else community, revoked=request.revoke)

    async def feed_calendar(self, token: str) -> bytes | None:
        """The iCalendar text of the live feed with this secret token, or None when there is none (unknown,
        revoked, or its workspace removed Hearth). The token is the credential: no scope."""
        async with self._uow(read_only=True) as uow:
            feed = await uow.meetings.feed(token)
            if feed is None or feed.revoked:
                return None
            workspace = await uow.workspaces.get_by_id(feed.workspace_id)
            if workspace is None or workspace.removed_at is not None:
                return None
            if feed.community_id is not None:
                community = await uow.communities.get(feed.workspace_id, feed.community_id)
                if community is None:
                    return None
                found = await uow.meetings.series_of(feed.workspace_id, feed.community_id)
                changes = await uow.meetings.changes_of(feed.workspace_id, [s.id for s in found])
                entries = [(series, changes[series.id]) for series in found]
                name = community.name
                meetings: list[Meeting] | None = None
            elif feed.member is not None:
                meetings = await _meetings_going(uow, feed.workspace_id, feed.member)
                name = workspace.name
            else:
                return None
        # Rendered once the unit is let go. icalendar loads only once a calendar is asked for.
        from bot.meetings.ics import member_calendar, series_calendar

        now = self._clock.now()
        if meetings is None:
            return series_calendar(entries, name=name, now=now)
        return member_calendar(meetings, name=name, now=now)

    # --- platform autocomplete ----------------------------------------------------------------------------

    async def titles(self, channel: ChannelRef) -> list[str]:
        """The titles of the series of the channel's community that have not ended, for autocomplete."""
        async with self._uow(read_only=True) as uow:
            workspace = await uow.workspaces.get(channel.workspace)
            if workspace is None:
                return []
            community = await uow.communities.get_by_channel(workspace.id, channel)
            if community is None:
                return []
            return [s.title for s in await uow.meetings.series_of(workspace.id, community.id)
                    if s.status is not SeriesStatus.ENDED]

    # --- inside a unit of work ----------------------------------------------------------------------------

    async def _ensure_facilitator(self, uow: UnitOfWork, scope: Scope, action: str) -> None:
        if not scope.may_facilitate:
            raise await refusal(uow, scope.workspace.id, action)

    async def _ensure_may_change(self, uow: UnitOfWork, scope: Scope, item: AgendaItem, action: str) -> None:
        """A topic is its author's to change, and the facilitators'."""
        if item.author == scope.member.ref or scope.may_facilitate:
            return
        author = await uow.members.get(scope.workspace.id, item.author)
        shown_as = UserText(author.display_name) if author is not None else MemberMention(item.author)
        raise authors_and_facilitators_only(action, shown_as,
                                            await uow.members.with_role(scope.workspace.id, Role.FACILITATOR))

    async def _find_topic(self, uow: UnitOfWork, scope: Scope, name: str | None,
                          number: int) -> tuple[Series, Meeting, AgendaItem]:
        """The topic numbered `number` (from 1, in the order `agenda` lists them) on the series' next meeting."""
        series = await self._find_series(uow, scope, name)
        meeting, _changes = await self._find_meeting(uow, series, None)
        items = await uow.meetings.agenda(scope.workspace.id, series.id, meeting.original)
        if not items:
            raise NotFound(_("The agenda of {title} has no topics yet.", title=UserText(series.title)),
                           hint=_("Propose one with /meeting agenda add \"…\"."))
        if not 1 <= number <= len(items):
            raise _no_topic(series, number)
        return series, meeting, items[number - 1]

    async def _find_series(self, uow: UnitOfWork, scope: Scope, name: str | None, *,
                           include_ended: bool = False) -> Series:
        community = in_community(scope)
        found = await uow.meetings.series_of(scope.workspace.id, community.id)
        return pick_series(found, name, include_ended=include_ended)

    async def _find_meeting(self, uow: UnitOfWork, series: Series, on: date | None) -> tuple[Meeting, list[Change]]:
        """The meeting of `series` on the date `on` (in the series' zone), or its next one."""
        changes = await uow.meetings.changes(series.workspace_id, series.id)
        now = self._clock.now()
        if on is None:
            upcoming = next_meetings(series, changes, now, 1)
            if not upcoming:
                raise NotFound(_("{title} has no meetings ahead.", title=UserText(series.title)))
            return upcoming[0], changes
        zone = zone_of(series.timezone)
        day_start = datetime(on.year, on.month, on.day, tzinfo=zone)
        found = meetings_between(series, changes, day_start - timedelta(seconds=1), day_start + timedelta(days=1))
        found = [m for m in found
                 if m.start.astimezone(zone).date() == on or m.original.astimezone(zone).date() == on]
        if not found:
            raise NotFound(_("{title} has no meeting on {day}.", title=UserText(series.title),
                             day=Timestamp(day_start + timedelta(hours=12), TimestampStyle.DATE)),
                           hint=_("See its dates with /meeting list."))
        return found[0], changes

    async def _store(self, uow: UnitOfWork, series: Series, community: Community, at: datetime) -> _Changed:
        """Store the changed series and commit; what the scheduler and hooks then hear of (`_tell`)."""
        await uow.meetings.update_series(series, at)
        changed = await self._read_changed(uow, series, community)
        await uow.commit()
        return changed

    async def _read_changed(self, uow: UnitOfWork, series: Series, community: Community | None) -> _Changed:
        changes = await uow.meetings.changes(series.workspace_id, series.id)
        dm_leads = await workspace_dm_leads(uow, series.workspace_id)
        return _Changed(series, tuple(changes), frozenset(dm_leads), community)

    async def _tell(self, changed: _Changed, kinds: Sequence[str] = KINDS) -> None:
        """Once committed: the scheduler re-reads the series' schedules, and the hooks hear of its next meeting."""
        series = changed.series
        if self._scheduler is not None:
            for kind in kinds:
                await self._scheduler.place(kind, series.workspace_id,
                                            subjects(series, kind, changed.changes, changed.dm_leads),
                                            series_schedules(kind, series, changed.changes, changed.dm_leads))
        if changed.community is not None:
            upcoming = [] if series.status is SeriesStatus.ENDED else next_meetings(
                series, changed.changes, self._clock.now(), 1)
            await self.hooks.announce_next(changed.community, series, upcoming[0] if upcoming else None)

    def _view(self, series: Series, changes: Sequence[Change], now: datetime) -> SeriesView:
        return SeriesView(series, tuple(changes), tuple(next_meetings(series, changes, now, 3)))


# --- rules on what members typed ------------------------------------------------------------------------------


def pick_series(found: Iterable[Series], name: str | None, *, include_ended: bool = False) -> Series:
    """The series called `name` (case and spaces aside), or the only one when `name` is None; a `UserError`
    that suggests the closest title otherwise."""
    candidates = [s for s in found if include_ended or s.status is not SeriesStatus.ENDED]
    if name is None:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise _no_series()
        raise UserError(_("This community has several series: say which with --series."),
                        hint=_("The series: {titles}.", titles=join(UserText(s.title) for s in candidates)))
    wanted = " ".join(name.split()).casefold()
    for series in candidates:
        if series.title.casefold() == wanted:
            return series
    close = difflib.get_close_matches(wanted, [s.title.casefold() for s in candidates], n=1, cutoff=0.5)
    if close:
        suggestion = next(s.title for s in candidates if s.title.casefold() == close[0])
        raise NotFound(_("There is no series called {name}.", name=UserText(name)),
                       hint=_("Did you mean {title}?", title=UserText(suggestion)))
    raise NotFound(_("There is no series called {name}.", name=UserText(name)),
                   hint=_("See the series with /meeting list."))


def checked_topic(text: str) -> str:
    """An agenda topic on one line; `UserError` when empty, too long or holding a character Hearth cannot keep."""
    topic = one_line(text)
    if not topic or len(topic) > MAX_TOPIC:
        raise UserError(_("A topic has 1 to {max} characters.", max=MAX_TOPIC))
    return topic


def checked_title(text: str) -> str:
    """A series' title on one line; `UserError` when empty, too long or holding a character Hearth cannot keep."""
    title = one_line(text)
    if not title:
        raise UserError(_("A series needs a title."), hint=_('Put it in quotes: /meeting schedule "CoP sync" …'))
    if len(title) > MAX_TITLE:
        raise UserError(_("A title can have at most {max} characters.", max=MAX_TITLE))
    return title


def checked_text(value: str | None, limit: TextLimit = DESCRIPTION) -> str:
    """A description, place or reason as `limit` keeps it (on one line or several); `UserError` when it is too
    long or holds a character Hearth cannot keep."""
    text = several_lines(value or "") if limit.multiline else one_line(value or "")
    if len(text) > limit.most:
        raise UserError(_too_long(limit))
    return text


def _too_long(limit: TextLimit) -> Msg:
    if limit is PLACE:
        return _("A place can have at most {max} characters.", max=limit.most)
    if limit is CANCEL_REASON:
        return _("A reason can have at most {max} characters.", max=limit.most)
    if limit is LINK:
        return _("A link can have at most {max} characters.", max=limit.most)
    return _("A description can have at most {max} characters.", max=limit.most)


def one_length(option: timedelta | None, phrase: timedelta | None) -> timedelta | None:
    """The length of each meeting from `--for` or from the rhythm's own words ("for 60m", "14:00-15:30"), which
    may both say it only when they agree."""
    if option is not None and phrase is not None and option != phrase:
        raise UserError(_("The rhythm and --for give two different lengths for each meeting."),
                        hint=_("Give the length once: in the rhythm, such as 14:00-15:30, or with --for."))
    return option if option is not None else phrase


def checked_duration(value: timedelta | None) -> timedelta:
    duration = value if value is not None else DEFAULT_DURATION
    if duration > MAX_DURATION:
        raise UserError(_("A meeting can last at most 24 hours."), hint=_("For example: --for 90m"))
    if duration < MIN_DURATION:
        raise UserError(_("A meeting lasts at least 5 minutes."), hint=_("For example: --for 90m"))
    return duration


def checked_location(link: str | None, place: str | None) -> str:
    """Where a series meets: a web link of at most `LINK` characters, or else a place on one line."""
    if link:
        link = keepable(link).strip()
        if len(link) > LINK.most:
            raise UserError(_too_long(LINK), hint=_("Use a shorter link to the same meeting."))
        if not is_web_link(link):
            raise UserError(_("{link} is not a web link.", link=shown(link)),
                            hint=_("Give an address that starts with https://, or use --where for a place."))
        return link
    return checked_text(place, PLACE)


def checked_hosts(hosts: Sequence[MemberRef]) -> tuple[MemberRef, ...]:
    unique = tuple(dict.fromkeys(hosts))
    if len(unique) > MAX_HOSTS:
        raise UserError(_("At most {max} hosts can take turns.", max=MAX_HOSTS))
    return unique


def checked_leads(leads: Sequence[timedelta] | None, default: tuple[timedelta, ...]) -> tuple[timedelta, ...]:
    """Lead times, longest first, without repeats: at most four, each at most 14 days before."""
    if leads is None:
        return default
    ordered = tuple(sorted(set(leads), reverse=True))
    if len(ordered) > MAX_LEADS or any(lead > MAX_LEAD for lead in ordered):
        raise UserError(_("At most {max} reminders, each at most 14 days before.", max=MAX_LEADS))
    return ordered


def _edited(series: Series, request: EditSeries, now: datetime) -> Series:
    details: SeriesDetails = request.details
    edited = series
    if request.title:
        edited = replace(edited, title=checked_title(request.title))
    length = details.duration
    if request.rhythm:
        rhythm = read_rhythm(request.rhythm, timezone=series.timezone, now=now, language=None)
        edited = replace(edited, recurrence=replace(rhythm.recurrence, exdates=()))
        length = one_length(details.duration, rhythm.length)
    if length is not None:
        edited = replace(edited, duration=checked_duration(length))
    if details.link or details.place:
        edited = replace(edited, location=checked_location(details.link, details.place))
    if details.about is not None:
        edited = replace(edited, description=checked_text(details.about))
    if details.hosts is not None:
        edited = replace(edited, hosts=checked_hosts(details.hosts))
    if details.reminder_leads is not None:
        edited = replace(edited, reminder_leads=checked_leads(details.reminder_leads, series.reminder_leads))
    return edited


def _no_topic(series: Series, number: int) -> NotFound:
    return NotFound(_("The agenda of {title} has no topic {number}.", title=UserText(series.title), number=number),
                    hint=_("See the topics and their numbers with /meeting agenda show."))


def _no_series() -> NotFound:
    return NotFound(_("This community has no meeting series yet."),
                    hint=_("Facilitators schedule one with /meeting schedule."))


async def _meeting_view(uow: UnitOfWork, meeting: Meeting) -> MeetingView:
    workspace_id = meeting.series.workspace_id
    answers = await uow.meetings.rsvps(workspace_id, meeting.series.id, meeting.original)
    agenda = await uow.meetings.agenda(workspace_id, meeting.series.id, meeting.original)
    return MeetingView(meeting, answers, agenda)


async def _meetings_going(uow: UnitOfWork, workspace_id: int, member: MemberRef) -> list[Meeting]:
    """The meetings the member said they attend, as they stand now (moved, cancelled)."""
    going = sorted(key for key, answer in (await uow.meetings.going(workspace_id, member)).items()
                   if answer == Answer.GOING)
    wanted = {series_id for series_id, _original in going}
    series = {s.id: s for s in await uow.meetings.series_in(workspace_id) if s.id in wanted}
    changes = await uow.meetings.changes_of(workspace_id, sorted(series))
    return [meeting for series_id, original in going if series_id in series
            and (meeting := meeting_at(series[series_id], changes[series_id], original)) is not None]


__all__ = [
    "MAX_HOSTS",
    "MAX_TEXT",
    "MAX_TITLE",
    "MAX_TOPIC",
    "MeetingService",
    "checked_leads",
    "checked_topic",
    "pick_series",
]
