"""A community's round: what every rule says at one moment, as nudges logged in one unit of work.

`NudgeService.plan_round` calls `plan` inside its unit. The rules (`bot.nudges.rules`) decide; this module reads
what they decide on (aggregates of the activity record, the log, the members' wishes), settles earlier personal
nudges (answered when the member posted within a week, else ignored), and resolves what each nudge points at.
Nothing here sends: the scheduled kind (`bot.nudges.rounds`) does, after the unit has committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.activity.model import MemberPosts, Question
from bot.library.ports import Listing
from bot.meetings.model import SeriesStatus, next_meetings
from bot.meetings.preferences import quiet_hours_of
from bot.nudges.model import LogState, MemberWishes, NudgeRecord, Prompt
from bot.nudges.prompts import default_prompt
from bot.nudges.rules import (
    BELOW_RHYTHM,
    NEWCOMER,
    PERSONAL,
    POINTERS,
    QUIET_CHANNEL,
    QUIET_MEMBER,
    RULE_DEFAULTS,
    RULES,
    UNANSWERED,
    RuleSettings,
    Why,
    at_work,
    below_rhythm,
    newcomer,
    next_prompt,
    personal_refusal,
    quiet_channel,
    quiet_member,
    unanswered,
)
from bot.ports import UnitOfWork
from bot.preferences import community_zone, member_zone
from bot.recurrence.zones import zone_of
from bot.refs import ChannelRef
from bot.tenancy import COMMUNITY_TYPE, Community, Member, Role

__all__ = ["ANSWER_WITHIN", "PlannedNudge", "Pointer", "effective_rules", "plan", "resolve"]

HISTORY = timedelta(days=365)  # the activity a round reads: a member's rhythm and whether they ever posted
QUESTIONS = timedelta(days=14)  # how far back an unanswered question is still surfaced
NEWCOMERS = timedelta(days=30)  # a member who joined longer ago than this is no newcomer any more
ANSWER_WITHIN = timedelta(days=7)  # a personal nudge the member did not post within this long after was ignored
SURFACED_MOST = 3  # questions surfaced in one round
RHYTHM = 30  # a member's last messages their rhythm is read from
LIVED = timedelta(days=4)  # of a week the community (and its goal) must have lived for a note that it was under


@dataclass(frozen=True, slots=True)
class Pointer:
    """What a personal nudge points at, resolved for showing: a meeting (`title`, `at`), a question waiting
    (`channel`), an open poll (`title`, its id in `ident`) or a library item (`title`, `url`, its id in `ident`)."""

    kind: str
    title: str = ""
    at: datetime | None = None
    channel: ChannelRef | None = None
    url: str = ""
    ident: int = 0


@dataclass(frozen=True, slots=True)
class PlannedNudge:
    """A logged nudge with what it takes to write it: the member it goes to (None: the community's channel), the
    prompt of a quiet channel, the question surfaced (its channel and message ids), what it points at."""

    record: NudgeRecord
    member: Member | None = None
    prompt: Prompt | None = None
    question: tuple[str, str] | None = None
    pointer: Pointer | None = None


def effective_rules(community: Community, tuned: Mapping[str, RuleSettings]) -> dict[str, RuleSettings]:
    """Every rule's settings in the community: as its facilitators tuned them, else its kind's defaults."""
    defaults = RULE_DEFAULTS[COMMUNITY_TYPE.of(community)]
    return {rule: tuned.get(rule, defaults[rule]) for rule in RULES}


Bank = Callable[[], Awaitable[Sequence[Prompt]]]  # the community's prompt bank, read when a round needs it


async def plan(uow: UnitOfWork, community: Community, bank: Bank, now: datetime) -> list[NudgeRecord]:
    """Every nudge the rules give the community now (not yet logged), after settling earlier personal nudges."""
    workspace_id = community.workspace_id
    rules = effective_rules(community, await uow.nudges.rule_settings(workspace_id, community.id))
    zone = community_zone(community)
    posters = {posts.member_id: posts for posts in
               await uow.activity.member_messages(workspace_id, community.id, now - HISTORY, now)}
    await _settle(uow, community, posters, now)
    planned: list[NudgeRecord] = []
    last_message = max((posts.last for posts in posters.values()), default=None)
    questions = await uow.activity.unanswered(workspace_id, community.id, now - QUESTIONS, now)
    planned += await _prompt(uow, community, bank, rules[QUIET_CHANNEL], last_message, zone, now)
    planned += await _surfaced(uow, community, questions, rules[UNANSWERED], zone, now)
    planned += await _below_rhythm(uow, community, rules[BELOW_RHYTHM], zone, now)
    if rules[PERSONAL].on:
        planned += await _personal(uow, community, rules, posters, questions, now)
    return planned


async def _settle(uow: UnitOfWork, community: Community, posters: Mapping[int, MemberPosts], now: datetime) -> None:
    """Earlier personal nudges: answered when the member posted since (their ignored count starts again), ignored
    when a week went by without (one more to their count)."""
    workspace_id = community.workspace_id
    awaiting = await uow.nudges.awaiting(workspace_id, community.id)
    answered: list[int] = []
    ignored: list[int] = []
    reset: set[int] = set()
    more: dict[int, int] = {}
    for record in awaiting:
        assert record.member_id is not None and record.planned_at is not None
        posts = posters.get(record.member_id)
        if posts is not None and posts.last > record.planned_at:
            answered.append(record.id)
            reset.add(record.member_id)
        elif now - record.planned_at >= ANSWER_WITHIN:
            ignored.append(record.id)
            more[record.member_id] = more.get(record.member_id, 0) + 1
    await uow.nudges.settle(workspace_id, answered, LogState.ANSWERED, now)
    await uow.nudges.settle(workspace_id, ignored, LogState.IGNORED, now)
    wishes = await uow.nudges.wishes_of(workspace_id, [*posters, *more])
    last = await uow.nudges.last_personal(workspace_id, [member for member, w in wishes.items() if w.ignored])
    for member_id, wished in wishes.items():
        if wished.ignored and member_id in last and member_id in posters and posters[member_id].last > last[member_id]:
            reset.add(member_id)  # posted since their last nudge: their count starts again
    for member_id in reset | set(more):
        wished = wishes.get(member_id, MemberWishes())
        ignored_now = 0 if member_id in reset else wished.ignored + more[member_id]
        if ignored_now != wished.ignored:
            await uow.nudges.set_wishes(workspace_id, member_id, replace(wished, ignored=ignored_now), now)


async def _prompt(uow: UnitOfWork, community: Community, bank: Bank, settings: RuleSettings,
                  last_message: datetime | None, zone: str, now: datetime) -> list[NudgeRecord]:
    last = await uow.nudges.last_of_rule(community.workspace_id, community.id, QUIET_CHANNEL)
    # A community Hearth never saw a message in is quiet since it was set up.
    since = last_message or community.created_at
    why = quiet_channel(now, since, last.planned_at if last is not None else None, zone, settings)
    if why is None:
        return []
    used = int(last.subject.split(":")[1]) if last is not None and last.subject.startswith("prompt:") else None
    prompt = next_prompt(await bank(), used)
    if prompt is None:
        return []
    return [_record(community, why, None, f"prompt:{prompt.id}")]


async def _surfaced(uow: UnitOfWork, community: Community, questions: Sequence[Question], settings: RuleSettings,
                    zone: str, now: datetime) -> list[NudgeRecord]:
    if not settings.on or not questions or not _at_work(now, zone, settings):
        return []
    subjects = {question_subject(q): q for q in questions}
    done = await uow.nudges.subjects(community.workspace_id, community.id, UNANSWERED, list(subjects))
    planned: list[NudgeRecord] = []
    for subject, question in subjects.items():
        why = unanswered(now, question.at, zone, settings, subject in done)
        if why is not None and len(planned) < SURFACED_MOST:
            planned.append(_record(community, why, None, subject))
    return planned


async def _below_rhythm(uow: UnitOfWork, community: Community, settings: RuleSettings, zone: str,
                        now: datetime) -> list[NudgeRecord]:
    """On Monday in working hours (the community's clock), a note on the week before (when the community and its
    goal lived at least `LIVED` of it) to each facilitator whose own time it is not quiet and who has not turned
    nudges off."""
    local = now.astimezone(zone_of(zone))
    if not settings.on or local.weekday() != 0 or not _at_work(now, zone, settings):
        return []
    goal = await uow.nudges.goal(community.workspace_id, community.id)
    if goal is None:
        return []
    week_before = now - timedelta(days=7)
    [week] = (await uow.activity.weeks(community.workspace_id, community.id, zone, week_before, week_before))[-1:]
    why = below_rhythm(week.messages, goal, settings)
    if why is None:
        return []
    lived_since = max(community.created_at, goal.since or community.created_at)
    if week.start + timedelta(days=7) - lived_since < LIVED:
        return []  # the community did not live most of that week, or had not agreed on the goal yet
    monday = week.start.astimezone(zone_of(zone)).date()
    facilitators = await uow.members.with_role(community.workspace_id, Role.FACILITATOR)
    subjects = {f"week:{monday.isoformat()}:{member.id}": member for member in facilitators}
    done = await uow.nudges.subjects(community.workspace_id, community.id, BELOW_RHYTHM, list(subjects))
    wishes = await uow.nudges.wishes_of(community.workspace_id, [member.id for member in facilitators])
    planned = []
    for subject, member in subjects.items():
        wished = wishes.get(member.id, MemberWishes())
        refused = personal_refusal(now, wished, member_zone(member, community), quiet_hours_of(member), None)
        if subject not in done and refused is None:
            planned.append(_record(community, why, member.id, subject))
    return planned


async def _personal(uow: UnitOfWork, community: Community, rules: Mapping[str, RuleSettings],
                    posters: Mapping[int, MemberPosts], questions: Sequence[Question],
                    now: datetime) -> list[NudgeRecord]:
    """Quiet members and newcomers who may be nudged now: each at most one nudge."""
    workspace_id = community.workspace_id
    quiet_settings, newcomer_settings = rules[QUIET_MEMBER], rules[NEWCOMER]
    candidates = [member_id for member_id, posts in posters.items()
                  if quiet_settings.on and now - posts.last > timedelta(days=quiet_settings.days)]
    fresh: list[int] = []
    if newcomer_settings.on:
        # Those who came after the community began: whoever set it up, or was there before, is no newcomer.
        joined_since = max(community.created_at + timedelta(seconds=1), now - NEWCOMERS)
        fresh = [member_id for member_id in await uow.nudges.joined(workspace_id, joined_since,
                                                                     now - timedelta(days=newcomer_settings.days))
                 if member_id not in posters]
        welcomed = await uow.nudges.welcomed(workspace_id, fresh, NEWCOMER)
        fresh = [member_id for member_id in fresh if member_id not in welcomed]
    if not candidates and not fresh:
        return []
    members = await uow.members.by_ids(workspace_id, [*candidates, *fresh])
    wishes = await uow.nudges.wishes_of(workspace_id, list(members))
    last = await uow.nudges.last_personal(workspace_id, list(members))
    every = timedelta(days=rules[PERSONAL].days)
    allowed = [member_id for member_id in [*candidates, *fresh] if member_id in members
               and personal_refusal(now, wishes.get(member_id, MemberWishes()),
                                    member_zone(members[member_id], community), quiet_hours_of(members[member_id]),
                                    last.get(member_id), every=every) is None]
    recent = await uow.activity.recent_messages_of(workspace_id, community.id,
                                                   [member_id for member_id in allowed if member_id in posters],
                                                   most=RHYTHM)
    pointers = _Pointers(uow, community, questions, now)
    planned: list[NudgeRecord] = []
    for member_id in allowed:
        member = members[member_id]
        why: Why | None
        if member_id in posters:
            why = quiet_member(now, recent.get(member_id, []), wishes.get(member_id, MemberWishes()), quiet_settings)
        else:
            why = newcomer(now, member.joined_at, False, False, newcomer_settings)
        if why is None:
            continue
        pointer = await pointers.first(member) if why.rule == QUIET_MEMBER else ""
        planned.append(_record(community, why, member_id, f"member:{member_id}", pointer))
    return planned


class _Pointers:
    """What quiet members' nudges may point at, read once a round for the community (the next meeting, its open
    polls, its newest library items) and chosen per member in the order its kind prefers (`rules.POINTERS`)."""

    def __init__(self, uow: UnitOfWork, community: Community, questions: Sequence[Question], now: datetime) -> None:
        self._uow = uow
        self._community = community
        self._questions = questions
        self._now = now
        self._read: dict[str, Any] = {}

    async def first(self, member: Member) -> str:
        for kind in POINTERS[COMMUNITY_TYPE.of(self._community)]:
            found = await self._pointer(kind, member)
            if found:
                return found
        return ""

    async def _once(self, kind: str) -> Any:
        if kind not in self._read:
            self._read[kind] = await self._load(kind)
        return self._read[kind]

    async def _load(self, kind: str) -> Any:
        uow, community = self._uow, self._community
        workspace_id = community.workspace_id
        if kind == "meeting":
            series = [s for s in await uow.meetings.series_of(workspace_id, community.id)
                      if s.status is SeriesStatus.ACTIVE]
            changes = await uow.meetings.changes_of(workspace_id, [s.id for s in series]) if series else {}
            upcoming = [meeting for s in series for meeting in next_meetings(s, changes.get(s.id, []), self._now, 1)]
            if not upcoming:
                return ""
            first = min(upcoming, key=lambda meeting: meeting.start)
            return f"meeting:{first.series.id}:{int(first.start.timestamp())}"
        if kind == "poll":
            return [poll for poll in await uow.polls.polls_of(workspace_id, community.id, limit=20)
                    if poll.is_open(self._now)]
        items, _count = await uow.library.list_items(workspace_id, community.id, Listing(limit=10))
        return items

    async def _pointer(self, kind: str, member: Member) -> str:
        if kind == "question":
            others = [question for question in self._questions if question.member_id != member.id]
            return f"question:{others[0].channel_id}/{others[0].message_id}" if others else ""
        if kind == "meeting":
            return str(await self._once(kind))
        if kind == "poll":
            for poll in await self._once(kind):
                if await self._uow.polls.ballot(self._community.workspace_id, poll.id, member.ref.id) is None:
                    return f"poll:{poll.id}"
            return ""
        mine = [item for item in await self._once(kind) if item.saved_by != member.ref]
        return f"library:{mine[0].id}" if mine else ""


async def resolve(uow: UnitOfWork, community: Community, records: Sequence[NudgeRecord],
                  bank: Bank) -> list[PlannedNudge]:
    """What each logged nudge needs to be written: its member, prompt, question and pointer, read again (so a
    round tried again after a failure writes the same nudges)."""
    workspace_id = community.workspace_id
    members = await uow.members.by_ids(workspace_id, [r.member_id for r in records if r.member_id is not None])
    prompts = ({prompt.id: prompt for prompt in await bank()}
               if any(record.subject.startswith("prompt:") for record in records) else {})
    found: list[PlannedNudge] = []
    for record in records:
        member = members.get(record.member_id) if record.member_id is not None else None
        if record.member_id is not None and member is None:
            continue  # erased since
        kind, _sep, rest = record.subject.partition(":")
        prompt = prompts.get(int(rest)) if kind == "prompt" and rest.isdigit() else None
        if prompt is not None and prompt.key and default_prompt(prompt.key) is None:
            prompt = None  # one of Hearth's it no longer has
        channel_id, slash, message_id = rest.partition("/")
        question = (channel_id, message_id) if kind == "question" and slash else None
        if record.rule == QUIET_CHANNEL and prompt is None:
            continue  # the prompt was set aside since
        found.append(PlannedNudge(record, member, prompt, question, await _resolve_pointer(uow, community,
                                                                                              record.pointer)))
    return found


async def _resolve_pointer(uow: UnitOfWork, community: Community, pointer: str) -> Pointer | None:
    kind, _sep, rest = pointer.partition(":")
    workspace_id = community.workspace_id
    if kind == "question" and "/" in rest:
        channel_id, _slash, _message = rest.partition("/")
        return Pointer(kind, channel=ChannelRef(community.channel.workspace, channel_id))
    if kind == "meeting" and rest.count(":") == 1:
        series_id, start = rest.split(":")
        series = await uow.meetings.get_series(workspace_id, int(series_id))
        if series is not None:
            return Pointer(kind, title=series.title, at=datetime.fromtimestamp(int(start), tz=UTC))
    if kind == "poll" and rest.isdigit():
        poll = await uow.polls.get_poll(workspace_id, int(rest))
        if poll is not None:
            return Pointer(kind, title=poll.heading, ident=poll.id)
    if kind == "library" and rest.isdigit():
        item = await uow.library.get_item(workspace_id, int(rest))
        if item is not None:
            return Pointer(kind, title=item.title or item.text, url=item.url, ident=item.id)
    return None


def question_subject(question: Question) -> str:
    return f"question:{question.channel_id}/{question.message_id}"


def _record(community: Community, why: Why, member_id: int | None, subject: str, pointer: str = "") -> NudgeRecord:
    return NudgeRecord(0, community.id, why.rule, member_id, subject, pointer, dict(why.facts))


def _at_work(now: datetime, zone: str, settings: RuleSettings) -> bool:
    return at_work(now, zone, settings.working)
