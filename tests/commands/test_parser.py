"""Parsing argument text and typed options against a command spec, and the usage line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.catalogs import Catalogs
from bot.errors import UserError
from bot.i18n import Msg, _, render
from bot.messages import UserText
from bot.refs import ChannelRef, MemberRef, Platform, WorkspaceRef
from commands.parser import OptionValue, parse_arguments, parse_options
from commands.spec import CommandSpec, Param, ParamKind
from commands.usage import usage_hint, usage_line

WORKSPACE = WorkspaceRef(Platform.SLACK, "T1")
ZONE = "Europe/Brussels"
NOW = datetime(2026, 3, 26, 12, 0, tzinfo=UTC)  # a Thursday, 13:00 in Brussels
LANGUAGES = ("en", "nl")


async def nothing(ctx: Any, args: dict[str, Any]) -> None:
    return None


def spec(*path_and_params: Any) -> CommandSpec:
    path = tuple(word for word in path_and_params if isinstance(word, str))
    params = tuple(param for param in path_and_params if isinstance(param, Param))
    return CommandSpec(path, _("summary"), nothing, params=params)


def param(name: str, kind: ParamKind, **extra: Any) -> Param:
    return Param(name, kind, _("help"), **extra)


SETUP = spec(
    "hearth",
    "setup",
    param("name", ParamKind.TEXT, flag=True),
    param("goal", ParamKind.TEXT, flag=True),
    param("tz", ParamKind.TIMEZONE, flag=True),
    param("lang", ParamKind.LANGUAGE, flag=True),
)
ADD_FACILITATOR = spec("hearth", "facilitators", "add", param("member", ParamKind.MEMBER, required=True))
SCHEDULE = spec(
    "meeting",
    "add",
    param("when", ParamKind.DATETIME, required=True),
    param("title", ParamKind.TEXT, greedy=True),
    param("tags", ParamKind.TAG),
    param("every", ParamKind.DURATION, flag=True),
    param("channel", ParamKind.CHANNEL, flag=True),
    param("remind_before", ParamKind.DURATION, flag=True),
    param("online", ParamKind.FLAG),
    param("style", ParamKind.CHOICE, flag=True, choices=("talk", "workshop")),
)
SAVE = spec(
    "library",
    "add",
    param("url", ParamKind.TEXT, required=True),
    param("title", ParamKind.TEXT),
    param("tags", ParamKind.TAG),
)
POLL = spec(
    "poll",
    "scale",
    param("top", ParamKind.INT, required=True, min_value=2, max_value=10),
    param("question", ParamKind.TEXT, greedy=True, required=True),
    param("closes", ParamKind.DATE, flag=True),
    param("anonymous", ParamKind.FLAG, flag=True),
)


def parse(command: CommandSpec, text: str) -> dict[str, Any]:
    return parse_arguments(command, text, workspace=WORKSPACE, timezone=ZONE, now=NOW, languages=LANGUAGES)


def fails(command: CommandSpec, text: str) -> UserError:
    with pytest.raises(UserError) as raised:
        parse(command, text)
    assert raised.value.hint == usage_hint(command), "every parsing error carries the usage line"
    return raised.value


def brussels(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(ZONE))


# Usage lines


def test_usage_lines() -> None:
    assert usage_line(ADD_FACILITATOR) == "/hearth facilitators add <member>"
    assert usage_line(SETUP) == "/hearth setup [--name <text>] [--goal <text>] [--tz <timezone>] [--lang <language>]"
    assert usage_line(SAVE) == "/library add <address> [title] [#tag …]"
    assert usage_line(SCHEDULE) == (
        "/meeting add <when> [title…] [#tag …] [--every <duration>] [--channel <channel>] "
        "[--remind-before <duration>] [--online] [--style <talk|workshop>]"
    )
    assert usage_line(spec("hearth", "help")) == "/hearth help"


def written(message: Msg, language: str = "en") -> str:
    """A message as a reader of `language` reads it, plain."""
    return "".join(str(part) for part in render(Catalogs.load(), language, message).parts)


def test_usage_hint_wraps_the_line_as_code() -> None:
    hint = usage_hint(ADD_FACILITATOR)
    assert hint.msgid == "Usage: {usage}"
    assert written(hint) == "Usage: `/hearth facilitators add <member>`"
    assert written(hint, "nl") == "Gebruik: `/hearth facilitators add <lid>`"


# Options


def test_options_with_spaces_equals_and_quotes() -> None:
    args = parse(SETUP, '--name "Data CoP" --goal=\'Learn together\' --tz europe/brussels --lang=NL')
    assert args == {"name": "Data CoP", "goal": "Learn together", "tz": "Europe/Brussels", "lang": "nl"}


def test_option_quoted_after_equals() -> None:
    assert parse(SETUP, '--name="Data CoP"')["name"] == "Data CoP"


def test_missing_optional_parameters_are_none_false_or_empty() -> None:
    assert parse(SETUP, "") == {"name": None, "goal": None, "tz": None, "lang": None}
    args = parse(SCHEDULE, "tomorrow 9:00")
    assert args["title"] is None
    assert args["tags"] == ()
    assert args["online"] is False
    assert args["every"] is None


def test_option_names_use_dashes_and_forgive_case_underscores_and_phone_dashes() -> None:
    for written in ("--remind-before 1h", "--remind_before 1h", "--REMIND-BEFORE 1h", "—remind-before 1h",
                    "–remind-before 1h"):
        assert parse(SCHEDULE, "tomorrow 9:00 " + written)["remind_before"] == timedelta(hours=1)


def test_boolean_flags() -> None:
    assert parse(SCHEDULE, "tomorrow 9:00 --online")["online"] is True
    assert parse(POLL, "5 How was it? --anonymous")["anonymous"] is True
    assert "takes no value" in fails(SCHEDULE, "tomorrow 9:00 --online=yes").message.msgid


def test_unknown_option_suggests_the_closest() -> None:
    error = fails(SETUP, "--nmae x")
    assert error.message.params == {"option": UserText("--nmae"), "suggestion": "`--name`"}
    error = fails(SETUP, "--colour blue")
    assert error.message.params == {"option": UserText("--colour")}


def test_an_option_given_twice_is_an_error() -> None:
    assert "more than once" in fails(SETUP, "--name a --name b").message.msgid
    assert "more than once" in fails(SCHEDULE, "tomorrow 9:00 --online --online").message.msgid


def test_an_option_without_its_value_is_an_error() -> None:
    assert "needs a value" in fails(SETUP, "--name").message.msgid
    assert "needs a value" in fails(SETUP, "--name --goal x").message.msgid


def test_a_quoted_value_may_look_like_an_option() -> None:
    assert parse(SETUP, '--name "--weird--"')["name"] == "--weird--"


def test_option_values_are_converted() -> None:
    args = parse(SCHEDULE, "tomorrow 9:00 --every 2w --channel <#C9> --style Workshop")
    assert args["every"] == timedelta(weeks=2)
    assert args["channel"] == ChannelRef(WORKSPACE, "C9")
    assert args["style"] == "workshop"
    assert fails(SCHEDULE, "tomorrow 9:00 --style lecture").message.params["choices"] == "`talk`, `workshop`"


def test_a_datetime_option_spans_two_words() -> None:
    at = spec("meeting", "move", param("to", ParamKind.DATETIME, flag=True, required=True),
              param("note", ParamKind.TEXT, greedy=True), param("quiet", ParamKind.FLAG))
    late = parse(at, "--to tomorrow 10:00 running late")
    assert late == {"to": brussels(2026, 3, 27, 10), "note": "running late", "quiet": False}
    assert parse(at, "--to=tomorrow 10:00")["to"] == brussels(2026, 3, 27, 10)
    assert parse(at, "--to 15:00 later")["to"] == brussels(2026, 3, 26, 15)
    assert parse(at, "--to 15:00 --quiet") == {"to": brussels(2026, 3, 26, 15), "note": None, "quiet": True}
    # The word after the value is an option, so the value is one word, and that word has no time.
    assert "no time of day" in fails(at, "--to tomorrow --quiet").message.msgid


# Tags


def test_unquoted_hash_words_are_tags_anywhere() -> None:
    args = parse(SAVE, "#Python https://example.org #data-viz 'A good read' #python")
    assert args == {"url": "https://example.org", "title": "A good read", "tags": ("python", "data-viz")}


def test_quoted_hash_words_are_not_tags() -> None:
    args = parse(SAVE, 'https://example.org "#1 tip"')
    assert args == {"url": "https://example.org", "title": "#1 tip", "tags": ()}


def test_without_a_tag_parameter_hash_words_are_ordinary() -> None:
    assert parse(SETUP, "--name #general")["name"] == "#general"
    channel = spec("nudge", "here", param("channel", ParamKind.CHANNEL, required=True))
    assert "real link" in fails(channel, "#general").message.msgid


def test_a_lone_hash_is_a_word_and_a_bad_tag_is_an_error() -> None:
    assert parse(SAVE, "https://example.org #")["title"] == "#"
    assert "is not a tag" in fails(SAVE, "https://example.org #a.b").message.msgid


# Positional parameters


def test_positional_parameters_fill_in_order() -> None:
    assert parse(ADD_FACILITATOR, "<@U42>") == {"member": MemberRef(WORKSPACE, "U42")}
    assert parse(POLL, "5 How useful was today? --closes friday") == {
        "top": 5,
        "question": "How useful was today?",
        "closes": brussels(2026, 3, 27).date(),
        "anonymous": False,
    }


def test_missing_required_parameter_is_named() -> None:
    error = fails(ADD_FACILITATOR, "")
    assert error.message.msgid == "{name} is missing."
    assert written(error.message) == "`<member>` is missing."
    assert written(fails(POLL, "5").message) == "`<question…>` is missing."


def test_a_typed_at_name_is_refused_with_advice() -> None:
    assert "real mention" in fails(ADD_FACILITATOR, "@ana").message.msgid


def test_too_many_arguments() -> None:
    error = fails(ADD_FACILITATOR, "<@U1> <@U2>")
    assert error.message.params == {"extra": UserText("<@U2>")}
    assert fails(SETUP, "--name Data CoP").message.params == {"extra": UserText("CoP")}


def test_greedy_text_takes_the_rest_and_keeps_quoted_spacing() -> None:
    args = parse(SCHEDULE, 'tomorrow 9:00   Book   club: "Chapter  3" --online #reading')
    assert args["title"] == "Book club: Chapter  3"
    assert args["tags"] == ("reading",)
    assert args["online"] is True


def test_a_datetime_takes_two_words_when_they_read_as_one() -> None:
    assert parse(SCHEDULE, "tomorrow 9:00 Retro")["when"] == brussels(2026, 3, 27, 9)
    assert parse(SCHEDULE, "2026-04-02 15:00")["when"] == brussels(2026, 4, 2, 15)
    args = parse(SCHEDULE, "15:00 Retro")
    assert args == {**args, "when": brussels(2026, 3, 26, 15), "title": "Retro"}
    args = parse(SCHEDULE, "monday 10:00 Monday planning")
    assert args["when"] == brussels(2026, 3, 30, 10)
    assert args["title"] == "Monday planning"
    assert parse(SCHEDULE, '"tomorrow 9:00" Retro')["when"] == brussels(2026, 3, 27, 9)


def test_a_datetime_error_explains_the_part_that_is_wrong() -> None:
    error = fails(SCHEDULE, "tomorrow 25:00 Retro")
    assert "not a time of day" in error.message.msgid
    assert error.message.params == {"value": UserText("25:00")}
    assert "no time of day" in fails(SCHEDULE, "tomorrow").message.msgid
    assert "not a date and time" in fails(SCHEDULE, "soon Retro").message.msgid


def test_a_duration_takes_two_words_when_they_read_as_one() -> None:
    snooze = spec("nudge", "snooze", param("for", ParamKind.DURATION, required=True),
                  param("reason", ParamKind.TEXT, greedy=True))
    assert parse(snooze, "2 weeks holiday") == {"for": timedelta(weeks=2), "reason": "holiday"}
    assert parse(snooze, "3d holiday") == {"for": timedelta(days=3), "reason": "holiday"}
    assert "needs a unit" in fails(snooze, "90 x").message.msgid


def test_number_range_errors_carry_the_usage() -> None:
    assert fails(POLL, "11 Too big?").message.params == {"low": 2, "high": 10, "value": 11}


def test_an_unclosed_quote_carries_the_usage() -> None:
    assert "quote is not closed" in fails(SETUP, '--name "Data CoP').message.msgid


# Typed options


def options(command: CommandSpec, given: dict[str, OptionValue]) -> dict[str, Any]:
    return parse_options(command, given, workspace=WORKSPACE, timezone=ZONE, now=NOW, languages=LANGUAGES)


def options_fail(command: CommandSpec, given: dict[str, OptionValue]) -> UserError:
    with pytest.raises(UserError) as raised:
        options(command, given)
    assert raised.value.hint == usage_hint(command)
    return raised.value


def test_typed_options_convert_like_text() -> None:
    got = options(SCHEDULE, {
        "when": "tomorrow 9:00",
        "title": "Retro",
        "tags": "#Python, data-viz python",
        "remind-before": "1h",
        "online": True,
        "channel": ChannelRef(WORKSPACE, "C1"),
    })
    assert got == {
        "when": brussels(2026, 3, 27, 9),
        "title": "Retro",
        "tags": ("python", "data-viz"),
        "every": None,
        "channel": ChannelRef(WORKSPACE, "C1"),
        "remind_before": timedelta(hours=1),
        "online": True,
        "style": None,
    }


def test_typed_options_check_ranges_and_required() -> None:
    assert options(POLL, {"top": 4, "question": "Q?"})["top"] == 4
    assert options(POLL, {"top": "4", "question": "Q?"})["top"] == 4
    assert options_fail(POLL, {"top": 40, "question": "Q?"}).message.params["high"] == 10
    assert written(options_fail(POLL, {"question": "Q?"}).message) == "`<top>` is missing."
    assert options(ADD_FACILITATOR, {"member": MemberRef(WORKSPACE, "U1")}) == {"member": MemberRef(WORKSPACE, "U1")}
    assert options(ADD_FACILITATOR, {"member": "<@U1>"}) == {"member": MemberRef(WORKSPACE, "U1")}


def test_typed_options_of_the_wrong_kind_or_name_are_user_errors() -> None:
    assert "not the kind" in options_fail(POLL, {"top": True, "question": "Q"}).message.msgid
    other = WorkspaceRef(Platform.DISCORD, "G2")
    assert "not the kind" in options_fail(ADD_FACILITATOR, {"member": MemberRef(other, "U1")}).message.msgid
    assert "not the kind" in options_fail(ADD_FACILITATOR, {"member": ChannelRef(WORKSPACE, "C1")}).message.msgid
    assert options_fail(SETUP, {"colour": "blue"}).message.params["option"] == UserText("--colour")
    assert options(POLL, {"top": 3, "question": "Q", "anonymous": "yes"})["anonymous"] is True


def test_an_optional_positional_that_does_not_fit_is_an_error_not_skipped() -> None:
    # Skipping would silently shift words into the next parameter; make such a value an option instead.
    optional_first = spec("poll", "rate", param("top", ParamKind.INT), param("question", ParamKind.TEXT, greedy=True))
    assert "not a whole number" in fails(optional_first, "How was it?").message.msgid


def test_apostrophes_in_free_text_need_no_quoting() -> None:
    assert parse(POLL, "5 What's the plan? It’s Ann's call")["question"] == "What's the plan? It’s Ann's call"
