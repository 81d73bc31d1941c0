"""Form fields over the rules' lengths are refused with a message, never cut short and accepted."""

from bot.core.staff.accounts import (
    MAX_DISPLAY_NAME,
    MAX_PASSWORD,
    change_password,
    create_staff,
)
from bot.storage.staff import find_staff
from tests.web.conftest import add_staff, login, session_csrf


async def test_a_password_longer_than_the_limit_does_not_log_in_as_its_first_part(app_client):
    db = app_client.services.db.db
    member, _ = create_staff(db, "anna", "viewer", actor="test")
    longest = "p" * MAX_PASSWORD
    change_password(db, member, longest)
    assert (await login(app_client, "anna", longest + "extra")).status == 401  # cut at 1024 it matched
    assert (await login(app_client, "anna", longest)).status == 200


async def test_a_too_long_username_is_refused_not_cut(app_client):
    add_staff(app_client.services, "a" * 64, "viewer")
    assert (await login(app_client, "a" * 65)).status == 401  # cut at 64 it was the member above


async def test_a_too_long_display_name_is_refused_with_the_limit(app_client):
    add_staff(app_client.services, "boss", "admin")
    await login(app_client, "boss")
    token = await session_csrf(app_client)
    resp = await app_client.post("/staff/konton", data={"csrf_token": token, "username": "cecilia", "role": "editor",
                                                        "display_name": "C" * (MAX_DISPLAY_NAME + 1)})
    assert resp.status == 400 and f"högst {MAX_DISPLAY_NAME} tecken" in await resp.text()
    assert find_staff(app_client.services.db.db, "cecilia") is None


async def test_a_tip_over_the_limit_is_refused_with_the_limit_and_nothing_is_kept(app_client):
    from bot.core.residents.tips import MAX_TIP

    long_tip = "Grannen får ersättning för timmar som ingen arbetar. " * 40  # over MAX_TIP
    assert len(long_tip.strip()) > MAX_TIP
    resp = await app_client.post("/tipsa", data={"text": long_tip, "municipality": "Kramfors"})
    assert resp.status == 400 and f"högst {MAX_TIP} tecken" in await resp.text()
    assert app_client.services.db.db.execute("SELECT COUNT(*) FROM welfare_tips").fetchone() == (0,)  # cut, it was kept


async def test_a_taught_question_over_the_limit_is_refused_and_nothing_is_marked_or_taught(app_client):
    import re

    from bot.core.matching.models import MAX_TAUGHT
    from tests.web.conftest import csrf_from
    from tests.web.test_staff_views import _fill

    db = app_client.services.db.db
    _fill(db)
    add_staff(app_client.services, "ed", "editor")
    await login(app_client, "ed")
    html = await (await app_client.get("/staff/obesvarade")).text()
    ids = re.search(r'name="ids" value="([0-9,]+)"', html).group(1)
    resp = await app_client.post("/staff/obesvarade/koppla", data={
        "csrf_token": csrf_from(html), "ids": ids, "topic": "out-of-scope", "teach": "1", "no_personal_data": "1",
        "teach_text": "Hur byter jag lösenordet på routern? " * 20})
    assert f"högst {MAX_TAUGHT} tecken" in await resp.text()
    assert db.execute("SELECT COUNT(*) FROM taught_questions").fetchone() == (0,)  # cut, it was taught
    assert f'name="ids" value="{ids}"' in await (await app_client.get("/staff/obesvarade")).text()  # still open
