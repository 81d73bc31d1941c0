from argon2 import PasswordHasher

from bot.core.staff import accounts as staff


def test_production_hashing_is_argon2id_at_owasps_minimum_and_old_hashes_still_verify(cheap_password_hashing):
    production = PasswordHasher(**{"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1})
    hashed = production.hash("rätt häst batteri")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert staff._hasher_verify(hashed, "rätt häst batteri")  # the cheap test hasher verifies it: parameters are in the hash
    assert not staff._hasher_verify(hashed, "fel")


def test_a_password_reset_ends_the_members_sessions_on_every_channel(tmp_path):
    from datetime import datetime, timezone

    from bot.storage import audit, web_sessions
    from bot.storage import staff as store
    from bot.storage.db import open_database

    db = open_database(tmp_path / "f.db")
    anna, _ = staff.create_staff(db, "anna", "approver")
    bo, _ = staff.create_staff(db, "bo", "editor")
    now = datetime.now(timezone.utc)
    for token, member in [("anna-laptop", anna), ("anna-phone", anna), ("bo-laptop", bo)]:
        web_sessions.create_session(db, token, member.id, "csrf", now)
    assert staff.link_telegram(db, staff.create_link_code(db, anna), 4242).id == anna.id
    assert staff.link_telegram(db, staff.create_link_code(db, bo), 4343).id == bo.id
    unused_code = staff.create_link_code(db, anna)  # asked for, not yet sent to the bot

    password = staff.reset_password(db, "anna", actor="admin")

    assert web_sessions.find_session(db, "anna-laptop") is None and web_sessions.find_session(db, "anna-phone") is None
    assert store.find_by_telegram(db, 4242) is None  # the bot no longer knows anna's Telegram account
    assert staff.link_telegram(db, unused_code, 4242) is None  # nor can a code from before the reset link it again
    assert web_sessions.find_session(db, "bo-laptop") is not None and store.find_by_telegram(db, 4343).id == bo.id
    assert staff.verify_login(db, "anna", password).member.must_change_password
    (entry,) = [e for e in audit.entries(db, object_type="staff", object_id=anna.id) if e["action"] == "staff.reset_password"]
    assert entry["details"] == {"web_sessions_ended": 2, "telegram_unlinked": True}
