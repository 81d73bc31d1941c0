"""Dashboard pages about the knowledge base: review dates, "try a question", unanswered questions."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.core.answering.explain import explain_match
from bot.core.matching.models import MAX_TAUGHT, OUT_OF_SCOPE
from bot.core.reporting.question_groups import group_similar
from bot.core.residents.redact import redact_personal_data
from bot.core.words import t
from bot.storage import audit
from bot.storage import statistics as stats
from bot.storage import taught as taught_store
from bot.storage.questions import TEXT_READER_ROLE
from bot.web.auth import require_role, signed_in, staff_context
from bot.web.keys import SERVICES
from bot.web.templating import render

MAX_TRY = 1000


@require_role("viewer")
async def knowledge_page(request: web.Request) -> web.Response:
    """Lists topics by review date (overdue first), the questions staff taught the bot and the "try a question" box."""
    services = request.app[SERVICES]
    kb = services.store.kb
    days = services.config.knowledge.review_days
    today = date.today()
    topics = sorted(kb.topics.values(), key=lambda t: (t.reviewed, t.id))
    rows = [(t, t.text("sv").title, t.is_overdue(today, days), (today - t.reviewed).days) for t in topics]
    question = request.query.get("fraga", "")[:MAX_TRY]
    explanation = explain_match(services.store.matcher, question) if question.strip() else None
    taught = await services.db.read(taught_store.list_taught)
    trained_on = set(services.store.loaded.taught)
    for item in taught:
        item["trained"] = any(t.text == item["text"] and t.topic == item["topic"] for t in trained_on)
    titles = {t.id: t.text("sv").title for t in topics}
    titles[OUT_OF_SCOPE] = t("sv", "staff.knowledge.out_of_scope")
    return render(request, "staff/knowledge.html", staff_context(
        request, rows=rows, review_days=days, question=question, explanation=explanation,
        titles=titles, taught=taught, today=today,
        overdue=sum(1 for r in rows if r[2]), expired=sum(1 for t in topics if t.is_expired(today)),
        problems=services.store.last_outcome.problems))


@require_role("viewer")
async def unanswered_page(request: web.Request) -> web.Response:
    """Shows the redacted questions the bot could not answer, grouped by similarity."""
    services = request.app[SERVICES]
    questions = await services.db.write(stats.unanswered_questions)
    groups = group_similar(questions)
    topics = sorted(((t.id, t.text("sv").title) for t in services.store.kb.topics.values()), key=lambda kv: kv[1])
    return render(request, "staff/unanswered.html", staff_context(
        request, groups=groups, topics=topics, total=len(questions), text_role=TEXT_READER_ROLE))


def _int(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise web.HTTPBadRequest(text=t("sv", "staff.refused.bad_number")) from None


def _ids(form) -> list[int]:
    ids = [_int(v) for v in str(form.get("ids", "")).split(",") if v.strip()]
    if not ids or len(ids) > 1000:
        raise web.HTTPBadRequest(text=t("sv", "staff.refused.none_chosen"))
    return ids


@require_role("editor")
async def mark_handled(request: web.Request) -> web.StreamResponse:
    """Marks a group of unanswered questions as handled."""
    session = await signed_in(request)
    ids = _ids(await request.post())
    db = request.app[SERVICES].db
    changed = await db.write(stats.mark_questions_handled, ids)
    await db.write(audit.record, session.member.username, "question.handled", "question", ids[0], count=changed, ids=ids)
    raise web.HTTPSeeOther("/staff/obesvarade?ok=hanterade")


@require_role("editor")
async def link_topic(request: web.Request) -> web.StreamResponse:
    """Links a group to a topic, or marks it as not about fraud (marking it handled), and teaches the bot if asked.

    Teaching stores the (checked, redacted again) text as training data: content kept apart from the
    question log, with no link to who asked. The answer models retrain at the next reload.
    """
    session = await signed_in(request)
    form = await request.post()
    ids = _ids(form)
    topic = str(form.get("topic", ""))
    services = request.app[SERVICES]
    if topic not in services.store.kb.topics and topic != OUT_OF_SCOPE:
        raise web.HTTPBadRequest(text=t("sv", "staff.refused.unknown_topic"))
    text = redact_personal_data(str(form.get("teach_text", "")).strip())
    if form.get("teach") and len(text) > MAX_TAUGHT:
        raise web.HTTPSeeOther("/staff/obesvarade?fel=for_lang")  # before anything is marked handled
    db = services.db
    changed = await db.write(stats.mark_questions_handled, ids)
    await db.write(audit.record, session.member.username, "question.link_topic", "question", ids[0], topic=topic, count=changed, ids=ids)
    if form.get("teach"):
        if not form.get("no_personal_data"):
            raise web.HTTPSeeOther("/staff/obesvarade?fel=kontrollera")
        if text:
            taught_id = await db.write(taught_store.add_taught, text, topic, session.member.username)
            if taught_id:
                await db.write(audit.record, session.member.username, "taught.add", "taught_question", taught_id, topic=topic)
    raise web.HTTPSeeOther("/staff/obesvarade?ok=hanterade")


@require_role("editor")
async def remove_taught(request: web.Request) -> web.StreamResponse:
    """Removes a taught question from the training data (the models retrain at the next reload)."""
    session = await signed_in(request)
    db = request.app[SERVICES].db
    removed = await db.write(taught_store.remove_taught, _int(request.match_info["id"]))
    if removed:
        await db.write(audit.record, session.member.username, "taught.remove", "taught_question", removed["id"], topic=removed["topic"])
    raise web.HTTPSeeOther("/staff/kunskap?ok=borttagen#lart")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/staff/kunskap", knowledge_page)
    app.router.add_get("/staff/obesvarade", unanswered_page)
    app.router.add_post("/staff/obesvarade/hanterad", mark_handled)
    app.router.add_post("/staff/obesvarade/koppla", link_topic)
    app.router.add_post("/staff/kunskap/lart/{id}/ta-bort", remove_taught)
