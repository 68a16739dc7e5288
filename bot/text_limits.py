"""How much text of each kind Hearth keeps, and which characters it keeps: one rule for every surface.

Lengths are counted in characters (code points), the way PostgreSQL counts a `VARCHAR(n)`; the columns in
`storage/tables.py` are at least this long (a test compares them). The services check what they store, and the
command parser checks every value a member types, so slash commands, the console and the platforms' forms
all get the same answers.

The character rule:

- A character Hearth cannot keep is refused with a message saying what to do, never stored and never cut
  out silently: a NUL (PostgreSQL cannot store one), any other control character of C0 or C1 (they are
  invisible, and a terminal or a platform may act on them) and an unpaired surrogate (half of a character,
  which no database can encode). A well-formed surrogate pair is read as the one character it stands for.
- Whitespace is not refused but normalised, because pasted text is full of it: in one-line text (names,
  titles, places, topics, links) every run of whitespace, line breaks and tabs included, becomes one space;
  in multi-line text (goals, descriptions, reasons) every line break (`\\r\\n`, `\\r`, vertical tab, form feed,
  the Unicode line and paragraph separators) becomes `\\n`, tabs stay, and other whitespace controls become
  spaces.
- Format characters (zero-width spaces and joiners, right-to-left marks and overrides) and markup are kept as
  typed: they are part of real names in many scripts, and adapters always escape `UserText` when they show it.

Names a platform gives (a workspace's or member's display name) are not the member's to fix with a command, so
they are cleaned instead: characters Hearth cannot keep are removed and the rest is cut to its limit. Platform
ids (workspaces, channels, members, mentions) longer than `PLATFORM_ID` or holding such characters are not
ids Hearth can read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.errors import UserError
from bot.i18n import _
from bot.messages import UserText

__all__ = [
    "AGENDA_TOPIC",
    "CANCEL_REASON",
    "COMMUNITY_NAME",
    "DESCRIPTION",
    "DISPLAY_NAME",
    "GOAL",
    "LANGUAGE_CODE",
    "LIBRARY_IDEA",
    "LIBRARY_NOTE",
    "LIBRARY_TITLE",
    "LIBRARY_URL",
    "LINK",
    "NUDGE_PROMPT",
    "PLACE",
    "PLATFORM_ID",
    "POLL_TITLE",
    "SERIES_TITLE",
    "TEXT_LIMITS",
    "WORKSPACE_NAME",
    "ZONE_NAME",
    "TextLimit",
    "has_unkeepable",
    "keepable",
    "one_line",
    "platform_name",
    "readable_id",
    "several_lines",
    "shown",
]


@dataclass(frozen=True, slots=True)
class TextLimit:
    """A kind of text Hearth keeps: at most `most` characters, on one line unless `multiline`."""

    kind: str
    most: int
    multiline: bool = False


COMMUNITY_NAME = TextLimit("community name", 80)
GOAL = TextLimit("community goal", 500, multiline=True)
SERIES_TITLE = TextLimit("series title", 100)
DESCRIPTION = TextLimit("series description", 500, multiline=True)
PLACE = TextLimit("meeting place", 500)
# Video links of Teams, Zoom or Webex with their meeting ids and passcodes run to several hundred characters.
LINK = TextLimit("meeting link", 2000)
CANCEL_REASON = TextLimit("cancellation reason", 500, multiline=True)
AGENDA_TOPIC = TextLimit("agenda topic", 200)
# Slack ids are about 11 characters, Discord's snowflakes at most 20; 64 leaves room for any platform to come.
PLATFORM_ID = TextLimit("platform id", 64)
ZONE_NAME = TextLimit("time zone name", 64)
LANGUAGE_CODE = TextLimit("language code", 16)
DISPLAY_NAME = TextLimit("member display name", 255)
WORKSPACE_NAME = TextLimit("workspace name", 255)
POLL_TITLE = TextLimit("poll title", 300)
LIBRARY_URL = TextLimit("library address", 2000)
LIBRARY_TITLE = TextLimit("library title", 300)
LIBRARY_NOTE = TextLimit("library note", 1000, multiline=True)
LIBRARY_IDEA = TextLimit("library idea", 2000, multiline=True)
NUDGE_PROMPT = TextLimit("discussion prompt", 300)

TEXT_LIMITS: tuple[TextLimit, ...] = (
    COMMUNITY_NAME, GOAL, SERIES_TITLE, DESCRIPTION, PLACE, LINK, CANCEL_REASON, AGENDA_TOPIC, PLATFORM_ID,
    ZONE_NAME, LANGUAGE_CODE, DISPLAY_NAME, WORKSPACE_NAME, POLL_TITLE, LIBRARY_URL, LIBRARY_TITLE, LIBRARY_NOTE,
    LIBRARY_IDEA, NUDGE_PROMPT,
)

# Python's str.splitlines() breaks lines at these; in multi-line text each becomes "\n" ("\r\n" counts once).
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _unkeepable(char: str) -> bool:
    """A control character that is not whitespace, or half of a surrogate pair."""
    category = unicodedata.category(char)
    return (category == "Cc" and not char.isspace()) or category == "Cs"


def _paired(text: str) -> str:
    """`text` with well-formed surrogate pairs joined into the characters they stand for (lone halves stay)."""
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return text  # a lone half: `keepable` refuses it


def has_unkeepable(text: str) -> bool:
    """Whether `text` holds a character Hearth never keeps (see the module's rule); whitespace never counts."""
    return any(_unkeepable(char) for char in _paired(text))


def keepable(text: str) -> str:
    """`text` when Hearth can keep every character of it (surrogate pairs joined); `UserError` otherwise.

    Whitespace is left as it is: the kind of text decides what becomes of it (`one_line`, `several_lines`).
    """
    text = _paired(text)
    if any(_unkeepable(char) for char in text):
        raise UserError(
            _(
                "{value} has a character Hearth cannot keep: an invisible control character, or half of one "
                "that was cut. Type the text again, or paste it as plain text.",
                value=shown(text),
            )
        )
    return text


def one_line(text: str) -> str:
    """`text` as one line: every run of whitespace one space, none around it. `UserError` as `keepable`."""
    return " ".join(keepable(text).split())


def several_lines(text: str) -> str:
    """`text` with its line breaks as `\\n`, tabs kept, other whitespace controls as spaces, and no whitespace
    around it. `UserError` as `keepable`."""
    text = keepable(text).replace("\r\n", "\n")
    chars = ("\n" if char in _LINE_BREAKS else " " if char != "\t" and _is_control(char) else char for char in text)
    return "".join(chars).strip()


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def platform_name(text: str, limit: TextLimit) -> str:
    """A name a platform gave, as Hearth keeps it: characters it cannot keep removed, whitespace collapsed to
    single spaces, cut to `limit` characters."""
    cleaned = "".join(char for char in _paired(text) if not _unkeepable(char))
    return " ".join(cleaned.split())[: limit.most].rstrip()


def readable_id(ident: str) -> bool:
    """Whether `ident` can be a platform id Hearth stores: at most `PLATFORM_ID` characters, and no whitespace
    or character Hearth cannot keep."""
    if len(ident) > PLATFORM_ID.most:
        return False
    if ident.isascii():
        # The ids platforms make (every event checks three or more): in ASCII the rule leaves the printable
        # characters but the space, the same answer without a look at each character's category.
        return ident.isprintable() and " " not in ident
    return not any(_unkeepable(char) or char.isspace() for char in ident)


# Long input is shortened when it is shown back, so a message stays one readable line.
_SHOWN_LIMIT = 60


def shown(text: str) -> UserText:
    """What a member typed, to show back: whitespace collapsed, characters Hearth cannot keep shown as `�`
    (they may not reach a platform or a terminal as they are), long text shortened."""
    visible = "".join("\ufffd" if _unkeepable(char) else char for char in _paired(text))
    visible = " ".join(visible.split())
    if len(visible) > _SHOWN_LIMIT:
        visible = visible[: _SHOWN_LIMIT - 1] + "…"
    return UserText(visible)

