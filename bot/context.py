"""What a handler knows about the event it is handling."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.events import InboundEvent, MemberLeft
from bot.i18n import Msg, Translator, render
from bot.messages import Form, Inline, Message, Paragraph, Text
from bot.permissions import Permission
from bot.ports import Clock, Messenger, Responder, Scheduler, UnitOfWork, UnitOfWorkFactory
from bot.preferences import read_language, unreadable
from bot.refs import ChannelRef, MessageRef
from bot.tenancy import Community, Member, Scope, Workspace

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


@dataclass(slots=True)
class EventContext:
    """One event on its way through the middleware to its handlers.

    The middleware fills in `workspace`, `member` and `community`; handlers read them and answer through
    `reply` (already bound to where the event came from) or post through `messenger`.
    """

    event: InboundEvent
    responder: Responder
    messenger: Messenger
    translator: Translator
    clock: Clock
    uow: UnitOfWorkFactory
    defaults: Defaults
    services: Services
    scheduler: Scheduler | None = None
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
        """The zone to read and show times in for this member."""
        if self.member is not None and self.member.timezone:
            return self.member.timezone
        if self.community is not None:
            return self.community.timezone
        actor = getattr(self.event, "actor", None)
        if actor is not None and actor.timezone:
            return str(actor.timezone)
        return self.defaults.timezone

    @property
    def scope(self) -> Scope:
        """Who asks and where, for a service request. Only once the middleware resolved the member."""
        assert self.workspace is not None and self.member is not None
        actor = getattr(self.event, "actor", None)
        return Scope(self.workspace, self.member, self.community,
                     is_admin=bool(actor is not None and actor.is_admin))

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
