"""Staff accounts: roles, password hashes, Telegram links and login throttling state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils

from bot.storage.inserted import inserted_id

ROLES = ("viewer", "editor", "approver", "admin")
_COLUMNS = "id, username, display_name, role, active, telegram_user_id, must_change_password"


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    telegram_user_id: int | None
    must_change_password: bool

    def can(self, needed: str) -> bool:
        """Roles are ordered: an approver can do what an editor can, an admin everything."""
        return self.active and ROLES.index(self.role) >= ROLES.index(needed)


def _member(row: dict | None) -> StaffMember | None:
    if not row:
        return None
    return StaffMember(**{**row, "active": bool(row["active"]), "must_change_password": bool(row["must_change_password"])})


def _members(db: sqlite_utils.Database, where: str, params: tuple = ()) -> list[StaffMember]:
    return [member for row in db.query(f"SELECT {_COLUMNS} FROM staff {where}", params) if (member := _member(row))]


def _one(db: sqlite_utils.Database, where: str, params: tuple) -> StaffMember | None:
    return next(iter(_members(db, where, params)), None)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def add_staff(db: sqlite_utils.Database, username: str, display_name: str, role: str, password_hash: str | None,
              must_change_password: bool = False) -> StaffMember:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    cur = db.execute(
        "INSERT INTO staff (username, display_name, role, password_hash, must_change_password, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (username, display_name, role, password_hash, int(must_change_password), _now()),
    )
    member = get_staff(db, inserted_id(cur))
    assert member is not None  # just inserted
    return member


def get_staff(db: sqlite_utils.Database, staff_id: int) -> StaffMember | None:
    return _one(db, "WHERE id = ?", (staff_id,))


def find_staff(db: sqlite_utils.Database, username: str) -> StaffMember | None:
    return _one(db, "WHERE username = ?", (username,))


def find_by_telegram(db: sqlite_utils.Database, telegram_user_id: int) -> StaffMember | None:
    return _one(db, "WHERE telegram_user_id = ?", (telegram_user_id,))


def list_staff(db: sqlite_utils.Database) -> list[StaffMember]:
    return _members(db, "ORDER BY username")


def count_staff(db: sqlite_utils.Database) -> int:
    return db["staff"].count


def password_hash(db: sqlite_utils.Database, username: str) -> str | None:
    row = next(db.query("SELECT password_hash FROM staff WHERE username = ? AND active = 1", (username,)), None)
    return row["password_hash"] if row else None


def set_password_hash(db: sqlite_utils.Database, staff_id: int, hashed: str, must_change: bool) -> None:
    db.execute("UPDATE staff SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
               (hashed, int(must_change), staff_id))


def set_active(db: sqlite_utils.Database, staff_id: int, active: bool) -> None:
    db.execute("UPDATE staff SET active = ? WHERE id = ?", (int(active), staff_id))


def login_state(db: sqlite_utils.Database, username: str) -> tuple[int, str | None]:
    row = next(db.query("SELECT failed_logins, locked_until FROM staff WHERE username = ?", (username,)), None)
    return (row["failed_logins"], row["locked_until"]) if row else (0, None)


def record_login_failure(db: sqlite_utils.Database, username: str, locked_until: str | None) -> None:
    db.execute("UPDATE staff SET failed_logins = failed_logins + 1, locked_until = COALESCE(?, locked_until) WHERE username = ?",
               (locked_until, username))


def record_login_success(db: sqlite_utils.Database, username: str) -> None:
    db.execute("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE username = ?", (username,))


def set_link_code(db: sqlite_utils.Database, staff_id: int, code_hash: str, expires: str) -> None:
    db.execute("UPDATE staff SET link_code = ?, link_code_expires = ? WHERE id = ?", (code_hash, expires, staff_id))


def consume_link_code(db: sqlite_utils.Database, code_hash: str, telegram_user_id: int, now: str) -> StaffMember | None:
    """Link the Telegram account to the staff member holding this unexpired one-time code."""
    row = next(db.query("SELECT id FROM staff WHERE link_code = ? AND link_code_expires > ? AND active = 1", (code_hash, now)), None)
    if not row:
        return None
    db.execute("UPDATE staff SET telegram_user_id = NULL WHERE telegram_user_id = ?", (telegram_user_id,))
    db.execute("UPDATE staff SET telegram_user_id = ?, link_code = NULL, link_code_expires = NULL WHERE id = ?", (telegram_user_id, row["id"]))
    return get_staff(db, row["id"])


def unlink_telegram(db: sqlite_utils.Database, staff_id: int) -> bool:
    """Forget the member's Telegram account and any unused link code; True if an account was linked."""
    linked = get_staff(db, staff_id)
    db.execute("UPDATE staff SET telegram_user_id = NULL, link_code = NULL, link_code_expires = NULL WHERE id = ?", (staff_id,))
    return bool(linked and linked.telegram_user_id is not None)
