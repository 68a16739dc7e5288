"""Hearth's web server (aiohttp): Slack's requests, a health check, and the calendar feeds."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from slack_bolt.app.async_app import AsyncApp

    from adapters.calendar_feed import CalendarFeedHandler

log = logging.getLogger("hearth.web")
HealthCheck = Callable[[], Awaitable[bool]]


def build_web_app(*, health: HealthCheck, slack: AsyncApp | None = None,
                  calendar: CalendarFeedHandler | None = None) -> web.Application:
    """The routes: `GET /healthz`, `POST /slack/events` (commands, events and interactivity) with Slack, and
    `GET /calendar/{token}.ics` with the calendar feeds."""
    app = web.Application(client_max_size=1024**2)

    async def healthz(request: web.Request) -> web.Response:
        healthy = await _safely(health)
        return web.json_response({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)

    app.router.add_get("/healthz", healthz)
    if slack is not None:
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request  # only with Slack configured

        bolt = slack

        async def slack_events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

        app.router.add_post("/slack/events", slack_events)
        flow = bolt.oauth_flow
        if flow is not None:

            async def slack_install(request: web.Request) -> web.Response:
                return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

            async def slack_oauth_redirect(request: web.Request) -> web.Response:
                return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

            app.router.add_get(flow.install_path, slack_install)
            app.router.add_get(flow.redirect_uri_path, slack_oauth_redirect)
    if calendar is not None:
        # Everything under /calendar/ reaches the handler, so that any path that is not a live feed gets the same
        # empty 404.
        app.router.add_get("/calendar/{file:.*}", calendar.handle)
    return app


async def _safely(check: HealthCheck) -> bool:
    try:
        return await check()
    except Exception:
        log.exception("health check failed")
        return False


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving `app`; stop it with `await runner.cleanup()`."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
