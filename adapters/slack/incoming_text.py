"""Slack's escaped text, as members' commands and messages arrive, read into typed pieces in one pass.

Slack sends what a member typed with `&`, `<` and `>` as entities, and everything it parsed as `<…>` tokens:
`<@U123|ana>` a member, `<#C123|data>` a channel, `<https://x.org|label>` a link, `<!here>` a broadcast. One
regular expression walks the raw text once and finds each token and each entity; what lies between them is text,
character for character. Nothing in the text is ever treated as a marker, so no character a member types (a NUL,
`\\x01`, a `<` they typed, which arrives as `&lt;`) can make a mention, a channel or a link: only Slack's own
tokens do.

`neutral` writes the pieces in the core's neutral form, where `<@ID>` and `<#ID>` are mentions. A typed `<`
right before `@` or `#` would read as one there, so it is written as `‹` (U+2039), the one character the
neutral form cannot carry as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A token: `<` up to the next `>` with neither inside (Slack escapes both in text); or one of Slack's entities.
_PIECE = re.compile(r"<([^<>]*)>|&(amp|lt|gt);")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_MEMBER = re.compile(r"@([UW][A-Z0-9]+)(?:\|.*)?", re.DOTALL)
_CHANNEL = re.compile(r"#([CG][A-Z0-9]+)(?:\|.*)?", re.DOTALL)
_LINK = re.compile(r"(https?://[^|]+)(?:\|.*)?", re.DOTALL)
# In the neutral form these open a mention or a channel; text never may.
_OPENS_TOKEN = re.compile(r"<(?=[@#])")
NEUTRAL_LT = "\u2039"


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Characters as the member typed them (entities already read)."""

    text: str


@dataclass(frozen=True, slots=True)
class MemberPiece:
    """A real Slack member mention, `<@U…>`."""

    member_id: str


@dataclass(frozen=True, slots=True)
class ChannelPiece:
    """A real Slack channel link, `<#C…>`."""

    channel_id: str


@dataclass(frozen=True, slots=True)
class LinkPiece:
    """A link Slack made, `<https://…|label>`; only its address is kept."""

    url: str


Piece = TextPiece | MemberPiece | ChannelPiece | LinkPiece


def slack_pieces(text: str) -> list[Piece]:
    """`text` (as Slack sends it) as pieces, adjacent text joined. Broadcasts and other `<!…>` tokens are left
    out (they are not arguments); any other token Hearth does not know (`<mailto:a@b.org|a@b.org>`) is text, as
    it came. Raises nothing, for any string."""
    pieces: list[Piece] = []
    typed: list[str] = []  # text since the last token, joined once a token (or the end) comes
    position = 0
    for found in _PIECE.finditer(text):
        typed.append(text[position:found.start()])
        position = found.end()
        if found.group(2) is not None:
            typed.append(_ENTITIES[found.group(2)])
            continue
        token = _token(found.group(1))
        if isinstance(token, str):
            typed.append(token)
        else:
            _flush(pieces, typed)
            pieces.append(token)
    typed.append(text[position:])
    _flush(pieces, typed)
    return pieces


def neutral(pieces: Iterable[Piece]) -> str:
    """`pieces` in the core's neutral form: `<@ID>`, `<#ID>`, links as their address, text as typed except a `<`
    before `@` or `#`, written `‹`."""
    return "".join(_neutral(piece) for piece in pieces)


def plain(pieces: Iterable[Piece]) -> str:
    """The text of `pieces` alone, as typed (mentions, channels and links left out)."""
    return "".join(piece.text for piece in pieces if isinstance(piece, TextPiece))


def _neutral(piece: Piece) -> str:
    if isinstance(piece, TextPiece):
        return _OPENS_TOKEN.sub(NEUTRAL_LT, piece.text)
    if isinstance(piece, MemberPiece):
        return f"<@{piece.member_id}>"
    if isinstance(piece, ChannelPiece):
        return f"<#{piece.channel_id}>"
    return piece.url


def _token(inside: str) -> MemberPiece | ChannelPiece | LinkPiece | str:
    """What Slack's `<inside>` token is: nothing for a broadcast, text for a token Hearth does not know."""
    if inside.startswith("!"):
        return ""
    member = _MEMBER.fullmatch(inside)
    if member:
        return MemberPiece(member.group(1))
    channel = _CHANNEL.fullmatch(inside)
    if channel:
        return ChannelPiece(channel.group(1))
    link = _LINK.fullmatch(inside)
    if link:
        return LinkPiece(link.group(1))
    return "<" + _ENTITY.sub(lambda found: _ENTITIES[found.group(1)], inside) + ">"


def _flush(pieces: list[Piece], typed: list[str]) -> None:
    text = "".join(typed)
    typed.clear()
    if text:
        pieces.append(TextPiece(text))
