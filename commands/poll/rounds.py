"""`/poll schedule`, `/poll rounds`, `/poll unschedule`, `/poll trend`, and `--feedback` of `/meeting edit`:
polls asked again and again, and how their answers move from round to round."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _, _n
from bot.messages import Attachment, Heading, Message, Note, Paragraph, Timestamp, TimestampStyle, UserText, join
from bot.polls.rounds import ListRounds, RoundView, ScheduleRound, SetFeedback, ShowTrend, StopRound, Trend
from bot.recurrence.sentences import describe
from commands.poll.answers import RESULTS
from commands.values import parse_duration


async def schedule(ctx: EventContext, args: dict[str, Any]) -> None:
    view = await ctx.services.rounds.schedule(ScheduleRound(
        ctx.scope, str(args["source"]), str(args["when"]), closes_after=_length(args.get("closes")),
        anonymous=True if args.get("anonymous") else None,
        results=RESULTS[args["results"]] if args.get("results") else None,
    ))
    heading = _("Scheduled: {title}, round {id}", title=UserText(view.round.title), id=view.round.id)
    await ctx.reply(Message((Heading(ctx.public_text(heading)), *_round_lines(ctx, view))))


def _length(text: str | None) -> timedelta | None:
    if not text:
        return None
    try:
        return parse_duration(text)
    except UserError:
        raise UserError(_("--closes wants how long each round stays open, such as 7d, not {value}.",
                          value=UserText(text)), hint=_("For example: --closes 7d")) from None


def _round_lines(ctx: EventContext, view: RoundView) -> list[Any]:
    round_ = view.round
    lines: list[Any] = []
    if round_.recurrence is not None:
        lines.append(Paragraph(ctx.text(_("When: {rhythm}", rhythm=describe(round_.recurrence, ctx.language)))))
    elif round_.series_id is not None:
        lines.append(Paragraph(ctx.text(_("After each meeting of its series"))))
    if view.upcoming:
        lines.append(Paragraph(ctx.text(_("Next: {dates}", dates=join(Timestamp(at) for at in view.upcoming)))))
    if round_.closes_after is not None:
        lines.append(Paragraph(ctx.text(_("Each round stays open for {days}.", days=_days(round_.closes_after)))))
    lines.append(Note(ctx.text(_("See how the answers move with /poll trend {id}; stop it with /poll unschedule "
                                 "{id}.", id=round_.id))))
    return lines


def _days(length: timedelta) -> Msg:
    if length % timedelta(days=1) == timedelta(0):
        return _n("{n} day", "{n} days", length.days)
    hours = int(length.total_seconds() // 3600)
    return _n("{n} hour", "{n} hours", max(1, hours))


async def list_rounds(ctx: EventContext, args: dict[str, Any]) -> None:
    views = await ctx.services.rounds.rounds(ListRounds(ctx.scope))
    blocks: list[Any] = [Heading(ctx.text(_("Polls asked again and again")))]
    if not views:
        blocks.append(Paragraph(ctx.text(_("None yet. Facilitators schedule one with /poll schedule satisfaction "
                                           "every quarter on the first Monday at 10:00 --closes 7d."))))
    for view in views:
        state = _n("{n} round so far", "{n} rounds so far", view.asked)
        if not view.round.active:
            state = _("{rounds}, stopped", rounds=state)
        blocks.append(Paragraph(ctx.text(_("**{id}. {title}** ({state})", id=view.round.id,
                                           title=UserText(view.round.title), state=state))))
        if view.round.active:
            blocks.extend(line for line in _round_lines(ctx, view) if not isinstance(line, Note))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def unschedule(ctx: EventContext, args: dict[str, Any]) -> None:
    stopped = await ctx.services.rounds.stop(StopRound(ctx.scope, int(args["id"])))
    await ctx.reply(Message((Paragraph(ctx.public_text(_(
        "{title} is asked no more. Its rounds so far stay, with their trend: /poll trend {id}.",
        title=UserText(stopped.title), id=stopped.id))),)))


async def trend(ctx: EventContext, args: dict[str, Any]) -> None:
    found = await ctx.services.rounds.trend(ShowTrend(ctx.scope, int(args["id"])))
    blocks: list[Any] = [Heading(ctx.text(_("Trend of {title}", title=UserText(found.round.title))))]
    if not found.rounds:
        blocks.append(Paragraph(ctx.text(_("No round has been asked yet."))))
        await ctx.reply(Message(tuple(blocks), ephemeral=True))
        return
    blocks.extend(Paragraph(ctx.text(line)) for line in trend_lines(found))
    blocks.append(Note(ctx.text(_("Response rate: the share of the members who answered any round who answered "
                                  "this one."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True, files=trend_files(found, ctx.language)))


def trend_lines(found: Trend) -> list[Msg]:
    lines: list[Msg] = []
    rating = next((index for index, question in enumerate(found.round.questions)
                   if question.kind.value == "rating"), None)
    for index, item in enumerate(found.rounds):
        when = Timestamp(item.at, TimestampStyle.DATE)
        rate = found.response_rate(index)
        answered = _n("{n} answered", "{n} answered", item.respondents)
        parts: list[Msg] = [_("{when}: {answered}", when=when, answered=answered)]
        if rate is not None:
            parts.append(_("{percent}% of the regulars", percent=round(rate * 100)))
        mean = item.mean(rating) if rating is not None else None
        if mean is not None:
            parts.append(_("mean {mean} of {scale}", mean=round(mean, 1),
                           scale=found.round.questions[rating or 0].scale))
        elif item.results is None:
            parts.append(_("results not shown yet"))
        line = parts[0]
        for part in parts[1:]:
            line = _("{first} · {second}", first=line, second=part)
        lines.append(line)
    return lines


def trend_files(found: Trend, language: str) -> tuple[Attachment, ...]:
    shown = [(item.at.date().isoformat(), item.results) for item in found.rounds if item.results is not None]
    if not shown:
        return ()
    from bot.polls.chart import trend_chart  # matplotlib loads when a chart is drawn

    data = trend_chart([(name, results) for name, results in shown if results is not None], language)
    return (Attachment(f"trend-{found.round.id}.png", "image/png", data),)


async def feedback(ctx: EventContext, series: str | None, mode: str) -> Msg:
    """`/meeting edit --feedback on|dm|off`: what was done, for the confirmation."""
    title, added = await ctx.services.rounds.set_feedback(SetFeedback(
        ctx.scope, series, on=mode != "off", direct=mode == "dm"))
    if added is None:
        return _("No more feedback poll after the meetings of {title}.", title=UserText(title))
    if added.direct:
        return _("After each meeting of {title} the feedback poll goes to the channel, and by direct message to "
                 "those who said they were going. Its rounds: /poll trend {id}.", title=UserText(title), id=added.id)
    return _("After each meeting of {title} the feedback poll goes to the channel. Its rounds: /poll trend {id}.",
             title=UserText(title), id=added.id)
