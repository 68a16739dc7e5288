"""Routes slash commands, button clicks and form submissions to their handlers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.action_refs import ActionRef
from bot.context import EventContext, Route
from bot.errors import UserError
from bot.events import ActionInvoked, CommandInvoked, FormSubmitted, InboundEvent, ShortcutInvoked
from bot.i18n import Msg, _
from bot.permissions import Permission
from bot.tenancy import NOT_A_COMMUNITY
from commands.parser import parse_arguments, parse_options
from commands.registry import Registry
from commands.spec import CommandSpec
from commands.usage import typed_command

log = logging.getLogger("hearth.interactions")


class CommandRouter:
    """Matches `CommandInvoked` to its spec, parses the arguments and runs the handler."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def match(self, event: InboundEvent) -> Route | None:
        if not isinstance(event, CommandInvoked):
            return None
        try:
            if event.options is not None:
                spec = self.registry.find_by_path((event.command, *event.path))
                rest = ""
            else:
                spec, rest = self.registry.find(event.command, event.text)
        except UserError as error:
            return Route(name=f"/{event.command}", run=partial(_fail, error))
        typed = typed_command(spec.path)
        return Route(name=typed, run=partial(self._run, spec, rest), permission=spec.permission, command=typed)

    async def _run(self, spec: CommandSpec, rest: str, ctx: EventContext) -> None:
        event = ctx.event
        assert isinstance(event, CommandInvoked)
        if spec.needs_community and ctx.community is None:
            raise UserError(NOT_A_COMMUNITY)
        common: dict[str, Any] = {
            "workspace": event.channel.workspace,
            "timezone": ctx.timezone,
            "now": ctx.clock.now(),
            "languages": ctx.translator.languages(),
        }
        if event.options is not None:
            args = parse_options(spec, event.options, **common)
        else:
            args = parse_arguments(spec, rest, **common)
        await spec.handler(ctx, args)


async def _fail(error: UserError, ctx: EventContext) -> None:
    raise error


STALE = _("That button or form no longer does anything. Run the command again to get a fresh one.")
ELSEWHERE = _("That button or form belongs to another community, so it is not available in this channel.")
ELSEWHERE_HINT = _("Run the command again here to get one for this channel.")
# What a click or a form refers to is read before its handler runs (`_authorised`): handlers get the reference.
PlainActionHandler = Callable[[EventContext], Awaitable[None]]
ActionHandler = Callable[[EventContext, ActionRef], Awaitable[None]]
FormHandler = Callable[[EventContext, dict[str, str], ActionRef], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Interaction:
    run: Callable[[EventContext, ActionInvoked | FormSubmitted], Awaitable[None]]
    permission: Permission
    needs_community: bool
    command: str | None  # the command it stands for, as members type it
    fields: tuple[str, ...] = ()


ShortcutHandler = Callable[[EventContext, ShortcutInvoked], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Shortcut:
    """A message shortcut a feature offers (Slack's message shortcuts, Discord's message commands)."""

    shortcut_id: str
    name: Msg
    handler: ShortcutHandler


class InteractionRouter:
    """Routes button clicks by their stable action id, form submissions by their form id, and message shortcuts
    by their id. Platform set-up (the Slack manifest, Discord's commands) offers exactly the shortcuts routed here.
    """

    def __init__(self) -> None:
        self._actions: dict[str, _Interaction] = {}
        self._forms: dict[str, _Interaction] = {}
        self._shortcuts: dict[str, Shortcut] = {}

    def on_shortcut(self, shortcut: Shortcut) -> None:
        if shortcut.shortcut_id in self._shortcuts:
            raise ValueError(f"{shortcut.shortcut_id} is already routed")
        self._shortcuts[shortcut.shortcut_id] = shortcut

    def shortcuts(self) -> tuple[Shortcut, ...]:
        return tuple(self._shortcuts.values())

    def on_action(
        self, action_id: str, handler: ActionHandler, *, kind: str, stale: Msg = STALE,
        permission: Permission = Permission.ANYONE, command: tuple[str, ...] | None = None,
    ) -> None:
        """Route clicks on `action_id` to `handler(ctx, ref)`, `ref` being the reference of `kind` the button carries.

        The reference is read and authorised before the handler runs: one that does not read (garbled, forged, of
        another workspace or kind) is answered with `stale`, one of another community than the channel's with
        `ELSEWHERE`, and outside a community with `NOT_A_COMMUNITY`. `command` is the path of the command the button
        stands for: a refusal names it as members type it (without one, a refusal names no command).
        """

        async def run(ctx: EventContext, event: ActionInvoked | FormSubmitted) -> None:
            assert isinstance(event, ActionInvoked)
            await handler(ctx, _authorised(ctx, event.value, kind, stale, action_id))

        _add(self._actions, action_id, _interaction(run, permission, True, command))

    def on_plain_action(
        self, action_id: str, handler: PlainActionHandler, *, permission: Permission = Permission.ANYONE,
        needs_community: bool = True, command: tuple[str, ...] | None = None,
    ) -> None:
        """Route clicks on `action_id`, a button that carries nothing (whatever value a click brings is ignored),
        to `handler(ctx)`."""

        async def run(ctx: EventContext, event: ActionInvoked | FormSubmitted) -> None:
            await handler(ctx)

        _add(self._actions, action_id, _interaction(run, permission, needs_community, command))

    def on_form(
        self, form_id: str, handler: FormHandler, *, kind: str, stale: Msg = STALE,
        permission: Permission = Permission.ANYONE, command: tuple[str, ...] | None = None,
        fields: tuple[str, ...] = (),
    ) -> None:
        """Route submissions of `form_id` to `handler(ctx, values, ref)`, `ref` being the reference of `kind` the
        form's state carries, read and authorised as for `on_action`; `command` as for `on_action`; `fields` names
        the form's fields."""

        async def run(ctx: EventContext, event: ActionInvoked | FormSubmitted) -> None:
            assert isinstance(event, FormSubmitted)
            await handler(ctx, dict(event.values), _authorised(ctx, event.state, kind, stale, form_id))

        _add(self._forms, form_id, _interaction(run, permission, True, command, tuple(fields)))

    def routed_ids(self) -> tuple[str, ...]:
        """Every action, form and shortcut id routed here: Hearth's internal names, never shown to members."""
        return (*self._actions, *self._forms, *self._shortcuts)

    def action_ids(self) -> tuple[str, ...]:
        """Every routed action id."""
        return tuple(self._actions)

    def forms(self) -> dict[str, tuple[str, ...]]:
        """Every routed form id with the names of its fields."""
        return {form_id: routed.fields for form_id, routed in self._forms.items()}

    def match(self, event: InboundEvent) -> Route | None:
        if isinstance(event, ActionInvoked):
            key, table = event.action_id, self._actions
        elif isinstance(event, FormSubmitted):
            key, table = event.form_id, self._forms
        elif isinstance(event, ShortcutInvoked):
            shortcut = self._shortcuts.get(event.shortcut_id)
            if shortcut is None:
                return Route(name=event.shortcut_id, run=partial(_fail, UserError(STALE)))
            return Route(name=event.shortcut_id, run=partial(_run_shortcut, shortcut, event))
        else:
            return None
        routed = table.get(key)
        if routed is None:
            return Route(name=key, run=partial(_fail, UserError(STALE)))
        return Route(name=key, run=partial(_run_interaction, routed, event), permission=routed.permission,
                     command=routed.command)


def _interaction(
    run: Callable[[EventContext, ActionInvoked | FormSubmitted], Awaitable[None]], permission: Permission,
    needs_community: bool, command: tuple[str, ...] | None, fields: tuple[str, ...] = (),
) -> _Interaction:
    return _Interaction(run, permission, needs_community, None if command is None else typed_command(command),
                        fields)


def _add(table: dict[str, _Interaction], key: str, routed: _Interaction) -> None:
    if key in table:
        raise ValueError(f"{key} is already routed")
    table[key] = routed


async def _run_shortcut(shortcut: Shortcut, event: ShortcutInvoked, ctx: EventContext) -> None:
    await shortcut.handler(ctx, event)


async def _run_interaction(routed: _Interaction, event: ActionInvoked | FormSubmitted, ctx: EventContext) -> None:
    if routed.needs_community and ctx.community is None:
        raise UserError(NOT_A_COMMUNITY)
    await routed.run(ctx, event)


def _authorised(ctx: EventContext, raw: str, kind: str, stale: Msg, route: str) -> ActionRef:
    """The reference of `kind` in `raw`, minted for the click's workspace and naming the community of the channel the
    click came from. Raises the `UserError`s `on_action` names; never lets anything else out."""
    if ctx.workspace is None:
        raise UserError(stale)
    ref = ctx.refs.read(raw, ctx.workspace.id, kind)
    if ref is None:
        raise UserError(stale)
    if ctx.community is None:
        raise UserError(NOT_A_COMMUNITY)
    if ref.community_id != ctx.community.id:
        log.info("a click on %s names another community than its channel's; refused", route)
        raise UserError(ELSEWHERE, hint=ELSEWHERE_HINT)
    return ref


