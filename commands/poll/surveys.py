"""Surveys: asked from a template, answered in one form (page by page beyond five questions); the templates.

A survey's choice, rating and open questions are the fields of its form; its topics and multiple-choice questions
keep their buttons in the post. A rating or a choice comes back as the option's value from a menu (Slack) or as
what the member typed (Discord, whose form has text fields only): the number, or the option's words in any case.
"""

from __future__ import annotations

from typing import Any

from bot.action_refs import ActionRef
from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import (
    Actions,
    Button,
    FieldKind,
    Form,
    FormField,
    Heading,
    Message,
    Note,
    Option,
    Paragraph,
    UserText,
)
from bot.polls.messages import SURVEY_FORM, form_pages
from bot.polls.model import Answer, Question, QuestionKind
from bot.polls.requests import (
    AddTemplate,
    AnswerQuestions,
    CreateSurvey,
    ListTemplates,
    PollView,
    RemoveTemplate,
    ShowPoll,
    ShowTemplate,
)
from bot.polls.service import OPEN_ANSWER
from bot.polls.templates import BUILT_IN, COMPASS, Template
from commands.poll.answers import RESULTS, STALE, closing_time, open_later, post_blocks, with_change_note

KIND_NAMES: dict[QuestionKind, Msg] = {
    QuestionKind.SINGLE: _("one choice"),
    QuestionKind.MULTIPLE: _("several choices"),
    QuestionKind.RATING: _("rating"),
    QuestionKind.OPEN: _("open answer"),
    QuestionKind.TOPICS: _("topics with upvotes"),
}


async def survey(ctx: EventContext, args: dict[str, Any]) -> None:
    if args.get("opens"):
        assert ctx.community is not None
        template = await ctx.services.polls.template_of(ctx.scope, str(args["template"]))
        title, questions = template.written(ctx.services.polls.words(ctx.community))
        await open_later(ctx, args, questions, title=title, template=template.name, anonymous=template.anonymous,
                         results=template.results)
        return
    view = await ctx.services.polls.survey(CreateSurvey(
        ctx.scope, str(args["template"]), anonymous=True if args.get("anonymous") else None,
        results=RESULTS[args["results"]] if args.get("results") else None,
        closes_at=closing_time(ctx, args.get("closes")), remind_before=args.get("remind"),
    ))
    await ctx.reply(Message(post_blocks(ctx, view)))


# --- the form -------------------------------------------------------------------------------------------------


async def open_survey_form(ctx: EventContext, ref: ActionRef) -> None:
    """A page of the survey's form, with the member's answers so far."""
    if len(ref.payload) != 1:
        raise UserError(STALE)
    view = await ctx.services.polls.show(ShowPoll(ctx.scope, ref.subject_id))
    pages = form_pages(view.poll)
    if not 0 <= ref.payload[0] < len(pages):
        raise UserError(STALE)
    poll = view.poll
    fields = tuple(_field(ctx, index, poll.questions[index], view.mine[index] if view.mine else Answer())
                   for index in pages[ref.payload[0]])
    await ctx.open_form(Form(form_id=SURVEY_FORM, title=ctx.plain(_("Poll {id}", id=poll.id)),
                             submit_label=ctx.plain(_("Send")), state=ctx.refs.mint(ref), fields=fields))


def _field(ctx: EventContext, index: int, question: Question, mine: Answer) -> FormField:
    label = _label(f"{index + 1}. {question.text}")
    if question.kind is QuestionKind.OPEN:
        return FormField(f"q{index}", label, FieldKind.LONG, required=False, initial=mine.text,
                         max_length=OPEN_ANSWER.most)
    options = tuple(Option(_option_label(ctx, question, number), str(number + 1))
                    for number in range(len(question.choices)))
    initial = str(mine.chosen[0] + 1) if mine.chosen else ""
    return FormField(f"q{index}", label, FieldKind.CHOICE, required=False, initial=initial, options=options)


def _option_label(ctx: EventContext, question: Question, number: int) -> str:
    choice = question.choices[number]
    if question.kind is QuestionKind.RATING:
        end = question.low if number == 0 else question.high if number == question.scale - 1 else ""
        return f"{choice} – {end}"[:75] if end else choice
    return f"{number + 1}. {choice}"[:75]


def _label(text: str) -> str:
    # Platforms keep form labels short (Slack: 48 characters, Discord: 45).
    return text if len(text) <= 45 else text[:44] + "…"


async def save_survey_form(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    if len(ref.payload) != 1:
        raise UserError(STALE)
    shown = await ctx.services.polls.show(ShowPoll(ctx.scope, ref.subject_id))
    pages = form_pages(shown.poll)
    if not 0 <= ref.payload[0] < len(pages):
        raise UserError(STALE)
    answers = tuple((index, _read(shown.poll.questions[index], index, values.get(f"q{index}", "")))
                    for index in pages[ref.payload[0]])
    view = await ctx.services.polls.answer_several(AnswerQuestions(ctx.scope, shown.poll.id, answers))
    blocks: list[Any] = [Paragraph(ctx.text(with_change_note(_("Your answers are kept."))))]
    if view.poll.template == COMPASS:
        blocks.extend(_readings(ctx, view))
    await ctx.whisper(Message(tuple(blocks), ephemeral=True))


def _read(question: Question, index: int, typed: str) -> Answer:
    """What the member gave for one question: an option's number (a menu's value) or its words."""
    text = " ".join(typed.split())
    if not text:
        return Answer()
    if question.kind is QuestionKind.OPEN:
        return Answer(text=typed.strip())
    if text.isdigit() and 1 <= int(text) <= len(question.choices):
        return Answer(chosen=(int(text) - 1,))
    wanted = text.casefold()
    for number, choice in enumerate(question.choices):
        if wanted in (choice.casefold(), f"{number + 1}. {choice}".casefold()):
            return Answer(chosen=(number,))
    if question.kind is QuestionKind.RATING:
        raise UserError(_("Question {n}: give a number from 1 to {scale}, not {value}.", n=index + 1,
                          scale=question.scale, value=UserText(text[:40])))
    raise UserError(_("Question {n}: give the number of one of its options, not {value}.", n=index + 1,
                      value=UserText(text[:40])),
                    hint=_("Its options: {options}.", options=UserText(", ".join(
                        f"{number}. {choice}" for number, choice in enumerate(question.choices, start=1)))))


def _readings(ctx: EventContext, view: PollView) -> list[Any]:
    """The compass's reading of each item the member rated: what it says, and one step to take."""
    readings = BUILT_IN[COMPASS].readings()
    blocks: list[Any] = [Heading(ctx.text(_("Your compass")))]
    for index, question in enumerate(view.poll.questions):
        answer = view.mine[index] if view.mine is not None and index < len(view.mine) else Answer()
        reading = readings[index] if index < len(readings) else None
        if reading is None or not answer.chosen:
            continue
        point = answer.chosen[0] + 1
        blocks.append(Paragraph(ctx.text(_("**{item}**: {point} of {scale}. {advice}", item=UserText(
            question.text), point=point, scale=question.scale, advice=reading.of(point, question.scale)))))
    if len(blocks) == 1:
        return []
    blocks.append(Note(ctx.text(_("Only you see this reading; facilitators see everyone's answers together."))))
    return blocks


# --- templates ------------------------------------------------------------------------------------------------


async def list_templates(ctx: EventContext, args: dict[str, Any]) -> None:
    hearths, own = await ctx.services.polls.templates(ListTemplates(ctx.scope))
    blocks: list[Any] = [Heading(ctx.text(_("Survey templates")))]
    for template in hearths:
        blocks.append(Paragraph(ctx.text(_("**{name}**: {about}", name=template.name, about=template.about))))
    if own:
        blocks.append(Paragraph(ctx.text(_("**This community's own**"))))
        for template in own:
            blocks.append(Paragraph(ctx.text(_("**{name}**: {title} ({n} questions)", name=UserText(template.name),
                                                title=UserText(str(template.title)), n=len(template.questions)))))
    blocks.append(Note(ctx.text(_("Ask one with /poll survey <name>; see one with /poll template show <name>. "
                                  "Facilitators add their own with /poll template add."))))
    if ctx.scope.may_facilitate:
        blocks.append(Actions((Button(ctx.plain(_("Add a template")), ADD_TEMPLATE),)))
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def show_template(ctx: EventContext, args: dict[str, Any]) -> None:
    template = await ctx.services.polls.show_template(ShowTemplate(ctx.scope, str(args["name"])))
    await ctx.reply(Message(tuple(template_blocks(ctx, template)), ephemeral=True))


def template_blocks(ctx: EventContext, template: Template) -> list[Any]:
    assert ctx.community is not None
    title, questions = template.written(ctx.services.polls.words(ctx.community))
    blocks: list[Any] = [Heading(ctx.text(_("Template {name}: {title}", name=UserText(template.name),
                                            title=UserText(title))))]
    for number, question in enumerate(questions, start=1):
        blocks.append(Paragraph(ctx.text(_("{n}. {question} ({kind})", n=number, question=UserText(question.text),
                                           kind=_kind(question)))))
    how = _("anonymous") if template.anonymous else _("names kept with answers")
    blocks.append(Note(ctx.text(_("{how}; ask it with /poll survey {name}.", how=how, name=template.name))))
    return blocks


def _kind(question: Question) -> Msg:
    if question.kind is QuestionKind.RATING:
        return _("rating from 1 to {scale}", scale=question.scale)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return _("{kind}: {options}", kind=KIND_NAMES[question.kind], options=UserText(", ".join(question.options)))
    return KIND_NAMES[question.kind]


async def add_template(ctx: EventContext, args: dict[str, Any]) -> None:
    """`/poll template add <spec…>`; without a spec, the form to paste one in."""
    spec = str(args.get("spec") or "")
    if not spec.strip():
        await open_template_form(ctx)
        return
    await _added(ctx, spec)


async def open_template_form(ctx: EventContext) -> None:
    community = ctx.community
    assert community is not None
    await ctx.open_form(Form(
        form_id=TEMPLATE_FORM, title=ctx.plain(_("Add a template")), submit_label=ctx.plain(_("Add")),
        state=ctx.refs.mint(ActionRef(community.workspace_id, community.id, TEMPLATE_REF, community.id)),
        fields=(FormField("spec", ctx.plain(_("The template, in YAML or JSON")), FieldKind.LONG,
                          max_length=4000),),
    ))


async def save_template_form(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    await _added(ctx, values.get("spec", ""))


async def _added(ctx: EventContext, spec: str) -> None:
    added = await ctx.services.polls.add_template(AddTemplate(ctx.scope, spec))
    said = _("Template {name} replaced.", name=UserText(added.template.name)) if added.replaced else _(
        "Template {name} added.", name=UserText(added.template.name))
    blocks = [Paragraph(ctx.text(said)), *template_blocks(ctx, added.template)]
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


async def remove_template(ctx: EventContext, args: dict[str, Any]) -> None:
    name = await ctx.services.polls.remove_template(RemoveTemplate(ctx.scope, str(args["name"])))
    await ctx.whisper(_("Template {name} removed. Surveys asked from it stay as they are.", name=UserText(name)))


TEMPLATE_FORM = "poll.template"
ADD_TEMPLATE = "poll.template.add"  # the Add a template button of /poll templates (facilitators)
TEMPLATE_REF = "pt"  # the template form's state: the community it adds to
