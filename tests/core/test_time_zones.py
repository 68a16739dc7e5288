"""`bot.time_zones`: which names are zones, and the one spelling Hearth keeps of each."""

from __future__ import annotations

import logging
import zoneinfo

import pytest

from bot.errors import UserError
from bot.recurrence.zones import zone_of
from bot.time_zones import canonical_zone, checked_zone, usable_zone, zone_names


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "posix/Europe/Amsterdam",
                                  "right/Europe/Amsterdam", "Mars/Olympus", "", "   "])
def test_names_that_are_no_zones_are_refused(name: str) -> None:
    assert canonical_zone(name) is None
    with pytest.raises(UserError):
        checked_zone(name)
    with pytest.raises(ValueError, match=r"time zone|IANA"):
        zone_of(name)


@pytest.mark.parametrize(("typed", "canonical"), [
    ("Europe/Amsterdam", "Europe/Amsterdam"), ("europe/amsterdam", "Europe/Amsterdam"),
    ("AMERICA/NEW YORK", "America/New_York"), ("utc", "UTC"), ("Etc/UTC", "UTC"), ("Zulu", "UTC"),
    ("Etc/GMT+1", "Etc/GMT+1"),
])
def test_names_match_case_insensitively_to_one_spelling(typed: str, canonical: str) -> None:
    assert canonical_zone(typed) == canonical
    assert zone_of(typed).key == canonical


@pytest.mark.parametrize(("link", "zone"), [("US/Eastern", "America/New_York"), ("Asia/Calcutta", "Asia/Kolkata"),
                                            ("Europe/Kiev", "Europe/Kyiv")])
def test_legacy_links_are_read_as_their_zone(link: str, zone: str) -> None:
    if canonical_zone(link) == link:
        pytest.skip("this server's time zone database has no link table")
    assert canonical_zone(link) == zone


def test_every_canonical_name_loads_and_names_itself() -> None:
    names = zone_names()
    assert "Europe/Amsterdam" in names and "UTC" in names
    assert not {"localtime", "Factory", "posixrules", "US/Eastern", "Etc/UTC"} & set(names)
    for name in names:
        assert canonical_zone(name) == name
        zoneinfo.ZoneInfo(name)


def test_a_zone_read_back_that_the_server_lacks_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="hearth.time_zones"):
        assert usable_zone("Atlantis/Capital-Once") is None
        assert usable_zone("Atlantis/Capital-Once") is None
        assert usable_zone("europe/brussels") == "Europe/Brussels"
        assert usable_zone(None) is None
    assert [record.getMessage().count("Atlantis/Capital-Once") for record in caplog.records] == [1]
