"""The Slack app manifest is generated from the command registry and asks for no message history by default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.slack.manifest import (
    APP_NAME_MAX,
    COMMAND_DESCRIPTION_MAX,
    COMMAND_MAX,
    HISTORY_SCOPES,
    USAGE_HINT_MAX,
    build_manifest,
    manifest_json,
)
from bot.catalogs import Catalogs
from bot.i18n import _
from commands.catalog import Catalog, build_catalog
from commands.context import CommandContext
from commands.router import Shortcut
from commands.spec import CommandSpec, Param, ParamKind

URL = "https://hearth.example.org"
TRANSLATOR = Catalogs.load()


async def _nothing(ctx: CommandContext, args: dict[str, Any]) -> None:
    """A handler for specs that are only listed, never run."""


def commands_with_poll() -> Catalog:
    """Hearth's commands plus a second family, as a later feature adds one."""
    commands = build_catalog()
    for word in ("create", "close", "results"):
        commands.registry.add(CommandSpec(("quiz", word), _("Run a poll."), _nothing))
    commands.families["quiz"] = _("Ask the community a question and see the answers.")
    return commands


def strings_under(node: Any, key: str) -> Iterator[Any]:
    """Every value stored under `key` anywhere in a manifest."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from strings_under(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from strings_under(item, key)


def test_every_family_is_a_slash_command_with_escaped_mentions() -> None:
    commands = commands_with_poll()
    manifest = build_manifest(commands, TRANSLATOR, request_url=URL)
    slash = manifest["features"]["slash_commands"]
    assert [entry["command"] for entry in slash] == ["/hearth", "/meeting", "/poll", "/library", "/nudge", "/quiz"]
    assert all(entry["should_escape"] is True for entry in slash)
    assert slash[0]["description"] == "Set Hearth up, see and change settings, and get help."
    assert slash[0]["usage_hint"] == "help | setup | settings | me | facilitators add/remove/list"
    assert _entry(slash, "/quiz")["usage_hint"] == "create | close | results"


def _entry(slash: list[dict[str, Any]], command: str) -> dict[str, Any]:
    return next(entry for entry in slash if entry["command"] == command)


def test_a_family_without_a_summary_gets_a_generic_description() -> None:
    commands = commands_with_poll()
    del commands.families["quiz"]
    manifest = build_manifest(commands, TRANSLATOR, request_url=URL)
    assert _entry(manifest["features"]["slash_commands"], "/quiz")["description"] == "Hearth's /quiz commands."


def test_a_family_without_subcommands_shows_its_parameters() -> None:
    commands = build_catalog()
    topic = Param("topic", ParamKind.TEXT, _("what to look up"), required=True, greedy=True)
    commands.registry.add(CommandSpec(("ask",), _("Ask the library."), _nothing, params=(topic,)))
    manifest = build_manifest(commands, TRANSLATOR, request_url=URL)
    assert _entry(manifest["features"]["slash_commands"], "/ask")["usage_hint"] == "<topic…>"


def test_no_history_scope_by_default() -> None:
    manifest = build_manifest(build_catalog(), TRANSLATOR, request_url=URL)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert not scopes & HISTORY_SCOPES
    assert {"commands", "chat:write", "im:write", "files:write", "reactions:read", "users:read"} <= scopes
    assert "chat:write.public" not in scopes
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert events == ["app_home_opened", "member_joined_channel", "reaction_added", "app_uninstalled",
                      "tokens_revoked"]


def test_activity_events_add_the_history_scopes_they_need() -> None:
    manifest = build_manifest(build_catalog(), TRANSLATOR, request_url=URL, activity_events=True)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes & HISTORY_SCOPES == {"channels:history", "groups:history"}
    assert {"message.channels", "message.groups"} <= set(manifest["settings"]["event_subscriptions"]["bot_events"])


def test_http_mode_points_every_request_url_at_bolt() -> None:
    manifest = build_manifest(commands_with_poll(), TRANSLATOR, request_url=URL + "/")
    events_url = URL + "/slack/events"
    assert manifest["settings"]["event_subscriptions"]["request_url"] == events_url
    assert manifest["settings"]["interactivity"] == {"is_enabled": True, "request_url": events_url}
    assert {entry["url"] for entry in manifest["features"]["slash_commands"]} == {events_url}
    assert manifest["oauth_config"]["redirect_urls"] == [URL + "/slack/oauth_redirect"]
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_socket_mode_has_no_urls() -> None:
    manifest = build_manifest(commands_with_poll(), TRANSLATOR, socket_mode=True, request_url=URL)
    assert list(strings_under(manifest, "url")) == []
    assert list(strings_under(manifest, "request_url")) == []
    assert "redirect_urls" not in manifest["oauth_config"]
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"] == {"is_enabled": True}


def test_fixed_settings_and_the_library_shortcut() -> None:
    manifest = build_manifest(build_catalog(), TRANSLATOR, request_url=URL)
    assert manifest["settings"]["org_deploy_enabled"] is False
    assert manifest["settings"]["token_rotation_enabled"] is False
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True, "messages_tab_enabled": True, "messages_tab_read_only_enabled": False,
    }
    assert manifest["features"]["bot_user"] == {"display_name": "Hearth", "always_online": True}
    assert manifest["features"]["shortcuts"] == [{"name": "Save to library", "type": "message",
                                                   "callback_id": "library.save", "description": "Save to library"}]


def test_message_shortcuts_come_from_the_routed_ones() -> None:
    commands = build_catalog()

    async def save(ctx: object, event: object) -> None:
        return None

    commands.interactions.on_shortcut(Shortcut("test.echo", _("Echo the message"), save))  # type: ignore[arg-type]
    shortcuts = build_manifest(commands, TRANSLATOR, request_url=URL)["features"]["shortcuts"]
    assert [shortcut["callback_id"] for shortcut in shortcuts] == ["library.save", "test.echo"]
    assert shortcuts[1] == {"name": "Echo the message", "type": "message", "callback_id": "test.echo",
                            "description": "Echo the message"}


def test_texts_are_within_slacks_limits() -> None:
    commands = commands_with_poll()
    for index in range(120):
        commands.registry.add(CommandSpec(("quiz", f"option-{index}"), _("Run a poll."), _nothing))
    manifest = build_manifest(commands, TRANSLATOR, request_url=URL)
    assert len(manifest["display_information"]["name"]) <= APP_NAME_MAX
    for entry in manifest["features"]["slash_commands"]:
        assert len(entry["command"]) <= COMMAND_MAX
        assert entry["command"] == entry["command"].lower()
        assert 0 < len(entry["description"]) <= COMMAND_DESCRIPTION_MAX
        assert len(entry["usage_hint"]) <= USAGE_HINT_MAX
    assert _entry(manifest["features"]["slash_commands"], "/quiz")["usage_hint"].endswith("…")


def test_too_long_a_summary_or_family_name_is_refused() -> None:
    commands = commands_with_poll()
    commands.families["quiz"] = _("x" * (COMMAND_DESCRIPTION_MAX + 1))
    with pytest.raises(ValueError, match="/quiz description"):
        build_manifest(commands, TRANSLATOR, request_url=URL)
    commands = build_catalog()
    commands.registry.add(CommandSpec(("a" * COMMAND_MAX, "go"), _("Go."), _nothing))
    with pytest.raises(ValueError, match="not a Slack slash command"):
        build_manifest(commands, TRANSLATOR, request_url=URL)


@pytest.mark.parametrize("request_url", [None, "", "http://hearth.example.org", "hearth.example.org"])
def test_http_mode_needs_an_https_request_url(request_url: str | None) -> None:
    with pytest.raises(ValueError, match="https"):
        build_manifest(build_catalog(), TRANSLATOR, request_url=request_url)


def test_the_manifest_is_deterministic_json() -> None:
    first = manifest_json(build_manifest(commands_with_poll(), TRANSLATOR, request_url=URL))
    second = manifest_json(build_manifest(commands_with_poll(), TRANSLATOR, request_url=URL))
    assert first == second
    assert json.loads(first) == build_manifest(commands_with_poll(), TRANSLATOR, request_url=URL)
    assert first.endswith("}\n")
