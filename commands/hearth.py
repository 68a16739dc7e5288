"""The `/hearth` family: help, setting a community up, its settings, a member's own preferences, facilitators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.context import EventContext
from bot.errors import NotFound, UserError
from bot.events import CommandInvoked
from bot.i18n import Msg, _
from bot.messages import (
    Actions,
    Block,
    Button,
    Field,
    FieldKind,
    Fields,
    Form,
    FormField,
    Heading,
    MemberMention,
    Message,
    Note,
    Option,
    Paragraph,
    Text,
    UserText,
    join,
)
from bot.middleware import ensure_permission
from bot.permissions import Permission
from bot.refs import MemberRef
from bot.tenancy import Community, Member, Role
from bot.vocabulary import language_name
from commands.help import help_message
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, Param, ParamKind
from commands.values import parse_language, parse_timezone

EDIT_SETTINGS = "hearth.settings.edit"
SETTINGS_FORM = "hearth.settings"
MAX_NAME = 80
MAX_GOAL = 500

FAMILY_SUMMARIES: dict[str, Msg] = {
    "hearth": _("Set Hearth up, see and change settings, and get help."),
}


def register(registry: Registry, interactions: InteractionRouter) -> None:
    """Add the `/hearth` commands, the settings button and the settings form."""

    async def show_help(ctx: EventContext, args: dict[str, Any]) -> None:
        await ctx.reply(help_message(ctx, registry, FAMILY_SUMMARIES, args.get("topic")))

    community_options = (
        Param("name", ParamKind.TEXT, _("the community's name"), flag=True),
        Param("goal", ParamKind.TEXT, _("what the community is for, in one sentence"), flag=True),
        Param("tz", ParamKind.TIMEZONE, _("its time zone, such as Europe/Brussels"), flag=True),
        Param("lang", ParamKind.LANGUAGE, _("its language: en or nl"), flag=True),
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
                '/hearth setup --name "Data CoP" --goal "Learn from each other\'s analyses" --tz Europe/Brussels',
            ),
        ),
        CommandSpec(
            ("hearth", "settings"),
            _("Show this community's settings; facilitators change them with the options."),
            settings,
            params=community_options,
            needs_community=True,
            examples=("/hearth settings", '/hearth settings --goal "Share one lesson a week" --lang nl'),
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
        ),
    ):
        registry.add(spec)
    interactions.on_action(EDIT_SETTINGS, open_settings_form, permission=Permission.FACILITATOR)
    interactions.on_form(SETTINGS_FORM, save_settings_form, permission=Permission.FACILITATOR)


# --- setup -------------------------------------------------------------------------------------------------


async def setup(ctx: EventContext, args: dict[str, Any]) -> None:
    event = ctx.event
    assert isinstance(event, CommandInvoked) and ctx.workspace is not None and ctx.member is not None
    if ctx.community is not None:
        raise UserError(
            _("This channel already is the community {name}.", name=UserText(ctx.community.name)),
            hint=_("See or change its settings with /hearth settings."),
        )
    name = _checked_name(args.get("name") or event.channel_name.lstrip("#") or "community")
    goal = _checked_goal(args.get("goal") or "")
    timezone = args.get("tz") or ctx.timezone
    language = args.get("lang") or ctx.defaults.language
    async with ctx.unit_of_work() as uow:
        community = await uow.communities.add(
            ctx.workspace.id, event.channel, name=name, goal=goal, timezone=timezone, language=language,
            at=ctx.clock.now(),
        )
        first = not await uow.members.with_role(ctx.workspace.id, Role.FACILITATOR)
        if first:
            ctx.member = replace(ctx.member, role=Role.FACILITATOR)
            await uow.members.update(ctx.member)
        await uow.commit()
    ctx.community = community
    blocks: list[Block] = [
        Paragraph(ctx.public_text(_("**{name}** is now a Hearth community.", name=UserText(community.name)))),
        _settings_fields(ctx, community, ctx.public_text),
        Note(ctx.public_text(_(
            "Change these with /hearth settings --goal \"…\" --tz … --lang …, or the button below. "
            "Everything Hearth can do: /hearth help."
        ))),
        Actions((Button(ctx.plain(_("Edit settings"), public=True), EDIT_SETTINGS),)),
    ]
    await ctx.reply(Message(tuple(blocks)))
    if first:
        await ctx.whisper(_(
            "You are this workspace's first facilitator. Add others with /hearth facilitators add @name."
        ))


# --- settings ----------------------------------------------------------------------------------------------


async def settings(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.community is not None
    changes = {key: args[key] for key in ("name", "goal", "tz", "lang") if args.get(key) is not None}
    if not changes:
        await ctx.reply(await _settings_message(ctx, ctx.community))
        return
    await ensure_permission(ctx, Permission.FACILITATOR, "/hearth settings")
    await _change_settings(ctx, changes)


async def _change_settings(ctx: EventContext, changes: Mapping[str, str]) -> None:
    assert ctx.community is not None and ctx.workspace is not None
    community = replace(
        ctx.community,
        name=_checked_name(changes["name"]) if "name" in changes else ctx.community.name,
        goal=_checked_goal(changes["goal"]) if "goal" in changes else ctx.community.goal,
        timezone=changes.get("tz", ctx.community.timezone),
        language=changes.get("lang", ctx.community.language),
    )
    async with ctx.unit_of_work() as uow:
        await uow.communities.update(community)
        await uow.commit()
    ctx.community = community
    message = await _settings_message(
        ctx, community, heading=_("Settings of {name} saved.", name=UserText(community.name))
    )
    await ctx.reply(message)


async def _settings_message(ctx: EventContext, community: Community, heading: Msg | None = None) -> Message:
    assert ctx.workspace is not None
    async with ctx.unit_of_work() as uow:
        facilitators = await uow.members.with_role(ctx.workspace.id, Role.FACILITATOR)
    blocks: list[Block] = [
        Heading(ctx.text(heading or _("Settings of {name}", name=UserText(community.name)))),
        _settings_fields(ctx, community, ctx.text, facilitators),
    ]
    if ctx.member is not None and (ctx.member.is_facilitator or _is_admin(ctx)):
        blocks.append(Actions((Button(ctx.plain(_("Edit settings")), EDIT_SETTINGS),)))
    else:
        blocks.append(Note(ctx.text(_("Facilitators can change these settings."))))
    return Message(tuple(blocks), ephemeral=True)


def _settings_fields(
    ctx: EventContext, community: Community, text: Any, facilitators: list[Member] | None = None
) -> Fields:
    items = [
        Field(text(_("Goal")), Text.of(UserText(community.goal)) if community.goal else text(_("not set yet"))),
        Field(text(_("Time zone")), Text.of(community.timezone)),
        Field(text(_("Language")), Text.of(language_name(community.language))),
    ]
    if facilitators is not None:
        names = join(MemberMention(member.ref) for member in facilitators)
        items.append(Field(text(_("Facilitators")), names if facilitators else text(_("none yet"))))
    return Fields(tuple(items))


async def open_settings_form(ctx: EventContext, value: str) -> None:
    community = ctx.community
    assert community is not None
    await ctx.open_form(Form(
        form_id=SETTINGS_FORM,
        title=ctx.plain(_("Community settings")),
        submit_label=ctx.plain(_("Save")),
        state=str(community.id),
        fields=(
            FormField("name", ctx.plain(_("Name")), initial=community.name, max_length=MAX_NAME),
            FormField("goal", ctx.plain(_("Goal")), FieldKind.LONG, required=False, initial=community.goal,
                      max_length=MAX_GOAL),
            FormField("tz", ctx.plain(_("Time zone")), initial=community.timezone, max_length=64),
            FormField(
                "lang", ctx.plain(_("Language")), FieldKind.CHOICE, initial=community.language,
                options=tuple(Option(language_name(code), code) for code in ctx.translator.languages()),
            ),
        ),
    ))


async def save_settings_form(ctx: EventContext, values: dict[str, str], state: str) -> None:
    assert ctx.community is not None
    if state != str(ctx.community.id):
        raise UserError(_("This form belongs to another community. Open the settings again from this channel."))
    unknown = set(values) - {"name", "goal", "tz", "lang"}
    if unknown:
        raise UserError(
            _("The settings form has no field {field}.", field=UserText(sorted(unknown)[0])),
            hint=_("Its fields are name, goal, tz and lang."),
        )
    changes: dict[str, str] = {}
    if "name" in values:
        changes["name"] = values["name"]
    if "goal" in values:
        changes["goal"] = values["goal"]
    if "tz" in values:
        changes["tz"] = parse_timezone(values["tz"])
    if "lang" in values:
        changes["lang"] = parse_language(values["lang"], ctx.translator.languages())
    await _change_settings(ctx, changes)


# --- me ----------------------------------------------------------------------------------------------------


async def me(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.member is not None
    member = ctx.member
    if args.get("reset"):
        if args.get("tz") or args.get("lang"):
            raise UserError(_("Use --reset on its own, or set --tz and --lang without it."))
        member = replace(member, timezone=None, language=None)
    if args.get("tz"):
        member = replace(member, timezone=args["tz"])
    if args.get("lang"):
        member = replace(member, language=args["lang"])
    changed = member != ctx.member
    if changed:
        async with ctx.unit_of_work() as uow:
            await uow.members.update(member)
            await uow.commit()
        ctx.member = member
    zone = Text.of(member.timezone) if member.timezone else ctx.text(_("the community's ({zone})", zone=ctx.timezone))
    language = (
        Text.of(language_name(member.language)) if member.language
        else ctx.text(_("the community's ({language})",
                        language=language_name(ctx.community_language)))
    )
    blocks: list[Block] = [
        Heading(ctx.text(_("Your preferences were saved.") if changed else _("Your preferences"))),
        Fields((Field(ctx.text(_("Time zone")), zone), Field(ctx.text(_("Language")), language))),
        Note(ctx.text(_("Change them with /hearth me --tz Europe/Amsterdam --lang nl; follow the community "
                        "again with /hearth me --reset."))),
    ]
    await ctx.reply(Message(tuple(blocks), ephemeral=True))


# --- facilitators ------------------------------------------------------------------------------------------


async def add_facilitator(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None
    ref: MemberRef = args["member"]
    async with ctx.unit_of_work() as uow:
        member = await uow.members.get(ctx.workspace.id, ref)
        if member is None:
            member = await uow.members.add(ctx.workspace.id, ref, display_name=ref.id, role=Role.FACILITATOR,
                                           at=ctx.clock.now())
        elif member.is_facilitator:
            raise UserError(_("{member} already is a facilitator.", member=MemberMention(ref)))
        else:
            await uow.members.update(replace(member, role=Role.FACILITATOR))
        await uow.commit()
    await ctx.reply(Message.text(ctx.public_text(
        _("{member} is now a facilitator, thanks to {by}.", member=MemberMention(ref), by=MemberMention(_me(ctx)))
    )))


async def remove_facilitator(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None
    ref: MemberRef = args["member"]
    async with ctx.unit_of_work() as uow:
        member = await uow.members.get(ctx.workspace.id, ref)
        if member is None or not member.is_facilitator:
            raise NotFound(_("{member} is not a facilitator.", member=MemberMention(ref)),
                           hint=_("See who is with /hearth facilitators list."))
        others = [m for m in await uow.members.with_role(ctx.workspace.id, Role.FACILITATOR) if m.ref != ref]
        if not others:
            raise UserError(_("{member} is the last facilitator. Add another one first, so someone can still "
                              "look after the community.", member=MemberMention(ref)),
                            hint=_("/hearth facilitators add @name"))
        await uow.members.update(replace(member, role=Role.MEMBER))
        await uow.commit()
    await ctx.reply(Message.text(ctx.public_text(
        _("{member} is no longer a facilitator.", member=MemberMention(ref))
    )))


async def list_facilitators(ctx: EventContext, args: dict[str, Any]) -> None:
    assert ctx.workspace is not None
    async with ctx.unit_of_work() as uow:
        facilitators = await uow.members.with_role(ctx.workspace.id, Role.FACILITATOR)
    if not facilitators:
        text = ctx.text(_("This workspace has no facilitators yet. The first member to run /hearth setup "
                          "becomes one."))
    else:
        text = Text.of(ctx.text(_("Facilitators:")), " ", join(MemberMention(m.ref) for m in facilitators))
    await ctx.reply(Message.text(text, ephemeral=True))


# --- helpers -----------------------------------------------------------------------------------------------


def _checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UserError(_("The name cannot be empty."), hint=_('For example: --name "Data CoP"'))
    if len(name) > MAX_NAME:
        raise UserError(_("The name is too long: keep it under {limit} characters.", limit=MAX_NAME))
    return name


def _checked_goal(goal: str) -> str:
    goal = goal.strip()
    if len(goal) > MAX_GOAL:
        raise UserError(_("The goal is too long: keep it under {limit} characters.", limit=MAX_GOAL))
    return goal


def _me(ctx: EventContext) -> MemberRef:
    assert ctx.member is not None
    return ctx.member.ref


def _is_admin(ctx: EventContext) -> bool:
    actor = getattr(ctx.event, "actor", None)
    return bool(actor is not None and actor.is_admin)

