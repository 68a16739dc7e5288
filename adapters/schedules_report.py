"""`hearth schedules`: what is scheduled next, and what the delivery ledger did lately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.wiring import Hearth
from bot.scheduling.ledger import Delivery, DeliveryLedger, DeliveryState
from bot.scheduling.model import Schedule


async def print_schedules(hearth: Hearth, ledger: DeliveryLedger, out: TextIO, *, limit: int = 30) -> None:
    """Write the next occurrence of each schedule (local and UTC), recent deliveries and recent failures."""
    engine = hearth.scheduler
    await engine.start()
    upcoming = engine.upcoming(limit)
    names = await _community_names(hearth, [schedule for schedule, _ in upcoming])
    out.write("Scheduled next\n")
    if not upcoming:
        out.write("  nothing is scheduled\n")
    for schedule, occurrence in upcoming:
        zone = ZoneInfo(schedule.recurrence.timezone)
        where = names.get((schedule.workspace_id, schedule.community_id), f"workspace {schedule.workspace_id}")
        out.write(
            f"  {_local(occurrence.due, zone)}  {_utc(occurrence.due)}  {where} · {schedule.kind} · "
            f"{schedule.subject}\n"
        )
    out.write("\nRecent deliveries\n")
    _rows(out, await ledger.recent(15))
    out.write("\nRecent failures and skips\n")
    _rows(out, await ledger.recent(
        15, states=(DeliveryState.FAILED, DeliveryState.DROPPED, DeliveryState.PENDING)
    ))


async def _community_names(
    hearth: Hearth, schedules: Sequence[Schedule]
) -> dict[tuple[int, int | None], str]:
    keys = [(s.workspace_id, s.community_id) for s in schedules if s.community_id is not None]
    return {key: name for key, name in (await hearth.services.community.community_names(keys)).items()}


def _rows(out: TextIO, rows: Sequence[Delivery]) -> None:
    if not rows:
        out.write("  none\n")
    for row in rows:
        occurrence = row.occurrence
        detail = f" — {row.detail}" if row.detail else ""
        out.write(
            f"  {_utc(row.updated_at)}  {row.state.value:<9} {occurrence.kind} · {occurrence.subject} "
            f"(workspace {occurrence.workspace_id}, for {_utc(occurrence.at)}, attempt {row.attempts}){detail}\n"
        )


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b %Y %H:%M %Z}"


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%MZ")
