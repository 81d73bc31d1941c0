"""The public warnings: the page in the public layout, the Atom feed and JSON, with hostile input."""

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import feedparser
import pytest

from bot.core.alerts import workflow
from bot.core.staff import accounts as staff_core
from bot.storage import alerts as store
from tests.web.conftest import running_app

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://bedragerikollen.example.se"
HOSTILE_TITLE = 'Bank & BankID <script>alert("x")</script> ]]> & "citat"'


@pytest.fixture
async def client(tmp_path):
    async with running_app(tmp_path, public_url=PUBLIC + "/") as client:
        yield client


def publish(db, title, text="Lägg på. Ring banken själv på numret på kortet.", severity="warning", municipalities=(), sent_at=None):
    """A warning written by one person, approved by another and marked sent."""
    writer = staff_core.get_member(db, "anna") if db.execute("SELECT 1 FROM staff WHERE username='anna'").fetchone() \
        else staff_core.create_staff(db, "anna", "editor")[0]
    approver = staff_core.get_member(db, "bo") if db.execute("SELECT 1 FROM staff WHERE username='bo'").fetchone() \
        else staff_core.create_staff(db, "bo", "approver")[0]
    alert = workflow.create(db, writer, title=title, text=text, severity=severity, municipalities=municipalities)
    workflow.approve(db, approver, alert.id)
    store.set_state(db, alert.id, "sent", sent_at or datetime.now(timezone.utc), sent=True)
    return store.get_alert(db, alert.id)


async def test_feed_parses_with_ampersands_tags_and_a_hostile_host_header(client):
    db = client.services.db.db
    publish(db, HOSTILE_TITLE, text="Text med <b>taggar</b> & tecken\x0b som XML inte tål", municipalities=("Kramfors",))
    publish(db, "Falska poliser < 18 år & äldre", severity="urgent")
    resp = await client.get("/varningar.atom?kommun=Kramfors", headers={"Host": 'evil.example"><x y="'})
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/atom+xml")
    body = await resp.text()
    root = ET.fromstring(body.encode("utf-8"))  # well-formed XML, or this raises
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert any(HOSTILE_TITLE in t for t in titles) and any("Falska poliser < 18 år & äldre" in t for t in titles)
    assert "evil.example" not in body
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")] + [root.find(f"{ATOM}id").text]
    assert all(i.startswith(PUBLIC + "/") for i in ids), ids
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{PUBLIC}/varningar.atom?kommun=Kramfors"
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Bedrägerikollen – varningar för Kramfors"
    assert {e.title for e in feed.entries} == {f"⚠️ Varning: {HOSTILE_TITLE}", "🚨 BRÅDSKANDE VARNING: Falska poliser < 18 år & äldre"}
    assert all(e.link.startswith(PUBLIC + "/varningar") for e in feed.entries)
    summary = next(e.summary for e in feed.entries if "taggar" in e.summary)
    assert summary == "Text med <b>taggar</b> & tecken som XML inte tål"


async def test_feed_in_english_and_an_empty_feed_parse_too(client):
    empty = await (await client.get("/varningar.atom?lang=en")).text()
    parsed = feedparser.parse(empty)
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.title == "Bedrägerikollen – warnings"
    ET.fromstring(empty.encode("utf-8"))


async def test_json_has_absolute_links_from_the_setting_only(client):
    alert = publish(client.services.db.db, "Falska sms & länkar")
    data = await (await client.get("/api/varningar?lang=en", headers={"Host": "evil.example"})).json()
    (item,) = data["warnings"]
    assert item["url"] == f"{PUBLIC}/varningar?lang=en#w{alert.id}"
    assert (item["title"], item["kind"], item["severity"]) == ("Falska sms & länkar", "warning", "warning")


async def test_page_uses_the_public_layout_local_time_english_and_explains_the_feeds(client):
    db = client.services.db.db
    # 23:30 UTC on 30 November is 00:30 on 1 December in Sweden.
    publish(db, "Falska poliser ringer", severity="urgent", sent_at=datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc))
    publish(db, "Sms om vägtull", municipalities=("Härnösand",))
    client.session.cookie_jar.update_cookies({"display": "large-text high-contrast"})
    html = await (await client.get("/varningar")).text()
    assert 'class="large-text high-contrast"' in html
    assert "1 december 2026 kl. 00.30" in html and "(UTC)" not in html
    assert 'class="card warning-card warning-urgent"' in html and "🚨 BRÅDSKANDE VARNING: Falska poliser ringer" in html
    assert "För webbredaktörer" in html and f"{PUBLIC}/varningar.atom?kommun=Kramfors" in html
    assert f'href="{PUBLIC}/api/varningar?kommun=H%C3%A4rn%C3%B6sand"><code>{PUBLIC}/api/varningar?kommun=Härnösand</code>' in html
    assert html.index("Falska poliser ringer") < html.index("Sms om vägtull")  # urgent first
    english = await (await client.get("/varningar?lang=en")).text()
    assert '<html lang="en">' in english and "Current warnings" in english and "1 December 2026, 00:30" in english
    assert "For web editors" in english and "URGENT WARNING" in english
    only = await (await client.get("/varningar?kommun=Kramfors")).text()
    assert "Falska poliser ringer" in only and "Sms om vägtull" not in only


async def test_a_withdrawal_shows_its_public_text_instead_of_the_warning(client):
    db = client.services.db.db
    alert = publish(db, "Falsk hemtjänst", text="Släpp inte in någon.")
    cia, _ = staff_core.create_staff(db, "cia", "approver")
    draft = workflow.withdraw(db, staff_core.get_member(db, "anna"), alert.id, text="Besöken var riktiga & bokade.")
    assert "Släpp inte in någon." in await (await client.get("/varningar")).text()
    workflow.approve(db, cia, draft.id)
    html = await (await client.get("/varningar")).text()
    assert "Släpp inte in någon." not in html and "Återkallad: Falsk hemtjänst" in html and "Besöken var riktiga &amp; bokade." in html
    feed = feedparser.parse(await (await client.get("/varningar.atom")).text())
    assert [e.title for e in feed.entries] == ["Återkallad: Falsk hemtjänst"]
