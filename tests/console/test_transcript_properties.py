"""Whatever a transcript line says, the console either carries it out or explains why: it never crashes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.session import ScriptError
from tests.console_harness import Transcript, transcript

VERBS = ["clock", "as", "in", "say", "reply", "react", "click", "submit", "wait", "until", "/hearth", "/hearth setup",
         "/hearth settings", "/hearth me", "/hearth facilitators add", "/hearth help", "/poll", ""]
WORDS = st.sampled_from(["m1", "m2", "f1", "#general", "@ana", "ana", "facilitator", "Edit settings", "--tz",
                         "Europe/Brussels", "2026-03-29T02:30", "3d4h", "--lang", "nl", '"', "'", "=", "goal=x",
                         "--name", "\\", "📚", "<@x>", "<#y>", "--reset", "-1d"])
LINES = st.builds(
    lambda verb, words, noise: " ".join([verb, *words, noise]).strip(),
    st.sampled_from(VERBS), st.lists(WORDS, max_size=5), st.text(max_size=20),
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.Runner, Transcript]]:
    """One console for every example: a fresh database per example would make the property test crawl."""
    url = f"sqlite:///{tmp_path_factory.mktemp('props') / 'console.db'}"
    with asyncio.Runner() as runner:
        context = transcript(url)
        running = runner.run(context.__aenter__())
        runner.run(running.run("as ana\n/hearth setup"))
        yield runner, running
        runner.run(context.__aexit__(None, None, None))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, min_size=1, max_size=4))
def test_any_line_is_carried_out_or_explained(shared: tuple[asyncio.Runner, Transcript], lines: list[str]) -> None:
    runner, running = shared
    session = running.session
    before = len(session.workspace.outputs)
    explanations: list[str] = []
    for line in lines:
        try:
            runner.run(session.execute(line))
        except ScriptError as error:
            explanations.append(str(error))
    assert all(explanations)
    for output in session.workspace.outputs[before:]:
        assert "Traceback" not in output.text
        assert "went wrong on Hearth's side" not in output.text, output
