"""What the /hearth commands share: the settings button and form ids and the settings fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.i18n import Msg, _
from bot.messages import Field, Fields, Inline, MemberMention, Text, UserText, join
from bot.tenancy import POLL_ASKERS, Community, CommunitySetting, Member
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
    ]
    if facilitators is not None:
        names = join(MemberMention(member.ref) for member in facilitators)
        items.append(Field(text(_("Facilitators")), names if facilitators else text(_("none yet"))))
    return Fields(tuple(items))


def choice_words(setting: CommunitySetting, choice: str) -> Msg:
    """How a community setting's choice reads, in the reader's language."""
    words = {(POLL_ASKERS.key, "everyone"): _("Every member"),
             (POLL_ASKERS.key, "facilitators"): _("Facilitators only")}
    return words[(setting.key, choice)]
