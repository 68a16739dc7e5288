"""Recording members' messages and reactions in communities' channels as activity (metadata only).

A passive handler: it matches every `MessagePosted` and `ReactionAdded`, is never rate limited, and never answers.
What happens outside a community's channel is not recorded, nor an id longer than Hearth keeps.
"""

from __future__ import annotations

import logging
from datetime import UTC

from bot.activity.model import Activity, ActivityKind
from bot.activity.writer import ActivityWriter
from bot.context import EventContext, Route
from bot.events import InboundEvent, MessagePosted, ReactionAdded
from bot.tenancy import Community, Member
from bot.text_limits import readable_id

__all__ = ["ActivityRecorder", "activity_of"]

log = logging.getLogger("hearth.activity")


class ActivityRecorder:
    """Hands the activity of each message and reaction in a community's channel to the writer."""

    def __init__(self, writer: ActivityWriter) -> None:
        self._writer = writer
        self._route = Route("activity", self._record, interactive=False)

    def match(self, event: InboundEvent) -> Route | None:
        return self._route if isinstance(event, (MessagePosted, ReactionAdded)) else None

    async def _record(self, ctx: EventContext) -> None:
        community, member, event = ctx.community, ctx.member, ctx.event
        if community is None or member is None or not isinstance(event, (MessagePosted, ReactionAdded)):
            return
        activity = activity_of(event, community, member)
        if activity is None:
            log.warning("not recorded: the platform sent a message id longer than Hearth keeps")
            return
        await self._writer.record(activity)


def activity_of(event: MessagePosted | ReactionAdded, community: Community, member: Member) -> Activity | None:
    """The row of `event` by `member` in `community`; None when a message id is not one Hearth can keep."""
    at = event.at if event.at.tzinfo is not None else event.at.replace(tzinfo=UTC)
    if isinstance(event, ReactionAdded):
        if not readable_id(event.message.id):
            return None
        return Activity(community.workspace_id, community.id, member.id, event.channel.id, at.astimezone(UTC),
                        ActivityKind.REACTION, event.message.id)
    thread = event.thread.id if event.thread is not None else None
    if not readable_id(event.message.id) or (thread is not None and not readable_id(thread)):
        return None
    return Activity(community.workspace_id, community.id, member.id, event.channel.id, at.astimezone(UTC),
                    ActivityKind.REPLY if thread is not None else ActivityKind.POST, event.message.id,
                    thread_id=thread, is_question=event.is_question, has_links=bool(event.links))
