"""Saving a message to the library in one gesture: the community's reaction (📚 unless it chose another), or the
message shortcut "Save to library" (Slack's message shortcut, Discord's message command, the console's
`shortcut`), which opens a small form for the title, tags and note first.

Each item keeps a permalink to the message it came from. A reaction's confirmation is private (a reaction is a
quiet gesture); a save through the form is announced like `/library add`.
"""

from __future__ import annotations

import re

from bot.action_refs import ActionRef
from bot.context import EventContext, Route
from bot.errors import UserError
from bot.events import InboundEvent, ReactionAdded, ShortcutInvoked
from bot.i18n import Msg, _
from bot.library.capture import Capture, capture_of, reaction_choice, saves_by_reaction
from bot.library.model import NOTE, TITLE
from bot.library.requests import Saved, SaveIdea, SaveLink
from bot.library.urls import checked_url
from bot.messages import FieldKind, Form, FormField, MemberMention, Message, Paragraph, Timestamp, TimestampStyle
from bot.ports import MessageReader
from bot.refs import MessageRef
from bot.tenancy import NOT_A_COMMUNITY
from bot.text_limits import LIBRARY_IDEA
from commands.library.items import headline, say_saved
from commands.router import InteractionRouter, Shortcut

__all__ = ["SAVE_FORM", "SAVE_SHORTCUT", "ReactionSaves", "register_capture"]

SAVE_SHORTCUT = "library.save"
SAVE_FORM = "library.save"
CAPTURE_REF = "lc"  # the kind of reference the form's state carries: the community, and the message's id
FORM_FIELDS = ("saved", "title", "tags", "note")
_SLACK_TS = re.compile(r"(\d{1,12})\.(\d{6})")
_NUMBER = re.compile(r"\d{1,19}")
_CONSOLE = re.compile(r"m(\d{1,12})")
_TAG_SPLIT = re.compile(r"[\s,]+")
_ADDRESS_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")


def register_capture(interactions: InteractionRouter) -> None:
    """The "Save to library" shortcut and its form (the reaction is `ReactionSaves`, a handler of its own)."""
    interactions.on_shortcut(Shortcut(SAVE_SHORTCUT, _("Save to library"), open_save_form))
    interactions.on_form(SAVE_FORM, save_from_form, kind=CAPTURE_REF, fields=FORM_FIELDS,
                         command=("library", "add"))


class ReactionSaves:
    """Saves the message a member reacted to with the community's saving reaction."""

    def match(self, event: InboundEvent) -> Route | None:
        if isinstance(event, ReactionAdded) and reaction_choice(event.emoji) is not None:
            return Route("library.reaction", lambda ctx: save_reacted(ctx, event))
        return None


async def save_reacted(ctx: EventContext, event: ReactionAdded) -> None:
    """The links of the message (or its words as an idea), each saved with a permalink; a private answer."""
    community = ctx.community
    if community is None or not saves_by_reaction(community, event.emoji):
        return  # another channel, or another reaction than this community's: an ordinary reaction
    reader = ctx.messenger if isinstance(ctx.messenger, MessageReader) else None
    read = await reader.read_message(event.message) if reader is not None else None
    capture = capture_of(read.text) if read is not None else Capture((), "")
    if read is None or capture.empty:
        raise UserError(_("Hearth could not read that message, so nothing was saved."),
                        hint=_("Use Save to library in the message's menu, or /library add with the address."))
    saved = await _save(ctx, capture, source=read.permalink)
    await ctx.reply(Message(tuple(Paragraph(ctx.text(_saved_line(one))) for one in saved), ephemeral=True))


async def open_save_form(ctx: EventContext, event: ShortcutInvoked) -> None:
    """The form, filled in with the message's links (or its words), for a title, tags and a note."""
    community = ctx.community
    if community is None:
        raise UserError(NOT_A_COMMUNITY)
    capture = capture_of(event.text)
    if capture.empty:
        raise UserError(_("That message has no text or link to save."),
                        hint=_("Save an idea with /library idea \"…\" instead."))
    state = ctx.refs.mint(ActionRef(community.workspace_id, community.id, CAPTURE_REF, 0,
                                    _message_numbers(event.message.id)))
    await ctx.open_form(Form(
        form_id=SAVE_FORM,
        title=ctx.plain(_("Save to library")),
        submit_label=ctx.plain(_("Save")),
        state=state,
        fields=(
            FormField("saved", ctx.plain(_("Links, one per line, or the idea") if capture.links else _("The idea")),
                      FieldKind.LONG, initial="\n".join(capture.links) or capture.idea[:LIBRARY_IDEA.most],
                      max_length=LIBRARY_IDEA.most),
            FormField("title", ctx.plain(_("Title (of a single link)")), required=False, max_length=TITLE.most),
            FormField("tags", ctx.plain(_("Tags, such as #python #testing")), required=False, max_length=600),
            FormField("note", ctx.plain(_("Note: why it is worth reading")), FieldKind.LONG, required=False,
                      max_length=NOTE.most),
        ),
    ))


async def save_from_form(ctx: EventContext, values: dict[str, str], ref: ActionRef) -> None:
    """The form sent back: what it holds, saved with the title, tags and note, and a permalink to the message."""
    assert ctx.community is not None
    if ref.subject_id != 0 or ref.community_id != ctx.community.id:
        raise UserError(_("This form belongs to another community. Open Save to library again from this channel."))
    typed = values.get("saved", "").strip()
    capture = capture_of(typed)
    if capture.empty:
        raise UserError(_("Give a link or an idea to save."))
    if not capture.links and _ADDRESS_LIKE.fullmatch(typed):
        checked_url(typed)  # one word with a scheme is an address, not an idea: refused with what to give
    message_id = _message_id(ref.payload)
    reader = ctx.messenger if isinstance(ctx.messenger, MessageReader) else None
    source = ""
    if message_id is not None and reader is not None and ctx.channel is not None:
        source = await reader.permalink(MessageRef(ctx.channel, message_id))
    saved = await _save(ctx, capture, source=source, title=values.get("title", ""),
                        tags=tuple(word for word in _TAG_SPLIT.split(values.get("tags", "")) if word),
                        note=values.get("note", ""))
    if len(saved) == 1:
        await say_saved(ctx, saved[0])
        return
    await ctx.reply(Message(tuple(Paragraph(ctx.text(_saved_line(one))) for one in saved), ephemeral=True))


async def _save(ctx: EventContext, capture: Capture, *, source: str, title: str = "", tags: tuple[str, ...] = (),
                note: str = "") -> list[Saved]:
    """Each link (the title only for a single one) or the idea: one request, so one unit of work, each."""
    library = ctx.services.library
    if not capture.links:
        return [await library.save_idea(SaveIdea(ctx.scope, capture.idea[:LIBRARY_IDEA.most], tags=tags, note=note,
                                                 source=source))]
    single = len(capture.links) == 1
    return [await library.save_link(SaveLink(ctx.scope, url, title=title if single else "", tags=tags, note=note,
                                             source=source)) for url in capture.links]


def _saved_line(saved: Saved) -> Msg:
    item = saved.item
    if not saved.known:
        return _("Saved to the library as item {id}: {item}", id=item.id, item=headline(item))
    return _("Already in the library as item {id} ({item}), saved by {member} on {day}.", id=item.id,
             item=headline(item), member=MemberMention(saved.first.member),
             day=Timestamp(saved.first.at, TimestampStyle.DATE))


def _message_numbers(message_id: str) -> tuple[int, ...]:
    """A message's id as the numbers a reference carries: Slack's `ts` (seconds and microseconds), a Discord
    snowflake, the console's `m12`; () for anything else (the item then has no permalink)."""
    if match := _SLACK_TS.fullmatch(message_id):
        return (1, int(match[1]), int(match[2]))
    if _NUMBER.fullmatch(message_id) and int(message_id) < 2**63:
        return (2, int(message_id))
    if match := _CONSOLE.fullmatch(message_id):
        return (3, int(match[1]))
    return ()


def _message_id(numbers: tuple[int, ...]) -> str | None:
    match numbers:
        case (1, seconds, micros):
            return f"{seconds}.{micros:06d}"
        case (2, number):
            return str(number)
        case (3, number):
            return f"m{number}"
    return None

