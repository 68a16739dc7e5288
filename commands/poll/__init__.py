"""The `/poll` family: polls of a community, answered with buttons (or a form for an open question), named or
anonymous, with results as text bars where the reader may see them."""

from __future__ import annotations

from bot.i18n import Msg, _
from bot.permissions import Permission
from bot.polls.messages import (
    ANSWER_FORM,
    CHOOSE,
    FORM_PAGE,
    POLL_REF,
    SUGGEST,
    SUGGEST_FORM,
    SURVEY,
    SURVEY_FORM,
    WRITE,
)
from bot.polls.model import MAX_OPTIONS
from commands.poll.answers import (
    STALE,
    choose,
    close,
    export,
    home_section,
    list_polls,
    new,
    open_answer_form,
    open_question,
    open_suggest_form,
    rating,
    remind,
    save_open_answer,
    save_suggestion,
    show,
    suggest,
    topics,
)
from commands.poll.rounds import list_rounds, schedule, trend, unschedule
from commands.poll.surveys import (
    ADD_TEMPLATE,
    TEMPLATE_FORM,
    TEMPLATE_REF,
    add_template,
    list_templates,
    open_survey_form,
    open_template_form,
    remove_template,
    save_survey_form,
    save_template_form,
    show_template,
    survey,
)
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, GroupSpec, Param, ParamKind

__all__ = ["FAMILY_SUMMARIES", "home_section", "register"]

FAMILY_SUMMARIES: dict[str, Msg] = {"poll": _("Polls: ask the community, named or anonymous, and see the results.")}
GROUPS = (GroupSpec(("poll",), FAMILY_SUMMARIES["poll"]),
          GroupSpec(("poll", "template"), _("Survey templates: see one, add your own, remove one.")))


def register(registry: Registry, interactions: InteractionRouter) -> None:
    """Add the `/poll` commands, the answer buttons and the open answer's form."""
    question = Param("question", ParamKind.TEXT, _("the question, in quotes"), required=True)
    poll_id = Param("id", ParamKind.INT, _("the poll's number"), required=True, min_value=1)
    template_name = Param("name", ParamKind.TEXT, _("the template's name"), required=True)
    round_id = Param("id", ParamKind.INT, _("the round's number, from /poll rounds"), required=True, min_value=1)
    common = (
        Param("anonymous", ParamKind.FLAG, _("nobody sees who answered what"), flag=True),
        Param("results", ParamKind.CHOICE, _("who sees the results: all now, at close, facilitators"),
              flag=True, choices=("live", "closed", "facilitators")),
        Param("closes", ParamKind.TEXT, _("when it closes: 3d, 2026-12-20"), flag=True),
        Param("opens", ParamKind.TEXT, _("post it later: 2026-12-20 09:00"), flag=True),
        Param("remind", ParamKind.DURATION, _("DM who has not answered, such as 1d before it closes"), flag=True),
    )
    for spec in (
        CommandSpec(
            ("poll", "new"), _("Ask a question with options to choose from."), new,
            params=(
                question,
                Param("options", ParamKind.TEXT, _("2 to {n} options, each in quotes", n=MAX_OPTIONS),
                      required=True, greedy=True, listed=True),
                Param("multi", ParamKind.FLAG, _("members may choose several"), flag=True),
                Param("most", ParamKind.INT, _("how many a member may choose at most"), flag=True, min_value=1,
                      max_value=MAX_OPTIONS),
                *common,
            ),
            needs_community=True,
            examples=(_('/poll new "Which day suits you?" "Monday" "Wednesday" "Friday"'),
                      _('/poll new "Which topics?" "dbt" "Dashboards" "Testing" --multi --most 2 --anonymous')),
        ),
        CommandSpec(
            ("poll", "rating"), _("Ask for a rating from 1 to 5 (or 10)."), rating,
            params=(
                question,
                Param("scale", ParamKind.CHOICE, _("5 or 10 points"), flag=True, choices=("5", "10")),
                Param("low", ParamKind.TEXT, _("what the lowest point means"), flag=True),
                Param("high", ParamKind.TEXT, _("what the highest point means"), flag=True),
                *common,
            ),
            needs_community=True,
            examples=(_('/poll rating "How useful was today?" --low "Not at all" --high "Very" --anonymous'),),
        ),
        CommandSpec(
            ("poll", "open"), _("Ask an open question that members answer in their own words."), open_question,
            params=(question, *common), needs_community=True,
            examples=(_('/poll open "What should we discuss next?" --anonymous'),),
        ),
        CommandSpec(
            ("poll", "topics"), _("Ask what to talk about: members suggest topics and upvote them."), topics,
            params=(question, Param("topics", ParamKind.TEXT, _("topics to start with, each in quotes"),
                                    greedy=True, listed=True), *common),
            needs_community=True,
            examples=(_('/poll topics "What do you want to talk about more often?" "Data contracts" "Testing"'),),
        ),
        CommandSpec(
            ("poll", "suggest"), _("Suggest a topic for a topics poll (it counts as your upvote)."), suggest,
            params=(poll_id, Param("topic", ParamKind.TEXT, _("the topic"), required=True, greedy=True)),
            needs_community=True, examples=(_('/poll suggest 4 "Lineage in practice"'),),
        ),
        CommandSpec(
            ("poll", "survey"), _("Ask a survey from a template: several questions answered in one form."), survey,
            params=(Param("template", ParamKind.TEXT, _("the template's name"), required=True), *common),
            needs_community=True,
            examples=("/poll survey satisfaction --closes 7d", "/poll survey session"),
        ),
        CommandSpec(("poll", "templates"), _("List the survey templates: Hearth's and this community's own."),
                    list_templates, needs_community=True, examples=("/poll templates",)),
        CommandSpec(("poll", "template", "show"), _("Show a template's questions."), show_template,
                    params=(template_name,), needs_community=True, examples=("/poll template show compass",)),
        CommandSpec(
            ("poll", "template", "add"), _("Add the community's own template, in YAML or JSON (facilitators)."),
            add_template,
            params=(Param("spec", ParamKind.TEXT, _("the template; leave it out to paste it in a form"),
                          greedy=True, verbatim=True),),
            needs_community=True, permission=Permission.FACILITATOR,
            examples=('/poll template add {name: retro, title: Retro, questions: [{kind: open, text: "What went '
                      'well?"}, {kind: rating, text: "How was it?"}]}',),
        ),
        CommandSpec(("poll", "template", "remove"), _("Remove one of the community's own templates (facilitators)."),
                    remove_template, params=(template_name,), needs_community=True,
                    permission=Permission.FACILITATOR, examples=("/poll template remove retro",)),
        CommandSpec(
            ("poll", "schedule"), _("Ask a template or a poll again and again, on a rhythm (facilitators)."),
            schedule,
            params=(Param("source", ParamKind.TEXT, _("a template's name or a poll's number"), required=True),
                    Param("when", ParamKind.TEXT, _("how often, as /meeting schedule reads it"), required=True,
                          greedy=True),
                    Param("closes", ParamKind.TEXT, _("how long each round stays open, such as 7d"), flag=True),
                    *common[:2]),
            needs_community=True, permission=Permission.FACILITATOR,
            examples=(_("/poll schedule satisfaction every quarter on the first Monday at 10:00 --closes 7d"),),
        ),
        CommandSpec(("poll", "rounds"), _("List the polls asked again and again."), list_rounds,
                    needs_community=True, examples=("/poll rounds",)),
        CommandSpec(("poll", "unschedule"), _("Stop asking a poll again (facilitators)."), unschedule,
                    params=(round_id,), needs_community=True, permission=Permission.FACILITATOR,
                    examples=("/poll unschedule 2",)),
        CommandSpec(("poll", "trend"), _("Chart how a poll's answers move from round to round."), trend,
                    params=(round_id,), needs_community=True, examples=("/poll trend 2",)),
        CommandSpec(("poll", "remind"), _("Turn your reminders of unanswered polls on or off."), remind,
                    params=(Param("setting", ParamKind.CHOICE, _("on or off"), required=True, choices=("on", "off")),),
                    examples=("/poll remind off",)),
        CommandSpec(("poll", "list"), _("List this community's polls."), list_polls, needs_community=True,
                    examples=("/poll list",)),
        CommandSpec(("poll", "show"), _("Show a poll, to answer it or see its results."), show, params=(poll_id,),
                    needs_community=True, examples=("/poll show 3",)),
        CommandSpec(("poll", "results"), _("Show a poll's results, as far as you may see them."), show,
                    params=(poll_id,), needs_community=True, examples=("/poll results 3",)),
        CommandSpec(("poll", "export"), _("Get a poll's results as a spreadsheet file (its author or a facilitator)."),
                    export, params=(poll_id,), needs_community=True, examples=("/poll export 3",)),
        CommandSpec(("poll", "close"), _("Close a poll and post its results (its author or a facilitator)."), close,
                    params=(poll_id,), needs_community=True, examples=("/poll close 3",)),
    ):
        registry.add(spec)
    for group in GROUPS:
        registry.add_group(group)
    interactions.on_action(CHOOSE, choose, kind=POLL_REF, stale=STALE)
    interactions.on_action(WRITE, open_answer_form, kind=POLL_REF, stale=STALE)
    interactions.on_form(ANSWER_FORM, save_open_answer, kind=POLL_REF, stale=STALE, fields=("answer",))
    interactions.on_action(SUGGEST, open_suggest_form, kind=POLL_REF, stale=STALE)
    interactions.on_form(SUGGEST_FORM, save_suggestion, kind=POLL_REF, stale=STALE, fields=("topic",))
    interactions.on_action(SURVEY, open_survey_form, kind=POLL_REF, stale=STALE)
    interactions.on_form(SURVEY_FORM, save_survey_form, kind=POLL_REF, stale=STALE,
                         fields=tuple(f"q{index}" for index in range(FORM_PAGE)))
    interactions.on_plain_action(ADD_TEMPLATE, open_template_form, permission=Permission.FACILITATOR,
                                 command=("poll", "template", "add"))
    interactions.on_form(TEMPLATE_FORM, save_template_form, kind=TEMPLATE_REF, fields=("spec",),
                         permission=Permission.FACILITATOR, command=("poll", "template", "add"))
