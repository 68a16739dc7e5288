"""`/hearth settings`, its Edit settings button and the settings form: one community's settings, shown to everyone
and changed by facilitators (the service refuses everyone else)."""

from __future__ import annotations

from typing import Any

from bot.action_refs import ActionRef
from bot.community.requests import ChangeSettings, CommunitySettings, ShowSettings
from bot.community.service import MAX_GOAL, MAX_NAME
from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import (
    Actions,
    Block,
    Button,
    FieldKind,
    Form,
    FormField,
    Heading,
    Message,
    Note,
    Option,
    UserText,
    option_value,
)
from bot.tenancy import COMMUNITY_TYPE, LIBRARY_FETCH, LIBRARY_REACTION, POLL_ASKERS
from bot.vocabulary import language_name
from commands.hearth.common import COMMUNITY_REF, EDIT_SETTINGS, SETTINGS_FORM, choice_words, settings_fields
from commands.values import parse_choice, parse_language, parse_timezone

FORM_FIELDS = ("name", "goal", "tz", "lang", "polls")
# The community settings the command changes by option (the form holds the first: Discord's forms hold five fields).
SETTING_OPTIONS = {"polls": POLL_ASKERS, "reaction": LIBRARY_REACTION, "previews": LIBRARY_FETCH,
                   "type": COMMUNITY_TYPE}


async def settings(ctx: EventContext, args: dict[str, Any]) -> None:
    if all(args.get(key) is None for key in (*FORM_FIELDS, *SETTING_OPTIONS)):
        shown = await ctx.services.community.show_settings(ShowSettings(ctx.scope))
        await ctx.reply(settings_message(ctx, shown))
        return
    chosen = {setting.key: str(args[option]) for option, setting in SETTING_OPTIONS.items()
              if args.get(option) is not None}
    changed = await ctx.services.community.change_settings(ChangeSettings(
        ctx.scope, name=args.get("name"), goal=args.get("goal"), timezone=args.get("tz"), language=args.get("lang"),
        settings=chosen or None,
    ))
    await _reply_saved(ctx, changed)


async def open_settings_form(ctx: EventContext) -> None:
    community = ctx.community
    assert community is not None
    await ctx.open_form(Form(
        form_id=SETTINGS_FORM,
        title=ctx.plain(_("Community settings")),
        submit_label=ctx.plain(_("Save")),
        state=ctx.refs.mint(ActionRef(community.workspace_id, community.id, COMMUNITY_REF, community.id)),
        fields=(
            FormField("name", ctx.plain(_("Name")), initial=community.name, max_length=MAX_NAME),
            FormField("goal", ctx.plain(_("Goal")), FieldKind.LONG, required=False, initial=community.goal,
                      max_length=MAX_GOAL),
            FormField("tz", ctx.plain(_("Time zone")), initial=community.timezone, max_length=64),
            FormField(
                "lang", ctx.plain(_("Language")), FieldKind.CHOICE, initial=community.language,
                options=tuple(Option(language_name(code), code) for code in ctx.translator.languages()),
            ),
            FormField("polls", ctx.plain(_("Who asks polls")), FieldKind.CHOICE, initial=POLL_ASKERS.of(community),
                      options=_poll_asker_options(ctx)),
        ),
    ))


async def save_settings_form(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    """The settings form: `ref` (already authorised for this channel's community) names the community."""
    assert ctx.community is not None
    if ref.subject_id != ctx.community.id:
        raise UserError(_("This form belongs to another community. Open the settings again from this channel."))
    unknown = set(values) - set(FORM_FIELDS)
    if unknown:
        raise UserError(
            _("The settings form has no field {field}.", field=UserText(sorted(unknown)[0])),
            hint=_("Its fields are name, goal, tz, lang and polls."),
        )
    changed = await ctx.services.community.change_settings(ChangeSettings(
        ctx.scope,
        name=values.get("name"),
        goal=values.get("goal"),
        timezone=parse_timezone(values["tz"]) if "tz" in values else None,
        language=parse_language(values["lang"], ctx.translator.languages()) if "lang" in values else None,
        settings={POLL_ASKERS.key: _poll_askers(ctx, values["polls"])} if "polls" in values else None,
    ))
    await _reply_saved(ctx, changed)


def _poll_asker_options(ctx: EventContext) -> tuple[Option, ...]:
    return tuple(Option(ctx.plain(choice_words(POLL_ASKERS, choice)), choice) for choice in POLL_ASKERS.choices)


def _poll_askers(ctx: EventContext, typed: str) -> str:
    """The choice of the form's "Who asks polls": its value, or its label as typed in a text input (Discord)."""
    return option_value(_poll_asker_options(ctx), typed) or parse_choice(typed, POLL_ASKERS.choices)


async def _reply_saved(ctx: EventContext, changed: CommunitySettings) -> None:
    ctx.community = changed.community  # a member without a language of their own reads the new one
    heading = _("Settings of {name} saved.", name=UserText(changed.community.name))
    await ctx.reply(settings_message(ctx, changed, heading))


def settings_message(ctx: EventContext, shown: CommunitySettings, heading: Msg | None = None) -> Message:
    """The settings, privately, with the Edit settings button for those who may change them."""
    community = shown.community
    blocks: list[Block] = [
        Heading(ctx.text(heading or _("Settings of {name}", name=UserText(community.name)))),
        settings_fields(community, ctx.text, shown.facilitators),
    ]
    if ctx.scope.may_facilitate:
        blocks.append(Actions((Button(ctx.plain(_("Edit settings")), EDIT_SETTINGS),)))
    else:
        blocks.append(Note(ctx.text(_("Facilitators can change these settings."))))
    return Message(tuple(blocks), ephemeral=True)
