"""The polls service on SQLite and PostgreSQL: one unit of work per request, every kind of question, one ballot per
member under storm, refusals that change nothing, and anonymous polls that keep no trace of who answered what."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.acknowledgements import Delivery, delivering, handling
from bot.clock import SimulatedClock
from bot.errors import NotFound, PermissionDenied, UserError
from bot.polls.anonymity import BallotSealer
from bot.polls.model import Answer, PollStatus, Question, QuestionKind, ResultsShown
from bot.polls.requests import AnswerQuestion, ClosePoll, CreatePoll, Hidden, ListPolls, ShowPoll, SubmitBallot
from bot.polls.service import PollService
from bot.ports import UnitOfWorkFactory
from bot.tenancy import Scope
from storage.acknowledged import SqlAcknowledgementLog
from storage.tables import AcknowledgedRow
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.counting_units import CountingUnits
from tests.worlds import two_communities

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
KEY = bytes(range(32))
DAYS = Question(QuestionKind.SINGLE, "Which day?", ("Monday", "Tuesday", "Wednesday"))
TOPICS = Question(QuestionKind.MULTIPLE, "Which topics?", ("dbt", "Dashboards", "Testing", "Lineage"), most=2)
USEFUL = Question(QuestionKind.RATING, "How useful was today?", scale=5, low="Not at all", high="Very")
NEXT = Question(QuestionKind.OPEN, "What should we discuss next?")


@dataclass
class World:
    service: PollService
    units: CountingUnits
    clock: SimulatedClock
    ana: Scope  # a facilitator
    members: list[Scope]  # ten members of the same community
    elsewhere: Scope  # a member of another community

    async def count(self, call: Any) -> tuple[Any, int]:
        before = self.units.opened
        result = await call
        return result, self.units.opened - before


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    acme = await two_communities(uow_factory, members=10, at=NOW)
    units = CountingUnits(uow_factory)
    clock = SimulatedClock(NOW)
    return World(PollService(units, clock, BallotSealer(KEY)), units, clock, acme.ana, acme.members, acme.elsewhere)


async def test_every_request_runs_in_exactly_one_unit_of_work(world: World) -> None:
    service, ana, ben = world.service, world.ana, world.members[0]
    created, units = await world.count(service.create(CreatePoll(ana, (DAYS,))))
    assert units == 1 and created.poll.id > 0 and created.respondents == 0
    poll = created.poll.id
    for request in (service.answer(AnswerQuestion(ben, poll, choice=1)), service.show(ShowPoll(ben, poll)),
                    service.polls(ListPolls(ben)), service.submit(SubmitBallot(ben, poll, (Answer((2,)),))),
                    service.close(ClosePoll(ana, poll))):
        _result, units = await world.count(request)
        assert units == 1


async def test_a_single_choice_counts_each_member_once_and_follows_a_change(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (DAYS,)))).poll.id
    for scope, choice in zip(world.members[:4], (0, 1, 1, 2), strict=True):
        await world.service.answer(AnswerQuestion(scope, poll, choice=choice))
    changed = await world.service.answer(AnswerQuestion(world.members[0], poll, choice=1))  # Monday -> Tuesday
    again = await world.service.answer(AnswerQuestion(world.members[0], poll, choice=1))  # a double click
    assert changed.answer == again.answer == Answer((1,))
    view = again.view
    assert view.respondents == 4 and view.mine == (Answer((1,)),)
    assert view.results is not None and view.results.questions[0].counts == (0, 3, 1)


async def test_a_multiple_choice_toggles_up_to_its_most(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (TOPICS,)))).poll.id
    ben = world.members[0]
    await world.service.answer(AnswerQuestion(ben, poll, choice=0))
    await world.service.answer(AnswerQuestion(ben, poll, choice=2))
    with pytest.raises(UserError) as refused:
        await world.service.answer(AnswerQuestion(ben, poll, choice=3))
    assert refused.value.message.msgid == "Choose at most {n}: take one back first."
    back = await world.service.answer(AnswerQuestion(ben, poll, choice=0))  # takes dbt back
    assert back.answer == Answer((2,))
    emptied = await world.service.answer(AnswerQuestion(ben, poll, choice=2))
    assert emptied.answer == Answer() and emptied.view.respondents == 0
    assert emptied.view.results is not None and emptied.view.results.questions[0].counts == (0, 0, 0, 0)


async def test_a_rating_has_its_mean_and_an_open_question_its_answers_sorted(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (USEFUL, NEXT), title="After the session"))).poll
    assert poll.heading == "After the session"
    for scope, (points, words) in zip(world.members, [(4, "lineage"), (5, "Alerting"), (2, "")], strict=False):
        ballot = (Answer((points - 1,)), Answer(text=words) if words else Answer())
        await world.service.submit(SubmitBallot(scope, poll.id, ballot))
    shown = await world.service.show(ShowPoll(world.ana, poll.id))
    assert shown.results is not None
    rating, open_question = shown.results.questions
    assert rating.counts == (0, 1, 0, 1, 1) and rating.mean == pytest.approx(11 / 3) and rating.answered == 3
    assert open_question.answered == 2 and open_question.texts == ("Alerting", "lineage")


async def test_results_shown_only_when_closed_or_only_to_facilitators(world: World) -> None:
    service, ana, ben = world.service, world.ana, world.members[0]
    later = (await service.create(CreatePoll(ben, (DAYS,), results=ResultsShown.CLOSED))).poll.id
    await service.answer(AnswerQuestion(world.members[1], later, choice=0))
    hidden = await service.show(ShowPoll(world.members[1], later))
    assert hidden.results is None and hidden.hidden is Hidden.UNTIL_CLOSED and hidden.respondents == 1
    assert (await service.show(ShowPoll(ana, later))).results is not None  # facilitators see them
    assert (await service.show(ShowPoll(ben, later))).results is not None  # and its author
    await service.close(ClosePoll(ben, later))
    assert (await service.show(ShowPoll(world.members[1], later))).results is not None
    private = (await service.create(CreatePoll(ana, (DAYS,), results=ResultsShown.FACILITATORS))).poll.id
    await service.close(ClosePoll(ana, private))
    assert (await service.show(ShowPoll(ben, private))).hidden is Hidden.FACILITATORS


async def test_closing_is_for_its_author_or_a_facilitator_and_stops_answers(world: World) -> None:
    service, ben, cy = world.service, world.members[0], world.members[1]
    poll = (await service.create(CreatePoll(ben, (DAYS,)))).poll.id
    with pytest.raises(PermissionDenied):
        await service.close(ClosePoll(cy, poll))
    closed = await service.close(ClosePoll(ben, poll))
    assert closed.poll.status is PollStatus.CLOSED and not closed.open
    with pytest.raises(UserError) as refused:
        await service.answer(AnswerQuestion(cy, poll, choice=0))
    assert refused.value.message.msgid.startswith("Poll {id} has closed")
    with pytest.raises(UserError):
        await service.close(ClosePoll(world.ana, poll))


async def test_a_poll_closes_at_its_time(world: World) -> None:
    service = world.service
    poll = (await service.create(CreatePoll(world.ana, (DAYS,), closes_at=NOW + timedelta(days=3)))).poll.id
    await service.answer(AnswerQuestion(world.members[0], poll, choice=2))
    assert await service.close_due() == []
    world.clock.advance(timedelta(days=3))
    with pytest.raises(UserError):
        await service.answer(AnswerQuestion(world.members[1], poll, choice=0))  # its time has come
    (closed,) = await service.close_due()
    assert closed.poll.id == poll and closed.results is not None and closed.results.questions[0].counts == (0, 0, 1)
    assert await service.close_due() == []


async def test_a_poll_of_another_community_is_out_of_reach(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (DAYS,)))).poll.id
    for request in (world.service.answer(AnswerQuestion(world.elsewhere, poll, choice=0)),
                    world.service.show(ShowPoll(world.elsewhere, poll)),
                    world.service.close(ClosePoll(world.elsewhere, poll)),
                    world.service.show(ShowPoll(world.ana, 10**30))):
        with pytest.raises(NotFound):
            await request
    assert (await world.service.show(ShowPoll(world.ana, poll))).respondents == 0


@pytest.mark.parametrize(("question", "said"), [
    (Question(QuestionKind.SINGLE, "Which?", ("Only one",)), "A poll has {low} to {high} options; this one has {n}."),
    (Question(QuestionKind.SINGLE, "Which?", tuple(f"O{n}" for n in range(26))),
     "A poll has {low} to {high} options; this one has {n}."),
    (Question(QuestionKind.SINGLE, "Which?", ("Tea", "tea ")), "The option {option} is there twice."),
    (Question(QuestionKind.SINGLE, "  ", ("A", "B")), "{what} cannot be empty."),
    (Question(QuestionKind.SINGLE, "Q" * 301, ("A", "B")), "{what} has at most {max} characters; this one has {n}."),
    (Question(QuestionKind.RATING, "How?", scale=7), "A rating goes from 1 to 5 or from 1 to 10, not to {n}."),
    (Question(QuestionKind.MULTIPLE, "Which?", ("A", "B"), most=3), "--multi takes a number from 1 to {n}, the "
                                                                  "number of options."),
])
async def test_bad_questions_are_refused_and_nothing_is_stored(world: World, question: Question, said: str) -> None:
    with pytest.raises(UserError) as refused:
        await world.service.create(CreatePoll(world.ana, (question,)))
    assert refused.value.message.msgid == said
    assert await world.service.polls(ListPolls(world.ana)) == []


async def test_a_closing_time_in_the_past_is_refused(world: World) -> None:
    with pytest.raises(UserError) as refused:
        await world.service.create(CreatePoll(world.ana, (DAYS,), closes_at=NOW - timedelta(minutes=1)))
    assert refused.value.message.msgid == "That closing time has passed: {when}."


async def test_a_vote_storm_counts_every_member_once(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (DAYS,)))).poll.id
    # Each member clicks three times at once, on two devices: the last click of each is Wednesday.
    clicks = [world.service.answer(AnswerQuestion(scope, poll, choice=2)) for scope in world.members for _ in range(3)]
    await asyncio.gather(*clicks)
    shown = await world.service.show(ShowPoll(world.ana, poll))
    assert shown.respondents == 10
    assert shown.results is not None and shown.results.questions[0].counts == (0, 0, 10)


async def test_anonymous_polls_keep_no_trace_of_who_answered_what(world: World, database_engine: AsyncEngine) -> None:
    service = world.service
    poll = (await service.create(CreatePoll(world.ana, (DAYS, NEXT), anonymous=True))).poll.id
    for index, scope in enumerate(world.members[:2]):
        await service.submit(SubmitBallot(scope, poll, (Answer((index,)), Answer(text=f"idea {index}"))))
    early = await service.show(ShowPoll(world.ana, poll))
    assert early.results is None and early.hidden is Hidden.TOO_FEW and early.respondents == 2
    await service.submit(SubmitBallot(world.members[2], poll, (Answer((1,)), Answer(text="idea 2"))))
    mine = await service.show(ShowPoll(world.members[0], poll))
    assert mine.mine == (Answer((0,)), Answer(text="idea 0"))  # a member sees their own answer
    assert mine.results is not None and mine.results.questions[0].counts == (1, 2, 0)
    async with database_engine.connect() as connection:
        rows = (await connection.execute(text("SELECT voter, member_id, answers, sealed, updated_at FROM poll_ballot"
                                              ))).all()
    members = {scope.member.ref.id for scope in world.members}
    assert len(rows) == 3
    for voter, member_id, answers, sealed, updated_at in rows:
        assert member_id is None and answers is None and updated_at is None and voter not in members
        assert b"idea" not in bytes(sealed) and b"[0]" not in bytes(sealed)
    # Another key opens nothing.
    with pytest.raises(ValueError, match="does not open"):
        BallotSealer(bytes(32)).unseal(poll, rows[0][0], bytes(rows[0][3]))
    closed = await service.close(ClosePoll(world.ana, poll))
    assert closed.results is not None and closed.results.questions[1].texts == ("idea 0", "idea 1", "idea 2")
    async with database_engine.connect() as connection:
        left = (await connection.execute(text("SELECT count(*) FROM poll_ballot"))).scalar_one()
        counts = (await connection.execute(text("SELECT count(*) FROM poll_count"))).scalar_one()
    assert left == 0 and counts == 0  # only the results stay
    after = await service.show(ShowPoll(world.members[1], poll))
    assert after.respondents == 3 and after.mine is None and after.results == closed.results


async def test_topics_suggested_at_once_are_all_kept_each_with_its_upvote(world: World) -> None:
    from bot.polls.requests import SuggestTopic

    topics = Question(QuestionKind.TOPICS, "What should we talk about?")
    poll = (await world.service.create(CreatePoll(world.ana, (topics,)))).poll.id
    await asyncio.gather(*(world.service.suggest(SuggestTopic(scope, poll, f"Topic {n}"))
                           for n, scope in enumerate(world.members[:6])))
    shown = await world.service.show(ShowPoll(world.ana, poll))
    assert sorted(shown.poll.questions[0].options) == [f"Topic {n}" for n in range(6)]
    assert shown.results is not None and shown.results.questions[0].counts == (1,) * 6 and shown.respondents == 6
    with pytest.raises(UserError):
        await world.service.suggest(SuggestTopic(world.ana, poll, "topic 3"))


async def test_answers_arriving_together_share_units_each_with_its_own_result(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (TOPICS,)))).poll.id
    before = world.units.opened
    # Each member clicks dbt, dbt again (taking it back) and Dashboards, all at the same moment.
    clicks = [world.service.answer(AnswerQuestion(scope, poll, choice=choice))
              for scope in world.members for choice in (0, 0, 1)]
    answered = await asyncio.gather(*clicks)
    assert world.units.opened - before < len(clicks)  # written together, not one unit each
    for n in range(len(world.members)):
        assert [result.answer.chosen for result in answered[3 * n:3 * n + 3]] == [(0,), (), (1,)]  # in order
    shown = await world.service.show(ShowPoll(world.ana, poll))
    assert shown.respondents == 10
    assert shown.results is not None and shown.results.questions[0].counts == (0, 10, 0, 0)
    assert answered[-1].view.respondents == 10  # the view after the batch that held the last click


async def test_a_refused_answer_among_others_fails_alone_and_changes_nothing(world: World) -> None:
    poll = (await world.service.create(CreatePoll(world.ana, (DAYS,)))).poll.id
    requests = [AnswerQuestion(world.members[0], poll, choice=0),
                AnswerQuestion(world.elsewhere, poll, choice=1),  # another community: no such poll there
                AnswerQuestion(world.members[1], poll, question=3, choice=0),  # no fourth question
                AnswerQuestion(world.members[2], poll, choice=7),  # no eighth option
                AnswerQuestion(world.members[3], poll, choice=2)]
    outcomes = await asyncio.gather(*(world.service.answer(request) for request in requests),
                                    return_exceptions=True)
    assert isinstance(outcomes[1], NotFound)
    assert isinstance(outcomes[2], UserError) and isinstance(outcomes[3], UserError)
    shown = await world.service.show(ShowPoll(world.ana, poll))
    assert shown.respondents == 2
    assert shown.results is not None and shown.results.questions[0].counts == (1, 0, 1)
    for scope in (world.members[1], world.members[2]):
        assert (await world.service.show(ShowPoll(scope, poll))).mine is None


async def test_answers_written_together_mark_each_their_own_delivery_handled(
        world: World, uow_factory: SqlUnitOfWorkFactory, database_engine: AsyncEngine) -> None:
    log = SqlAcknowledgementLog(database_engine, units=uow_factory, owner="here")
    poll = (await world.service.create(CreatePoll(world.ana, (DAYS,)))).poll.id
    clicks = [(Delivery("slack", f"click-{n}"), AnswerQuestion(scope, poll, choice=n % 3))
              for n, scope in enumerate(world.members[:4])]
    refused = (Delivery("slack", "click-refused"), AnswerQuestion(world.members[4], poll, choice=9))
    for delivery, _request in (*clicks, refused):
        await log.record(delivery, {"kind": "action"}, at=NOW, answer_until=NOW + timedelta(minutes=30))

    async def delivered(delivery: Delivery, request: AnswerQuestion) -> object:
        with delivering(delivery), handling():
            return await world.service.answer(request)

    before = world.units.opened
    await asyncio.gather(*(delivered(*click) for click in (*clicks, refused)), return_exceptions=True)
    assert world.units.opened - before < len(clicks) + 1  # some went together in one unit
    table = AcknowledgedRow.__table__  # type: ignore[attr-defined]
    async with database_engine.connect() as connection:
        flags = dict((await connection.execute(select(table.c.delivery_key, table.c.handled))).all())
    assert flags == {**{f"click-{n}": True for n in range(4)}, "click-refused": False}
