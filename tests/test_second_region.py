"""The whole service run for another, made-up region: its own region file and a copy of the knowledge
folder. The web app (through aiohttp's test client) and the Telegram bot (against the fake Bot API)
show its municipalities, numbers and police area, and none of ours."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import load_config
from bot.core.alerts import workflow
from bot.core.region import current, use_region
from bot.core.staff import accounts as staff_core
from bot.host import create_app
from bot.services import build_services
from bot.storage import alerts as alert_store
from tests.fakes import TEST_TOKEN, FakeTelegram
from tests.made_up_region import MADE_UP_REGION

ROOT = Path(__file__).resolve().parents[1]
# Ours -> theirs, in every knowledge file of the copy (texts, sources, contact lines).
RENAMES = {
    "Härnösands": "Norrviks", "Härnösand": "Norrvik", "Harnosand": "Norrvik", "harnosand": "norrvik",
    "Kramfors": "Sjöby", "kramfors": "sjoby", "Sollefteå": "Sjöby", "Solleftea": "Sjöby", "solleftea": "sjoby",
    "Södra Ångermanland": "Norra Kustlandet", "södra Ångermanland": "Norra Kustlandet", "Ångermanland": "Kustlandet",
    "114 14": "123 45", "116 006": "116 999",
}
OURS = ("Härnösand", "Kramfors", "Sollefteå", "Ångermanland", "114 14", "116 006", "11414", "116006")


def made_up_region(tmp_path: Path) -> Path:
    """A settings file naming the made-up region file and a renamed copy of the knowledge folder."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "_region.yaml").unlink()  # the region comes from region.path only
    for path in knowledge.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for ours, theirs in RENAMES.items():
            text = text.replace(ours, theirs)
        path.write_text(text, encoding="utf-8")
    region = tmp_path / "norrvik.yaml"
    region.write_text(MADE_UP_REGION, encoding="utf-8")
    settings = tmp_path / "config.yaml"
    settings.write_text(f"knowledge:\n  path: {knowledge}\nregion:\n  path: {region}\n", encoding="utf-8")
    return settings


def assert_theirs_not_ours(text: str, *expected: str) -> None:
    for word in expected:
        assert word in text, f"{word!r} missing"
    for word in OURS:
        assert word not in text, f"{word!r} (ours) shown"


@pytest.fixture
async def service(tmp_path):
    previous = use_region(None)
    async with FakeTelegram() as tg:
        config = load_config(made_up_region(tmp_path), {
            "FRAUDBOT_DB": str(tmp_path / "fraudbot.db"), "FRAUDBOT_TELEGRAM_TOKEN": TEST_TOKEN,
            "FRAUDBOT_TELEGRAM_BASE_URL": tg.base_url,
        })
        services = build_services(config)
        client = TestClient(TestServer(create_app(services)))
        await client.start_server()
        await tg.wait_for_call("getUpdates", timeout=10)
        try:
            yield tg, services, client
        finally:
            await client.close()
            services.close()
            use_region(previous)


async def say(tg, text, chat=5151):
    before = len(tg.sent)
    tg.user_message(chat, text, language_code="sv")
    return (await tg.wait_for_sent(lambda m: m.chat_id == chat, after=before))[0]


async def test_the_whole_service_runs_for_another_region(service):
    tg, services, client = service
    assert services.config.alerts.timezone == "Europe/Helsinki" and current().names == ("Norrvik", "Sjöby")

    # the web: the municipality choice, the footer's numbers, an answer, the privacy page
    page = await (await client.get("/")).text()
    assert_theirs_not_ours(page, '<option value="Norrvik"', '<option value="Sjöby"', "tel:12345", "123\u00a045", "116\u00a0999")
    answer = await (await client.post("/", data={"text": "Någon ringde från banken och sa att jag måste flytta pengarna",
                                                  "lang": "sv"})).text()
    assert_theirs_not_ours(answer, "123\u00a045", "116\u00a0999")
    local = await (await client.get("/amnen/local-work")).text()
    assert_theirs_not_ours(local, "Norrvik", "Norra Kustlandet")
    assert_theirs_not_ours(await (await client.get("/integritet?lang=en")).text(), "the municipalities of Norrvik and Sjöby")

    # the warnings page and feed: a warning for the whole region, and the choice of municipality
    db = services.db.db
    writer, _ = staff_core.create_staff(db, "anna", "editor")
    approver, _ = staff_core.create_staff(db, "bo", "approver")
    alert = workflow.create(db, writer, title="Falska poliser ringer", text="Lägg på och ring polisen själv.", municipalities=())
    workflow.approve(db, approver, alert.id)
    alert_store.set_state(db, alert.id, "sent", datetime.now(timezone.utc), sent=True)
    warnings = await (await client.get("/varningar")).text()
    assert_theirs_not_ours(warnings, "Falska poliser ringer", "Norrvik och Sjöby", '<option value="Sjöby"')
    feed = await (await client.get("/varningar.atom")).text()
    assert_theirs_not_ours(feed, "Polisen Norra Kustlandet och kommunerna Norrvik och Sjöby")
    with pytest.raises(workflow.AlertError) as refused:
        workflow.create(db, writer, title="Fel kommun", text="Text.", municipalities=("Kramfors",))
    assert refused.value.problems == [("municipality", {"names": ["Kramfors"]})]

    # Telegram: the greeting, the municipality buttons, an answer's numbers
    welcome = await say(tg, "/start")
    assert_theirs_not_ours(welcome.text, "Norra Kustlandet", "kommunerna Norrvik och Sjöby")
    assert {"m:Norrvik:w", "m:Sjöby:w"} <= {b["callback_data"] for b in welcome.buttons if "callback_data" in b}
    reply = await say(tg, "ngn ringde fran banken o sa att ja maste flytta pengarna till ett sakert konto")
    assert_theirs_not_ours(reply.text, "123 45", "116 999")
    report = await say(tg, "/anmal")
    assert "Norrvik" not in report.text and "114 14" not in report.text
