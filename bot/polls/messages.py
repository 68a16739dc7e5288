"""How polls look: the post with its answer buttons and (where the reader may see them) results as text bars.

Members' text (questions, options, open answers, labels) is `UserText`; times are `Timestamp`s. A post is drawn
from a `PollView` as everyone in the channel may see it: results hidden from members stay hidden there, whoever
clicked.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.action_refs import ActionRef, ActionRefs
from bot.i18n import Msg, _, _n
from bot.messages import (
    Actions,
    Attachment,
    Block,
    Button,
    Heading,
    Inline,
    Note,
    Paragraph,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
)
from bot.polls.model import Poll, Question, QuestionKind, QuestionResults
from bot.polls.requests import Hidden, PollView

CHOOSE = "poll.choose"  # an option or a rating point: the payload is (question, choice)
WRITE = "poll.write"  # opens the form for an open question: the payload is (question,)
ANSWER_FORM = "poll.answer"
SUGGEST = "poll.suggest"  # opens the form to add a topic: the payload is (question,)
SUGGEST_FORM = "poll.topic"
SURVEY = "poll.survey"  # opens a page of a survey's form: the payload is (page,)
SURVEY_FORM = "poll.form"
FORM_PAGE = 5  # questions per page of a survey's form (a Discord modal holds five fields)
FORM_KINDS = (QuestionKind.SINGLE, QuestionKind.RATING, QuestionKind.OPEN)  # what a form asks; the rest: buttons
POLL_REF = "pl"
BAR_WIDTH = 10
_ROW = 5  # buttons per row

Say = Callable[[Msg | Text | Inline], Text]


def choice_ref(poll: Poll, question: int, choice: int) -> ActionRef:
    return ActionRef(poll.workspace_id, poll.community_id, POLL_REF, poll.id, (question, choice))


def write_ref(poll: Poll, question: int) -> ActionRef:
    return ActionRef(poll.workspace_id, poll.community_id, POLL_REF, poll.id, (question,))


def poll_post(say: Say, view: PollView, refs: ActionRefs, min_answers: int) -> tuple[Block, ...]:
    """The poll as posted in its channel: each question with its choices (and their counts when shown), a note
    on how it works, and the buttons while it is open."""
    poll = view.poll
    blocks: list[Block] = [Heading(say(_("Poll {id}: {question}", id=poll.id, question=UserText(poll.heading))))]
    survey = is_survey(poll)
    for index, question in enumerate(poll.questions):
        if poll.title or survey:
            number = _("{n}. {question}", n=index + 1, question=UserText(question.text))
            blocks.append(Paragraph(say(_("**{question}**", question=number))))
        results = view.results.questions[index] if view.results is not None else None
        blocks.extend(_question_lines(say, question, results))
        if view.open and not (survey and question.kind in FORM_KINDS):
            blocks.extend(_buttons(say, poll, index, question, refs))
    if view.open and survey:
        blocks.extend(_form_buttons(say, poll, refs))
    blocks.append(Note(say(about(poll, view, min_answers))))
    return tuple(blocks)


def is_survey(poll: Poll) -> bool:
    """A poll of several questions is a survey: what a form can ask is answered in one."""
    return len(poll.questions) > 1


def form_pages(poll: Poll) -> list[tuple[int, ...]]:
    """The questions a survey's form asks, page by page (at most `FORM_PAGE` to a page)."""
    asked = [index for index, question in enumerate(poll.questions) if question.kind in FORM_KINDS]
    return [tuple(asked[start:start + FORM_PAGE]) for start in range(0, len(asked), FORM_PAGE)]


def page_ref(poll: Poll, page: int) -> ActionRef:
    return ActionRef(poll.workspace_id, poll.community_id, POLL_REF, poll.id, (page,))


def _form_buttons(say: Say, poll: Poll, refs: ActionRefs) -> list[Block]:
    pages = form_pages(poll)
    if not pages:
        return []
    if len(pages) == 1:
        return [Actions((Button(_plain(say, _("Answer the survey")), SURVEY, refs.mint(page_ref(poll, 0))),))]
    buttons = [Button(_plain(say, _("Answer questions {first}–{last}", first=page[0] + 1, last=page[-1] + 1)),
                      SURVEY, refs.mint(page_ref(poll, number))) for number, page in enumerate(pages)]
    return [Actions(tuple(buttons[start:start + _ROW])) for start in range(0, len(buttons), _ROW)]


def results_files(view: PollView, language: str) -> tuple[Attachment, ...]:
    """The chart of a results post (a PNG), when the results may be shown."""
    if view.results is None:
        return ()
    from bot.polls.chart import results_chart  # matplotlib loads when a chart is drawn, not at start

    return (Attachment(f"poll-{view.poll.id}.png", "image/png", results_chart(view.poll, view.results, language)),)


def about(poll: Poll, view: PollView, min_answers: int) -> Msg:
    """One line on how the poll works: anonymous or not, who sees the results, when it closes, who answered."""
    answered = _n("{n} member answered", "{n} members answered", view.respondents)
    parts: list[Msg] = [answered, _("anonymous") if poll.anonymous else _("names kept with answers")]
    if not view.open:
        parts.append(_("closed"))
    elif poll.closes_at is not None:
        parts.append(_("closes {when}", when=Timestamp(poll.closes_at, TimestampStyle.RELATIVE)))
    hidden = {
        Hidden.UNTIL_CLOSED: _("results when it closes"),
        Hidden.FACILITATORS: _("results for facilitators"),
        Hidden.TOO_FEW: _n("results once {n} member answered", "results once {n} members answered", min_answers),
        None: None,
    }[view.hidden]
    if hidden is not None:
        parts.append(hidden)
    return _join(parts)


def _join(parts: list[Msg]) -> Msg:
    message = parts[0]
    for part in parts[1:]:
        message = _("{first} · {second}", first=message, second=part)
    return message


def _question_lines(say: Say, question: Question, results: QuestionResults | None) -> list[Block]:
    if question.kind is QuestionKind.TOPICS:
        return _topic_lines(say, question, results)
    if question.kind is QuestionKind.OPEN:
        if results is None:
            return []
        lines: list[Block] = [Paragraph(say(_n("{n} answer", "{n} answers", results.answered)))]
        lines.extend(Paragraph(say(_("• {answer}", answer=UserText(text)))) for text in results.texts)
        return lines
    lines = []
    choices = question.choices
    if question.kind is QuestionKind.RATING and (question.low or question.high):
        lines.append(Paragraph(say(_("1 = {low} · {scale} = {high}", low=UserText(question.low or "1"),
                                     scale=question.scale, high=UserText(question.high or str(question.scale))))))
    if results is None:
        if question.kind is not QuestionKind.RATING:
            lines.extend(Paragraph(say(_("{n}. {option}", n=index + 1, option=UserText(option))))
                         for index, option in enumerate(choices))
        return lines
    total = max(sum(results.counts), 1)
    for index, (choice, count) in enumerate(zip(choices, results.counts, strict=True)):
        share = count / total
        bar = "█" * round(share * BAR_WIDTH) + "░" * (BAR_WIDTH - round(share * BAR_WIDTH))
        label = choice if question.kind is QuestionKind.RATING else str(index + 1) + ". " + choice
        lines.append(Paragraph(say(_("{bar} {count} ({percent}%) {option}", bar=bar, count=count,
                                     percent=round(share * 100), option=UserText(label)))))
    if results.mean is not None:
        lines.append(Paragraph(say(_("Mean {mean} of {scale}", mean=round(results.mean, 1), scale=question.scale))))
    return lines


def _topic_lines(say: Say, question: Question, results: QuestionResults | None) -> list[Block]:
    """The topics ranked by their upvotes (in the order suggested on a tie), or as suggested while hidden."""
    if not question.options:
        return [Paragraph(say(_("No topics yet: suggest the first one.")))]
    if results is None:
        return [Paragraph(say(_("• {topic}", topic=UserText(topic)))) for topic in question.options]
    ranked = sorted(zip(question.options, results.counts, strict=True), key=lambda pair: -pair[1])
    return [Paragraph(say(_n("{rank}. {topic} ({n} vote)", "{rank}. {topic} ({n} votes)", votes, rank=rank,
                             topic=UserText(topic))))
            for rank, (topic, votes) in enumerate(ranked, start=1)]


def _buttons(say: Say, poll: Poll, index: int, question: Question, refs: ActionRefs) -> list[Block]:
    if question.kind is QuestionKind.TOPICS:
        upvotes = [Button(_label("▲ " + topic, number, question), CHOOSE, refs.mint(choice_ref(poll, index, number)))
                   for number, topic in enumerate(question.options)]
        suggest = Button(_plain(say, _("Suggest a topic")), SUGGEST, refs.mint(write_ref(poll, index)))
        rows = [Actions(tuple(upvotes[start:start + _ROW])) for start in range(0, len(upvotes), _ROW)]
        return [*rows, Actions((suggest,))]
    if question.kind is QuestionKind.OPEN:
        return [Actions((Button(_plain(say, _("Give your answer")), WRITE, refs.mint(write_ref(poll, index))),))]
    buttons = [Button(_label(choice, number, question), CHOOSE, refs.mint(choice_ref(poll, index, number)))
               for number, choice in enumerate(question.choices)]
    return [Actions(tuple(buttons[start:start + _ROW])) for start in range(0, len(buttons), _ROW)]


def _label(choice: str, number: int, question: Question) -> str:
    if question.kind is QuestionKind.RATING:
        return choice
    return choice if len(choice) <= 70 else choice[:69] + "…"


def _plain(say: Say, message: Msg) -> str:
    return "".join(part for part in say(message).parts if isinstance(part, str))
