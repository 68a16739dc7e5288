"""Which names are time zones: the canonical IANA names of this server's time zone database.

Every zone that enters Hearth is read here: what a member types (`--tz`), a platform profile's zone, the
HEARTH_TIMEZONE setting, the TZID of an RFC 5545 text, and zones read back from storage. So Hearth stores, shows
and writes into calendar files one spelling per zone:

- A name matches case-insensitively and a space may stand for `_`: `europe/amsterdam` is `Europe/Amsterdam`.
- Files of the database that are no zones are refused: `localtime` (whatever the server is set to), `Factory`
  (a placeholder without an offset), `posixrules`, and the `posix/` and `right/` copies.
- A backward-compatibility link is accepted and read as the zone it links to, as the database's own `tzdata.zi`
  says: `US/Eastern` is `America/New_York`, `Asia/Calcutta` is `Asia/Kolkata`, `Europe/Kiev` is `Europe/Kyiv`.
  A link a country's entry in `zone.tab` names stays as it is (`Europe/Amsterdam`, where a database links it to
  `Europe/Brussels`): it is the name that country's members know. Every spelling of UTC (`Etc/UTC`, `UCT`,
  `Zulu`, …) is `UTC`. The `Etc/GMT±N` zones are zones of their own and kept. A database without `tzdata.zi`
  leaves every link as it is named.
- A zone this server's database lacks is refused when it is typed or configured. Read back from storage or from
  a platform (`usable_zone`), it is logged once and the caller falls back to the community's zone or the
  deployment's.
"""

from __future__ import annotations

import functools
import logging
import zoneinfo
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from bot.errors import UserError
from bot.i18n import _
from bot.messages import UserText

log = logging.getLogger("hearth.time_zones")

UTC_NAME = "UTC"
_UTC_ZONE = "Etc/UTC"
_NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})
_NOT_ZONE_FOLDERS = ("posix/", "right/", "systemv/")
_LONGEST_LINK_CHAIN = 8


def canonical_zone(name: str | None) -> str | None:
    """The canonical spelling of the zone `name` names, or None when it names none this server knows."""
    if not isinstance(name, str):
        return None
    return _spellings().get(_key(name))


def checked_zone(name: str) -> str:
    """The canonical spelling of the zone `name` names; `UserError` (saying what to write) when there is none."""
    found = canonical_zone(name)
    if found is None:
        raise UserError(_(
            "{value} is not a time zone. Use a name from the time zone database, such as `Europe/Brussels` "
            "or `America/New_York`.",
            value=UserText(" ".join(str(name).split())[:80]),
        ))
    return found


def usable_zone(name: str | None, *, source: str = "stored") -> str | None:
    """The canonical spelling of a zone Hearth did not just read from a member (stored, or a platform
    profile's), or None when there is none or this server's database lacks it; the latter is logged once per
    name and `source`, and the caller falls back to the community's zone or the deployment's."""
    if not name:
        return None
    found = canonical_zone(name)
    if found is None:
        _report_unknown(name, source)
    return found


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every canonical zone name, sorted."""
    return tuple(sorted(set(_spellings().values())))


def zone_spellings() -> Mapping[str, str]:
    """Every accepted spelling, case-folded, to its canonical name (for suggestions)."""
    return _spellings()


def _key(name: str) -> str:
    return "_".join(name.split()).casefold()


@functools.lru_cache(maxsize=256)
def _report_unknown(name: str, source: str) -> None:
    log.warning("the %s time zone %r is not in this server's time zone database; using a fallback zone instead",
                source, name)


@functools.cache
def _spellings() -> dict[str, str]:
    available = {name for name in zoneinfo.available_timezones() if _is_zone(name)}
    links, country_zones = _database_tables()
    return {name.casefold(): _canonical(name, available, links, country_zones) for name in sorted(available)}


def _is_zone(name: str) -> bool:
    return name.casefold() not in _NOT_ZONES and not name.casefold().startswith(_NOT_ZONE_FOLDERS)


def _canonical(name: str, available: set[str], links: Mapping[str, str], country_zones: frozenset[str]) -> str:
    target = name
    for _step in range(_LONGEST_LINK_CHAIN):
        if target in country_zones or target not in links:
            break
        target = links[target]
    if target in (_UTC_ZONE, UTC_NAME):
        return UTC_NAME if UTC_NAME in available else _UTC_ZONE
    return target if target in available else name


def _database_tables() -> tuple[dict[str, str], frozenset[str]]:
    """The links (`tzdata.zi`, link name to target) and the zones `zone.tab` names, from the first database
    zoneinfo reads: the first TZPATH folder that has them, else the `tzdata` package."""
    for folder in zoneinfo.TZPATH:
        links_file = Path(folder) / "tzdata.zi"
        if links_file.is_file():
            return _links(_read(links_file)), _country_zones(_read(Path(folder) / "zone.tab"))
    try:
        package = resources.files("tzdata") / "zoneinfo"
        return (_links(_read_resource(package / "tzdata.zi")),
                _country_zones(_read_resource(package / "zone.tab")))
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}, frozenset()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _read_resource(resource: Traversable) -> str:
    try:
        return resource.read_text(encoding="utf-8")
    except OSError:
        return ""


def _links(text: str) -> dict[str, str]:
    links: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 3 and fields[0] in ("L", "Link"):
            links[fields[2]] = fields[1]
    return links


def _country_zones(text: str) -> frozenset[str]:
    zones: set[str] = set()
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            zones.add(fields[2].strip())
    return frozenset(zones)

