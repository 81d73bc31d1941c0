"""Numbered schema steps, applied with sqlite-utils' `Migrations`. Never edit a released step: add a new one.

Each step runs in its own transaction together with the record of it in `_sqlite_migrations`, so a
step that fails leaves the schema as it was and is tried again at the next start.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "fraudbot"


def _001_core(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)""")
    # Resident questions for statistics. Text is redacted before it gets here and purged after the
    # retention period; the other columns are the aggregates that stay.
    db.execute("""CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        lang TEXT NOT NULL,
        status TEXT NOT NULL,
        topic TEXT,
        score REAL NOT NULL,
        urgent INTEGER NOT NULL DEFAULT 0,
        municipality TEXT,
        user_key TEXT,
        text TEXT,
        handled INTEGER NOT NULL DEFAULT 0
    )""")
    db.execute("CREATE INDEX questions_asked_at ON questions(asked_at)")
    db.execute("CREATE INDEX questions_user_key ON questions(user_key)")
    db.execute("""CREATE TABLE residents (
        chat_id INTEGER PRIMARY KEY,
        user_key TEXT NOT NULL UNIQUE,
        lang TEXT NOT NULL DEFAULT 'sv',
        municipality TEXT,
        created_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE subscriptions (
        chat_id INTEGER PRIMARY KEY REFERENCES residents(chat_id) ON DELETE CASCADE,
        municipality TEXT NOT NULL,
        lang TEXT NOT NULL,
        topics TEXT NOT NULL DEFAULT '[]',
        delivery TEXT NOT NULL DEFAULT 'immediate',
        consented_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        inactive_reason TEXT,
        chat_type TEXT NOT NULL DEFAULT 'private'
    )""")
    db.execute("CREATE INDEX subscriptions_municipality ON subscriptions(municipality, active)")
    db.execute("""CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        topic TEXT,
        useful INTEGER NOT NULL
    )""")
    db.execute("""CREATE TABLE reported_scams (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        municipality TEXT,
        method TEXT,
        risk TEXT,
        text TEXT
    )""")


def _002_staff_and_warnings(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'approver', 'admin')),
        password_hash TEXT,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1,
        telegram_user_id INTEGER UNIQUE,
        link_code TEXT,
        link_code_expires TEXT,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        created_at TEXT NOT NULL
    )""")
    db.execute("""CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT,
        object_id INTEGER,
        details TEXT NOT NULL DEFAULT '{}'
    )""")
    db.execute("CREATE INDEX audit_log_object ON audit_log(object_type, object_id)")
    db.execute("""CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        title_sv TEXT NOT NULL,
        text_sv TEXT NOT NULL,
        title_en TEXT,
        text_en TEXT,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'urgent')),
        topics TEXT NOT NULL DEFAULT '[]',
        municipalities TEXT NOT NULL DEFAULT '[]',
        expires_at TEXT,
        scheduled_at TEXT,
        state TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES staff(id),
        approved_by INTEGER REFERENCES staff(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        sent_at TEXT,
        correction_of INTEGER REFERENCES alerts(id),
        withdrawn INTEGER NOT NULL DEFAULT 0
    )""")
    db.execute("CREATE INDEX alerts_state ON alerts(state)")
    # One row per (warning, chat): the durable outbox. A restart resumes from the rows not yet sent.
    db.execute("""CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        chat_id INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'send',
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        message_id INTEGER,
        not_before TEXT,
        sent_at TEXT,
        chat_type TEXT NOT NULL DEFAULT 'private',
        lang TEXT NOT NULL DEFAULT 'sv',
        UNIQUE (alert_id, chat_id, kind)
    )""")
    db.execute("CREATE INDEX outbox_state ON outbox(state, not_before)")
    db.execute("""CREATE TABLE alert_reactions (
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        user_key TEXT NOT NULL,
        reaction TEXT NOT NULL CHECK (reaction IN ('got_it_too', 'thanks')),
        at TEXT NOT NULL,
        PRIMARY KEY (alert_id, user_key, reaction)
    )""")


def _004_web_sessions(db: sqlite_utils.Database) -> None:
    # Staff web sessions: only a hash of the cookie's token is kept.
    db.execute("""CREATE TABLE web_sessions (
        token_hash TEXT PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX web_sessions_staff ON web_sessions(staff_id)")
    # Phrases staff suggest from unanswered questions; an editor copies them into knowledge/*.yaml.
    db.execute("""CREATE TABLE phrase_suggestions (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL,
        phrase TEXT NOT NULL,
        lang TEXT NOT NULL,
        question_id INTEGER,
        suggested_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        done_at TEXT,
        done_by TEXT
    )""")


def _003_sessions(db: sqlite_utils.Database) -> None:
    # Live guided sessions: participants appear only as per-session keyed hashes inside `state`, and
    # `chat_ref` is a keyed hash of the Telegram group; both are dropped when the session ends.
    db.execute("""CREATE TABLE live_sessions (
        code TEXT PRIMARY KEY,
        scenario_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        chat_ref TEXT,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""")
    db.execute("CREATE INDEX live_sessions_chat ON live_sessions(chat_ref)")
    db.execute("CREATE INDEX live_sessions_updated ON live_sessions(updated_at)")
    # Anonymous results for staff and the yearly report: figures only, no user or chat ids.
    db.execute("""CREATE TABLE session_results (
        id INTEGER PRIMARY KEY,
        scenario_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        held_on TEXT NOT NULL,
        finished INTEGER NOT NULL DEFAULT 0,
        participants INTEGER NOT NULL DEFAULT 0,
        answers TEXT NOT NULL DEFAULT '{}',
        confidence_before TEXT NOT NULL DEFAULT '[0, 0, 0, 0, 0]',
        confidence_after TEXT NOT NULL DEFAULT '[0, 0, 0, 0, 0]'
    )""")
    db.execute("CREATE INDEX session_results_scenario ON session_results(scenario_id, held_on)")
    # Opted-in refreshers: the chat id is kept only until the row is sent (2 and 6 weeks later).
    db.execute("""CREATE TABLE session_followups (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        scenario_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        due_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        UNIQUE (chat_id, scenario_id, round)
    )""")
    db.execute("CREATE INDEX session_followups_due ON session_followups(due_at)")
    db.execute("""CREATE TABLE refresher_answers (
        id INTEGER PRIMARY KEY,
        scenario_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        safe INTEGER NOT NULL,
        answered_on TEXT NOT NULL
    )""")


def _005_outbox_delivery(db: sqlite_utils.Database) -> None:
    # Delivery that survives long outages: rows are claimed urgent first, a row that meets network
    # errors keeps trying until `first_error_at` + alerts.retry_hours, and a digest sent in several
    # messages remembers how many went out, so a retry does not repeat them.
    db.execute("ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 2")
    db.execute("ALTER TABLE outbox ADD COLUMN first_error_at TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE outbox SET priority = 1 WHERE alert_id IN (SELECT id FROM alerts WHERE severity = 'urgent')")
    db.execute("CREATE INDEX outbox_claim ON outbox(state, priority, id)")

def _008_taught_questions(db: sqlite_utils.Database) -> None:
    # Questions staff taught the bot (linked to a topic, or marked not about fraud). They are content:
    # kept apart from the question log and its retention, with no link to who asked – only the staff
    # member who added the (redacted, checked) text.
    db.execute("""CREATE TABLE taught_questions (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        topic TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (text, topic)
    )""")


def _006_facilitator_codes(db: sqlite_utils.Database) -> None:
    # Codes staff give to pensioners' associations and libraries so their big-screen sessions count
    # in the statistics. Only a keyed hash of each code is kept: it is shown once, when issued.
    db.execute("""CREATE TABLE facilitator_codes (
        id INTEGER PRIMARY KEY,
        code_hash TEXT NOT NULL UNIQUE,
        label TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_on TEXT,
        revoked_at TEXT,
        revoked_by TEXT,
        sessions_started INTEGER NOT NULL DEFAULT 0,
        last_used_at TEXT
    )""")


def _007_withdrawals_and_kept_counts(db: sqlite_utils.Database) -> None:
    # A withdrawal is a draft of its own – public text, author, approver – pointing at the warning
    # it takes back, so it passes the same four-eyes rule as a warning or a correction.
    db.execute("ALTER TABLE alerts ADD COLUMN withdrawal_of INTEGER REFERENCES alerts(id)")
    # When a resident is erased (/glom) their outbox and reaction rows go; these keep what they
    # counted, with nothing that points to a person: warning, outcome, municipality, hour, count.
    db.execute("""CREATE TABLE erased_deliveries (
        alert_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        municipality TEXT NOT NULL,
        sent_hour TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (alert_id, kind, state, municipality, sent_hour)
    )""")
    db.execute("""CREATE TABLE erased_reactions (
        alert_id INTEGER NOT NULL,
        reaction TEXT NOT NULL,
        at_hour TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (alert_id, reaction, at_hour)
    )""")


def _009_welfare_tips(db: sqlite_utils.Database) -> None:
    # Anonymous tips about welfare crime. Only the (redacted) text, the municipality and the day are
    # kept: no user key, chat id, address or time of day that could point back to who wrote it.
    db.execute("""CREATE TABLE welfare_tips (
        id INTEGER PRIMARY KEY,
        received_on TEXT NOT NULL,
        municipality TEXT,
        text TEXT NOT NULL,
        forwarded_to TEXT,
        forwarded_by TEXT,
        forwarded_at TEXT
    )""")


def _010_sms(db: sqlite_utils.Database) -> None:
    # SMS subscribers: the phone number is kept only here, only while they subscribe, with the day
    # they confirmed with "JA". A pending row (asked, not yet confirmed) is purged after a day.
    db.execute("""CREATE TABLE sms_subscribers (
        phone TEXT PRIMARY KEY,
        municipality TEXT NOT NULL,
        lang TEXT NOT NULL DEFAULT 'sv',
        state TEXT NOT NULL,
        asked_at TEXT NOT NULL,
        consent_at TEXT
    )""")
    # The SMS outbox: one row per warning and number, so a subscriber is served once whatever
    # restarts. When a number stops or is erased its finished rows lose the number.
    db.execute("""CREATE TABLE sms_outbox (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts(id),
        phone TEXT,
        lang TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before TEXT,
        claimed_at TEXT,
        sent_at TEXT,
        gateway_id TEXT,
        segments INTEGER,
        last_error TEXT,
        first_error_at TEXT,
        UNIQUE (alert_id, phone)
    )""")
    db.execute("CREATE INDEX sms_outbox_state ON sms_outbox(state, not_before)")
    db.execute("CREATE TABLE sms_broadcasts (alert_id INTEGER PRIMARY KEY REFERENCES alerts(id), queued_at TEXT NOT NULL, recipients INTEGER NOT NULL)")
    # What was sent, for the cost estimate: segments and when, never to whom.
    db.execute("CREATE TABLE sms_usage (id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL, kind TEXT NOT NULL, segments INTEGER NOT NULL)")
    db.execute("CREATE INDEX sms_usage_sent_at ON sms_usage(sent_at)")


Step = tuple[int, str, Callable[[sqlite_utils.Database], None]]

STEPS: list[Step] = [
    (1, "core tables: settings, questions, residents, subscriptions, feedback, reported scams", _001_core),
    (2, "staff accounts, audit log, warnings, delivery outbox, reactions", _002_staff_and_warnings),
    (3, "guided sessions: live state, anonymous results, follow-up refreshers", _003_sessions),
    (4, "staff web sessions, phrase suggestions from unanswered questions", _004_web_sessions),
    (5, "outbox: priority, retry deadline, parts of a digest sent", _005_outbox_delivery),
    (6, "facilitator codes for guided sessions that count in the statistics", _006_facilitator_codes),
    (7, "withdrawals as drafts; delivery and reaction counts kept when a resident is erased", _007_withdrawals_and_kept_counts),
    (8, "questions staff taught the answer model", _008_taught_questions),
    (9, "anonymous tips about welfare crime", _009_welfare_tips),
    (10, "SMS: subscribers with consent, outbox, sent segments for the cost estimate", _010_sms),
]


def step_name(step: Callable[[sqlite_utils.Database], None]) -> str:
    """The name a step is recorded under: its function's name, e.g. "001_core" (never change one)."""
    return step.__name__.lstrip("_")


def migrations(steps: list[Step] = STEPS) -> Migrations:
    """The steps as a sqlite-utils migration set, in version order."""
    migration_set = Migrations(MIGRATION_SET)
    for _version, _, step in sorted(steps, key=lambda s: s[0]):
        migration_set(name=step_name(step))(step)
    return migration_set


_NEWER = ("the database records schema step {}, which this version does not know: a newer fraudbot made it"
          " (there is no downgrade: restore the backup taken before the upgrade)")


def migrate(db: sqlite_utils.Database, steps: list[Step] = STEPS) -> list[str]:
    """Apply every step not yet recorded; returns the names of those applied now."""
    migration_set = migrations(steps)
    _adopt_old_record(db, steps, migration_set)
    done = {m.name for m in migration_set.applied(db)}
    unknown = sorted(done - {step_name(step) for _, _, step in steps})
    if unknown:
        raise RuntimeError(_NEWER.format(", ".join(unknown)))
    migration_set.apply(db)
    return [m.name for m in migration_set.applied(db) if m.name not in done]


def _adopt_old_record(db: sqlite_utils.Database, steps: list[Step], migration_set: Migrations) -> None:
    """Databases made before sqlite-utils' migrations recorded their steps by number in `schema_migrations`:
    move those records over (with their times), so no step runs twice, and drop the old table."""
    if not db["schema_migrations"].exists():
        return
    names = {version: step_name(step) for version, _, step in steps}
    with db.atomic():
        migration_set.ensure_migrations_table(db)
        recorded = {m.name for m in migration_set.applied(db)}
        for row in db.query("SELECT version, applied_at FROM schema_migrations ORDER BY version"):
            name = names.get(row["version"])
            if name is None:
                raise RuntimeError(_NEWER.format(row["version"]))
            if name not in recorded:
                db.table(Migrations.migrations_table).insert(
                    {"migration_set": MIGRATION_SET, "name": name, "applied_at": row["applied_at"] or ""})
        db.execute("DROP TABLE schema_migrations")
