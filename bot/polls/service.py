"""`PollService`: polls of a community, their answers and their results, named or anonymous."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.acknowledgements import working_for
from bot.errors import NotFound, PermissionDenied, UserError
from bot.group_commit import GroupCommit, Pending
from bot.i18n import Msg, Translator, _
from bot.messages import Timestamp, UserText
from bot.polls.anonymity import BallotSealer
from bot.polls.model import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    SCALES,
    Answer,
    Ballot,
    Poll,
    PollStatus,
    Question,
    QuestionKind,
    QuestionResults,
    Results,
    ResultsShown,
)
from bot.polls.ports import ANSWERED, RESPONDENTS, CountKey, StoredBallot
from bot.polls.requests import (
    AddTemplate,
    Answered,
    AnswerQuestion,
    AnswerQuestions,
    AwaitingAnswer,
    ChooseReminders,
    ClosePoll,
    CreatePoll,
    CreateSurvey,
    ExportPoll,
    Hidden,
    ListPolls,
    ListTemplates,
    PollExport,
    PollView,
    RemoveTemplate,
    ShowPoll,
    ShowTemplate,
    SubmitBallot,
    SuggestTopic,
    TemplateAdded,
)
from bot.polls.templates import BUILT_IN, Template, built_in
from bot.ports import Clock, Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.preferences import community_language
from bot.recurrence import Recurrence
from bot.refs import MemberRef
from bot.scheduling.model import Schedule
from bot.tenancy import POLL_ASKERS, Community, Member, Role, Scope, in_community
from bot.text_limits import POLL_TITLE, TextLimit, one_line, several_lines

MIN_ANSWERS = 3  # an anonymous poll's results are shown once this many members answered
MAX_QUESTIONS = 20
LISTED = 20
# Questions, options and labels are kept in the poll's JSON, answers in its ballots: no column limits them.
QUESTION = POLL_TITLE
OPTION = TextLimit("poll option", 80)
OPEN_ANSWER = TextLimit("poll answer", 2000, multiline=True)
SCALE_LABEL = TextLimit("rating label", 40)


class PollService:
    """Everything that changes or reads polls.

    Each request runs in exactly one unit of work and returns a domain result; a request the member can fix raises
    a `UserError` (`NotFound`, `PermissionDenied`) and changes nothing. A poll is only found in the community the
    request is asked in. One member has one ballot per poll (the database's constraint); answers change until the
    poll closes. An anonymous poll's ballots are sealed under a voter token (`bot.polls.anonymity`), its results
    are shown to nobody before `min_answers` members answered, and when it closes only its results are kept.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, sealer: BallotSealer, *,
                 scheduler: Scheduler | None = None, min_answers: int = MIN_ANSWERS,
                 translator: Translator | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._sealer = sealer
        self._scheduler = scheduler
        self._min_answers = max(1, min_answers)
        self._translator = translator
        self._answers: GroupCommit[AnswerQuestion, Answered] = GroupCommit(self._answer_together)

    # --- creating and closing --------------------------------------------------------------------------------

    async def create(self, request: CreatePoll) -> PollView:
        """A new poll in the scope's community, by any member."""
        scope = request.scope
        now = self._clock.now()
        poll = self.new_poll(scope, request.questions, title=request.title, anonymous=request.anonymous,
                             results=request.results, closes_at=request.closes_at, template=request.template, now=now,
                             remind_before=request.remind_before)
        async with self._uow() as uow:
            poll = await uow.polls.add_poll(poll, now)
            await uow.commit()
        await self._reschedule(poll)
        return self._new_view(poll, scope, now)

    def new_poll(self, scope: Scope, questions: Sequence[Question], *, title: str = "", anonymous: bool = False,
                 results: ResultsShown = ResultsShown.LIVE, closes_at: datetime | None = None, template: str = "",
                 now: datetime, remind_before: timedelta | None = None) -> Poll:
        """A poll to store, checked: who asks it, its questions, title and closing time (a `UserError` says what
        is wrong). A community that keeps polls to facilitators (`POLL_ASKERS`) refuses everyone else's."""
        community = in_community(scope)
        if POLL_ASKERS.of(community) == "facilitators" and not scope.may_facilitate:
            raise PermissionDenied(_("In {name}, facilitators ask the polls.", name=UserText(community.name)),
                                   hint=_("Suggest your question to a facilitator; /hearth settings shows who they "
                                          "are."))
        checked = tuple(checked_question(question) for question in questions)
        if not 1 <= len(checked) <= MAX_QUESTIONS:
            raise UserError(_("A poll asks 1 to {max} questions.", max=MAX_QUESTIONS))
        if closes_at is not None and closes_at <= now:
            raise UserError(_("That closing time has passed: {when}.", when=Timestamp(closes_at)),
                            hint=_("Give a time ahead, such as --closes 3d or --closes 2026-12-20 17:00."))
        if remind_before is not None:
            if closes_at is None:
                raise UserError(_("A reminder comes before the poll closes: give --closes as well."),
                                hint=_("For example: --closes 3d --remind 1d"))
            if not timedelta(minutes=1) <= remind_before < closes_at - now:
                raise UserError(_("--remind is a length of time before the poll closes, shorter than the time it "
                                  "is open."), hint=_("For example: --closes 3d --remind 1d"))
        return Poll(id=0, workspace_id=scope.workspace.id, community_id=community.id, author=scope.member.ref,
                    questions=checked, title=_checked(title, QUESTION) if title else "", anonymous=anonymous,
                    results=results, created_at=now,
                    closes_at=_whole_minute(closes_at) if closes_at is not None else None, template=template,
                    remind_before=remind_before)

    def _new_view(self, poll: Poll, scope: Scope | None, now: datetime) -> PollView:
        hidden = self._hidden(poll, scope, 0, now)
        return PollView(poll, 0, None if hidden else _empty(poll.questions), hidden, None, True)

    async def reschedule(self, poll: Poll) -> None:
        """Tell the scheduling engine about a new poll's closing time."""
        await self._reschedule(poll)

    # --- surveys and templates --------------------------------------------------------------------------------

    async def survey(self, request: CreateSurvey) -> PollView:
        """A survey from a template, written out in the community's language."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow() as uow:
            template = await self._template(uow, scope, request.template)
            title, questions = template.written(self.words(community))
            poll = self.new_poll(
                scope, questions, title=title,
                anonymous=template.anonymous if request.anonymous is None else request.anonymous,
                results=template.results if request.results is None else request.results,
                closes_at=request.closes_at, template=template.name, now=now, remind_before=request.remind_before)
            poll = await uow.polls.add_poll(poll, now)
            await uow.commit()
        await self._reschedule(poll)
        return self._new_view(poll, scope, now)

    def words(self, community: Community) -> Callable[[Msg], str]:
        """Catalog entries without placeholders (a template's texts) in the community's language."""
        language = community_language(community)
        translator = self._translator

        def say(message: Msg) -> str:
            return translator.gettext(language, message.msgid) if translator is not None else message.msgid

        return say

    async def template_of(self, scope: Scope, name: str) -> Template:
        """A template by name: the community's own, or one of Hearth's."""
        async with self._uow(read_only=True) as uow:
            return await self._template(uow, scope, name)

    async def find_template(self, uow: UnitOfWork, scope: Scope, name: str) -> Template:
        """`template_of` inside a unit that is open already."""
        return await self._template(uow, scope, name)

    async def _template(self, uow: UnitOfWork, scope: Scope, name: str) -> Template:
        community = in_community(scope)
        wanted = " ".join(name.split()).casefold()
        found = built_in(wanted) or await uow.poll_templates.template(scope.workspace.id, community.id, wanted)
        if found is None:
            raise NotFound(_("There is no template {name}.", name=UserText(wanted[:40])),
                           hint=_("See the templates with /poll templates."))
        return found

    async def show_template(self, request: ShowTemplate) -> Template:
        return await self.template_of(request.scope, request.name)

    async def templates(self, request: ListTemplates) -> tuple[list[Template], list[Template]]:
        """Hearth's templates, and the community's own by name."""
        community = in_community(request.scope)
        async with self._uow(read_only=True) as uow:
            own = await uow.poll_templates.templates_of(request.scope.workspace.id, community.id)
        return list(BUILT_IN.values()), own

    async def add_template(self, request: AddTemplate) -> TemplateAdded:
        """Read a template's spec and keep it for the community (facilitators); a broken spec is refused with the
        line and field that are wrong."""
        from bot.polls.spec import read_spec  # the spec reader needs the rules of this module

        scope = request.scope
        community = in_community(scope)
        if not scope.may_facilitate:
            raise PermissionDenied(_("Only facilitators can add templates."))
        template = read_spec(request.spec, author_id=scope.member.ref.id)
        async with self._uow() as uow:
            replaced = await uow.poll_templates.put_template(scope.workspace.id, community.id, template,
                                                             self._clock.now())
            await uow.commit()
        return TemplateAdded(template, replaced)

    async def remove_template(self, request: RemoveTemplate) -> str:
        scope = request.scope
        community = in_community(scope)
        if not scope.may_facilitate:
            raise PermissionDenied(_("Only facilitators can remove templates."))
        name = " ".join(request.name.split()).casefold()
        if built_in(name) is not None:
            raise UserError(_("{name} is one of Hearth's own templates: it cannot be removed.",
                              name=UserText(name)))
        async with self._uow() as uow:
            removed = await uow.poll_templates.remove_template(scope.workspace.id, community.id, name)
            await uow.commit()
        if not removed:
            raise NotFound(_("There is no template {name}.", name=UserText(name[:40])),
                           hint=_("See the templates with /poll templates."))
        return name

    async def close(self, request: ClosePoll) -> PollView:
        """Close a poll now: its author or a facilitator. Refuses one that has closed. Returns the poll as everyone
        sees it now (what its results post shows)."""
        scope = request.scope
        now = self._clock.now()
        async with self._uow() as uow:
            poll = await self._find(uow, scope, request.poll_id)
            if poll.status is PollStatus.CLOSED:
                raise UserError(_("Poll {id} has closed already.", id=poll.id))
            if poll.author != scope.member.ref and scope.member.role is not Role.FACILITATOR:
                raise PermissionDenied(_("Only the member who asked poll {id} or a facilitator can close it.",
                                         id=poll.id))
            closed = await self._close(uow, poll, now)
            view = await self._view(uow, closed, None, now)
            await uow.commit()
        await self._reschedule(closed)
        return view

    async def closing_schedules(self) -> list[Schedule]:
        """When each open poll with a closing time closes, for the scheduling engine (`bot.polls.closing`)."""
        async with self._uow(read_only=True) as uow:
            due = await uow.polls.due_to_close(_FAR_AHEAD)
        return [closing_schedule(poll) for poll in due]

    async def closing_schedule_of(self, workspace_id: int, poll_id: int) -> Schedule | None:
        async with self._uow(read_only=True) as uow:
            poll = await uow.polls.get_poll(workspace_id, poll_id)
        if poll is None or poll.status is not PollStatus.OPEN or poll.closes_at is None:
            return None
        return closing_schedule(poll)

    async def close_in_time(self, workspace_id: int, poll_id: int) -> tuple[PollView, Community] | None:
        """Close a poll whose closing time has come, and what its results post shows (to everyone) in which
        community. A poll closed already by its time (a retry) is shown again; one closed by hand, or not due
        yet, is None."""
        now = self._clock.now()
        async with self._uow() as uow:
            poll = await uow.polls.get_poll(workspace_id, poll_id)
            community = None if poll is None else await uow.communities.get(workspace_id, poll.community_id)
            if poll is None or community is None or poll.closes_at is None or now < poll.closes_at:
                return None
            if poll.status is PollStatus.OPEN:
                poll = await self._close(uow, poll, now)
            elif poll.closed_at is None or poll.closes_at is None or poll.closed_at < poll.closes_at:
                return None  # closed by hand before its time: its results were posted then
            view = await self._view(uow, poll, None, now)
            await uow.commit()
        return view, community

    async def _reschedule(self, poll: Poll) -> None:
        if self._scheduler is not None and (poll.closes_at is not None):
            await self._scheduler.refresh(CLOSING, poll.workspace_id, str(poll.id))
            if poll.remind_before is not None:
                await self._scheduler.refresh(REMINDING, poll.workspace_id, str(poll.id))

    # --- reminders ------------------------------------------------------------------------------------------

    async def reminder_schedules(self) -> list[Schedule]:
        """When each open poll reminds its members, for the scheduling engine (`bot.polls.reminding`)."""
        async with self._uow(read_only=True) as uow:
            due = await uow.polls.to_remind()
        return [schedule for poll in due if (schedule := reminder_schedule(poll)) is not None]

    async def reminder_schedule_of(self, workspace_id: int, poll_id: int) -> Schedule | None:
        async with self._uow(read_only=True) as uow:
            poll = await uow.polls.get_poll(workspace_id, poll_id)
        return None if poll is None or poll.status is not PollStatus.OPEN else reminder_schedule(poll)

    async def to_remind(self, workspace_id: int, poll_id: int, members: Sequence[MemberRef],
                        ) -> tuple[Poll, Community, list[Member | MemberRef]] | None:
        """Which of `members` (the channel's, as the platform says) a poll's reminder goes to: those who have not
        answered it and have not turned poll reminders off. None when the poll closed or is not there."""
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            poll = await uow.polls.get_poll(workspace_id, poll_id)
            community = None if poll is None else await uow.communities.get(workspace_id, poll.community_id)
            if poll is None or community is None or not poll.is_open(now):
                return None
            known = await uow.members.get_many(workspace_id, list(members))
            answered = {stored.voter for stored in await uow.polls.ballots(workspace_id, poll.id)}
            chosen: list[Member | MemberRef] = []
            for ref in members:
                member = known.get(ref)
                if member is not None and not reminders_on(member):
                    continue
                if (self._sealer.voter(poll.id, ref) if poll.anonymous else ref.id) not in answered:
                    chosen.append(member if member is not None else ref)
        return poll, community, chosen

    async def choose_reminders(self, request: ChooseReminders) -> Member:
        """Turn the member's poll reminders on or off (a preference of theirs, in every community)."""
        member = request.scope.member
        preferences = {k: v for k, v in member.preferences.items() if k != REMINDERS}
        if not request.on:
            preferences[REMINDERS] = "off"
        member = replace(member, preferences=preferences)
        async with self._uow() as uow:
            await uow.members.update(member)
            await uow.commit()
        return member

    async def close_due(self) -> list[PollView]:
        """Close every poll whose closing time has come; what each one's results post shows (to everyone)."""
        now = self._clock.now()
        closed: list[PollView] = []
        async with self._uow() as uow:
            for poll in await uow.polls.due_to_close(now):
                done = await self._close(uow, poll, now)
                closed.append(await self._view(uow, done, None, now))
            await uow.commit()
        return closed

    async def _close(self, uow: UnitOfWork, poll: Poll, now: datetime) -> Poll:
        closed = replace(poll, status=PollStatus.CLOSED, closed_at=now)
        kept = await self._results(uow, poll) if poll.anonymous else None
        await uow.polls.close_poll(closed, kept)
        return closed

    # --- answering ---------------------------------------------------------------------------------------------

    async def answer(self, request: AnswerQuestion) -> Answered:
        """Change the member's answer to one question: choose (a multiple choice toggles), rate, or write.

        Answers to one poll that arrive together are written together (bot/group_commit.py): each in exactly one
        unit of work, shared with those that were waiting beside it, in the order they arrived; each gets its own
        result, or its own `UserError`."""
        return await self._answers.submit((request.scope.workspace.id, request.poll_id), request)

    async def _answer_together(self, batch: Sequence[Pending[AnswerQuestion, Answered]]) -> None:
        first = batch[0].request
        now = self._clock.now()
        async with self._uow() as uow:
            poll = await self._get(uow, first.scope.workspace.id, first.poll_id)
            checked: list[tuple[Pending[AnswerQuestion, Answered], str]] = []
            for pending in batch:
                try:
                    found = self._answerable(poll, pending.request, now)
                except UserError as error:
                    pending.refuse(error)
                else:
                    checked.append((pending, self._voter(found, pending.request.scope)))
            if poll is None or not checked:
                return
            scopes = {voter: pending.request.scope for pending, voter in checked}
            stored = await uow.polls.lock_ballots(poll.workspace_id, poll.id, list(scopes))
            before = {voter: self._read(poll, ballot) for voter, ballot in stored.items()}
            current: dict[str, Ballot] = dict(before)
            answered: list[tuple[Pending[AnswerQuestion, Answered], str, Ballot]] = []
            for pending, voter in checked:  # in the order they arrived: a double click toggles twice
                request = pending.request
                ballot = list(current.get(voter) or _blank(poll))
                try:
                    ballot[request.question] = _changed(poll.questions[request.question], ballot[request.question],
                                                        request)
                except UserError as error:
                    pending.refuse(error)
                    continue
                current[voter] = tuple(ballot)
                answered.append((pending, voter, current[voter]))
            if not answered:
                return
            changed = {voter for _pending, voter, _after in answered}
            await self._store_many(uow, poll, [(voter, scopes[voter], before.get(voter), current[voter])
                                               for voter in sorted(changed)], now)
            # A voter whose every answer was refused keeps nothing, not even the placeholder that was held.
            untouched = [voter for voter in scopes if voter not in changed and voter not in before]
            await uow.polls.remove_ballots(poll.workspace_id, poll.id, untouched)
            counts = await uow.polls.counts(poll.workspace_id, poll.id)
            with working_for(pending.delivery for pending, _voter, _after in answered):
                await uow.commit()
        for pending, _voter, after in answered:
            request = pending.request
            view = self._counted_view(poll, request.scope, now, counts, mine=after)
            pending.done(Answered(view, request.question, after[request.question], self.public(view)))

    def _answerable(self, poll: Poll | None, request: AnswerQuestion, now: datetime) -> Poll:
        found = self._in_community(poll, request.scope, request.poll_id)
        self._ensure_open(found, now)
        if not 0 <= request.question < len(found.questions):
            raise UserError(_("Poll {id} has no question {n}.", id=found.id, n=request.question + 1))
        return found

    async def suggest(self, request: SuggestTopic) -> Answered:
        """Add a topic to a topics question (refusing one that is there already, whatever its case) and upvote it
        for the member who suggested it."""
        scope = request.scope
        now = self._clock.now()
        topic = _checked(request.text, OPTION)
        async with self._uow() as uow:
            poll = await self._find(uow, scope, request.poll_id)
            self._ensure_open(poll, now)
            index = request.question
            if not 0 <= index < len(poll.questions) or poll.questions[index].kind is not QuestionKind.TOPICS:
                raise UserError(_("Poll {id} takes no topics: it asks its own options.", id=poll.id))
            poll = await uow.polls.lock_poll(poll)  # topics added at the same moment land one after the other
            question = poll.questions[index]
            known = next((option for option in question.options if option.casefold() == topic.casefold()), None)
            if known is not None:
                raise UserError(_("{topic} is there already: upvote it.", topic=UserText(known)))
            if len(question.options) >= MAX_OPTIONS:
                raise UserError(_("This poll has {n} topics, as many as it can hold: upvote one of them.",
                                  n=MAX_OPTIONS))
            questions = list(poll.questions)
            questions[index] = replace(question, options=(*question.options, topic))
            poll = replace(poll, questions=tuple(questions))
            await uow.polls.update_questions(poll)
            voter, before = await self._lock(uow, poll, scope)
            ballot = list(before or _blank(poll))
            ballot[index] = checked_answer(poll.questions[index],
                                           Answer(chosen=(*ballot[index].chosen, len(question.options))))
            after = tuple(ballot)
            await self._store(uow, poll, scope, voter, before, after, now)
            view = await self._view(uow, poll, scope, now, mine=after, texts=False)
            await uow.commit()
        return Answered(view, index, after[index], self.public(view))

    async def submit(self, request: SubmitBallot) -> PollView:
        """Replace the member's ballot with a whole one (a survey's form)."""
        scope = request.scope
        now = self._clock.now()
        async with self._uow() as uow:
            poll = await self._find(uow, scope, request.poll_id)
            self._ensure_open(poll, now)
            if len(request.ballot) != len(poll.questions):
                raise UserError(_("Answer every question of poll {id}, or leave one empty.", id=poll.id))
            after = tuple(checked_answer(question, answer) for question, answer in zip(
                poll.questions, request.ballot, strict=True))
            voter, before = await self._lock(uow, poll, scope)
            await self._store(uow, poll, scope, voter, before, after, now)
            view = await self._view(uow, poll, scope, now, mine=after)
            await uow.commit()
        return view

    async def answer_several(self, request: AnswerQuestions) -> PollView:
        """Change the member's answers to some questions at once (a page of a survey's form)."""
        scope = request.scope
        now = self._clock.now()
        async with self._uow() as uow:
            poll = await self._find(uow, scope, request.poll_id)
            self._ensure_open(poll, now)
            checked: dict[int, Answer] = {}
            for index, answer in request.answers:
                if not 0 <= index < len(poll.questions):
                    raise UserError(_("Poll {id} has no question {n}.", id=poll.id, n=index + 1))
                try:
                    checked[index] = checked_answer(poll.questions[index], answer)
                except UserError as error:
                    raise UserError(_("Question {n}: {problem}", n=index + 1, problem=error.message)) from None
            voter, before = await self._lock(uow, poll, scope)
            after = tuple(checked.get(index, answer) for index, answer in enumerate(before or _blank(poll)))
            await self._store(uow, poll, scope, voter, before, after, now)
            view = await self._view(uow, poll, scope, now, mine=after, texts=False)
            await uow.commit()
        return view

    async def _lock(self, uow: UnitOfWork, poll: Poll, scope: Scope) -> tuple[str, Ballot | None]:
        voter = self._voter(poll, scope)
        stored = (await uow.polls.lock_ballots(poll.workspace_id, poll.id, [voter])).get(voter)
        return voter, None if stored is None else self._read(poll, stored)

    async def _store(self, uow: UnitOfWork, poll: Poll, scope: Scope, voter: str, before: Ballot | None,
                     after: Ballot, now: datetime) -> None:
        await self._store_many(uow, poll, [(voter, scope, before, after)], now)

    async def _store_many(self, uow: UnitOfWork, poll: Poll,
                          ballots: Sequence[tuple[str, Scope, Ballot | None, Ballot]], now: datetime) -> None:
        """Store each voter's new ballot (`after`, in place of `before`) and the counts' changes, all at once."""
        removed: list[str] = []
        kept: list[StoredBallot] = []
        changes: Counter[CountKey] = Counter()
        for voter, scope, before, after in ballots:
            if all(answer.empty for answer in after):
                removed.append(voter)
            elif poll.anonymous:
                kept.append(StoredBallot(voter, sealed=self._sealer.seal(poll.id, voter, after)))
            else:
                kept.append(StoredBallot(voter, member_id=scope.member.ref.id, ballot=after))
            changes.update(_count_changes(before or (), after))
        await uow.polls.remove_ballots(poll.workspace_id, poll.id, removed)
        await uow.polls.put_ballots(poll.workspace_id, poll.id, kept, now)
        summed = {key: change for key, change in sorted(changes.items()) if change}
        if summed:
            await uow.polls.add_counts(poll.workspace_id, poll.id, summed)

    # --- reading --------------------------------------------------------------------------------------------

    async def show(self, request: ShowPoll) -> PollView:
        """A poll as the member sees it: results unless they are hidden from them."""
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            poll = await self._find(uow, scope, request.poll_id)
            view = await self._view(uow, poll, scope, self._clock.now(), mine=await self._own(uow, poll, scope))
        return view

    async def export(self, request: ExportPoll) -> PollExport:
        """A poll's results for a file, with every member's ballot for a named poll: its author or a facilitator
        (an anonymous poll's results only once enough members answered, and never a voter)."""
        scope = request.scope
        async with self._uow(read_only=True) as uow:
            poll = await self._find(uow, scope, request.poll_id)
            if poll.author != scope.member.ref and scope.member.role is not Role.FACILITATOR:
                raise PermissionDenied(_("Only the member who asked poll {id} or a facilitator can export it.",
                                         id=poll.id))
            view = await self._view(uow, poll, scope, self._clock.now())
            if view.results is None:
                raise UserError(_("Poll {id} has no results to export yet: fewer than {n} members answered.",
                                  id=poll.id, n=self._min_answers))
            ballots = None if poll.anonymous else tuple(await uow.polls.ballots(poll.workspace_id, poll.id))
        return PollExport(view, ballots)

    def public(self, view: PollView) -> PollView:
        """`view` as everyone in the channel may see it (the poll's post): results hidden from members removed."""
        hidden = self._hidden(view.poll, None, view.respondents, self._clock.now())
        if hidden is None:
            return replace(view, mine=None)
        return replace(view, results=None, hidden=hidden, mine=None)

    async def polls(self, request: ListPolls) -> list[PollView]:
        """The community's open polls, then the most recently closed."""
        scope = request.scope
        community = in_community(scope)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            found = await uow.polls.polls_of(scope.workspace.id, community.id, limit=LISTED)
            return [await self._view(uow, poll, scope, now, mine=await self._own(uow, poll, scope), texts=False)
                    for poll in found]

    async def awaiting(self, request: AwaitingAnswer) -> list[tuple[Poll, Community]]:
        """Open polls of the workspace's communities that the member has not answered, newest first, with the
        community each is in (anonymous ones too: the member's own voter token finds their ballot)."""
        scope = request.scope
        now = self._clock.now()
        found: list[tuple[Poll, Community]] = []
        async with self._uow(read_only=True) as uow:
            communities = {community.id: community for community in await uow.communities.list(scope.workspace.id)}
            for poll in await uow.polls.open_in_workspace(scope.workspace.id, limit=LISTED):
                community = communities.get(poll.community_id)
                if community is None or not poll.is_open(now):
                    continue
                if await uow.polls.ballot(poll.workspace_id, poll.id, self._voter(poll, scope)) is None:
                    found.append((poll, community))
        return found

    async def _own(self, uow: UnitOfWork, poll: Poll, scope: Scope) -> Ballot | None:
        """The member's ballot; None before they answered, and for a closed anonymous poll (its ballots are gone)."""
        if poll.status is PollStatus.CLOSED and poll.anonymous:
            return None
        stored = await uow.polls.ballot(poll.workspace_id, poll.id, self._voter(poll, scope))
        return None if stored is None else self._read(poll, stored)

    async def _view(self, uow: UnitOfWork, poll: Poll, scope: Scope | None, now: datetime, *,
                    mine: Ballot | None = None, texts: bool = True) -> PollView:
        if not (poll.status is PollStatus.CLOSED and poll.anonymous):
            counts = await uow.polls.counts(poll.workspace_id, poll.id)
            shown = texts and self._hidden(poll, scope, max(0, counts.get(RESPONDENTS, 0)), now) is None
            return self._counted_view(poll, scope, now, counts, mine=mine,
                                      texts=await self._texts(uow, poll) if shown else None)
        kept = await uow.polls.kept_results(poll.workspace_id, poll.id)
        respondents = kept.respondents if kept is not None else 0
        hidden = self._hidden(poll, scope, respondents, now)
        return PollView(poll, respondents, kept if hidden is None else None, hidden, mine, poll.is_open(now))

    def _counted_view(self, poll: Poll, scope: Scope | None, now: datetime, counts: dict[CountKey, int], *,
                      mine: Ballot | None, texts: Sequence[Sequence[str]] | None = None) -> PollView:
        """The view of an open poll or a named one, from its counts (and its open answers' texts, when shown)."""
        respondents = max(0, counts.get(RESPONDENTS, 0))
        hidden = self._hidden(poll, scope, respondents, now)
        results = None if hidden is not None else from_counts(poll.questions, counts, respondents, texts)
        return PollView(poll, respondents, results, hidden, mine, poll.is_open(now))

    async def _results(self, uow: UnitOfWork, poll: Poll) -> Results:
        """Counts and, for open questions, every answer text (read from the ballots)."""
        counts = await uow.polls.counts(poll.workspace_id, poll.id)
        return from_counts(poll.questions, counts, max(0, counts.get(RESPONDENTS, 0)), await self._texts(uow, poll))

    async def _texts(self, uow: UnitOfWork, poll: Poll) -> list[list[str]]:
        texts: list[list[str]] = [[] for _ in poll.questions]
        if any(question.kind is QuestionKind.OPEN for question in poll.questions):
            for stored in await uow.polls.ballots(poll.workspace_id, poll.id):
                for index, answer in enumerate(self._read(poll, stored)):
                    if answer.text:
                        texts[index].append(answer.text)
        return texts

    def _hidden(self, poll: Poll, scope: Scope | None, respondents: int, now: datetime) -> Hidden | None:
        closed = not poll.is_open(now)
        facilitator = scope is not None and (scope.member.role is Role.FACILITATOR or scope.member.ref == poll.author)
        if poll.results is ResultsShown.FACILITATORS and not facilitator:
            return Hidden.FACILITATORS
        if poll.results is ResultsShown.CLOSED and not closed and not facilitator:
            return Hidden.UNTIL_CLOSED
        if poll.anonymous and respondents < self._min_answers:
            return Hidden.TOO_FEW
        return None

    @property
    def min_answers(self) -> int:
        return self._min_answers

    async def view_in(self, uow: UnitOfWork, poll: Poll, scope: Scope | None) -> PollView:
        """`poll` as the scope's member sees it (None: as everyone does), inside a unit that is open already."""
        mine = await self._own(uow, poll, scope) if scope is not None else None
        return await self._view(uow, poll, scope, self._clock.now(), mine=mine)

    async def find_in(self, uow: UnitOfWork, scope: Scope, poll_id: int) -> Poll:
        """A poll of the scope's community, inside a unit that is open already (`NotFound` otherwise)."""
        return await self._find(uow, scope, poll_id)

    # --- helpers ----------------------------------------------------------------------------------------------

    async def _find(self, uow: UnitOfWork, scope: Scope, poll_id: int) -> Poll:
        return self._in_community(await self._get(uow, scope.workspace.id, poll_id), scope, poll_id)

    async def _get(self, uow: UnitOfWork, workspace_id: int, poll_id: int) -> Poll | None:
        return await uow.polls.get_poll(workspace_id, poll_id) if 0 < poll_id < 2**62 else None

    def _in_community(self, poll: Poll | None, scope: Scope, poll_id: int) -> Poll:
        community = in_community(scope)
        if poll is None or poll.community_id != community.id:
            raise NotFound(_("There is no poll {id} in this community.", id=poll_id),
                           hint=_("See the polls with /poll list."))
        return poll

    def _ensure_open(self, poll: Poll, now: datetime) -> None:
        if not poll.is_open(now):
            raise UserError(_("Poll {id} has closed: answers can no longer change.", id=poll.id),
                            hint=_("See its results with /poll show {id}.", id=poll.id))

    def _voter(self, poll: Poll, scope: Scope) -> str:
        member = scope.member.ref
        return self._sealer.voter(poll.id, member) if poll.anonymous else member.id

    def _read(self, poll: Poll, stored: StoredBallot) -> Ballot:
        if stored.sealed is not None:
            return self._sealer.unseal(poll.id, stored.voter, stored.sealed)
        return stored.ballot or _blank(poll)


CLOSING = "poll.close"
REMINDING = "poll.remind"
REMINDERS = "poll_reminders"  # a member's preference: "off" when they want no reminder DMs about polls


def reminders_on(member: Member) -> bool:
    return member.preferences.get(REMINDERS) != "off"


def reminder_schedule(poll: Poll) -> Schedule | None:
    """The one occurrence at which `poll` reminds, `remind_before` its closing time."""
    if poll.closes_at is None or poll.remind_before is None:
        return None
    at = _whole_minute(poll.closes_at).astimezone(UTC).replace(tzinfo=None)
    return Schedule(REMINDING, poll.workspace_id, str(poll.id), Recurrence("FREQ=DAILY", at, "UTC", count=1),
                    lead=poll.remind_before, community_id=poll.community_id)
_FAR_AHEAD = datetime(9999, 1, 1, tzinfo=UTC)


def closing_schedule(poll: Poll) -> Schedule:
    """The one occurrence at which `poll` closes (its closing time is a whole minute)."""
    assert poll.closes_at is not None
    at = _whole_minute(poll.closes_at).astimezone(UTC).replace(tzinfo=None)
    return Schedule(CLOSING, poll.workspace_id, str(poll.id), Recurrence("FREQ=DAILY", at, "UTC", count=1),
                    community_id=poll.community_id)


def _whole_minute(moment: datetime) -> datetime:
    """`moment` rounded up to its minute: schedules run on whole minutes, and a poll never closes early."""
    rounded = moment.replace(second=0, microsecond=0)
    return rounded if rounded == moment else rounded + timedelta(minutes=1)


# --- rules on what members typed ------------------------------------------------------------------------------


def checked_question(question: Question) -> Question:
    """A question whose text, options and scale a poll can ask; a `UserError` that says what is wrong otherwise."""
    text = _checked(question.text, QUESTION)
    if question.kind is QuestionKind.TOPICS:
        topics = tuple(_checked(option, OPTION) for option in question.options)
        _refuse_twice(topics)
        if len(topics) > MAX_OPTIONS:
            raise UserError(_("A poll has {low} to {high} options; this one has {n}.", low=0, high=MAX_OPTIONS,
                              n=len(topics)))
        return replace(question, text=text, options=topics, most=None, low="", high="")
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = tuple(_checked(option, OPTION) for option in question.options)
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise UserError(_("A poll has {low} to {high} options; this one has {n}.", low=MIN_OPTIONS,
                              high=MAX_OPTIONS, n=len(options)),
                            hint=_('Put each option in quotes: /poll new "Which day?" "Monday" "Tuesday"'))
        _refuse_twice(options)
        most = question.most
        if question.kind is QuestionKind.MULTIPLE and most is not None and not 1 <= most <= len(options):
            raise UserError(_("--multi takes a number from 1 to {n}, the number of options.", n=len(options)))
        return replace(question, text=text, options=options,
                       most=most if question.kind is QuestionKind.MULTIPLE else None, low="", high="")
    if question.kind is QuestionKind.RATING:
        if question.scale not in SCALES:
            raise UserError(_("A rating goes from 1 to 5 or from 1 to 10, not to {n}.", n=question.scale),
                            hint=_("For example: --scale 10"))
        low = _checked(question.low, SCALE_LABEL) if question.low else ""
        high = _checked(question.high, SCALE_LABEL) if question.high else ""
        return replace(question, text=text, options=(), most=None, low=low, high=high)
    return replace(question, text=text, options=(), most=None, low="", high="")


def _refuse_twice(options: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            raise UserError(_("The option {option} is there twice.", option=UserText(option)))
        seen.add(option.casefold())


def checked_answer(question: Question, answer: Answer) -> Answer:
    """An answer that fits its question; a `UserError` otherwise. An empty answer leaves the question out."""
    if answer.empty:
        return Answer()
    if question.kind is QuestionKind.OPEN:
        if answer.chosen:
            raise UserError(_("This question wants an answer in words."))
        return Answer(text=_checked(answer.text, OPEN_ANSWER))
    if answer.text:
        raise UserError(_("This question wants a choice, not words."))
    chosen = tuple(sorted(set(answer.chosen)))
    if any(not 0 <= choice < len(question.choices) for choice in chosen):
        raise UserError(_("That choice is not one of this question's."))
    if question.kind not in (QuestionKind.MULTIPLE, QuestionKind.TOPICS) and len(chosen) > 1:
        raise UserError(_("Choose one."))
    if question.most is not None and len(chosen) > question.most:
        raise UserError(_("Choose at most {n}.", n=question.most))
    return Answer(chosen=chosen)


def _changed(question: Question, current: Answer, request: AnswerQuestion) -> Answer:
    if request.text is not None:
        return checked_answer(question, Answer(text=request.text))
    if request.choice is None:
        raise UserError(_("Choose an option, or write an answer."))
    if question.kind is QuestionKind.OPEN:
        raise UserError(_("This question wants an answer in words."))
    choice = request.choice
    if question.kind in (QuestionKind.MULTIPLE, QuestionKind.TOPICS):
        chosen = set(current.chosen) ^ {choice}
        if question.most is not None and len(chosen) > question.most:
            raise UserError(_("Choose at most {n}: take one back first.", n=question.most))
        return checked_answer(question, Answer(chosen=tuple(chosen)))
    return checked_answer(question, Answer(chosen=(choice,)))


def _checked(text: str, limit: TextLimit) -> str:
    cleaned = several_lines(text) if limit.multiline else one_line(text)
    if not cleaned:
        raise UserError(_("{what} cannot be empty.", what=_limit_name(limit)))
    if len(cleaned) > limit.most:
        raise UserError(_("{what} has at most {max} characters; this one has {n}.", what=_limit_name(limit),
                          max=limit.most, n=len(cleaned)))
    return cleaned


def _limit_name(limit: TextLimit) -> Msg:
    return {QUESTION: _("A question"), OPTION: _("An option"), OPEN_ANSWER: _("An answer"),
            SCALE_LABEL: _("A label")}.get(limit, _("A text"))


def _blank(poll: Poll) -> Ballot:
    return tuple(Answer() for _question in poll.questions)


def _count_changes(before: Ballot, after: Ballot) -> dict[CountKey, int]:
    changes: Counter[CountKey] = Counter()
    changes[RESPONDENTS] = _answered(after) - _answered(before)
    for sign, ballot in ((-1, before), (1, after)):
        for index, answer in enumerate(ballot):
            if answer.empty:
                continue
            changes[(index, ANSWERED)] += sign
            for choice in answer.chosen:
                changes[(index, choice)] += sign
    return {key: change for key, change in sorted(changes.items()) if change}


def _answered(ballot: Ballot) -> int:
    return int(any(not answer.empty for answer in ballot))


def from_counts(questions: Sequence[Question], counts: dict[CountKey, int], respondents: int,
                texts: Sequence[Sequence[str]] | None = None) -> Results:
    """Results from the stored counts (and the open answers, sorted so that they never show who answered when)."""
    return Results(respondents, tuple(
        QuestionResults(
            question,
            answered=max(0, counts.get((index, ANSWERED), 0)),
            counts=tuple(max(0, counts.get((index, choice), 0)) for choice in range(len(question.choices))),
            texts=tuple(sorted(texts[index], key=str.casefold)) if texts is not None else (),
        )
        for index, question in enumerate(questions)
    ))


def _empty(questions: Iterable[Question]) -> Results:
    return from_counts(tuple(questions), {}, 0)
