"""Response headers for every page: security policy, caching, compression and who may frame what.

- Content-Security-Policy without inline script: every script is a file under /static.
- Resident pages may be shown in a frame only by the sites in `web.embed_origins` (a municipality's
  website); the staff pages never.
- Staff pages are never stored by a browser or proxy (`no-store`) nor indexed, and send no referrer
  (their addresses can hold a question being tried).
- Static files are cached for a year when asked for by their versioned address (`?v=`), and text
  is compressed – except staff pages, which carry CSRF tokens next to text from the address
  (compressing both together leaks the token to an attacker who can measure sizes: BREACH).
"""

from __future__ import annotations

from aiohttp import web

from bot.web.keys import SERVICES
from bot.web.templating import STATIC

SERVER_NAME = "fraudbot"  # no version numbers for anyone looking for a known hole
STATIC_PREFIX = "/static/"
YEAR_SECONDS = 365 * 24 * 3600
COMPRESSIBLE_SUFFIXES = (".css", ".js", ".svg", ".json", ".txt")
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/atom+xml", "image/svg+xml")


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "object-src 'none'",
        f"frame-ancestors {frame_ancestors}",
    ])


@web.middleware
async def compress_text(request: web.Request, handler):
    """Compress static files and public pages for clients that accept it (never staff pages)."""
    response = await handler(request)
    if is_staff_path(request.path) or not isinstance(response, web.StreamResponse):
        return response
    if isinstance(response, web.FileResponse):
        wanted = request.path.endswith(COMPRESSIBLE_SUFFIXES)
    else:
        wanted = response.content_type.startswith(COMPRESSIBLE_TYPES) and response.status == 200
    if wanted and "gzip" in request.headers.get("Accept-Encoding", "").lower():
        response.enable_compression()
        response.headers["Vary"] = "Accept-Encoding"
    return response


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set the headers every response gets (also errors and static files)."""
    web_config = request.app[SERVICES].config.web
    staff = is_staff_path(request.path)
    headers = response.headers
    headers["Server"] = SERVER_NAME
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if staff or not web_config.embed_origins:
        frame_ancestors = "'none'"
        headers["X-Frame-Options"] = "DENY"
    else:
        frame_ancestors = " ".join(web_config.embed_origins)
    headers["Content-Security-Policy"] = content_security_policy(frame_ancestors)
    if web_config.secure_cookies:
        headers["Strict-Transport-Security"] = f"max-age={YEAR_SECONDS}"
    if staff:
        headers["Cache-Control"] = "no-store"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Robots-Tag"] = "noindex, nofollow"
    else:
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if request.path.startswith(STATIC_PREFIX) and response.status in (200, 304):
            versioned = "v" in request.query
            headers["Cache-Control"] = f"public, max-age={YEAR_SECONDS}, immutable" if versioned else "public, max-age=3600"


async def favicon(request: web.Request) -> web.FileResponse:
    """The icon browsers ask for at /favicon.ico (pages name the SVG one too)."""
    response = web.FileResponse(STATIC / "favicon.ico")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


async def robots(request: web.Request) -> web.Response:
    """Search engines may index the resident pages, not the dashboard or the API."""
    return web.Response(text="User-agent: *\nDisallow: /staff\nDisallow: /api/\n", content_type="text/plain")


def setup_headers(app: web.Application) -> None:
    app.middlewares.append(compress_text)
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_get("/robots.txt", robots)
