"""Survey templates: the four Hearth brings, and the shape of those a community adds (`bot.polls.spec`).

A template is a name, a title and its questions, with how a survey from it is asked by default (anonymous or
not, who sees the results). The built-in templates are catalog entries, so a community reads them in its own
language: a survey from one is written out in the community's language when it is asked, and from then on it is
an ordinary poll. The `compass` template carries a reading per item: what a coordinator's answer says and one
step to take, given privately to whoever answered it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.i18n import Msg, _
from bot.polls.model import Question, QuestionKind, ResultsShown

Words = Callable[[Msg], str]  # a catalog entry in the community's language

SATISFACTION = "satisfaction"
SESSION = "session"
TOPICS = "topics"
COMPASS = "compass"
BUILT_IN_NAMES = (SATISFACTION, SESSION, TOPICS, COMPASS)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a compass item's answer says: for a low point (1–2), the middle (3) and a high point (4–5)."""

    low: Msg
    middle: Msg
    high: Msg

    def of(self, point: int, scale: int) -> Msg:
        share = (point - 1) / max(1, scale - 1)
        return self.low if share < 0.4 else self.middle if share < 0.6 else self.high


@dataclass(frozen=True, slots=True)
class TemplateQuestion:
    """A question of a template: its text a catalog entry (built in) or the community's own words."""

    kind: QuestionKind
    text: Msg | str
    options: tuple[Msg | str, ...] = ()
    most: int | None = None
    scale: int = 5
    low: Msg | str = ""
    high: Msg | str = ""
    reading: Reading | None = None

    def written(self, words: Words) -> Question:
        def say(text: Msg | str) -> str:
            return words(text) if isinstance(text, Msg) else text

        return Question(self.kind, say(self.text), tuple(say(option) for option in self.options), most=self.most,
                        scale=self.scale, low=say(self.low), high=say(self.high))


@dataclass(frozen=True, slots=True)
class Template:
    """A survey template. `built_in`: one of Hearth's four (its texts are catalog entries)."""

    name: str
    title: Msg | str
    questions: tuple[TemplateQuestion, ...]
    about: Msg | str = ""
    anonymous: bool = False
    results: ResultsShown = ResultsShown.LIVE
    built_in: bool = False
    author_id: str = ""
    spec: str = field(default="", compare=False)  # a community's template: the spec as its facilitator gave it

    def written(self, words: Words) -> tuple[str, tuple[Question, ...]]:
        """The title and questions in the community's language."""
        title = words(self.title) if isinstance(self.title, Msg) else self.title
        return title, tuple(question.written(words) for question in self.questions)

    def readings(self) -> tuple[Reading | None, ...]:
        return tuple(question.reading for question in self.questions)


def _rating(text: Msg, low: Msg, high: Msg, reading: Reading | None = None) -> TemplateQuestion:
    return TemplateQuestion(QuestionKind.RATING, text, scale=5, low=low, high=high, reading=reading)


def _open(text: Msg) -> TemplateQuestion:
    return TemplateQuestion(QuestionKind.OPEN, text)


BUILT_IN: dict[str, Template] = {
    SATISFACTION: Template(
        SATISFACTION, _("How are we doing?"), (
            _rating(_("How satisfied are you with how this community works?"), _("Not at all"),
                    _("Very satisfied")),
            _rating(_("How much does this community bring to your own work?"), _("Nothing"), _("A great deal")),
            _rating(_("How well does our meeting rhythm suit you?"), _("Not at all"), _("Just right")),
            _open(_("What should we keep doing?")),
            _open(_("What should we change?")),
        ),
        about=_("Members' satisfaction with how the community works and the value it brings them."),
        anonymous=True, results=ResultsShown.CLOSED, built_in=True,
    ),
    SESSION: Template(
        SESSION, _("Feedback on the session"), (
            _open(_("What went well?")),
            _open(_("What could be better?")),
            _rating(_("How useful was the session to you?"), _("Not at all"), _("Very useful")),
            _open(_("One thing you take away")),
        ),
        about=_("After a session, discussion or exercise someone led: what went well and what could be better."),
        anonymous=True, results=ResultsShown.LIVE, built_in=True,
    ),
    TOPICS: Template(
        TOPICS, _("What shall we talk about?"), (
            TemplateQuestion(QuestionKind.TOPICS, _("Which topics matter to you? Suggest them and upvote.")),
            _open(_("What would you like to talk about more often?")),
        ),
        about=_("Which topics matter and what to talk about more often: members suggest topics and upvote them."),
        anonymous=False, results=ResultsShown.LIVE, built_in=True,
    ),
    COMPASS: Template(
        COMPASS, _("Community compass"), (
            _rating(_("Our goal is clear to every member"), _("Not at all"), _("Completely"), Reading(
                _("Write the goal down in one sentence and pin it: /hearth settings."),
                _("Ask three members to say the goal in their own words, and sharpen it where they differ."),
                _("Keep it in view: repeat the goal when new members join."))),
            _rating(_("Our meeting rhythm is visible and kept"), _("Not at all"), _("Completely"), Reading(
                _("Agree on a rhythm together and schedule it: /meeting schedule."),
                _("Put every meeting in members' calendars: share the feed from /meeting calendar."),
                _("Vary the form now and then: a case, a guest, a short exercise."))),
            _rating(_("Members post and respond regularly"), _("Not at all"), _("Completely"), Reading(
                _("Lead by example: post one question or finding each week, and agree how often you all post."),
                _("Invite two quiet members by name to share something small."),
                _("Thank members for posts in public, so the habit spreads."))),
            _rating(_("We gather feedback from members"), _("Not at all"), _("Completely"), Reading(
                _("Ask after each session how it went: /meeting edit --feedback on."),
                _("Schedule a satisfaction survey every quarter: /poll schedule satisfaction every quarter."),
                _("Show what changed because of the feedback."))),
            _rating(_("We share and build on what we know"), _("Not at all"), _("Completely"), Reading(
                _("Agree what goes in the library and save the first sources together."),
                _("After each meeting, save one source or idea from it."),
                _("Point newcomers to the library's best items first."))),
        ),
        about=_("For coordinators: a short self-check of the community, with a reading per item."),
        anonymous=False, results=ResultsShown.FACILITATORS, built_in=True,
    ),
}


def built_in(name: str) -> Template | None:
    return BUILT_IN.get(name.casefold())


def with_name(template: Template, name: str) -> Template:
    return replace(template, name=name)
