"""/hearth setup, settings, me and facilitators, driven through the console like a member would."""

from __future__ import annotations

import pytest

from tests.console_harness import transcript


@pytest.fixture
async def t(sqlite_url: str):  # type: ignore[no-untyped-def]
    async with transcript(sqlite_url) as running:
        yield running


async def test_setup_with_no_arguments_uses_sensible_defaults(t) -> None:  # type: ignore[no-untyped-def]
    outputs = await t.run("""
        clock 2026-03-27T09:00 Europe/Brussels
        as ana
        in #data-cop
        /hearth setup
    """)
    post, whisper = outputs
    assert post.kind == "post" and post.channel == "#data-cop"
    assert "data-cop is now a Hearth community." in post.text
    assert "Time zone: Europe/Brussels" in post.text
    assert "Language: English" in post.text
    assert "/hearth settings" in post.text
    assert post.buttons == (("Edit settings", "hearth.settings.edit"),)
    assert whisper.kind == "ephemeral" and whisper.to == "ana"
    assert "first facilitator" in whisper.text


async def test_setup_with_options(t) -> None:  # type: ignore[no-untyped-def]
    post = (await t.run("""
        as ana
        /hearth setup --name "Data CoP" --goal "Learn together" --tz America/New_York --lang nl
    """))[0]
    assert "Data CoP is nu een Hearth-community." in post.text
    assert "Doel: Learn together" in post.text
    assert "Tijdzone: America/New_York" in post.text


async def test_second_setup_in_the_same_channel_changes_nothing(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\n/hearth setup --name First")
    again = await t.one("/hearth setup --name Second")
    assert again.kind == "ephemeral"
    assert "already is the community First" in again.text
    shown = await t.one("/hearth settings")
    assert "Settings of First" in shown.text


async def test_only_the_first_member_becomes_facilitator(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\nin #one\n/hearth setup")
    refused = await t.one("as ben\nin #two\n/hearth setup")
    assert refused.kind == "ephemeral" and refused.to == "ben"
    assert "Only facilitators can use /hearth setup. Ask ana." in refused.text
    listed = await t.one("/hearth facilitators list")
    assert "@ana" in listed.text and "@ben" not in listed.text


async def test_members_see_settings_but_only_facilitators_change_them(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\n/hearth setup --goal Learn")
    shown = await t.one("as ben\n/hearth settings")
    assert shown.kind == "ephemeral" and "Goal: Learn" in shown.text
    assert shown.buttons == ()
    refused = await t.one('/hearth settings --goal "Something else"')
    assert "Only facilitators can use /hearth settings. Ask ana." in refused.text
    still = await t.one("/hearth settings")
    assert "Goal: Learn" in still.text


async def test_facilitator_changes_settings_and_language_follows(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\n/hearth setup --goal Learn")
    saved = await t.one('/hearth settings --goal "Share a lesson a week" --lang nl')
    assert "Instellingen van general opgeslagen." in saved.text
    assert "Doel: Share a lesson a week" in saved.text


async def test_settings_form_round_trip(t) -> None:  # type: ignore[no-untyped-def]
    post, _ = await t.run("as ana\n/hearth setup --goal Learn")
    form = await t.one(f"click {post.id} Edit settings")
    assert form.kind == "form" and form.id == "f1" and form.to == "ana"
    saved = await t.one('submit f1 goal="Share one lesson" tz=Europe/Amsterdam')
    assert "Settings of general saved." in saved.text
    assert "Goal: Share one lesson" in saved.text and "Time zone: Europe/Amsterdam" in saved.text


async def test_settings_form_bad_time_zone_changes_nothing(t) -> None:  # type: ignore[no-untyped-def]
    post, _ = await t.run("as ana\n/hearth setup --goal Learn")
    await t.run(f"click {post.id} Edit settings")
    refused = await t.one("submit f1 tz=Mars/Olympus")
    assert refused.kind == "ephemeral"
    assert "Mars/Olympus" in refused.text
    assert "Goal: Learn" in (await t.one("/hearth settings")).text


async def test_member_cannot_click_edit_settings(t) -> None:  # type: ignore[no-untyped-def]
    post, _ = await t.run("as ana\n/hearth setup")
    refused = await t.one(f"as ben\nclick {post.id} Edit settings")
    assert refused.kind == "ephemeral" and "Only facilitators" in refused.text
    assert t.session.workspace.forms == {}


async def test_me_sets_and_resets_own_preferences(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana\n/hearth setup --tz Europe/Brussels")
    saved = await t.one("as ben\n/hearth me --tz America/New_York --lang nl")
    assert "Je voorkeuren zijn opgeslagen." in saved.text
    assert "America/New_York" in saved.text
    again = await t.one("/hearth me")
    assert "Je voorkeuren" in again.text
    reset = await t.one("/hearth me --reset")
    assert "Your preferences were saved." in reset.text
    assert "the community's (Europe/Brussels)" in reset.text


async def test_facilitators_add_and_remove(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ben\nas ana\n/hearth setup")
    added = await t.one("/hearth facilitators add @ben")
    assert added.kind == "post" and "@ben is now a facilitator, thanks to @ana." in added.text
    again = await t.one("/hearth facilitators add @ben")
    assert "@ben already is a facilitator." in again.text
    removed = await t.one("as ben\n/hearth facilitators remove @ana")
    assert "@ana is no longer a facilitator." in removed.text
    last = await t.one("/hearth facilitators remove @ben")
    assert "the last facilitator" in last.text
    listed = await t.one("/hearth facilitators list")
    assert "@ben" in listed.text and "@ana" not in listed.text


async def test_console_facilitator_keyword_grants_the_role(t) -> None:  # type: ignore[no-untyped-def]
    await t.run("as ana facilitator")
    listed = await t.one("/hearth facilitators list")
    assert "@ana" in listed.text


async def test_commands_outside_a_community_say_how_to_start(t) -> None:  # type: ignore[no-untyped-def]
    answer = await t.one("as ana\n/hearth settings")
    assert answer.kind == "ephemeral"
    assert "not a Hearth community yet" in answer.text and "/hearth setup" in answer.text


async def test_user_text_never_becomes_markup(t) -> None:  # type: ignore[no-untyped-def]
    from bot.messages import Paragraph, UserText

    hostile = "<!channel> **loud** `x` @everyone"
    post = (await t.run(f'as ana\n/hearth setup --name "{hostile}" --goal "<https://evil.example|click>"'))[0]
    message = t.session.workspace.messages[post.id].message
    parts = [part for block in message.blocks if isinstance(block, Paragraph) for part in block.text.parts]
    assert UserText(hostile) in parts
    trusted = "".join(part for part in parts if isinstance(part, str))
    assert "<!channel>" not in trusted and "@everyone" not in trusted
    # The console shows what the member typed, exactly; markup is only ever Hearth's own.
    assert post.text.startswith(hostile + " is now a Hearth community.")
    assert "Goal: <https://evil.example|click>" in post.text
