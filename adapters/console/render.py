"""Plain-text rendering of Hearth's messages for the console."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.dates import format_moment
from bot.messages import (
    Actions,
    Block,
    ChannelMention,
    Divider,
    Fields,
    Heading,
    Image,
    Inline,
    Link,
    MemberMention,
    Message,
    Note,
    Paragraph,
    Select,
    Text,
    Timestamp,
    UserText,
)

# Markup markers may open in one part and close in another (`**{name}**`), so they are dropped one by one.
_MARKUP = re.compile(r"\*\*|`")


def render_text(text: Text, zone: ZoneInfo, now: datetime) -> str:
    """`text` as plain characters; times in `zone`; markup removed; user text shown as typed."""
    return "".join(_inline(part, zone, now) for part in text.parts)


def _inline(part: Inline, zone: ZoneInfo, now: datetime) -> str:
    if isinstance(part, str):
        return _MARKUP.sub("", part)
    if isinstance(part, UserText):
        return part.value
    if isinstance(part, Timestamp):
        return format_timestamp(part, zone, now)
    if isinstance(part, MemberMention):
        return f"@{part.member.id}"
    if isinstance(part, ChannelMention):
        return f"#{part.channel.id}"
    if isinstance(part, Link):
        label = part.label.value if isinstance(part.label, UserText) else part.label
        return f"{label} ({part.url})" if label else part.url
    raise TypeError(f"cannot render {part!r}")


def format_timestamp(stamp: Timestamp, zone: ZoneInfo, now: datetime) -> str:
    """`stamp` in its reader's language and in `zone`; a relative one measured from `now`."""
    return format_moment(stamp, zone, now)


def render_message(message: Message, zone: ZoneInfo, now: datetime) -> str:
    """The whole message as plain text, one block per line (buttons and files are listed separately)."""
    lines = [line for block in message.blocks if (line := _block(block, zone, now))]
    return "\n".join(lines)


def _block(block: Block, zone: ZoneInfo, now: datetime) -> str:
    if isinstance(block, (Heading, Paragraph, Note)):
        return render_text(block.text, zone, now)
    if isinstance(block, Fields):
        return "\n".join(
            f"{render_text(item.label, zone, now)}: {render_text(item.value, zone, now)}" for item in block.items
        )
    if isinstance(block, Image):
        return f"[image: {block.alt}]"
    if isinstance(block, Actions):
        selects = [e for e in block.elements if isinstance(e, Select)]
        return "\n".join(
            f"[{s.placeholder}: {' | '.join(o.label for o in s.options)}]" for s in selects
        )
    if isinstance(block, Divider):
        return "―" * 8
    raise TypeError(f"cannot render {block!r}")
