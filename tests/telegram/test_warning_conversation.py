"""/ny_varning as a ConversationHandler: each step in order, the core's limits refuse instead of cutting,
/avbryt ends it at any step, and its buttons do nothing once it has ended."""

from __future__ import annotations

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as alert_store

EDITOR = 521


async def _said(tg, text: str) -> str:
    before = len(tg.sent)
    tg.user_message(EDITOR, text, user_id=EDITOR)
    (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == EDITOR, after=before)
    return reply.text


async def _linked_editor(running) -> None:
    await running.tg.wait_for_call("getUpdates")
    anna, _ = await running.services.db.write(staff_core.create_staff, "anna", "editor")
    code = await running.services.db.write(staff_core.create_link_code, anna)
    assert "Kopplat" in await _said(running.tg, f"/koppla {code}")


async def test_a_too_long_title_or_text_is_refused_with_the_limit_and_asked_for_again(running):
    tg = running.tg
    await _linked_editor(running)
    assert f"högst {workflow.MAX_TITLE} tecken" in await _said(tg, "/ny_varning")
    long_title = "Falska poliser " * 10  # 150 characters, over the limit
    refusal = await _said(tg, long_title)
    assert f"{len(long_title.strip())} tecken" in refusal and f"högst {workflow.MAX_TITLE}" in refusal
    assert "Skriv texten" in await _said(tg, "Falska poliser ringer")
    too_long = "Lägg på. " * 200
    assert f"högst {workflow.MAX_TEXT}" in await _said(tg, too_long)
    preview = await _said(tg, "Polisen hämtar aldrig kort. Lägg på.")
    assert "Förhandsvisning" in preview and "Falska poliser ringer" in preview and "Lägg på. Lägg på." not in preview


async def test_avbryt_ends_the_draft_and_its_buttons_no_longer_work(running):
    tg = running.tg
    await _linked_editor(running)
    await _said(tg, "/ny_varning")
    await _said(tg, "Falska elbolag")
    before = len(tg.sent)
    tg.user_message(EDITOR, "Lägg på.", user_id=EDITOR)
    (preview,) = await tg.wait_for_sent(lambda m: m.chat_id == EDITOR, after=before)
    assert "Avbrutet" in await _said(tg, "avbryt")
    tg.callback(EDITOR, preview.message_id, "av:submit", user_id=EDITOR)
    call = await tg.wait_for_call("answerCallbackQuery", lambda c: "inget utkast" in (c.params.get("text") or ""))
    assert call is not None
    assert alert_store.list_alerts(running.services.db.db) == []
    # after the end, plain text is a resident's question again, not a title
    assert "Skriv texten" not in await _said(tg, "Falska poliser ringer")


async def test_only_a_linked_editor_can_start_a_draft(running):
    tg = running.tg
    await tg.wait_for_call("getUpdates")
    assert "bara för kopplad personal" in await _said(tg, "/ny_varning")
    assert "Skriv texten" not in await _said(tg, "Falska poliser ringer")  # no conversation was started
