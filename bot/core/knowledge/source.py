"""A source a fact rests on: an address, what it says, and why a non-authority one is kept."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    url: str
    title: str
    # Why a source that is not a Swedish authority is kept (no authority says it); empty for authorities.
    note: str = ""

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        host = (urlsplit(self.url).hostname or "").lower()
        return host[4:] if host.startswith("www.") else host
