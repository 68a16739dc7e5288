"""The `/nudge` family: the community's agreed rhythm and how it is doing, a member's own say over personal
nudges, and the discussion prompts quiet channels are given."""

from __future__ import annotations

from bot.i18n import Msg, _
from commands.nudge.handlers import goal, me, prompts_add, prompts_list, prompts_remove, status
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
    ):
        registry.add(spec)
    for group in GROUPS:
        registry.add_group(group)
