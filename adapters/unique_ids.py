"""Ids that route a click back to Hearth, made unique within one message as the platforms require.

The first use of an id goes out as is; repeats get `#2`, `#3`…. An id that already ends in `#<digits>` always
gets a suffix, so `original_id` gives back exactly the id Hearth rendered. Each platform's codec
(`adapters.slack.action_ids`, `adapters.discord.custom_ids`) builds on these and reads what a click brings back
as its own value or as `Unreadable`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

logger = logging.getLogger("hearth.render")
_SUFFIX = re.compile(r"#\d+\Z")
_SUFFIX_ROOM = 8  # "#" and up to seven digits


class UniqueIds:
    """Hands out the ids of one message. `suffix_empty`: give an empty id a suffix too (where the platform
    refuses an empty id but one may be routed), rather than leave it empty."""

    def __init__(self, *, limit: int, platform: str, suffix_empty: bool) -> None:
        self._limit = limit
        self._platform = platform
        self._suffix_empty = suffix_empty
        self._uses: Counter[str] = Counter()

    def claim(self, raw: str) -> str:
        base = raw
        if len(base) > self._limit - _SUFFIX_ROOM:
            logger.warning("id %.40r… is longer than %s allows; it is cut", raw, self._platform)
            base = base[: self._limit - _SUFFIX_ROOM]
        self._uses[base] += 1
        uses = self._uses[base]
        if uses == 1 and (base or not self._suffix_empty) and not _SUFFIX.search(base):
            return base
        return f"{base}#{uses}"


def original_id(raw: str) -> str:
    """The id as Hearth rendered it: `raw` without the `#<n>` that kept it unique. Raises nothing."""
    return _SUFFIX.sub("", raw, count=1)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """What a codec gives for an id Hearth cannot have made: `why` says what is wrong with it."""

    why: str
