"""Hearth's discussion prompts for each kind of community: the bank a quiet channel's prompt is drawn from until the
community adds its own (`/nudge prompts add`) or sets some of these aside (`/nudge prompts remove`). Each is a
message, so a Dutch community reads it in Dutch."""

from __future__ import annotations

from bot.i18n import Msg, _

__all__ = ["DEFAULT_PROMPTS", "default_prompt"]

DEFAULT_PROMPTS: dict[str, tuple[tuple[str, Msg], ...]] = {
    "helping": (
        ("help-stuck", _("What are you stuck on this week? Someone here may have solved it before.")),
        ("help-tool", _("Which tool or trick saved you time lately? Share it in one line.")),
        ("help-ask", _("Is there a question you hesitated to ask? Ask it here: there are no silly ones.")),
        ("help-solved", _("What problem did you solve recently that others might run into too?")),
        ("help-newcomer", _("What do you wish someone had told you in your first month in this field?")),
    ),
    "best-practice": (
        ("practice-works", _("What is one practice that works well in your team? How did you start it?")),
        ("practice-stopped", _("Which habit did your team stop, and what changed when you did?")),
        ("practice-review", _("Share a checklist, template or example you use, and what you would improve in it.")),
        ("practice-mistake", _("What went wrong in a recent project, and what would you do differently now?")),
        ("practice-compare", _("How do you handle reviews in your team? Let us compare approaches.")),
    ),
    "knowledge": (
        ("knowledge-read", _("What did you read or watch lately that changed how you think about our field?")),
        ("knowledge-source", _("Which source do you keep going back to? Save it with /library add.")),
        ("knowledge-explain", _("Which idea in our field is often misunderstood? Explain it in a few lines.")),
        ("knowledge-gap", _("What is missing from our library? Name a topic we should collect sources on.")),
        ("knowledge-summary", _("Pick one item from the library and share the one thing you took from it.")),
    ),
    "innovation": (
        ("innovation-idea", _("What is one idea you would try if nothing stood in the way?")),
        ("innovation-borrow", _("What could we borrow from another field or team? Share an example.")),
        ("innovation-experiment", _("Which small experiment could you run this month? What would you measure?")),
        ("innovation-future", _("Where will our field be in five years? One bold guess each.")),
        ("innovation-problem", _("Which problem deserves a fresh approach? Describe it; let us think together.")),
    ),
}


def default_prompt(key: str) -> Msg | None:
    """The wording of Hearth's prompt `key`, whatever the kind it belongs to; None for a key Hearth no longer has."""
    for prompts in DEFAULT_PROMPTS.values():
        for found, message in prompts:
            if found == key:
                return message
    return None
