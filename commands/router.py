"""Routes slash commands, button clicks and form submissions to their handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot.context import EventContext, Route
from bot.errors import UserError
from bot.events import ActionInvoked, CommandInvoked, FormSubmitted, InboundEvent, ShortcutInvoked
from bot.i18n import Msg, _
from bot.permissions import Permission
from bot.tenancy import NOT_A_COMMUNITY
from commands.parser import parse_arguments, parse_options
from commands.registry import Registry
from commands.spec import CommandSpec


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
        return Route(name=f"/{spec.name}", run=partial(self._run, spec, rest), permission=spec.permission)

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


ActionHandler = Callable[[EventContext, str], Awaitable[None]]
FormHandler = Callable[[EventContext, dict[str, str], str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Interaction:
    run: Callable[[EventContext, ActionInvoked | FormSubmitted], Awaitable[None]]
    permission: Permission
    needs_community: bool
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
        self, action_id: str, handler: ActionHandler, *, permission: Permission = Permission.ANYONE,
        needs_community: bool = True,
    ) -> None:
        """Route clicks on `action_id` to `handler(ctx, value)`."""

        async def run(ctx: EventContext, event: ActionInvoked | FormSubmitted) -> None:
            assert isinstance(event, ActionInvoked)
            await handler(ctx, event.value)

        _add(self._actions, action_id, _Interaction(run, permission, needs_community))

    def on_form(
        self, form_id: str, handler: FormHandler, *, permission: Permission = Permission.ANYONE,
        needs_community: bool = True, fields: tuple[str, ...] = (),
    ) -> None:
        """Route submissions of `form_id` to `handler(ctx, values, state)`; `fields` names the form's fields."""

        async def run(ctx: EventContext, event: ActionInvoked | FormSubmitted) -> None:
            assert isinstance(event, FormSubmitted)
            await handler(ctx, dict(event.values), event.state)

        _add(self._forms, form_id, _Interaction(run, permission, needs_community, tuple(fields)))

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
        return Route(name=key, run=partial(_run_interaction, routed, event), permission=routed.permission)


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


STALE = _("That button or form no longer does anything. Run the command again to get a fresh one.")

