"""`NudgeService`: a community's agreed rhythm and how it is doing against it, each member's own say over personal
nudges, and the prompt bank quiet channels are given prompts from."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta

from bot.activity.weeks import week_bounds
from bot.errors import NotFound, UserError
from bot.i18n import _
from bot.nudges.model import MOST_POSTS, NUDGE_PROMPT, Goal, LogState, MemberWishes, Period, Prompt
from bot.nudges.planning import effective_rules, plan, resolve
from bot.nudges.prompts import DEFAULT_PROMPTS
from bot.nudges.requests import (
    AddPrompt,
    ChangeRule,
    ChangeWishes,
    CommunityStatus,
    Explained,
    ExplainNudge,
    ListPrompts,
    MyStatus,
    PlanRound,
    PromptBank,
    RemovePrompt,
    RoundPlan,
    RuleBook,
    SetGoal,
    SettleRound,
    ShowMine,
    ShowRules,
    ShowStatus,
)
from bot.nudges.rules import (
    MOST_AFTER,
    MOST_DAYS,
    RULE_DEFAULTS,
    RULES,
    TUNABLE,
    WORKING_EARLIEST,
    WORKING_LATEST,
    WORKING_LEAST,
    RuleSettings,
)
from bot.permissions import refusal
from bot.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.preferences import FALLBACK_ZONE, community_zone, read_zone
from bot.tenancy import COMMUNITY_TYPE, Community, Scope, in_community
from bot.text_limits import one_line

__all__ = ["MOST_CADENCE_DAYS", "MOST_SNOOZE", "NudgeService"]

MOST_SNOOZE = timedelta(days=366)  # a snooze ends within a year
MOST_CADENCE_DAYS = 365
MOST_WEEKS = 26
MY_MESSAGES = 500  # the member's latest messages read for their own weekly numbers


class NudgeService:
    """Everything that changes or reads a community's rhythm, its prompts and members' wishes.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix raises
    a `UserError` (`NotFound`, `PermissionDenied`) and changes nothing. What a member is shown of the community is
    aggregates only: no member's numbers but their own.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def set_goal(self, request: SetGoal) -> CommunityStatus:
        scope = request.scope
        community = in_community(scope)
        most = MOST_POSTS[request.period]
        if not 1 <= request.posts <= most:
            said = (_("A weekly goal is 1 to {most} messages; {n} is not one.", most=most, n=request.posts)
                    if request.period is Period.WEEK else
                    _("A monthly goal is 1 to {most} messages; {n} is not one.", most=most, n=request.posts))
            raise UserError(said, hint=_("For example: /nudge goal 5 posts per week"))
        async with self._uow() as uow:
            if not scope.may_facilitate:
                raise await refusal(uow, scope.workspace.id, "/nudge goal")
            goal = Goal(request.posts, request.period)
            await uow.nudges.set_goal(scope.workspace.id, community.id, goal, self._clock.now())
            status = await self._status(uow, community, 8)
            await uow.commit()
        return replace(status, goal=goal)

    async def status(self, request: ShowStatus) -> CommunityStatus:
        """This week so far and the weeks before it, against the goal."""
        community = in_community(request.scope)
        async with self._uow(read_only=True) as uow:
            return await self._status(uow, community, max(1, min(request.weeks, MOST_WEEKS)))

    async def _status(self, uow: UnitOfWork, community: Community, weeks: int) -> CommunityStatus:
        now = self._clock.now()
        found = await uow.activity.weeks(community.workspace_id, community.id, community_zone(community),
                                         now - timedelta(weeks=weeks - 1), now)
        goal = await uow.nudges.goal(community.workspace_id, community.id)
        return CommunityStatus(goal, tuple(found[-weeks:]))

    async def mine(self, request: ShowMine) -> MyStatus:
        """The member's own wishes and their own messages in the community each week (nobody else's)."""
        async with self._uow(read_only=True) as uow:
            return await self._mine(uow, request.scope, request.weeks)

    async def _mine(self, uow: UnitOfWork, scope: Scope, weeks: int) -> MyStatus:
        community = in_community(scope)
        now = self._clock.now()
        weeks = max(1, min(weeks, MOST_WEEKS))
        bounds = week_bounds(community_zone(community), now - timedelta(weeks=weeks - 1), now)[-weeks - 1:]
        wishes = await uow.nudges.wishes(scope.workspace.id, scope.member.id)
        times = await uow.activity.recent_messages(scope.workspace.id, community.id, scope.member.id,
                                                   most=MY_MESSAGES)
        counts = tuple((start, sum(1 for at in times if start <= at < end))
                       for start, end in itertools.pairwise(bounds))
        return MyStatus(wishes, counts)

    async def change_wishes(self, request: ChangeWishes) -> MyStatus:
        scope = request.scope
        now = self._clock.now()
        if request.every_days is not None and not 1 <= request.every_days <= MOST_CADENCE_DAYS:
            raise UserError(_("A cadence is every 1 to {most} days.", most=MOST_CADENCE_DAYS),
                            hint=_("For example: /nudge me every 2 weeks"))
        if request.snooze_until is not None and not now < request.snooze_until <= now + MOST_SNOOZE:
            example = (now + timedelta(days=14)).date().isoformat()
            raise UserError(_("A snooze ends after today and within a year."),
                            hint=_("For example: /nudge me snooze {day}", day=example))
        async with self._uow() as uow:
            wishes = await uow.nudges.wishes(scope.workspace.id, scope.member.id)
            # A cadence or a snooze is a wish for nudges (later): it turns them on again.
            wants = request.every_days is not None or request.snooze_until is not None
            changed = MemberWishes(
                every_days=wishes.every_days if request.every_days is None else request.every_days,
                off=request.off if request.off is not None else (False if wants else wishes.off),
                snoozed_until=(None if request.off is False else
                               wishes.snoozed_until if request.snooze_until is None else request.snooze_until),
                ignored=0 if request.off is False else wishes.ignored,
                dm_closed_at=None if request.off is False else wishes.dm_closed_at,
            )
            await uow.nudges.set_wishes(scope.workspace.id, scope.member.id, changed, now)
            mine = await self._mine(uow, scope, ShowMine(scope).weeks)
            await uow.commit()
        return mine

    async def prompts(self, request: ListPrompts) -> PromptBank:
        """The community's bank: Hearth's prompts for its kind (added to the bank the first time it is read) and its
        own."""
        scope = request.scope
        async with self._uow() as uow:
            bank = await self._bank(uow, in_community(scope), scope.member.ref.id)
            await uow.commit()
        return PromptBank(tuple(bank))

    async def add_prompt(self, request: AddPrompt) -> Prompt:
        scope = request.scope
        community = in_community(scope)
        text = one_line(request.text)
        if not text:
            raise UserError(_("A prompt cannot be empty."), hint=_('For example: /nudge prompts add "What did you '
                                                                   'learn this week?"'))
        if len(text) > NUDGE_PROMPT.most:
            raise UserError(_("A prompt has at most {max} characters; this one has {n}.", max=NUDGE_PROMPT.most,
                              n=len(text)))
        async with self._uow() as uow:
            if not scope.may_facilitate:
                raise await refusal(uow, scope.workspace.id, "/nudge prompts add")
            await self._bank(uow, community, scope.member.ref.id)
            [prompt_id] = await uow.nudges.add_prompts(scope.workspace.id, community.id, (), (text,),
                                                       scope.member.ref.id, self._clock.now())
            await uow.commit()
        return Prompt(prompt_id, "", text, scope.member.ref.id)

    async def remove_prompt(self, request: RemovePrompt) -> Prompt:
        """Set a prompt aside (one of Hearth's never comes back); facilitators."""
        scope = request.scope
        community = in_community(scope)
        async with self._uow() as uow:
            if not scope.may_facilitate:
                raise await refusal(uow, scope.workspace.id, "/nudge prompts remove")
            await self._bank(uow, community, scope.member.ref.id)
            removed = await uow.nudges.set_aside(scope.workspace.id, community.id, request.prompt_id,
                                                 self._clock.now())
            if removed is None:
                raise NotFound(_("There is no prompt {id} in this community's bank.", id=request.prompt_id),
                               hint=_("See them with /nudge prompts list."))
            await uow.commit()
        return removed

    async def rules(self, request: ShowRules) -> RuleBook:
        """Every rule's settings in the community, tuned or its kind's defaults."""
        community = in_community(request.scope)
        async with self._uow(read_only=True) as uow:
            tuned = await uow.nudges.rule_settings(community.workspace_id, community.id)
        return _book(community, tuned)

    async def change_rule(self, request: ChangeRule) -> RuleBook:
        """Tune one rule (facilitators); a setting the rule does not have, or a value out of range, changes
        nothing."""
        scope = request.scope
        community = in_community(scope)
        if request.rule not in RULES:
            raise UserError(_("There is no rule {name}.", name=request.rule),
                            hint=_("The rules: {names}. See them with /nudge rules.", names=", ".join(RULES)))
        given = {name for name, value in (("days", request.days), ("after", request.after),
                                          ("hours", request.working)) if value is not None}
        if extra := sorted(given - set(TUNABLE[request.rule])):
            raise UserError(_("The rule {name} has no --{setting}.", name=request.rule, setting=extra[0]),
                            hint=_("See what each rule has with /nudge rules."))
        if request.days is not None and not 1 <= request.days <= MOST_DAYS:
            raise UserError(_("--days is 1 to {most}; {n} is not.", most=MOST_DAYS, n=request.days))
        if request.after is not None and not 1 <= request.after <= MOST_AFTER:
            raise UserError(_("--after is 1 to {most} working hours; {n} is not.", most=MOST_AFTER, n=request.after))
        if request.working is not None and not (
                WORKING_EARLIEST <= request.working[0] <= request.working[1] - WORKING_LEAST
                and request.working[1] <= WORKING_LATEST):
            raise UserError(_("Working hours lie between {earliest}:00 and {latest}:00 and span {least} hours at "
                              "least.", earliest=WORKING_EARLIEST, latest=WORKING_LATEST, least=WORKING_LEAST),
                            hint=_("For example: /nudge rule quiet-channel --hours 9-17"))
        async with self._uow() as uow:
            if not scope.may_facilitate:
                raise await refusal(uow, scope.workspace.id, "/nudge rule")
            tuned = await uow.nudges.rule_settings(community.workspace_id, community.id)
            if request.reset:
                settings = RULE_DEFAULTS[COMMUNITY_TYPE.of(community)][request.rule]
            else:
                settings = effective_rules(community, tuned)[request.rule]
                settings = replace(settings, on=settings.on if request.on is None else request.on,
                                   days=settings.days if request.days is None else request.days,
                                   hours=settings.hours if request.after is None else request.after,
                                   working=settings.working if request.working is None else request.working)
            await uow.nudges.set_rule(community.workspace_id, community.id, request.rule, settings,
                                      self._clock.now())
            tuned = await uow.nudges.rule_settings(community.workspace_id, community.id)
            await uow.commit()
        return _book(community, tuned)

    async def why(self, request: ExplainNudge) -> Explained:
        """A nudge sent to the member asking (asked anywhere, a DM too), or one of the channel of the community it
        is asked in, with the settings it fired on. Anyone else's personal nudge is not found: who was nudged is
        theirs to know."""
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            record = await uow.nudges.log_entry(scope.workspace.id, request.nudge_id)
            mine = record is not None and record.member_id == scope.member.id
            here = (record is not None and record.member_id is None and scope.community is not None
                    and record.community_id == scope.community.id)
            community = await uow.communities.get(scope.workspace.id, record.community_id) if record else None
            if record is None or community is None or not (mine or here):
                raise NotFound(_("There is no nudge {id} of yours or of this channel.", id=request.nudge_id),
                               hint=_("Its number is in the last line of the nudge."))
            tuned = await uow.nudges.rule_settings(community.workspace_id, community.id)
        return Explained(record, effective_rules(community, tuned)[record.rule])

    async def communities(self) -> list[tuple[int, int, str]]:
        """Every community (workspace id, community id, its time zone): each has its rounds. Cross-tenant."""
        async with self._uow(read_only=True) as uow:
            found = await uow.nudges.communities()
        return [(workspace, community, read_zone(zone) or FALLBACK_ZONE) for workspace, community, zone in found]

    async def community_zone(self, workspace_id: int, community_id: int) -> str | None:
        """The community's time zone, which its rounds follow; None when there is no such community."""
        async with self._uow(read_only=True) as uow:
            community = await uow.communities.get(workspace_id, community_id)
        return community_zone(community) if community is not None else None

    async def plan_round(self, request: PlanRound) -> RoundPlan:
        """The community's round: the rules' nudges now, logged (once per round) with what writing them takes."""
        async with self._uow() as uow:
            community = await uow.communities.get(request.workspace_id, request.community_id)
            if community is None:
                return RoundPlan(None)
            read: list[Prompt] = []

            async def bank() -> list[Prompt]:
                if not read:
                    read.extend(await self._bank(uow, community, ""))
                return read

            records = await uow.nudges.round_log(community.workspace_id, community.id, request.at)
            if records:
                records = [record for record in records if record.state is LogState.PLANNED]
            else:
                now = self._clock.now()
                records = await uow.nudges.add_log(community.workspace_id, await plan(uow, community, bank, now),
                                                   request.at, now)
            planned = await resolve(uow, community, records, bank)
            await uow.commit()
        return RoundPlan(community, tuple(planned))

    async def settle_round(self, request: SettleRound) -> None:
        """Record what sending did; a member whose DM could not be delivered gets no personal nudge tried for a
        while (`rules.CLOSED_PAUSE`, or until they say /nudge me on)."""
        now = self._clock.now()
        async with self._uow() as uow:
            workspace_id = request.workspace_id
            await uow.nudges.settle(workspace_id, request.sent, LogState.SENT, now)
            await uow.nudges.settle(workspace_id, request.closed, LogState.UNDELIVERABLE, now)
            for log_id in request.closed:
                record = await uow.nudges.log_entry(workspace_id, log_id)
                if record is not None and record.member_id is not None:
                    wishes = await uow.nudges.wishes(workspace_id, record.member_id)
                    await uow.nudges.set_wishes(workspace_id, record.member_id, replace(wishes, dm_closed_at=now),
                                                now)
            await uow.commit()

    async def _bank(self, uow: UnitOfWork, community: Community, member_id: str) -> list[Prompt]:
        """The bank, with Hearth's prompts for the community's kind added the first time (and when its kind
        changed): never one it set aside."""
        defaults = [key for key, _message in DEFAULT_PROMPTS[COMMUNITY_TYPE.of(community)]]
        known = await uow.nudges.known_keys(community.workspace_id, community.id)
        missing = [key for key in defaults if key not in known]
        if missing:
            await uow.nudges.add_prompts(community.workspace_id, community.id, missing, (), "", self._clock.now())
        own_kind = set(defaults)
        return [prompt for prompt in await uow.nudges.prompts(community.workspace_id, community.id)
                if not prompt.key or prompt.key in own_kind]


def _book(community: Community, tuned: dict[str, RuleSettings]) -> RuleBook:
    settings = effective_rules(community, tuned)
    return RuleBook(tuple((rule, settings[rule], rule in tuned) for rule in RULES))
