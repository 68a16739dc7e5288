"""How long `hearth console --script` takes to start, run one command and exit, and how much memory it peaks at.

Two cases: a database already at the head revision (`--database-url`, migrated once before timing) and a fresh
temporary one (the console's default, migrated on every start). In the same run, as the baseline, `python -c pass`
and `python -c "import sqlalchemy"`; the ratios compare Hearth with the latter. Each figure is the median of
`--runs` processes: wall seconds from spawn to exit, and peak resident memory (the process's own maximum, from
`wait4`). The console runs in an empty working directory with no platform credentials in the environment.

    python bench/startup.py [--runs 5] [--command "/hearth help"]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(argv: list[str], *, cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of one process running `argv`; raises if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        raise RuntimeError(f"{argv} exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
    if process.stderr is not None:
        process.stderr.close()
    return wall, usage.ru_maxrss / 1024  # kilobytes on Linux


def median_of(runs: int, argv: list[str], *, cwd: Path, env: dict[str, str]) -> dict[str, float]:
    samples = [measure(argv, cwd=cwd, env=env) for _ in range(runs)]
    return {
        "wall_s": round(statistics.median(wall for wall, _ in samples), 3),
        "peak_mib": round(statistics.median(peak for _, peak in samples), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--command", default="/hearth help", help="the script's one line")
    args = parser.parse_args()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DISCORD_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="hearth-startup-") as folder:
        cwd = Path(folder)
        script = cwd / "one.txt"
        script.write_text(args.command + "\n", encoding="utf-8")
        migrated_url = f"sqlite:///{cwd / 'migrated.db'}"
        subprocess.run([python, "-m", "adapters.cli", "db", "upgrade"], cwd=cwd,
                       env={**env, "DATABASE_URL": migrated_url}, check=True, stdout=subprocess.DEVNULL)
        console = [python, "-m", "adapters.cli", "console", "--script", str(script)]
        results = {
            "python -c pass": median_of(args.runs, [python, "-c", "pass"], cwd=cwd, env=env),
            "python -c 'import sqlalchemy'": median_of(args.runs, [python, "-c", "import sqlalchemy"], cwd=cwd,
                                                       env=env),
            "console, migrated database": median_of(args.runs, [*console, "--database-url", migrated_url], cwd=cwd,
                                                    env=env),
            "console, fresh database": median_of(args.runs, console, cwd=cwd, env=env),
        }
    sqlalchemy = results["python -c 'import sqlalchemy'"]
    print(json.dumps({
        "runs": args.runs,
        "command": args.command,
        "median": results,
        "ratio_to_import_sqlalchemy": {
            name: {"wall": round(figures["wall_s"] / sqlalchemy["wall_s"], 2),
                   "peak": round(figures["peak_mib"] / sqlalchemy["peak_mib"], 2)}
            for name, figures in results.items() if name.startswith("console")
        },
    }, indent=2))


if __name__ == "__main__":
    main()
