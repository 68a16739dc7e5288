"""The `/hearth` family: help, setting a community up, its settings, a member's own preferences, facilitators.

The handlers read what the member typed into a request of the community service (`bot/community/`), send it and
render the result; the service checks the values and who may, so the settings form and the console get the same
answers as the commands.
"""

from __future__ import annotations

from typing import Any

from bot.context import EventContext
from bot.i18n import Msg, _
from bot.permissions import Permission
from bot.tenancy import COMMUNITY_TYPE, LIBRARY_FETCH, LIBRARY_REACTION, POLL_ASKERS
from commands.hearth.common import COMMUNITY_REF, EDIT_SETTINGS, SETTINGS_FORM
from commands.hearth.facilitators import add_facilitator, list_facilitators, remove_facilitator
from commands.hearth.preferences import me
from commands.hearth.settings import FORM_FIELDS, open_settings_form, save_settings_form, settings
from commands.hearth.setup import setup
from commands.help import help_message
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, GroupSpec, Param, ParamKind

__all__ = ["FAMILY_SUMMARIES", "register"]

FAMILY_SUMMARIES: dict[str, Msg] = {
    "hearth": _("Set Hearth up, see and change settings, and get help."),
}
GROUPS = (
    GroupSpec(("hearth",), FAMILY_SUMMARIES["hearth"]),
    GroupSpec(("hearth", "facilitators"), _("Who looks after the communities: add, remove or list facilitators.")),
)


def register(registry: Registry, interactions: InteractionRouter) -> None:
    """Add the `/hearth` commands, the settings button and the settings form."""

    async def show_help(ctx: EventContext, args: dict[str, Any]) -> None:
        await ctx.reply(help_message(ctx, registry, args.get("topic")))

    community_options = (
        Param("name", ParamKind.TEXT, _("the community's name"), flag=True),
        Param("goal", ParamKind.TEXT, _("what the community is for, in one sentence"), flag=True),
        Param("tz", ParamKind.TIMEZONE, _("its time zone, such as Europe/Brussels"), flag=True),
        Param("lang", ParamKind.LANGUAGE, _("its language: en or nl"), flag=True),
        Param("type", ParamKind.CHOICE, _("what kind of community: best-practice, helping, knowledge or innovation"),
              flag=True, choices=COMMUNITY_TYPE.choices),
    )
    for spec in (
        CommandSpec(
            ("hearth", "help"),
            _("Show what Hearth can do, or the details of one command."),
            show_help,
            params=(Param("topic", ParamKind.TEXT, _("a command or family, such as setup or poll"), greedy=True),),
            examples=("/hearth help", "/hearth help setup", "/hearth help facilitators add"),
        ),
        CommandSpec(
            ("hearth", "setup"),
            _("Make this channel a Hearth community (facilitators; the first one in a new workspace)."),
            setup,
            params=community_options,
            permission=Permission.SETUP,
            examples=(
                "/hearth setup",
                _('/hearth setup --name "Data CoP" --goal "Learn from each other\'s analyses" --tz Europe/Brussels'),
            ),
        ),
        CommandSpec(
            ("hearth", "settings"),
            _("Show this community's settings; facilitators change them with the options."),
            settings,
            params=(*community_options,
                    Param("polls", ParamKind.CHOICE, _("who asks polls: every member, or facilitators only"),
                          flag=True, choices=POLL_ASKERS.choices),
                    Param("reaction", ParamKind.CHOICE, _("the reaction that saves a message to the library, or off"),
                          flag=True, choices=LIBRARY_REACTION.choices),
                    Param("previews", ParamKind.CHOICE,
                          _("whether the library reads the title, description and text of saved pages"), flag=True,
                          choices=LIBRARY_FETCH.choices)),
            needs_community=True,
            examples=("/hearth settings", _('/hearth settings --goal "Share one lesson a week" --lang nl'),
                      "/hearth settings --polls facilitators", "/hearth settings --reaction bookmark"),
        ),
        CommandSpec(
            ("hearth", "me"),
            _("Show or change your own time zone and language."),
            me,
            params=(
                Param("tz", ParamKind.TIMEZONE, _("your time zone, such as America/New_York"), flag=True),
                Param("lang", ParamKind.LANGUAGE, _("your language: en or nl"), flag=True),
                Param("reset", ParamKind.FLAG, _("follow the community's time zone and language again"), flag=True),
            ),
            examples=("/hearth me", "/hearth me --tz Europe/Amsterdam --lang nl", "/hearth me --reset"),
        ),
        CommandSpec(
            ("hearth", "facilitators", "add"),
            _("Make a member a facilitator."),
            add_facilitator,
            params=(Param("member", ParamKind.MEMBER, _("the member, mentioned with @"), required=True),),
            permission=Permission.FACILITATOR,
            examples=("/hearth facilitators add @ana",),
        ),
        CommandSpec(
            ("hearth", "facilitators", "remove"),
            _("Take the facilitator role from a member."),
            remove_facilitator,
            params=(Param("member", ParamKind.MEMBER, _("the member, mentioned with @"), required=True),),
            permission=Permission.FACILITATOR,
            examples=("/hearth facilitators remove @ana",),
        ),
        CommandSpec(
            ("hearth", "facilitators", "list"),
            _("List this workspace's facilitators."),
            list_facilitators,
            examples=("/hearth facilitators list",),
        ),
    ):
        registry.add(spec)
    for group in GROUPS:
        registry.add_group(group)
    interactions.on_plain_action(EDIT_SETTINGS, open_settings_form, permission=Permission.FACILITATOR,
                                 command=("hearth", "settings"))
    interactions.on_form(SETTINGS_FORM, save_settings_form, kind=COMMUNITY_REF, fields=FORM_FIELDS,
                         permission=Permission.FACILITATOR, command=("hearth", "settings"))
