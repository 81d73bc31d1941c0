"""/tipsa in Telegram: an anonymous tip about welfare crime, with no chat id or user key kept."""

from __future__ import annotations

from tests.telegram.test_resident_journey import say


async def test_a_tip_in_telegram_is_kept_without_chat_id_or_user_key(running):
    tg = running.tg
    prompt = await say(tg, "/tipsa", chat=7171)
    assert "anonymt" in prompt.plain_text
    thanks = await say(tg, "Ett företag i Sollefteå har anställda på papperet som aldrig jobbar där, sedan 2025.", chat=7171)
    assert "Tipset är sparat anonymt" in thanks.plain_text
    rows = running.rows("SELECT * FROM welfare_tips")
    assert len(rows) == 1
    flat = " ".join(str(v) for v in rows[0])
    assert "7171" not in flat and running.services.hash_key not in flat
    await running.services.assistant.flush()  # a question would be logged after the answer
    assert not running.rows("SELECT * FROM questions WHERE text LIKE '%anställda på papperet%'")  # not a question either


async def test_a_tip_over_the_limit_is_refused_with_the_limit_not_cut(running):
    from bot.core.residents.tips import MAX_TIP

    tg = running.tg
    await say(tg, "/tipsa", chat=7172)
    refusal = await say(tg, "Grannen får ersättning för timmar som ingen arbetar. " * 45, chat=7172)
    assert f"högst {MAX_TIP} tecken" in refusal.plain_text
    assert running.rows("SELECT * FROM welfare_tips") == []
