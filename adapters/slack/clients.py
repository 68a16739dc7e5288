"""Slack Web API clients with Hearth's retry policy."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.settings import SlackSettings


def web_client(settings: SlackSettings, token: str | None, session: aiohttp.ClientSession | None = None
               ) -> AsyncWebClient:
    """A client that retries 429s after their Retry-After, and connection and 5xx errors with backoff.

    Bolt copies these handlers, and the `session` (connections kept open and reused, instead of a new one for
    every call), into the client it makes for each request.
    """
    return AsyncWebClient(
        token=token,
        base_url=settings.api_url,
        session=session,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )
