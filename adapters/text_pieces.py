"""Cutting rendered chat text into pieces that fit a platform's limits, keeping Hearth's bold and code spans whole.

Both renderers work on atoms (a character, an escape, an entity or a whole token such as a mention), so a cut
never falls inside one. Where a bold or code span is cut in two, each piece closes it and the next reopens it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """`text` as is when it fits `limit` characters, otherwise cut at `limit - 1` (trailing spaces dropped) with
    an ellipsis: for names, labels and descriptions a platform caps, not for marked-up text (see `split_atoms`)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


@dataclass(frozen=True, slots=True)
class Spans:
    """A platform's markers for Hearth's bold and code spans (Slack `*`, Discord `**`; both use backticks)."""

    bold: str
    code: str = "`"

    def after(self, atoms: Iterable[str], bold: bool, code: bool) -> tuple[bool, bool]:
        """Whether the spans are open after `atoms`, given whether they were open before.

        Members' own markers are escaped by the renderers before this, so every bare marker is Hearth's.
        """
        for atom in atoms:
            if atom == self.code:
                code = not code
            elif atom == self.bold and not code:
                bold = not bold
        return bold, code

    def closing(self, bold: bool, code: bool) -> str:
        return (self.code if code else "") + (self.bold if bold else "")

    def opening(self, bold: bool, code: bool) -> str:
        return (self.bold if bold else "") + (self.code if code else "")


def split_atoms(atoms: Sequence[str], budget: int) -> list[list[str]]:
    """`atoms` in groups of at most `budget` characters, each cut at its last line end, else its last space, in
    its second half; the space or line end a cut falls on is dropped. An atom longer than `budget` stands alone.
    """
    groups: list[list[str]] = []
    start = 0
    while start < len(atoms):
        end, size = start, 0
        while end < len(atoms) and size + len(atoms[end]) <= budget:
            size += len(atoms[end])
            end += 1
        if end == len(atoms):
            groups.append(list(atoms[start:]))
            break
        cut = _cut_point(atoms, start, max(end, start + 1))
        groups.append(list(atoms[start:cut]))
        start = cut + 1 if cut < len(atoms) and atoms[cut].isspace() else cut
    return groups


def _cut_point(atoms: Sequence[str], start: int, end: int) -> int:
    lowest = start + (end - start) // 2
    for separator in ("\n", " "):
        for index in range(end - 1, lowest, -1):
            if atoms[index] == separator:
                return index
    return end
