"""Members and a busy fortnight of activity written straight into storage, for tests of what the rounds send over a
platform's protocol (how messages are recorded is tested with the platforms' inbound events)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from adapters.wiring import Hearth
from bot.activity.model import Activity, ActivityKind
from bot.refs import MemberRef
from bot.tenancy import Community, Member, Role


async def busy_fortnight(hearth: Hearth, community: Community, refs: Sequence[MemberRef], start: datetime,
                         ) -> dict[str, Member]:
    """`refs` as members who each posted once a day in `community` for the two weeks from `start`."""
    async with hearth.uow() as uow:
        members = {}
        for ref in refs:
            member = await uow.members.get(community.workspace_id, ref)
            if member is None:
                member = await uow.members.add(community.workspace_id, ref, display_name=ref.id, role=Role.MEMBER,
                                               at=start)
            members[ref.id] = member
        await uow.activity.add_many([
            Activity(community.workspace_id, community.id, member.id, community.channel.id,
                     start + timedelta(days=day, hours=1), ActivityKind.POST, f"{member.ref.id}-{day}")
            for day in range(14) for member in members.values()])
        await uow.commit()
    return members


async def closed_since(hearth: Hearth, member: Member) -> datetime | None:
    """When a DM to `member` turned out undeliverable, as the nudges remember it."""
    async with hearth.uow(read_only=True) as uow:
        return (await uow.nudges.wishes(member.workspace_id, member.id)).dm_closed_at
