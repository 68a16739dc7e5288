"""Usage lines in the reader's words: every positional parameter and every kind of value has its word, and a Dutch
member reads `/meeting kickoff <wanneer…>`, in help, in a parsing error and when they go too fast."""

from __future__ import annotations

from commands.catalog import build_catalog
from commands.spec import ParamKind
from commands.usage import KIND_WORDS, PARAMETER_WORDS, is_flag, usage_line
from tests.console_harness import transcript


def test_every_parameter_and_kind_of_value_has_its_word() -> None:
    specs = build_catalog().registry.specs()
    positional = {param.name for spec in specs for param in spec.params
                  if not is_flag(param) and param.kind is not ParamKind.TAG}
    assert positional <= set(PARAMETER_WORDS), positional - set(PARAMETER_WORDS)
    kinds = {param.kind for spec in specs for param in spec.params if param.kind not in (ParamKind.FLAG,
                                                                                          ParamKind.CHOICE)}
    assert kinds <= set(KIND_WORDS), kinds - set(KIND_WORDS)


def test_the_english_line_is_the_source() -> None:
    spec = build_catalog().registry.find_by_path(("meeting", "move"))
    assert usage_line(spec) == "/meeting move <new time…> [--series <text>] [--date <date>]"


async def test_a_dutch_member_reads_the_usage_in_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url, rate_limit_count=4, rate_limit_seconds=60) as t:
        await t.run('as ana\nin #data-cop\n/hearth setup --name "Data CoP" --lang nl')
        shown = await t.one("/meeting help move")
        assert shown.text.splitlines()[0] == "/meeting move <nieuw moment…> [--series <tekst>] [--date <datum>]"
        assert "<nieuw moment> de nieuwe datum en tijd" in shown.text
        missing = await t.one("/meeting move")
        assert missing.text.splitlines() == [
            "<nieuw moment…> ontbreekt.", "Gebruik: /meeting move <nieuw moment…> [--series <tekst>] [--date <datum>]"]
        wrong = await t.one("/meeting move morgen 15:00 --date nooit")
        assert "Gebruik: /meeting move <nieuw moment…>" in wrong.text
        too_fast = await t.one("/meeting list")
        assert too_fast.text.startswith("Je stuurt sneller opdrachten dan Hearth kan volgen."), too_fast.text
