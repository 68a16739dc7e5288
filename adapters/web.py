"""Hearth's web server (aiohttp): Slack's requests, a health check, the calendar feeds and the library pages.

A request that is not valid HTTP (a request line or header over 8 KB, more than 128 headers, garbage) is answered
400 by aiohttp itself; `server_options` makes that one INFO line in the log instead of a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

if TYPE_CHECKING:
    from adapters.calendar_feed import CalendarFeedHandler
    from adapters.library_page import LibraryPageHandler
    from adapters.slack.edge import SlackEdge

log = logging.getLogger("hearth.web")
HealthCheck = Callable[[], Awaitable[bool]]
MAX_LINE = 8190  # bytes in the request line and in each header; aiohttp's default, made explicit
MAX_HEADERS = 128
MAX_BODY = 1024**2


class ServerLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server log, except that a request aiohttp could not parse as HTTP is one INFO line without a
    traceback: anyone can send one, and it says nothing about Hearth. Every other error keeps its traceback."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            self.info("%s: %s; answered %s", str(msg) % args, type(exc_info).__name__, exc_info.code or 400)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return msg, kwargs


def server_options() -> dict[str, Any]:
    """How aiohttp's request handler is configured: its limits, no access log, and `ServerLog`."""
    return {
        "access_log": None,
        "logger": ServerLog(logging.getLogger("aiohttp.server")),
        "max_line_size": MAX_LINE,
        "max_field_size": MAX_LINE,
        "max_headers": MAX_HEADERS,
    }


def build_web_app(*, health: HealthCheck, slack: SlackEdge | None = None,
                  calendar: CalendarFeedHandler | None = None,
                  library: LibraryPageHandler | None = None) -> web.Application:
    """The routes: `GET /healthz`, `POST /slack/events` (commands, events and interactivity, through the
    `SlackEdge`) and the OAuth install pages with Slack, `GET /calendar/{token}.ics` with the calendar feeds, and
    `GET /library/{token}/…` with the library pages (and their stylesheet, `/library/static/style.css`)."""
    app = web.Application(client_max_size=MAX_BODY)

    async def healthz(request: web.Request) -> web.Response:
        healthy = await _safely(health)
        return web.json_response({"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503)

    app.router.add_get("/healthz", healthz)
    if slack is not None:
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request  # only with Slack configured

        app.router.add_post("/slack/events", slack.handle)
        flow = slack.app.oauth_flow
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
    if library is not None:
        # The stylesheet first; then everything else under /library/ reaches the handler, for the same empty 404.
        app.router.add_get("/library/static/style.css", library.stylesheet)
        app.router.add_get("/library/{path:.*}", library.handle)
    return app


async def _safely(check: HealthCheck) -> bool:
    try:
        return await check()
    except Exception:
        log.exception("health check failed")
        return False


async def serve(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving `app`; stop it with `await runner.cleanup()`."""
    runner = web.AppRunner(app, **server_options())
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
