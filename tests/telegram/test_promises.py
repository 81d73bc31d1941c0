"""Warnings reach everyone as promised (issue 10, §6): urgent ones reach digest readers at once,
digests are split at safe points, staff hear when a warning will go, status never claims 100 % of
nothing, and the /ny_varning preview shows what is chosen."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from bot.cli.main import cli
from bot.core.alerts import workflow
from bot.core.alerts.dispatch import QuietHours, clock_words, queue_digests
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as alert_store
from bot.storage import residents
from bot.storage.alert_model import SENT
from bot.storage.db import open_database
from bot.telegram.alert_sender import digest_messages, render_alert
from tests.fakes import FakeTelegram
from tests.fakes.telegram_api import parse_telegram_html
from tests.telegram.conftest import start_service
from tests.telegram.test_alerts_e2e import editor_and_approver, subscribe, wait_until

ZONE = ZoneInfo("Europe/Stockholm")


async def digest_reader_and_staff(db, chat: int, municipality: str):
    """A resident who chose the weekly digest, and an editor and an approver."""
    await subscribe(db, [chat], municipality)
    await db.write(residents.update_subscription, chat, delivery="digest")
    return await editor_and_approver(db)


async def test_an_urgent_warning_reaches_weekly_digest_readers_at_once(running):
    tg = running.tg
    db = running.services.db
    anna, bo = await digest_reader_and_staff(db, 7001, "Sollefteå")
    urgent = await db.write(workflow.create, anna, title="Falska poliser vid dörren", text="Öppna inte.", severity="urgent")
    await db.write(workflow.approve, bo, urgent.id)
    (message,) = await tg.wait_for_sent(lambda m: m.chat_id == 7001, timeout=30)
    assert "Falska poliser vid dörren" in message.text
    await wait_until(lambda: alert_store.get_alert(db.db, urgent.id).state == SENT)
    assert alert_store.counts(db.db, urgent.id) == {"sent": 1}


def five_long_warnings(db, author, approver, sent_at) -> list:
    alerts = []
    for n in range(5):
        text = " ".join(f"Mening {i} om bedrägeri nummer {n} & hur du skyddar dig <viktigt>." for i in range(24))[:1500]
        alert = workflow.create(db, author, title=f"Varning {n}: falska samtal", text=text, severity="warning")
        workflow.approve(db, approver, alert.id)
        alert_store.set_state(db, alert.id, SENT, sent_at + timedelta(hours=n), sent=True)
        alerts.append(alert_store.get_alert(db, alert.id))
    return alerts


def test_a_digest_is_split_between_whole_warnings_and_keeps_them_all(tmp_path):
    db = open_database(tmp_path / "d.db")
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    bo, _ = staff_core.create_staff(db, "bo", "approver")
    alerts = five_long_warnings(db, anna, bo, datetime(2026, 11, 24, 10, tzinfo=timezone.utc))
    messages = digest_messages("2026-W48", alerts, "sv")
    assert len(messages) >= 3  # five warnings of 1,500 characters do not fit in one message
    blocks = [render_alert(a, "sv") for a in alerts]
    joined = "\n\n".join(messages)
    assert all(block in joined for block in blocks)  # every warning whole, none cut
    for message in messages:
        assert len(message) <= 4096
        assert message.endswith(blocks[0].rsplit("\n", 1)[1])  # ends with a warning's last line
        parse_telegram_html(message)  # valid Telegram HTML: no tag or entity split


async def test_a_long_digest_arrives_in_several_messages(running):
    tg = running.tg
    db = running.services.db
    anna, bo = await digest_reader_and_staff(db, 7101, "Kramfors")
    monday = datetime(2026, 11, 30, 9, 30, tzinfo=ZONE)
    await db.write(five_long_warnings, anna, bo, (monday - timedelta(days=6)).astimezone(timezone.utc))
    assert await db.write(queue_digests, ZONE, now=monday) == 1
    parts = await tg.wait_for_sent(lambda m: m.chat_id == 7101, count=3, timeout=30)
    text = "\n".join(p.plain_text for p in parts)
    assert all(f"Varning {n}: falska samtal" in text for n in range(5))
    assert "Veckans varningar (2026-W48)" in parts[0].plain_text


async def test_approving_in_quiet_hours_says_when_it_will_go(tmp_path):
    now = datetime.now(ZONE)
    start, end = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0), (now + timedelta(hours=2)).time()
    end = time(end.hour, end.minute)
    async with FakeTelegram() as tg:
        service = await start_service(tmp_path, tg, alerts={"quiet_start": start, "quiet_end": end})
        try:
            db = service.services.db
            await tg.wait_for_call("getUpdates")
            anna, _ = await db.write(staff_core.create_staff, "anna", "editor")
            bo, _ = await db.write(staff_core.create_staff, "bo", "approver")
            code = await db.write(staff_core.create_link_code, bo)
            tg.user_message(502, f"/koppla {code}", user_id=502)
            await tg.wait_for_sent(lambda m: m.chat_id == 502)
            alert = await db.write(workflow.create, anna, title="Bluff om elpris", text="Ring inte upp.", severity="warning")
            before = len(tg.sent)
            tg.user_message(502, "/hjalp", user_id=502)  # any message the approve button can sit on
            (message,) = await tg.wait_for_sent(lambda m: m.chat_id == 502, after=before)
            edits = len(tg.edits)
            tg.callback(502, message.message_id, f"aa:{alert.id}", user_id=502)
            await tg.wait_for_edit(lambda e: e.chat_id == 502, after=edits)
            quiet = QuietHours(start, end, ZONE)
            expected = f"godkänd av bo, skickas {clock_words(quiet.next_end(datetime.now(timezone.utc)), ZONE)}."
            assert expected in tg.message(502, message.message_id)["text"]
            assert "skickas nu" not in tg.message(502, message.message_id)["text"]
        finally:
            await service.client.close()
            service.services.close()


def test_status_of_a_warning_not_started_never_says_100_percent(tmp_path, monkeypatch):
    db_path = tmp_path / "d.db"
    monkeypatch.setenv("FRAUDBOT_DB", str(db_path))
    db = open_database(db_path)
    anna, _ = staff_core.create_staff(db, "anna", "editor")
    bo, _ = staff_core.create_staff(db, "bo", "approver")
    alert = workflow.create(db, anna, title="Falska fakturor", text="Betala inte.", severity="warning",
                            scheduled_at=datetime.now(timezone.utc) + timedelta(days=3))
    runner = CliRunner()
    waiting = runner.invoke(cli, ["alert", "status", str(alert.id)])
    assert waiting.exit_code == 0 and "awaiting approval, nothing sent yet" in waiting.output
    approved = runner.invoke(cli, ["alert", "approve", str(alert.id), "--as", "bo"])
    assert "goes out on " in approved.output or "goes out tomorrow" in approved.output
    shown = runner.invoke(cli, ["alert", "status", str(alert.id)])
    assert "scheduled, nothing sent yet; it goes out" in shown.output
    assert "0 of 0" not in shown.output and "100%" not in shown.output
    as_json = json.loads(runner.invoke(cli, ["alert", "status", str(alert.id), "--json"]).output)
    assert as_json["done_share"] == 0 and as_json["total"] == 0 and as_json["starts_at"]


async def test_the_new_warning_preview_shows_the_severity_and_places_chosen(running):
    tg = running.tg
    db = running.services.db
    await tg.wait_for_call("getUpdates")
    anna, _ = await db.write(staff_core.create_staff, "anna", "editor")
    code = await db.write(staff_core.create_link_code, anna)
    for text in (f"/koppla {code}", "/ny_varning", "Falska poliser ringer"):
        before = len(tg.sent)
        tg.user_message(501, text, user_id=501)
        await tg.wait_for_sent(lambda m: m.chat_id == 501, after=before)
    before = len(tg.sent)
    tg.user_message(501, "Polisen hämtar aldrig kort. Lägg på.", user_id=501)
    (preview,) = await tg.wait_for_sent(lambda m: m.chat_id == 501, after=before)
    assert "allvarlighet: varning, till: alla kommunerna (Härnösand, Kramfors och Sollefteå)" in preview.plain_text
    for data in ("av:sev:urgent", "av:mun:Kramfors", "av:mun:Sollefteå"):
        edits = len(tg.edits)
        tg.callback(501, preview.message_id, data, user_id=501)
        await tg.wait_for_edit(lambda e: e.message_id == preview.message_id, after=edits)
    shown = tg.message(501, preview.message_id)["text"]
    assert "allvarlighet: brådskande varning, till: Kramfors, Sollefteå" in shown
    assert "BRÅDSKANDE VARNING: Falska poliser ringer" in shown and "\nKramfors, Sollefteå\n" in shown
