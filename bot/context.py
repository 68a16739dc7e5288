"""What a handler knows about the event it is handling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from bot.action_refs import ActionRef, ActionRefs
from bot.events import ActionInvoked, InboundEvent, MemberLeft
from bot.i18n import Msg, Translator, render
from bot.messages import Form, Inline, Message, Paragraph, Text
from bot.permissions import Permission
from bot.ports import Clock, Messenger, Responder, Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.preferences import read_language, unreadable
from bot.refs import ChannelRef, MessageRef
from bot.rewrites import PostRewrites
from bot.tenancy import Community, Member, Scope, Workspace
from bot.time_zones import usable_zone

if TYPE_CHECKING:
    from bot.services import Services  # the services import the handlers' context themselves


@dataclass(frozen=True, slots=True)
class Defaults:
    """Deployment-wide defaults for communities and members that have not chosen their own."""

    language: str = "en"
    timezone: str = "UTC"
    # Where Hearth's web server is reached from outside (calendar feed addresses), without a trailing slash.
    public_url: str = "http://127.0.0.1:3000"


@dataclass(frozen=True, slots=True)
class Route:
    """A handler that matched an event: what it requires, and how to run it."""

    name: str
    run: Callable[[EventContext], Awaitable[None]]
    permission: Permission = Permission.ANYONE
    interactive: bool = True
    # The command as members type it that this route runs or stands for (a button of /hearth settings:
    # `/hearth settings`): what a refusal names. None: it stands for no command, and a refusal names none.
    command: str | None = None


@dataclass(slots=True)
class EventContext:
    """One event on its way through the middleware to its handlers.

    The middleware fills in `workspace`, `member` and `community`; handlers read them and answer through
    `reply` (already bound to where the event came from) or post through `messenger`. `refs` mints the references
    buttons and forms carry, and reads them back.
    """

    event: InboundEvent
    responder: Responder
    messenger: Messenger
    translator: Translator
    clock: Clock
    uow: UnitOfWorkFactory
    defaults: Defaults
    services: Services
    refs: ActionRefs
    scheduler: Scheduler | None = None
    rewrites: PostRewrites = field(default_factory=PostRewrites)
    routes: list[Route] = field(default_factory=list)
    workspace: Workspace | None = None
    member: Member | None = None
    community: Community | None = None

    @property
    def channel(self) -> ChannelRef | None:
        return None if isinstance(self.event, MemberLeft) else getattr(self.event, "channel", None)

    @property
    def language(self) -> str:
        """The language to answer this member in."""
        if self.member is not None and self.member.language:
            if read_language(self.member.language) is not None:
                return self.member.language
            unreadable("language", member=self.member, stored=self.member.language)
        return self.community_language

    @property
    def community_language(self) -> str:
        """The language of posts everyone in the channel reads."""
        if self.community is not None:
            if read_language(self.community.language) is not None:
                return self.community.language
            unreadable("language", community=self.community, stored=self.community.language)
        return self.defaults.language

    @property
    def timezone(self) -> str:
        """The zone to read and show times in for this member: their own, the community's, their platform
        profile's, else the deployment's. A zone this server does not know is passed over (and logged once)."""
        return (usable_zone(self._member_zone) or usable_zone(self._community_zone)
                or usable_zone(self.profile_zone, source="platform profile") or self.defaults.timezone)

    @property
    def profile_zone(self) -> str | None:
        """The zone the member's platform profile gives, as the platform named it (None when it gives none)."""
        actor = getattr(self.event, "actor", None)
        return str(actor.timezone) if actor is not None and actor.timezone else None

    @property
    def _member_zone(self) -> str | None:
        return self.member.timezone if self.member is not None else None

    @property
    def _community_zone(self) -> str | None:
        return self.community.timezone if self.community is not None else None

    @property
    def scope(self) -> Scope:
        """Who asks and where, for a service request. Only once the middleware resolved the member.

        A stored zone this server's time zone database lacks reaches no service: the member's is left out (the
        community's applies) and the community's is the deployment's default, so no request fails on it.
        """
        assert self.workspace is not None and self.member is not None
        actor = getattr(self.event, "actor", None)
        member, community = self.member, self.community
        if member.timezone and usable_zone(member.timezone) is None:
            member = replace(member, timezone=None)
        if community is not None and usable_zone(community.timezone) is None:
            community = replace(community, timezone=self.defaults.timezone)
        return Scope(self.workspace, member, community, is_admin=bool(actor is not None and actor.is_admin))

    def clicked_message(self, ref: ActionRef) -> MessageRef | None:
        """The message the click came from, when Hearth made it for `ref`'s subject (so it may be rewritten for
        that subject); None for any other click, message or event."""
        event = self.event
        if not isinstance(event, ActionInvoked) or event.message is None:
            return None
        return event.message if self.refs.made_for(event.message_values, ref) else None

    async def rewrite(self, message: MessageRef, content: Message) -> None:
        """Rewrite a post Hearth made (`clicked_message`) as `content`; under a storm of clicks only the newest
        rewrite waiting is sent (`bot.rewrites`). Raises nothing."""
        await self.rewrites.rewrite(self.messenger, message, content)

    def unit_of_work(self) -> UnitOfWork:
        return self.uow()

    def text(self, message: Msg | Text | Inline) -> Text:
        """`message` in the member's own language."""
        if isinstance(message, Msg):
            return render(self.translator, self.language, message)
        return Text.of(message)

    def public_text(self, message: Msg | Text | Inline) -> Text:
        """`message` in the community's language, for posts everyone reads."""
        if isinstance(message, Msg):
            return render(self.translator, self.community_language, message)
        return Text.of(message)

    def plain(self, message: Msg, *, public: bool = False) -> str:
        """`message` as a plain string (button labels, form titles), in the community's language if `public`."""
        text = self.public_text(message) if public else self.text(message)
        return "".join(part for part in text.parts if isinstance(part, str))

    async def reply(self, message: Message) -> MessageRef | None:
        return await self.responder.respond(message)

    async def whisper(self, message: Msg | Text | Message) -> MessageRef | None:
        """Answer the member privately."""
        if not isinstance(message, Message):
            message = Message((Paragraph(self.text(message)),), ephemeral=True)
        return await self.responder.respond(message)

    async def open_form(self, form: Form) -> None:
        await self.responder.open_form(form)
