"""Hearth's Slack app manifest, generated from the command registry so a facilitator creates the app in one step.

Every slash command comes from a family in the registry; nothing here is kept by hand next to it.

Scopes are the least Hearth works with:

- `commands`: the slash commands and the "Save to library" message shortcut.
- `chat:write`: post, update and delete Hearth's own messages, and answer privately (`chat.postEphemeral`).
- `im:write`: open a direct message (`conversations.open`) for nudges, reminders and digests to one member.
- `files:write`: calendar invitations, CSV exports and charts (`files.getUploadURLExternal` and its completion).
- `reactions:read`: the `reaction_added` event, counted as activity.
- `users:read`: a member's time zone and locale (`users.info`).
- `channels:read` and `groups:read`: `conversations.info` and `member_joined_channel` in public and private
  channels. Slack sends `member_joined_channel` for public channels with `channels:read` and for private ones
  with `groups:read`; a community may live in either.

Left out on purpose:

- `chat:write.public` ("Send messages to channels your Slack app isn't a member of"). Hearth must be a member of a
  community channel anyway: `member_joined_channel` and `reaction_added` only arrive from channels it was
  added to. Posting to channels it was never invited to would widen its reach for nothing.
- `app_mentions:read`: no Hearth feature answers an @mention.
- Every `*:history` scope, by default. Slack sends a channel's messages (`message.channels`, `message.groups`)
  only to apps holding `channels:history` / `groups:history` ("View messages and other content in public
  channels that your Slack app has been added to"); there is no event that says "a member posted" without the
  message. `message_metadata_posted` (scope `metadata.message:read`) only covers messages that carry app
  metadata, not what members write. So activity counted from members' messages needs a history scope:
  `build_manifest(..., activity_events=True)` adds `channels:history`, `groups:history` and the two message
  events; without it Hearth counts joins and reactions only.

Settings: `token_rotation_enabled` is false because Bolt rotates tokens only while handling an incoming request,
and Hearth's scheduled posts run outside any request; `org_deploy_enabled` is false because Hearth is installed
per workspace.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from adapters.text_pieces import cut
from bot.i18n import Msg, Translator, render
from commands.catalog import Catalog
from commands.registry import Registry
from commands.usage import usage_line

BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "im:write",
    "files:write",
    "reactions:read",
    "users:read",
    "channels:read",
    "groups:read",
)
ACTIVITY_SCOPES: tuple[str, ...] = ("channels:history", "groups:history")
HISTORY_SCOPES: frozenset[str] = frozenset({"channels:history", "groups:history", "im:history", "mpim:history"})

BOT_EVENTS: tuple[str, ...] = (
    "app_home_opened",
    "member_joined_channel",
    "reaction_added",
    "app_uninstalled",
    "tokens_revoked",
)
ACTIVITY_EVENTS: tuple[str, ...] = ("message.channels", "message.groups")

# Bolt serves events, commands and interactivity on one path, and OAuth on two more (its defaults).
EVENTS_PATH = "/slack/events"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"


# Slack's limits (app manifest reference and its JSON schema).
APP_NAME_MAX = 35
APP_DESCRIPTION_MAX = 140
BOT_NAME_MAX = 80
COMMAND_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
USAGE_HINT_MAX = 1000
SHORTCUT_NAME_MAX = 24

APP_DESCRIPTION = "Keeps communities of practice alive: nudges, meetings, polls, a shared library and a weekly digest."
BACKGROUND_COLOR = "#7a3b1e"
_COMMAND = re.compile(r"/[a-z0-9][a-z0-9_-]*")


def build_manifest(
    commands: Catalog,
    translator: Translator,
    *,
    app_name: str = "Hearth",
    request_url: str | None = None,
    socket_mode: bool = False,
    activity_events: bool = False,
) -> dict[str, Any]:
    """The complete app manifest, ready to be written as JSON or YAML.

    In HTTP mode (`socket_mode` False) every request URL is `request_url` + `/slack/events`; `request_url` is
    required and must be https. In Socket Mode no URL is written (`request_url` is ignored): Slack delivers
    everything over the WebSocket. `activity_events` adds the message events and their history scopes (see the
    module docstring). Raises `ValueError` when a name or text is over Slack's limits, a family name is not a
    valid slash command, or the request URL is missing or not https.
    """
    base_url = None if socket_mode else _base_url(request_url)
    manifest: dict[str, Any] = {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": _display_information(app_name),
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                # Members run slash commands such as `/hearth me` from Hearth's Messages tab, which needs it open.
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": _bot_user(app_name),
            "shortcuts": message_shortcuts(commands, translator),
            "slash_commands": slash_commands(commands, translator, base_url),
        },
        "oauth_config": _oauth_config(base_url, activity_events),
        "settings": _settings(base_url, socket_mode, activity_events),
    }
    return manifest


def manifest_json(manifest: Mapping[str, Any]) -> str:
    """`manifest` as pretty JSON in a stable key order, ending in a newline."""
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def slash_commands(commands: Catalog, translator: Translator, base_url: str | None) -> list[dict[str, Any]]:
    """One slash command per family, in registration order; `base_url` None means Socket Mode (no `url`)."""
    entries = []
    for family in commands.registry.families():
        entry: dict[str, Any] = {
            "command": _command_name(family),
            "description": _family_description(family, commands.families.get(family), translator),
        }
        hint = usage_hint(commands.registry, family)
        if hint:
            entry["usage_hint"] = hint
        # Slack then sends mentions as <@U…> and <#C…>, which the parser reads as member and channel ids.
        entry["should_escape"] = True
        if base_url is not None:
            entry["url"] = base_url + EVENTS_PATH
        entries.append(entry)
    return entries


def usage_hint(registry: Registry, family: str) -> str:
    """The words that may follow `/family`, such as `help | setup | facilitators add/remove/list`.

    A family without subcommands shows its own parameters instead. Cut to Slack's limit with an ellipsis.
    """
    children = registry.group_children((family,))
    if children:
        hint = " | ".join(_child_hint(registry, (family, child)) for child in children)
    else:
        hint = _parameters_hint(registry, family)
    return cut(hint, USAGE_HINT_MAX)


def plain_english(translator: Translator, message: Msg) -> str:
    """`message` rendered in English, keeping only its plain text (placeholders' values are left out)."""
    return "".join(part for part in render(translator, "en", message).parts if isinstance(part, str))


def _display_information(app_name: str) -> dict[str, str]:
    _check_length("app name", app_name, APP_NAME_MAX)
    _check_length("app description", APP_DESCRIPTION, APP_DESCRIPTION_MAX)
    return {"name": app_name, "description": APP_DESCRIPTION, "background_color": BACKGROUND_COLOR}


def _bot_user(app_name: str) -> dict[str, Any]:
    _check_length("bot display name", app_name, BOT_NAME_MAX)
    return {"display_name": app_name, "always_online": True}


def message_shortcuts(commands: Catalog, translator: Translator) -> list[dict[str, str]]:
    """A message shortcut for each one a feature routes (none is offered that nothing would answer)."""
    shortcuts = []
    for shortcut in commands.interactions.shortcuts():
        name = cut(plain_english(translator, shortcut.name), SHORTCUT_NAME_MAX)
        shortcuts.append({"name": name, "type": "message", "callback_id": shortcut.shortcut_id, "description": name})
    return shortcuts


def _oauth_config(base_url: str | None, activity_events: bool) -> dict[str, Any]:
    scopes = BOT_SCOPES + (ACTIVITY_SCOPES if activity_events else ())
    config: dict[str, Any] = {"scopes": {"bot": list(scopes)}}
    if base_url is not None:
        # Where Bolt's OAuth flow lands after a workspace installs Hearth; unused by a single-workspace install.
        config["redirect_urls"] = [base_url + OAUTH_REDIRECT_PATH]
    return config


def _settings(base_url: str | None, socket_mode: bool, activity_events: bool) -> dict[str, Any]:
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS + (ACTIVITY_EVENTS if activity_events else ()))}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if base_url is not None:
        events["request_url"] = base_url + EVENTS_PATH
        interactivity["request_url"] = base_url + EVENTS_PATH
    return {
        "event_subscriptions": events,
        "interactivity": interactivity,
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }


def _base_url(request_url: str | None) -> str:
    if not request_url:
        raise ValueError("HTTP mode needs the public https address Slack sends requests to (request_url)")
    parts = urlsplit(request_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"Slack only sends requests to https addresses, not {request_url!r}")
    return request_url.rstrip("/")


def _command_name(family: str) -> str:
    command = "/" + family
    if not _COMMAND.fullmatch(command) or len(command) > COMMAND_MAX:
        raise ValueError(f"{command!r} is not a Slack slash command: lower case, at most {COMMAND_MAX} characters")
    return command


def _family_description(family: str, summary: Msg | None, translator: Translator) -> str:
    description = plain_english(translator, summary).strip() if summary is not None else ""
    description = description or f"Hearth's /{family} commands."
    _check_length(f"/{family} description", description, COMMAND_DESCRIPTION_MAX)
    return description


def _child_hint(registry: Registry, path: tuple[str, ...]) -> str:
    grandchildren = registry.group_children(path)
    word = path[-1]
    return f"{word} {'/'.join(grandchildren)}" if grandchildren else word


def _parameters_hint(registry: Registry, family: str) -> str:
    specs = registry.family(family)
    return usage_line(specs[0]).removeprefix("/" + family).strip() if specs else ""


def _check_length(what: str, text: str, limit: int) -> None:
    if not text or len(text) > limit:
        raise ValueError(f"the {what} must have 1 to {limit} characters, not {len(text)}: {text!r}")
