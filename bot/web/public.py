"""Pages for residents: the chat page, the topics, the privacy notice and the display settings.

The chat form posts to `/#svar` and gets the whole page back with the answer in view, so it works
without JavaScript; `chat.js` instead posts to `/svar`, puts the same answer fragment in place and
moves focus to its heading. Each browser window has a random conversation token (a hidden field;
chat.js keeps it in sessionStorage): its keyed hash is the question log's user key, which is how
"Radera mina frågor" finds the window's questions without a cookie or an account.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from urllib.parse import quote, unquote, urlsplit

from aiohttp import web

from bot.core.alerts.text import alert_text
from bot.core.answering.assistant import Asker
from bot.core.answering.reply import ReplyView, Section, compose_topic, labels
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.region import MUNICIPALITIES
from bot.core.residents.privacy import privacy_notice
from bot.core.residents.pseudonym import user_key
from bot.core.words import t
from bot.storage import alerts as alert_store
from bot.storage.questions import forget_questions
from bot.web.api import MAX_TEXT
from bot.web.keys import SERVICES
from bot.web.phone_links import phone_links
from bot.web.public_text import UI
from bot.web.question_limit import RETRY_AFTER, over_question_limit, setup_question_limit
from bot.web.templating import JINJA, render

DISPLAY_COOKIE = "display"
DISPLAY_OPTIONS = ("large-text", "high-contrast")
MUNICIPALITY_COOKIE = "kommun"
ACTIONS = ("ask", "check")
CONVERSATION_FIELD = "conversation"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
YEAR_SECONDS = 365 * 24 * 3600


def page_lang(request: web.Request) -> str:
    lang = request.query.get("lang") or "sv"
    return lang if lang in UI else "sv"


def display_classes(request: web.Request) -> str:
    chosen = request.cookies.get(DISPLAY_COOKIE, "").split()
    return " ".join(c for c in chosen if c in DISPLAY_OPTIONS)


def chosen_municipality(request: web.Request) -> str | None:
    value = unquote(request.cookies.get(MUNICIPALITY_COOKIE, ""))
    return value if value in MUNICIPALITIES else None


def conversation_token(value: object) -> str:
    """The window's token when it is one of ours; otherwise a fresh random one."""
    return value if isinstance(value, str) and _TOKEN.match(value) else secrets.token_urlsafe(24)


def answer_sections(view: ReplyView) -> tuple[tuple[Section, ...], tuple[Section, ...]]:
    """The sections that say what to do now first, then the rest (signs, how to report)."""
    lab = labels(view.lang)
    first = {lab["what_to_do"], lab["if_it_happened"]}
    return (tuple(s for s in view.sections if s.heading in first),
            tuple(s for s in view.sections if s.heading not in first))


def page_context(request: web.Request, lang: str, **extra) -> dict:
    contacts = request.app[SERVICES].store.kb.contacts.text(lang)
    return {"lang": lang, "ui": UI[lang], "display": display_classes(request), "lang_suffix": "?lang=en" if lang == "en" else "",
            "contacts": contacts.footer, "now_line": contacts.urgent, **extra}


async def _chat_context(request: web.Request, lang: str, token: str, **extra) -> dict:
    municipality = chosen_municipality(request)
    return page_context(request, lang, conversation=token, municipality=municipality, municipalities=MUNICIPALITIES,
                    urgent_warnings=await _urgent_warnings(request, lang, municipality),
                    days=request.app[SERVICES].config.privacy.retention_days, **extra)


async def _urgent_warnings(request: web.Request, lang: str, municipality: str | None) -> list[dict]:
    """Urgent warnings in force for the chosen municipality (for every municipality when none is chosen)."""
    alerts = await request.app[SERVICES].db.read(alert_store.public_alerts, datetime.now(timezone.utc))
    found = []
    for alert in alerts:
        if alert.urgent and (municipality is None or alert.targets(municipality)):
            words = alert_text(alert, lang)
            found.append({"id": alert.id, "title": alert.title(lang), "text": words.body, "where": words.where})
    return found


async def chat_page(request: web.Request) -> web.Response:
    """Shows the chat form, with urgent warnings for the resident's municipality at the top."""
    lang = page_lang(request)
    ctx = await _chat_context(request, lang, conversation_token(None), text="", action="ask", view=None)
    return render(request, "public/chat.html", ctx)


async def _answer(request: web.Request) -> tuple[str, str, dict, int]:
    """(lang, conversation token, template context, status) for a posted question or message."""
    form = await request.post()
    lang = str(form.get("lang")) if form.get("lang") in UI else "sv"
    token = conversation_token(form.get(CONVERSATION_FIELD))
    text = form.get("text")
    action = str(form.get("action")) if form.get("action") in ACTIONS else "ask"
    if not isinstance(text, str):
        text = ""
    if len(text) > MAX_TEXT:
        return lang, token, {"text": text[:MAX_TEXT], "action": action, "view": None, "error": UI[lang]["too_long"]}, 200
    if over_question_limit(request):
        return lang, token, {"text": text, "action": action, "view": None, "error": UI[lang]["slow_down"]}, 429
    services = request.app[SERVICES]
    if action == "check":
        _, view = await services.assistant.check(text, lang)
    else:
        asker = Asker("web", user_key=user_key(services.hash_key, "web-conversation", token))
        _, view = await services.assistant.ask(text, asker, lang)
    lead, rest = answer_sections(view)
    return lang, token, {"text": text, "action": action, "view": view, "lead_sections": lead, "other_sections": rest}, 200


def _limited(response: web.Response, status: int) -> web.Response:
    if status == 429:
        response.headers["Retry-After"] = RETRY_AFTER
    return response


async def chat_submit(request: web.Request) -> web.Response:
    """Answers the question (or checks the message) and shows the page again with the answer."""
    lang, token, ctx, status = await _answer(request)
    page = render(request, "public/chat.html", await _chat_context(request, lang, token, **ctx), status=status)
    return _limited(page, status)


async def answer_fragment(request: web.Request) -> web.Response:
    """The answer alone, for chat.js to put into the page without reloading it."""
    lang, _, ctx, status = await _answer(request)
    return _limited(render(request, "public/_answer.html", page_context(request, lang, **ctx), status=status), status)


async def forget_my_questions(request: web.Request) -> web.Response:
    """Deletes the text of the questions asked from this window ("Radera mina frågor")."""
    form = await request.post()
    lang = str(form.get("lang")) if form.get("lang") in UI else "sv"
    given = form.get(CONVERSATION_FIELD)
    token = conversation_token(given)
    forgotten = 0
    if token == given:
        services = request.app[SERVICES]
        key = user_key(services.hash_key, "web-conversation", token)
        services.assistant.forget(Asker("web", user_key=key))  # the conversation's last topic, too
        await services.assistant.flush()  # questions still on their way to the log are deleted too
        forgotten = await services.db.write(forget_questions, key)
    message = UI[lang]["mine_done"].format(n=forgotten) if forgotten else UI[lang]["mine_none"]
    ctx = await _chat_context(request, lang, token, text="", action="ask", view=None, forgotten=message)
    return render(request, "public/chat.html", ctx)


async def topics_page(request: web.Request) -> web.Response:
    """Lists every topic by category."""
    lang = page_lang(request)
    kb = request.app[SERVICES].store.kb
    groups = []
    for category, names in CATEGORIES.items():
        topics = sorted((t for t in kb.topics.values() if t.category == category), key=lambda t: t.text(lang).title)
        if topics:
            groups.append((names[lang], [(t.id, t.text(lang).title, t.text(lang).summary) for t in topics]))
    return render(request, "public/topics.html", page_context(request, lang, groups=groups))


async def topic_page(request: web.Request) -> web.Response:
    """One topic as a readable page, with its sources and review date."""
    lang = page_lang(request)
    kb = request.app[SERVICES].store.kb
    topic = kb.topics.get(request.match_info["topic"])
    if topic is None:
        raise web.HTTPNotFound(text=f"{t('sv', 'public.no_topic')} / {t('en', 'public.no_topic')}")
    view = compose_topic(kb, topic.id, lang)
    happened = compose_topic(kb, topic.id, lang, happened=True)
    lead, rest = answer_sections(view)
    return render(request, "public/topic.html", page_context(request, lang, view=view, happened=happened, topic=topic,
                                                         lead_sections=lead, other_sections=rest))


async def privacy_page(request: web.Request) -> web.Response:
    """The privacy notice: what is stored, why, for how long, and how to erase it."""
    lang = page_lang(request)
    config = request.app[SERVICES].config
    days = config.privacy.retention_days
    sms_notice = privacy_notice(lang, days, channel="sms") if config.sms.enabled else []
    return render(request, "public/privacy.html", page_context(
        request, lang, notice=privacy_notice(lang, days, channel="web"), telegram_notice=privacy_notice(lang, days),
        sms_notice=sms_notice, days=days))


def _back(form) -> str:
    """The page to go back to: only a path on this site, never another site."""
    back = str(form.get("back", "/"))
    parts = urlsplit(back)
    if parts.scheme or parts.netloc or not back.startswith("/") or back.startswith("//") or "\\" in back:
        return "/"
    return back


def _remember(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    response.set_cookie(name, value, max_age=YEAR_SECONDS, path="/", httponly=True, samesite="Lax",
                        secure=request.app[SERVICES].config.web.secure_cookies)


async def save_display(request: web.Request) -> web.StreamResponse:
    """Remembers large text / high contrast in a cookie and goes back to the page."""
    form = await request.post()
    chosen = [option for option in DISPLAY_OPTIONS if form.get(option)]
    response = web.HTTPSeeOther(_back(form))
    _remember(request, response, DISPLAY_COOKIE, " ".join(chosen))
    raise response


async def save_municipality(request: web.Request) -> web.StreamResponse:
    """Remembers the resident's municipality (for the urgent-warning banner) and goes back."""
    form = await request.post()
    municipality = form.get("kommun")
    response = web.HTTPSeeOther(_back(form))
    if municipality in MUNICIPALITIES:
        _remember(request, response, MUNICIPALITY_COOKIE, quote(str(municipality)))
    else:
        response.del_cookie(MUNICIPALITY_COOKIE, path="/")
    raise response


def setup_public_routes(app: web.Application) -> None:
    setup_question_limit(app)
    app[JINJA].filters["phone_links"] = phone_links
    app[JINJA].globals["answer_labels"] = labels
    app.router.add_get("/", chat_page)
    app.router.add_post("/", chat_submit)
    app.router.add_post("/svar", answer_fragment)
    app.router.add_post("/radera-mina-fragor", forget_my_questions)
    app.router.add_get("/amnen", topics_page)
    app.router.add_get("/amnen/{topic}", topic_page)
    app.router.add_get("/integritet", privacy_page)
    app.router.add_post("/visning", save_display)
    app.router.add_post("/kommun", save_municipality)
