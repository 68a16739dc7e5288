"""The CSV export of a poll: read back by Python's own csv reader, hostile cells neutralised, no voter of an
anonymous poll."""

from __future__ import annotations

import csv
import io

import pytest

from bot.polls.export import neutralised, results_csv
from bot.polls.model import Answer, Ballot, Poll, Question, QuestionKind, tally
from bot.polls.ports import StoredBallot
from bot.refs import MemberRef, Platform, WorkspaceRef

ACME = WorkspaceRef(Platform.SLACK, "T0001")
HOSTILE = ("=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", 'say "hi", then\nleave')
QUESTIONS = (
    Question(QuestionKind.SINGLE, "Which day?", ("Monday", "=cmd|' /C calc'!A0", "Zondag, laat")),
    Question(QuestionKind.RATING, "How was it?", scale=5),
    Question(QuestionKind.OPEN, "Anything else?"),
)


def poll(*, anonymous: bool = False) -> Poll:
    return Poll(1, 1, 1, MemberRef(ACME, "U0"), QUESTIONS, title="Retro", anonymous=anonymous)


def ballots() -> list[StoredBallot]:
    answers: list[Ballot] = [
        (Answer((0,)), Answer((4,)), Answer(text=text)) for text in HOSTILE
    ]
    answers.append((Answer((2,)), Answer((1,)), Answer()))
    return [StoredBallot(f"v{n}", member_id=f"U{n}", ballot=ballot) for n, ballot in enumerate(answers, start=1)]


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_file_is_rfc_4180_with_crlf_line_ends() -> None:
    stored = ballots()
    data = results_csv(poll(), tally(QUESTIONS, [b.ballot for b in stored if b.ballot]), None, "en")
    body = data.decode("utf-8-sig")
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "").replace("\nleave", "")
    assert '""hi""' in body


def test_counts_read_back_exactly() -> None:
    stored = ballots()
    results = tally(QUESTIONS, [b.ballot for b in stored if b.ballot])
    read = rows(results_csv(poll(), results, None, "en"))
    assert read[0] == ["Respondents", "8"]
    assert read[1] == ["Question", "Choice", "Count", "Percentage", "Answer"]
    counts = {(row[0], row[1]): (int(row[2]), row[3]) for row in read[2:] if row[1]}
    assert counts[("Which day?", "Monday")] == (7, "87.5")
    assert counts[("Which day?", "'=cmd|' /C calc'!A0")] == (0, "0.0")
    assert counts[("Which day?", "Zondag, laat")] == (1, "12.5")
    assert counts[("How was it?", "5")] == (7, "87.5")
    assert counts[("How was it?", "2")] == (1, "12.5")


def test_hostile_answers_are_neutralised_and_otherwise_intact() -> None:
    stored = ballots()
    results = tally(QUESTIONS, [b.ballot for b in stored if b.ballot])
    read = rows(results_csv(poll(), results, None, "en"))
    answers = {row[4] for row in read[2:] if row[0] == "Anything else?" and row[4]}
    assert answers == {
        "'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'say "hi", then\nleave',
    }
    cells = [cell for row in read for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


@pytest.mark.parametrize("cell", ["=1", "+1", "-1", "@a", "\t1", "\r1"])
def test_every_formula_start_gets_a_quote(cell: str) -> None:
    assert neutralised(cell) == "'" + cell
    assert neutralised("1" + cell) == "1" + cell


def test_a_named_poll_lists_each_member_with_their_answers() -> None:
    stored = ballots()
    results = tally(QUESTIONS, [b.ballot for b in stored if b.ballot])
    read = rows(results_csv(poll(), results, stored, "en"))
    start = read.index(["Member", "Which day?", "How was it?", "Anything else?"])
    members = read[start + 1:]
    assert [row[0] for row in members] == [f"U{n}" for n in range(1, 9)]
    assert members[0] == ["U1", "Monday", "5", "'=HYPERLINK(\"http://x\",\"y\")"]
    assert members[-1] == ["U8", "Zondag, laat", "2", ""]


def test_an_anonymous_poll_names_no_member_and_refuses_ballots() -> None:
    stored = ballots()
    results = tally(QUESTIONS, [b.ballot for b in stored if b.ballot])
    data = results_csv(poll(anonymous=True), results, None, "en")
    assert b"U1" not in data and b"v1" not in data
    assert "Member" not in data.decode("utf-8-sig")
    with pytest.raises(ValueError, match="anonymous"):
        results_csv(poll(anonymous=True), results, stored, "en")


def test_header_words_are_dutch() -> None:
    results = tally(QUESTIONS, [])
    read = rows(results_csv(poll(), results, [], "nl"))
    assert read[0] == ["Respondenten", "0"]
    assert read[1] == ["Vraag", "Keuze", "Aantal", "Percentage", "Antwoord"]
    assert ["Lid", "Which day?", "How was it?", "Anything else?"] in read
