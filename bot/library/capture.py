"""Saving a member's message to the library in one gesture (a reaction, a message shortcut): which reactions
save, and what of a message is saved — each of its web links, or the message itself as an idea when it has none.

The message's text reaches Hearth only because a member asked for that message to be kept; it is kept as the
item (an idea's words), never as activity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.links import checked_http_url
from bot.tenancy import LIBRARY_REACTION, Community

__all__ = ["MAX_LINKS", "REACTIONS", "Capture", "capture_of", "reaction_choice", "saves_by_reaction"]

# Each choice of `LIBRARY_REACTION` by its Slack name, with the emoji Discord and the console send.
REACTIONS = {"books": "📚", "bookmark": "🔖", "pushpin": "📌", "star": "⭐", "memo": "📝"}
# Each choice by what a reaction may carry: its name, or its emoji without the variation selector.
_BY_EMOJI = {**{name: name for name in REACTIONS},
             **{emoji.removesuffix("\ufe0f"): name for name, emoji in REACTIONS.items()}}
MAX_LINKS = 5  # links saved from one message; more are left for the member to save by hand
_LINK = re.compile(r"https?://[^\s<>\"'`|]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
_MENTION = re.compile(r"<[@#][A-Za-z0-9_-]+>")


@dataclass(frozen=True, slots=True)
class Capture:
    """What a message holds for the library: its links (each once, in order), else its words as an idea."""

    links: tuple[str, ...]
    idea: str

    @property
    def empty(self) -> bool:
        return not self.links and not self.idea


def reaction_choice(emoji: str) -> str | None:
    """The `LIBRARY_REACTION` choice `emoji` is (a Slack name such as `:books:`, or the emoji itself, with or
    without its variation selector), or None for any other reaction."""
    return _BY_EMOJI.get(emoji.strip(":").removesuffix("\ufe0f"))


def saves_by_reaction(community: Community, emoji: str) -> bool:
    """Whether `emoji` is the community's saving reaction."""
    chosen = LIBRARY_REACTION.of(community)
    return chosen in REACTIONS and reaction_choice(emoji) == chosen


def capture_of(text: str) -> Capture:
    """The links of `text` (Hearth's neutral form: links as their address, members as `<@ID>`), or its words as
    an idea when it has none."""
    links: list[str] = []
    for found in _LINK.findall(text):
        url = _trimmed(found)
        checked = checked_http_url(url)
        if checked is not None and checked not in links:
            links.append(checked)
    if links:
        return Capture(tuple(links[:MAX_LINKS]), "")
    return Capture((), " ".join(_MENTION.sub("", text).split()))


def _trimmed(url: str) -> str:
    """A link found in running text without the punctuation that ends its sentence (a closing bracket only when
    the link opened none)."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url
