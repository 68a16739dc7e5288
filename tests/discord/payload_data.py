"""Rendered Discord payloads as the data Discord receives, through discord.py's own serialisation.

discord.py adds the same keys to every embed (`type`, `flags`) and its defaults to every component (`disabled`,
`min_values`…); they are left out here, so that tests read what Hearth chose.
"""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.render import DiscordPayload

_EMBED_EXTRAS = ("type", "flags")
_BUTTON_DEFAULTS = {"disabled": False}
_SELECT_DEFAULTS = {"disabled": False, "min_values": 1, "max_values": 1, "required": True}
_OPTION_DEFAULTS = {"default": False}


def payload_data(payload: DiscordPayload) -> dict[str, Any]:
    """`payload` as plain data: content, embeds, components and allowed mentions as sent, the files as they are."""
    return {
        "content": payload.content,
        "embeds": [embed_data(embed) for embed in payload.embeds],
        "components": components_data(payload.view),
        "files": payload.files,
        "ephemeral": payload.ephemeral,
        "allowed_mentions": mentions_data(payload.allowed_mentions),
    }


def embed_data(embed: discord.Embed) -> dict[str, Any]:
    return {key: value for key, value in embed.to_dict().items() if key not in _EMBED_EXTRAS}


def components_data(view: discord.ui.View | None) -> list[dict[str, Any]]:
    return [] if view is None else [_without_defaults(row) for row in view.to_components()]


def mentions_data(mentions: discord.AllowedMentions) -> dict[str, list[str]]:
    data = mentions.to_dict()
    return {"parse": list(data["parse"]), "users": [str(user) for user in data.get("users", [])]}


def _without_defaults(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "components": [_component(component) for component in row["components"]]}


def _component(component: dict[str, Any]) -> dict[str, Any]:
    defaults = _SELECT_DEFAULTS if component["type"] == 3 else _BUTTON_DEFAULTS
    chosen = _chosen(component, defaults)
    if "options" in chosen:
        chosen["options"] = [_chosen(option, _OPTION_DEFAULTS) for option in chosen["options"]]
    return chosen


def _chosen(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in defaults or value != defaults[key]}
