"""The links in a pasted message: the core's one link detector.

linkify-it (the link finder behind markdown-it) does the finding: addresses with or without
`https://` or `www.`, trailing punctuation and brackets, host names in other scripts. An address
without a scheme counts when it ends in a real top-level domain – any of ICANN's root zone, read
from the Public Suffix List that `publicsuffixlist` ships and keeps current – so
`postnord-tull.top/x` and `bit.ly/3x` are links and `kl.15`, `t.ex.` or `Mvh.Budbee` are not.
E-mail addresses are not links here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from linkify_it import LinkifyIt
from publicsuffixlist import PSLFILE

MAX_CHARS = 20_000  # a pasted message longer than this is looked at up to here


@dataclass(frozen=True)
class Link:
    """One web address found in a text."""

    text: str  # as written in the message
    url: str  # with a scheme added when the message left it out
    host: str  # lowercase, without "www.", in Unicode (an xn-- name is decoded)
    ascii_host: str  # the same host as DNS sees it (punycode for non-Latin letters)

    @property
    def tld(self) -> str:
        return self.ascii_host.rsplit(".", 1)[-1]

    @property
    def is_ip(self) -> bool:
        try:
            ipaddress.ip_address(self.ascii_host.strip("[]"))
        except ValueError:
            return False
        return True

    @property
    def is_idn(self) -> bool:
        """True for a host written with non-ASCII letters (a way to imitate a known name)."""
        return self.host != self.ascii_host or "xn--" in self.ascii_host

    def is_under(self, domains: Iterable[str]) -> bool:
        """True when the host is one of `domains` or a subdomain of one."""
        return any(self.ascii_host == d or self.ascii_host.endswith("." + d) for d in domains)


def find_links(text: str) -> tuple[Link, ...]:
    """Every web address in `text`, in order. Never raises, whatever the text holds."""
    text = (text or "")[:MAX_CHARS]
    if "." not in text and "/" not in text:
        return ()
    try:
        matches = _linkify().match(text) or []
    except (ValueError, RecursionError):  # defensive: hostile text must not stop the check
        return ()
    links: list[Link] = []
    for match in matches:
        if match.schema.lower() == "mailto:":
            continue
        link = _link(match.raw, match.url)
        if link is not None:
            links.append(link)
    return tuple(links)


def _link(raw: str, url: str) -> Link | None:
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.removeprefix("www.")
    return Link(raw, url, _unicode_host(host), _ascii_host(host))


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


@cache
def _linkify() -> LinkifyIt:
    return LinkifyIt(options={"fuzzy_email": False, "fuzzy_ip": True}).tlds(sorted(_root_zone()), True)


def _root_zone() -> set[str]:
    """ICANN's top-level domains (the one-label rules of the list's ICANN part), also in punycode."""
    tlds: set[str] = set()
    icann = False
    with open(PSLFILE, encoding="utf-8") as f:
        for line in f:
            rule = line.strip()
            if rule == "// ===BEGIN ICANN DOMAINS===":
                icann = True
            elif rule == "// ===END ICANN DOMAINS===":
                break
            elif icann and rule and not rule.startswith(("//", "!", "*")) and "." not in rule:
                tlds.add(rule.lower())
                tlds.add(_ascii_host(rule.lower()))
    return tlds
