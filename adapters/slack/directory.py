"""Who a Slack user is (name, zone, locale, admin, bot), from `users.info`, cached briefly per process."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import actor_from_user
from bot.events import Actor
from bot.ports import Clock

log = logging.getLogger("hearth.slack")
ClientFor = Callable[[str], Awaitable[AsyncWebClient]]


class Directory:
    """Actors by (team, user). A failed lookup still yields an actor (by id), so a command is never lost to it."""

    def __init__(self, client_for: ClientFor, clock: Clock, *, keep: timedelta = timedelta(minutes=30)) -> None:
        self._client_for = client_for
        self._clock = clock
        self._keep = keep
        self._cache: dict[tuple[str, str], tuple[datetime, Actor]] = {}

    async def actor(self, team_id: str, user_id: str) -> Actor:
        key = (team_id, user_id)
        now = self._clock.now()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self._keep:
            return cached[1]
        user: dict[str, Any] | None = None
        try:
            client = await self._client_for(team_id)
            response = await client.users_info(user=user_id, include_locale=True)
            user = response.get("user")
        except SlackApiError as error:
            log.warning("users.info for %s in %s failed: %s", user_id, team_id, error.response.get("error"))
        actor = actor_from_user(team_id, user, user_id)
        if user is not None:
            self._cache[key] = (now, actor)
        return actor

    def forget(self, team_id: str) -> None:
        for key in [key for key in self._cache if key[0] == team_id]:
            del self._cache[key]
