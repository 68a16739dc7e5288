"""Hearth's messages as Discord message payloads: content, embeds, components, files and allowed mentions.

`render_message` gives `DiscordPayload`s of discord.py's own objects (`discord.Embed`, a `discord.ui.View`,
`discord.File`, `discord.AllowedMentions`), ready for a `send(...)` or an edit; it needs no client or event loop.

Escaping. Discord markdown takes a backslash before any punctuation character to mean "this character as is", so
`escape` puts one before `\\`, `*`, `_`, `~`, `` ` ``, `|`, `[`, `]`, `<`, `>` and `#` wherever they occur. `>` and
`#` only start a quote or a heading at the start of a line, but the line a member's words land on depends on the
text around them and on where a long message is cut, so they are escaped everywhere; the backslash never shows.
An escaped `<` can open no mention (`<@1>`, `<@!1>`, `<@&1>`), channel (`<#1>`), command (`</x:1>`), date (`<t:1>`)
or emoji token, and escaped brackets no masked link `[label](url)`. `@everyone` and `@here` get a U+200B ZERO WIDTH
SPACE after the `@`. `-` and `+` list markers stay as typed. Every payload also carries allowed mentions that
parse nothing (`parse: []`), so even a token that slipped through would notify no one: only the members Hearth
mentions through `MemberMention` are listed in `users`.

Code spans. Inside a Hearth `` `code` `` span Discord reads nothing, not even a backslash, so a member's words there
are written as typed except that a backtick becomes `ˋ` (U+02CB, it would close the span) and `<`, `[`, `]` and the
`@` of `@everyone`/`@here` get a U+200B after them, so the text stays inert should it ever be read outside the span.

Layout. Discord shows a message's content, then its embeds, then its components:

- Headings (`## `, one line), paragraphs, notes (Discord subtext, `-# ` on every line) and dividers (a rule of
  `─`) go to the content, in order, one block per line.
- `Fields` become an embed of inline fields (a compact table; names ≤ 256, values ≤ 1024, ≤ 25 per embed).
- An `Image` becomes an embed whose image is `attachment://<name>`, its alt text as the description, with the file
  travelling in the same payload. File names are reduced to `[A-Za-z0-9._-]` (Discord rewrites others, which would
  break the `attachment://` link) and made unique within the message.
- Text blocks that follow an embed go to the description of an embed after it, so the order is kept.
- `Actions` become action rows: up to five buttons a row, a select alone in its row, at most five rows (later rows
  are left out with a warning). Buttons and selects travel only with the last payload.
- `Message.files` travel with the last payloads, at most ten files a payload.

Pagination. Text blocks are cut into pieces of at most `MAX_PIECE` characters at a line end, else a space, never
inside an escape or a token; a bold or code span cut in two is closed and reopened. Pieces fill the content up to
2000 characters, embeds fill up to ten a payload and 6000 characters together; what does not fit starts the next
payload. Every message gives at least one payload, and `render_message` raises nothing for any `Message`.

Components. Buttons and selects carry the custom ids of `adapters.discord.custom_ids`. They are `SentButton`s and
`SentSelect`s: discord.py keeps no callback of theirs, so nothing is remembered per message sent, and every click
reaches the adapter through the DynamicItem it registers (`adapters.discord.app`).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC
from urllib.parse import quote

import discord

from adapters.discord.custom_ids import custom_id, message_custom_ids
from adapters.text_pieces import ELLIPSIS, Spans, cut, split_atoms
from adapters.unique_ids import UniqueIds
from bot.dates import format_moment
from bot.links import checked_http_url
from bot.messages import (
    Actions,
    Attachment,
    Block,
    Button,
    ButtonStyle,
    ChannelMention,
    Divider,
    Field,
    Fields,
    Heading,
    Image,
    Link,
    MemberMention,
    Message,
    Note,
    Paragraph,
    Select,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
)

logger = logging.getLogger(__name__)

@dataclass(frozen=True, slots=True)
class DiscordPayload:
    """One message to send: the arguments of a discord.py `send(...)`. `content` is "" when the message has none;
    `view` holds the components, on the last payload of a message only."""

    content: str
    embeds: list[discord.Embed]
    view: discord.ui.View | None
    files: list[discord.File]
    ephemeral: bool
    allowed_mentions: discord.AllowedMentions


MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_EMBED_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FILES = 10
MAX_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_BUTTON_LABEL = 80
MAX_OPTIONS = 25
MAX_OPTION_LABEL = 100
MAX_OPTION_VALUE = 100
MAX_PLACEHOLDER = 150
MAX_MENTIONED_USERS = 100
MAX_HEADING = 256
# A text piece leaves room in the content for the `-# ` of a note and for the line ends between pieces.
MAX_PIECE = 1900

ZWSP = "\u200b"
RULE = "─" * 16
# Room for the `**` and `` ` `` that close a span at the end of a piece and reopen it at the start of the next.
_REOPEN = 6
SPANS = Spans(bold="**")
# A link token longer than this is shown as text, so every token fits any piece with room to spare.
_MAX_LINK_TOKEN = 1000
_MAX_LINK_LABEL = 200
# An embed of fields stays below the 6000 characters all the embeds of a message may hold together.
_MAX_FIELDS_EMBED = 5500

BUTTON_STYLES = {ButtonStyle.PRIMARY: discord.ButtonStyle.primary, ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
                 ButtonStyle.DANGER: discord.ButtonStyle.danger}
TIMESTAMP_STYLES = {
    TimestampStyle.DATE: "D",
    TimestampStyle.TIME: "t",
    TimestampStyle.DATETIME: "F",
    TimestampStyle.RELATIVE: "R",
}

_MARKDOWN = re.compile(r"[\\*_~`|\[\]<>#]")
_BROADCAST = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_HEARTH_MARKUP = re.compile(r"\*\*|`")
_SNOWFLAKE = re.compile(r"[0-9]{1,20}")
_MEMBER_TOKEN = re.compile(r"<@([0-9]{1,20})>")
_URL_UNSAFE = re.compile(r"[\s()<>\[\]\\\x00-\x1f\x7f]")
_FILE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
# The indivisible pieces of escaped text: an escape, a neutralised `@`, or one character.
_ESCAPED_ATOM = re.compile(r"\\.|@\u200b|.", re.DOTALL)
_INERT_IN_CODE = {ord("`"): "ˋ", **{ord(bracket): bracket + ZWSP for bracket in "<[]"}}


# Inline text


def escape(text: str) -> str:
    """`text` inert in Discord markdown: every markdown character behind a backslash, `@everyone` and `@here` with
    an invisible space after the `@`. Raises nothing."""
    return _BROADCAST.sub("@" + ZWSP, _MARKDOWN.sub(lambda m: "\\" + m.group(), text))


def _inert_in_code(text: str) -> str:
    return _BROADCAST.sub("@" + ZWSP, text.translate(_INERT_IN_CODE))


def markdown(text: Text) -> str:
    """`text` as Discord markdown: Hearth's `**bold**` and `` `code` `` kept, everything else escaped, members,
    channels and dates as Discord tokens, links as masked links. A span left open is closed. Raises nothing."""
    atoms = _atoms(text)
    bold, code = SPANS.after(atoms, False, False)
    return "".join(atoms) + SPANS.closing(bold, code)


def _atoms(text: Text) -> list[str]:
    """`text` rendered as indivisible pieces. `**` and `` ` `` appear as pieces of their own only as Hearth's
    markup; a member's markers are always escaped or replaced."""
    atoms: list[str] = []
    code = False
    for part in text.parts:
        if isinstance(part, str):
            code = _hearth_atoms(part, code, atoms)
        elif isinstance(part, UserText):
            atoms.extend(_escaped_atoms(part.value, code))
        else:
            atoms.extend(_token_atoms(part, code))
    return atoms


def _hearth_atoms(part: str, code: bool, atoms: list[str]) -> bool:
    position = 0
    for match in _HEARTH_MARKUP.finditer(part):
        atoms.extend(_escaped_atoms(part[position:match.start()], code))
        atoms.append(match.group())
        if match.group() == "`":
            code = not code
        position = match.end()
    atoms.extend(_escaped_atoms(part[position:], code))
    return code


def _escaped_atoms(value: str, code: bool) -> list[str]:
    if code:
        # Inside a code span a cut may fall anywhere but inside the invisible space that follows a character.
        return re.findall("." + ZWSP + "?", _inert_in_code(value), re.DOTALL)
    return _ESCAPED_ATOM.findall(escape(value))


def _token_atoms(part: Timestamp | MemberMention | ChannelMention | Link, code: bool) -> list[str]:
    """`part` as one token, or as escaped text when it cannot be one."""
    if isinstance(part, Timestamp):
        return [f"<t:{int(part.at.timestamp() // 1)}:{TIMESTAMP_STYLES[part.style]}>"]
    if isinstance(part, MemberMention):
        return _mention("@", part.member.id, code)
    if isinstance(part, ChannelMention):
        return _mention("#", part.channel.id, code)
    token = _link(part)
    if token is not None:
        return [token]
    text = _label_text(part.label)
    return _escaped_atoms(f"{text} ({part.url})" if text else part.url, code)


def _mention(sigil: str, platform_id: str, code: bool) -> list[str]:
    # Only a snowflake becomes a token: anything else could close the token early or name a broadcast.
    if _SNOWFLAKE.fullmatch(platform_id):
        return [f"<{sigil}{platform_id}>"]
    return _escaped_atoms(sigil + platform_id, code)


def _label_text(label: str | UserText) -> str:
    text = label.value if isinstance(label, UserText) else _HEARTH_MARKUP.sub("", label)
    return " ".join(text.split())


def _link(link: Link) -> str | None:
    """`link` as a masked link, or `<url>` without a label; None when its URL is not one to link to."""
    url = _safe_url(link.url)
    if url is None:
        return None
    text = _label_text(link.label)
    if len(text) > _MAX_LINK_LABEL:
        text = text[: _MAX_LINK_LABEL - 1] + ELLIPSIS
    # Without a label the URL is wrapped in `<>`, which also keeps Discord from adding a preview.
    token = f"[{escape(text)}]({url})" if text else f"<{url}>"
    return token if len(token) <= _MAX_LINK_TOKEN else None


def _safe_url(url: str) -> str | None:
    """`url` ready for a link token, or None unless it is an absolute http(s) URL with a host and no user."""
    checked = checked_http_url(url)
    if checked is None:
        return None
    scheme, url = checked.split(":", 1)[0], checked
    # `)` and `>` end the token and whitespace ends the URL, so they travel percent-encoded, as does the `@` of a
    # broadcast word.
    rest = _BROADCAST.sub("%40", url[len(scheme):])
    return scheme + _URL_UNSAFE.sub(lambda m: quote(m.group(), errors="replace"), rest)


# Cutting rendered text


def _split(atoms: Sequence[str], limit: int) -> list[list[str]]:
    """`atoms` in groups of at most `limit - _REOPEN` characters, cut at a line end, else a space."""
    return split_atoms(atoms, limit - _REOPEN)


def _lines(atoms: Sequence[str]) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    for atom in atoms:
        if atom == "\n":
            lines.append([])
        else:
            lines[-1].append(atom)
    return lines


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    users: tuple[str, ...]


def _users(atoms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for atom in atoms if (m := _MEMBER_TOKEN.fullmatch(atom))))


def _rebalanced(groups: Iterable[Sequence[str]]) -> list[_Piece]:
    pieces: list[_Piece] = []
    bold = code = False
    for atoms in groups:
        opening = SPANS.opening(bold, code)
        bold, code = SPANS.after(atoms, bold, code)
        body = "".join(atoms).strip()
        if body:
            pieces.append(_Piece(opening + body + SPANS.closing(bold, code), _users(atoms)))
    return pieces


def _truncated(atoms: Sequence[str], limit: int) -> _Piece:
    """`atoms` cut to at most `limit` characters between atoms, ending in "…" and closing any open span."""
    if sum(map(len, atoms)) <= limit:
        kept, ellipsis = list(atoms), ""
    else:
        kept, size, budget, ellipsis = [], 0, limit - len(ELLIPSIS) - _REOPEN, ELLIPSIS
        for atom in atoms:
            if size + len(atom) > budget:
                break
            kept.append(atom)
            size += len(atom)
    bold, code = SPANS.after(kept, False, False)
    text = "".join(kept).strip()
    return _Piece(text + ellipsis + SPANS.closing(bold, code) if text or ellipsis else "", _users(kept))


def _one_line(text: Text) -> list[str]:
    return [" " if atom == "\n" else atom for atom in _atoms(text)]


# Blocks as units of a payload


@dataclass(frozen=True, slots=True)
class _EmbedUnit:
    embed: discord.Embed
    size: int
    users: tuple[str, ...] = ()
    files: tuple[Attachment, ...] = ()


_Unit = _Piece | _EmbedUnit


class _FileNames:
    """Hands out file names that are safe in an `attachment://` link and unique in the message."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, file: Attachment) -> Attachment:
        name = _FILE_NAME_UNSAFE.sub("_", file.name.strip())[-80:].lstrip(".") or "file"
        unique, number = name, 1
        while unique in self._taken:
            number += 1
            unique = f"{number}_{name}"
        self._taken.add(unique)
        return file if unique == file.name else replace(file, name=unique)


def _units(block: Block, names: _FileNames) -> list[_Unit]:
    if isinstance(block, Heading):
        heading = _truncated(_one_line(block.text), MAX_HEADING)
        return [_Piece("## " + heading.text, heading.users)] if heading.text else []
    if isinstance(block, Paragraph):
        return list(_rebalanced(_split(_atoms(block.text), MAX_PIECE)))
    if isinstance(block, Note):
        # Subtext holds one line, so every line gets its marker and spans are closed at each line end.
        groups = [group for line in _lines(_atoms(block.text)) for group in _split(line, MAX_PIECE - 3)]
        return [_Piece("-# " + piece.text, piece.users) for piece in _rebalanced(groups)]
    if isinstance(block, Divider):
        return [_Piece(RULE, ())]
    if isinstance(block, Fields):
        return list(_field_embeds(block.items))
    if isinstance(block, Image):
        return [_image_embed(block, names)]
    return []


@dataclass(frozen=True, slots=True)
class _FieldPiece:
    name: str
    value: str
    users: tuple[str, ...]


def written_dates(text: Text) -> Text:
    """`text` with its moments written out in their reader's language and in UTC, for the places where Discord
    shows a `<t:…>` token as typed (an embed field's name)."""
    return Text(tuple(_written(part) if isinstance(part, Timestamp) else part for part in text.parts))


def _written(stamp: Timestamp) -> str:
    # A relative phrase would be stale by the time it is read, so the moment itself is named.
    style = TimestampStyle.DATETIME if stamp.style is TimestampStyle.RELATIVE else stamp.style
    return format_moment(replace(stamp, style=style), UTC, stamp.at)


def _field(item: Field) -> _FieldPiece | None:
    name = _truncated(_one_line(written_dates(item.label)), MAX_FIELD_NAME)
    value = _truncated(_atoms(item.value), MAX_FIELD_VALUE)
    if not name.text and not value.text:
        return None
    # Discord refuses an empty field name or value.
    return _FieldPiece(name.text or ZWSP, value.text or ZWSP, value.users)


def _field_embeds(items: Iterable[Field]) -> Iterator[_EmbedUnit]:
    fields = [f for f in map(_field, items) if f is not None]
    group: list[_FieldPiece] = []
    size = 0
    for item in fields:
        length = len(item.name) + len(item.value)
        if group and (len(group) == MAX_FIELDS or size + length > _MAX_FIELDS_EMBED):
            yield _fields_unit(group, size)
            group, size = [], 0
        group.append(item)
        size += length
    if group:
        yield _fields_unit(group, size)


def _fields_unit(group: list[_FieldPiece], size: int) -> _EmbedUnit:
    embed = discord.Embed()
    for item in group:
        embed.add_field(name=item.name, value=item.value, inline=True)
    users = tuple(dict.fromkeys(user for item in group for user in item.users))
    return _EmbedUnit(embed, size, users)


def _image_embed(image: Image, names: _FileNames) -> _EmbedUnit:
    file = names.claim(image.file)
    alt = _truncated(_escaped_atoms(" ".join(image.alt.split()), False), MAX_EMBED_TITLE).text
    embed = discord.Embed(description=alt or None).set_image(url=f"attachment://{file.name}")
    return _EmbedUnit(embed, len(alt), (), (file,))


# Components


class SentButton(discord.ui.Button[discord.ui.View]):
    """A button as Hearth sends it: discord.py keeps nothing of it, a click reaches the adapter's DynamicItem."""

    def is_dispatchable(self) -> bool:
        return False


class SentSelect(discord.ui.Select[discord.ui.View]):
    """A select as Hearth sends it: discord.py keeps nothing of it, a choice reaches the adapter's DynamicItem."""

    def is_dispatchable(self) -> bool:
        return False


Component = SentButton | SentSelect


def _label(text: str, limit: int) -> str:
    # Component labels are shown as plain text; Discord refuses an empty one.
    return cut(" ".join(text.split()) or ELLIPSIS, limit)


def _button(button: Button, ids: UniqueIds) -> SentButton:
    return SentButton(style=BUTTON_STYLES[button.style], label=_label(button.label, MAX_BUTTON_LABEL),
                      custom_id=ids.claim(custom_id(button.action_id, button.value)))


def _select(select: Select, ids: UniqueIds) -> SentSelect | None:
    options: list[discord.SelectOption] = []
    seen: set[str] = set()
    for option in select.options:
        value = option.value[:MAX_OPTION_VALUE] or ELLIPSIS
        # Discord refuses two options with one value; the first wins.
        if value in seen:
            continue
        seen.add(value)
        options.append(discord.SelectOption(label=_label(option.label, MAX_OPTION_LABEL), value=value))
    if not options:
        logger.warning("select %.40r has no options; Discord refuses it, so it is left out", select.action_id)
        return None
    if len(options) > MAX_OPTIONS:
        logger.warning("select %.40r has %d options; the first %d are shown", select.action_id, len(options),
                       MAX_OPTIONS)
    placeholder = _label(select.placeholder, MAX_PLACEHOLDER) if select.placeholder.strip() else None
    return SentSelect(custom_id=ids.claim(select.action_id), placeholder=placeholder, options=options[:MAX_OPTIONS])


def _rows(blocks: Iterable[Block], ids: UniqueIds) -> list[list[Component]]:
    rows: list[list[Component]] = []
    for block in blocks:
        if not isinstance(block, Actions):
            continue
        buttons: list[Component] = []
        for element in block.elements:
            if isinstance(element, Button):
                if len(buttons) == MAX_BUTTONS_PER_ROW:
                    rows.append(buttons)
                    buttons = []
                buttons.append(_button(element, ids))
                continue
            select = _select(element, ids)
            if select is not None:
                if buttons:
                    rows.append(buttons)
                    buttons = []
                rows.append([select])
        if buttons:
            rows.append(buttons)
    if len(rows) > MAX_ROWS:
        logger.warning("a message has %d rows of buttons and selects; the first %d are shown", len(rows), MAX_ROWS)
    return rows[:MAX_ROWS]


def _view(blocks: Iterable[Block]) -> discord.ui.View | None:
    """The message's buttons and selects as a view without a timeout, or None when it has none."""
    rows = _rows(blocks, message_custom_ids())
    if not rows:
        return None
    view = discord.ui.View(timeout=None)
    for number, row in enumerate(rows):
        for component in row:
            component.row = number
            view.add_item(component)
    return view


# Pagination


@dataclass
class _Page:
    content: list[str] = field(default_factory=list)
    embeds: list[discord.Embed] = field(default_factory=list)
    text_embed: bool = False
    embed_size: int = 0
    files: list[Attachment] = field(default_factory=list)
    users: dict[str, None] = field(default_factory=dict)

    def content_fits(self, text: str) -> bool:
        return sum(len(line) + 1 for line in self.content) + len(text) <= MAX_CONTENT

    def is_empty(self) -> bool:
        return not (self.content or self.embeds or self.files)


class _Pages:
    def __init__(self) -> None:
        self.done: list[_Page] = []
        self.page = _Page()

    def flush(self) -> None:
        if not self.page.is_empty():
            self.done.append(self.page)
        self.page = _Page()

    def add(self, unit: _Unit) -> None:
        if isinstance(unit, _Piece):
            self._add_piece(unit)
        else:
            self._add_embed(unit)

    def _add_piece(self, piece: _Piece) -> None:
        page, text = self.page, piece.text
        if not page.embeds and page.content_fits(text):
            page.content.append(text)
        elif page.text_embed and _description_fits(page, text):
            embed = page.embeds[-1]
            embed.description = (embed.description or "") + "\n" + text
            page.embed_size += 1 + len(text)
        elif page.embeds and len(page.embeds) < MAX_EMBEDS and page.embed_size + len(text) <= MAX_EMBED_TOTAL:
            page.embeds.append(discord.Embed(description=text))
            page.text_embed = True
            page.embed_size += len(text)
        else:
            self.flush()
            self.page.content.append(text)
        self.page.users.update(dict.fromkeys(piece.users))

    def _add_embed(self, unit: _EmbedUnit) -> None:
        page = self.page
        if (len(page.embeds) == MAX_EMBEDS or page.embed_size + unit.size > MAX_EMBED_TOTAL
                or len(page.files) + len(unit.files) > MAX_FILES):
            self.flush()
            page = self.page
        page.embeds.append(unit.embed)
        page.text_embed = False
        page.embed_size += unit.size
        page.files.extend(unit.files)
        page.users.update(dict.fromkeys(unit.users))

    def add_file(self, file: Attachment) -> None:
        if len(self.page.files) == MAX_FILES:
            self.flush()
        self.page.files.append(file)


def _description_fits(page: _Page, text: str) -> bool:
    description = page.embeds[-1].description or ""
    return (len(description) + 1 + len(text) <= MAX_DESCRIPTION
            and page.embed_size + 1 + len(text) <= MAX_EMBED_TOTAL)


def _file(attachment: Attachment) -> discord.File:
    return discord.File(io.BytesIO(attachment.data), filename=attachment.name)


def _allowed_mentions(users: Iterable[str]) -> discord.AllowedMentions:
    """Nobody is notified except the members Hearth mentions on purpose."""
    listed = [discord.Object(int(user)) for user in list(users)[:MAX_MENTIONED_USERS]]
    return discord.AllowedMentions(everyone=False, roles=False, replied_user=False, users=listed or False)


def render_message(message: Message) -> list[DiscordPayload]:
    """`message` as one or more Discord payloads, in posting order, each within Discord's limits.

    The buttons and selects travel with the last payload. A message with nothing to show becomes "…", since Discord
    refuses an empty message. Raises nothing for any `Message`.
    """
    names = _FileNames()
    pages = _Pages()
    for block in message.blocks:
        for unit in _units(block, names):
            pages.add(unit)
    for file in message.files:
        pages.add_file(names.claim(file))
    pages.flush()
    done = pages.done or [_Page(content=[ELLIPSIS])]
    view = _view(message.blocks)
    return [
        DiscordPayload(
            content="\n".join(page.content),
            embeds=page.embeds,
            view=view if index == len(done) - 1 else None,
            files=[_file(file) for file in page.files],
            ephemeral=message.ephemeral,
            allowed_mentions=_allowed_mentions(page.users),
        )
        for index, page in enumerate(done)
    ]
