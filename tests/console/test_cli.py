"""The `hearth` command: demo, scripted transcripts in both formats, the interactive console, db upgrade."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.cli import run
from adapters.console.runner import run_interactive
from adapters.settings import Settings

KEYS = {"at", "kind", "id", "channel", "to", "text", "buttons", "files"}


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def demo() -> list[dict[str, object]]:
    """What `hearth demo --json` printed: played once for the tests that read it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["demo", "--json"], {}) == 0
    return json_lines(out.getvalue())


def test_demo_plays_through_without_a_failed_line(demo: list[dict[str, object]]) -> None:
    records = demo
    assert [r for r in records if r["kind"] == "error"] == []
    assert {r["kind"] for r in records} >= {"post", "ephemeral", "form"}
    assert all(set(r) == KEYS for r in records)


def test_the_demo_starts_with_a_kick_off_that_members_vote_on(demo: list[dict[str, object]]) -> None:
    texts = [str(r["text"]) for r in demo]
    kickoff = next(i for i, text in enumerate(texts) if text.startswith("Gepland: Startbijeenkomst"))
    series = next(i for i, text in enumerate(texts) if text.startswith("Gepland: CoP sync"))
    assert kickoff < series and "Eenmalige bijeenkomst" in texts[kickoff]
    assert any(text.startswith("Je hebt op Ons ritme") for text in texts[kickoff:series])
    assert any("Ons ritme: hoe vaak we samenkomen en hoe vaak we iets posten (1 stem)" in text
               for text in texts if text.startswith("Herinnering: Startbijeenkomst begint over 1 dag"))


def test_the_demo_has_an_anonymous_poll_that_closes_by_itself(demo: list[dict[str, object]]) -> None:
    lines = demo
    posts = [str(r["text"]) for r in lines if r["kind"] == "post"]
    closed = [text for text in posts if "Deze peiling is gesloten. De resultaten:" in text
              and "Hoe nuttig was deze bijeenkomst?" in text]
    assert len(closed) == 1 and "Gemiddeld 4,3 op 5" in closed[0] and "3 leden hebben geantwoord" in closed[0]
    assert re.search(r"\b(ana|ben|cy)\b", closed[0]) is None


def test_the_demo_ends_with_a_monthly_survey_answered_in_a_form_and_its_trend(
        demo: list[dict[str, object]]) -> None:
    lines = demo
    texts = [str(r["text"]) for r in lines]
    assert any(text.startswith("Gepland: Hoe doen we het?, ronde 1") for text in texts)
    forms = [r for r in lines if r["kind"] == "form" and str(r["text"]).startswith("Peiling")]
    assert len(forms) == 3
    closed = [text for text in texts if "Deze peiling is gesloten" in text and "Hoe doen we het?" in text]
    assert len(closed) == 1 and "3 leden hebben geantwoord" in closed[0] and "• Vaker een gastspreker" in closed[0]
    trend = next(r for r in lines if str(r["text"]).startswith("Verloop van Hoe doen we het?"))
    assert "gemiddeld 4,3 van 5" in str(trend["text"]) and trend["files"]


def test_the_demo_saves_to_the_library_keeps_one_page_once_and_finds_it_by_tag(
        demo: list[dict[str, object]]) -> None:
    texts = [str(r["text"]) for r in demo]
    assert any(text.startswith("@ben bewaarde in de bibliotheek: Datacontracten in de praktijk") for text in texts)
    again = next(text for text in texts if text.startswith("Staat al in de bibliotheek als item 1, bewaard door @ben"))
    assert "2 leden bewaarden het" in again
    found = next(text for text in texts if text.startswith("Bibliotheek van Data CoP"))
    assert "1. Datacontracten in de praktijk" in found and "Elke sessie" not in found
    searched = next(text for text in texts if text.startswith("Gevonden in de bibliotheek: praktijken -oud"))
    assert "1. Datacontracten in de praktijk" in searched  # "praktijken" finds "praktijk"
    reacted = next(text for text in texts if text.startswith("Bewaard in de bibliotheek als item 3"))
    assert "https://voorbeeld.nl/lineage" in reacted
    assert any(text.startswith("Gevonden in de bibliotheek: lineage\n3. ") for text in texts)


def test_the_demo_shows_a_quiet_week_with_a_prompt_and_a_member_nudge(demo: list[dict[str, object]]) -> None:
    late = [r for r in demo if str(r["at"]) >= "2026-05-14"]
    prompt = "Een gespreksvraag: dit kanaal was 5 dagen stil."
    prompts = [r for r in late if r["kind"] == "post" and prompt in r["text"]]
    assert len(prompts) == 1
    [nudge] = [r for r in late if r["kind"] == "dm" and r["text"].startswith("Hallo! Je laatste bericht")]
    assert nudge["to"] == "ben" and "De volgende bijeenkomst, CoP sync" in nudge["text"]
    notes = [r for r in late if r["kind"] == "dm" and "onder de 8 per week" in r["text"]]
    assert {r["to"] for r in notes} == {"ana", "ben"}  # the facilitators, privately
    why = next(r for r in late if r["kind"] == "ephemeral" and "Duwtje 11" in r["text"])
    assert why["to"] == "ben" and "de regel ‘stil lid’" in why["text"]


def test_script_json_follows_the_documented_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "t.txt"
    script.write_text(
        "# a comment\n\nclock 2026-03-27T09:00 Europe/Brussels\nas ana\nin #data\n/hearth setup --name Data\n"
        "say Anyone tried dbt?\nclick m1 Edit settings\nsubmit f1 name=\"Data CoP\"\n",
        encoding="utf-8",
    )
    assert run(["console", "--script", str(script), "--json"], {}) == 0
    post, whisper, form, saved = json_lines(capsys.readouterr().out)
    assert post == {
        "at": "2026-03-27T08:00:00Z", "kind": "post", "id": "m1", "channel": "#data", "to": None,
        "text": post["text"], "buttons": [{"label": "Edit settings", "action": "hearth.settings.edit"}],
        "files": [],
    }
    assert str(post["text"]).startswith("Data is now a Hearth community.")
    assert (whisper["kind"], whisper["id"], whisper["to"]) == ("ephemeral", "m2", "ana")
    assert (form["kind"], form["id"], form["to"]) == ("form", "f1", "ana")
    # The member's message took m3: ids count members' and Hearth's messages alike.
    assert (saved["kind"], saved["id"]) == ("ephemeral", "m4")
    assert "Data CoP" in str(saved["text"])


def test_lines_the_runner_cannot_understand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("as ana\ndance wildly\n/hearth help\nclick m99 OK\nwait forever\n", encoding="utf-8")
    assert run(["console", "--script", str(script), "--json"], {}) == 1
    records = json_lines(capsys.readouterr().out)
    errors = [r for r in records if r["kind"] == "error"]
    assert [e["line"] for e in errors] == [2, 4, 5]
    assert all(set(e) == {"kind", "line", "text"} for e in errors)
    assert any(r["kind"] == "ephemeral" for r in records)  # the good lines still ran


def test_readable_transcript(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "t.txt"
    script.write_text("clock 2026-03-27T09:00 Europe/Brussels\nas ana\n/hearth setup\n", encoding="utf-8")
    assert run(["console", "--script", str(script)], {}) == 0
    out = capsys.readouterr().out
    assert "Fri 27 Mar 09:00 ana in #general> /hearth setup" in out
    assert "[m1] Hearth (#general):" in out
    assert "[Edit settings]" in out


def test_unreadable_script(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["console", "--script", str(tmp_path / "missing.txt")], {}) == 2
    assert "cannot read the script" in capsys.readouterr().err


def test_script_on_a_chosen_database_keeps_its_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    first, second = tmp_path / "1.txt", tmp_path / "2.txt"
    first.write_text("as ana\n/hearth setup --name Kept\n", encoding="utf-8")
    second.write_text("as ana\n/hearth settings\n", encoding="utf-8")
    assert run(["console", "--script", str(first), "--json", "--database-url", url], {}) == 0
    assert run(["console", "--script", str(second), "--json", "--database-url", url], {}) == 0
    last = json_lines(capsys.readouterr().out)[-1]
    assert "Settings of Kept" in str(last["text"])


def test_db_upgrade_and_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = {"HEARTH_DATA_DIR": str(tmp_path)}
    assert run(["db", "current"], env) == 0
    assert "empty" in capsys.readouterr().out
    assert run(["db", "upgrade"], env) == 0
    assert "is up to date" in capsys.readouterr().out
    assert (tmp_path / "hearth.db").exists()


async def test_interactive_console_says_where_its_data_is(tmp_path: Path) -> None:
    settings = Settings.from_env({"HEARTH_DATA_DIR": str(tmp_path)})
    out = io.StringIO()
    status = await run_interactive(settings, out=out, inp=io.StringIO("help\n/hearth help\nfly away\nquit\n"))
    text = out.getvalue()
    assert status == 0
    assert f"Hearth console on SQLite at {tmp_path}/hearth.db" in text
    assert "as ana [facilitator]" in text  # the console's own help
    assert "What Hearth can do" in text
    assert "! line 3: unknown action 'fly'" in text


def test_the_installed_entry_point_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "demo", "--json"], capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env={"PATH": "", "HEARTH_DATA_DIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert json_lines(done.stdout)
