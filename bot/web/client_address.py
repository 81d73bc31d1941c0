"""The address a request came from, for per-client limits, also behind a reverse proxy on this host."""

from __future__ import annotations

import ipaddress

from aiohttp import web


def client_address(request: web.Request) -> str:
    """The peer's address; when the peer is a proxy on this machine, the address it saw.

    Only a loopback peer is trusted to say who the client was (the last X-Forwarded-For entry,
    the one the proxy added): a client connecting directly cannot choose its own address.
    """
    peer = request.remote or "unknown"
    try:
        local = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        local = False
    forwarded = request.headers.get("X-Forwarded-For", "")
    if local and forwarded:
        return forwarded.split(",")[-1].strip() or peer
    return peer
