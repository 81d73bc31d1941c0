"""Pages for residents: the chat page, the topics, the privacy notice and the display settings.

The chat form posts to `/` and gets the whole page back with the answer, so it works without
JavaScript; `chat.js` instead posts to `/svar` and puts the same answer fragment in place.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from bot.core.assistant import Asker
from bot.core.rate_limit import OK, SlidingWindowLimiter
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.privacy import privacy_notice
from bot.core.reply import compose_topic
from bot.web.api import MAX_TEXT
from bot.web.client_address import client_address
from bot.web.keys import SERVICES
from bot.web.templating import render

# Per client address: plenty for a person, but a script cannot fill the question log.
QUESTIONS_PER_MINUTE = 30
CHAT_LIMITER = web.AppKey("chat_limiter", SlidingWindowLimiter)
DISPLAY_COOKIE = "display"
DISPLAY_OPTIONS = ("large-text", "high-contrast")
ACTIONS = ("ask", "check")

UI = {
    "sv": {
        "title": "Fråga Bedrägerikollen",
        "lead": "Har någon ringt, sms:at, mejlat eller knackat på och du är osäker? Skriv vad som hänt med egna ord, eller klistra in meddelandet.",
        "label": "Din fråga eller meddelandet du fått",
        "hint": "Skriv aldrig lösenord, koder eller kortnummer här.",
        "ask": "Fråga",
        "check": "Kolla meddelandet",
        "answer": "Svar",
        "topics": "Alla ämnen",
        "sources": "Källor",
        "reviewed": "Granskad",
        "happened": "Om det redan har hänt",
        "privacy": "Integritet",
        "display": "Visning",
        "large_text": "Större text",
        "high_contrast": "Hög kontrast",
        "save": "Spara visning",
        "other_lang": "In English",
        "other_lang_code": "en",
        "busy": "Tänker …",
        "error": "Något gick fel. Försök igen, eller ring polisen på 114 14.",
        "too_long": f"Texten är för lång (högst {MAX_TEXT} tecken).",
        "slow_down": "Du har skickat många frågor på kort tid. Vänta en minut och försök igen.",
    },
    "en": {
        "title": "Ask Bedrägerikollen",
        "lead": "Has someone called, texted, e-mailed or knocked on your door and you are unsure? Write what happened in your own words, or paste the message.",
        "label": "Your question or the message you received",
        "hint": "Never write passwords, codes or card numbers here.",
        "ask": "Ask",
        "check": "Check the message",
        "answer": "Answer",
        "topics": "All topics",
        "sources": "Sources",
        "reviewed": "Reviewed",
        "happened": "If it has already happened",
        "privacy": "Privacy",
        "display": "Display",
        "large_text": "Larger text",
        "high_contrast": "High contrast",
        "save": "Save display",
        "other_lang": "På svenska",
        "other_lang_code": "sv",
        "busy": "Thinking …",
        "error": "Something went wrong. Try again, or call the police on 114 14.",
        "too_long": f"The text is too long (at most {MAX_TEXT} characters).",
        "slow_down": "You have sent many questions in a short time. Wait a minute and try again.",
    },
}


def page_lang(request: web.Request) -> str:
    lang = request.query.get("lang")
    return lang if lang in UI else "sv"


def display_classes(request: web.Request) -> str:
    chosen = request.cookies.get(DISPLAY_COOKIE, "").split()
    return " ".join(c for c in chosen if c in DISPLAY_OPTIONS)


def _context(request: web.Request, lang: str, **extra) -> dict:
    return {"lang": lang, "ui": UI[lang], "display": display_classes(request), "lang_suffix": "?lang=en" if lang == "en" else "",
            **extra}


async def chat_page(request: web.Request) -> web.Response:
    """Shows the chat form."""
    lang = page_lang(request)
    return render(request, "public/chat.html", _context(request, lang, text="", action="ask", view=None))


async def _answer(request: web.Request) -> tuple[str, dict]:
    form = await request.post()
    lang = form.get("lang") if form.get("lang") in UI else "sv"
    text = form.get("text")
    action = form.get("action") if form.get("action") in ACTIONS else "ask"
    if not isinstance(text, str):
        text = ""
    if len(text) > MAX_TEXT:
        return lang, {"text": text[:MAX_TEXT], "action": action, "view": None, "error": UI[lang]["too_long"]}
    if request.app[CHAT_LIMITER].check(client_address(request)) != OK:
        return lang, {"text": text, "action": action, "view": None, "error": UI[lang]["slow_down"], "status": 429}
    assistant = request.app[SERVICES].assistant
    if action == "check":
        _, view = await assistant.check(text, lang)
    else:
        _, view = await assistant.ask(text, Asker("web"), lang)
    return lang, {"text": text, "action": action, "view": view}


async def chat_submit(request: web.Request) -> web.Response:
    """Answers the question (or checks the message) and shows the page again with the answer."""
    lang, ctx = await _answer(request)
    status = ctx.pop("status", 200)
    return render(request, "public/chat.html", _context(request, lang, **ctx), status=status)


async def answer_fragment(request: web.Request) -> web.Response:
    """The answer alone, for chat.js to put into the page without reloading it."""
    lang, ctx = await _answer(request)
    status = ctx.pop("status", 200)
    return render(request, "public/_answer.html", _context(request, lang, **ctx), status=status)


async def topics_page(request: web.Request) -> web.Response:
    """Lists every topic by category."""
    lang = page_lang(request)
    kb = request.app[SERVICES].store.kb
    groups = []
    for category, names in CATEGORIES.items():
        topics = sorted((t for t in kb.topics.values() if t.category == category), key=lambda t: t.text(lang).title)
        if topics:
            groups.append((names[lang], [(t.id, t.text(lang).title, t.text(lang).summary) for t in topics]))
    return render(request, "public/topics.html", _context(request, lang, groups=groups))


async def topic_page(request: web.Request) -> web.Response:
    """One topic as a readable page, with its sources and review date."""
    lang = page_lang(request)
    kb = request.app[SERVICES].store.kb
    topic = kb.topics.get(request.match_info["topic"])
    if topic is None:
        raise web.HTTPNotFound(text="Det ämnet finns inte. / No such topic.")
    view = compose_topic(kb, topic.id, lang)
    happened = compose_topic(kb, topic.id, lang, happened=True)
    return render(request, "public/topic.html", _context(request, lang, view=view, happened=happened, topic=topic))


async def privacy_page(request: web.Request) -> web.Response:
    """The privacy notice: what is stored, why, for how long, and how to erase it."""
    lang = page_lang(request)
    days = request.app[SERVICES].config.privacy.retention_days
    return render(request, "public/privacy.html", _context(request, lang, notice=privacy_notice(lang, days), days=days))


async def save_display(request: web.Request) -> web.StreamResponse:
    """Remembers large text / high contrast in a cookie and goes back to the page."""
    form = await request.post()
    chosen = [option for option in DISPLAY_OPTIONS if form.get(option)]
    back = str(form.get("back", "/"))
    parts = urlsplit(back)
    if parts.scheme or parts.netloc or not back.startswith("/") or back.startswith("//"):
        back = "/"
    response = web.HTTPSeeOther(back)
    response.set_cookie(DISPLAY_COOKIE, " ".join(chosen), max_age=365 * 24 * 3600, path="/", httponly=True,
                        samesite="Lax", secure=request.app[SERVICES].config.web.secure_cookies)
    raise response


def setup_public_routes(app: web.Application) -> None:
    app[CHAT_LIMITER] = SlidingWindowLimiter(QUESTIONS_PER_MINUTE, window=60.0)
    app.router.add_get("/", chat_page)
    app.router.add_post("/", chat_submit)
    app.router.add_post("/svar", answer_fragment)
    app.router.add_get("/amnen", topics_page)
    app.router.add_get("/amnen/{topic}", topic_page)
    app.router.add_get("/integritet", privacy_page)
    app.router.add_post("/visning", save_display)
