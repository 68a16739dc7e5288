"""How each nudge reads: a prompt in a quiet channel, a question surfaced in its thread, a friendly DM to a quiet
member or a newcomer, a note to the facilitators. Every one ends with a line that says why it came and how to stop
it; `explanation` is what `/nudge why` says in full."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import Msg, _, _n
from bot.messages import Block, ChannelMention, Link, Note, Paragraph, Text, Timestamp, TimestampStyle, UserText
from bot.nudges.model import LogState, NudgeRecord
from bot.nudges.planning import PlannedNudge, Pointer
from bot.nudges.prompts import default_prompt
from bot.nudges.rules import BELOW_RHYTHM, NEWCOMER, QUIET_CHANNEL, QUIET_MEMBER, UNANSWERED, RuleSettings
from bot.tenancy import Community

__all__ = ["RULE_NAMES", "explanation", "nudge_blocks", "rule_name"]

Say = Callable[[Msg | Text], Text]

RULE_NAMES: dict[str, Msg] = {
    QUIET_CHANNEL: _("quiet channel"),
    QUIET_MEMBER: _("quiet member"),
    NEWCOMER: _("newcomer"),
    UNANSWERED: _("unanswered question"),
    BELOW_RHYTHM: _("below the rhythm"),
    "personal": _("personal nudges"),
}


def rule_name(rule: str) -> Msg:
    """The rule's name in words ("quiet channel"), beside the name typed in commands ("quiet-channel")."""
    return RULE_NAMES.get(rule, _("unknown rule"))


def nudge_blocks(say: Say, nudge: PlannedNudge, community: Community) -> tuple[Block, ...]:
    """The nudge as posted or sent, in the reader's language (`say`)."""
    record = nudge.record
    facts = record.facts
    if record.rule == QUIET_CHANNEL and nudge.prompt is not None:
        prompt = nudge.prompt
        worded = default_prompt(prompt.key) if prompt.key else None
        text = say(worded) if worded is not None else Text.of(UserText(prompt.text))
        return (Paragraph(text), Note(say(_(
            "A discussion prompt: this channel was quiet for {days} days. Why: /nudge why {id}. Facilitators tune "
            "it with /nudge rule quiet-channel.", days=facts.get("quiet_days", 0), id=record.id))))
    if record.rule == UNANSWERED:
        return (Paragraph(say(_n("This question has waited {n} working hour for an answer. Does anyone here "
                                 "know, or know who might?",
                                 "This question has waited {n} working hours for an answer. Does anyone here "
                                 "know, or know who might?", facts.get("hours", 0)))),
                Note(say(_("Why: /nudge why {id}. Facilitators tune it with /nudge rule unanswered.",
                           id=record.id))))
    if record.rule == NEWCOMER:
        return (Paragraph(say(_("Welcome to {community}! An easy first step: say hello in {channel} and tell the "
                                "others what you work on and what you hope to learn there.",
                                community=UserText(community.name), channel=ChannelMention(community.channel)))),
                Note(say(_("Why this message: you joined {days} days ago and have not posted yet (/nudge why {id})."
                           " No more of these: /nudge me off.", days=facts.get("days", 0), id=record.id))))
    if record.rule == BELOW_RHYTHM:
        return (Paragraph(say(_("Last week {community} had {messages} messages, under the {goal} a week you "
                                "agreed.", community=UserText(community.name), messages=facts.get("messages", 0),
                                goal=facts.get("goal", 0)))),
                Paragraph(say(_("A few ideas: post a discussion prompt (see /nudge prompts list), answer a question "
                                "that waits in {channel}, or ask the members something with /poll new.",
                                channel=ChannelMention(community.channel)))),
                Note(say(_("Only facilitators get this note; nobody is named in it. Why: /nudge why {id}. Turn it "
                           "off: /nudge rule below-rhythm off.", id=record.id))))
    return (Paragraph(say(_n("Hello! It has been {days} days since your last message in {community}; you usually "
                             "write about every day.",
                             "Hello! It has been {days} days since your last message in {community}; you usually "
                             "write about every {n} days.", facts.get("usual_days", 1),
                             days=facts.get("silent_days", 0), community=UserText(community.name)))),
            Paragraph(say(_pointer_words(nudge.pointer, community))),
            Note(say(_("Why this message: you are quieter than your own rhythm (/nudge why {id}). Fewer: /nudge me "
                       "every 2 weeks. None: /nudge me off.", id=record.id))))


def _pointer_words(pointer: Pointer | None, community: Community) -> Msg:
    if pointer is None:
        return _("What are you working on? One line in {channel} keeps the community going.",
                 channel=ChannelMention(community.channel))
    if pointer.kind == "meeting" and pointer.at is not None:
        return _("The next meeting, {title}, is {when}: a good moment to join in again.",
                 title=UserText(pointer.title), when=Timestamp(pointer.at, TimestampStyle.DATETIME))
    if pointer.kind == "question" and pointer.channel is not None:
        return _("A question in {channel} is waiting for an answer; perhaps you know it.",
                 channel=ChannelMention(pointer.channel))
    if pointer.kind == "poll":
        return _("The poll “{title}” is open and waits for your answer: /poll show {id}.",
                 title=UserText(pointer.title), id=pointer.ident)
    label = UserText(pointer.title or pointer.url)
    found = Link(pointer.url, label) if pointer.url.startswith(("https://", "http://")) else label
    return _("New in the library: {item}. What do you make of it? (/library show {id})", item=found,
             id=pointer.ident)


def explanation(say: Say, record: NudgeRecord, settings: RuleSettings) -> tuple[Block, ...]:
    """`/nudge why`: the rule, the numbers it fired on, its settings, and how to tune or stop it."""
    facts = record.facts
    assert record.planned_at is not None  # a nudge of the log: it was planned at some moment
    when = say(_("Nudge {id}, {when}: the rule “{rule}”.", id=record.id, when=Timestamp(record.planned_at),
                 rule=rule_name(record.rule)))
    if record.rule == QUIET_CHANNEL:
        why = _("Nobody had posted in the channel for {days} days during working hours ({start}:00 to {end}:00 on "
                "weekdays); the rule waits {wait} days before it posts a prompt from the community's bank, never "
                "the same one twice in a row.", days=facts.get("quiet_days", 0), start=settings.working[0],
                end=settings.working[1], wait=facts.get("days", settings.days))
        stop = _("Facilitators: /nudge rule quiet-channel --days 7, or /nudge rule quiet-channel off; set a prompt "
                 "aside with /nudge prompts remove.")
    elif record.rule == UNANSWERED:
        why = _("A question had no reply and no reaction for {hours} working hours; the rule surfaces a question "
                "once, after {wait} working hours.", hours=facts.get("hours", 0), wait=settings.hours)
        stop = _("Facilitators: /nudge rule unanswered --after 48, or /nudge rule unanswered off.")
    elif record.rule == NEWCOMER:
        why = _("You joined {days} days ago and had not posted yet; a newcomer gets one welcome, once.",
                days=facts.get("days", 0))
        stop = _("No personal nudges at all: /nudge me off.")
    elif record.rule == BELOW_RHYTHM:
        why = _("The week ended with {messages} messages, under the {goal} a week the community agreed "
                "(/nudge goal). Only facilitators get this note.", messages=facts.get("messages", 0),
                goal=facts.get("goal", 0))
        stop = _("Facilitators: /nudge rule below-rhythm off.")
    else:
        why = _n("Your last message here was {days} days ago; you usually write about every day, and the rule "
                 "waits until a silence is longer than twice that and at least {least} days (or your own cadence, "
                 "when you chose one).",
                 "Your last message here was {days} days ago; you usually write about every {n} days, and the rule "
                 "waits until a silence is longer than twice that and at least {least} days (or your own cadence, "
                 "when you chose one).", facts.get("usual_days", 1), days=facts.get("silent_days", 0),
                 least=settings.days)
        stop = _("Fewer: /nudge me every 2 weeks. A pause: /nudge me snooze and a date. None: /nudge me off.")
    blocks: list[Block] = [Paragraph(when), Paragraph(say(why))]
    if record.state is LogState.IGNORED:
        blocks.append(Paragraph(say(_("It went unanswered; after three in a row, no more come until you post "
                                      "again."))))
    elif record.state is LogState.UNDELIVERABLE:
        blocks.append(Paragraph(say(_("It could not be delivered (direct messages are closed), so none is tried "
                                      "for a while."))))
    blocks.append(Note(say(stop)))
    return tuple(blocks)
