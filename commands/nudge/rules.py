"""`/nudge rules`, `/nudge rule` and `/nudge why`: the rules each community tunes, and why a nudge came."""

from __future__ import annotations

import re
from typing import Any

from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import Heading, Message, Note, Paragraph, UserText
from bot.nudges.messages import explanation, rule_name
from bot.nudges.requests import ChangeRule, ExplainNudge, RuleBook, ShowRules
from bot.nudges.rules import BELOW_RHYTHM, NEWCOMER, PERSONAL, QUIET_CHANNEL, QUIET_MEMBER, UNANSWERED, RuleSettings

_HOURS = re.compile(r"(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?")
_ON = {"on": True, "aan": True, "off": False, "uit": False}
_DEFAULT = {"default", "standaard"}  # back to the kind's defaults


async def rules(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/nudge rules`: every rule, on or off, and what it waits for."""
    await ctx.reply(_book_message(ctx, await ctx.services.nudges.rules(ShowRules(ctx.scope))))


async def rule(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/nudge rule <name> [on|off|default] [--days N] [--after N] [--hours 9-17]`: facilitators tune one rule."""
    state = str(args.get("state") or "").casefold()
    if state and state not in _ON and state not in _DEFAULT:
        raise UserError(_("Say on, off or default after the rule's name."),
                        hint=_("For example: /nudge rule quiet-channel off"))
    working = None
    if args.get("hours") is not None:
        match = _HOURS.fullmatch(str(args["hours"]).strip())
        if match is None:
            raise UserError(_("Working hours are written as two hours with a dash, such as 9-17."),
                            hint=_("For example: /nudge rule quiet-channel --hours 9-17"))
        working = (int(match[1]), int(match[2]))
    change = ChangeRule(ctx.scope, str(args["name"]).casefold(), on=_ON.get(state), days=args.get("days"),
                        after=args.get("after"), working=working, reset=state in _DEFAULT)
    book = await ctx.services.nudges.change_rule(change)
    await ctx.reply(_book_message(ctx, book))


async def why(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/nudge why <id>`: why that nudge came, in full."""
    explained = await ctx.services.nudges.why(ExplainNudge(ctx.scope, int(args["id"])))
    await ctx.reply(Message(explanation(ctx.text, explained.record, explained.settings), ephemeral=True))


def _book_message(ctx: EventContext, book: RuleBook) -> Message:
    assert ctx.community is not None
    blocks: list[Any] = [Heading(ctx.text(_("Nudge rules of {name}", name=UserText(ctx.community.name))))]
    for name, settings, tuned in book.rules:
        line = _("{rule} ({name}): {state}. {what}", rule=rule_name(name), name=name,
                 state=_("on") if settings.on else _("off"), what=_settings_words(name, settings))
        blocks.append(Paragraph(ctx.text(line)))
        if tuned:
            blocks.append(Note(ctx.text(_("Tuned by the facilitators; back to the defaults: /nudge rule {name} "
                                          "default", name=name))))
    blocks.append(Note(ctx.text(_("Facilitators tune a rule with /nudge rule quiet-channel off, --days 7, --after 48 "
                                  "or --hours 9-17. Each nudge says why it came: /nudge why and its number."))))
    return Message(tuple(blocks), ephemeral=True)


def _settings_words(name: str, settings: RuleSettings) -> Msg:
    start, end = settings.working
    if name == QUIET_CHANNEL:
        return _("A discussion prompt after {days} days without a post, between {start}:00 and {end}:00 on "
                 "weekdays.", days=settings.days, start=start, end=end)
    if name == QUIET_MEMBER:
        return _("A DM to a member silent for twice their usual gap and at least {days} days.", days=settings.days)
    if name == NEWCOMER:
        return _("A welcome to a member who has not posted {days} days after joining.", days=settings.days)
    if name == UNANSWERED:
        return _("A question without a reply after {after} working hours ({start}:00 to {end}:00) is surfaced "
                 "once.", after=settings.hours, start=start, end=end)
    if name == BELOW_RHYTHM:
        return _("On Monday, a note to the facilitators when last week was under the agreed goal.")
    if name == PERSONAL:
        return _("At most one personal nudge per member every {days} days, never in their quiet hours or "
                 "weekend.", days=settings.days)
    return _("unknown rule")
