"""The command catalogue: every command, button, form and shortcut Hearth knows, each family's summary, and the
home's sections. Help, the Discord application commands and the Slack manifest are generated from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core import EventHandler
from bot.home import HomeSections
from bot.i18n import Msg
from commands import hearth, library, meeting, nudge, poll
from commands.help import add_family_help
from commands.registry import Registry
from commands.router import InteractionRouter


@dataclass(slots=True)
class Catalog:
    """What members can run and click, by family, and what the home shows."""

    registry: Registry = field(default_factory=Registry)
    interactions: InteractionRouter = field(default_factory=InteractionRouter)
    families: dict[str, Msg] = field(default_factory=dict)
    home: HomeSections = field(default_factory=HomeSections)
    # Handlers of what members do beside commands, buttons and forms (a reaction that saves to the library).
    events: list[EventHandler] = field(default_factory=list)


def build_catalog() -> Catalog:
    """Every family registered, each with its own `help` subcommand: pure data, the same in every process (help,
    manifests, application commands)."""
    catalog = Catalog()
    hearth.register(catalog.registry, catalog.interactions)
    catalog.families.update(hearth.FAMILY_SUMMARIES)
    meeting.register(catalog.registry, catalog.interactions)
    catalog.families.update(meeting.FAMILY_SUMMARIES)
    catalog.home.add(meeting.home_section)
    poll.register(catalog.registry, catalog.interactions)
    catalog.families.update(poll.FAMILY_SUMMARIES)
    catalog.home.add(poll.home_section)
    library.register(catalog.registry, catalog.interactions)
    catalog.families.update(library.FAMILY_SUMMARIES)
    catalog.home.add(library.home_section)
    catalog.events.append(library.ReactionSaves())
    nudge.register(catalog.registry, catalog.interactions)
    catalog.families.update(nudge.FAMILY_SUMMARIES)
    add_family_help(catalog.registry)
    return catalog
