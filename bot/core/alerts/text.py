"""The words of a warning as residents read it, and of a refusal as staff read it, independent of the channel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from bot.core.words import Section, section
from bot.storage.alert_model import Alert

# {lang: {name: text}} from the `severity.` and `alert.` parts of bot/locale/<lang>/LC_MESSAGES/fraudbot.po
SEVERITY_LABEL = Section("severity")
ICON = {"info": "ℹ️", "warning": "⚠️", "urgent": "🚨"}
WORDS = Section("alert")


@dataclass(frozen=True)
class AlertText:
    heading: str  # icon + severity + title
    body: str
    where: str
    footer: str
    marker: str = ""  # TEST / WITHDRAWN / CORRECTED line shown first


def alert_text(alert: Alert, lang: str, *, marker: str = "") -> AlertText:
    words = WORDS.get(lang) or WORDS["sv"]
    where = ", ".join(alert.municipalities) if alert.municipalities else words["all"]
    heading = f"{ICON[alert.severity]} {(SEVERITY_LABEL.get(lang) or SEVERITY_LABEL['sv'])[alert.severity]}: {alert.title(lang)}"
    return AlertText(heading, alert.text(lang), where, words["footer"], words.get(marker, ""))


def format_alert(text: AlertText, *, strong: Callable[[str], str], emphasis: Callable[[str], str],
                 plain: Callable[[str], str], body: str | None = None) -> str:
    """The warning in reading order – marker, heading, body, where, what to do – one part a line.

    Each channel passes its own formatting (Telegram and web HTML escape and tag; a plain-text
    channel passes `str`), so every channel shows the same warning. `body` replaces the text when a
    channel has to shorten it.
    """
    head = [strong(text.marker), ""] if text.marker else []
    return "\n".join([*head, strong(text.heading), "", plain(text.body if body is None else body), "",
                      emphasis(text.where), plain(text.footer)])


def alert_html(text: AlertText, body: str | None = None) -> str:
    """The warning in the HTML both Telegram and the web read (`<b>`, `<i>`, escaped text, newlines)."""
    return format_alert(text, strong=lambda s: f"<b>{escape(s)}</b>", emphasis=lambda s: f"<i>{escape(s)}</i>",
                        plain=escape, body=body)


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang) or WORDS["sv"]


def refusal_text(code: str, problems: list[tuple[str, dict[str, object]]], lang: str = "sv") -> str:
    """Why a warning action was refused, in the staff member's language (an AlertError's code and problems).

    A form's problems each say what to fix; any other refusal has one fixed text per code.
    """
    if code == "invalid" and problems:
        return " ".join(problem_text(c, details, lang) for c, details in problems)
    errors = section(lang, "staff.error")
    return errors.get(code) or errors["invalid"]


def problem_text(code: str, details: dict[str, object], lang: str = "sv") -> str:
    """One problem of a warning's form (or a refusal's code) in words, its details filled in."""
    template = section(lang, "staff.problem").get(code) or section(lang, "staff.error").get(code) or code
    return template.format(**{k: ", ".join(v) if isinstance(v, (list, tuple)) else v for k, v in details.items()})
