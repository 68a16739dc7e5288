"""The `/nudge` handlers: the community's agreed rhythm and how it is doing, a member's own say over personal
nudges, and the prompt bank. What anyone is shown of the community is aggregates; a member sees only their own
numbers."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.activity.model import WeekActivity
from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _, _n
from bot.messages import Heading, Message, Note, Paragraph, Text, Timestamp, TimestampStyle, UserText
from bot.nudges.model import Goal, MemberWishes, Period, Prompt
from bot.nudges.prompts import default_prompt
from bot.nudges.requests import (
    AddPrompt,
    ChangeWishes,
    CommunityStatus,
    ListPrompts,
    RemovePrompt,
    SetGoal,
    ShowMine,
    ShowStatus,
)
from bot.recurrence.zones import resolve
from commands.values import parse_date

BAR = 20  # characters of the longest bar of a chart
_WEEK = {"week", "weeks", "weekly", "wk", "weken", "wekelijks"}
_MONTH = {"month", "months", "monthly", "maand", "maanden", "maandelijks"}
_EVERY = re.compile(r"(?:every|elke|iedere)\s+(?:(\d{1,4})\s+)?(day|days|dag|dagen|week|weeks|weken|month|months|"
                    r"maand|maanden)", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "days": 1, "dag": 1, "dagen": 1, "week": 7, "weeks": 7, "weken": 7, "month": 30,
              "months": 30, "maand": 30, "maanden": 30}


async def goal(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/nudge goal <N> posts per week|month`: facilitators agree the community's rhythm."""
    words = str(args.get("per") or "").casefold().split()
    period = next((Period.WEEK if word in _WEEK else Period.MONTH for word in reversed(words)
                   if word in _WEEK | _MONTH), None)
    if period is None:
        raise UserError(_("Say how often: per week or per month."), hint=_("For example: /nudge goal 5 posts per week"))
    status = await ctx.services.nudges.set_goal(SetGoal(ctx.scope, int(args["number"]), period))
    await ctx.reply(Message((Paragraph(ctx.public_text(_goal_words(status.goal))),
                             Note(ctx.public_text(_("See how the community is doing with /nudge status.")))),))


async def status(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/nudge status`: this week against the goal and the weeks before as a small chart; aggregates only."""
    assert ctx.community is not None
    shown = await ctx.services.nudges.status(ShowStatus(ctx.scope))
    blocks: list[Any] = [Heading(ctx.text(_("Rhythm of {name}", name=UserText(ctx.community.name))))]
    this_week = shown.weeks[-1] if shown.weeks else None
    count = this_week.messages if this_week is not None else 0
    if shown.goal is None:
        blocks.append(Paragraph(ctx.text(_n("This week so far: {n} message.", "This week so far: {n} messages.",
                                            count))))
        blocks.append(Note(ctx.text(_("No rhythm agreed yet: a facilitator sets one with /nudge goal 5 posts per "
                                      "week."))))
    else:
        blocks.append(Paragraph(ctx.text(_week_against_goal(count, shown.goal))))
    blocks.extend(Paragraph(line) for line in _chart(shown, ctx.language))
    blocks.append(Note(ctx.text(_("Messages are posts and replies in the community's channel; reactions are not "
                                  "counted. No member's numbers are shown but your own: /nudge me."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def me(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/nudge me [every 2 weeks | off | on | snooze <date>]`: a member's own say, and their own numbers."""
    said = " ".join(str(args.get("wish") or "").split())
    words = said.casefold().split()
    nudges = ctx.services.nudges
    if not words:
        mine = await nudges.mine(ShowMine(ctx.scope))
    elif words in (["off"], ["uit"]):
        mine = await nudges.change_wishes(ChangeWishes(ctx.scope, off=True))
    elif words in (["on"], ["aan"]):
        mine = await nudges.change_wishes(ChangeWishes(ctx.scope, off=False))
    elif words[0] in ("snooze", "sluimer") and len(words) == 2:
        zone = ZoneInfo(ctx.timezone)
        day = parse_date(words[1], today=ctx.clock.now().astimezone(zone).date())
        until = resolve(datetime.combine(day, time()), zone)  # the start of that day, where the member lives
        mine = await nudges.change_wishes(ChangeWishes(ctx.scope, snooze_until=until))
    elif match := _EVERY.fullmatch(said):
        days = int(match[1] or 1) * _UNIT_DAYS[match[2].casefold()]
        mine = await nudges.change_wishes(ChangeWishes(ctx.scope, every_days=days))
    else:
        raise UserError(_("/nudge me takes: every 2 weeks, off, on, or snooze and a date."),
                        hint=_("For example: /nudge me snooze {day}", day="2027-01-10"))
    blocks: list[Any] = [Heading(ctx.text(_("Your nudges")))]
    blocks.append(Paragraph(ctx.text(_wishes_words(mine.wishes))))
    total = sum(count for _start, count in mine.weeks)
    blocks.append(Paragraph(ctx.text(_n("Your messages here in the last {weeks} weeks: {n}.",
                                        "Your messages here in the last {weeks} weeks: {n}.", total,
                                        weeks=len(mine.weeks)))))
    blocks.append(Note(ctx.text(_("Only you see this. Stop personal nudges with /nudge me off; take a break "
                                  "with /nudge me snooze and a date."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def prompts_add(ctx: EventContext, args: dict[str, Any]) -> None:
    prompt = await ctx.services.nudges.add_prompt(AddPrompt(ctx.scope, str(args["prompt"])))
    await ctx.whisper(_("Prompt {id} is in the bank: {text}", id=prompt.id, text=UserText(prompt.text)))


async def prompts_list(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.community is not None
    bank = await ctx.services.nudges.prompts(ListPrompts(ctx.scope))
    blocks: list[Any] = [Heading(ctx.text(_("Discussion prompts of {name}", name=UserText(ctx.community.name))))]
    for prompt in bank.prompts:
        blocks.append(Paragraph(ctx.text(_("{id}. {text}", id=prompt.id, text=_prompt_words(prompt)))))
    if not bank.prompts:
        blocks.append(Paragraph(ctx.text(_("The bank is empty: add one with /nudge prompts add \"…\"."))))
    blocks.append(Note(ctx.text(_("A quiet channel gets one of these, never the same twice in a row. Facilitators "
                                  "add with /nudge prompts add and set aside with /nudge prompts remove."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def prompts_remove(ctx: EventContext, args: dict[str, Any]) -> None:
    prompt = await ctx.services.nudges.remove_prompt(RemovePrompt(ctx.scope, int(args["id"])))
    await ctx.whisper(_("Prompt {id} is set aside: {text}", id=prompt.id, text=_prompt_words(prompt)))


# --- wording -----------------------------------------------------------------------------------------------


def _goal_words(goal: Goal | None) -> Msg:
    if goal is None:
        return _("No rhythm agreed yet.")
    if goal.period is Period.WEEK:
        return _n("The community agreed on {n} message a week.", "The community agreed on {n} messages a week.",
                  goal.posts)
    return _n("The community agreed on {n} message a month.", "The community agreed on {n} messages a month.",
              goal.posts)


def _week_against_goal(count: int, goal: Goal) -> Msg:
    weekly = round(goal.per_week())
    return _n("This week so far: {n} message of the {goal} a week agreed.",
              "This week so far: {n} messages of the {goal} a week agreed.", count, goal=max(1, weekly))


def _chart(shown: CommunityStatus, language: str) -> list[Text]:
    """One line a week, oldest first: its Monday (written in the reader's `language`), a bar and the count of
    messages."""
    weekly = round(shown.goal.per_week()) if shown.goal is not None else 0
    most = max([week.messages for week in shown.weeks] + [weekly, 1])
    return [_bar_line(week, most, language) for week in shown.weeks]


def _bar_line(week: WeekActivity, most: int, language: str) -> Text:
    width = round(BAR * week.messages / most)
    return Text.of(Timestamp(week.start, TimestampStyle.DATE, language), "  " + "█" * width + "·" * (BAR - width),
                   f"  {week.messages}")


def _wishes_words(wishes: MemberWishes) -> Msg:
    if wishes.off:
        return _("Personal nudges are off for you. Turn them on again with /nudge me on.")
    if wishes.snoozed_until is not None:
        return _("Personal nudges are snoozed until {day}.", day=Timestamp(wishes.snoozed_until,
                                                                           TimestampStyle.DATE))
    if wishes.every_days is not None:
        return _n("Hearth nudges you at most once in {n} day, when you have been quiet that long.",
                  "Hearth nudges you at most once in {n} days, when you have been quiet that long.",
                  wishes.every_days)
    return _("Hearth nudges you only when you are quieter than your own rhythm, at most once a week.")


def _prompt_words(prompt: Prompt) -> Msg | UserText:
    if prompt.key:
        return default_prompt(prompt.key) or UserText(prompt.key)
    return UserText(prompt.text)
