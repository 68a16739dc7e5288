"""The `hearth` command: the entry point, and the only place that reads `.env` and the environment."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from adapters.logs import configure_logging
from adapters.settings import Settings, SettingsError
from bot.messages import Message
from bot.ports import DeliveryError
from bot.refs import ChannelRef, MemberRef, MessageRef

if TYPE_CHECKING:
    from adapters.wiring import Storage
    from bot.library.requests import Imported, ImportedItem
    from bot.ports import Clock
    from bot.tenancy import Scope

T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> int:
    """Run `hearth`; returns the process exit status."""
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env")
    return run(argv, os.environ)


def run(argv: Sequence[str] | None, env: Mapping[str, str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(env)
    except SettingsError as error:
        print(f"hearth: {error}", file=sys.stderr)
        return 2
    configure_logging(settings)
    command = args.command or "run"
    if command == "db":
        return _db(settings, args.db_command)
    if command == "library":
        return _library_import(settings, args)
    if command == "schedules":
        return asyncio.run(_schedules(settings, args.limit))
    if command == "slack":
        return _slack_manifest(args)
    if command == "discord":
        return asyncio.run(_discord(settings, args))
    if command == "demo":
        return _script(settings, _demo_lines(), as_json=args.json, database_url=args.database_url)
    if command == "console" and args.script:
        try:
            lines = Path(args.script).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            print(f"hearth: cannot read the script {args.script}: {error.strerror}", file=sys.stderr)
            return 2
        return _script(settings, lines, as_json=args.json, database_url=args.database_url)
    if command == "run" and (settings.slack is not None or settings.discord is not None):
        from adapters.run import run_until_stopped

        try:
            return asyncio.run(run_until_stopped(settings))
        except SettingsError as error:
            print(f"hearth: {error}", file=sys.stderr)
            return 2
    from adapters.console.runner import run_interactive

    return asyncio.run(run_interactive(settings))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth keeps communities of practice alive in Slack and Discord."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start Hearth (the console workspace when no platform is configured)")
    console = sub.add_parser("console", help="a simulated workspace in the terminal")
    console.add_argument("--script", metavar="FILE", help="run a transcript instead of reading the keyboard")
    console.add_argument("--json", action="store_true", help="print one JSON object per thing Hearth does")
    console.add_argument(
        "--database-url", help="run the script on this database instead of a fresh temporary one"
    )
    demo = sub.add_parser("demo", help="play a transcript that shows what Hearth can do")
    demo.add_argument("--json", action="store_true", help="print one JSON object per thing Hearth does")
    demo.add_argument("--database-url", help=argparse.SUPPRESS)
    schedules = sub.add_parser("schedules", help="what is scheduled next, and recent deliveries and failures")
    schedules.add_argument("--limit", type=int, default=30, help="how many upcoming schedules to list")
    slack = sub.add_parser("slack", help="Slack set-up")
    slack_sub = slack.add_subparsers(dest="slack_command", required=True)
    manifest = slack_sub.add_parser("manifest", help="print the app manifest to create Hearth's Slack app with")
    manifest.add_argument("--url", help="Hearth's public https address, for HTTP mode (e.g. https://hearth.example.org)")
    manifest.add_argument("--socket-mode", action="store_true", help="for Socket Mode: no public address needed")
    manifest.add_argument(
        "--activity-events", action="store_true",
        help="also subscribe to message events (needs the channels:history scope) for activity nudges",
    )
    discord = sub.add_parser("discord", help="Discord set-up")
    discord_sub = discord.add_subparsers(dest="discord_command", required=True)
    sync = discord_sub.add_parser(
        "sync", help="register Hearth's slash and message commands with Discord (in DISCORD_GUILD_ID when set)"
    )
    sync.add_argument("--global", dest="everywhere", action="store_true",
                      help="register them globally even when DISCORD_GUILD_ID is set")
    invite = discord_sub.add_parser("invite", help="print the link that adds Hearth to a server")
    invite.add_argument("--application-id", help="the application id (otherwise Hearth asks Discord with the token)")
    invite.add_argument("--scheduled-events", action="store_true",
                        help="also ask for Manage Events, to mirror meetings as Discord events")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("db_command", choices=("upgrade", "current"), help="upgrade the schema, or show its revision")
    library = sub.add_parser("library", help="a community's library")
    library_sub = library.add_subparsers(dest="library_command", required=True)
    imports = library_sub.add_parser(
        "import", help="add the bookmarks of a file (browsers' and linkding's HTML, CSV, linkding's JSON, Hearth's "
                       "own exports) to a community's library")
    imports.add_argument("file", metavar="FILE", help="the bookmark file")
    imports.add_argument("--workspace", required=True, help="the workspace: its platform id or its name")
    imports.add_argument("--community", required=True, help="the community: its name or its channel's id")
    imports.add_argument("--member", help=f"the platform id of the member the items are saved by (otherwise "
                                          f"{IMPORTER!r}, which is no member)")
    return parser


def _script(settings: Settings, lines: list[str], *, as_json: bool, database_url: str | None) -> int:
    from adapters.console.runner import run_script

    if database_url:
        try:
            settings = Settings.from_env({"DATABASE_URL": database_url})
        except SettingsError as error:
            print(f"hearth: {error}", file=sys.stderr)
            return 2
        return asyncio.run(run_script(settings, lines, as_json=as_json))
    with tempfile.TemporaryDirectory(prefix="hearth-console-") as folder:
        fresh = replace(settings, database_url=f"sqlite:///{Path(folder) / 'console.db'}", db_pool_size=None)
        return asyncio.run(run_script(fresh, lines, as_json=as_json))


def _demo_lines() -> list[str]:
    from adapters.console.runner import DEMO

    return DEMO.read_text(encoding="utf-8").splitlines()


async def _schedules(settings: Settings, limit: int) -> int:
    from adapters.schedules_report import print_schedules
    from adapters.wiring import build_hearth

    hearth = await build_hearth(settings, messenger=ReadOnlyMessenger())
    try:
        await print_schedules(hearth, hearth.storage.ledger, sys.stdout, limit=limit)
    finally:
        await hearth.close()
    return 0


def _slack_manifest(args: argparse.Namespace) -> int:
    from adapters.slack.manifest import build_manifest, manifest_json
    from bot.catalogs import Catalogs
    from commands.catalog import build_catalog

    if not args.socket_mode and not args.url:
        print("hearth: give --url https://your-hearth-address for HTTP mode, or --socket-mode.", file=sys.stderr)
        return 2
    try:
        manifest = build_manifest(
            build_catalog(), Catalogs.load(), request_url=args.url, socket_mode=args.socket_mode,
            activity_events=args.activity_events,
        )
    except ValueError as error:
        print(f"hearth: {error}", file=sys.stderr)
        return 2
    print(manifest_json(manifest))
    return 0


async def _discord(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.discord.tools import invite, sync

    if args.discord_command == "invite" and args.application_id:
        return invite(settings, args.application_id, scheduled_events=args.scheduled_events)
    if settings.discord is None:
        print("hearth: set DISCORD_TOKEN first (the Bot page of the Discord application); see docs/discord.md.",
              file=sys.stderr)
        return 2
    if args.discord_command == "sync":
        from adapters.wiring import open_storage

        storage = await open_storage(settings)
        try:
            return await sync(settings, storage.platform_state, everywhere=args.everywhere)
        finally:
            await storage.close()
    return await invite_from_login(settings, scheduled_events=args.scheduled_events)


async def invite_from_login(settings: Settings, *, scheduled_events: bool) -> int:
    from adapters.discord.tools import application_id, invite

    found = await application_id(settings)
    if found is None:
        return 2
    return invite(settings, found, scheduled_events=scheduled_events)


class ReadOnlyMessenger:
    """For commands that only look: any attempt to post is refused."""

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        raise DeliveryError("this command only reads; it posts nothing")

    async def send_direct(self, member: MemberRef, message: Message) -> MessageRef:
        raise DeliveryError("this command only reads; it posts nothing")

    async def send_ephemeral(self, channel: ChannelRef, member: MemberRef, message: Message) -> None:
        raise DeliveryError("this command only reads; it posts nothing")

    async def update(self, ref: MessageRef, message: Message) -> None:
        raise DeliveryError("this command only reads; it posts nothing")


# Who saves imported items when no --member is given: no member of the workspace (so it is in no roster and
# nobody's own saves), and named so that "saved by @hearth-import" says where the items came from.
IMPORTER = "hearth-import"


def _library_import(settings: Settings, args: argparse.Namespace) -> int:
    """`hearth library import`: the file's bookmarks into the community's library, all or nothing; one line says
    what was done, or what is wrong (exit status 1). The file is read before the database is opened."""
    from zoneinfo import ZoneInfo

    from adapters.console.render import render_text
    from bot.catalogs import Catalogs
    from bot.clock import SystemClock
    from bot.errors import UserError
    from bot.i18n import Msg, _, _n, render
    from bot.library.imports import read_bookmarks
    from bot.messages import UserText

    clock = SystemClock()
    translator = Catalogs.load()

    def said(message: Msg) -> str:
        return render_text(render(translator, settings.language, message), ZoneInfo(settings.timezone), clock.now())

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"hearth: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    try:
        items = read_bookmarks(data, name=path.name)
        name, done = asyncio.run(_import(settings, clock, items, args))
    except UserError as error:
        print("hearth: " + said(error.message), file=sys.stderr)
        if error.hint is not None:
            print(said(error.hint), file=sys.stderr)
        return 1
    print(said(_n("Imported {n} item into {community}: {new}, {known}, {duplicates}.",
                  "Imported {n} items into {community}: {new}, {known}, {duplicates}.", done.items,
                  community=UserText(name), new=_("{n} new", n=done.added),
                  known=_n("{n} already there", "{n} already there", done.known),
                  duplicates=_n("{n} duplicate in the file", "{n} duplicates in the file", done.duplicates))))
    return 0


async def _import(settings: Settings, clock: Clock, items: Sequence[ImportedItem],
                  args: argparse.Namespace) -> tuple[str, Imported]:
    """The import into the database: the community's name and what was done."""
    from adapters.wiring import open_storage
    from bot.library.requests import ImportItems
    from bot.library.service import LibraryService

    storage = await open_storage(settings)
    try:
        scope = await _import_scope(storage, args.workspace, args.community, args.member)
        done = await LibraryService(storage.uow, clock).import_items(ImportItems(scope, tuple(items)))
    finally:
        await storage.close()
    assert scope.community is not None
    return scope.community.name, done


async def _import_scope(storage: Storage, workspace_named: str, community_named: str, member_id: str | None) -> Scope:
    """Who imports, and where: the workspace by its platform id or name, the community by its name or channel,
    the member by their platform id (else `IMPORTER`); as the operator, with a workspace admin's say."""
    from bot.errors import UserError
    from bot.i18n import _
    from bot.messages import UserText
    from bot.refs import Platform
    from bot.tenancy import Member, Role, Scope

    async with storage.uow(read_only=True) as uow:
        workspaces = [found for platform in Platform for found in await uow.workspaces.on_platform(platform)]
        matches = _named(workspaces, workspace_named, lambda found: (found.ref.id, found.name))
        if len(matches) != 1:
            raise UserError(_("There is no workspace {workspace}: give its platform id or its name.",
                              workspace=UserText(workspace_named)) if not matches else
                            _("Several workspaces are called {workspace}: give its platform id.",
                              workspace=UserText(workspace_named)))
        workspace = matches[0]
        communities = _named(await uow.communities.list(workspace.id), community_named.removeprefix("#"),
                             lambda found: (found.channel.id.removeprefix("#"), found.name))
        if len(communities) != 1:
            raise UserError(_("There is no community {community} in {workspace}: give its name or its channel.",
                              community=UserText(community_named), workspace=UserText(workspace.name))
                            if not communities else
                            _("Several communities of {workspace} are called {community}: give its channel.",
                              community=UserText(community_named), workspace=UserText(workspace.name)))
        if member_id is None:
            member = Member(id=0, workspace_id=workspace.id, ref=MemberRef(workspace.ref, IMPORTER),
                            display_name="Hearth import", role=Role.FACILITATOR)
        else:
            found = await uow.members.get(workspace.id, MemberRef(workspace.ref, member_id))
            if found is None:
                raise UserError(_("There is no member {member} in {workspace}: give their platform id.",
                                  member=UserText(member_id), workspace=UserText(workspace.name)))
            member = found
    return Scope(workspace, member, communities[0], is_admin=True)


def _named(candidates: Sequence[T], wanted: str, names: Callable[[T], tuple[str, str]]) -> list[T]:
    """The candidates whose id is `wanted`, else those of that name, else of that name in another case."""
    return ([found for found in candidates if names(found)[0] == wanted]
            or [found for found in candidates if names(found)[1] == wanted]
            or [found for found in candidates if names(found)[1].casefold() == wanted.casefold()])


def _db(settings: Settings, action: str) -> int:
    from storage.migrate import current_revision, upgrade

    if action == "upgrade":
        upgrade(settings.database_url)
        print(f"The database ({settings.describe_database()}) is up to date: {current_revision(settings.database_url)}")
        return 0
    print(current_revision(settings.database_url) or "empty: run hearth db upgrade")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
