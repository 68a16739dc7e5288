"""The `/meeting` family: a community's meeting series, their dates, RSVPs, agendas and reminder wishes.

Facilitators schedule and change series; everyone lists them, answers RSVPs, proposes and upvotes agenda topics
(and edits or removes the ones they proposed; facilitators any) and chooses their own reminder DMs. Which meeting
a command is about: the named series (the community's only one when it has one) and the date given, else its next
meeting.
"""

from __future__ import annotations

from bot.i18n import Msg, _
from bot.meetings.messages import AGENDA_VOTE, RSVP, SERIES_REF, TOPIC_REF
from bot.permissions import Permission
from commands.meeting.attendance import (
    RSVP_STALE,
    VOTE_STALE,
    agenda_add,
    agenda_edit,
    agenda_remove,
    agenda_show,
    agenda_vote,
    home_section,
    list_series,
    remind,
    rsvp,
    show_next,
)
from commands.meeting.calendars import calendar, feed
from commands.meeting.common import series_titles
from commands.meeting.series import cancel, edit, end, kickoff, move, pause, resume, schedule, skip
from commands.registry import Registry
from commands.router import InteractionRouter
from commands.spec import CommandSpec, GroupSpec, Param, ParamKind

__all__ = ["FAMILY_SUMMARIES", "home_section", "register"]

FAMILY_SUMMARIES: dict[str, Msg] = {
    "meeting": _("Meeting series: schedule, list, RSVP, agenda and reminders."),
}
GROUPS = (
    GroupSpec(("meeting",), FAMILY_SUMMARIES["meeting"]),
    GroupSpec(("meeting", "agenda"), _("The next meeting's agenda: propose, see, vote on and change topics.")),
)

def register(registry: Registry, interactions: InteractionRouter) -> None:
    """Add the `/meeting` commands, the RSVP buttons and the agenda votes."""
    series = Param("series", ParamKind.TEXT, _("the series' title (if there are several)"), flag=True,
                   suggest=series_titles)
    topic_number = Param("number", ParamKind.INT, _("its number in /meeting agenda show"),
                         required=True)
    on = Param("date", ParamKind.DATE, _("which meeting: its date (the next one when left out)"), flag=True)
    details = (
        Param("for", ParamKind.DURATION, _("each meeting's length, such as 60m (up to 24h)"), flag=True),
        Param("link", ParamKind.TEXT, _("the video link, https://…"), flag=True),
        Param("where", ParamKind.TEXT, _("the place, when it is not a link"), flag=True),
        Param("about", ParamKind.TEXT, _("a short description"), flag=True),
        Param("hosts", ParamKind.TEXT, _("hosts who take turns, as @mentions"), flag=True),
        Param("remind", ParamKind.TEXT, _("channel reminders, such as \"1d 1h\" or \"none\""),
              flag=True),
    )
    for spec in (
        CommandSpec(
            ("meeting", "schedule"),
            _("Schedule a meeting series in this community (facilitators)."),
            schedule,
            params=(
                Param("title", ParamKind.TEXT, _("the series' title, in quotes"), required=True),
                Param("when", ParamKind.TEXT,
                      _("its rhythm, such as \"every 2 weeks on Tuesday at 15:00\", or one day"), required=True,
                      greedy=True),
                *details,
                Param("tz", ParamKind.TIMEZONE, _("its time zone (the community's when left out)"), flag=True),
            ),
            permission=Permission.FACILITATOR,
            needs_community=True,
            examples=(
                _('/meeting schedule "CoP sync" every 2 weeks on Tuesday at 15:00 --for 60m '
                  "--link https://meet.example.org/cop"),
                _('/meeting schedule "Quarterly review" every 3 months on the first Thursday at 10:00 --for 2h'),
                _('/meeting schedule "Open day" on 20 March at 14:00 for 2h'),
            ),
        ),
        CommandSpec(
            ("meeting", "kickoff"),
            _("Schedule the kick-off: one meeting with a proposed agenda (facilitators)."),
            kickoff,
            params=(
                Param("when", ParamKind.TEXT, _("its day and time, such as \"next Thursday at 9:30\""),
                      required=True, greedy=True),
                Param("title", ParamKind.TEXT, _("its title (else Kick-off)"), flag=True),
                *(param for param in details if param.name != "hosts"),  # its facilitator hosts it
                Param("tz", ParamKind.TIMEZONE, _("its time zone (the community's when left out)"), flag=True),
            ),
            permission=Permission.FACILITATOR,
            needs_community=True,
            examples=(
                _("/meeting kickoff next Thursday at 9:30 --for 90m --link https://meet.example.org/cop"),
                _("/meeting kickoff on 20 March from 14:00 to 15:30"),
            ),
        ),
        CommandSpec(
            ("meeting", "edit"),
            _("Change a series: title, rhythm, length, place, hosts or reminders (facilitators)."),
            edit,
            params=(series, Param("title", ParamKind.TEXT, _("a new title"), flag=True),
                    Param("when", ParamKind.TEXT, _("a new rhythm"), flag=True), *details,
                    Param("feedback", ParamKind.CHOICE, _("feedback poll after each meeting"), flag=True,
                          choices=("on", "dm", "off"))),
            permission=Permission.FACILITATOR,
            needs_community=True,
            examples=(_('/meeting edit --series "CoP sync" --when "every week on Tuesday at 15:00"'),),
        ),
        CommandSpec(("meeting", "list"), _("List this community's meeting series and their next dates."), list_series,
                    needs_community=True, examples=("/meeting list",)),
        CommandSpec(("meeting", "next"), _("Show the next meeting, with RSVP buttons."), show_next,
                    params=(series,), needs_community=True,
                    examples=("/meeting next", _('/meeting next --series "CoP sync"'))),
        CommandSpec(("meeting", "skip"), _("Skip one meeting: it disappears from the calendar (facilitators)."),
                    skip, params=(series, on), permission=Permission.FACILITATOR, needs_community=True,
                    examples=("/meeting skip", "/meeting skip --date 2026-12-22")),
        CommandSpec(
            ("meeting", "move"), _("Move one meeting to another time (facilitators)."), move,
            params=(Param("to", ParamKind.TEXT, _("the new date and time, such as 2026-12-10 16:00"), required=True,
                          greedy=True),
                    series, on),
            permission=Permission.FACILITATOR, needs_community=True,
            examples=("/meeting move 2026-12-10 16:00", _("/meeting move tomorrow 15:00 --date 2026-12-08")),
        ),
        CommandSpec(
            ("meeting", "cancel"), _("Cancel one meeting, with a reason members see (facilitators)."), cancel,
            params=(Param("reason", ParamKind.TEXT, _("why it is cancelled"), greedy=True), series, on),
            permission=Permission.FACILITATOR, needs_community=True,
            examples=(_("/meeting cancel the host is ill"), _("/meeting cancel holidays --date 2026-12-29")),
        ),
        CommandSpec(("meeting", "pause"), _("Pause a series: no reminders until it resumes (facilitators)."),
                    pause, params=(series,), permission=Permission.FACILITATOR, needs_community=True,
                    examples=("/meeting pause",)),
        CommandSpec(("meeting", "resume"), _("Resume a paused series (facilitators)."), resume, params=(series,),
                    permission=Permission.FACILITATOR, needs_community=True, examples=("/meeting resume",)),
        CommandSpec(("meeting", "end"), _("End a series for good (facilitators)."), end, params=(series,),
                    permission=Permission.FACILITATOR, needs_community=True, examples=("/meeting end",)),
        CommandSpec(
            ("meeting", "remind"),
            _("Choose your own reminder DMs, such as \"2h before\" or \"1d 1h\", or \"off\"."),
            remind,
            params=(Param("when", ParamKind.TEXT, _("how long before, or off"), greedy=True),),
            examples=(_("/meeting remind 2h before"), _("/meeting remind 1d 1h"), _("/meeting remind off"),
                      _("/meeting remind quiet 22:00-07:00")),
        ),
        CommandSpec(
            ("meeting", "agenda", "add"), _("Propose a topic for the next meeting."), agenda_add,
            params=(Param("topic", ParamKind.TEXT, _("the topic"), required=True, greedy=True), series),
            needs_community=True, examples=(_('/meeting agenda add "How we review dashboards"'),),
        ),
        CommandSpec(("meeting", "agenda", "show"), _("Show the next meeting's agenda, with vote buttons."),
                    agenda_show, params=(series,), needs_community=True, examples=("/meeting agenda show",)),
        CommandSpec(
            ("meeting", "agenda", "edit"),
            _("Change an agenda topic's text (its proposer or a facilitator)."),
            agenda_edit,
            params=(topic_number, Param("topic", ParamKind.TEXT, _("the topic's new text"), required=True, greedy=True),
                    series),
            needs_community=True, examples=(_('/meeting agenda edit 2 "How we review dashboards, with examples"'),),
        ),
        CommandSpec(
            ("meeting", "agenda", "remove"),
            _("Take a topic off the agenda, with its votes (its proposer or a facilitator)."),
            agenda_remove, params=(topic_number, series), needs_community=True,
            examples=("/meeting agenda remove 2",),
        ),
        CommandSpec(("meeting", "calendar"), _("Post a calendar file (.ics) of this community's meetings."),
                    calendar, params=(series,), needs_community=True,
                    examples=("/meeting calendar", _('/meeting calendar --series "CoP sync"'))),
        CommandSpec(
            ("meeting", "feed"),
            _("Get the address of a calendar feed that stays in sync: the community's, or --mine."),
            feed,
            params=(Param("mine", ParamKind.FLAG, _("the meetings you said you go to"), flag=True),
                    Param("revoke", ParamKind.FLAG, _("stop the old address working and make a new one"), flag=True)),
            needs_community=True,
            examples=("/meeting feed", "/meeting feed --mine", "/meeting feed --revoke"),
        ),
    ):
        registry.add(spec)
    for group in GROUPS:
        registry.add_group(group)
    interactions.on_action(RSVP, rsvp, kind=SERIES_REF, stale=RSVP_STALE)
    interactions.on_action(AGENDA_VOTE, agenda_vote, kind=TOPIC_REF, stale=VOTE_STALE)


