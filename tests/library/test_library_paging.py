"""A list or a search of more than one page, through the console: Previous and Next buttons page through it, a
search's buttons run the search again (kept a week, then it says to search again), and the buttons of one
community's list do nothing in another's channel."""

from __future__ import annotations

import pytest

from tests.console_harness import Transcript, community_script, transcript


@pytest.fixture
async def t(sqlite_url: str) -> Transcript:  # type: ignore[misc]
    async with transcript(sqlite_url) as running:
        await running.run(community_script("en", at="2026-12-03T09:00"))
        await running.run("as ben\n" + "\n".join(
            f"/library add https://example.com/contracts-{n} Data contracts part {n} #dbt" for n in range(1, 13)))
        await running.run("/library add https://example.com/other Something else")
        yield running


async def test_the_whole_list_pages_with_buttons(t: Transcript) -> None:
    first = await t.one("/library list")
    assert "Page 1 of 2, 13 items." in first.text
    assert [label for label, _ in first.buttons] == ["Next page"]
    second = await t.one(f"click {first.id} Next page")
    assert second.kind == "ephemeral" and "Page 2 of 2, 13 items." in second.text
    assert "1. Data contracts part 1" in second.text  # the oldest, last
    assert [label for label, _ in second.buttons] == ["Previous page"]
    back = await t.one(f"click {second.id} Previous page")
    assert "13. Something else" in back.text


async def test_a_search_pages_with_buttons_that_run_it_again(t: Transcript) -> None:
    found = await t.one("/library search contracts -other")
    assert "Page 1 of 2, 12 items." in found.text and "Something else" not in found.text
    second = await t.one(f"click {found.id} Next page")
    assert second.text.startswith("Found in the library: contracts -other")
    assert "Page 2 of 2, 12 items." in second.text and second.text.count("Data contracts part") == 2


async def test_a_tags_list_pages_like_its_search(t: Transcript) -> None:
    listed = await t.one("/library list #dbt")
    assert "Page 1 of 2, 12 items." in listed.text
    second = await t.one(f"click {listed.id} Next page")
    assert "Page 2 of 2, 12 items." in second.text and "Something else" not in second.text


async def test_a_search_kept_a_week_is_then_forgotten(t: Transcript) -> None:
    found = await t.one("/library search contracts")
    await t.run("wait 8d\n/library search part")  # keeping a search forgets those kept over a week ago
    stale = await t.one(f"click {found.id} Next page")
    assert stale.kind == "ephemeral" and "That search is no longer kept." in stale.text


async def test_a_search_of_one_page_has_no_buttons(t: Transcript) -> None:
    found = await t.one("/library search else")
    assert found.buttons == () and "Page" not in found.text
