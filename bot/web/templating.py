"""Server-rendered pages: one jinja2 environment with autoescaping, shared by every view."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web

from bot.core import words
from bot.core.content.local_time import format_date, format_datetime
from bot.web.keys import SERVICES
from bot.web.phone_links import phone_links

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
JINJA = web.AppKey("jinja", jinja2.Environment)
# Escaped by name: HTML pages, and the Atom feed (feed.atom), whose name once escaped nothing.
AUTOESCAPED = ["html", "htm", "xml", "atom"]
# Characters XML 1.0 does not allow at all, even escaped (C0 controls other than tab/newline/CR,
# lone surrogates and the two non-characters): a title pasted with one must not break the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def setup_templates(app: web.Application) -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(AUTOESCAPED, default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    zone = ZoneInfo(app[SERVICES].config.alerts.timezone)
    env.filters["local_date"] = lambda at, lang="sv": format_date(at, zone, lang) if at else ""
    env.filters["local_datetime"] = lambda at, lang="sv": format_datetime(at, zone, lang) if at else ""
    env.filters["xml_safe"] = lambda text: _NOT_XML.sub("", str(text))
    env.globals["t"] = words.t  # {{ t(lang, "site.footer") }}: the message catalogues, region filled in
    env.filters["phone_links"] = phone_links
    env.filters["unquote"] = lambda url: unquote(str(url))  # shown as people type it: ?kommun=Åby
    app[JINJA] = env
    resource = app.router.add_static("/static", STATIC, name="static", append_version=True)
    # /static/site.css?v=<hash of the file>: a changed file gets a new address, so browsers may
    # keep every version for a year (see the cache headers in bot.web.headers).
    env.globals["static_url"] = lambda name: str(resource.url_for(filename=name))


def render(request: web.Request, template: str, context: dict | None = None, *, status: int = 200,
           content_type: str = "text/html") -> web.Response:
    """Render `template` with `context`; every value is HTML-escaped unless marked safe."""
    env = request.app[JINJA]
    page = env.get_template(template).render(request=request, **(context or {}))
    return web.Response(text=page, status=status, content_type=content_type, charset="utf-8")
