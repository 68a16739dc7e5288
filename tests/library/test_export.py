"""The library as a file in each format, read back by independent parsers: Python's csv and json readers and its
HTML parser for the Netscape bookmark file; hostile text stays text everywhere."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from html.parser import HTMLParser

from bot.library.export import ExportFormat, library_file
from bot.library.model import Item, ItemKind
from bot.refs import MemberRef, Platform, WorkspaceRef

ACME = WorkspaceRef(Platform.SLACK, "T0001")
AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil.example") <script>alert(1)</script> [x](javascript:alert(1)) "quoted", comma'


def item(n: int, **changes: object) -> Item:
    fields: dict[str, object] = {
        "id": n, "workspace_id": 1, "community_id": 1, "kind": ItemKind.LINK, "url": f"https://example.com/{n}",
        "title": f"Title {n}", "text": "", "note": "", "tags": ("dbt",), "saved_by": MemberRef(ACME, "U1"),
        "saved_at": AT, "source": "", "saves": 1}
    fields.update(changes)
    return Item(**fields)  # type: ignore[arg-type]


ITEMS = (
    item(3, title=HOSTILE, note="Line one\nline two", tags=("dbt", "data-contracts"), saves=2),
    item(2, kind=ItemKind.IDEA, url="", title="", text="# Not a heading\n- nor a list", tags=()),
    item(1, url="https://example.com/a?q=1&b=<2>", title="", source="https://acme.slack.com/archives/C1/p1"),
)


def test_csv_reads_back_with_every_cell_and_no_formula() -> None:
    data = library_file("Data CoP", ITEMS, ExportFormat.CSV, "en")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Number", "Kind", "Address", "Title", "Idea", "Note", "Tags", "Saved by", "Saved on", "Saves",
                       "From"]
    assert rows[1][3] == "'" + HOSTILE  # a spreadsheet shows it, never runs it
    assert rows[1][5] == "Line one\nline two" and rows[1][6] == "#dbt #data-contracts" and rows[1][9] == "2"
    assert rows[2][1] == "idea" and rows[2][4] == "# Not a heading\n- nor a list"
    assert rows[3][2] == "https://example.com/a?q=1&b=<2>" and rows[3][10] == "https://acme.slack.com/archives/C1/p1"
    dutch = list(csv.reader(io.StringIO(library_file("Data CoP", ITEMS, ExportFormat.CSV, "nl").decode("utf-8-sig"),
                                        newline="")))
    assert dutch[0][:3] == ["Nummer", "Soort", "Adres"] and dutch[2][1] == "idee"


def test_json_reads_back_as_it_was() -> None:
    read = json.loads(library_file("Data CoP", ITEMS, ExportFormat.JSON, "en"))
    assert read["library"] == "Data CoP" and [entry["id"] for entry in read["items"]] == [3, 2, 1]
    assert read["items"][0]["title"] == HOSTILE and read["items"][0]["tags"] == ["dbt", "data-contracts"]
    assert read["items"][1] | {"text": ""} == {**read["items"][1], "text": ""}
    assert read["items"][1]["kind"] == "idea" and read["items"][0]["saved_at"] == "2026-12-03T09:30:00+00:00"


class Bookmarks(HTMLParser):
    """What a browser importing the file sees: each link's attributes and title, each note."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.notes: list[str] = []
        self.scripts = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append({**dict(attrs), "title": ""})
        if tag == "script":
            self.scripts += 1
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "a":
            self.links[-1]["title"] = (self.links[-1]["title"] or "") + data
        elif self._in == "dd" and data.strip():
            self.notes.append(data.strip())


def test_the_netscape_file_holds_the_links_as_a_browser_reads_them() -> None:
    data = library_file("Data CoP", ITEMS, ExportFormat.HTML, "en").decode()
    assert data.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>")
    parsed = Bookmarks()
    parsed.feed(data)
    assert parsed.scripts == 0
    assert [link["href"] for link in parsed.links] == ["https://example.com/3", "https://example.com/a?q=1&b=<2>"]
    assert parsed.links[0]["title"] == HOSTILE and parsed.links[0]["tags"] == "dbt,data-contracts"
    assert parsed.links[0]["add_date"] == str(int(AT.timestamp()))
    assert parsed.notes == ["Line one\nline two"]


def test_markdown_shows_the_text_as_written_and_never_as_markup() -> None:
    text = library_file("Data CoP", ITEMS, ExportFormat.MARKDOWN, "en").decode()
    lines = text.splitlines()
    assert lines[0] == "# Library of Data CoP"
    assert lines[2].startswith(r'- [=HYPERLINK\("http://evil\.example"\) \<script\>alert\(1\)\</script\> \[x\]')
    assert "](<https://example.com/3>)" in lines[2]
    assert r"\# Not a heading \- nor a list" in lines[3]
    assert "](<https://example.com/a?q=1&b=%3C2%3E>)" in lines[4]
    assert all(line.startswith("- ") for line in lines[2:])
