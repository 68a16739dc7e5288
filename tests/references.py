"""What tests need to make and inspect the references Hearth's buttons carry: a channel's community, and a
reference minted for it."""

from __future__ import annotations

from adapters.wiring import Hearth
from bot.action_refs import ActionRef
from bot.refs import ChannelRef
from bot.tenancy import Community


async def community_of(hearth: Hearth, channel: ChannelRef) -> Community:
    """The community served in `channel`, as stored."""
    async with hearth.uow(read_only=True) as uow:
        workspace = await uow.workspaces.get(channel.workspace)
        assert workspace is not None, f"Hearth knows no workspace {channel.workspace}"
        community = await uow.communities.get_by_channel(workspace.id, channel)
    assert community is not None, f"{channel} is no community"
    return community


def reference(hearth: Hearth, community: Community, kind: str, subject_id: int, *payload: int,
              workspace_id: int | None = None) -> str:
    """A reference minted by `hearth` for `subject_id` of `kind` in `community` (or, given, another workspace)."""
    workspace = community.workspace_id if workspace_id is None else workspace_id
    return hearth.refs.mint(ActionRef(workspace, community.id, kind, subject_id, tuple(payload)))
