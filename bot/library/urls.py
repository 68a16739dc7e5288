"""The library's web addresses: checked as a member gives them, and normalised into the key that two saves of
the same page share.

`checked_url` takes what a member typed (or a link found in a message) and returns it as it will be shown and
fetched: http or https only, with a host and no user part (`bot.links`), at most `URL.most` characters;
anything else (`javascript:`, `data:`, `file:`, a bare word) is refused with a `UserError` that says what to give.

`url_key` is for comparison only; the address shown stays as the member gave it. It is built on w3lib's
`canonicalize_url` (scheme and host in lower case, the host in IDNA, the path and query percent-encoded one way,
query parameters sorted, the fragment dropped) with Hearth's own rules on top:

- a default port goes (`:80` for http, `:443` for https);
- tracking parameters go: every `utm_*`, and `fbclid`, `gclid` and the others in `TRACKING`;
- a trailing slash goes, except for the root (`https://example.com/`);
- a fragment that is a route of a single-page application (`#/…` or `#!…`) is kept: it names another page;
- `www.` stays: `www.example.com` and `example.com` may be different sites.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from bot.errors import UserError
from bot.i18n import _
from bot.links import checked_http_url
from bot.messages import UserText
from bot.text_limits import LIBRARY_URL as URL

__all__ = ["TRACKING", "URL", "checked_url", "url_key"]

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that say where a click came from, not which page it is.
TRACKING = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "mc_eid", "mc_cid", "ref_src", "ref_url", "igshid", "igsh", "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp",
    "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "_ga", "_gl", "s_cid",
    "spm", "scm", "wt_mc", "wt.mc_id", "cmpid", "trk", "trkcampaign", "sr_share", "ncid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def checked_url(text: str) -> str:
    """`text` as an address the library keeps: trimmed, http or https, with a host. Raises `UserError`."""
    url = text.strip().strip("<>")
    if not url:
        raise UserError(_("Give a web address, such as https://example.com/article."))
    if len(url) > URL.most:
        raise UserError(_("A web address has at most {max} characters; this one has {n}.", max=URL.most,
                          n=len(url)))
    if any(character.isspace() or ord(character) < 32 for character in url):
        raise UserError(_("{url} is not a web address: it holds spaces.", url=UserText(url[:80])),
                        hint=_("Give one address at a time, such as https://example.com/article."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in SCHEMES:
        raise UserError(_("{url} is not a web address the library keeps: it takes addresses that start with "
                          "http:// or https://.", url=UserText(url[:80])),
                        hint=_("To keep a thought without a link, use /library idea \"…\"."))
    if not parts.hostname:
        raise UserError(_("{url} names no site.", url=UserText(url[:80])),
                        hint=_("Give the whole address, such as https://example.com/article."))
    checked = checked_http_url(url)
    if checked is None:  # a user part: it shows one host and opens another
        raise UserError(_("{url} hides the site it opens behind a name and @: give the address without it.",
                          url=UserText(url[:80])))
    return checked


def url_key(url: str) -> str:
    """The address two saves of the same page share (see the module docstring); `url` as `checked_url` gives it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                       if not _tracking(name)])
    route = parts.fragment if parts.fragment.startswith(("/", "!")) else ""
    canonical = urlsplit(canonicalize_url(urlunsplit((scheme, netloc, parts.path or "/", query, ""))))
    # After w3lib has resolved `.` and `..`: a trailing slash goes, but the root stays.
    path = canonical.path.rstrip("/") or "/"
    key = urlunsplit((canonical.scheme, canonical.netloc, path, canonical.query, ""))
    return f"{key}#{route}" if route else key


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING or lowered.startswith(TRACKING_PREFIXES)
