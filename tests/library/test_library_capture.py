"""Saving a message to the library in one gesture, through the console, in English and Dutch: the community's
reaction saves the links of a message (or the message as an idea), the "Save to library" shortcut opens a form for
a title, tags and a note, a known link is a +1, and another reaction or another channel saves nothing."""

from __future__ import annotations

import pytest

from bot.library.capture import capture_of
from tests.console_harness import Transcript, community_script, transcript


async def said(t: Transcript, script: str) -> str:
    """Run `script` (ending in a member's `say`) and return the id of that message."""
    await t.run(script)
    return next(ident for ident, posted in reversed(t.session.workspace.messages.items()) if posted.author)


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(community_script("en", at="2026-12-03T09:00"))
        yield running


async def test_the_reaction_saves_each_link_of_a_message_privately(t: Transcript) -> None:
    m = await said(t, "as ben\nsay Two good reads: https://example.com/contracts?utm_source=x and "
                   "https://example.com/lineage.")
    saved = await t.one(f"as cy\nreact {m} 📚")
    assert saved.kind == "ephemeral" and saved.to == "cy"
    assert "Saved to the library as item 1: https://example.com/contracts?utm_source=x" in saved.text
    assert "Saved to the library as item 2: https://example.com/lineage" in saved.text
    listed = await t.one("/library list")
    assert "1. https://example.com/contracts" in listed.text and "2. https://example.com/lineage" in listed.text
    again = await t.one(f"as dee\nreact {m} :books:")
    assert "Already in the library as item 1" in again.text and "saved by @cy on" in again.text
    shown = await t.one("/library show 1")
    assert "@cy, @dee" in shown.text


async def test_a_message_without_links_is_saved_as_an_idea(t: Transcript) -> None:
    m = await said(t, "as ben\nsay What if we paired on every dashboard review?")
    saved = await t.one(f"react {m} 📚")
    assert "Saved to the library as item 1: What if we paired on every dashboard review?" in saved.text
    assert "What if we paired" in (await t.one("/library search paired")).text


async def test_another_reaction_or_a_channel_without_a_community_saves_nothing(t: Transcript) -> None:
    m = await said(t, "as ben\nsay See https://example.com/a")
    assert await t.run(f"react {m} 👍") == []
    m = await said(t, "in #random\nsay See https://example.com/b")
    assert await t.run(f"react {m} 📚") == []
    assert "Nothing saved yet" in (await t.one("in #data-cop\n/library list")).text


async def test_the_community_chooses_its_reaction_or_none(t: Transcript) -> None:
    await t.run("as ana\n/hearth settings --reaction bookmark")
    m = await said(t, "as ben\nsay See https://example.com/a")
    assert await t.run(f"react {m} 📚") == []
    assert "Saved to the library as item 1" in (await t.one(f"react {m} 🔖")).text
    await t.run("as ana\n/hearth settings --reaction off")
    m = await said(t, "as ben\nsay See https://example.com/b")
    assert await t.run(f"react {m} 🔖") == []


async def test_the_shortcut_opens_a_form_and_saves_with_title_tags_and_note(t: Transcript) -> None:
    m = await said(t, "as ben\nsay Worth a read: https://example.com/contracts")
    form = await t.one(f"as cy\nshortcut {m} Save to library")
    assert form.kind == "form" and "https://example.com/contracts" in form.text
    posted = await t.one(f'submit {form.id} title="Data contracts" tags="#dbt #governance" '
                         'note="Read before Thursday"')
    assert posted.kind == "post" and posted.text.startswith("@cy saved to the library: Data contracts")
    assert "#dbt #governance" in posted.text
    shown = await t.one("/library show 1")
    assert "Read before Thursday" in shown.text


async def test_the_shortcut_form_refuses_bad_input_and_saves_nothing(t: Transcript) -> None:
    m = await said(t, "as ben\nsay https://example.com/a")
    form = await t.one(f"shortcut {m} Save to library")
    refused = await t.one(f'submit {form.id} tags="#{"x" * 60}"')
    assert refused.kind == "ephemeral" and "is not a tag" in refused.text
    form = await t.one(f"shortcut {m} Save to library")
    refused = await t.one(f'submit {form.id} title="{"t" * 400}"')
    assert "A title has at most 300 characters; this one has 400." in refused.text
    form = await t.one(f"shortcut {m} Save to library")
    refused = await t.one(f'submit {form.id} saved="javascript:alert(1)"')
    assert refused.kind == "ephemeral"
    assert "Nothing saved yet" in (await t.one("/library list")).text


async def test_dutch_reaction_answers_are_dutch(sqlite_url: str) -> None:
    async with transcript(sqlite_url) as t:
        await t.run(community_script("nl", at="2026-12-03T09:00"))
        m = await said(t, "as ben\nsay Lees dit: https://voorbeeld.nl/artikel")
        saved = await t.one(f"react {m} 📚")
        assert "Bewaard in de bibliotheek als item 1" in saved.text


@pytest.mark.parametrize(("text", "links", "idea"), [
    ("See https://example.com/a.", ("https://example.com/a",), ""),
    ("(https://example.com/wiki/Foo_(bar))", ("https://example.com/wiki/Foo_(bar)",), ""),
    ("<https://example.com/a> and https://example.com/a", ("https://example.com/a",), ""),
    ("javascript:alert(1) and ftp://example.com", (), "javascript:alert(1) and ftp://example.com"),
    ("<@U1> what do   you think?", (), "what do you think?"),
    ("", (), ""),
])
def test_what_a_message_holds_for_the_library(text: str, links: tuple[str, ...], idea: str) -> None:
    found = capture_of(text)
    assert (found.links, found.idea) == (links, idea)
