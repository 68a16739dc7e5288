"""`readable_id`'s fast path for ASCII ids gives the answer of the character rule it stands for."""

from __future__ import annotations

from bot.text_limits import _unkeepable, readable_id


def _by_the_rule(ident: str) -> bool:
    return len(ident) <= 64 and not any(_unkeepable(char) or char.isspace() for char in ident)


def test_every_ascii_character_is_read_as_the_rule_says() -> None:
    for code in range(128):
        for ident in (chr(code), f"U0{chr(code)}ANA", chr(code) * 64, "C" * 63 + chr(code)):
            assert readable_id(ident) is _by_the_rule(ident), (code, ident)


def test_ids_beyond_ascii_and_beyond_the_length() -> None:
    for ident in ("1774598400.000100", "81384788765712384", "m12", "ünïcode", "a\u00a0b", "a\u2028b", "a\u200bb",
                  "a\ud800b", "\U0001f4da", "", "x" * 64, "x" * 65, "é" * 65):
        assert readable_id(ident) is _by_the_rule(ident), ident
