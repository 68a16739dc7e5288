"""Reading a command's arguments into typed values, from text (Slack, console) or typed options (Discord).

Text rules, applied to the tokens of `commands.tokens`:

- `--name value`, `--name=value`, and `--name` alone for a FLAG. The option is the parameter name with `_`
  written as `-` (`--time-zone`; `--time_zone` and any case are accepted too). Phones turn `--` into a dash,
  so `—name` and `–name` count as options as well. An unknown option, a repeated one or a missing value is
  an error.
- An unquoted `#word` goes to the spec's TAG parameter, when it has one; otherwise it is an ordinary word.
- A quoted token is never an option or a tag.
- The remaining tokens fill the positional parameters in order. A DATETIME or DURATION takes two tokens when
  together they read as one (`tomorrow 9:00`, `2 weeks`), otherwise one. A greedy TEXT parameter takes the
  rest, joined by single spaces (a quoted token keeps its inner spacing).
- Missing optional parameters are present as None; a TAG parameter is a tuple (empty when none were given);
  a FLAG is False unless given.

Every `UserError` raised here carries the command's usage line as its hint.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.errors import UserError
from bot.events import OptionValue
from bot.i18n import Msg, _
from bot.recurrence.zones import zone_of
from bot.refs import ChannelRef, MemberRef, WorkspaceRef
from bot.text_limits import keepable
from commands.spec import CommandSpec, Param, ParamKind
from commands.tokens import Token, echo, tokenize
from commands.usage import Say, code, flag_name, is_flag, placeholder, translated, usage_hint
from commands.values import (
    check_int_range,
    checked_channel,
    checked_member,
    looks_like_date,
    parse_channel,
    parse_choice,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_int,
    parse_language,
    parse_member,
    parse_tag,
    parse_timezone,
)

__all__ = ["OptionValue", "parse_arguments", "parse_options"]

_FLAG_TOKEN = re.compile(r"(?:--|—|–)(?=[^\W\d_])")
# Kinds whose value may be written as two words.
_SPANNING = (ParamKind.DATETIME, ParamKind.DURATION)


@dataclass(frozen=True, slots=True)
class _Context:
    workspace: WorkspaceRef
    timezone: str
    now: datetime
    languages: tuple[str, ...]

    @property
    def today(self) -> date:
        return self.now.astimezone(zone_of(self.timezone)).date()


def parse_arguments(
    spec: CommandSpec,
    text: str,
    *,
    workspace: WorkspaceRef,
    timezone: str,
    now: datetime,
    languages: tuple[str, ...],
) -> dict[str, Any]:
    """Read `text` into a value for every parameter of `spec`, keyed by parameter name.

    `timezone` (a valid IANA name) and the aware `now` place dates and times; `languages` are the ones Hearth
    speaks. Raises `UserError`, with the usage line as hint, for anything the member typed wrong.
    """
    context = _Context(workspace, timezone, now, tuple(languages))
    if len(spec.params) == 1 and spec.params[0].verbatim:
        return {spec.params[0].name: keepable(text.strip()) or None}
    try:
        return _parse_tokens(spec, tokenize(text), context)
    except UserError as error:
        error.hint = usage_hint(spec)
        raise


def parse_options(
    spec: CommandSpec,
    options: Mapping[str, OptionValue],
    *,
    workspace: WorkspaceRef,
    timezone: str,
    now: datetime,
    languages: tuple[str, ...],
) -> dict[str, Any]:
    """Validate and convert typed options (keyed by parameter name, or its `--` spelling without the dashes).

    Strings go through the same converters as typed text; a TAG option may hold several tags separated by
    spaces or commas. The result has the same shape as `parse_arguments`. Raises `UserError`, with the usage
    line as hint, for an unknown option, a missing required one, or a value that does not fit.
    """
    context = _Context(workspace, timezone, now, tuple(languages))
    try:
        return _parse_options(spec, options, context)
    except UserError as error:
        error.hint = usage_hint(spec)
        raise


# Text


def _parse_tokens(spec: CommandSpec, tokens: Sequence[Token], context: _Context) -> dict[str, Any]:
    options = {flag_name(param): param for param in spec.params if is_flag(param)}
    tag_param = next((param for param in spec.params if param.kind is ParamKind.TAG), None)
    values: dict[str, Any] = {}
    tags: list[str] = []
    words: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if _is_option(token):
            index = _read_option(tokens, index, options, values, context)
        elif tag_param is not None and _is_tag(token):
            tags.append(parse_tag(token.value))
            index += 1
        else:
            words.append(token)
            index += 1
    positional = [param for param in spec.params if not is_flag(param) and param.kind is not ParamKind.TAG]
    _fill_positional(positional, words, values, context)
    if tag_param is not None:
        values[tag_param.name] = tuple(dict.fromkeys(tags))
    return _complete(spec, values)


def _is_option(token: Token) -> bool:
    return not token.quoted and bool(_FLAG_TOKEN.match(token.value))


def _is_tag(token: Token) -> bool:
    return not token.quoted and token.value.startswith("#") and len(token.value) > 1


def _read_option(
    tokens: Sequence[Token],
    index: int,
    options: Mapping[str, Param],
    values: dict[str, Any],
    context: _Context,
) -> int:
    """Read the option at `index` (and its value) into `values`; return the index of the next token."""
    written = tokens[index].value
    body = written[2:] if written.startswith("--") else written[1:]
    name, has_value, inline = body.partition("=")
    shown = "--" + name
    param = options.get("--" + name.casefold().replace("_", "-"))
    if param is None:
        raise UserError(_unknown_option(shown, tuple(options)))
    if param.name in values:
        raise UserError(_("The option {option} is given more than once.", option=code(flag_name(param))))
    if param.kind is ParamKind.FLAG:
        if has_value:
            raise UserError(_("The option {option} takes no value.", option=code(flag_name(param))))
        values[param.name] = True
        return index + 1
    following = list(tokens[index + 1 : index + 3])
    candidates = [Token(inline), *following] if has_value else following
    if not has_value and (not candidates or _is_option(candidates[0])):
        raise UserError(_("The option {option} needs a value.", option=code(flag_name(param))))
    if candidates[1:] and _is_option(candidates[1]):
        candidates = candidates[:1]
    value, used = _convert_spanning(param, candidates, context)
    values[param.name] = value
    return index + 1 + used - (1 if has_value else 0)


def _unknown_option(shown: str, known: Sequence[str]) -> Msg:
    close = difflib.get_close_matches(shown.casefold()[:64], known, n=1, cutoff=0.6)
    if close:
        return _(
            "There is no option {option}. Did you mean {suggestion}?",
            option=echo(shown),
            suggestion=code(close[0]),
        )
    return _("There is no option {option}.", option=echo(shown))


def _fill_positional(
    params: Sequence[Param], words: Sequence[Token], values: dict[str, Any], context: _Context
) -> None:
    position = 0
    for param in params:
        rest = words[position:]
        if param.greedy and param.kind is ParamKind.TEXT and param.listed:
            values[param.name] = tuple(keepable(token.value) for token in rest) if rest else None
            position = len(words)
        elif param.greedy and param.kind is ParamKind.TEXT:
            values[param.name] = " ".join(token.value for token in rest) if rest else None
            position = len(words)
        elif rest:
            values[param.name], used = _convert_spanning(param, rest[:2], context)
            position += used
    extra = words[position:]
    if extra:
        raise UserError(
            _(
                "{extra} is more than this command takes. Put quotes around text that has spaces.",
                extra=echo(" ".join(token.value for token in extra)),
            )
        )


def _convert_spanning(param: Param, candidates: Sequence[Token], context: _Context) -> tuple[Any, int]:
    """Convert the first one or two candidate tokens; return the value and how many tokens it took."""
    first = candidates[0].value
    if param.kind not in _SPANNING or len(candidates) < 2:
        return _convert(param, first, context), 1
    try:
        return _convert(param, first + " " + candidates[1].value, context), 2
    except UserError as two_words:
        try:
            return _convert(param, first, context), 1
        except UserError:
            # `tomorrow 25:00` was meant as one date and time: the error about the pair says what is wrong.
            if param.kind is ParamKind.DATETIME and looks_like_date(first):
                raise two_words from None
            raise


def _convert(param: Param, text: str, context: _Context) -> Any:
    """Convert one value of `param` written as `text`; raises `UserError` when it does not fit."""
    match param.kind:
        case ParamKind.TEXT:
            return keepable(text)
        case ParamKind.INT:
            return parse_int(text, min_value=param.min_value, max_value=param.max_value)
        case ParamKind.DURATION:
            return parse_duration(text)
        case ParamKind.DATETIME:
            return parse_datetime(text, now=context.now, timezone=context.timezone)
        case ParamKind.DATE:
            return parse_date(text, today=context.today)
        case ParamKind.MEMBER:
            return parse_member(text, context.workspace)
        case ParamKind.CHANNEL:
            return parse_channel(text, context.workspace)
        case ParamKind.TAG:
            return parse_tag(text)
        case ParamKind.CHOICE:
            return parse_choice(text, param.choices)
        case ParamKind.TIMEZONE:
            return parse_timezone(text)
        case ParamKind.LANGUAGE:
            return parse_language(text, context.languages)
        case ParamKind.FLAG:
            return _parse_switch(param, text)


def _parse_switch(param: Param, text: str) -> bool:
    """A FLAG given as a word (only typed options do this): yes/no, true/false, on/off, ja/nee."""
    word = text.strip().casefold()
    if word in ("yes", "true", "on", "1", "ja", "aan"):
        return True
    if word in ("no", "false", "off", "0", "nee", "uit"):
        return False
    raise UserError(_wrong_kind(param))


def _complete(spec: CommandSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Fill in the defaults of absent parameters; raises `UserError` for a missing required one."""
    for param in spec.params:
        if param.kind is ParamKind.TAG:
            values.setdefault(param.name, ())
        elif param.kind is ParamKind.FLAG:
            values.setdefault(param.name, False)
        else:
            values.setdefault(param.name, None)
        if param.required and param.kind is not ParamKind.FLAG and values[param.name] in (None, ()):
            raise UserError(_("{name} is missing.", name=_written(param)))
    return values


def _written(param: Param) -> Msg:
    """The parameter as the usage line writes it, as code, in the reader's words."""
    return translated(lambda say: code(_shown_name(param, say)))


def _shown_name(param: Param, say: Say) -> str:
    if param.kind is ParamKind.TAG or is_flag(param):
        return placeholder(param, say)
    return "<" + placeholder(param, say) + ">"


# Typed options


def _parse_options(
    spec: CommandSpec, options: Mapping[str, OptionValue], context: _Context
) -> dict[str, Any]:
    by_key: dict[str, Param] = {}
    for declared in spec.params:
        by_key[declared.name.casefold()] = declared
        by_key[declared.name.casefold().replace("_", "-")] = declared
    values: dict[str, Any] = {}
    for key, raw in options.items():
        param = by_key.get(key.casefold().removeprefix("--"))
        if param is None:
            raise UserError(_unknown_option("--" + key, tuple(flag_name(known) for known in spec.params)))
        values[param.name] = _convert_option(param, raw, context)
    return _complete(spec, values)


def _convert_option(param: Param, raw: OptionValue, context: _Context) -> Any:
    # bool is an int; check it first so that True never becomes the number 1.
    if isinstance(raw, bool):
        if param.kind is ParamKind.FLAG:
            return raw
        raise UserError(_wrong_kind(param))
    if isinstance(raw, MemberRef):
        if param.kind is ParamKind.MEMBER and raw.workspace == context.workspace:
            return checked_member(raw)
        raise UserError(_wrong_kind(param))
    if isinstance(raw, ChannelRef):
        if param.kind is ParamKind.CHANNEL and raw.workspace == context.workspace:
            return checked_channel(raw)
        raise UserError(_wrong_kind(param))
    if isinstance(raw, int):
        if param.kind is ParamKind.INT:
            return check_int_range(raw, min_value=param.min_value, max_value=param.max_value)
        return _convert(param, str(raw), context)
    if param.kind is ParamKind.TAG:
        return tuple(dict.fromkeys(parse_tag(word) for word in raw.replace(",", " ").split()))
    if param.listed:
        return tuple(keepable(token.value) for token in tokenize(raw)) or None
    return _convert(param, raw, context)


def _wrong_kind(param: Param) -> Msg:
    return _(
        "The value for {option} is not the kind this command expects. Try the command again.",
        option=translated(lambda say: code(flag_name(param) if is_flag(param) else _shown_name(param, say))),
    )
