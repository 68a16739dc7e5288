"""The short, ordered list of rules every event passes before its handlers run."""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.community.requests import ListFacilitators
from bot.context import EventContext
from bot.erasure import cancel_erasure, restore_returning
from bot.errors import RateLimited, UserError
from bot.events import Actor, AppInstalled, AppRemoved, MemberLeft, MessagePosted, ReactionAdded, workspace_of
from bot.i18n import _, _n
from bot.permissions import Permission, facilitators_only
from bot.ports import AlreadyExists, Resolved, UnitOfWork
from bot.ratelimit import RateLimiter
from bot.refs import MemberRef
from bot.tenancy import Member, Role, Workspace
from bot.text_limits import DISPLAY_NAME, WORKSPACE_NAME, platform_name, readable_id

log = logging.getLogger("hearth.middleware")

Next = Callable[[], Awaitable[None]]
Middleware = Callable[[EventContext, Next], Awaitable[None]]


async def ignore_bots(ctx: EventContext, call_next: Next) -> None:
    """Bots, Hearth itself included, never trigger Hearth."""
    actor = getattr(ctx.event, "actor", None)
    if actor is not None and actor.is_bot:
        return
    await call_next()


async def resolve_community(ctx: EventContext, call_next: Next) -> None:
    """Find (or record) the workspace and member, and the community served in the event's channel.

    Served by the directory when there is nothing to record; otherwise one unit of work reads and records.
    """
    event = ctx.event
    member = _member_ref(ctx)
    if not _readable_references(ctx, member):
        if isinstance(event, (MemberLeft, AppRemoved, AppInstalled)):
            log.warning("ignored %s: the platform sent an id longer than Hearth keeps", type(event).__name__)
            return
        raise UserError(UNREADABLE_EVENT)
    found = await ctx.uow.directory.resolve(workspace_of(event), member, ctx.channel)
    if (isinstance(event, (MessagePosted, ReactionAdded)) and found.community is None
            and not any(route.interactive for route in ctx.routes)):
        return  # a message or reaction outside every community: nothing to record, and nobody to remember
    if _nothing_to_record(ctx, found):
        ctx.workspace, ctx.member, ctx.community = found.workspace, found.member, found.community
        await call_next()
        return
    returned = False
    async with ctx.unit_of_work() as uow:
        ctx.workspace = await _workspace(uow, ctx)
        if isinstance(event, MemberLeft):
            ctx.member = await uow.members.get(ctx.workspace.id, event.member)
        elif isinstance(event, AppInstalled):
            ctx.workspace, returned = await restore_returning(uow, ctx.workspace)
        elif not isinstance(event, AppRemoved):
            ctx.member = await _member(uow, ctx, ctx.workspace)
            # Members using Hearth here again: it was reinstalled inside the grace period.
            ctx.workspace, returned = await restore_returning(uow, ctx.workspace)
        channel = ctx.channel
        if channel is not None:
            ctx.community = await uow.communities.get_by_channel(ctx.workspace.id, channel)
        await uow.commit()
    if returned:
        await cancel_erasure(ctx.scheduler, ctx.workspace.id)
    await call_next()


UNREADABLE_EVENT = _(
    "Hearth cannot read where this came from: the platform sent an id longer than Hearth keeps. Try again "
    "from the channel; if it keeps happening, tell whoever runs Hearth for your workspace."
)


def _readable_references(ctx: EventContext, member: MemberRef | None) -> bool:
    """Whether the workspace, member and channel ids the platform sent are ids Hearth can store
    (`bot.text_limits.PLATFORM_ID`); they are checked here, where they enter the core, before any query."""
    ids = [workspace_of(ctx.event).id]
    if member is not None:
        ids.append(member.id)
    if ctx.channel is not None:
        ids.append(ctx.channel.id)
    return all(readable_id(ident) for ident in ids)


def _display_name(actor: Actor) -> str:
    """The member's name as the platform gave it, as Hearth keeps it (`bot.text_limits.platform_name`)."""
    return platform_name(actor.display_name, DISPLAY_NAME)


def _member_ref(ctx: EventContext) -> MemberRef | None:
    event = ctx.event
    if isinstance(event, MemberLeft):
        return event.member
    if isinstance(event, (AppRemoved, AppInstalled)):
        return None
    return event.actor.member


def _nothing_to_record(ctx: EventContext, found: Resolved) -> bool:
    """Whether `found` is all the event needs, with no workspace, member or name to record and no return."""
    event = ctx.event
    if found.workspace is None:
        return False
    if isinstance(event, (MemberLeft, AppRemoved)):
        return True
    if found.workspace.removed_at is not None:
        return False
    if isinstance(event, AppInstalled):
        return True
    if found.member is None:
        return False
    if event.actor.display_name == found.member.display_name:
        return True  # the name as stored: cleaning it again changes nothing (every event of a known member)
    name = _display_name(event.actor)
    return not name or name == found.member.display_name


async def _workspace(uow: UnitOfWork, ctx: EventContext) -> Workspace:
    ref = workspace_of(ctx.event)
    found = await uow.workspaces.get(ref)
    name = platform_name(str(getattr(ctx.event, "workspace_name", "")), WORKSPACE_NAME) or ref.id
    if found is not None:
        return found
    try:
        return await uow.workspaces.add(ref, name, ctx.clock.now())
    except AlreadyExists:  # another event recorded it a moment ago
        again = await uow.workspaces.get(ref)
        assert again is not None
        return again


async def _member(uow: UnitOfWork, ctx: EventContext, workspace: Workspace) -> Member:
    actor = ctx.event.actor  # type: ignore[union-attr]
    name = _display_name(actor)
    found = await uow.members.get(workspace.id, actor.member)
    if found is None:
        try:
            return await uow.members.add(
                workspace.id, actor.member, display_name=name, role=Role.MEMBER,
                at=ctx.clock.now(),
            )
        except AlreadyExists:
            found = await uow.members.get(workspace.id, actor.member)
            assert found is not None
    if name and name != found.display_name:
        found = replace(found, display_name=name)
        await uow.members.update(found)
    return found


def rate_limit(limiter: RateLimiter) -> Middleware:
    """Members who send commands too fast are asked to wait; passive events are never limited."""

    async def middleware(ctx: EventContext, call_next: Next) -> None:
        actor = getattr(ctx.event, "actor", None)
        if actor is not None and any(route.interactive for route in ctx.routes):
            wait = limiter.take(actor.member)
            if wait is not None:
                seconds = max(1, math.ceil(wait.total_seconds()))
                raise RateLimited(
                    _n(
                        "You are sending commands faster than Hearth can follow. Try again in {n} second.",
                        "You are sending commands faster than Hearth can follow. Try again in {n} seconds.",
                        seconds,
                    )
                )
        await call_next()

    return middleware


async def check_permission(ctx: EventContext, call_next: Next) -> None:
    """Facilitator-only routes are refused, with the names of who can do it."""
    for route in ctx.routes:
        await ensure_permission(ctx, route.permission, route.command)
    await call_next()


async def ensure_permission(ctx: EventContext, permission: Permission, action: str | None) -> None:
    """Raise `PermissionDenied`, naming who can (and `action`, the command as members type it, when there is
    one), unless the member holds `permission`.

    For handlers whose permission depends on the arguments (showing settings is for anyone, changing them is
    for facilitators).
    """
    if permission is Permission.ANYONE:
        return
    actor = getattr(ctx.event, "actor", None)
    if (ctx.member is not None and ctx.member.is_facilitator) or (actor is not None and actor.is_admin):
        return
    # Only events with a member (commands, clicks, forms) have routes that need more than ANYONE.
    assert ctx.member is not None
    facilitators = await ctx.services.community.list_facilitators(ListFacilitators(ctx.scope))
    if permission is Permission.SETUP and not facilitators:
        return  # the first member to set Hearth up in a workspace becomes its facilitator
    raise facilitators_only(action, facilitators)
