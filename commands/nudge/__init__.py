"""The `/nudge` family: the community's agreed rhythm and how it is doing, a member's own say over personal
nudges, and the discussion prompts quiet channels are given."""

from __future__ import annotations

from bot.i18n import Msg, _
from bot.nudges.rules import MOST_AFTER, MOST_DAYS, RULES
from commands.nudge.handlers import goal, me, prompts_add, prompts_list, prompts_remove, status
from commands.nudge.rules import rule, rules, why
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, GroupSpec, Param, ParamKind

__all__ = ["FAMILY_SUMMARIES", "register"]

FAMILY_SUMMARIES: dict[str, Msg] = {
    "nudge": _("Nudges: the community's agreed rhythm, your own say over nudges, and discussion prompts."),
}
GROUPS = (
    GroupSpec(("nudge",), FAMILY_SUMMARIES["nudge"]),
    GroupSpec(("nudge", "prompts"), _("The prompt bank: the questions a quiet channel is given.")),
)


def register(registry: Registry, interactions: InteractionRouter) -> None:
    """Add the `/nudge` commands."""
    del interactions  # no buttons or forms
    for spec in (
        CommandSpec(("nudge", "goal"), _("Agree how often the community posts (facilitators)."), goal,
                    params=(Param("number", ParamKind.INT, _("how many messages"), required=True),
                            Param("per", ParamKind.TEXT, _("posts per week, or per month"), greedy=True)),
                    needs_community=True,
                    examples=(_("/nudge goal 5 posts per week"), _("/nudge goal 20 posts per month"))),
        CommandSpec(("nudge", "status"), _("This week against the goal, and the weeks before as a small chart."),
                    status, needs_community=True, examples=("/nudge status",)),
        CommandSpec(("nudge", "me"), _("Your own say over personal nudges: a cadence, off, on or a snooze."), me,
                    params=(Param("wish", ParamKind.TEXT, _("every 2 weeks, off, on, or snooze and a date"),
                                  greedy=True),),
                    needs_community=True,
                    examples=("/nudge me", _("/nudge me every 2 weeks"), "/nudge me off",
                              "/nudge me snooze 2027-01-10")),
        CommandSpec(("nudge", "prompts", "add"), _("Add a discussion prompt to the bank (facilitators)."),
                    prompts_add,
                    params=(Param("prompt", ParamKind.TEXT, _("the prompt, a question for the community"),
                                  required=True, greedy=True),),
                    needs_community=True, examples=(_('/nudge prompts add "What did you learn this week?"'),)),
        CommandSpec(("nudge", "prompts", "list"), _("List the prompt bank."), prompts_list, needs_community=True,
                    examples=("/nudge prompts list",)),
        CommandSpec(("nudge", "prompts", "remove"), _("Set a prompt aside (facilitators)."), prompts_remove,
                    params=(Param("id", ParamKind.INT, _("the prompt's number"), required=True, min_value=1),),
                    needs_community=True, examples=("/nudge prompts remove 3",)),
        CommandSpec(("nudge", "rules"), _("Every nudge rule, on or off, and what it waits for."), rules,
                    needs_community=True, examples=("/nudge rules",)),
        CommandSpec(("nudge", "rule"), _("Tune one nudge rule: on, off, days, hours (facilitators)."), rule,
                    params=(Param("name", ParamKind.CHOICE, _("the rule, such as quiet-channel"), required=True,
                                  choices=RULES),
                            Param("state", ParamKind.TEXT, _("on, off, or default")),
                            Param("days", ParamKind.INT, _("the days it waits"), flag=True, min_value=1,
                                  max_value=MOST_DAYS),
                            Param("after", ParamKind.INT, _("the working hours a question waits"), flag=True,
                                  min_value=1, max_value=MOST_AFTER),
                            Param("hours", ParamKind.TEXT, _("the working hours, such as 9-17"), flag=True)),
                    needs_community=True,
                    examples=("/nudge rule quiet-channel off", "/nudge rule quiet-member --days 10",
                              "/nudge rule unanswered --after 48 --hours 8-18", "/nudge rule newcomer default")),
        CommandSpec(("nudge", "why"), _("Why a nudge came, in full."), why,
                    params=(Param("id", ParamKind.INT, _("the nudge's number, in its last line"), required=True,
                                  min_value=1),),
                    examples=("/nudge why 12",)),
    ):
        registry.add(spec)
    for group in GROUPS:
        registry.add_group(group)
