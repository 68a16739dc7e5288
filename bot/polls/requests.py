"""What members and facilitators ask of the polls feature, and what it answers: frozen values only.

Every request carries the `Scope` it is asked in; a poll is named by its number (`poll_id`) and found only in the
community the request is asked in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.polls.model import Answer, Ballot, Poll, Question, Results, ResultsShown
from bot.polls.ports import StoredBallot
from bot.polls.templates import Template
from bot.tenancy import Scope

# --- requests ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreatePoll:
    """A new poll in the scope's community. `closes_at` None: open until its author or a facilitator closes it."""

    scope: Scope
    questions: tuple[Question, ...]
    title: str = ""
    anonymous: bool = False
    results: ResultsShown = ResultsShown.LIVE
    closes_at: datetime | None = None
    template: str = ""
    remind_before: timedelta | None = None


@dataclass(frozen=True, slots=True)
class CreateSurvey:
    """A survey from a template (Hearth's own or the community's), in the community's language. Left None, it is
    anonymous and shows its results as the template says."""

    scope: Scope
    template: str
    anonymous: bool | None = None
    results: ResultsShown | None = None
    closes_at: datetime | None = None
    remind_before: timedelta | None = None


@dataclass(frozen=True, slots=True)
class AnswerQuestions:
    """Several answers at once (a page of a survey's form): each (question, answer) replaces the member's answer
    to that question; the others stay as they were."""

    scope: Scope
    poll_id: int
    answers: tuple[tuple[int, Answer], ...]


@dataclass(frozen=True, slots=True)
class AddTemplate:
    """A community's own survey template from its spec (`bot.polls.spec`): facilitators. Replaces the community's
    template of the same name."""

    scope: Scope
    spec: str


@dataclass(frozen=True, slots=True)
class ShowTemplate:
    scope: Scope
    name: str


@dataclass(frozen=True, slots=True)
class ListTemplates:
    """Hearth's templates and the community's own."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class RemoveTemplate:
    """Remove one of the community's own templates: facilitators."""

    scope: Scope
    name: str


@dataclass(frozen=True, slots=True)
class AnswerQuestion:
    """One click or one field: choose an option (a multiple choice toggles it, up to its maximum), rate, or give an
    open answer (`text`). Changes the member's ballot until the poll closes."""

    scope: Scope
    poll_id: int
    question: int = 0
    choice: int | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class SuggestTopic:
    """Add a topic to a topics question; it counts as the suggester's upvote."""

    scope: Scope
    poll_id: int
    text: str
    question: int = 0


@dataclass(frozen=True, slots=True)
class SubmitBallot:
    """A whole ballot at once (a survey's form): it replaces the member's earlier one."""

    scope: Scope
    poll_id: int
    ballot: Ballot


@dataclass(frozen=True, slots=True)
class ClosePoll:
    """Close a poll now: its author or a facilitator."""

    scope: Scope
    poll_id: int


@dataclass(frozen=True, slots=True)
class ShowPoll:
    scope: Scope
    poll_id: int


@dataclass(frozen=True, slots=True)
class ExportPoll:
    """A poll's results as a file: its author or a facilitator."""

    scope: Scope
    poll_id: int


@dataclass(frozen=True, slots=True)
class AwaitingAnswer:
    """The open polls of every community in the workspace that the member has not answered (their home)."""

    scope: Scope


@dataclass(frozen=True, slots=True)
class ChooseReminders:
    """A member's poll reminders by direct message: on (the default) or off, in every community."""

    scope: Scope
    on: bool


@dataclass(frozen=True, slots=True)
class ListPolls:
    """The community's open polls and the most recently closed ones."""

    scope: Scope


# --- answers ----------------------------------------------------------------------------------------------


class Hidden(enum.StrEnum):
    """Why a reader does not see a poll's results."""

    UNTIL_CLOSED = "until-closed"  # results are shown once the poll closes
    FACILITATORS = "facilitators"  # only facilitators and the poll's author see them
    TOO_FEW = "too-few"  # an anonymous poll shows results once enough members answered


@dataclass(frozen=True, slots=True)
class PollView:
    """A poll as one reader sees it: its results (None when hidden from them, and why), how many answered, and
    the reader's own ballot (None before they answered)."""

    poll: Poll
    respondents: int
    results: Results | None
    hidden: Hidden | None
    mine: Ballot | None
    open: bool


@dataclass(frozen=True, slots=True)
class PollExport:
    """What an export holds: the results, and for a named poll every member's ballot (None for an anonymous one)."""

    view: PollView
    ballots: tuple[StoredBallot, ...] | None


@dataclass(frozen=True, slots=True)
class Answered:
    """The reader's answer to `question` as it now stands, with the poll as they now see it and as everyone in the
    channel sees it (`public`: what its post may show)."""

    view: PollView
    question: int
    answer: Answer
    public: PollView


@dataclass(frozen=True, slots=True)
class TemplateAdded:
    template: Template
    replaced: bool
