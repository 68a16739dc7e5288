"""Discord settings: each wrong, missing or contradictory value stops start-up with one sentence naming the variable
and the fix; no text at all in a shard setting ends in anything but settings or that sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from dotenv import dotenv_values
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.settings import DISCORD_API_URL, DISCORD_GATEWAY_URL, DiscordSettings, Settings, SettingsError

TOKEN = {"DISCORD_TOKEN": "MTA.fake.token"}
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def discord_settings(**env: str) -> DiscordSettings:
    found = Settings.from_env({**TOKEN, **env}).discord
    assert found is not None
    return found


def refused(env: dict[str, str], starts: str) -> str:
    """The sentence `Settings.from_env(env)` stops with, after checking it names the variable first."""
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert message.startswith(starts)
    assert message.endswith(".")
    return message


def test_no_token_means_no_discord() -> None:
    assert Settings.from_env({}).discord is None
    assert Settings.from_env({"DISCORD_TOKEN": "  ", "DISCORD_MEMBER_EVENTS": "off"}).discord is None


def test_a_token_alone_gives_discords_defaults() -> None:
    found = discord_settings()
    assert found == DiscordSettings(token="MTA.fake.token")
    assert (found.api_url, found.gateway_url) == ("https://discord.com/api/v10", "wss://gateway.discord.gg/")
    assert (found.api_url, found.gateway_url) == (DISCORD_API_URL, DISCORD_GATEWAY_URL)
    assert found.guild_id is None
    assert found.member_events
    assert not found.sharded
    assert (found.shard_count, found.shard_ids, found.auto_shards) == (None, None, False)


def test_the_token_is_stripped() -> None:
    assert discord_settings(DISCORD_TOKEN="  MTA.fake.token\n").token == "MTA.fake.token"


@pytest.mark.parametrize("variable", ["DISCORD_GUILD_ID", "DISCORD_SHARDS", "DISCORD_SHARD_IDS"])
def test_discord_settings_without_a_token_are_refused(variable: str) -> None:
    message = refused({variable: "1"}, f"{variable} is set but DISCORD_TOKEN is not")
    assert "Bot page" in message
    assert f"remove {variable}" in message


@pytest.mark.parametrize(
    "token",
    ["fake-token", "a.b", "a.b.c.d", "Bot MTA.fake.token", "MTA.fa ke.token", "..", "MTA..token", ".fake.token"],
)
def test_a_token_of_the_wrong_shape_is_refused(token: str) -> None:
    message = refused({"DISCORD_TOKEN": token}, "DISCORD_TOKEN does not look like a bot token")
    assert "without 'Bot ' in front" in message


def test_the_guild_id_is_a_number() -> None:
    assert discord_settings(DISCORD_GUILD_ID=" 1234567890123456789 ").guild_id == 1234567890123456789


@pytest.mark.parametrize("guild", ["my-server", "12ab", "-5", "1.5", "²", "1" * 5000])
def test_a_guild_id_that_is_not_a_number_is_refused(guild: str) -> None:
    message = refused({**TOKEN, "DISCORD_GUILD_ID": guild}, "DISCORD_GUILD_ID must be a server id")
    assert "Copy Server ID" in message


def test_shards_auto_asks_discord() -> None:
    for raw in ("auto", " AUTO "):
        found = discord_settings(DISCORD_SHARDS=raw)
        assert found.auto_shards and found.sharded
        assert (found.shard_count, found.shard_ids) == (None, None)


def test_shards_as_a_number_runs_them_all() -> None:
    found = discord_settings(DISCORD_SHARDS="4")
    assert (found.shard_count, found.shard_ids, found.auto_shards) == (4, None, False)
    assert found.sharded
    assert discord_settings(DISCORD_SHARDS="1").shard_count == 1


@pytest.mark.parametrize("shards", ["0", "-1", "two", "4.0", "10001", "automatic", "²", "9" * 5000])
def test_a_wrong_shard_count_is_refused(shards: str) -> None:
    message = refused({**TOKEN, "DISCORD_SHARDS": shards}, "DISCORD_SHARDS must be auto or the total number")
    assert repr(shards.lower()) in message


@pytest.mark.parametrize(
    ("shard_ids", "owned"),
    [
        ("0,2", (0, 2)),
        ("0-3", (0, 1, 2, 3)),
        (" 1 , 3 ", (1, 3)),
        ("2-3", (2, 3)),
        ("3,1,1", (1, 3)),
        ("0-1,1-2", (0, 1, 2)),
        ("3", (3,)),
        ("2-2", (2,)),
    ],
)
def test_shard_ids_are_lists_and_ranges(shard_ids: str, owned: tuple[int, ...]) -> None:
    found = discord_settings(DISCORD_SHARDS="4", DISCORD_SHARD_IDS=shard_ids)
    assert found.shard_ids == owned
    assert found.shard_count == 4


def test_two_processes_share_four_shards() -> None:
    first = discord_settings(DISCORD_SHARDS="4", DISCORD_SHARD_IDS="0-1")
    second = discord_settings(DISCORD_SHARDS="4", DISCORD_SHARD_IDS="2-3")
    assert (first.shard_ids, second.shard_ids) == ((0, 1), (2, 3))


@pytest.mark.parametrize("shard_ids", ["4", "0-4", "0,7", "3-1", "0,3-1", "0-99999999999"])
def test_shard_ids_outside_the_shard_count_are_refused(shard_ids: str) -> None:
    env = {**TOKEN, "DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": shard_ids}
    message = refused(env, "DISCORD_SHARD_IDS must name shards from 0 to 3")
    assert "(DISCORD_SHARDS is 4)" in message


@pytest.mark.parametrize("shard_ids", ["one", "0,,1", "0-", "-1", "0;1", "1-2-3", ",", "²", "0x1"])
def test_shard_ids_that_are_not_numbers_are_refused(shard_ids: str) -> None:
    env = {**TOKEN, "DISCORD_SHARDS": "4", "DISCORD_SHARD_IDS": shard_ids}
    message = refused(env, "DISCORD_SHARD_IDS must list shard numbers")
    assert "0,1 or 0-3" in message


@pytest.mark.parametrize("shards", [None, "auto"])
def test_shard_ids_need_a_shard_count(shards: str | None) -> None:
    env = {**TOKEN, "DISCORD_SHARD_IDS": "0-1"}
    if shards is not None:
        env["DISCORD_SHARDS"] = shards
    message = refused(env, "DISCORD_SHARD_IDS needs DISCORD_SHARDS")
    assert "total number of shards" in message


def test_urls_can_point_elsewhere() -> None:
    found = discord_settings(
        DISCORD_API_URL="http://127.0.0.1:8080/api/v10/", DISCORD_GATEWAY_URL="ws://127.0.0.1:8080/gateway"
    )
    assert found.api_url == "http://127.0.0.1:8080/api/v10"
    assert found.gateway_url == "ws://127.0.0.1:8080/gateway"
    assert discord_settings(DISCORD_API_URL="https://discord.com/api/v10//").api_url == "https://discord.com/api/v10"
    assert discord_settings(DISCORD_GATEWAY_URL="wss://gateway.example/").gateway_url == "wss://gateway.example/"


@pytest.mark.parametrize(
    ("variable", "value", "example"),
    [
        ("DISCORD_API_URL", "ftp://discord.com/api", DISCORD_API_URL),
        ("DISCORD_API_URL", "discord.com/api/v10", DISCORD_API_URL),
        ("DISCORD_API_URL", "wss://gateway.discord.gg", DISCORD_API_URL),
        ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg/", DISCORD_GATEWAY_URL),
        ("DISCORD_GATEWAY_URL", "gateway.discord.gg", DISCORD_GATEWAY_URL),
    ],
)
def test_urls_of_the_wrong_kind_are_refused(variable: str, value: str, example: str) -> None:
    message = refused({**TOKEN, variable: value}, f"{variable} must be a")
    assert example in message


@pytest.mark.parametrize(("value", "member_events"), [("on", True), ("off", False), (" OFF ", False), ("", True)])
def test_member_events_on_or_off(value: str, member_events: bool) -> None:
    assert discord_settings(DISCORD_MEMBER_EVENTS=value).member_events is member_events


@pytest.mark.parametrize("value", ["yes", "false", "0", "of"])
def test_member_events_are_on_or_off_only(value: str) -> None:
    message = refused({**TOKEN, "DISCORD_MEMBER_EVENTS": value}, "DISCORD_MEMBER_EVENTS must be on or off")
    assert repr(value.lower()) in message


def test_slack_and_discord_at_once() -> None:
    both = Settings.from_env({**SLACK, **TOKEN, "DISCORD_GUILD_ID": "42"})
    assert both.slack is not None and both.slack.bot_token == "xoxb-1"
    assert both.discord is not None and both.discord.guild_id == 42


def test_a_wrong_discord_setting_stops_slack_too() -> None:
    refused({**SLACK, **TOKEN, "DISCORD_SHARDS": "many"}, "DISCORD_SHARDS must be")


def test_discord_settings_are_frozen() -> None:
    found = discord_settings()
    with pytest.raises(AttributeError):
        found.token = "other"  # type: ignore[misc]


# Text that looks like shard settings often enough to reach every branch, and anything else besides.
_shard_text = st.one_of(
    st.text(),
    st.text(alphabet="0123456789,- ", max_size=12),
    st.from_regex(r"\s*[0-9]{1,3}(\s*-\s*[0-9]{1,3})?(\s*,\s*[0-9]{1,3}(-[0-9]{1,3})?)*\s*", fullmatch=True),
    st.sampled_from(["auto", "AUTO", "0", "²", "١", "0-99999999999", "9" * 5000]),
)


@settings(max_examples=300, deadline=None, database=None)
@given(shards=st.one_of(st.none(), _shard_text), shard_ids=st.one_of(st.none(), _shard_text))
def test_any_shard_text_gives_owned_shards_below_the_count_or_one_sentence(
    shards: str | None, shard_ids: str | None
) -> None:
    env = dict(TOKEN)
    if shards is not None:
        env["DISCORD_SHARDS"] = shards
    if shard_ids is not None:
        env["DISCORD_SHARD_IDS"] = shard_ids
    try:
        found = Settings.from_env(env).discord
    except SettingsError as error:
        refusal = str(error)
    else:
        refusal = ""
    if refusal:
        assert refusal.startswith(("DISCORD_SHARDS ", "DISCORD_SHARD_IDS "))
        assert refusal.endswith(".")
        return
    assert found is not None
    if found.shard_ids is not None:
        assert found.shard_count is not None
        assert found.shard_ids, "an empty list of shards"
        assert list(found.shard_ids) == sorted(set(found.shard_ids))
        assert all(0 <= shard < found.shard_count for shard in found.shard_ids)
    if found.shard_count is not None:
        assert 1 <= found.shard_count <= 10_000
    assert not (found.auto_shards and found.shard_count is not None)


def test_the_example_file_runs_without_discord() -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    values = {key: value or "" for key, value in dotenv_values(example).items()}
    assert {"DISCORD_TOKEN", "DISCORD_GUILD_ID", "DISCORD_MEMBER_EVENTS", "DISCORD_SHARDS", "DISCORD_SHARD_IDS",
            "DISCORD_API_URL", "DISCORD_GATEWAY_URL"} <= set(values)
    assert Settings.from_env(values).discord is None
    # With a token filled in, the example's other Discord values are Discord's defaults.
    assert Settings.from_env({**values, **TOKEN}).discord == DiscordSettings(token="MTA.fake.token")


def test_scheduled_events_are_off_unless_asked_for() -> None:
    base = {"DISCORD_TOKEN": "MTA.fake.token"}
    off = Settings.from_env(base).discord
    on = Settings.from_env({**base, "DISCORD_SCHEDULED_EVENTS": "on"}).discord
    assert off is not None and not off.scheduled_events
    assert on is not None and on.scheduled_events
    with pytest.raises(SettingsError, match="DISCORD_SCHEDULED_EVENTS"):
        Settings.from_env({**base, "DISCORD_SCHEDULED_EVENTS": "maybe"})
