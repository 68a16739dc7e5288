"""Which addresses Hearth treats as web links: one rule for what members give, what is shown and what is sent.

A safe link is an absolute http(s) URL with a host and no user part. A user part
(`https://docs.example.org@evil.example`) shows one host and opens another: a phishing trick, never a link
Hearth means. Each renderer then encodes the characters its own link syntax reserves.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def checked_http_url(url: str) -> str | None:
    """`url` (stripped, scheme lower-cased) if it is a safe link, else None."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return None
    return scheme + url[len(scheme):]


def is_web_link(text: str) -> bool:
    """Whether `text`, stripped, is a safe link written without spaces: what a member may give as a link (with
    a space in it, it was more likely two words than one address)."""
    return checked_http_url(text) is not None and " " not in text.strip()


def link_host(url: str) -> str | None:
    """The host a safe link opens (lower-cased), or None when `url` is not a safe link."""
    checked = checked_http_url(url)
    return None if checked is None else urlsplit(checked).hostname
