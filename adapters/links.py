"""Which addresses Hearth turns into clickable links, on every platform."""

from __future__ import annotations

from urllib.parse import urlsplit


def checked_http_url(url: str) -> str | None:
    """`url` (stripped, scheme lower-cased) if it is an absolute http(s) URL with a host and no user part, else None.

    A user part (`https://docs.example.org@evil.example`) shows one host and opens another: a phishing trick, never
    a link Hearth means. Each renderer then encodes the characters its own link syntax reserves.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname or "@" in parts.netloc:
        return None
    return scheme + url[len(scheme):]
