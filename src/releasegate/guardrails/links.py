"""Links in a draft: from href/src attributes and from URLs written in the visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .visible import Attribute, VisibleText, decode_url

__all__ = ["Link", "find_links", "host_of", "is_listed_host"]

# A URL in running text: with a scheme, starting with www., or a bare domain followed by a path
# (clients turn all three into links). Not after "@", so an e-mail address is never a link.
_URL_IN_TEXT = re.compile(
    r"(?<![\w@.\-/])(?:https?://[^\s<>\"'()\[\]]+|www\.[^\s<>\"'()\[\]]+"
    r"|(?:[a-z0-9\-]+\.)+[a-z]{2,}/[^\s<>\"'()\[\]]*)",
    re.I,
)
_TRAILING = ".,;:!?"
_NOT_LINKS = ("mailto:", "tel:", "sms:", "#", "cid:", "data:")


@dataclass(frozen=True, slots=True)
class Link:
    """One link: where it is in the source, its decoded URL, and where it came from.

    `origin` is the attribute name (`href`, `src`, ...) or `text` for a URL written in the text.
    """

    span: tuple[int, int]
    url: str
    origin: str

    @property
    def clickable(self) -> bool:
        return self.origin in ("href", "text")


# The common URL, read without `urlsplit`: scheme, a plain host, an optional numeric port, then
# the end or a path, query or fragment. Anything else (user info, brackets, odd characters)
# goes through `urlsplit`, whose answer this shortcut gives whenever it applies.
_PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://([A-Za-z0-9.\-]+)(?::[0-9]*)?(?=[/?#]|\Z)")


def host_of(url: str) -> str:
    """The lower-case host of `url`, without `www.` or a port; "" when there is none."""
    if "://" not in url[:12]:
        url = "http://" + url
    url = url.strip()
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        host = plain.group(1).lower()
    else:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return ""
    return host.removeprefix("www.").rstrip(".")


def is_listed_host(host: str, listed: frozenset[str]) -> bool:
    """Exact host or a subdomain of one: `www.bit.ly` is `bit.ly`, `habit.ly` is not."""
    if host in listed:
        return True
    dot = host.find(".")
    while dot != -1:
        if host[dot + 1 :] in listed:
            return True
        dot = host.find(".", dot + 1)
    return False


def find_links(
    visible: VisibleText, attrs: list[Attribute], lowered: str | None = None
) -> list[Link]:
    """Links from the URL attributes, then URLs written in the text (`lowered`: its lower case)."""
    links = [
        Link(a.span, a.value.strip(), a.name)
        for a in attrs
        if a.name in ("href", "src", "action", "background")
        and not a.value.strip().lower().startswith(_NOT_LINKS)
    ]
    text = visible.text
    low = text.lower() if lowered is None else lowered
    if "/" not in text and "www." not in low:  # no URL can be written without either
        return links
    for m in _URL_IN_TEXT.finditer(text):
        url = m.group().rstrip(_TRAILING)
        span = visible.source_span(m.start(), m.start() + len(url))
        links.append(Link(span, decode_url(url) if "%" in url else url, "text"))
    return links
