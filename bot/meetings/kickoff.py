"""The kick-off: the first meeting of a community, one meeting whose agenda is proposed from a template.

The template follows what a new community of practice settles at its start: who is in it, its goal and who it is
for, how often it meets and posts, what goes in its library, how it gathers feedback, and what happens next. The
topics are catalog entries, so a community reads them in its own language; once proposed they are ordinary
agenda topics that members vote on and that their authors and facilitators edit or remove.
"""

from __future__ import annotations

from bot.i18n import Msg, _

TITLE = _("Kick-off")
AGENDA: tuple[Msg, ...] = (
    _("Introductions: who we are and what we work on"),
    _("Our goal, and who this community is for"),
    _("Our rhythm: how often we meet and how often we post"),
    _("What goes in our library"),
    _("How we gather feedback"),
    _("Next steps: who does what before the next meeting"),
)
