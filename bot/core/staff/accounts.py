"""Staff accounts: creating them, passwords (argon2), login throttling and linking Telegram.

Functions take a sqlite-utils `Database`; async callers run each through `AsyncDatabase.write`, which makes it one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.storage import audit, web_sessions
from bot.storage import staff as store
from bot.storage.staff import ROLES, StaffMember

MAX_FAILED_LOGINS = 5
MAX_USERNAME, MAX_DISPLAY_NAME = 64, 100
MIN_PASSWORD, MAX_PASSWORD = 10, 1024  # the upper bound keeps a pasted novel away from argon2
LOCK_MINUTES = 15
LINK_CODE_MINUTES = 30
# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes): argon2-cffi's default of 64 MiB made
# every login, and the service's start, briefly take 64 MB more memory than the rest of the service.
PASSWORD_HASHING = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher_state: dict[str, object] = {}


def use_password_hashing(**parameters: int) -> None:
    """Change the argon2 parameters (tests use cheap ones); existing hashes keep verifying."""
    PASSWORD_HASHING.update(parameters)
    _hasher_state.clear()


def _hasher() -> PasswordHasher:
    hasher = _hasher_state.get("hasher")
    if hasher is None:
        hasher = _hasher_state["hasher"] = PasswordHasher(**PASSWORD_HASHING)  # type: ignore[arg-type]
    return hasher  # type: ignore[return-value]


def _dummy_hash() -> str:
    """Verified when the username does not exist, so a wrong name costs as much time as a wrong password."""
    dummy = _hasher_state.get("dummy")
    if dummy is None:
        dummy = _hasher_state["dummy"] = _hasher().hash(secrets.token_urlsafe(16))
    return dummy  # type: ignore[return-value]


class StaffError(Exception):
    """A staff action that cannot be done; the message says why (in English, for the CLI's operator),
    `code` names the rule so a page can say it in the staff member's language (`staff.account.<code>`)."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class LoginResult:
    member: StaffMember | None
    reason: str = ""  # "" when ok; "wrong", "locked" or "disabled"


def new_password() -> str:
    return secrets.token_urlsafe(12)


def create_staff(db: sqlite_utils.Database, username: str, role: str, *, display_name: str | None = None,
                 actor: str = "cli") -> tuple[StaffMember, str]:
    """Add a staff member with a one-time password (returned once, stored only as a hash)."""
    username = username.strip()
    if not username or len(username) > MAX_USERNAME or any(c.isspace() for c in username):
        raise StaffError(f"the username must be 1–{MAX_USERNAME} characters without spaces", "username")
    if display_name and len(display_name) > MAX_DISPLAY_NAME:
        raise StaffError(f"the name must be at most {MAX_DISPLAY_NAME} characters", "display_name")
    if role not in ROLES:
        raise StaffError(f"the role must be one of {', '.join(ROLES)}", "role")
    if store.find_staff(db, username):
        raise StaffError(f"there is already a staff member called {username!r}", "exists")
    password = new_password()
    member = store.add_staff(db, username, display_name or username, role, _hasher().hash(password), must_change_password=True)
    audit.record(db, actor, "staff.add", "staff", member.id, username=username, role=role)
    return member, password


def ensure_first_admin(db: sqlite_utils.Database) -> str | None:
    """On a fresh database create the account "admin" and return its one-time password, else None."""
    if store.count_staff(db):
        return None
    _, password = create_staff(db, "admin", "admin", display_name="Administratör", actor="system")
    return password


def verify_login(db: sqlite_utils.Database, username: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a password, with a lock after repeated failures. Never says whether the name exists.

    A username or password longer than any the rules let be set is wrong without being hashed.
    """
    now = now or datetime.now(timezone.utc)
    if len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD:
        return LoginResult(None, "wrong")
    member = store.find_staff(db, username)
    hashed = store.password_hash(db, username)
    if member is not None:
        failed, locked_until = store.login_state(db, username)
        if locked_until and datetime.fromisoformat(locked_until) > now:
            _hasher_verify(_dummy_hash(), password)
            return LoginResult(None, "locked")
    if member is None or hashed is None or not _hasher_verify(hashed, password):
        if member is not None:
            failed, _ = store.login_state(db, username)
            lock = (now + timedelta(minutes=LOCK_MINUTES)).isoformat() if failed + 1 >= MAX_FAILED_LOGINS else None
            store.record_login_failure(db, username, lock)
            audit.record(db, username, "staff.login_failed", "staff", member.id)
        elif hashed is None:
            _hasher_verify(_dummy_hash(), password)
        return LoginResult(None, "wrong")
    if not member.active:
        return LoginResult(None, "disabled")
    store.record_login_success(db, username)
    audit.record(db, username, "staff.login", "staff", member.id)
    return LoginResult(member)


def check_current_password(db: sqlite_utils.Database, member: StaffMember, password: str,
                           now: datetime | None = None) -> bool:
    """Whether `password` is the logged-in member's current one (before a change of password).

    Not a login, so no "staff.login" entry; a wrong one counts towards the lock like a failed login,
    so a borrowed session cannot be used to guess the password.
    """
    now = now or datetime.now(timezone.utc)
    hashed = store.password_hash(db, member.username)
    if hashed is not None and len(password) <= MAX_PASSWORD and _hasher_verify(hashed, password):
        return True
    failed, _ = store.login_state(db, member.username)
    lock = (now + timedelta(minutes=LOCK_MINUTES)).isoformat() if failed + 1 >= MAX_FAILED_LOGINS else None
    store.record_login_failure(db, member.username, lock)
    audit.record(db, member.username, "staff.password_check_failed", "staff", member.id)
    return False


def _hasher_verify(hashed: str, password: str) -> bool:
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(db: sqlite_utils.Database, member: StaffMember, new: str) -> None:
    if len(new) < MIN_PASSWORD:
        raise StaffError(f"the password must be at least {MIN_PASSWORD} characters", "password")
    if len(new) > MAX_PASSWORD:
        raise StaffError(f"the password must be at most {MAX_PASSWORD} characters", "password_long")
    store.set_password_hash(db, member.id, _hasher().hash(new), must_change=False)
    audit.record(db, member.username, "staff.change_password", "staff", member.id)


def reset_password(db: sqlite_utils.Database, username: str, actor: str = "cli") -> str:
    """Give the member a new one-time password (to be changed at next login) and end their sessions
    on every channel: web sessions are deleted and their Telegram account unlinked.

    A reset usually means the password may be known to someone else, who may have logged in with
    it or linked a Telegram account; after logging in anew the member links Telegram again.
    """
    member = _existing(db, username)
    password = new_password()
    store.set_password_hash(db, member.id, _hasher().hash(password), must_change=True)
    ended = web_sessions.delete_staff_sessions(db, member.id)
    unlinked = store.unlink_telegram(db, member.id)
    audit.record(db, actor, "staff.reset_password", "staff", member.id, web_sessions_ended=ended,
                 telegram_unlinked=unlinked)
    return password


def disable(db: sqlite_utils.Database, username: str, actor: str = "cli") -> StaffMember:
    member = _existing(db, username)
    store.set_active(db, member.id, False)
    audit.record(db, actor, "staff.disable", "staff", member.id)
    disabled = store.get_staff(db, member.id)
    assert disabled is not None  # it was just found
    return disabled


def create_link_code(db: sqlite_utils.Database, member: StaffMember, now: datetime | None = None) -> str:
    """A one-time code the member sends to the bot (`/koppla CODE`) to link their Telegram account."""
    now = now or datetime.now(timezone.utc)
    code = f"{secrets.randbelow(10**8):08d}"
    store.set_link_code(db, member.id, _code_hash(code), (now + timedelta(minutes=LINK_CODE_MINUTES)).isoformat())
    audit.record(db, member.username, "staff.link_code", "staff", member.id)
    return code


def link_telegram(db: sqlite_utils.Database, code: str, telegram_user_id: int, now: datetime | None = None) -> StaffMember | None:
    now = now or datetime.now(timezone.utc)
    member = store.consume_link_code(db, _code_hash(code.strip()), telegram_user_id, now.isoformat())
    if member:
        audit.record(db, member.username, "staff.link_telegram", "staff", member.id)
    return member


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _existing(db: sqlite_utils.Database, username: str) -> StaffMember:
    member = store.find_staff(db, username)
    if member is None:
        raise StaffError(f"no staff member called {username!r}", "not_found")
    return member


def get_member(db: sqlite_utils.Database, username: str) -> StaffMember:
    return _existing(db, username)
