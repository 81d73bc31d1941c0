"""Where participants join a big-screen session: the address as text and as a QR code.

The address comes from `web.public_url` (never from the request's Host header). The QR code opens
the join page with the code filled in; the typed code stays on the screen beside it, for phones
without a camera app that reads QR codes. segno draws it as inline SVG: pure Python, no image
files, sharp at any projector size.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import segno
from markupsafe import Markup

from bot.core.words import t


@dataclass(frozen=True)
class JoinLink:
    url: str  # what the QR code opens: https://…/delta?kod=CODE
    shown: str  # what the screen says to type: bedragerikollen.se/delta
    qr: Markup  # the QR code as inline SVG


def join_address(base_url: str) -> str:
    """The join page's address as people type it: no https://."""
    return f"{base_url.split('://', 1)[-1]}/delta"


def join_link(base_url: str, code: str) -> JoinLink:
    url = f"{base_url}/delta?kod={quote(code)}"
    shown = join_address(base_url)
    svg = segno.make(url, error="m").svg_inline(scale=1, dark="#000", light="#fff", border=4, omitsize=True,
                                                 svgclass="qr-code", lineclass=None, title=t("sv", "web_session.qr_title", address=shown, code=code))
    return JoinLink(url, shown, Markup(svg))
