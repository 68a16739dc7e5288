"""A poll's results as a CSV file that spreadsheet programs open as they are.

The file is written by `bot.spreadsheets` (RFC 4180, UTF-8 with a byte order mark, every cell that a spreadsheet
would run as a formula neutralised). One section per question:
its counts (question, choice, count, percentage) and its open answers; then, for a named poll and only when
ballots are given, one row per member with their answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import _
from bot.polls.model import Poll, QuestionKind, QuestionResults, Results
from bot.polls.ports import StoredBallot
from bot.polls.words import plain
from bot.spreadsheets import csv_file, neutralised

__all__ = ["neutralised", "percentage", "results_csv"]

QUESTION = _("Question")
CHOICE = _("Choice")
COUNT = _("Count")
PERCENTAGE = _("Percentage")
ANSWER = _("Answer")
MEMBER = _("Member")
RESPONDENTS = _("Respondents")


def percentage(count: int, answered: int) -> str:
    return f"{100 * count / answered:.1f}" if answered else "0.0"


def results_csv(poll: Poll, results: Results, ballots: Sequence[StoredBallot] | None, language: str) -> bytes:
    """The CSV of `poll`'s results, its words in `language`. With `ballots` (a named poll only) one row per member
    follows. Raises ValueError when ballots are given for an anonymous poll: its file never names a voter."""
    if poll.anonymous and ballots is not None:
        raise ValueError("an anonymous poll's export holds no ballots")
    rows: list[list[str]] = [[plain(RESPONDENTS, language), str(results.respondents)]]
    rows.append([plain(word, language) for word in (QUESTION, CHOICE, COUNT, PERCENTAGE, ANSWER)])
    for question_results in results.questions:
        rows.extend(_question_rows(question_results))
    if ballots is not None:
        rows.append([])
        rows.append([plain(MEMBER, language), *(q.text for q in poll.questions)])
        for stored in ballots:
            if stored.ballot is None:
                continue
            row = [stored.member_id or ""]
            for question, answer in zip(poll.questions, stored.ballot, strict=False):
                if question.kind is QuestionKind.OPEN:
                    row.append(answer.text)
                else:
                    row.append("; ".join(question.choices[i] for i in answer.chosen if 0 <= i < len(question.choices)))
            rows.append(row)
    return csv_file(rows)


def _question_rows(results: QuestionResults) -> list[list[str]]:
    question = results.question
    if question.kind is QuestionKind.OPEN:
        return [[question.text, "", str(results.answered), "", ""],
                *([question.text, "", "", "", text] for text in results.texts)]
    return [[question.text, choice, str(count), percentage(count, results.answered)]
            for choice, count in zip(question.choices, results.counts, strict=False)]
