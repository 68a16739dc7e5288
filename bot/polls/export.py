"""A poll's results as a CSV file that spreadsheet programs open as they are.

RFC 4180: CRLF line ends, every field quoted when it holds a quote, comma or line break, quotes doubled; UTF-8
with a byte order mark, so that spreadsheet programs do not guess another encoding. One section per question:
its counts (question, choice, count, percentage) and its open answers; then, for a named poll and only when
ballots are given, one row per member with their answers.

Formula injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some with a tab or
carriage return before one of them) as a formula, so any cell that starts with one of these characters gets a
single quote `'` in front. The rest of the cell is kept exactly as typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.i18n import _
from bot.polls.model import Poll, QuestionKind, QuestionResults, Results
from bot.polls.ports import StoredBallot
from bot.polls.words import plain

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"

QUESTION = _("Question")
CHOICE = _("Choice")
COUNT = _("Count")
PERCENTAGE = _("Percentage")
ANSWER = _("Answer")
MEMBER = _("Member")
RESPONDENTS = _("Respondents")


def neutralised(cell: str) -> str:
    """`cell` with a single quote in front when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([neutralised(cell) for cell in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _question_rows(results: QuestionResults) -> list[list[str]]:
    question = results.question
    if question.kind is QuestionKind.OPEN:
        return [[question.text, "", str(results.answered), "", ""],
                *([question.text, "", "", "", text] for text in results.texts)]
    return [[question.text, choice, str(count), percentage(count, results.answered)]
            for choice, count in zip(question.choices, results.counts, strict=False)]
