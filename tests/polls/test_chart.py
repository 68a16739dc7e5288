"""The results chart and the trend chart: valid PNGs of a chat's size, for every kind of question."""

from __future__ import annotations

import struct

import pytest

from bot.polls.chart import chart_words, label, results_chart, safe, trend_chart
from bot.polls.model import Answer, Poll, Question, QuestionKind, Results, tally
from bot.refs import MemberRef, Platform, WorkspaceRef

ACME = WorkspaceRef(Platform.SLACK, "T0001")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_chat_sized(data: bytes) -> None:
    width, height = png_size(data)
    assert 600 <= width <= 1600
    assert 100 <= height <= 5000
    assert len(data) < 300_000


def poll_of(*questions: Question) -> Poll:
    return Poll(1, 1, 1, MemberRef(ACME, "U0"), questions, title="Retro")


@pytest.mark.parametrize(("question", "answers"), [
    (Question(QuestionKind.SINGLE, "Which day?", ("Monday", "Tuesday")), [Answer((0,)), Answer((1,)), Answer((0,))]),
    (Question(QuestionKind.MULTIPLE, "Which days?", ("Mon", "Tue", "Wed")), [Answer((0, 2)), Answer((1,))]),
    (Question(QuestionKind.RATING, "How was it?", scale=10), [Answer((9,)), Answer((4,))]),
    (Question(QuestionKind.OPEN, "Anything else?"), [Answer(text="more $x$ please")]),
])
def test_each_kind_draws_a_chat_sized_png(question: Question, answers: list[Answer]) -> None:
    results = tally([question], [(answer,) for answer in answers])
    assert_chat_sized(results_chart(poll_of(question), results, "en"))


def test_twenty_five_long_unicode_options_and_mathtext_are_drawn_safely() -> None:
    options = tuple(f"Optie {n} — café naïve 日本語 $x$ \\alpha {'lang ' * 12}" for n in range(25))
    question = Question(QuestionKind.SINGLE, "$x$ wéér een vraag " * 8, options)
    results = tally([question], [(Answer((n % 25,)),) for n in range(60)])
    data = results_chart(poll_of(question), results, "nl")
    assert_chat_sized(data)
    assert png_size(data)[1] > png_size(results_chart(poll_of(Question(
        QuestionKind.SINGLE, "q", ("a", "b"))), tally([], []), "en"))[1]


def test_a_survey_with_zero_answers_draws() -> None:
    questions = (Question(QuestionKind.SINGLE, "Which day?", ("Monday", "Tuesday")),
                 Question(QuestionKind.RATING, "How was it?"), Question(QuestionKind.OPEN, "Anything else?"))
    assert_chat_sized(results_chart(poll_of(*questions), tally(questions, []), "en"))
    assert_chat_sized(results_chart(poll_of(*questions), Results(0), "en"))


def test_labels_are_literal_wrapped_and_cut() -> None:
    assert safe("costs $5 and $6") == r"costs \$5 and \$6"
    wrapped = label("word " * 40)
    assert wrapped.count("\n") == 1 and wrapped.endswith("…")
    assert label("$x$") == r"\$x\$"


def test_the_chart_words_are_dutch() -> None:
    words = chart_words("nl", 3, 4.25)
    assert words["answers"] == "Antwoorden"
    assert words["mean_value"] == "Gemiddelde: 4.2" or words["mean_value"] == "Gemiddelde: 4.3"
    assert words["n"] == "n = 3"
    assert words["open"] == "3 antwoorden"
    assert chart_words("nl", 1)["open"] == "1 antwoord"
    assert chart_words("en", 2)["open"] == "2 answers"


def rounds(count: int) -> list[tuple[str, Results]]:
    question = Question(QuestionKind.RATING, "How was it?")
    return [(f"2026-{1 + n // 28:02d}-{1 + n % 28:02d}",
             tally([question], [(Answer(((n + k) % 5,)),) for k in range(n % 7)])) for n in range(count)]


@pytest.mark.parametrize("count", [1, 40])
def test_the_trend_chart_draws_one_round_and_forty(count: int) -> None:
    assert_chat_sized(trend_chart(rounds(count), "nl"))
