"""`create_web_app(services)`: the aiohttp application with every web route (the process host adds the rest)."""

from __future__ import annotations

from aiohttp import web

from bot.services import Services
from bot.web.api import setup_api_routes
from bot.web.embed import setup_embed_routes
from bot.web.headers import setup_headers
from bot.web.keys import SERVICES
from bot.web.public import setup_public_routes
from bot.web.sessions import setup_session_routes
from bot.web.staff_posts import setup_staff_post_routes
from bot.web.staff_views import setup_staff_routes
from bot.web.staff_warnings import setup_staff_warning_routes
from bot.web.templating import setup_templates
from bot.web.tips import setup_tip_routes
from bot.web.warnings import setup_warning_routes


def create_web_app(services: Services) -> web.Application:
    """The web app with every route; `bot.host.create_app` adds the periodic jobs and the Telegram bot."""
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    setup_templates(app)
    setup_headers(app)
    setup_api_routes(app)
    setup_session_routes(app)
    setup_warning_routes(app)
    setup_public_routes(app)
    setup_tip_routes(app)
    setup_staff_routes(app)
    setup_staff_warning_routes(app)
    setup_embed_routes(app)
    setup_staff_post_routes(app)
    return app
