"""What Hearth keeps of a member's message or reaction: metadata only, never a word of it.

Every row belongs to a community (a message outside one is not recorded). A post starts a conversation; a reply
is a message in a thread, with the id of the thread's first message; a reaction keeps the id of the message
reacted to (in `message_id`), not the emoji, and not whether the reactor wrote that message (the platform does
not say; the reads compare members across rows instead).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ActivityKind(enum.StrEnum):
    POST = "post"
    REPLY = "reply"
    REACTION = "reaction"


@dataclass(frozen=True, slots=True)
class Activity:
    """One message or reaction of a member in a community's channel.

    `message_id` is the message's own id (a post or reply) or the id of the message reacted to (a reaction);
    `thread_id` is the thread's first message for a reply, else None. `at` is aware, in UTC. `is_question` and
    `has_links` are what the platform adapter read off the message before dropping its text; False for a
    reaction. Ids are the platform's, at most `bot.text_limits.PLATFORM_ID` characters.
    """

    workspace_id: int
    community_id: int
    member_id: int
    channel_id: str
    at: datetime
    kind: ActivityKind
    message_id: str
    thread_id: str | None = None
    is_question: bool = False
    has_links: bool = False


@dataclass(frozen=True, slots=True)
class WeekActivity:
    """One week of a community, Monday 00:00 to the next Monday 00:00 in the zone it was counted in: `start` is
    that Monday's midnight (aware, UTC). `posts` and `replies` are messages; reactions are counted apart."""

    start: datetime
    posts: int
    replies: int
    reactions: int

    @property
    def messages(self) -> int:
        """Posts and replies together: what a community's posting rhythm counts."""
        return self.posts + self.replies


@dataclass(frozen=True, slots=True)
class MemberPosts:
    """One member's messages (posts and replies) in a community over a period: how many, and the last one."""

    member_id: int
    messages: int
    last: datetime


@dataclass(frozen=True, slots=True)
class Question:
    """A post that reads as a question: where it is, who asked it (the member's id) and when."""

    channel_id: str
    message_id: str
    member_id: int
    at: datetime
