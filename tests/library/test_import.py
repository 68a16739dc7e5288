"""Importing bookmark files into a community's library, on SQLite and PostgreSQL: Hearth's own exports read back as
they were, the files of browsers, linkding and other tools, the same page kept once (against the library and
within the file), every bad file refused with its line and nothing changed, and `hearth library import`."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.cli import IMPORTER, run
from adapters.console.render import render_text
from bot.catalogs import Catalogs
from bot.clock import SimulatedClock
from bot.errors import PermissionDenied, UserError
from bot.i18n import Msg, render
from bot.library import imports
from bot.library.export import ExportFormat, library_file
from bot.library.imports import ImportedItem, read_bookmarks
from bot.library.model import Item, ItemKind
from bot.library.ports import Listing
from bot.library.requests import ExportLibrary, Imported, ImportItems, ListItems, SaveIdea, SaveLink, ShowItem
from bot.library.service import LibraryService
from bot.ports import UnitOfWorkFactory
from bot.refs import ChannelRef
from bot.tenancy import Scope
from storage.database import create_engine_for
from storage.unit_of_work import SqlUnitOfWorkFactory
from tests.counting_units import CountingUnits
from tests.worlds import ACME, two_communities

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
CATALOGS = Catalogs.load()


def said(message: Msg, language: str = "en") -> str:
    return render_text(render(CATALOGS, language, message), ZoneInfo("UTC"), NOW)


@dataclass
class World:
    service: LibraryService
    units: CountingUnits
    clock: SimulatedClock
    ana: Scope  # a facilitator, in Data
    ben: Scope  # a member of Data
    design: Scope  # Ana, in Design


@pytest.fixture
async def world(uow_factory: UnitOfWorkFactory) -> World:
    acme = await two_communities(uow_factory, members=2, at=NOW)
    units = CountingUnits(uow_factory)
    clock = SimulatedClock(NOW)
    return World(LibraryService(units, clock), units, clock, acme.ana, acme.members[0],
                 replace(acme.ana, community=acme.elsewhere.community))


async def import_file(world: World, data: bytes, name: str, scope: Scope | None = None) -> Imported:
    items = read_bookmarks(data, name=name)
    return await world.service.import_items(ImportItems(scope or world.design, tuple(items)))


async def library(world: World, scope: Scope) -> tuple[Item, ...]:
    return await world.service.export(ExportLibrary(scope))


def kept(items: tuple[Item, ...]) -> list[tuple[object, ...]]:
    """What an export keeps of each item, beside who saved it and its number."""
    return [(item.kind, item.url, item.title, item.text, item.note, item.tags, item.saved_at) for item in items]


# --- Hearth's own exports read back ---------------------------------------------------------------------------------

HOSTILE = '=HYPERLINK("http://evil.example") <script>alert(1)</script> "quoted", comma & co'


async def a_library(world: World) -> tuple[Item, ...]:
    """Data's library: links with and without titles, notes and tags, an idea, each saved at its own second."""
    saves: list[SaveLink | SaveIdea] = [
        SaveLink(world.ana, "https://example.com/data-contracts?utm_source=slack", title="Data contracts",
                 tags=("contracts", "dbt"), note="Read before Thursday.\nTwo lines."),
        SaveLink(world.ben, "https://example.com/a?q=1&b=2", title=HOSTILE, note="- a note that looks like a formula"),
        SaveIdea(world.ben, "Pair review of dashboards\nbefore they ship", tags=("review",)),
        SaveLink(world.ana, "https://bücher.example/café", tags=("books",)),
        SaveLink(world.ana, "https://example.com/#/settings", title="+ a single-page route"),
    ]
    for save in saves:
        world.clock.advance(timedelta(hours=1, seconds=7))
        if isinstance(save, SaveLink):
            await world.service.save_link(save)
        else:
            await world.service.save_idea(save)
    return await library(world, world.ana)


@pytest.mark.parametrize(("format", "language"), [
    (ExportFormat.HTML, "en"), (ExportFormat.CSV, "en"), (ExportFormat.CSV, "nl"), (ExportFormat.JSON, "en")])
async def test_an_export_imported_into_another_community_is_the_same_library(
        world: World, format: ExportFormat, language: str) -> None:
    exported = await a_library(world)
    data = library_file("Data", exported, format, language)
    world.clock.advance(timedelta(days=30))
    done = await import_file(world, data, f"data.{format.value}")
    expected = [item for item in exported if format is not ExportFormat.HTML or item.kind is ItemKind.LINK]
    assert (done.added, done.known, done.duplicates) == (len(expected), 0, 0)
    imported = await library(world, world.design)
    assert kept(imported) == kept(tuple(expected))  # the same items, newest first, with their own times
    assert {item.saved_by for item in imported} == {world.design.member.ref}
    assert await import_file(world, data, f"data.{format.value}") == Imported(0, len(expected), 0)
    assert kept(await library(world, world.design)) == kept(tuple(expected))  # a second import changes nothing


async def test_an_import_runs_in_one_unit_of_work(world: World) -> None:
    items = read_bookmarks(library_file("Data", await a_library(world), ExportFormat.JSON, "en"), name="data.json")
    before = world.units.opened
    await world.service.import_items(ImportItems(world.design, tuple(items)))
    assert world.units.opened - before == 1


# --- files of other tools -------------------------------------------------------------------------------------------

FIREFOX = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'none'; img-src data: *;">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>

<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000100">Mozilla Firefox</H3>
    <DD>Firefox's own folder
    <DL><p>
        <DT><A HREF="https://support.mozilla.org/products/firefox" ADD_DATE="1700000001" LAST_MODIFIED="1700000002"
            ICON_URI="https://support.mozilla.org/favicon.ico" ICON="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAB"
            >Get Help</A>
        <DT><A HREF="place:sort=8&amp;maxResults=10" ADD_DATE="1700000003">Most Visited</A>
    </DL><p>
    <DT><H3 ADD_DATE="1700000004" LAST_MODIFIED="1700000005" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks Toolbar</H3>
    <DL><p>
        <DT><H3>Data</H3>
        <DL><p>
            <DT><A HREF="https://example.com/caf%C3%A9?a=1&amp;b=2" ADD_DATE="1700000006" TAGS="dbt,Data-Contracts"
                SHORTCUTURL="dc">Caf&eacute; &amp; contracts &#8211; &quot;part 1&quot;</A>
            <DD>Notes &lt;b&gt;escaped&lt;/b&gt; &amp; kept
over two lines
            <DT><A HREF="https://example.com/untitled" ADD_DATE="1700000007">https://example.com/untitled</A>
        </DL><p>
    </DL><p>
</DL>
"""

CHROME = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="0" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://www.example.org/" ADD_DATE="1700000008" ICON="data:image/png;base64,AAAA">Example &mdash;
            home</A>
    </DL><p>
</DL><p>
"""


def test_a_firefox_file_with_folders_icons_and_entities() -> None:
    items = read_bookmarks(FIREFOX.encode(), name="bookmarks.html")
    assert [(item.url, item.title, item.tags) for item in items] == [
        ("https://support.mozilla.org/products/firefox", "Get Help", ()),
        ("https://example.com/caf%C3%A9?a=1&b=2", 'Café & contracts – "part 1"', ("dbt", "data-contracts")),
        ("https://example.com/untitled", "", ()),  # a title that repeats the address is none
    ]  # the saved query (place:) is no page, and folders are no items
    assert items[1].note == "Notes <b>escaped</b> & kept\nover two lines"
    assert items[0].note == ""  # the folder's description is the folder's
    assert items[1].saved_at == datetime.fromtimestamp(1700000006, UTC) and items[1].line == 23
    assert all(item.kind is ItemKind.LINK for item in items)


def test_a_chrome_file() -> None:
    [item] = read_bookmarks(CHROME.encode(), name="bookmarks_12_3_26.html")
    assert (item.url, item.title, item.saved_at) == ("https://www.example.org/", "Example — home",
                                                     datetime.fromtimestamp(1700000008, UTC))


LINKDING = {
    "count": 2, "next": None, "previous": None,
    "results": [
        {"id": 7, "url": "https://example.com/linkding", "title": "linkding", "description": "What the page says",
         "notes": "# My notes\nin *Markdown*", "website_title": "Site", "website_description": "",
         "is_archived": False, "unread": True, "shared": False, "tag_names": ["self-hosted", "Bookmarks"],
         "date_added": "2024-03-01T10:20:30.123456Z", "date_modified": "2024-03-02T10:20:30Z"},
        {"id": 8, "url": "https://example.com/second", "title": "", "description": "Only a description",
         "notes": "", "tag_names": [], "date_added": "2024-03-05T08:00:00+01:00"},
    ],
}


async def test_a_linkding_list_and_a_bare_list(world: World) -> None:
    items = read_bookmarks(json.dumps(LINKDING, indent=2).encode(), name="linkding.json")
    assert [(item.url, item.title, item.note, item.tags) for item in items] == [
        ("https://example.com/linkding", "linkding", "# My notes\nin *Markdown*", ("self-hosted", "bookmarks")),
        ("https://example.com/second", "", "Only a description", ()),
    ]
    assert [item.saved_at for item in items] == [datetime(2024, 3, 1, 10, 20, 30, 123456, tzinfo=UTC),
                                                 datetime(2024, 3, 5, 7, 0, tzinfo=UTC)]
    assert [item.line for item in items] == [6, 24]
    bare = read_bookmarks(json.dumps(LINKDING["results"]).encode(), name="export")
    assert [(item.url, item.tags) for item in bare] == [(item.url, item.tags) for item in items]
    no_time = json.dumps([{"url": "https://example.com/now"}]).encode()
    await import_file(world, no_time, "now.json")
    assert (await library(world, world.design))[0].saved_at == NOW  # no time given: saved now


def test_a_csv_with_a_byte_order_mark_crlf_and_quoted_cells() -> None:
    data = ("\ufeffURL,Title,Description,Tags,Created\r\n"
            'https://example.com/1,"Title, with a comma","Two\r\nlines","a,b",1700000000\r\n'
            "\r\n"
            "https://example.com/2,Second,,#c #D,2024-03-01\r\n").encode()
    items = read_bookmarks(data, name="export.csv")
    assert [(item.url, item.title, item.note, item.tags, item.line) for item in items] == [
        ("https://example.com/1", "Title, with a comma", "Two\nlines", ("a", "b"), 2),
        ("https://example.com/2", "Second", "", ("c", "d"), 5),
    ]
    assert items[0].saved_at == datetime.fromtimestamp(1700000000, UTC)
    assert items[1].saved_at == datetime(2024, 3, 1, tzinfo=UTC)


def test_a_csv_with_semicolons_and_a_pocket_export() -> None:
    semicolons = read_bookmarks(b"titel;adres;tags\nEen;https://example.com/1;x\n", name="lijst.csv")
    assert [(item.url, item.title, item.tags) for item in semicolons] == [("https://example.com/1", "Een", ("x",))]
    pocket = read_bookmarks(b"title,url,time_added,tags,status\nRead,https://example.com/p,1700000000000,a|b,unread\n",
                            name="part_000000.csv")
    assert [(item.url, item.tags, item.saved_at) for item in pocket] == [
        ("https://example.com/p", ("a", "b"), datetime.fromtimestamp(1700000000, UTC))]  # milliseconds


# --- the same page kept once ----------------------------------------------------------------------------------------

async def test_known_pages_get_the_new_tags_and_duplicates_in_the_file_are_kept_once(world: World) -> None:
    known = (await world.service.save_link(SaveLink(world.ben, "https://example.com/known", title="Known",
                                                    tags=("old",)))).item
    world.clock.advance(timedelta(days=1))
    data = (b"url,title,tags\n"
            b"HTTPS://EXAMPLE.com/known/?utm_source=mail,Another title,new old\n"
            b"https://example.com/twice,,first\n"
            b"https://example.com/twice#section,Twice,second\n"
            b"https://example.com/other,Other,\n")
    done = await import_file(world, data, "mixed.csv", scope=world.ana)
    assert (done.added, done.known, done.duplicates, done.items) == (2, 1, 1, 3)
    items = {item.url: item for item in await library(world, world.ana)}
    assert items["https://example.com/known"].tags == ("old", "new")
    assert items["https://example.com/known"].title == "Known"  # the first title stays
    assert items["https://example.com/twice"].tags == ("first", "second")
    assert items["https://example.com/twice"].title == "Twice"  # the duplicate gave the title the first had not
    shown = await world.service.show(ShowItem(world.ana, known.id))
    assert [save.member for save in shown.saves] == [world.ben.member.ref, world.ana.member.ref]
    assert len(items) == 3


# --- bad files ------------------------------------------------------------------------------------------------------

HTML_HEAD = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n"

BAD = {
    "empty": (b"", "b.csv", "There is nothing in b.csv."),
    "blank": (b" \r\n\t\n", "b.csv", "There is nothing in b.csv."),
    "unknown format": (b"just some words\nand more\n", "notes.txt", "notes.txt is not a bookmark file Hearth reads."),
    "not UTF-8": (b"url\nhttps://example.com/1\nhttps://example.com/caf\xe9\n", "b.csv",
                  "Line 3 of b.csv holds bytes that are not UTF-8 text."),
    "no address": (b"url,title\nhttps://example.com/1,A\n,B\n", "b.csv", "Line 3 of b.csv has no address."),
    "no address column": (b"name,tags\nA,x\n", "b.csv", "Line 1 of b.csv names no column of addresses"),
    "a script": (b"url\nhttps://example.com/1\nhttps://example.com/2\njavascript:alert(1)\n", "b.csv",
                 "Line 4 of b.csv: javascript:alert(1) is not a web address the library keeps"),
    "a name and @": (b"url\nhttps://docs.example.org@evil.example/\n", "b.csv", "Line 2 of b.csv: https://docs."),
    "title too long": (("url,title\nhttps://example.com/1," + "t" * 301 + "\n").encode(), "b.csv",
                       "Line 2 of b.csv: A title has at most 300 characters; this one has 301."),
    "note too long": (("url,note\nhttps://example.com/1,ok\nhttps://example.com/2," + "n" * 1001 + "\n").encode(),
                      "b.csv", "Line 3 of b.csv: A note has at most 1000 characters"),
    "idea too long": (("Kind,Address,Idea\nidea,," + "i" * 2001 + "\n").encode(), "b.csv",
                      "Line 2 of b.csv: An idea has at most 2000 characters"),
    "empty idea": (b"Kind,Address,Idea\nidea,,\n", "b.csv", "Line 2 of b.csv: An idea cannot be empty."),
    "unknown kind": (b"Kind,Address\nvideo,https://example.com/1\n", "b.csv",
                     "Line 2 of b.csv: video is not a kind of item; give link or idea."),
    "bad tag": (b"url,tags\nhttps://example.com/1,c++\n", "b.csv", "Line 2 of b.csv: c++ is not a tag"),
    "too many tags": (b"url,tags\nhttps://example.com/1,a b c d e f g h i j k\n", "b.csv",
                      "Line 2 of b.csv: An item takes at most 10 tags; these are 11."),
    "bad time": (b"url,saved on\nhttps://example.com/1,yesterday\n", "b.csv",
                 "Line 2 of b.csv: yesterday is not a time Hearth reads"),
    "control character": (b"url,title\nhttps://example.com/1,bell\x07\n", "b.csv",
                          "Line 2 of b.csv: bell\ufffd has a character Hearth cannot keep"),
    "NUL": (b"url,title\nhttps://example.com/1,a\x00b\n", "b.csv", "Line 2 of b.csv"),
    "not JSON": (b'{"results": [\n  {"url": "https://example.com/1"},\n  {"url": }\n]}', "b.json",
                 "b.json is not JSON: line 3, column 11."),
    "not JSON by its name": (b"url title\n", "b.json", "b.json is not JSON: line 1, column 1."),
    "no list": (b'{"count": 0}', "b.json", "b.json holds no list of bookmarks."),
    "no object": (b'[\n  "https://example.com/1"\n]', "b.json", "Line 2 of b.json holds no bookmark"),
    "bad address in JSON": (b'{"results": [\n  {"url": "https://example.com/1"},\n  {"url": "ftp://x.example"}]}',
                            "b.json", "Line 3 of b.json: ftp://x.example is not a web address"),
    "title not text": (b'[{"url": "https://example.com/1",\n "title": 5}]', "b.json",
                       'Line 1 of b.json: "title" should be text.'),
    "tags not a list": (b'[\n{"url": "https://example.com/1", "tag_names": {"a": 1}}]', "b.json",
                        "Line 2 of b.json: the tags should be a list of words."),
    "time not a time": (b'[\n{"url": "https://example.com/1", "date_added": [2024]}]', "b.json",
                        'Line 2 of b.json: "date_added" should be a time.'),
    "a number too long": (b'[{"url": "https://example.com/1", "saved_at": ' + b"9" * 5000 + b"}]", "b.json",
                          "b.json holds a number too long to be read."),
    "deeply nested": (b"[" * 100_000, "b.json", "b.json is nested too deeply to be a list of bookmarks."),
    "no href": ((HTML_HEAD + '<DT><A HREF="https://example.com/1">A</A>\n<DT><A ADD_DATE="1">B</A>\n').encode(),
                "b.html", "Line 4 of b.html has no address."),
    "bad ADD_DATE": ((HTML_HEAD + '<DT><A HREF="https://example.com/1" ADD_DATE="soon">A</A>\n').encode(), "b.html",
                     "Line 3 of b.html: soon is not a time Hearth reads"),
    "a web page": (b"<html><body><a href='https://example.com/1'>A link</a></body></html>", "page.html",
                   "There are no bookmarks in page.html."),
    "bad declaration": (b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<![foo]>", "b.html",
                        "Line 2 of b.html is not HTML that Hearth reads."),
}


@pytest.mark.parametrize(("data", "name", "message"), BAD.values(), ids=BAD.keys())
async def test_a_bad_file_is_refused_with_its_line_and_changes_nothing(
        world: World, data: bytes, name: str, message: str) -> None:
    await import_file(world, b"url\nhttps://example.com/already\n", "first.csv")
    with pytest.raises(UserError) as refused:
        await import_file(world, data, name)
    assert said(refused.value.message).startswith(message)
    assert [item.url for item in await library(world, world.design)] == ["https://example.com/already"]


def test_a_refusal_reads_in_dutch() -> None:
    with pytest.raises(UserError) as refused:
        read_bookmarks(b"url,title\nhttps://voorbeeld.nl/1,A\n,B\n", name="b.csv")
    assert said(refused.value.message, "nl") == "Regel 3 van b.csv heeft geen adres."


def test_a_file_of_too_many_bookmarks_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_BOOKMARKS", 2)
    with pytest.raises(UserError) as refused:
        read_bookmarks(b"url\nhttps://example.com/1\nhttps://example.com/2\nhttps://example.com/3\n", name="b.csv")
    assert said(refused.value.message) == "b.csv holds more than 2 bookmarks."


async def test_what_the_library_refuses_halfway_through_stores_nothing(world: World) -> None:
    full = tuple(f"t{n}" for n in range(10))
    await world.service.save_link(SaveLink(world.ana, "https://example.com/full", tags=full))
    before = (await world.service.items(ListItems(world.ana))).total
    data = b"url,tags\nhttps://example.com/1,a\nhttps://example.com/2,b\nhttps://example.com/full,extra\n"
    with pytest.raises(UserError) as refused:
        await import_file(world, data, "b.csv", scope=world.ana)
    assert said(refused.value.message).startswith("Line 4 holds item 1 of the library, which has 10 tags already")
    twice = b"url,tags\n" + b"".join(b"https://example.com/same,%s\n" % tag.encode() for tag in (*full, "more"))
    with pytest.raises(UserError) as refused:
        await import_file(world, twice, "b.csv", scope=world.ana)
    assert said(refused.value.message).startswith("Line 12 holds the bookmark of line 2 again")
    assert (await world.service.items(ListItems(world.ana))).total == before


async def test_the_service_checks_what_it_is_given_and_names_the_line(world: World) -> None:
    items = (ImportedItem(ItemKind.LINK, url="https://example.com/1", line=1),
             ImportedItem(ItemKind.LINK, url="data:text/html,x", line=2))
    with pytest.raises(UserError) as refused:
        await world.service.import_items(ImportItems(world.design, items))
    assert said(refused.value.message).startswith("Line 2: data:text/html,x is not a web address")
    assert await library(world, world.design) == ()


async def test_only_a_facilitator_imports(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await import_file(world, b"url\nhttps://example.com/1\n", "b.csv", scope=world.ben)
    assert await library(world, world.ana) == ()


PREFIXES = [b"", b"\xef\xbb\xbf", HTML_HEAD.encode() + b'<DT><A HREF="', b'{"results": [{"url": ', b"[{",
            b"url,title,note,tags,saved_at\n", b"Nummer,Soort,Adres,Titel,Idee,Notitie,Tags,Bewaard op\n"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.binary(max_size=400),
                 st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=400)).map(b"".join),
                 st.tuples(st.sampled_from(PREFIXES), st.text(max_size=200)).map(
                     lambda parts: parts[0] + parts[1].encode("utf-8", "surrogatepass"))))
def test_any_bytes_give_bookmarks_or_a_user_error(data: bytes) -> None:
    refusal, items = "", []
    try:
        items = read_bookmarks(data, name="any")
    except UserError as error:
        refusal = said(error.message)
    assert bool(refusal) != bool(items)  # bookmarks, or a message saying what is wrong


# --- hearth library import ------------------------------------------------------------------------------------------

def test_the_command_imports_a_file_into_the_database(database_url: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    async def prepare() -> None:
        engine = create_engine_for(database_url)
        try:
            await two_communities(SqlUnitOfWorkFactory(engine), members=1, at=NOW)
        finally:
            await engine.dispose()

    asyncio.run(prepare())
    env = {"DATABASE_URL": database_url}
    bookmarks = tmp_path / "bookmarks.csv"
    bookmarks.write_bytes(b"url,title,tags\nhttps://example.com/1,One,a\nhttps://example.com/2,Two,b\n"
                          b"https://example.com/1/,One again,c\n")
    assert run(["library", "import", str(bookmarks), "--workspace", "T0001", "--community", "Data"], env) == 0
    assert capsys.readouterr().out == "Imported 2 items into Data: 2 new, 0 already there, 1 duplicate in the file.\n"
    assert run(["library", "import", str(bookmarks), "--workspace", "acme", "--community", "#C1", "--member", "U1"],
               env) == 0
    assert capsys.readouterr().out == "Imported 2 items into Data: 0 new, 2 already there, 1 duplicate in the file.\n"
    assert run(["library", "import", str(bookmarks), "--workspace", "T0001", "--community", "data"],
               env | {"HEARTH_LANGUAGE": "nl"}) == 0
    assert capsys.readouterr().out == ("2 items geïmporteerd in Data: 0 nieuw, 2 stonden er al, 1 dubbele in het "
                                       "bestand.\n")

    async def stored() -> list[Item]:
        engine = create_engine_for(database_url)
        try:
            async with SqlUnitOfWorkFactory(engine)(read_only=True) as uow:
                workspace = await uow.workspaces.get(ACME)
                assert workspace is not None
                data = await uow.communities.get_by_channel(workspace.id, ChannelRef(ACME, "C1"))
                assert data is not None
                found, _total = await uow.library.list_items(workspace.id, data.id, Listing(limit=10))
                return found
        finally:
            await engine.dispose()

    items = asyncio.run(stored())
    assert sorted((item.url, item.tags, item.saved_by.id, item.saves) for item in items) == [
        ("https://example.com/1", ("a", "c"), IMPORTER, 2), ("https://example.com/2", ("b",), IMPORTER, 2)]

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"url\nhttps://example.com/3\nmailto:ana@example.com\n")
    assert run(["library", "import", str(bad), "--workspace", "T0001", "--community", "Data"], env) == 1
    err = capsys.readouterr().err
    assert err.startswith("hearth: Line 3 of bad.csv: mailto:ana@example.com is not a web address")
    assert "Traceback" not in err
    assert run(["library", "import", str(bookmarks), "--workspace", "T0001", "--community", "Data", "--member",
                "U9"], env) == 1
    assert capsys.readouterr().err == "hearth: There is no member U9 in Acme: give their platform id.\n"
    assert run(["library", "import", str(bookmarks), "--workspace", "T0001", "--community", "Sales"], env) == 1
    assert "There is no community Sales in Acme" in capsys.readouterr().err
    assert run(["library", "import", str(tmp_path / "missing.csv"), "--workspace", "T0001", "--community", "Data"],
               env) == 1
    assert "cannot read" in capsys.readouterr().err
    assert len(asyncio.run(stored())) == 2
