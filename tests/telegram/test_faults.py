"""The fault run's cases (issue 10, §5): groups, forged and stale buttons, reactions, unknown
commands and edited questions, through the real bot and the fake Bot API."""

from __future__ import annotations

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as alert_store
from tests.telegram.test_alerts_e2e import subscribe, wait_until
from tests.telegram.test_resident_journey import say

GROUP = -1009990001


async def answer_text(tg, chat, message_id, data, user_id=None) -> str | None:
    update_id = tg.callback(chat, message_id, data, user_id=user_id)
    (call,) = await tg.wait_for_call("answerCallbackQuery",
                                     lambda c: c.params.get("callback_query_id") == f"cbq-{update_id}")
    assert call.status == 200
    return call.params.get("text")


async def test_in_groups_only_commands_and_mentions_of_this_bot_are_answered(running):
    tg = running.tg
    other = "@annan_bot någon ringde från banken"
    tg.user_message(GROUP, other, chat_type="supergroup", entities=[{"type": "mention", "offset": 0, "length": 10}])
    tg.user_message(GROUP, "någon ringde från banken", chat_type="supergroup")
    tg.user_message(GROUP, "/start@annan_bot", chat_type="supergroup")
    ours = await say(tg, "@bedragerikollen_test_bot någon ringde från banken och ville ha mitt bankid", chat=GROUP,
                     chat_type="supergroup", entities=[{"type": "mention", "offset": 0, "length": 25}])
    assert "116 006" in ours.text
    help_reply = await say(tg, "/hjalp", chat=GROUP, chat_type="supergroup")
    assert "/kolla" in help_reply.text
    await tg.wait_for_call("getUpdates", count=3)
    assert len(tg.messages_to(GROUP)) == 2  # the other bot's mention and command got nothing


async def test_every_button_press_is_answered_also_forged_or_stale(running):
    tg = running.tg
    chat = 6100
    menu = await say(tg, "/amnen", chat=chat)
    forged = ["zz:1", "t:no-such-topic", "m:Stockholm", "m:Kramfors:xx", "s:maybe", "set:lang:de", "tg:nothing",
              "e:perhaps", "c:nope", "ses:v:ZZZZZZ:0:0", "ses:zz", "ses:new:no-such-scenario:1", "ar:abc",
              "ar:99:got", "aa:x", "", "f:x:9"]
    for data in forged:
        text = await answer_text(tg, chat, menu.message_id, data)
        assert text and ("gäller inte längre" in text or "finns inte längre" in text), (data, text)
    draft = await answer_text(tg, chat, menu.message_id, "av:sev:urgent")
    assert "Det finns inget utkast" in draft
    assert len(tg.messages_to(chat)) == 1  # nothing was sent for any of them


async def test_a_reaction_counts_only_from_a_resident_who_got_the_warning_once(running):
    tg = running.tg
    db = running.services.db
    await subscribe(db, [6201], "Kramfors")
    anna, _ = await db.write(staff_core.create_staff, "anna", "editor")
    bo, _ = await db.write(staff_core.create_staff, "bo", "approver")
    alert = await db.write(workflow.create, anna, title="Falska elbolag", text="Lägg på.", severity="urgent")
    await db.write(workflow.approve, bo, alert.id)
    (warning,) = await tg.wait_for_sent(lambda m: m.chat_id == 6201 and "elbolag" in m.text, timeout=30)
    assert "Tack" in await answer_text(tg, 6201, warning.message_id, f"ar:{alert.id}:got")
    assert "redan" in await answer_text(tg, 6201, warning.message_id, f"ar:{alert.id}:got")
    # someone who never got it (a forged press on another message) is not counted
    elsewhere = await say(tg, "/hjalp", chat=6202)
    assert "gäller inte längre" in await answer_text(tg, 6202, elsewhere.message_id, f"ar:{alert.id}:got")
    assert alert_store.reaction_counts(db.db, alert.id) == {"got_it_too": 1}


async def test_an_unknown_command_in_a_private_chat_gets_the_help_text(running):
    tg = running.tg
    reply = await say(tg, "/vadgörjag", chat=6300)
    assert "/kolla" in reply.text and "/prenumerera" in reply.text
    reply = await say(tg, "/start@bedragerikollen_test_bot", chat=6300)
    assert "Vilken kommun" in reply.text


async def test_an_edited_question_edits_the_earlier_answer(running):
    tg = running.tg
    chat = 6400
    first = await say(tg, "någon ringde och sa att han var från banken", chat=chat)
    question_id = first.message_id - 1  # message ids count up per chat: the question came just before
    assert tg.message(chat, question_id)["text"].startswith("någon ringde")
    before_sent, before_edits = len(tg.sent), len(tg.edits)
    tg.edit_user_message(chat, question_id, "någon ringde och sa att han var polis och ville hämta mina smycken")
    (edit,) = await tg.wait_for_edit(lambda e: e.chat_id == chat, after=before_edits)
    assert edit.message_id == first.message_id
    assert "polis" in tg.message(chat, first.message_id)["text"].lower()
    assert len(tg.sent) == before_sent  # no second answer


async def test_an_edit_of_a_command_or_report_is_not_answered_again(running):
    tg = running.tg
    chat = 6500
    await say(tg, "/hjalp", chat=chat)
    await say(tg, "/anmal", chat=chat)
    await say(tg, "jag fick ett sms om ett paket", chat=chat)  # the report
    before_sent, before_edits = len(tg.sent), len(tg.edits)
    tg.edit_user_message(chat, 1, "/amnen")
    tg.edit_user_message(chat, 5, "jag fick ett sms om ett paket från postnord")
    await say(tg, "/hjalp", chat=chat)  # answered after the two edits were taken in
    await wait_until(lambda: not tg.pending, timeout=10)
    assert len(tg.sent) == before_sent + 1 and len(tg.edits) == before_edits
