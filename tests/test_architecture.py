"""The core knows no platform: bot/ and commands/ import no Slack, Discord, database or scheduler module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord", "sqlalchemy", "sqlmodel", "apscheduler", "alembic", "psycopg",
             "aiosqlite", "storage", "adapters")
CORE_PACKAGES = ("bot", "commands")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def core_files() -> list[Path]:
    return sorted(path for package in CORE_PACKAGES for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_platform_or_database(path: Path) -> None:
    bad = sorted(
        module for module in imported_modules(path) if module.split(".")[0] in FORBIDDEN
    )
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_bot_does_not_import_commands() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        assert not any(m.split(".")[0] == "commands" for m in imported_modules(path)), path


def test_the_walk_sees_every_import_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy.orm\nfrom discord import Client\nif True:\n    import slack_bolt\n")
    assert {"sqlalchemy.orm", "discord", "slack_bolt"} <= imported_modules(sample)


PLATFORM_PACKAGES = ("adapters/slack", "adapters/discord")
# Only the entry points build Hearth; a platform adapter receives what it needs from them.
WIRING_MODULES = ("adapters.wiring", "adapters.run", "adapters.cli")


def platform_files() -> list[Path]:
    return sorted(path for package in PLATFORM_PACKAGES for path in (ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", platform_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_platform_adapters_do_not_import_the_wiring(path: Path) -> None:
    bad = sorted(module for module in imported_modules(path)
                 if any(module == wiring or module.startswith(wiring + ".") for wiring in WIRING_MODULES))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", sorted((ROOT / "storage").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_storage_imports_no_commands_or_adapters(path: Path) -> None:
    bad = sorted(module for module in imported_modules(path) if module.split(".")[0] in ("commands", "adapters"))
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
