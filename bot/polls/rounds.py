"""Polls asked again and again: rounds on a rhythm, feedback after each meeting of a series, and their trend.

A `Round` keeps a poll's questions as they were written when it was scheduled (a template's in the community's
language, or a copy of an existing poll) and how each round is asked. Each time its rhythm comes, or each time a
meeting of its series ends, a new poll is asked from it in the community's channel: one poll per round and time
(the database's constraint), so a retried delivery never asks twice. `RoundService.trend` reads the rounds back:
per round its respondents, the mean of each rating, and the distribution.

The rhythm is read as `/meeting` reads one ("every quarter on the first Monday at 10:00"); a phrase that names
one day asks the poll once, then (`--opens`): the poll is not there before that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.errors import NotFound, PermissionDenied, UserError
from bot.i18n import _
from bot.meetings.service import pick_series
from bot.polls.model import Poll, Question, QuestionKind, Results, ResultsShown, Round
from bot.polls.requests import PollView
from bot.polls.service import PollService
from bot.polls.templates import SESSION, built_in
from bot.ports import Clock, Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.preferences import community_language, community_zone
from bot.recurrence import Recurrence, read_rhythm
from bot.scheduling.model import Schedule
from bot.tenancy import Community, Scope, in_community
from bot.time_zones import UTC_NAME

ROUND = "poll.round"
MAX_CLOSES_AFTER = timedelta(days=365)

# --- requests and answers ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleRound:
    """Ask a template (by name) or a copy of one of the community's polls (by number) on a rhythm: facilitators.
    `closes_after`: how long each round stays open (None: until closed by hand)."""

    scope: Scope
    source: str
    rhythm: str
    closes_after: timedelta | None = None
    anonymous: bool | None = None
    results: ResultsShown | None = None


@dataclass(frozen=True, slots=True)
class OpenLater:
    """One poll, asked at `at` rather than now (`--opens`): a round that comes once."""

    scope: Scope
    questions: tuple[Question, ...]
    at: datetime
    closes_after: timedelta | None = None
    anonymous: bool = False
    results: ResultsShown = ResultsShown.LIVE
    title: str = ""
    template: str = ""


@dataclass(frozen=True, slots=True)
class SetFeedback:
    """The `session` template after each meeting of a series (`on`), also by direct message to the members who
    said they were going (`direct`); or no more (`on` False). `series`: its title or number, None when the
    community has one series."""

    scope: Scope
    series: str | None
    on: bool
    direct: bool = False
    closes_after: timedelta | None = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class ListRounds:
    scope: Scope


@dataclass(frozen=True, slots=True)
class StopRound:
    scope: Scope
    round_id: int


@dataclass(frozen=True, slots=True)
class ShowTrend:
    scope: Scope
    round_id: int


@dataclass(frozen=True, slots=True)
class RoundView:
    """A round and when it comes next (empty: it comes no more, or after each meeting)."""

    round: Round
    upcoming: tuple[datetime, ...]
    asked: int  # how many of its polls there are


@dataclass(frozen=True, slots=True)
class RoundResults:
    """One round of a trend: its poll, when it was asked, and its results (None while hidden: an anonymous
    round with too few answers, or one whose results only show when it closes)."""

    poll: Poll
    at: datetime
    respondents: int
    results: Results | None

    def mean(self, question: int) -> float | None:
        if self.results is None or question >= len(self.results.questions):
            return None
        return self.results.questions[question].mean


@dataclass(frozen=True, slots=True)
class Trend:
    """How a round's answers move: each round in order, and the share of the round's regular members (those who
    answered any of its rounds, as far as Hearth can tell) who answered each one."""

    round: Round
    rounds: tuple[RoundResults, ...]
    panel: int

    def response_rate(self, index: int) -> float | None:
        return None if not self.panel else self.rounds[index].respondents / self.panel


@dataclass(frozen=True, slots=True)
class Asked:
    """A round's poll as it was asked, for its post: where, and as everyone sees it."""

    view: PollView
    community: Community
    round: Round


class RoundService:
    """Rounds of a community: scheduling them (facilitators), asking each round once, feedback after meetings,
    and the trend across rounds. Each request runs in one unit of work and returns a domain result."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, polls: PollService, *,
                 scheduler: Scheduler | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._polls = polls
        self._scheduler = scheduler

    # --- scheduling ------------------------------------------------------------------------------------------

    async def schedule(self, request: ScheduleRound) -> RoundView:
        scope = request.scope
        community = in_community(scope)
        _facilitators_only(scope)
        now = self._clock.now()
        rhythm = read_rhythm(request.rhythm, timezone=community_zone(community), now=now,
                             language=community_language(community)).recurrence
        closes_after = _checked_length(request.closes_after)
        async with self._uow() as uow:
            title, questions, template, anonymous, results = await self._source(uow, scope, request.source)
            self._polls.new_poll(scope, questions, title=title, now=now)  # the questions as a poll asks them
            added = await uow.poll_rounds.add_round(Round(
                id=0, workspace_id=scope.workspace.id, community_id=community.id, author=scope.member.ref,
                title=title, questions=questions, template=template,
                anonymous=anonymous if request.anonymous is None else request.anonymous,
                results=results if request.results is None else request.results, recurrence=rhythm,
                closes_after=closes_after), now)
            await uow.commit()
        await self._refresh(added)
        return RoundView(added, tuple(rhythm.preview(now, 3)), 0)

    async def open_later(self, request: OpenLater) -> RoundView:
        """A poll that opens at a later time: checked now as it will be asked, scheduled once."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        if request.at <= now:
            raise UserError(_("That opening time has passed."),
                            hint=_("Give a time ahead, such as --opens 2026-12-20 09:00 or --opens tomorrow."))
        poll = self._polls.new_poll(scope, request.questions, title=request.title, now=now)
        at = _whole_minute(request.at)
        once = Recurrence("FREQ=DAILY", at.astimezone(UTC).replace(tzinfo=None), UTC_NAME, count=1)
        async with self._uow() as uow:
            added = await uow.poll_rounds.add_round(Round(
                id=0, workspace_id=scope.workspace.id, community_id=community.id, author=scope.member.ref,
                title=poll.title, questions=poll.questions, template=request.template, anonymous=request.anonymous,
                results=request.results, recurrence=once, closes_after=_checked_length(request.closes_after)), now)
            await uow.commit()
        await self._refresh(added)
        return RoundView(added, (at,), 0)

    async def set_feedback(self, request: SetFeedback) -> tuple[str, Round | None]:
        """Turn after-meeting feedback on or off for a series; its title, and the round (None: off)."""
        scope = request.scope
        community = in_community(scope)
        _facilitators_only(scope)
        now = self._clock.now()
        async with self._uow() as uow:
            series = pick_series(await uow.meetings.series_of(scope.workspace.id, community.id), request.series)
            current = await uow.poll_rounds.round_of_series(scope.workspace.id, series.id)
            if current is not None:
                await uow.poll_rounds.set_active(current, False)
            added = None
            if request.on:
                template = built_in(SESSION)
                assert template is not None
                title, questions = template.written(self._polls.words(community))
                added = await uow.poll_rounds.add_round(Round(
                    id=0, workspace_id=scope.workspace.id, community_id=community.id, author=scope.member.ref,
                    title=title, questions=questions, template=SESSION, anonymous=template.anonymous,
                    results=template.results, series_id=series.id, direct=request.direct,
                    closes_after=request.closes_after), now)
            await uow.commit()
        return series.title, added

    async def rounds(self, request: ListRounds) -> list[RoundView]:
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            found = await uow.poll_rounds.rounds_of(scope.workspace.id, community.id)
            views = []
            for round_ in found:
                asked = len(await uow.poll_rounds.round_polls(scope.workspace.id, round_.id))
                upcoming = tuple(round_.recurrence.preview(now, 3)) if round_.recurrence and round_.active else ()
                views.append(RoundView(round_, upcoming, asked))
        return views

    async def stop(self, request: StopRound) -> Round:
        scope = request.scope
        _facilitators_only(scope)
        async with self._uow() as uow:
            round_ = await self._find(uow, scope, request.round_id)
            if not round_.active:
                raise UserError(_("Round {id} has stopped already.", id=round_.id))
            await uow.poll_rounds.set_active(round_, False)
            await uow.commit()
        stopped = replace(round_, active=False)
        await self._refresh(stopped)
        return stopped

    async def trend(self, request: ShowTrend) -> Trend:
        """The rounds of a round so far, each with its results as the member may see them."""
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            round_ = await self._find(uow, scope, request.round_id)
            polls = await uow.poll_rounds.round_polls(scope.workspace.id, round_.id)
            voters: set[str] = set()
            rounds = []
            for poll in polls:
                view = await self._polls.view_in(uow, poll, scope)
                rounds.append(RoundResults(poll, poll.round_at or poll.created_at or self._clock.now(),
                                           view.respondents, view.results))
                if not poll.anonymous:
                    voters.update(stored.member_id or stored.voter
                                  for stored in await uow.polls.ballots(poll.workspace_id, poll.id))
        panel = len(voters) if voters else max((item.respondents for item in rounds), default=0)
        return Trend(round_, tuple(rounds), panel)

    # --- asking ----------------------------------------------------------------------------------------------

    async def scheduled(self) -> list[Schedule]:
        async with self._uow(read_only=True) as uow:
            found = await uow.poll_rounds.scheduled_rounds()
        return [schedule for round_ in found if (schedule := round_schedule(round_)) is not None]

    async def schedule_of(self, workspace_id: int, round_id: int) -> Schedule | None:
        async with self._uow(read_only=True) as uow:
            round_ = await uow.poll_rounds.get_round(workspace_id, round_id)
        return None if round_ is None or not round_.active else round_schedule(round_)

    async def ask(self, workspace_id: int, round_id: int, at: datetime, *,
                  series_id: int | None = None) -> Asked | None:
        """The poll of the round that came at `at`: asked now, or as it was asked before (a retry). None when the
        round stopped, is not of this workspace, or (after a meeting) is not that series' round any more."""
        now = self._clock.now()
        async with self._uow() as uow:
            round_ = await uow.poll_rounds.get_round(workspace_id, round_id)
            community = None if round_ is None else await uow.communities.get(workspace_id, round_.community_id)
            if round_ is None or community is None or (series_id is not None and round_.series_id != series_id):
                return None
            poll = await uow.poll_rounds.round_poll(workspace_id, round_id, at)
            if poll is None:
                if not round_.active:
                    return None
                closes = _whole_minute(max(at, now) + round_.closes_after) if round_.closes_after else None
                poll = await uow.polls.add_poll(Poll(
                    id=0, workspace_id=workspace_id, community_id=round_.community_id, author=round_.author,
                    questions=round_.questions, title=round_.title, anonymous=round_.anonymous,
                    results=round_.results, created_at=now, closes_at=closes, template=round_.template,
                    round_id=round_.id, round_at=at), now)
            view = await self._polls.view_in(uow, poll, None)
            await uow.commit()
        await self._polls.reschedule(poll)
        return Asked(self._polls.public(view), community, round_)

    async def after_meeting(self, workspace_id: int, series_id: int, start: datetime) -> Asked | None:
        """The feedback round of a meeting of `series_id` that started at `start`, when its series has one."""
        async with self._uow(read_only=True) as uow:
            round_ = await uow.poll_rounds.round_of_series(workspace_id, series_id)
        if round_ is None:
            return None
        return await self.ask(workspace_id, round_.id, start, series_id=series_id)

    # --- helpers ---------------------------------------------------------------------------------------------

    async def _refresh(self, round_: Round) -> None:
        if self._scheduler is not None and round_.recurrence is not None:
            await self._scheduler.refresh(ROUND, round_.workspace_id, str(round_.id))

    async def _find(self, uow: UnitOfWork, scope: Scope, round_id: int) -> Round:
        community = in_community(scope)
        found = await uow.poll_rounds.get_round(scope.workspace.id, round_id) if 0 < round_id < 2**62 else None
        if found is None or found.community_id != community.id:
            raise NotFound(_("There is no round {id} in this community.", id=round_id),
                           hint=_("See the rounds with /poll rounds."))
        return found

    async def _source(self, uow: UnitOfWork, scope: Scope, source: str,
                      ) -> tuple[str, tuple[Question, ...], str, bool, ResultsShown]:
        """What a round asks: a template's questions in the community's language, or a poll's."""
        community = in_community(scope)
        text = source.strip()
        if text.isdigit():
            poll = await self._polls.find_in(uow, scope, int(text))
            return poll.title, poll.questions, poll.template, poll.anonymous, poll.results
        template = await self._polls.find_template(uow, scope, text)
        title, questions = template.written(self._polls.words(community))
        return title, questions, template.name, template.anonymous, template.results


def round_schedule(round_: Round) -> Schedule | None:
    if round_.recurrence is None:
        return None
    return Schedule(ROUND, round_.workspace_id, str(round_.id), round_.recurrence, community_id=round_.community_id)


def first_rating(questions: tuple[Question, ...]) -> int | None:
    return next((index for index, question in enumerate(questions) if question.kind is QuestionKind.RATING), None)


def _facilitators_only(scope: Scope) -> None:
    if not scope.may_facilitate:
        raise PermissionDenied(_("Only facilitators can schedule polls."))


def _checked_length(length: timedelta | None) -> timedelta | None:
    if length is None:
        return None
    if not timedelta(minutes=1) <= length <= MAX_CLOSES_AFTER:
        raise UserError(_("A round stays open from a minute to a year."), hint=_("For example: --closes 7d"))
    return length


def _whole_minute(moment: datetime) -> datetime:
    rounded = moment.replace(second=0, microsecond=0)
    return rounded if rounded == moment else rounded + timedelta(minutes=1)
