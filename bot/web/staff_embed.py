"""The dashboard page a web editor copies the embed code from: per municipality and language."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from bot.core import region as regions
from bot.core.region import MUNICIPALITIES
from bot.core.words import Texts, t
from bot.web.auth import require_role, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render

BOXES = ("varningar", "fraga")  # the current warnings; ask the bot
CSS_VARIABLES = (  # name, default, what it sets (`staff.embed_css.<key>` in the catalogues)
    ("--fraudbot-accent", "#005a9c", "accent"),
    ("--fraudbot-accent-text", "#ffffff", "accent_text"),
    ("--fraudbot-background", "#ffffff", "background"),
    ("--fraudbot-text", "#1a1a1a", "text"),
    ("--fraudbot-radius", "6px", "radius"),
    ("--fraudbot-font-size", "1.125rem", "font_size"),
)
CSS_WORDS = Texts("staff.embed_css")


def snippets(base: str, municipality: str | None, lang: str) -> dict[str, str]:
    """The HTML a web editor pastes, per box: one script tag, or an iframe."""
    out = {}
    for name in BOXES:
        data = f' data-box="{name}"' + (f' data-kommun="{municipality}"' if municipality else "") + f' data-lang="{lang}"'
        data += f' data-nodnummer="{regions.current().numbers["emergency"]}"'  # embed.js names no number itself
        query = urlencode({k: v for k, v in (("kommun", municipality), ("lang", lang)) if v})
        height = 480 if name == "varningar" else 560
        title = t(lang, "embed.title.warnings") if name == "varningar" else t(lang, "embed.title.ask")
        out[f"{name}_script"] = f'<script src="{base}/static/embed.js"{data} async></script>'
        out[f"{name}_iframe"] = (f'<iframe src="{base}/embed/{name}?{query}" title="{title}" width="100%" height="{height}"'
                                 ' style="border:0" loading="lazy"></iframe>')
    return out


@require_role("viewer")
async def embed_code_page(request: web.Request) -> web.Response:
    """Shows the script tag and iframe for both boxes, for the chosen municipality and language."""
    web_config = request.app[SERVICES].config.web
    municipality = request.query.get("kommun")
    municipality = municipality if municipality in MUNICIPALITIES else None
    lang = "en" if request.query.get("lang") == "en" else "sv"
    return render(request, "staff/embed.html", staff_context(
        request, municipalities=MUNICIPALITIES, municipality=municipality, chosen_lang=lang,
        code=snippets(web_config.base_url, municipality, lang), origins=web_config.embed_origins,
        public_url_set=bool(web_config.public_url), css_variables=[(name, default, CSS_WORDS[key]) for name, default, key in CSS_VARIABLES]))


def setup_staff_embed_routes(app: web.Application) -> None:
    app.router.add_get("/staff/inbaddning", embed_code_page)
