"""`Core.handle`: the one way into Hearth.

An event is matched against the handlers first (so the middleware knows what it is about to allow), then
passes the middleware list, then each matched route runs. A `UserError` is shown privately to the member in
their language; any other exception is logged once with its traceback and answered with a short apology.
A failing route never stops the others. An event whose routes are all passive (an ordinary message or reaction
being recorded) gets no answer when it fails before they run: that is logged only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.acknowledgements import handling
from bot.action_refs import ActionRefs
from bot.context import Defaults, EventContext, Route
from bot.errors import UserError
from bot.events import AppInstalled, AppRemoved, InboundEvent, MemberLeft
from bot.i18n import Translator, _
from bot.messages import Message, Note, Paragraph
from bot.middleware import Middleware, Next
from bot.ports import Clock, Messenger, Responder, Scheduler, UnitOfWorkFactory
from bot.responders import MessengerResponder, Unanswerable
from bot.rewrites import PostRewrites
from bot.services import Services

log = logging.getLogger("hearth.core")


def _passive(ctx: EventContext) -> bool:
    """Whether the event has routes and every one is passive: then nothing about it is answered in chat."""
    return bool(ctx.routes) and not any(route.interactive for route in ctx.routes)


class EventHandler(Protocol):
    """Something that reacts to events. `match` is a cheap, pure check; the returned route does the work."""

    def match(self, event: InboundEvent) -> Route | None: ...


APOLOGY = _("Sorry, something went wrong on Hearth's side. It has been logged; please try again in a moment.")


class Core:
    """Hearth's dispatcher. Built once by the composition root and shared by every adapter."""

    def __init__(
        self,
        *,
        handlers: Sequence[EventHandler],
        middleware: Sequence[Middleware],
        messenger: Messenger,
        translator: Translator,
        clock: Clock,
        uow: UnitOfWorkFactory,
        defaults: Defaults,
        services: Services,
        refs: ActionRefs,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.handlers = list(handlers)
        self.middleware = list(middleware)
        self.messenger = messenger
        self.translator = translator
        self.clock = clock
        self.uow = uow
        self.defaults = defaults
        self.services = services
        self.refs = refs
        self.scheduler = scheduler
        self.rewrites = PostRewrites()  # shared by every event: storms of edits of one post coalesce

    async def handle(self, event: InboundEvent, responder: Responder | None = None) -> None:
        """Run `event` through the middleware and every handler that matches it. Never raises."""
        ctx = self.context_for(event, responder)
        try:
            ctx.routes = [route for handler in self.handlers if (route := handler.match(event)) is not None]
            if not ctx.routes:
                return
            await self._chain(ctx, 0, self._run_routes(ctx))
        except UserError as error:
            if _passive(ctx):  # an ordinary message or reaction: the member asked Hearth nothing
                log.warning("ignored %s: %s", type(event).__name__, error.message.msgid)
                return
            await self._show_user_error(ctx, error)
        except Exception:
            log.exception("event %s failed before its handlers ran", type(event).__name__)
            if not _passive(ctx):
                await self._apologise(ctx)

    def context_for(self, event: InboundEvent, responder: Responder | None = None) -> EventContext:
        if responder is None:
            if isinstance(event, (AppRemoved, AppInstalled)):
                responder = Unanswerable(event)
            else:
                member = event.member if isinstance(event, MemberLeft) else event.actor.member
                channel = None if isinstance(event, MemberLeft) else getattr(event, "channel", None)
                responder = MessengerResponder(self.messenger, channel, member)
        return EventContext(
            event=event,
            responder=responder,
            messenger=self.messenger,
            translator=self.translator,
            clock=self.clock,
            uow=self.uow,
            defaults=self.defaults,
            services=self.services,
            refs=self.refs,
            scheduler=self.scheduler,
            rewrites=self.rewrites,
        )

    async def _chain(self, ctx: EventContext, index: int, last: Next) -> None:
        if index == len(self.middleware):
            await last()
            return

        async def call_next() -> None:
            await self._chain(ctx, index + 1, last)

        await self.middleware[index](ctx, call_next)

    def _run_routes(self, ctx: EventContext) -> Next:
        async def run() -> None:
            with handling():  # a recorded delivery's writes from here on mark it handled (bot/acknowledgements)
                for route in ctx.routes:
                    await self._run_route(ctx, route)

        return run

    async def _run_route(self, ctx: EventContext, route: Route) -> None:
        try:
            await route.run(ctx)
        except UserError as error:
            await self._show_user_error(ctx, error)
        except Exception:
            log.exception("handler %s failed on %s", route.name, type(ctx.event).__name__)
            if route.interactive:
                await self._apologise(ctx)

    async def _show_user_error(self, ctx: EventContext, error: UserError) -> None:
        blocks: list[Paragraph | Note] = [Paragraph(ctx.text(error.message))]
        if error.hint is not None:
            blocks.append(Note(ctx.text(error.hint)))
        await self._whisper(ctx, Message(tuple(blocks), ephemeral=True))

    async def _apologise(self, ctx: EventContext) -> None:
        if isinstance(ctx.event, (MemberLeft, AppRemoved, AppInstalled)):
            return
        await self._whisper(ctx, Message((Paragraph(ctx.text(APOLOGY)),), ephemeral=True))

    async def _whisper(self, ctx: EventContext, message: Message) -> None:
        try:
            await ctx.responder.respond(message)
        except Exception:
            log.exception("could not answer %s", type(ctx.event).__name__)


