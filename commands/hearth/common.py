"""What the /hearth commands share: the settings button and form ids and the settings fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.i18n import Msg, _
from bot.library.capture import REACTIONS
from bot.messages import Field, Fields, Inline, MemberMention, Text, UserText, join
from bot.tenancy import (
    COMMUNITY_TYPE,
    LIBRARY_FETCH,
    LIBRARY_REACTION,
    POLL_ASKERS,
    Community,
    CommunitySetting,
    Member,
)
from bot.vocabulary import language_name

EDIT_SETTINGS = "hearth.settings.edit"
SETTINGS_FORM = "hearth.settings"
COMMUNITY_REF = "hc"  # the kind of reference the settings form's state carries (`bot.action_refs`)


Wording = Callable[[Msg | Text | Inline], Text]


def settings_fields(community: Community, text: Wording, facilitators: Sequence[Member] | None = None) -> Fields:
    """A community's goal, zone and language (and its workspace's facilitators), worded by `text`."""
    items = [
        Field(text(_("Goal")), Text.of(UserText(community.goal)) if community.goal else text(_("not set yet"))),
        Field(text(_("Time zone")), Text.of(community.timezone)),
        Field(text(_("Language")), Text.of(language_name(community.language))),
        Field(text(_("Who asks polls")), text(choice_words(POLL_ASKERS, POLL_ASKERS.of(community)))),
        Field(text(_("Kind of community")), text(choice_words(COMMUNITY_TYPE, COMMUNITY_TYPE.of(community)))),
        Field(text(_("Saving reaction")), text(choice_words(LIBRARY_REACTION, LIBRARY_REACTION.of(community)))),
        Field(text(_("Page previews in the library")),
              text(choice_words(LIBRARY_FETCH, LIBRARY_FETCH.of(community)))),
    ]
    if facilitators is not None:
        names = join(MemberMention(member.ref) for member in facilitators)
        items.append(Field(text(_("Facilitators")), names if facilitators else text(_("none yet"))))
    return Fields(tuple(items))


def choice_words(setting: CommunitySetting, choice: str) -> Msg:
    """How a community setting's choice reads, in the reader's language."""
    if setting is LIBRARY_REACTION and choice in REACTIONS:
        return _("{emoji} (:{name}:)", emoji=REACTIONS[choice], name=choice)
    words = {(POLL_ASKERS.key, "everyone"): _("Every member"),
             (POLL_ASKERS.key, "facilitators"): _("Facilitators only"),
             (LIBRARY_REACTION.key, "off"): _("None: saving by reaction is off"),
             (LIBRARY_FETCH.key, "on"): _("On: titles, descriptions and page text are read"),
             (LIBRARY_FETCH.key, "off"): _("Off: pages are not read"),
             (COMMUNITY_TYPE.key, "best-practice"): _("Best practice: developing and spreading good practice"),
             (COMMUNITY_TYPE.key, "helping"): _("Helping: members help each other with everyday problems"),
             (COMMUNITY_TYPE.key, "knowledge"): _("Knowledge-stewarding: keeping and growing what the field knows"),
             (COMMUNITY_TYPE.key, "innovation"): _("Innovation: new ideas across boundaries")}
    return words[(setting.key, choice)]
