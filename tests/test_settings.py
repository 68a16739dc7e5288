"""Settings are read once from a mapping; each wrong, missing or contradictory value stops start-up clearly."""

from __future__ import annotations

from ipaddress import ip_network
from pathlib import Path

import pytest

from adapters.cli import run
from adapters.settings import Settings, SettingsError


def test_defaults_use_sqlite_in_the_data_folder() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///data/hearth.db"
    assert settings.language == "en"
    assert settings.timezone == "UTC"
    assert (settings.rate_limit_count, settings.rate_limit_seconds) == (20, 60)
    assert settings.describe_database() == "SQLite at data/hearth.db"


def test_data_dir_moves_the_default_database() -> None:
    settings = Settings.from_env({"HEARTH_DATA_DIR": "/srv/hearth"})
    assert settings.database_url == "sqlite:////srv/hearth/hearth.db"


def test_postgres_url_and_pool_size() -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql+psycopg://hearth:secret@db:5432/hearth", "HEARTH_DB_POOL_SIZE": "10"}
    )
    assert settings.db_pool_size == 10
    assert "secret" not in settings.describe_database()


def test_values_are_normalised() -> None:
    settings = Settings.from_env({"HEARTH_LANGUAGE": " NL ", "HEARTH_LOG_LEVEL": "debug", "HEARTH_RATE_LIMIT": "5/2m"})
    assert (settings.language, settings.log_level) == ("nl", "DEBUG")
    assert (settings.rate_limit_count, settings.rate_limit_seconds) == (5, 120)
    assert Settings.from_env({}).stop_seconds == 10.0
    assert Settings.from_env({"HEARTH_STOP_SECONDS": " 45 "}).stop_seconds == 45.0
    assert (Settings.from_env({}).takeover_seconds, Settings.from_env({"HEARTH_TAKEOVER_SECONDS": "5"})
            .takeover_seconds) == (30, 5)
    assert (Settings.from_env({}).activity_days, Settings.from_env({"HEARTH_ACTIVITY_DAYS": " 90 "}).activity_days,
            Settings.from_env({"HEARTH_ACTIVITY_DAYS": "3650"}).activity_days) == (400, 90, 3650)


@pytest.mark.parametrize(
    ("env", "variable", "fix"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL", "postgresql+psycopg://"),
        ({"DATABASE_URL": "postgres://u@h/db"}, "DATABASE_URL", "postgresql+psycopg://"),
        ({"DATABASE_URL": "sqlite:///:memory:"}, "DATABASE_URL", "sqlite:///path/to/hearth.db"),
        ({"HEARTH_LANGUAGE": "fr"}, "HEARTH_LANGUAGE", "en, nl"),
        ({"HEARTH_TIMEZONE": "Europe/Brusels"}, "HEARTH_TIMEZONE", "Europe/Brussels"),
        ({"HEARTH_TIMEZONE": "localtime"}, "HEARTH_TIMEZONE", "Europe/Brussels"),
        ({"HEARTH_TIMEZONE": "Factory"}, "HEARTH_TIMEZONE", "Europe/Brussels"),
        ({"HEARTH_TIMEZONE": "posixrules"}, "HEARTH_TIMEZONE", "Europe/Brussels"),
        ({"HEARTH_LOG_LEVEL": "LOUD"}, "HEARTH_LOG_LEVEL", "DEBUG"),
        ({"HEARTH_RATE_LIMIT": "lots"}, "HEARTH_RATE_LIMIT", "20/60s"),
        ({"HEARTH_RATE_LIMIT": "0/60s"}, "HEARTH_RATE_LIMIT", "20/60s"),
        ({"HEARTH_STOP_SECONDS": "0"}, "HEARTH_STOP_SECONDS", "1 to 300"),
        ({"HEARTH_STOP_SECONDS": "2.5"}, "HEARTH_STOP_SECONDS", "1 to 300"),
        ({"HEARTH_STOP_SECONDS": "²"}, "HEARTH_STOP_SECONDS", "1 to 300"),
        ({"HEARTH_TAKEOVER_SECONDS": "2"}, "HEARTH_TAKEOVER_SECONDS", "3 to 3600"),
        ({"HEARTH_TAKEOVER_SECONDS": "soon"}, "HEARTH_TAKEOVER_SECONDS", "3 to 3600"),
        ({"HEARTH_ACTIVITY_DAYS": "0"}, "HEARTH_ACTIVITY_DAYS", "1 to 3650"),
        ({"HEARTH_ACTIVITY_DAYS": "3651"}, "HEARTH_ACTIVITY_DAYS", "1 to 3650"),
        ({"HEARTH_ACTIVITY_DAYS": "a year"}, "HEARTH_ACTIVITY_DAYS", "1 to 3650"),
        ({"HEARTH_ACTIVITY_DAYS": "²"}, "HEARTH_ACTIVITY_DAYS", "1 to 3650"),
        ({"HEARTH_ACTIVITY_DAYS": "-5"}, "HEARTH_ACTIVITY_DAYS", "1 to 3650"),
        (
            {"DATABASE_URL": "postgresql+psycopg://u@h/db", "HEARTH_DB_POOL_SIZE": "many"},
            "HEARTH_DB_POOL_SIZE", "1 to 200",
        ),
        ({"HEARTH_FETCH": "sometimes"}, "HEARTH_FETCH", "or off"),
        ({"HEARTH_FETCH": "0"}, "HEARTH_FETCH", "or off"),
        ({"HEARTH_FETCH_ALLOW": "10.0.0.1/8"}, "HEARTH_FETCH_ALLOW", "write 10.0.0.0/8"),
        ({"HEARTH_FETCH_ALLOW": "fd00::1/8"}, "HEARTH_FETCH_ALLOW", "write fd00::/8"),
        ({"HEARTH_FETCH_ALLOW": "10.0.0.0/33"}, "HEARTH_FETCH_ALLOW", "10.0.0.0/8, 127.0.0.2"),
        ({"HEARTH_FETCH_ALLOW": "10.0.0.300"}, "HEARTH_FETCH_ALLOW", "10.0.0.0/8, 127.0.0.2"),
        ({"HEARTH_FETCH_ALLOW": "127.1"}, "HEARTH_FETCH_ALLOW", "10.0.0.0/8, 127.0.0.2"),
        ({"HEARTH_FETCH_ALLOW": "https://wiki.example.org"}, "HEARTH_FETCH_ALLOW", "wiki.example.org"),
        ({"HEARTH_FETCH_ALLOW": "*.example.org"}, "HEARTH_FETCH_ALLOW", "wiki.example.org"),
        ({"HEARTH_FETCH_ALLOW": "wiki.example.org 10.0.0.0/8"}, "HEARTH_FETCH_ALLOW", "separated by commas"),
        ({"HEARTH_FETCH_ALLOW": "wiki..example.org"}, "HEARTH_FETCH_ALLOW", "wiki.example.org"),
    ],
)
def test_wrong_values_name_the_variable_and_the_fix(env: dict[str, str], variable: str, fix: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    message = str(raised.value)
    assert message.startswith(variable)
    assert fix in message
    assert message.count(". ") == 0 or message.endswith(".")


def test_hearth_timezone_localtime_stops_start_up_with_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"HEARTH_TIMEZONE": "localtime"})
    assert str(raised.value) == (
        "HEARTH_TIMEZONE must be an IANA time zone such as Europe/Brussels or America/New_York, not 'localtime' "
        "(that is the server's own setting, not a zone name)."
    )
    assert run(["demo"], {"HEARTH_TIMEZONE": "localtime"}) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hearth: HEARTH_TIMEZONE must be an IANA time zone") and "Traceback" not in err


@pytest.mark.parametrize(("typed", "stored"), [("europe/amsterdam", "Europe/Amsterdam"), ("utc", "UTC"),
                                               ("Etc/UTC", "UTC"), ("", "UTC")])
def test_hearth_timezone_is_read_in_its_canonical_spelling(typed: str, stored: str) -> None:
    assert Settings.from_env({"HEARTH_TIMEZONE": typed}).timezone == stored


def test_missing_value_set_but_empty() -> None:
    with pytest.raises(SettingsError, match=r"^DATABASE_URL is set but empty"):
        Settings.from_env({"DATABASE_URL": "  "})


def test_contradiction_pool_size_with_sqlite() -> None:
    with pytest.raises(SettingsError, match=r"^HEARTH_DB_POOL_SIZE applies only to PostgreSQL"):
        Settings.from_env({"HEARTH_DB_POOL_SIZE": "5"})


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(AttributeError):
        settings.language = "nl"  # type: ignore[misc]


def test_the_entry_point_stops_with_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status = run(["demo"], {"HEARTH_TIMEZONE": "Nowhere/Special"})
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("hearth: HEARTH_TIMEZONE must be an IANA time zone")
    assert "Traceback" not in err


def test_the_example_file_is_a_working_configuration() -> None:
    from dotenv import dotenv_values

    example = Path(__file__).resolve().parent.parent / ".env.example"
    values = {key: value or "" for key, value in dotenv_values(example).items()}
    settings = Settings.from_env(values)
    assert settings.slack is None  # no credentials in the example: the console
    assert settings.database_url == "sqlite:///data/hearth.db"
    # Every variable the settings read is in the example, set or shown in a comment.
    import re

    source = (Path(__file__).resolve().parent.parent / "adapters" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'_get\(env, "([A-Z_]+)"\)', source)) | set(re.findall(r'"([A-Z_]+)" in env', source))
    assert len(read) >= 15
    text = example.read_text(encoding="utf-8")
    assert sorted(name for name in read if name not in text) == []


def test_the_public_url_defaults_to_the_web_server_and_refuses_other_schemes() -> None:
    assert Settings.from_env({"HEARTH_HTTP_PORT": "8080"}).public_url == "http://127.0.0.1:8080"
    assert Settings.from_env({"HEARTH_PUBLIC_URL": "https://hearth.example.org/"}).public_url == (
        "https://hearth.example.org")
    with pytest.raises(SettingsError, match="HEARTH_PUBLIC_URL"):
        Settings.from_env({"HEARTH_PUBLIC_URL": "ftp://hearth.example.org"})


def test_page_fetching_is_on_and_reaches_only_public_addresses_by_default() -> None:
    settings = Settings.from_env({})
    assert settings.fetch_pages is True
    assert (settings.fetch_allow_networks, settings.fetch_allow_hosts) == ((), ())
    assert Settings.from_env({"HEARTH_FETCH": " OFF "}).fetch_pages is False
    assert Settings.from_env({"HEARTH_FETCH": "on"}).fetch_pages is True


def test_the_fetch_allow_list_reads_networks_and_host_names() -> None:
    settings = Settings.from_env(
        {"HEARTH_FETCH_ALLOW": " 10.20.0.0/16, 127.0.0.2,,fd00::/8, Wiki.Intranet.Example., bücher.intranet, localhost,"
                               " 10.20.0.0/16"}
    )
    assert settings.fetch_allow_networks == (ip_network("10.20.0.0/16"), ip_network("127.0.0.2/32"),
                                             ip_network("fd00::/8"))
    assert settings.fetch_allow_hosts == ("wiki.intranet.example", "xn--bcher-kva.intranet", "localhost")
