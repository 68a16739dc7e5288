"""Where a workspace's bot token comes from: one `SLACK_BOT_TOKEN`, or the OAuth installs in Hearth's database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.settings import SlackSettings
from adapters.slack.clients import web_client
from adapters.slack.manifest import BOT_SCOPES
from bot.ports import DeliveryError

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class SingleWorkspace:
    """The Web API client of the one workspace `SLACK_BOT_TOKEN` belongs to, and which workspace that is."""

    def __init__(self, settings: SlackSettings) -> None:
        self.session = aiohttp.ClientSession()
        self.token = settings.bot_token
        self.client = web_client(settings, settings.bot_token, self.session)
        # Bolt copies this client for each request and gives the copy the token `authorize` returns.
        self.bolt_client = web_client(settings, None, self.session)
        self._identity: dict[str, Any] | None = None
        self._asking = asyncio.Lock()

    async def identity(self) -> dict[str, Any]:
        """What Slack's `auth.test` says of the token: its workspace (`team_id`, `team`), bot (`bot_id`,
        `user_id`)… Asked once, the first time (Hearth asks at start), and kept for the life of the process.

        Raises `SlackApiError` when Slack refuses the token, and aiohttp's errors when Slack cannot be reached.
        """
        async with self._asking:
            if self._identity is None:
                response = await self.client.auth_test()
                self._identity = dict(response.data) if isinstance(response.data, dict) else {}
        return self._identity

    async def team_id(self) -> str:
        """The id of the one workspace this Hearth serves (see `identity`)."""
        return str((await self.identity()).get("team_id") or "")

    async def authorize(self) -> AuthorizeResult:
        """Bolt's authorization of each request: the one token, as `auth.test` described it (see `identity`)."""
        return AuthorizeResult.from_auth_test_response(auth_test_response=await self.identity(),
                                                       bot_token=self.token)

    async def close(self) -> None:
        await self.session.close()

    async def __call__(self, team_id: str) -> AsyncWebClient:
        return self.client

    async def forget(self, team_id: str) -> None:
        """Nothing to remove: the token lives in the settings (the operator revokes it)."""


class HearthInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store, telling Hearth when a workspace (re)installs it."""

    on_installed: Callable[[str], Awaitable[None]] | None = None

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(installation)
        if self.on_installed is not None and installation.team_id:
            await self.on_installed(installation.team_id)


class InstalledWorkspaces:
    """Clients for workspaces that installed Hearth through OAuth, from slack_sdk's store on Hearth's database."""

    def __init__(self, settings: SlackSettings, engine: AsyncEngine) -> None:
        assert settings.client_id is not None and settings.client_secret is not None
        self.settings = settings
        self.session = aiohttp.ClientSession()
        self.client = web_client(settings, None, self.session)  # no token: Bolt picks each request's from the store
        self.bolt_client = self.client
        self.store = HearthInstallationStore(settings.client_id, engine)
        self.states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
        self._clients: dict[str, AsyncWebClient] = {}

    def oauth_settings(self) -> AsyncOAuthSettings:
        return AsyncOAuthSettings(
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            install_page_rendering_enabled=False,
            installation_store=self.store,
            installation_store_bot_only=True,
            state_store=self.states,
        )

    async def __call__(self, team_id: str) -> AsyncWebClient:
        """The client of `team_id`'s bot; `DeliveryError` when Hearth is not (or no longer) installed there."""
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            self._clients.pop(team_id, None)
            raise DeliveryError(f"Hearth is not installed in Slack workspace {team_id}")
        cached = self._clients.get(team_id)
        if cached is None or cached.token != bot.bot_token:
            cached = self._clients[team_id] = web_client(self.settings, bot.bot_token, self.session)
        return cached

    async def close(self) -> None:
        await self.session.close()

    async def forget(self, team_id: str) -> None:
        """Delete the workspace's tokens at once (it uninstalled Hearth or revoked them)."""
        self._clients.pop(team_id, None)
        await self.store.async_delete_all(enterprise_id=None, team_id=team_id)
