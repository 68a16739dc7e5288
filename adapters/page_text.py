"""What a fetched page says of itself: its bytes decoded, then its title, description and main text.

`decoded` turns a body into text: the encoding a byte order mark names, else the one the `Content-Type` header
names, else (HTML) the one a `<meta>` near the top names, else UTF-8 when the bytes are UTF-8, else windows-1252,
which is what browsers assume of a page that says nothing (and what they read `iso-8859-1` and `us-ascii` as).

`page_meta` reads an HTML page with trafilatura: the title and description from the page's metadata (`<title>`,
`<meta name="description">`, Open Graph and JSON-LD), nothing when the page has none; the main text without
navigation, scripts, comments or tables. A plain-text page is its own text, with no title or description (its
first line is as often a licence header or a line of code as a title). Every part has its whitespace collapsed
to single spaces, loses the characters Hearth never keeps (`bot.text_limits`), and is cut to its limit: the
title to `LIBRARY_TITLE`, the description to `MAX_DESCRIPTION`, the text to `MAX_PAGE_TEXT` characters.

trafilatura is imported on the first HTML page, not with this module: Hearth starts without it.
"""

from __future__ import annotations

import codecs
import re

from bot.library.model import MAX_DESCRIPTION, MAX_PAGE_TEXT, PageMeta
from bot.text_limits import LIBRARY_TITLE, TextLimit, platform_name

__all__ = ["HTML_TYPES", "PAGE_TYPES", "decoded", "page_meta"]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PAGE_TYPES = HTML_TYPES | {"text/plain"}

DESCRIPTION = TextLimit("page description", MAX_DESCRIPTION)
TEXT = TextLimit("page text", MAX_PAGE_TEXT)

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Both `<meta charset="…">` and `<meta http-equiv="Content-Type" content="text/html; charset=…">`.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_PRESCAN = 4096  # bytes of a page searched for its <meta charset>; the HTML standard says 1024, pages run longer
_LEGACY = frozenset({"iso8859-1", "ascii"})  # labels browsers read as windows-1252


def decoded(body: bytes, charset: str | None, content_type: str, *, cut: bool = False) -> str:
    """`body` as text, in the encoding the module docstring says; bytes that do not decode become `�`. `cut`
    says the body was cut short (at the size cap), so that a character cut in two at its end is left out."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace")
    name = _codec(charset)
    if name is None and content_type in HTML_TYPES:
        match = _META_CHARSET.search(body[:_PRESCAN])
        name = _codec(match.group(1).decode("ascii")) if match else None
        if name is not None and name.startswith("utf-16"):
            name = "utf-8"  # a page whose <meta> can be read is not UTF-16, whatever it says
    if name is not None:
        try:
            return body.decode(name, errors="replace")
        except LookupError:  # a codec that is not a text encoding ("base64", "zlib")
            pass
    try:
        # Not final when cut: the half of a character at the end is left out, not read as windows-1252.
        return codecs.getincrementaldecoder("utf-8")().decode(body, final=not cut)
    except UnicodeDecodeError:
        return body.decode("windows-1252", errors="replace")


def _codec(label: str | None) -> str | None:
    """The codec `label` names, as Python calls it; None when it names none."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in _LEGACY else name


def page_meta(page: str, url: str, content_type: str) -> PageMeta:
    """The title, description and main text of `page` (an HTML page when `content_type` is one of `HTML_TYPES`,
    plain text otherwise) as the module docstring says. `url` is where it was read, for trafilatura's rules."""
    if content_type not in HTML_TYPES:
        return PageMeta(title="", description="", text=_kept(page, TEXT))
    import trafilatura

    metadata = trafilatura.extract_metadata(page, default_url=url, extensive=False)
    text = trafilatura.extract(page, url=url, include_comments=False, include_tables=False, include_images=False,
                               include_links=False, output_format="txt")
    return PageMeta(
        title=_kept(metadata.title or "", LIBRARY_TITLE),
        description=_kept(metadata.description or "", DESCRIPTION),
        text=_kept(text or "", TEXT),
    )


def _kept(text: str, limit: TextLimit) -> str:
    # Cut before cleaning so a 2 MB text page is not walked character by character; collapsing whitespace only
    # shortens it, so four times the limit leaves enough.
    return platform_name(text[: limit.most * 4], limit)
