"""`fraudbot alert`: write, approve, test, cancel, correct and follow warnings from the command line.

A running `fraudbot serve` picks approved warnings up and delivers them.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import click

from bot.cli.common import config_option, get_config, or_exit
from bot.core.alerts import workflow
from bot.core.alerts.dispatch import QuietHours, clock_words, planned_start
from bot.core.staff import accounts as staff_core
from bot.services import quiet_hours
from bot.storage import alerts as store
from bot.storage.alert_model import SENT, SEVERITIES, DeliveryStatus
from bot.storage.db import open_database

as_option = click.option("--as", "actor", required=True, help="Your staff username (recorded in the audit log).")


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected an ISO date and time such as 2026-12-01T09:00, got {value!r}", param_hint=name) from None
    if moment.tzinfo is None:
        from bot.core.region import current

        moment = moment.replace(tzinfo=current().zone)
    return moment.astimezone(timezone.utc)


def _acting(config_path, actor: str):
    """The database and the staff member named by --as, or exit 1 saying why."""
    db = open_database(get_config(config_path).storage.path)
    return db, _run(lambda: staff_core.get_member(db, actor))


def _run(action, db=None):
    return or_exit(action, (workflow.AlertError, staff_core.StaffError), db)


@click.group()
def alert() -> None:
    """Warnings to subscribers: create, approve (by another person), test, cancel, correct, status."""


@alert.command()
@click.option("--title", required=True, help="Title in Swedish.")
@click.option("--text", required=True, help="Text in Swedish.")
@click.option("--title-en", help="Title in English (optional).")
@click.option("--text-en", help="Text in English (optional).")
@click.option("--severity", type=click.Choice(SEVERITIES), default="warning", show_default=True)
@click.option("--municipality", "municipalities", multiple=True, help="A municipality of the region file (region.path); repeat for several; none means all.")
@click.option("--topic", "topics", multiple=True, help="Related knowledge topic id; repeat for several.")
@click.option("--expires", help="Expiry time, ISO (local time if no zone).")
@click.option("--at", "scheduled", help="Send no earlier than this time, ISO (local time if no zone).")
@as_option
@config_option
def create(title, text, title_en, text_en, severity, municipalities, topics, expires, scheduled, actor, config_path) -> None:
    """Write a warning; prints its id. It then awaits approval by another approver."""
    db, member = _acting(config_path, actor)
    new = _run(lambda: workflow.create(db, member, title=title, text=text, title_en=title_en, text_en=text_en,
                                       severity=severity, municipalities=tuple(municipalities), topics=tuple(topics),
                                       expires_at=_when(expires, "--expires"), scheduled_at=_when(scheduled, "--at")), db)
    click.echo(new.id)


@alert.command()
@click.argument("alert_id", type=int)
@as_option
@config_option
def approve(alert_id: int, actor: str, config_path) -> None:
    """Approve a warning written by someone else (four-eyes rule)."""
    config = get_config(config_path)
    db, member = _acting(config_path, actor)
    approved = _run(lambda: workflow.approve(db, member, alert_id), db)
    quiet = quiet_hours(config.alerts)
    start = planned_start(approved, quiet)
    when = "it goes out now" if start is None else f"it goes out {_when_words(start, quiet)}"
    click.echo(f"Warning {approved.id} is {approved.state}; {when}.")


@alert.command("list")
@click.option("--state", "states", multiple=True, help="Only these states (repeatable).")
@config_option
def list_command(states, config_path) -> None:
    """List warnings, newest first."""
    db = open_database(get_config(config_path).storage.path)
    for a in store.list_alerts(db, tuple(states) or None):
        where = ",".join(a.municipalities) or "all"
        click.echo(f"{a.id:>5}  {a.state:<17} {a.severity:<8} {where:<28} {a.title_sv}")


@alert.command("send-test")
@click.argument("alert_id", type=int)
@as_option
@config_option
def send_test(alert_id: int, actor: str, config_path) -> None:
    """Send a copy marked TEST to staff with linked Telegram accounts only."""
    db, member = _acting(config_path, actor)
    n = _run(lambda: workflow.send_test(db, member, alert_id), db)
    click.echo(f"Test copy queued for {n} staff member(s)." if n else "No staff member has linked Telegram yet (fraudbot staff link-code).")


@alert.command()
@click.argument("alert_id", type=int)
@as_option
@config_option
def cancel(alert_id: int, actor: str, config_path) -> None:
    """Cancel a warning that has not started sending."""
    db, member = _acting(config_path, actor)
    _run(lambda: workflow.cancel(db, member, alert_id), db)
    click.echo(f"Warning {alert_id} is cancelled.")


@alert.command()
@click.argument("alert_id", type=int)
@click.option("--title", required=True, help="Corrected title in Swedish.")
@click.option("--text", required=True, help="Corrected text in Swedish.")
@as_option
@config_option
def correct(alert_id: int, title: str, text: str, actor: str, config_path) -> None:
    """Write a correction of a sent warning; once another approver approves it (alert approve ID),
    delivered copies are marked corrected and the new text goes out. Prints the correction's id."""
    db, member = _acting(config_path, actor)
    new = _run(lambda: workflow.correct(db, member, alert_id, title=title, text=text), db)
    click.echo(new.id)


@alert.command()
@click.argument("alert_id", type=int)
@click.option("--text", default="Den här varningen gäller inte längre.", show_default=True,
              help="Public text in Swedish saying why it is withdrawn.")
@as_option
@config_option
def withdraw(alert_id: int, text: str, actor: str, config_path) -> None:
    """Write a withdrawal of a sent warning; once another approver approves it (alert approve ID),
    delivered copies are edited to say so. Prints the withdrawal's id."""
    db, member = _acting(config_path, actor)
    draft = _run(lambda: workflow.withdraw(db, member, alert_id, text=text), db)
    click.echo(draft.id)


@alert.command()
@click.argument("alert_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@config_option
def status(alert_id: int, as_json: bool, config_path) -> None:
    """Delivery progress: queued, retrying (and the next try), sent, failed, blocked, time left."""
    config = get_config(config_path)
    db = open_database(config.storage.path)
    quiet = quiet_hours(config.alerts)
    s = _run(lambda: workflow.status(db, alert_id, config.alerts.messages_per_second, quiet=quiet))
    if as_json:
        click.echo(json.dumps(s.as_dict()))
        return
    click.echo(describe_status(s, quiet))


def describe_status(s: DeliveryStatus, quiet: QuietHours) -> str:
    """One line for staff: progress while sending, the outcome once sent, the plan before."""
    state = s.state.replace("_", " ")
    if not s.started:
        if s.starts_at is not None:
            return f"Warning {s.alert_id}: {state}, nothing sent yet; it goes out {_when_words(s.starts_at, quiet)}."
        return f"Warning {s.alert_id}: {state}, nothing sent yet."
    if s.state == SENT:
        if s.all_delivered:
            return f"Warning {s.alert_id}: sent. All {s.sent:,} messages delivered."
        return (f"Warning {s.alert_id}: sent. {s.sent:,} of {s.total:,} delivered; {s.failed:,} failed and "
                f"{s.blocked:,} blocked (finally, not tried again).")
    retrying = ""
    if s.retrying:
        next_try = s.next_try.astimezone(quiet.zone).strftime("%H:%M:%S") if s.next_try else "soon"
        retrying = f", {s.retrying:,} of them retrying (next try {next_try})"
    return (f"Warning {s.alert_id}: sending. {s.sent:,} sent, {s.queued + s.sending:,} queued{retrying}, "
            f"{s.failed:,} failed, {s.blocked:,} blocked of {s.total:,} ({s.done_share:.0%}); about {s.eta_seconds:.0f} s left.")


def _when_words(moment: datetime, quiet: QuietHours) -> str:
    now = datetime.now(timezone.utc)
    if moment <= now:
        return "now"
    return clock_words(moment, quiet.zone, now, lang="en") + (" (after quiet hours)" if quiet.active(now) else "")
