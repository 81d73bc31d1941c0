"""End to end: a facilitator and three members run a guided session in a Telegram group, and a
resident practises alone and gets the refreshers weeks later, through the fake Bot API."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.sessions.loader import load_scenarios
from bot.host.app import TELEGRAM_APP
from bot.telegram.sessions import guided_sessions, send_due_refreshers
from tests.core.test_sessions_loader import SCENARIOS

GROUP = -1007310009999
LEAD = 731000001
MEMBERS = (731000002, 731000003, 731000004)


def datas(message) -> list[str]:
    return [b["callback_data"] for b in message.buttons if "callback_data" in b]


async def press(tg, chat, message, data, user) -> str | None:
    """Press a button as `user`; returns the text of the callback answer."""
    update_id = tg.callback(chat, message.message_id, data, user_id=user)
    query_id = f"cbq-{update_id}"
    (call,) = await tg.wait_for_call("answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query_id)
    return call.params.get("text")


async def press_and_wait(tg, chat, message, data, user, count=1):
    before = len(tg.sent)
    await press(tg, chat, message, data, user)
    return await tg.wait_for_sent(lambda m: m.chat_id == chat, count=count, after=before)


class Shown:
    """A message as it stands after edits: plain text and buttons."""

    def __init__(self, tg, chat, message_id):
        stored = tg.message(chat, message_id)
        self.message_id = message_id
        self.plain_text = stored["text"]
        rows = (stored.get("reply_markup") or {}).get("inline_keyboard", [])
        self.buttons = [b for row in rows for b in row]


async def press_and_edit(tg, chat, message, data, user) -> Shown:
    """Press a button whose outcome is written into the same message; returns that message now."""
    before = len(tg.edits)
    await press(tg, chat, message, data, user)
    await tg.wait_for_edit(lambda e: e.chat_id == chat and e.message_id == message.message_id, after=before)
    return Shown(tg, chat, message.message_id)


async def test_group_session_with_facilitator_and_three_members(running):
    tg = running.tg
    scenario = load_scenarios(SCENARIOS)["parcel-fee-sms"]
    before = len(tg.sent)
    tg.user_message(GROUP, "/session", user_id=LEAD, chat_type="supergroup", first_name="Ledaren")
    (menu,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    assert f"ses:new:parcel-fee-sms:{LEAD}" in datas(menu)
    # only the one who asked for the menu picks (and so leads)
    assert "Bara den som skrev /session" in await press(tg, GROUP, menu, f"ses:new:parcel-fee-sms:{LEAD}", MEMBERS[0])

    # the menu becomes the introduction with the first question: one message, nothing can come between
    confidence = await press_and_edit(tg, GROUP, menu, f"ses:new:parcel-fee-sms:{LEAD}", LEAD)
    assert scenario.title in confidence.plain_text and "/delta" in confidence.plain_text
    assert scenario.confidence_question in confidence.plain_text
    code = datas(confidence)[0].split(":")[2]
    assert f"ses:c:{code}:b:1" in datas(confidence) and f"ses:n:{code}:b0" in datas(confidence)
    notes = await tg.wait_for_sent(lambda m: m.chat_id == LEAD)
    assert "Ledaranteckningar" in notes[0].plain_text and code in notes[0].plain_text

    for member, sure in zip(MEMBERS, (2, 3, 3)):
        assert await press(tg, GROUP, confidence, f"ses:c:{code}:b:{sure}", member) == f"Tack! Du svarade {sure}."
    assert "Bara ledaren" in await press(tg, GROUP, confidence, f"ses:n:{code}:b0", MEMBERS[0])
    (step,) = await press_and_wait(tg, GROUP, confidence, f"ses:n:{code}:b0", LEAD)
    # a second tap on the same button (or an older message's) does not skip a step
    assert "gäller inte längre" in await press(tg, GROUP, confidence, f"ses:n:{code}:b0", LEAD)
    assert step.plain_text.startswith("Steg 1 av 5") and scenario.steps[0].question in step.plain_text

    # votes, one changed before the reveal
    assert "Du valde A" in await press(tg, GROUP, step, f"ses:v:{code}:0:0", MEMBERS[0])
    assert await press(tg, GROUP, step, f"ses:v:{code}:0:2", MEMBERS[0]) == "Ändrat till C."
    await press(tg, GROUP, step, f"ses:v:{code}:0:2", MEMBERS[1])
    await press(tg, GROUP, step, f"ses:v:{code}:0:1", MEMBERS[2])
    # a member cannot reveal
    sent_before = len(tg.sent)
    assert "Bara ledaren" in await press(tg, GROUP, step, f"ses:r:{code}:q0", MEMBERS[1])
    assert len(tg.sent) == sent_before
    # the answer is written under the question, in the same message
    reveal = await press_and_edit(tg, GROUP, step, f"ses:r:{code}:q0", LEAD)
    assert len(tg.sent) == sent_before
    assert scenario.steps[0].question in reveal.plain_text and "Så svarade gruppen (3 svar)" in reveal.plain_text
    assert "▫️ A: 0" in reveal.plain_text and "▫️ B: 1" in reveal.plain_text and "✅ C: 2" in reveal.plain_text
    assert scenario.steps[0].discussion in reveal.plain_text and "Varför?" in reveal.plain_text
    assert datas(reveal) == [f"ses:n:{code}:r0"]
    # too late to vote: refused, and nothing changes
    assert "redan visat" in await press(tg, GROUP, step, f"ses:v:{code}:0:0", MEMBERS[2])

    message = reveal
    for index in range(1, len(scenario.steps)):
        (step,) = await press_and_wait(tg, GROUP, message, f"ses:n:{code}:r{index - 1}", LEAD)
        assert step.plain_text.startswith(f"Steg {index + 1} av 5")
        safe = scenario.steps[index].safe_options[0]
        for member in MEMBERS:
            await press(tg, GROUP, step, f"ses:v:{code}:{index}:{safe}", member)
        message = await press_and_edit(tg, GROUP, step, f"ses:r:{code}:q{index}", LEAD)
        assert f"✅ {'ABCD'[safe]}: 3" in message.plain_text
    (closing,) = await press_and_wait(tg, GROUP, message, f"ses:n:{code}:r4", LEAD)
    assert scenario.confidence_after in closing.plain_text
    for member, sure in zip(MEMBERS, (4, 5, 5)):
        await press(tg, GROUP, closing, f"ses:c:{code}:a:{sure}", member)
    (summary,) = await press_and_wait(tg, GROUP, closing, f"ses:n:{code}:a4", LEAD)
    text = summary.plain_text
    assert "Deltagare: 3" in text and "Steg 1: 2 av 3 valde det säkra" in text and "Steg 5: 3 av 3" in text
    assert "före 2,7, efter 4,7" in text
    assert "Läs mer om" in text and "/prenumerera" in text
    assert datas(summary) == [f"ses:f:{code}"]
    assert "avslutad" in await press(tg, GROUP, summary, f"ses:n:{code}:a4", LEAD)

    # results: figures only
    ((participants, answers, conf_before, conf_after, finished),) = running.rows(
        "SELECT participants, answers, confidence_before, confidence_after, finished FROM session_results")
    assert (participants, finished) == (3, 1)
    assert '"fee-sms": [0, 1, 2]' in answers
    assert conf_before == "[0, 1, 2, 0, 0]" and conf_after == "[0, 0, 0, 1, 2]"
    # no user id or chat id anywhere in the database
    ids = {str(i) for i in (GROUP, LEAD, *MEMBERS)} | {str(abs(GROUP))}
    leftovers = []
    for (table,) in running.rows("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in running.rows(f"SELECT * FROM [{table}]"):
            for value in row:
                if any(i in str(value) for i in ids):
                    leftovers.append((table, value))
    assert leftovers == []


async def test_only_buttons_of_the_current_step_count(running):
    tg = running.tg
    before = len(tg.sent)
    tg.user_message(GROUP, "/session", user_id=LEAD, chat_type="supergroup")
    (menu,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    confidence = await press_and_edit(tg, GROUP, menu, f"ses:new:hej-mamma-new-number:{LEAD}", LEAD)
    code = datas(confidence)[0].split(":")[2]
    (step,) = await press_and_wait(tg, GROUP, confidence, f"ses:n:{code}:b0", LEAD)
    assert "inte öppen" in await press(tg, GROUP, step, f"ses:v:{code}:3:0", MEMBERS[0])
    assert "inte längre" in await press(tg, GROUP, step, "ses:v:ZZZZZZ:0:0", MEMBERS[0])


@pytest.mark.slow
async def test_practise_alone_then_refreshers_after_two_and_six_weeks(running):
    tg = running.tg
    chat = 731000077
    scenario = load_scenarios(SCENARIOS)["ai-voice-grandchild"]
    before = len(tg.sent)
    tg.user_message(chat, "/ova")
    (menu,) = await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before)
    confidence = await press_and_edit(tg, chat, menu, f"ses:ova:ai-voice-grandchild:{chat}", chat)
    code = datas(confidence)[0].split(":")[2]
    assert len(datas(confidence)) == 5  # 1-5, no facilitator button when alone
    step = await press_and_edit(tg, chat, confidence, f"ses:c:{code}:b:2", chat)
    for index in range(len(scenario.steps)):
        assert step.plain_text.startswith(f"Steg {index + 1} av {len(scenario.steps)}")
        wrong = next(i for i, o in enumerate(scenario.steps[index].options) if not o.safe)
        feedback = await press_and_edit(tg, chat, step, f"ses:v:{code}:{index}:{wrong}", chat)
        assert "Inte det säkraste valet" in feedback.plain_text
        assert scenario.steps[index].options[wrong].feedback in feedback.plain_text
        (step,) = await press_and_wait(tg, chat, feedback, f"ses:n:{code}:r{index}", chat)
    summary = await press_and_edit(tg, chat, step, f"ses:c:{code}:a:4", chat)
    assert "Klart!" in summary.plain_text and "värt att läsa om igen" in summary.plain_text
    answer = await press(tg, chat, summary, f"ses:f:{code}", chat)
    assert "2 och 6 veckor" in answer
    assert [r[0] for r in running.rows("SELECT chat_id FROM session_followups")] == [chat, chat]

    application = running.client.server.app[TELEGRAM_APP]
    guided = guided_sessions(application.bot_data)
    now = datetime.now(timezone.utc)
    assert await send_due_refreshers(application.bot, guided, now + timedelta(days=13)) == 0
    before = len(tg.sent)
    assert await send_due_refreshers(application.bot, guided, now + timedelta(days=15)) == 1
    (refresher,) = await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before)
    assert "två veckor" in refresher.plain_text and scenario.refresher.question in refresher.plain_text
    safe = next(i for i, o in enumerate(scenario.refresher.options) if o.safe)
    reply = await press_and_edit(tg, chat, refresher, f"ses:q:ai-voice-grandchild:1:{safe}", chat)
    assert "Rätt!" in reply.plain_text and scenario.refresher.question in reply.plain_text
    assert running.rows("SELECT scenario_id, round, safe FROM refresher_answers") == [("ai-voice-grandchild", 1, 1)]
    assert running.rows("SELECT round FROM session_followups") == [(2,)]

    # /glom takes the six-week refresher (and with it the chat id) away
    before = len(tg.sent)
    tg.user_message(chat, "/glom")
    (confirm,) = await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before)
    await press_and_edit(tg, chat, confirm, "e:yes", chat)
    assert running.rows("SELECT * FROM session_followups") == []
    assert await send_due_refreshers(application.bot, guided, now + timedelta(days=60)) == 0


async def test_a_blocked_chat_gives_up_its_refresher(running):
    application = running.client.server.app[TELEGRAM_APP]
    guided = guided_sessions(application.bot_data)
    now = datetime.now(timezone.utc)
    await guided.followups.opt_in(731000088, "parcel-fee-sms", now=now)
    running.tg.block_chat(731000088)
    assert await send_due_refreshers(application.bot, guided, now + timedelta(days=50)) == 0
    assert running.rows("SELECT * FROM session_followups") == []


async def test_session_commands_point_to_the_right_chat(running):
    tg = running.tg
    before = len(tg.sent)
    tg.user_message(731000099, "/session")
    (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == 731000099, after=before)
    assert "/ova" in reply.plain_text
    before = len(tg.sent)
    tg.user_message(GROUP, "/ova", user_id=LEAD, chat_type="supergroup")
    (reply,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    assert "privat chatt" in reply.plain_text


async def test_a_phone_without_telegram_joins_the_group_session(running):
    import re

    tg, web = running.tg, running.client
    before = len(tg.sent)
    tg.user_message(GROUP, "/session", user_id=LEAD, chat_type="supergroup")
    (menu,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    confidence = await press_and_edit(tg, GROUP, menu, f"ses:new:parcel-fee-sms:{LEAD}", LEAD)
    code = datas(confidence)[0].split(":")[2]
    assert code in confidence.plain_text

    page = await (await web.get("/delta")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    joined = await web.post("/delta", data={"code": code, "csrf_token": token}, allow_redirects=False)
    assert joined.status == 303
    (step,) = await press_and_wait(tg, GROUP, confidence, f"ses:n:{code}:b0", LEAD)
    await press(tg, GROUP, step, f"ses:v:{code}:0:2", MEMBERS[0])
    resp = await web.post(f"/delta/{code}/svar", data={"step": "0", "option": "1", "csrf_token": token}, allow_redirects=False)
    assert resp.status == 303
    reveal = await press_and_edit(tg, GROUP, step, f"ses:r:{code}:q0", LEAD)
    assert "(2 svar)" in reveal.plain_text and "▫️ B: 1" in reveal.plain_text and "✅ C: 1" in reveal.plain_text
    state = await (await web.get(f"/session/{code}/state.json")).json()
    assert state["phase"] == "revealed" and state["mine"] == 1 and state["facilitator"] is False


async def test_the_six_week_refresher_answers_with_its_own_question(running):
    """Round 2 asks another question than round 1; its answer gets round 2's feedback (once round 1's)."""
    tg = running.tg
    chat = 731000078
    scenario = load_scenarios(SCENARIOS)["bank-security-call"]
    second = scenario.refresher_for(2)
    assert second.question != scenario.refresher_for(1).question and len(second.options) > len(scenario.refresher_for(1).options)
    application = running.client.server.app[TELEGRAM_APP]
    guided = guided_sessions(application.bot_data)
    now = datetime.now(timezone.utc)
    assert await guided.followups.opt_in(chat, "bank-security-call", now)
    assert await send_due_refreshers(application.bot, guided, now + timedelta(days=15)) == 1
    before = len(tg.sent)
    assert await send_due_refreshers(application.bot, guided, now + timedelta(days=43)) == 1
    (refresher,) = await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before)
    assert second.question in refresher.plain_text
    last = len(second.options) - 1  # an option round 1 does not have
    reply = await press_and_edit(tg, chat, refresher, f"ses:q:bank-security-call:2:{last}", chat)
    assert second.options[last].feedback in reply.plain_text


async def test_session_fortsatt_reposts_the_current_step(running):
    tg = running.tg
    before = len(tg.sent)
    tg.user_message(GROUP, "/session", user_id=LEAD, chat_type="supergroup")
    (menu,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    assert "/session fortsätt" in menu.plain_text
    confidence = await press_and_edit(tg, GROUP, menu, f"ses:new:parcel-fee-sms:{LEAD}", LEAD)
    code = datas(confidence)[0].split(":")[2]
    (step,) = await press_and_wait(tg, GROUP, confidence, f"ses:n:{code}:b0", LEAD)
    # the step's message got lost for the group: anyone can bring it back, with working buttons
    before = len(tg.sent)
    tg.user_message(GROUP, "/session fortsätt", user_id=MEMBERS[0], chat_type="supergroup")
    (again,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    assert again.plain_text == step.plain_text and datas(again) == datas(step)
    assert "Du valde B" in await press(tg, GROUP, again, f"ses:v:{code}:0:1", MEMBERS[0])
    revealed = await press_and_edit(tg, GROUP, again, f"ses:r:{code}:q0", LEAD)
    before = len(tg.sent)
    tg.user_message(GROUP, "/session fortsatt", user_id=LEAD, chat_type="supergroup")
    (again,) = await tg.wait_for_sent(lambda m: m.chat_id == GROUP, after=before)
    assert again.plain_text == revealed.plain_text and datas(again) == [f"ses:n:{code}:r0"]
    before = len(tg.sent)
    tg.user_message(-100123, "/session fortsätt", user_id=LEAD, chat_type="supergroup")
    (none,) = await tg.wait_for_sent(lambda m: m.chat_id == -100123, after=before)
    assert "Ingen session pågår" in none.plain_text


@pytest.mark.slow
async def test_twenty_groups_with_ten_voters_finish_under_telegrams_limits(running):
    """Telegram's flood limits on: every group's every step arrives with its buttons, nothing is
    dropped, and no group gets stuck."""
    import asyncio

    tg = running.tg
    tg.telegram_limits()
    scenario = load_scenarios(SCENARIOS)["ai-voice-grandchild"]

    async def one_group(n: int) -> str:
        group, lead = -1007310100000 - n, 731100000 + n * 100
        voters = [lead + 1 + v for v in range(10)]
        before = len(tg.sent)
        tg.user_message(group, "/session", user_id=lead, chat_type="supergroup")
        (menu,) = await tg.wait_for_sent(lambda m: m.chat_id == group, after=before, timeout=120)
        message = await press_and_edit(tg, group, menu, f"ses:new:ai-voice-grandchild:{lead}", lead)
        code = datas(message)[0].split(":")[2]
        for voter in voters:
            await press(tg, group, message, f"ses:c:{code}:b:3", voter)
        marker = "b0"
        for index in range(len(scenario.steps)):
            (step,) = await wait_step(tg, group, message, f"ses:n:{code}:{marker}", lead)
            assert step.plain_text.startswith(f"Steg {index + 1} av {len(scenario.steps)}")
            for voter in voters:
                await press(tg, group, step, f"ses:v:{code}:{index}:{voter % 2}", voter)
            message = await press_and_edit(tg, group, step, f"ses:r:{code}:q{index}", lead)
            assert "(10 svar)" in message.plain_text
            marker = f"r{index}"
        (closing,) = await wait_step(tg, group, message, f"ses:n:{code}:{marker}", lead)
        (summary,) = await wait_step(tg, group, closing, f"ses:n:{code}:a{len(scenario.steps) - 1}", lead)
        return summary.plain_text

    async def wait_step(tg, chat, message, data, user):
        before = len(tg.sent)
        await press(tg, chat, message, data, user)
        return await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before, timeout=120)

    summaries = await asyncio.gather(*(one_group(n) for n in range(20)))
    assert all("Klart!" in s and "Deltagare: 10" in s for s in summaries)
    assert running.rows("SELECT COUNT(*), SUM(finished), SUM(participants) FROM session_results") == [(20, 20, 200)]
    assert tg.flood_429s_by["group"] == 0 and tg.flood_429s_by["chat"] == 0
