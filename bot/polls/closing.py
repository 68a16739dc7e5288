"""The scheduled kind that closes polls at their time and posts their results in the community's channel."""

from __future__ import annotations

from bot.action_refs import ActionRefs
from bot.i18n import Translator, _, sayer
from bot.messages import Message, Paragraph
from bot.polls.messages import poll_post, results_files
from bot.polls.service import CLOSING, PollService
from bot.ports import Messenger
from bot.preferences import community_language
from bot.scheduling.model import CatchUp, Occurrence, Outcome, Schedule


class PollClosing:
    """Closes each poll when its `--closes` time comes and posts the results, once (a retry posts with the same
    delivery key). A poll closed by hand before then has no occurrence left; one whose time passed while Hearth
    was down is closed when it starts again, however late."""

    kind = CLOSING
    catch_up = CatchUp(lateness=None)

    def __init__(self, polls: PollService, messenger: Messenger, translator: Translator, refs: ActionRefs) -> None:
        self._polls = polls
        self._messenger = messenger
        self._translator = translator
        self._refs = refs

    async def schedules(self) -> list[Schedule]:
        return await self._polls.closing_schedules()

    async def schedule(self, workspace_id: int, subject: str) -> Schedule | None:
        if not subject.isdigit():
            return None
        return await self._polls.closing_schedule_of(workspace_id, int(subject))

    async def deliver(self, occurrence: Occurrence) -> Outcome:
        if not occurrence.subject.isdigit():
            return Outcome.OBSOLETE
        closed = await self._polls.close_in_time(occurrence.workspace_id, int(occurrence.subject))
        if closed is None:
            return Outcome.OBSOLETE
        view, community = closed
        language = community_language(community)
        say = sayer(self._translator, language)
        blocks = list(poll_post(say, view, self._refs, self._polls.min_answers))
        blocks.insert(1, Paragraph(say(_("This poll has closed. The results:"))))
        await self._messenger.send(community.channel, Message(tuple(blocks), files=results_files(view, language),
                                                              delivery_key=occurrence.delivery_key))
        return Outcome.SENT
