"""Help, generated from the registry: `/hearth help`, `/hearth help poll`, `/hearth help meeting schedule`, and
each family's own `help` subcommand (`/meeting help`, `/meeting help move`), which answers as `/hearth help meeting`
does."""

from __future__ import annotations

import difflib
from typing import Any

from bot.context import EventContext
from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import Block, Heading, Message, Note, Paragraph, Text, UserText
from commands.context import CommandContext
from commands.registry import Registry
from commands.spec import CommandSpec, Example, Handler, Param, ParamKind
from commands.usage import flag_name, placeholder, typed_command, usage_line


def help_message(ctx: EventContext, registry: Registry, topic: str | None) -> Message:
    """The help for `topic` (a family, a group, a command, or everything), privately, in the member's language;
    a family or group is titled as members type it and described by its own summary.

    Raises `UserError` with the closest topics when `topic` names nothing.
    """
    words = tuple(word.lstrip("/").lower() for word in (topic or "").split())
    if not words:
        return _overview(ctx, registry)
    specs = _specs_for(registry, words)
    if not specs:
        raise UserError(
            _("There is no help on {topic}.", topic=UserText(" ".join(words))),
            hint=_suggestion(registry, words),
        )
    if len(specs) == 1:
        return _command_help(ctx, specs[0])
    prefix = _common_prefix(specs)
    return _group_help(ctx, prefix, specs, registry.summary(prefix))


HELP = "help"
FAMILY_HELP_SUMMARY = _("Show what these commands do, or the details of one of them.")
FAMILY_HELP_TOPIC = _("one of these commands, or nothing for all of them")


def add_family_help(registry: Registry) -> None:
    """Give every family with subcommands, and no `help` of its own, a `help [subcommand…]` subcommand that
    answers as `/hearth help <family> [subcommand…]` does. Called once every family is registered, so a family
    added later gets it too (and with it, its Discord option and its place in generated help)."""
    for family in registry.families():
        children = registry.group_children((family,))
        if children and HELP not in children:
            registry.add(CommandSpec(
                (family, HELP), FAMILY_HELP_SUMMARY, _family_help_handler(registry, family),
                params=(Param("topic", ParamKind.TEXT, FAMILY_HELP_TOPIC, greedy=True),),
                examples=(f"/{family} help", f"/{family} help {_first_command(registry, family)}"),
            ))


def _family_help_handler(registry: Registry, family: str) -> Handler:
    async def show_family_help(ctx: CommandContext, args: dict[str, Any]) -> None:
        topic = str(args.get("topic") or "").strip()
        await ctx.reply(help_message(ctx, registry, f"{family} {topic}".strip()))

    return show_family_help


def _first_command(registry: Registry, family: str) -> str:
    return next(" ".join(spec.path[1:]) for spec in registry.family(family) if len(spec.path) > 1)


def _specs_for(registry: Registry, words: tuple[str, ...]) -> list[CommandSpec]:
    every = registry.specs()
    for path in (words, ("hearth", *words)):
        exact = [spec for spec in every if spec.path == path]
        if exact:
            return exact
        below = [spec for spec in every if spec.path[: len(path)] == path]
        if below:
            return below
    return []


def _suggestion(registry: Registry, words: tuple[str, ...]) -> Msg:
    names = sorted({" ".join(spec.path) for spec in registry.specs()} | set(registry.families()))
    short = sorted({" ".join(spec.path[1:]) for spec in registry.specs() if spec.family == "hearth"})
    close = difflib.get_close_matches(" ".join(words), names + short, n=2, cutoff=0.5)
    if close:
        return _("Did you mean /hearth help {topic}? /hearth help lists everything.", topic=close[0])
    return _("/hearth help lists everything Hearth can do.")


def _overview(ctx: EventContext, registry: Registry) -> Message:
    blocks: list[Block] = [Heading(ctx.text(_("What Hearth can do")))]
    for family in registry.families():
        summary = registry.summary((family,))
        lines = [Text.of(f"`{typed_command((family,))}`")]
        if summary is not None:
            lines = [Text.of(f"`{typed_command((family,))}` — ", ctx.text(summary))]
        for spec in registry.family(family):
            lines.append(Text.of(f"\n• `{usage_line(spec, ctx.plain)}` — ", ctx.text(spec.summary)))
        blocks.append(Paragraph(Text.of(*lines)))
    blocks.append(Note(ctx.text(_("For one command: /hearth help setup, /hearth help facilitators add."))))
    return Message(tuple(blocks), ephemeral=True)


def _group_help(ctx: EventContext, prefix: tuple[str, ...], specs: list[CommandSpec], summary: Msg | None) -> Message:
    blocks: list[Block] = [Heading(Text.of(typed_command(prefix)))]
    if summary is not None:
        blocks.append(Paragraph(ctx.text(summary)))
    for spec in specs:
        blocks.append(Paragraph(Text.of(f"`{usage_line(spec, ctx.plain)}` — ", ctx.text(spec.summary))))
    return Message(tuple(blocks), ephemeral=True)


def _command_help(ctx: EventContext, spec: CommandSpec) -> Message:
    blocks: list[Block] = [Heading(Text.of(f"`{usage_line(spec, ctx.plain)}`")), Paragraph(ctx.text(spec.summary))]
    for param in spec.params:
        label = flag_name(param) if param.flag else f"<{placeholder(param, ctx.plain).removesuffix('…')}>"
        blocks.append(Paragraph(Text.of(f"`{label}` ", ctx.text(param.help))))
    if spec.examples:
        examples = "\n".join(f"`{shown_example(ctx, example)}`" for example in spec.examples)
        blocks.append(Note(Text.of(ctx.text(_("Examples:")), "\n", examples)))
    return Message(tuple(blocks), ephemeral=True)


def shown_example(ctx: EventContext, example: Example) -> str:
    """`example` as the member reads it: in their language when it has words of one."""
    return example if isinstance(example, str) else ctx.plain(example)


def _common_prefix(specs: list[CommandSpec]) -> tuple[str, ...]:
    prefix = specs[0].path
    for spec in specs[1:]:
        while spec.path[: len(prefix)] != prefix:
            prefix = prefix[:-1]
    return prefix
