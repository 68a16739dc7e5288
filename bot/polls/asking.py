"""Rounds asked on their own: the scheduled kind that asks each round when its rhythm comes, and the meetings
feature's after-meeting hook that asks a series' feedback round when one of its meetings ends.

Both post the round's poll in the community's channel with a delivery key of their own, so a retry posts it once;
the poll itself is asked once per round and time (`RoundService.ask`).
"""

from __future__ import annotations

import logging
from datetime import UTC

from bot.action_refs import ActionRefs
from bot.i18n import Msg, Translator, _, render
from bot.meetings.model import Answer as Rsvp
from bot.meetings.model import Meeting
from bot.meetings.reminders import MeetingContext
from bot.messages import ChannelMention, Inline, Message, Paragraph, Text, UserText
from bot.polls.messages import poll_post
from bot.polls.rounds import ROUND, Asked, RoundService
from bot.polls.service import PollService
from bot.ports import DeliveryError, Messenger, UnitOfWorkFactory
from bot.preferences import community_language
from bot.refs import MemberRef
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule

log = logging.getLogger(__name__)


def _say(translator: Translator, language: str):  # type: ignore[no-untyped-def]
    def say(message: Msg | Text | Inline) -> Text:
        return render(translator, language, message) if isinstance(message, Msg) else Text.of(message)

    return say


def round_post(asked: Asked, translator: Translator, refs: ActionRefs, polls: PollService) -> Message:
    say = _say(translator, community_language(asked.community))
    return Message(poll_post(say, asked.view, refs, polls.min_answers))


class PollRounds:
    """Asks each scheduled round when its time comes and posts it. Missed while Hearth was down, the newest missed
    round is asked when it starts again (a survey a day late is still worth answering; three missed, once)."""

    kind = ROUND
    catch_up = CatchUp(lateness=None, coalesce=True)

    def __init__(self, rounds: RoundService, polls: PollService, messenger: Messenger, translator: Translator,
                 refs: ActionRefs) -> None:
        self._rounds = rounds
        self._polls = polls
        self._messenger = messenger
        self._translator = translator
        self._refs = refs

    async def schedules(self) -> list[Schedule]:
        return await self._rounds.scheduled()

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        return await self._rounds.schedule_of(workspace_id, int(subject)) if subject.isdigit() else None

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        if not occurrence.subject.isdigit():
            return Outcome.OBSOLETE
        asked = await self._rounds.ask(occurrence.workspace_id, int(occurrence.subject), occurrence.at)
        if asked is None:
            return Outcome.OBSOLETE
        post = round_post(asked, self._translator, self._refs, self._polls)
        await self._messenger.send(asked.community.channel, Message(post.blocks,
                                                                     delivery_key=occurrence.delivery_key))
        return Outcome.SENT


class FeedbackAfterMeetings:
    """The meetings feature's after-meeting hook: a series with feedback on gets the `session` round in its
    community's channel, and (when asked for) a direct message to each member who said they were going."""

    def __init__(self, rounds: RoundService, polls: PollService, uow: UnitOfWorkFactory) -> None:
        self._rounds = rounds
        self._polls = polls
        self._uow = uow

    async def __call__(self, context: MeetingContext, meeting: Meeting) -> None:
        series = meeting.series
        asked = await self._rounds.after_meeting(series.workspace_id, series.id, meeting.start)
        if asked is None:
            return
        key = f"poll.feedback|{series.workspace_id}|{series.id}|{meeting.original.astimezone(UTC).isoformat()}"
        post = round_post(asked, context.translator, context.refs, self._polls)
        await context.messenger.send(asked.community.channel, Message(post.blocks, delivery_key=key))
        if not asked.round.direct:
            return
        async with self._uow(read_only=True) as uow:
            answers = await uow.meetings.rsvps(series.workspace_id, series.id, meeting.original)
        say = _say(context.translator, community_language(asked.community))
        text = say(_("How did {title} go? Tell us in the feedback poll in {channel}: it takes a minute.",
                     title=UserText(series.title), channel=ChannelMention(asked.community.channel)))
        for member_id, answer in sorted(answers.items()):
            if answer is not Rsvp.GOING:
                continue
            try:
                await context.messenger.send_direct(
                    MemberRef(asked.community.channel.workspace, member_id),
                    Message((Paragraph(text),), delivery_key=f"{key}|{member_id}"))
            except DeliveryError:
                # A member who closed their direct messages still has the post in the channel.
                log.info("feedback DM for series %s not delivered to one member", series.id)
