"""Slack settings: each wrong, missing or contradictory combination stops start-up with one clear sentence."""

from __future__ import annotations

import pytest

from adapters.settings import Settings, SettingsError

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_no_slack_settings_means_no_slack() -> None:
    assert Settings.from_env({}).slack is None


def test_http_and_socket_mode() -> None:
    http = Settings.from_env(HTTP).slack
    assert http is not None and not http.socket_mode and not http.oauth
    assert http.api_url == "https://slack.com/api/"
    socket = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).slack
    assert socket is not None and socket.socket_mode


@pytest.mark.parametrize(
    ("env", "starts"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN must"),
        ({**HTTP, "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN must"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is missing"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is missing"),
        ({"SLACK_CLIENT_ID": "1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_CLIENT_SECRET is missing"),
        (
            {**HTTP, "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2"},
            "SLACK_BOT_TOKEN and SLACK_CLIENT_ID contradict",
        ),
        ({**HTTP, "SLACK_API_URL": "https://slack.com/api"}, "SLACK_API_URL must"),
        ({**HTTP, "HEARTH_DATA_GRACE_DAYS": "forever"}, "HEARTH_DATA_GRACE_DAYS must"),
        ({**HTTP, "HEARTH_HTTP_PORT": "99999"}, "HEARTH_HTTP_PORT must"),
        ({**HTTP, "HEARTH_MAX_IN_FLIGHT": "0"}, "HEARTH_MAX_IN_FLIGHT must"),
    ],
)
def test_wrong_slack_settings(env: dict[str, str], starts: str) -> None:
    with pytest.raises(SettingsError, match=f"^{starts}"):
        Settings.from_env(env)
