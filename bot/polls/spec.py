"""A community's own survey template, read from the small YAML or JSON spec a facilitator gives.

    name: retro
    title: How did the sprint go?
    anonymous: true
    results: closed
    questions:
      - kind: rating
        text: How useful was the sprint review?
        low: Not at all
        high: Very
      - kind: open
        text: What should we change?
      - kind: choice
        text: Which day suits you?
        options: [Monday, Wednesday]

The keys are typed the same in every language, like a command's options. The spec is read as YAML (JSON is
YAML too), checked for its shape with pydantic and then question by question with the rules every poll follows;
whatever is wrong is answered with the line and the field, in the reader's language, and nothing is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import UserError
from bot.i18n import Msg, _
from bot.messages import UserText
from bot.polls.model import MAX_OPTIONS, Question, QuestionKind, ResultsShown
from bot.polls.service import MAX_QUESTIONS, checked_question
from bot.polls.templates import BUILT_IN_NAMES, Template, TemplateQuestion
from bot.text_limits import POLL_TITLE

MAX_SPEC = 20_000  # characters of a spec
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
KINDS: dict[str, QuestionKind] = {"choice": QuestionKind.SINGLE, "multiple": QuestionKind.MULTIPLE,
                                  "rating": QuestionKind.RATING, "open": QuestionKind.OPEN,
                                  "topics": QuestionKind.TOPICS}
SPEC_KIND = {kind: word for word, kind in KINDS.items()}
FIELDS = ("name", "title", "about", "anonymous", "results", "questions")
QUESTION_FIELDS = ("kind", "text", "options", "most", "scale", "low", "high")
EXAMPLE = ('{name: retro, title: Retro, questions: [{kind: rating, text: "How was it?"}, '
           '{kind: open, text: "What could be better?"}]}')


class _QuestionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["choice", "multiple", "rating", "open", "topics"]
    text: str = Field(min_length=1, max_length=POLL_TITLE.most)
    options: list[str] = Field(default_factory=list, max_length=MAX_OPTIONS)
    most: int | None = Field(default=None, ge=1, le=MAX_OPTIONS)
    scale: Literal["5", "10"] = "5"
    low: str = Field(default="", max_length=40)
    high: str = Field(default="", max_length=40)


class _TemplateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=POLL_TITLE.most)
    about: str = Field(default="", max_length=300)
    anonymous: bool = False
    results: Literal["live", "closed", "facilitators"] = "live"
    questions: list[_QuestionSpec] = Field(min_length=1, max_length=MAX_QUESTIONS)


def read_spec(text: str, author_id: str = "") -> Template:
    """The template `text` describes; a `UserError` naming the line and field that are wrong otherwise."""
    if not text.strip():
        raise UserError(_("Give the template's spec, in YAML or JSON."), hint=_example())
    if len(text) > MAX_SPEC:
        raise UserError(_("A template's spec has at most {max} characters; this one has {n}.", max=MAX_SPEC,
                          n=len(text)))
    try:
        # The base loader reads every value as text (no dates, no "yes" for true): pydantic then reads the
        # numbers and truths the fields ask for, and nothing else.
        node = yaml.compose(text, Loader=yaml.BaseLoader)
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise UserError(_("Line {line}, column {column}: this is not valid YAML or JSON.", line=line,
                          column=column), hint=_example()) from None
    except (yaml.YAMLError, ValueError, RecursionError):
        raise UserError(_("This is not valid YAML or JSON."), hint=_example()) from None
    if not isinstance(data, dict):
        raise UserError(_("A template's spec is a set of fields (name, title, questions), not a single value."),
                        hint=_example())
    try:
        spec = _TemplateSpec.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        location = tuple(first["loc"])
        raise UserError(_("Line {line}, {field}: {problem}", line=_line_of(node, location),
                          field=_field_name(location), problem=_problem(first, location)),
                        hint=_("A template has the fields {fields}; each question has {question_fields}.",
                               fields=", ".join(FIELDS), question_fields=", ".join(QUESTION_FIELDS))) from None
    name = spec.name.strip().casefold()
    if not NAME.fullmatch(name):
        raise UserError(_("Line {line}, name: a template's name is one word of small letters, digits and dashes, "
                          "such as retro or after-demo.", line=_line_of(node, ("name",))))
    if name in BUILT_IN_NAMES:
        raise UserError(_("Line {line}, name: {name} is one of Hearth's own templates; choose another name.",
                          line=_line_of(node, ("name",)), name=UserText(name)))
    questions: list[TemplateQuestion] = []
    for index, question in enumerate(spec.questions):
        kind = KINDS[question.kind]
        try:
            checked = checked_question(Question(kind, question.text, tuple(question.options), most=question.most,
                                                scale=int(question.scale), low=question.low, high=question.high))
        except UserError as error:
            raise UserError(_("Line {line}, question {n}: {problem}", line=_line_of(node, ("questions", index)),
                              n=index + 1, problem=error.message)) from None
        questions.append(TemplateQuestion(checked.kind, checked.text, checked.options, most=checked.most,
                                          scale=checked.scale, low=checked.low, high=checked.high))
    return Template(name, " ".join(spec.title.split()), tuple(questions), about=" ".join(spec.about.split()),
                    anonymous=spec.anonymous, results=ResultsShown(spec.results), author_id=author_id,
                    spec=text.strip())


def spec_of(template: Template) -> str:
    """A template written back as a spec (YAML), as a facilitator would give it."""
    if template.spec:
        return template.spec
    questions: list[dict[str, Any]] = []
    for question in template.questions:
        fields: dict[str, Any] = {"kind": SPEC_KIND[question.kind], "text": str(question.text)}
        if question.options:
            fields["options"] = [str(option) for option in question.options]
        if question.most is not None:
            fields["most"] = question.most
        if question.kind is QuestionKind.RATING:
            fields["scale"] = question.scale
            if question.low:
                fields["low"] = str(question.low)
            if question.high:
                fields["high"] = str(question.high)
        questions.append(fields)
    data = {"name": template.name, "title": str(template.title), "anonymous": template.anonymous,
            "results": template.results.value, "questions": questions}
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120))


def _example() -> Msg:
    return _("For example: /poll template add {example}", example=EXAMPLE)


def _line_of(node: yaml.Node | None, location: Sequence[Any]) -> int:
    """The line (from 1) of the value at `location`, or of the nearest enclosing value that is there."""
    line = node.start_mark.line + 1 if node is not None else 1
    for step in location:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            found = next((value for key, value in node.value if getattr(key, "value", None) == step), None)
            key = next((key for key, _value in node.value if getattr(key, "value", None) == step), None)
            if found is None or key is None:
                return line
            node, line = found, key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _field_name(location: Sequence[Any]) -> str:
    """`questions › 2 › scale`: the path to a field as the spec's keys, questions counted from 1."""
    return " › ".join(str(step + 1) if isinstance(step, int) else str(step) for step in location) or "spec"


def _problem(error: Any, location: Sequence[Any]) -> Msg:
    kind = error["type"]
    context = error.get("ctx") or {}
    field = str(location[-1]) if location else ""
    if kind == "missing":
        return _("this field is missing.")
    if kind == "extra_forbidden":
        return _("a template has no such field.")
    if kind == "literal_error":
        allowed = {"kind": ", ".join(KINDS), "results": "live, closed, facilitators", "scale": "5, 10"}
        return _("this is one of {allowed}.", allowed=allowed.get(field, ""))
    if kind in ("string_type",):
        return _("this wants text.")
    if kind in ("bool_type", "bool_parsing"):
        return _("this wants true or false.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("this wants a whole number.")
    if kind == "string_too_short":
        return _("this cannot be empty.")
    if kind == "string_too_long":
        return _("this has at most {max} characters.", max=context.get("max_length", 0))
    if kind == "too_short":
        return _("this needs at least {min}.", min=context.get("min_length", 1))
    if kind == "too_long":
        return _("this holds at most {max}.", max=context.get("max_length", 0))
    if kind in ("greater_than_equal", "less_than_equal"):
        return _("this is a number from 1 to {max}.", max=MAX_OPTIONS)
    if kind == "list_type":
        return _("this wants a list, such as [Monday, Tuesday].")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("this wants fields, such as kind: open and text: What went well?")
    return _("this value does not fit here.")
