"""Hearth's messages as Slack Block Kit payloads.

Escaping. Every character that is not part of a token Hearth emits itself (`<@U1>`, `<#C1>`, `<!date^…>`,
`<https://…|label>`) goes through `escape`, so `&`, `<` and `>` typed by a member become entities and can never form
`<!channel>`, `<@U1>` or `<https://evil|docs>`. Hearth's own words are escaped too, since they may contain `<`.

A member's markup. Slack has no backslash escape. The formatting characters `*`, `_`, `~` and `` ` `` in
`UserText` get a U+200B ZERO WIDTH SPACE on both sides, between the marker and the text, so they can neither open
nor close a span, even inside Hearth's own `**…**` around them; a typed `>` at the start of a line gets one in
front so it cannot start a quote, and `@here`, `@channel`, `@everyone` get one after the `@`. The characters stay
in place for copy and paste. That invisible space is Hearth's alone: one a member typed is sent as U+2060 WORD
JOINER (invisible too), so rendered text is cut into the same pieces whatever the member typed. Every mrkdwn
object is also `verbatim`, which turns off Slack's own parsing of bare URLs, channel names and broadcast words
while Hearth's `<…>` tokens still work. `plain_text` objects (headers,
buttons, options, modal labels) are shown as typed; an invisible space after `<` and `@` keeps them inert too.

The fallback `text` of each payload is the unformatted rendering of its own blocks (mentions and dates stay tokens,
so notifications read well), cut to 3000 characters.

Action ids. Each element's `action_id` comes from `adapters.slack.action_ids`, unique in the message; adapters read
the `action_id` of a click back with `read_action_id` before routing it.

Images. An `image` block needs a public URL, which an uploaded file does not have, so an `Image` is rendered as a
context line with its alt text and the file itself is left to the uploader (`files_to_upload`).

Pagination. A payload holds at most `MAX_BLOCKS` blocks and `MAX_PAYLOAD_TEXT` characters of block text, well below
the ~13,000 at which Slack answers `msg_blocks_too_long`. A longer message becomes several payloads, posted in
order; when it does, its Actions blocks move to the end so the buttons come with the last payload. Each block
carries at most `MAX_SECTION_TEXT` characters (long paragraphs and notes are split at a line end, else a space,
never inside an entity or a token; fields are grouped to fit), except an actions block, whose options may add up to
more but never to more than one payload. Every message gives at least one payload.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC
from typing import Any, TypedDict
from urllib.parse import quote

from adapters.slack.action_ids import message_action_ids
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
    Inline,
    Link,
    MemberMention,
    Message,
    Note,
    Option,
    Paragraph,
    Select,
    Text,
    Timestamp,
    TimestampStyle,
    UserText,
)

logger = logging.getLogger(__name__)

SlackBlock = dict[str, Any]


class SlackPayload(TypedDict):
    """The `text` and `blocks` arguments of one `chat.postMessage` call."""

    text: str
    blocks: list[SlackBlock]


MAX_BLOCKS = 50
MAX_PAYLOAD_TEXT = 11_000
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_FALLBACK_TEXT = 3000
MAX_ACTION_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150

ZWSP = "\u200b"
# A link token longer than this is shown as text instead, so every token fits in any block with room to spare.
_MAX_LINK_TOKEN = 1500
_MAX_LINK_LABEL = 300
# Room for the `*` and `` ` `` that close a span at the end of a piece and reopen it at the start of the next, and
# for the invisible space that keeps a piece starting with `>` from becoming a quote.
_REOPEN = 5
SPANS = Spans(bold="*")  # member markers are wrapped in invisible spaces, so every bare `*` is Hearth's

WORD_JOINER = "\u2060"
_USER_CHARACTERS = {
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    **{ord(marker): ZWSP + marker + ZWSP for marker in "*_~`"},
    # The invisible space is Hearth's own mark in rendered text (see `_ATOM`): a member's is shown as the
    # invisible word joiner, so nothing a member types can hide Hearth's `*` inside a neutralised marker.
    ord(ZWSP): WORD_JOINER,
}
_BROADCAST = re.compile(r"@(?=here|channel|everyone)", re.IGNORECASE)
_QUOTE = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)
_HEARTH_MARKUP = re.compile(r"\*\*|`")
_SLACK_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_URL_UNSAFE = re.compile(r"[\s|<>\x00-\x1f\x7f]")
_LABEL_BREAKS = re.compile(r"[\r\n\u2028\u2029]")
# The indivisible pieces of rendered mrkdwn: a neutralised member marker, a token, an entity, or one character.
_ATOM = re.compile("\u200b(?:[*_~`]\u200b|&gt;)|@\u200b|<[^<>]*>|&(?:amp|lt|gt);|.", re.DOTALL)

# A relative fallback would be stale by the time it is read, so it names the moment instead.
_FALLBACK_STYLES = {
    TimestampStyle.DATE: TimestampStyle.DATE,
    TimestampStyle.TIME: TimestampStyle.TIME,
    TimestampStyle.DATETIME: TimestampStyle.DATETIME,
    TimestampStyle.RELATIVE: TimestampStyle.DATETIME,
}

_DATE_TOKENS = {
    TimestampStyle.DATE: "{date_long}",
    TimestampStyle.TIME: "{time}",
    TimestampStyle.DATETIME: "{date_long} {time}",
    TimestampStyle.RELATIVE: "{ago}",
}


# Inline text


def escape(text: str) -> str:
    """`text` with Slack's three control characters as entities: `&` `&amp;`, `<` `&lt;`, `>` `&gt;`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: Text) -> str:
    """`text` as Slack mrkdwn: Hearth's `**bold**` as `*bold*`, member text escaped and neutralised, natively
    rendered mentions, dates and links. Raises nothing."""
    return _render(text, markup=True)


def plain_text(text: Text) -> str:
    """`text` for a `plain_text` object, which Slack shows as is: markup removed, member text as typed,
    members as `@ID` and channels as `#ID` (their names are unknown here), dates in English UTC, links by label."""
    return "".join(_plain_inline(part) for part in text.parts)


def _render(text: Text, *, markup: bool) -> str:
    return "".join(_inline(part, markup=markup) for part in text.parts)


def _inline(part: Inline, *, markup: bool) -> str:
    if isinstance(part, str):
        return _trusted(part, markup=markup)
    if isinstance(part, UserText):
        return _neutralise(part.value)
    if isinstance(part, Timestamp):
        return _timestamp(part)
    if isinstance(part, MemberMention):
        return _mention("@", part.member.id)
    if isinstance(part, ChannelMention):
        return _mention("#", part.channel.id)
    return _link(part)


def _plain_inline(part: Inline) -> str:
    if isinstance(part, str):
        return _HEARTH_MARKUP.sub("", part)
    if isinstance(part, UserText):
        return part.value
    if isinstance(part, Timestamp):
        return timestamp_fallback(part)
    if isinstance(part, MemberMention):
        return f"@{part.member.id}"
    if isinstance(part, ChannelMention):
        return f"#{part.channel.id}"
    return _label_text(part.label) or part.url


def _trusted(part: str, *, markup: bool) -> str:
    escaped = escape(part)
    return escaped.replace("**", "*") if markup else _HEARTH_MARKUP.sub("", escaped)


def _neutralise(value: str) -> str:
    # Only a `>` that starts a line quotes; the text before a member's words may end a line, so their start counts.
    unquoted = _QUOTE.sub(lambda m: m.group(1) + ZWSP + "&gt;", value.translate(_USER_CHARACTERS))
    return _BROADCAST.sub("@" + ZWSP, unquoted)


def _mention(sigil: str, platform_id: str) -> str:
    # Only a real Slack id becomes a token: anything else could close the token early or name a broadcast.
    if _SLACK_ID.fullmatch(platform_id):
        return f"<{sigil}{platform_id}>"
    return _neutralise(sigil + platform_id)


def _timestamp(stamp: Timestamp) -> str:
    fallback = escape(timestamp_fallback(stamp))
    epoch = math.floor(stamp.at.timestamp())
    # Slack's date token takes an unsigned epoch; earlier moments keep their readable form only.
    if epoch < 0:
        return fallback
    return f"<!date^{epoch}^{_DATE_TOKENS[stamp.style]}|{fallback}>"


def timestamp_fallback(stamp: Timestamp) -> str:
    """`stamp` in its reader's language and in UTC, for clients that cannot render Slack's date token."""
    # The reader's zone is Slack's to know: its token shows their local time, the fallback names UTC.
    return format_moment(replace(stamp, style=_FALLBACK_STYLES[stamp.style]), UTC, stamp.at)


def _link(link: Link) -> str:
    url = _safe_url(link.url)
    text = _label_text(link.label)
    as_text = _neutralise(f"{text} ({link.url})" if text else link.url)
    if url is None:
        return as_text
    label = _link_label(link.label)
    token = f"<{url}|{label}>" if label else f"<{url}>"
    return token if len(token) <= _MAX_LINK_TOKEN else as_text


def _safe_url(url: str) -> str | None:
    """`url` ready for a link token, or None unless `checked_http_url` accepts it."""
    checked = checked_http_url(url)
    if checked is None:
        return None
    url = checked
    # `|` ends the URL and `>` the token, so they travel percent-encoded, as does whitespace.
    return escape(_URL_UNSAFE.sub(lambda m: quote(m.group(), errors="replace"), url))


def _label_text(label: str | UserText) -> str:
    return label.value if isinstance(label, UserText) else _HEARTH_MARKUP.sub("", label)


def _link_label(label: str | UserText) -> str:
    text = _label_text(label)
    if len(text) > _MAX_LINK_LABEL:
        text = text[: _MAX_LINK_LABEL - 1] + ELLIPSIS
    text = _LABEL_BREAKS.sub(" ", text).replace("|", "∣")
    return _neutralise(text) if isinstance(label, UserText) else escape(text)


# Cutting rendered mrkdwn


def _atoms(rendered: str) -> list[str]:
    return _ATOM.findall(rendered)


def split_mrkdwn(rendered: str, limit: int) -> list[str]:
    """`rendered` in non-blank pieces of at most `limit` characters, cut at a line end, else a space, else between
    entities and tokens; a bold or code span cut in two is closed and reopened. `limit` must exceed the longest
    token (1500)."""
    return _rebalanced(split_atoms(_atoms(rendered), limit - _REOPEN))


def _rebalanced(pieces: Iterable[Sequence[str]]) -> list[str]:
    texts: list[str] = []
    bold = code = False
    for atoms in pieces:
        opening = SPANS.opening(bold, code)
        bold, code = SPANS.after(atoms, bold, code)
        body = "".join(atoms).strip()
        if body.startswith("&gt;"):
            body = ZWSP + body
        if body:
            texts.append(opening + body + SPANS.closing(bold, code))
    return texts


def truncate_mrkdwn(rendered: str, limit: int) -> str:
    """`rendered` cut to at most `limit` characters between entities and tokens, ending in "…" and closing any open
    bold or code span."""
    if len(rendered) <= limit:
        return rendered
    kept: list[str] = []
    size, budget = 0, limit - len(ELLIPSIS) - _REOPEN
    for atom in _atoms(rendered):
        if size + len(atom) > budget:
            break
        kept.append(atom)
        size += len(atom)
    bold, code = SPANS.after(kept, False, False)
    return "".join(kept).rstrip() + ELLIPSIS + SPANS.closing(bold, code)


def _unformatted(rendered: str) -> str:
    """`rendered` without Hearth's own bold and code markers, keeping tokens (for the fallback text)."""
    return "".join(atom for atom in _atoms(rendered) if atom not in ("*", "`"))


# Text objects


def plain_text_object(text: str, limit: int) -> dict[str, Any]:
    """A `plain_text` object of `text` on one line, cut to `limit` with "…"; "…" alone when `text` is blank, since
    Slack refuses empty text."""
    line = _inert(" ".join(text.split()))
    return {"type": "plain_text", "text": cut(line or ELLIPSIS, limit), "emoji": True}


def _inert(text: str) -> str:
    # Slack shows plain text as is; an invisible space after `<` and `@` still keeps a typed `<!channel>` or `@here`
    # inert should the text ever be read as mrkdwn (a client's copy, a notification).
    return _BROADCAST.sub("@" + ZWSP, text.replace("<", "<" + ZWSP))


def mrkdwn_object(rendered: str) -> dict[str, Any]:
    """A verbatim `mrkdwn` object of already rendered text."""
    return {"type": "mrkdwn", "text": rendered, "verbatim": True}


def context_block(text: Text) -> SlackBlock | None:
    """A `context` block of `text`, cut to 3000 characters; None when `text` renders blank."""
    rendered = truncate_mrkdwn(mrkdwn(text).strip(), MAX_SECTION_TEXT)
    return {"type": "context", "elements": [mrkdwn_object(rendered)]} if rendered else None


# Blocks


def files_to_upload(message: Message) -> tuple[Attachment, ...]:
    """The files that travel beside `message`'s payloads: its attachments, then the files of its images."""
    images = tuple(block.file for block in message.blocks if isinstance(block, Image))
    return message.files + images


def _slack_blocks(block: Block, ids: UniqueIds) -> list[SlackBlock]:
    if isinstance(block, Heading):
        return _header(block.text)
    if isinstance(block, Paragraph):
        return [{"type": "section", "text": mrkdwn_object(piece)} for piece in _pieces(block.text)]
    if isinstance(block, Fields):
        return _fields(block.items)
    if isinstance(block, Note):
        return [{"type": "context", "elements": [mrkdwn_object(piece)]} for piece in _pieces(block.text)]
    if isinstance(block, Divider):
        return [{"type": "divider"}]
    if isinstance(block, Actions):
        return _actions(block.elements, ids)
    return _image(block)


def _pieces(text: Text) -> list[str]:
    return split_mrkdwn(mrkdwn(text), MAX_SECTION_TEXT)


def _header(text: Text) -> list[SlackBlock]:
    line = " ".join(plain_text(text).split())
    return [{"type": "header", "text": plain_text_object(line, MAX_HEADER_TEXT)}] if line else []


def _image(image: Image) -> list[SlackBlock]:
    block = context_block(Text.of(UserText(image.alt or image.file.name)))
    return [block] if block else []


def _field_text(item: Field) -> str:
    # The label is bold already, so its own markup is dropped rather than nested.
    label = _render(item.label, markup=False).strip()
    value = mrkdwn(item.value).strip()
    text = "\n".join(part for part in (f"*{label}*" if label else "", value) if part)
    return truncate_mrkdwn(text, MAX_FIELD_TEXT)


def _fields(items: Iterable[Field]) -> list[SlackBlock]:
    # A section carries at most 3000 characters whether as text or as fields, which keeps pagination simple.
    groups: list[list[str]] = []
    size = 0
    for text in filter(None, map(_field_text, items)):
        if not groups or len(groups[-1]) == MAX_FIELDS or size + len(text) > MAX_SECTION_TEXT:
            groups.append([])
            size = 0
        groups[-1].append(text)
        size += len(text)
    return [{"type": "section", "fields": [mrkdwn_object(text) for text in group]} for group in groups]


def _actions(elements: Iterable[Button | Select], ids: UniqueIds) -> list[SlackBlock]:
    rendered = [e for e in (_element(element, ids) for element in elements) if e is not None]
    blocks: list[SlackBlock] = []
    size = 0
    for element in rendered:
        length = block_text_length(element)
        if not blocks or len(blocks[-1]["elements"]) == MAX_ACTION_ELEMENTS or size + length > MAX_PAYLOAD_TEXT:
            blocks.append({"type": "actions", "elements": []})
            size = 0
        blocks[-1]["elements"].append(element)
        size += length
    return blocks


def _element(element: Button | Select, ids: UniqueIds) -> dict[str, Any] | None:
    if isinstance(element, Button):
        return _button(element, ids)
    return _select(element, ids)


def _claim_action_id(element: dict[str, Any], action_id: str, ids: UniqueIds) -> None:
    claimed = ids.claim(action_id)
    # Slack refuses an empty action id; without one it makes up its own.
    if claimed:
        element["action_id"] = claimed


def _button(button: Button, ids: UniqueIds) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain_text_object(button.label, MAX_BUTTON_TEXT)}
    _claim_action_id(element, button.action_id, ids)
    if button.value:
        element["value"] = _routing_value(button.value, MAX_BUTTON_VALUE)
    if button.style is not ButtonStyle.DEFAULT:
        element["style"] = button.style.value
    return element


def _select(select: Select, ids: UniqueIds) -> dict[str, Any] | None:
    if not select.options:
        logger.warning("select %.40r has no options; Slack refuses it, so it is left out", select.action_id)
        return None
    if len(select.options) > MAX_OPTIONS:
        logger.warning("select %.40r has %d options; the first %d are shown", select.action_id, len(select.options),
                       MAX_OPTIONS)
    element: dict[str, Any] = {"type": "static_select"}
    _claim_action_id(element, select.action_id, ids)
    if select.placeholder.strip():
        element["placeholder"] = plain_text_object(select.placeholder, MAX_PLACEHOLDER)
    element["options"] = [option_object(option) for option in select.options[:MAX_OPTIONS]]
    return element


def option_object(option: Option) -> dict[str, Any]:
    """A select option: label cut to 75 characters, value to 150."""
    return {"text": plain_text_object(option.label, MAX_OPTION_TEXT),
            "value": _routing_value(option.value, MAX_OPTION_VALUE)}


def _routing_value(value: str, limit: int) -> str:
    if len(value) > limit:
        logger.warning("value %.40r… is longer than Slack's %d characters; it is cut", value, limit)
    return value[:limit]


# Pagination


def block_text_length(block: Any) -> int:
    """The characters of every text object inside `block`: what counts towards a payload's text cap."""
    if isinstance(block, dict):
        if block.get("type") in ("plain_text", "mrkdwn"):
            return len(block["text"])
        return sum(block_text_length(value) for value in block.values())
    if isinstance(block, list):
        return sum(block_text_length(item) for item in block)
    return 0


def _pages(blocks: list[SlackBlock]) -> Iterator[list[SlackBlock]]:
    if len(blocks) > MAX_BLOCKS or sum(map(block_text_length, blocks)) > MAX_PAYLOAD_TEXT:
        # Buttons under the first page would sit above text they act on; they follow the whole message instead.
        blocks = [b for b in blocks if b["type"] != "actions"] + [b for b in blocks if b["type"] == "actions"]
    page: list[SlackBlock] = []
    size = 0
    for block in blocks:
        length = block_text_length(block)
        if page and (len(page) == MAX_BLOCKS or size + length > MAX_PAYLOAD_TEXT):
            yield page
            page, size = [], 0
        page.append(block)
        size += length
    if page:
        yield page


def _fallback(block: SlackBlock) -> str:
    # Plain text no longer tells Hearth's words from a member's, so all of it is neutralised for the fallback.
    if block["type"] == "header":
        return _neutralise(block["text"]["text"])
    if block["type"] == "section":
        texts = [block["text"]] if "text" in block else block["fields"]
        return "\n".join(_unformatted(text["text"]) for text in texts)
    if block["type"] == "context":
        return "\n".join(_unformatted(element["text"]) for element in block["elements"])
    if block["type"] == "actions":
        labels = (e["text"]["text"] if "text" in e else e.get("placeholder", {}).get("text", "")
                  for e in block["elements"])
        return " | ".join(_neutralise(label) for label in labels if label)
    return ""


def _fallback_text(page: Iterable[SlackBlock]) -> str:
    text = "\n".join(line for line in map(_fallback, page) if line)
    return truncate_mrkdwn(text, MAX_FALLBACK_TEXT)


def _nothing_to_show(message: Message) -> SlackBlock:
    names = ", ".join(name for file in files_to_upload(message) if (name := file.name.strip()))
    rendered = truncate_mrkdwn(_neutralise(names or ELLIPSIS), MAX_SECTION_TEXT)
    return {"type": "context", "elements": [mrkdwn_object(rendered)]}


def render_message(message: Message) -> list[SlackPayload]:
    """`message` as one or more `chat.postMessage` payloads, in posting order, each within Slack's limits.

    There is always at least one payload: a message with nothing to show (no blocks, or only blank ones) becomes a
    context line naming its files, or "…", since Slack refuses a post without text. Raises nothing for any `Message`.
    """
    ids = message_action_ids()
    blocks = [slack_block for block in message.blocks for slack_block in _slack_blocks(block, ids)]
    pages = _pages(blocks or [_nothing_to_show(message)])
    return [SlackPayload(text=_fallback_text(page), blocks=page) for page in pages]
