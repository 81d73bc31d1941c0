"""Dashboard pages about the knowledge base: review dates, "try a question", unanswered questions."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.core.match_explain import explain_match
from bot.core.question_groups import group_similar
from bot.storage import audit
from bot.storage import statistics as stats
from bot.storage import web_sessions as suggestions
from bot.web.auth import current_session, require_role, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render

MAX_TRY = 1000


@require_role("viewer")
async def knowledge_page(request: web.Request) -> web.Response:
    """Lists topics by review date (overdue first), open phrase suggestions and the "try a question" box."""
    services = request.app[SERVICES]
    kb = services.store.kb
    days = services.config.knowledge.review_days
    today = date.today()
    topics = sorted(kb.topics.values(), key=lambda t: (t.reviewed, t.id))
    rows = [(t, t.text("sv").title, t.is_overdue(today, days), (today - t.reviewed).days) for t in topics]
    question = request.query.get("fraga", "")[:MAX_TRY]
    explanation = explain_match(services.store.matcher, question) if question.strip() else None
    open_suggestions = await services.db.run(suggestions.open_phrase_suggestions)
    return render(request, "staff/knowledge.html", staff_context(
        request, rows=rows, review_days=days, question=question, explanation=explanation,
        suggestions=open_suggestions, titles={t.id: t.text("sv").title for t in topics},
        overdue=sum(1 for r in rows if r[2]), problems=services.store.last_outcome.problems))


@require_role("editor")
async def close_suggestion(request: web.Request) -> web.StreamResponse:
    """Marks a phrase suggestion as copied into the knowledge file (or rejected)."""
    session = await current_session(request)
    suggestion_id = _int(request.match_info["id"])
    db = request.app[SERVICES].db
    if await db.run(suggestions.close_phrase_suggestion, suggestion_id, session.member.username):
        await db.run(audit.record, session.member.username, "phrase.close", "phrase_suggestion", suggestion_id)
    raise web.HTTPSeeOther("/staff/kunskap#forslag")


@require_role("viewer")
async def unanswered_page(request: web.Request) -> web.Response:
    """Shows the redacted questions the bot could not answer, grouped by similarity."""
    services = request.app[SERVICES]
    questions = await services.db.run(stats.unanswered_questions)
    groups = group_similar(questions)
    topics = sorted(((t.id, t.text("sv").title) for t in services.store.kb.topics.values()), key=lambda kv: kv[1])
    return render(request, "staff/unanswered.html", staff_context(
        request, groups=groups, topics=topics, total=len(questions)))


def _int(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise web.HTTPBadRequest(text="Ogiltigt nummer.") from None


def _ids(form) -> list[int]:
    ids = [_int(v) for v in str(form.get("ids", "")).split(",") if v.strip()]
    if not ids or len(ids) > 1000:
        raise web.HTTPBadRequest(text="Inga frågor valda.")
    return ids


@require_role("editor")
async def mark_handled(request: web.Request) -> web.StreamResponse:
    """Marks a group of unanswered questions as handled."""
    session = await current_session(request)
    ids = _ids(await request.post())
    db = request.app[SERVICES].db
    changed = await db.run(stats.mark_questions_handled, ids)
    await db.run(audit.record, session.member.username, "question.handled", "question", ids[0], count=changed, ids=ids)
    raise web.HTTPSeeOther("/staff/obesvarade?ok=hanterade")


@require_role("editor")
async def link_topic(request: web.Request) -> web.StreamResponse:
    """Links a group to a topic (marking it handled) and, if asked, suggests its example as a phrase."""
    session = await current_session(request)
    form = await request.post()
    ids = _ids(form)
    topic = str(form.get("topic", ""))
    services = request.app[SERVICES]
    if topic not in services.store.kb.topics:
        raise web.HTTPBadRequest(text="Välj ett ämne som finns.")
    db = services.db
    changed = await db.run(stats.mark_questions_handled, ids)
    await db.run(audit.record, session.member.username, "question.link_topic", "question", ids[0], topic=topic, count=changed, ids=ids)
    if form.get("add_phrase"):
        found = await db.run(stats.question_text, ids[0])
        if found:
            text, lang = found
            suggestion_id = await db.run(suggestions.add_phrase_suggestion, topic, text, lang, ids[0], session.member.username)
            await db.run(audit.record, session.member.username, "phrase.suggest", "phrase_suggestion", suggestion_id, topic=topic)
    raise web.HTTPSeeOther("/staff/obesvarade?ok=hanterade")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/staff/kunskap", knowledge_page)
    app.router.add_post("/staff/kunskap/forslag/{id}/klar", close_suggestion)
    app.router.add_get("/staff/obesvarade", unanswered_page)
    app.router.add_post("/staff/obesvarade/hanterad", mark_handled)
    app.router.add_post("/staff/obesvarade/koppla", link_topic)
