"""The nudge service on SQLite and PostgreSQL: one unit of work per request, goals and wishes kept, the prompt bank
seeded once with the kind's prompts (one set aside never comes back; a new kind adds its own), refusals change
nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import SimulatedClock
from bot.errors import NotFound, PermissionDenied, UserError
from bot.nudges.model import Goal, Period
from bot.nudges.prompts import DEFAULT_PROMPTS
from bot.nudges.requests import AddPrompt, ChangeWishes, ListPrompts, RemovePrompt, SetGoal, ShowMine, ShowStatus
from bot.nudges.service import NudgeService
from bot.ports import UnitOfWorkFactory
from bot.tenancy import COMMUNITY_TYPE
from tests.counting_units import CountingUnits
from tests.worlds import two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def test_goals_wishes_and_prompts_each_in_one_unit(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=2, at=NOW)
    units = CountingUnits(uow_factory)
    service = NudgeService(units, SimulatedClock(NOW))
    ana, ben = acme.ana, acme.members[0]
    for call in (service.set_goal(SetGoal(ana, 4, Period.WEEK)), service.status(ShowStatus(ben)),
                 service.mine(ShowMine(ben)), service.change_wishes(ChangeWishes(ben, off=True)),
                 service.prompts(ListPrompts(ben)), service.add_prompt(AddPrompt(ana, "What now?"))):
        before = units.opened
        await call
        assert units.opened - before == 1
    assert (await service.status(ShowStatus(ben))).goal == Goal(4, Period.WEEK)
    assert (await service.mine(ShowMine(ben))).wishes.off
    assert not (await service.mine(ShowMine(acme.members[1]))).wishes.off  # one member's wish is theirs


async def test_the_bank_is_seeded_once_and_a_set_aside_prompt_stays_aside(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=1, at=NOW)
    service = NudgeService(uow_factory, SimulatedClock(NOW))
    ana = acme.ana
    first = (await service.prompts(ListPrompts(ana))).prompts
    assert [p.key for p in first] == [key for key, _m in DEFAULT_PROMPTS["best-practice"]]
    assert (await service.prompts(ListPrompts(ana))).prompts == first  # not seeded twice
    await service.remove_prompt(RemovePrompt(ana, first[0].id))
    again = (await service.prompts(ListPrompts(ana))).prompts
    assert first[0] not in again and len(again) == len(first) - 1
    innovating = replace(ana, community=replace(ana.community, settings={COMMUNITY_TYPE.key: "innovation"}))
    keys = [p.key for p in (await service.prompts(ListPrompts(innovating))).prompts]
    assert keys == [key for key, _m in DEFAULT_PROMPTS["innovation"]]  # the new kind's, not the old kind's
    assert [p.key for p in (await service.prompts(ListPrompts(ana))).prompts] == [p.key for p in again]
    with pytest.raises(NotFound):
        await service.remove_prompt(RemovePrompt(ana, first[0].id))  # already aside


async def test_refusals_change_nothing(uow_factory: UnitOfWorkFactory) -> None:
    acme = await two_communities(uow_factory, members=1, at=NOW)
    service = NudgeService(uow_factory, SimulatedClock(NOW))
    ana, ben = acme.ana, acme.members[0]
    with pytest.raises(PermissionDenied):
        await service.set_goal(SetGoal(ben, 3, Period.WEEK))
    for posts, period in ((0, Period.WEEK), (501, Period.WEEK), (2001, Period.MONTH), (-1, Period.MONTH)):
        with pytest.raises(UserError):
            await service.set_goal(SetGoal(ana, posts, period))
    assert (await service.status(ShowStatus(ben))).goal is None
    for wish in (ChangeWishes(ben, snooze_until=NOW - timedelta(days=1)),
                 ChangeWishes(ben, snooze_until=NOW + timedelta(days=400)), ChangeWishes(ben, every_days=0)):
        with pytest.raises(UserError):
            await service.change_wishes(wish)
    assert (await service.mine(ShowMine(ben))).wishes == type((await service.mine(ShowMine(ben))).wishes)()
    with pytest.raises(PermissionDenied):
        await service.add_prompt(AddPrompt(ben, "Mine"))
    with pytest.raises(UserError):
        await service.add_prompt(AddPrompt(ana, "   "))
