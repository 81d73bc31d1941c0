"""Server-rendered pages: one jinja2 environment with autoescaping, shared by every view."""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
JINJA = web.AppKey("jinja", jinja2.Environment)


def setup_templates(app: web.Application) -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app[JINJA] = env
    app.router.add_static("/static", STATIC, name="static", append_version=True)


def render(request: web.Request, template: str, context: dict | None = None, *, status: int = 200,
           content_type: str = "text/html") -> web.Response:
    """Render `template` with `context`; every value is HTML-escaped unless marked safe."""
    env = request.app[JINJA]
    page = env.get_template(template).render(request=request, **(context or {}))
    return web.Response(text=page, status=status, content_type=content_type, charset="utf-8")
