"""A platform's libraries are imported only when that platform is configured: the console never loads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_MODULES = ("discord", "slack_bolt", "slack_sdk", "aiohttp.web", "apscheduler")

# Runs `hearth` with no credentials in the environment (data in the working directory), then prints which
# platform modules were loaded.
PROGRAM = f"""
import json, sys
from adapters.cli import run
status = run(sys.argv[1:], {{}})
print(json.dumps({{"status": status, "loaded": [name for name in {PLATFORM_MODULES!r} if name in sys.modules]}}))
"""


def hearth_in_a_subprocess(args: list[str], tmp_path: Path) -> dict[str, object]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60, check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_console_script_loads_no_platform_library(tmp_path: Path) -> None:
    script = tmp_path / "one.txt"
    script.write_text("/hearth help\n", encoding="utf-8")
    result = hearth_in_a_subprocess(["console", "--script", str(script), "--json"], tmp_path)
    assert result == {"status": 0, "loaded": []}


@pytest.mark.parametrize("args", [["run"], ["console"]])
def test_hearth_without_credentials_loads_no_platform_library(tmp_path: Path, args: list[str]) -> None:
    result = hearth_in_a_subprocess(args, tmp_path)
    assert result == {"status": 0, "loaded": []}
