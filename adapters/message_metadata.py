"""What Hearth may know about a member's message: whether it asks something, and its links. Never the text."""

from __future__ import annotations

import re

LINK = re.compile(r"https?://[^\s<>\"']+")
QUESTION_START = re.compile(
    r"^(who|what|when|where|why|how|which|can|could|does|do|is|are|should|would|anyone|"
    r"wie|wat|wanneer|waar|waarom|hoe|welke|kan|kun|kunnen|is|zijn|weet)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Whether a message reads as a question. Only this yes/no is kept, never the text."""
    without_links = LINK.sub("", text).strip()
    return "?" in without_links or bool(QUESTION_START.match(without_links) and len(without_links) < 200)
