"""The `/poll` commands and clicks: make a poll, answer it with buttons or a form, see it, list them, close one."""

from __future__ import annotations

import contextlib
from datetime import datetime, time
from typing import Any

from bot.action_refs import ActionRef
from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import (
    Attachment,
    ChannelMention,
    FieldKind,
    Form,
    FormField,
    Heading,
    Message,
    Note,
    Paragraph,
    Timestamp,
    UserText,
    join,
)
from bot.polls.export import results_csv
from bot.polls.messages import ANSWER_FORM, SUGGEST_FORM, poll_post, results_files
from bot.polls.model import Poll, Question, QuestionKind, ResultsShown
from bot.polls.requests import (
    AnswerQuestion,
    AwaitingAnswer,
    ChooseReminders,
    ClosePoll,
    CreatePoll,
    ExportPoll,
    ListPolls,
    PollView,
    ShowPoll,
    SuggestTopic,
)
from bot.polls.rounds import OpenLater
from bot.polls.service import OPEN_ANSWER, OPTION
from bot.preferences import community_zone
from bot.recurrence.zones import zone_of
from commands.values import looks_like_date, parse_date, parse_datetime, parse_duration

STALE = _("That button no longer works. See the poll with /poll show.")
RESULTS = {"live": ResultsShown.LIVE, "closed": ResultsShown.CLOSED, "facilitators": ResultsShown.FACILITATORS}

# --- making polls ---------------------------------------------------------------------------------------------


async def new(ctx: EventContext, args: dict[str, Any]) -> None:
    kind = QuestionKind.MULTIPLE if args.get("multi") or args.get("most") else QuestionKind.SINGLE
    question = Question(kind, str(args["question"]), tuple(args.get("options") or ()), most=args.get("most"))
    await _create(ctx, args, question)


async def rating(ctx: EventContext, args: dict[str, Any]) -> None:
    scale = int(args.get("scale") or 5)
    question = Question(QuestionKind.RATING, str(args["question"]), scale=scale, low=args.get("low") or "",
                        high=args.get("high") or "")
    await _create(ctx, args, question)


async def open_question(ctx: EventContext, args: dict[str, Any]) -> None:
    await _create(ctx, args, Question(QuestionKind.OPEN, str(args["question"])))


async def topics(ctx: EventContext, args: dict[str, Any]) -> None:
    await _create(ctx, args, Question(QuestionKind.TOPICS, str(args["question"]), tuple(args.get("topics") or ())))


async def suggest(ctx: EventContext, args: dict[str, Any]) -> None:
    suggested = await ctx.services.polls.suggest(SuggestTopic(ctx.scope, int(args["id"]), str(args["topic"])))
    await ctx.reply(Message(post_blocks(ctx, suggested.public)))


async def _create(ctx: EventContext, args: dict[str, Any], question: Question) -> None:
    if args.get("opens"):
        await open_later(ctx, args, (question,))
        return
    closes = closing_time(ctx, args.get("closes"))
    view = await ctx.services.polls.create(CreatePoll(
        ctx.scope, (question,), anonymous=bool(args.get("anonymous")),
        results=RESULTS[args.get("results") or "live"], closes_at=closes, remind_before=args.get("remind"),
    ))
    await ctx.reply(Message(post_blocks(ctx, view)))


async def open_later(ctx: EventContext, args: dict[str, Any], questions: tuple[Question, ...], *,
                     title: str = "", template: str = "", anonymous: bool | None = None,
                     results: ResultsShown | None = None) -> None:
    """`--opens`: the poll is posted at its time; `--closes` then counts from its opening (a length) or is a
    time of its own."""
    if args.get("remind"):
        raise UserError(_("--remind goes with a poll posted now, not with --opens."),
                        hint=_("Leave out --remind, or --opens."))
    opens = opening_time(ctx, str(args["opens"]))
    closes_after = None
    if args.get("closes"):
        text = str(args["closes"])
        closes = closing_time(ctx, text, now=opens)
        assert closes is not None
        if closes <= opens:
            raise UserError(_("The poll would close before it opens."),
                            hint=_("Give --closes a length from its opening, such as --closes 3d."))
        closes_after = closes - opens
    view = await ctx.services.rounds.open_later(OpenLater(
        ctx.scope, questions, opens, closes_after=closes_after,
        anonymous=bool(args.get("anonymous")) if anonymous is None or args.get("anonymous") else anonymous,
        results=RESULTS[args["results"]] if args.get("results") else results or ResultsShown.LIVE,
        title=title, template=template))
    await ctx.whisper(_("Poll ready: it is posted here {when}. Facilitators can stop it with /poll unschedule "
                        "{id}.", when=Timestamp(view.upcoming[0]), id=view.round.id))


def opening_time(ctx: EventContext, text: str) -> datetime:
    """`--opens 2026-12-20 09:00`, `--opens tomorrow 9:00`, or a day alone (09:00 in the community's zone)."""
    now = ctx.clock.now()
    zone = community_zone(ctx.community) if ctx.community is not None else ctx.defaults.timezone
    if len(text.split()) == 1 and looks_like_date(text):
        day = parse_date(text, today=now.astimezone(zone_of(zone)).date())
        return datetime.combine(day, time(9, 0), zone_of(zone))
    try:
        return parse_datetime(text, now=now, timezone=zone)
    except UserError:
        raise UserError(_("--opens wants a date and time, not {value}.", value=UserText(text)),
                        hint=_('For example: --opens 2026-12-20 or --opens "2026-12-20 09:00"')) from None


def closing_time(ctx: EventContext, text: str | None, *, now: datetime | None = None) -> datetime | None:
    """`--closes 3d` (from now, or from `now`), `--closes 2026-12-20 17:00`, or a day alone (its end, in the
    community's zone)."""
    if not text:
        return None
    start = now or ctx.clock.now()
    now = ctx.clock.now()
    zone = community_zone(ctx.community) if ctx.community is not None else ctx.defaults.timezone
    words = text.split()
    if len(words) == 1 and not looks_like_date(text) and not any(char == ":" for char in text):
        with contextlib.suppress(UserError):
            return start + parse_duration(text)
    if len(words) == 1 and looks_like_date(text):
        day = parse_date(text, today=now.astimezone(zone_of(zone)).date())
        return datetime.combine(day, time(23, 59), zone_of(zone))
    try:
        return parse_datetime(text, now=now, timezone=zone)
    except UserError:
        raise UserError(_("--closes wants a length of time or a date, not {value}.", value=UserText(text)),
                        hint=_("For example: --closes 3d, --closes 2026-12-20 or --closes \"2026-12-20 17:00\"")
                        ) from None


def post_blocks(ctx: EventContext, view: PollView) -> tuple[Any, ...]:
    public = ctx.services.polls.public(view)
    return poll_post(ctx.public_text, public, ctx.refs, ctx.services.polls.min_answers)


# --- answering --------------------------------------------------------------------------------------------------


async def choose(ctx: EventContext, ref: ActionRef) -> None:
    """An option or rating button: `ref` (authorised for this channel's community) names the poll, the question
    and the choice."""
    if len(ref.payload) != 2:
        raise UserError(STALE)
    question, choice = ref.payload
    answered = await ctx.services.polls.answer(AnswerQuestion(ctx.scope, ref.subject_id, question, choice=choice))
    asked = answered.view.poll.questions[question]
    chosen = [asked.choices[index] for index in answered.answer.chosen]
    if asked.kind is QuestionKind.RATING:
        said: Msg = _("You gave {points} of {scale}.", points=chosen[0], scale=asked.scale) if chosen else _(
            "Your rating is taken back.")
    elif not chosen:
        said = _("You chose nothing for now.")
    else:
        said = _("You chose {options}.", options=join(UserText(option) for option in chosen))
    await ctx.whisper(with_change_note(said))
    await _refresh(ctx, ref, answered.public)


async def open_answer_form(ctx: EventContext, ref: ActionRef) -> None:
    """The Answer button of an open question: a form with the member's own answer so far."""
    if len(ref.payload) != 1:
        raise UserError(STALE)
    view = await ctx.services.polls.show(ShowPoll(ctx.scope, ref.subject_id))
    index = ref.payload[0]
    if not 0 <= index < len(view.poll.questions) or view.poll.questions[index].kind is not QuestionKind.OPEN:
        raise UserError(STALE)
    current = view.mine[index].text if view.mine is not None else ""
    await ctx.open_form(Form(
        form_id=ANSWER_FORM, title=ctx.plain(_("Your answer")), submit_label=ctx.plain(_("Send")), state=ctx.refs.mint(
            ref),
        fields=(FormField("answer", _field_label(view.poll.questions[index].text), FieldKind.LONG, initial=current,
                          max_length=OPEN_ANSWER.most),),
    ))


async def save_open_answer(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    if len(ref.payload) != 1:
        raise UserError(STALE)
    answered = await ctx.services.polls.answer(AnswerQuestion(ctx.scope, ref.subject_id, ref.payload[0],
                                                              text=values.get("answer", "")))
    said = _("Your answer is kept.") if answered.answer.text else _("Your answer is taken back.")
    await ctx.whisper(with_change_note(said))
    await _refresh(ctx, ref, answered.public)


async def open_suggest_form(ctx: EventContext, ref: ActionRef) -> None:
    """The "Suggest a topic" button: a form for one topic."""
    if len(ref.payload) != 1:
        raise UserError(STALE)
    await ctx.open_form(Form(
        form_id=SUGGEST_FORM, title=ctx.plain(_("Suggest a topic")), submit_label=ctx.plain(_("Suggest")),
        state=ctx.refs.mint(ref), fields=(FormField("topic", ctx.plain(_("Topic")), max_length=OPTION.most),),
    ))


async def save_suggestion(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    if len(ref.payload) != 1:
        raise UserError(STALE)
    suggested = await ctx.services.polls.suggest(SuggestTopic(ctx.scope, ref.subject_id, values.get("topic", ""),
                                                              ref.payload[0]))
    topic = suggested.view.poll.questions[ref.payload[0]].options[-1]
    await ctx.whisper(_("You suggested {topic} and upvoted it.", topic=UserText(topic)))
    # A form names no message to rewrite: the poll is posted again, with the new topic's button for everyone.
    await ctx.reply(Message(post_blocks(ctx, suggested.public)))


def with_change_note(said: Msg) -> Msg:
    return _("{said} You can change it until the poll closes.", said=said)


def _field_label(question: str) -> str:
    # Platforms keep form labels short (Slack: 48 characters, Discord: 45).
    return question if len(question) <= 45 else question[:44] + "…"


async def _refresh(ctx: EventContext, ref: ActionRef, public: PollView) -> None:
    message = ctx.clicked_message(ref)
    if message is not None:
        bars = poll_post(ctx.public_text, public, ctx.refs, ctx.services.polls.min_answers)
        await ctx.rewrite(message, Message(bars))


# --- seeing, listing, closing ---------------------------------------------------------------------------------


async def show(ctx: EventContext, args: dict[str, Any]) -> None:
    view = await ctx.services.polls.show(ShowPoll(ctx.scope, int(args["id"])))
    blocks = list(poll_post(ctx.text, view, ctx.refs, ctx.services.polls.min_answers))
    if view.mine is not None:
        said = _("You have answered; you can change it until the poll closes.") if view.open else _("You answered.")
        blocks.append(Note(ctx.text(said)))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def list_polls(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.community is not None
    views = await ctx.services.polls.polls(ListPolls(ctx.scope))
    blocks: list[Any] = [Heading(ctx.text(_("Polls of {name}", name=UserText(ctx.community.name))))]
    if not views:
        blocks.append(Paragraph(ctx.text(_('No polls yet. Ask one with /poll new "Question?" "Yes" "No".'))))
    for view in views:
        blocks.append(Paragraph(ctx.text(_line(view.poll, view))))
    blocks.append(Note(ctx.text(_("See one with /poll show <number>."))))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


def _line(poll: Poll, view: PollView) -> Msg:
    if not view.open:
        return _("{id}. {question} (closed, {n} answered)", id=poll.id, question=UserText(poll.heading),
                 n=view.respondents)
    if poll.closes_at is not None:
        return _("{id}. {question} ({n} answered, closes {when})", id=poll.id, question=UserText(poll.heading),
                 n=view.respondents, when=Timestamp(poll.closes_at))
    return _("{id}. {question} ({n} answered)", id=poll.id, question=UserText(poll.heading), n=view.respondents)


async def close(ctx: EventContext, args: dict[str, Any]) -> None:
    view = await ctx.services.polls.close(ClosePoll(ctx.scope, int(args["id"])))
    blocks = list(poll_post(ctx.public_text, view, ctx.refs, ctx.services.polls.min_answers))
    blocks.insert(1, Paragraph(ctx.public_text(_("This poll has closed. The results:"))))
    await ctx.reply(Message(tuple(blocks), files=results_files(view, ctx.community_language)))


async def export(ctx: EventContext, args: dict[str, Any]) -> None:
    """The results as a CSV file, sent by direct message: a named poll's file says who answered what."""
    assert ctx.member is not None
    exported = await ctx.services.polls.export(ExportPoll(ctx.scope, int(args["id"])))
    poll = exported.view.poll
    assert exported.view.results is not None
    data = results_csv(poll, exported.view.results, exported.ballots, ctx.language)
    note = _("The results of poll {id}, {question}, as a spreadsheet file.", id=poll.id,
             question=UserText(poll.heading))
    file = Attachment(f"poll-{poll.id}.csv", "text/csv", data)
    await ctx.messenger.send_direct(ctx.member.ref, Message((Paragraph(ctx.text(note)),), files=(file,)))
    await ctx.whisper(_("I sent you the file of poll {id} by direct message.", id=poll.id))



# --- the member's home ----------------------------------------------------------------------------------------


async def home_section(ctx: EventContext) -> list[Any]:
    """Open polls awaiting the member's answer, in every community of the workspace (Slack's App Home)."""
    waiting = await ctx.services.polls.awaiting(AwaitingAnswer(ctx.scope))
    if not waiting:
        return []
    blocks: list[Any] = [Heading(ctx.text(_("Polls awaiting your answer")))]
    for poll, community in waiting:
        if poll.closes_at is not None:
            line = _("**{question}** in {channel}, closes {when}", question=UserText(poll.heading),
                     channel=ChannelMention(community.channel), when=Timestamp(poll.closes_at))
        else:
            line = _("**{question}** in {channel}", question=UserText(poll.heading),
                     channel=ChannelMention(community.channel))
        blocks.append(Paragraph(ctx.text(line)))
    blocks.append(Note(ctx.text(_("Answer in the community's channel, or with /poll show <number> there."))))
    return blocks


async def remind(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/poll remind on|off`: the member's own reminders of polls they have not answered, in every community."""
    on = args["setting"] == "on"
    await ctx.services.polls.choose_reminders(ChooseReminders(ctx.scope, on))
    await ctx.whisper(_("You get a reminder by direct message of polls you have not answered before they close.")
                      if on else _("No more reminders of polls by direct message. Turn them on again with "
                                   "/poll remind on."))
