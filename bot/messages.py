"""The outbound message model that every adapter renders.

Text is a sequence of inline parts. Plain `str` parts are Hearth's own (translated) words and may use the
neutral markup `**bold**` and `` `code` ``; `UserText` is anything a person typed or a platform
named, and adapters always escape it, so no user input can become a mention, a broadcast or a fake link.
`Timestamp` is rendered natively by each adapter so every reader sees their own local time.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from bot.refs import ChannelRef, MemberRef, MessageRef


@dataclass(frozen=True, slots=True)
class UserText:
    """Text that came from a person or a platform: always escaped when rendered."""

    value: str


class TimestampStyle(enum.StrEnum):
    """How a `Timestamp` is shown."""

    DATE = "date"  # Tuesday 31 March 2026
    TIME = "time"  # 15:00
    DATETIME = "datetime"  # Tuesday 31 March 2026 15:00
    RELATIVE = "relative"  # in 3 days


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A moment shown in each reader's own time zone. `at` must be time-zone aware.

    `language` is the reader's, for the places where a platform cannot show the moment natively; translating the
    message that holds it sets it (see `bot.i18n.render`), and `bot.dates` writes it out.
    """

    at: datetime
    style: TimestampStyle = TimestampStyle.DATETIME
    language: str = "en"

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("Timestamp needs an aware datetime")


@dataclass(frozen=True, slots=True)
class MemberMention:
    """A mention of a member; adapters render it without notifying anyone else."""

    member: MemberRef


@dataclass(frozen=True, slots=True)
class ChannelMention:
    """A link to a channel."""

    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink. The label is escaped like `UserText`; the url must be http(s)."""

    url: str
    label: str | UserText = ""


Inline = str | UserText | Timestamp | MemberMention | ChannelMention | Link


@dataclass(frozen=True, slots=True)
class Text:
    """A run of inline parts."""

    parts: tuple[Inline, ...] = ()

    @classmethod
    def of(cls, *parts: Inline | Text) -> Text:
        flat: list[Inline] = []
        for part in parts:
            if isinstance(part, Text):
                flat.extend(part.parts)
            else:
                flat.append(part)
        return cls(tuple(flat))

    def __add__(self, other: Text | Inline) -> Text:
        return Text.of(self, other)

    def __iter__(self) -> Iterator[Inline]:
        return iter(self.parts)

    def __bool__(self) -> bool:
        return any(part != "" for part in self.parts)


def join(texts: Iterable[Text | Inline], separator: str = ", ") -> Text:
    """Join texts with a trusted separator."""
    parts: list[Inline | Text] = []
    for index, text in enumerate(texts):
        if index:
            parts.append(separator)
        parts.append(text)
    return Text.of(*parts)


@dataclass(frozen=True, slots=True)
class Heading:
    text: Text


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: Text


@dataclass(frozen=True, slots=True)
class Field:
    label: Text
    value: Text


@dataclass(frozen=True, slots=True)
class Fields:
    """Label and value pairs, shown as a compact table."""

    items: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """Small print under a message (hints, provenance)."""

    text: Text


@dataclass(frozen=True, slots=True)
class Divider:
    pass


class ButtonStyle(enum.StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Button:
    """A button. `action_id` is stable across restarts and routes the click back to the core."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str


def option_value(options: Iterable[Option], typed: str) -> str | None:
    """The value of the option a member typed, by label or value, ignoring case and spacing; None when the text
    names no option (a form's choice typed into a text input, as on Discord). Raises nothing."""
    wanted = " ".join(typed.split()).casefold()
    for option in options:
        if wanted in (" ".join(option.label.split()).casefold(), option.value.casefold()):
            return option.value
    return None


@dataclass(frozen=True, slots=True)
class Select:
    """A drop-down choice that invokes `action_id` with the chosen option's value."""

    action_id: str
    placeholder: str
    options: tuple[Option, ...]


@dataclass(frozen=True, slots=True)
class Actions:
    """A row of buttons and selects."""

    elements: tuple[Button | Select, ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message: a PNG chart, an .ics calendar, a CSV export."""

    name: str
    mime_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Image:
    """An image shown inline; its bytes travel as an attachment."""

    file: Attachment
    alt: str


Block = Heading | Paragraph | Fields | Note | Divider | Actions | Image


@dataclass(frozen=True, slots=True)
class Message:
    """Something Hearth posts.

    `ephemeral` messages are shown only to the member they answer. `thread` posts the message as a reply.
    `delivery_key` names one scheduled delivery (`Occurrence.delivery_key`): a platform that can drop a repeated
    post (Discord's message nonce) uses it, so a send retried after a crash shows once.
    """

    blocks: tuple[Block, ...]
    ephemeral: bool = False
    thread: MessageRef | None = None
    files: tuple[Attachment, ...] = ()
    delivery_key: str = ""

    @classmethod
    def text(cls, text: Text | Inline, *, ephemeral: bool = False) -> Message:
        return cls((Paragraph(Text.of(text)),), ephemeral=ephemeral)

    def buttons(self) -> tuple[Button, ...]:
        found: list[Button] = []
        for block in self.blocks:
            if isinstance(block, Actions):
                found.extend(e for e in block.elements if isinstance(e, Button))
        return tuple(found)


class FieldKind(enum.StrEnum):
    SHORT = "short"
    LONG = "long"
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.SHORT
    required: bool = True
    initial: str = ""
    options: tuple[Option, ...] = ()
    max_length: int = 2000


@dataclass(frozen=True, slots=True)
class Form:
    """A form (modal) a member fills in. Its submission returns as `FormSubmitted` with `form_id` and `state`."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str
    state: str = ""
    hints: tuple[Text, ...] = field(default=())
