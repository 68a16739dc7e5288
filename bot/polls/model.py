"""Polls and their answers: the values, and how a poll's ballots become its results.

A poll asks one question (a survey, several) of a community: single or multiple choice, a rating on a scale of 5
or 10, an open question, or topic suggestions (members add topics and upvote as many as they like). A member's
`Ballot` holds one `Answer` per question and can be changed until the poll closes. Who answered what is kept only
for a named poll; an anonymous poll's ballots are sealed (`bot.polls.anonymity`) and, when it closes, folded into
its results and dropped.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.recurrence import Recurrence
from bot.refs import MemberRef

MIN_OPTIONS = 2
MAX_OPTIONS = 25
SCALES = (5, 10)


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    RATING = "rating"
    OPEN = "open"
    TOPICS = "topics"  # members add options and upvote any number of them; shown ranked


class ResultsShown(enum.StrEnum):
    """Who sees the results, and when."""

    LIVE = "live"  # everyone, while the poll is open
    CLOSED = "closed"  # everyone, once it has closed
    FACILITATORS = "facilitators"  # the community's facilitators (and the poll's author), always


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Question:
    """One question. `options` for choices; `most` is how many a multiple choice allows (None: any number);
    `scale`, `low` and `high` for a rating (the labels of its ends, "" when none)."""

    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    most: int | None = None
    scale: int = 5
    low: str = ""
    high: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """What a member picks from: the options, or the points of a rating scale ("1" … "5")."""
        if self.kind is QuestionKind.RATING:
            return tuple(str(point) for point in range(1, self.scale + 1))
        return self.options


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to one question: the chosen options' positions (a rating's point is its position + 1), or
    text for an open question. An empty answer is a question left out."""

    chosen: tuple[int, ...] = ()
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.chosen and not self.text


Ballot = tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class Poll:
    """A poll of one community. `author` created it; `closes_at` None: open until closed by hand."""

    id: int
    workspace_id: int
    community_id: int
    author: MemberRef
    questions: tuple[Question, ...]
    title: str = ""  # a survey's name; a single question is its own title
    anonymous: bool = False
    results: ResultsShown = ResultsShown.LIVE
    status: PollStatus = PollStatus.OPEN
    created_at: datetime | None = None
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    template: str = ""  # the template a survey was asked from
    round_id: int | None = None  # the `Round` this poll is one round of
    round_at: datetime | None = None  # when its round came (the meeting's start, for after-meeting feedback)
    remind_before: timedelta | None = None  # a DM to members who have not answered, this long before it closes

    @property
    def heading(self) -> str:
        return self.title or self.questions[0].text

    def is_open(self, now: datetime) -> bool:
        return self.status is PollStatus.OPEN and (self.closes_at is None or now < self.closes_at)


@dataclass(frozen=True, slots=True)
class QuestionResults:
    """How one question was answered: a count per choice (in order), and for open questions the texts."""

    question: Question
    answered: int
    counts: tuple[int, ...] = ()
    texts: tuple[str, ...] = ()

    @property
    def mean(self) -> float | None:
        """A rating's mean point, None before anyone rated."""
        if self.question.kind is not QuestionKind.RATING or not self.answered:
            return None
        points = [point for point, count in enumerate(self.counts, start=1) for _ in range(count)]
        return statistics.fmean(points)


@dataclass(frozen=True, slots=True)
class Results:
    """A poll's results: how many members answered, and each question's results."""

    respondents: int
    questions: tuple[QuestionResults, ...] = field(default_factory=tuple)


def tally(questions: Sequence[Question], ballots: Iterable[Ballot]) -> Results:
    """The results of `ballots` (in any order: open answers come out sorted, so never in the order given)."""
    counts = [[0] * len(question.choices) for question in questions]
    answered = [0] * len(questions)
    texts: list[list[str]] = [[] for _ in questions]
    respondents = 0
    for ballot in ballots:
        if all(answer.empty for answer in ballot):
            continue
        respondents += 1
        for index, (question, answer) in enumerate(zip(questions, ballot, strict=False)):
            if answer.empty:
                continue
            answered[index] += 1
            if question.kind is QuestionKind.OPEN:
                texts[index].append(answer.text)
            for chosen in answer.chosen:
                if 0 <= chosen < len(question.choices):
                    counts[index][chosen] += 1
    return Results(respondents, tuple(
        QuestionResults(question, answered[index], tuple(counts[index]), tuple(sorted(texts[index], key=str.casefold)))
        for index, question in enumerate(questions)
    ))


@dataclass(frozen=True, slots=True)
class Round:
    """A poll asked again and again (`bot.polls.rounds`): its questions as written when it was scheduled, how
    each round is asked, and when. `recurrence`: the rhythm ("every quarter on the first Monday at 10:00"); or
    `series_id`: a round after each meeting of that series (the `session` template). `direct`: after-meeting
    rounds go by direct message as well, to the members who said they were going. Each round is a poll of its
    own, linked to this by `Poll.round_id`."""

    id: int
    workspace_id: int
    community_id: int
    author: MemberRef
    title: str
    questions: tuple[Question, ...]
    template: str = ""
    anonymous: bool = False
    results: ResultsShown = ResultsShown.LIVE
    recurrence: Recurrence | None = None
    series_id: int | None = None
    direct: bool = False
    closes_after: timedelta | None = None
    active: bool = True
    created_at: datetime | None = None
