"""The words of a warning as residents read it, independent of the channel."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

from bot.storage.alert_model import Alert

SEVERITY_LABEL = {
    "sv": {"info": "Information", "warning": "Varning", "urgent": "BRÅDSKANDE VARNING"},
    "en": {"info": "Information", "warning": "Warning", "urgent": "URGENT WARNING"},
}
ICON = {"info": "ℹ️", "warning": "⚠️", "urgent": "🚨"}
WORDS = {
    "sv": {"all": "Härnösand, Kramfors och Sollefteå", "test": "TEST – skickas bara till personal, inte till invånare",
           "withdrawn": "ÅTERKALLAD – den här varningen gäller inte längre.",
           "corrected": "RÄTTAD – se det nya meddelandet med rätt uppgifter.",
           "digest": "Veckans varningar", "footer": "Händer det just nu? Ring 112. Anmäl till polisen på 114 14.",
           "got_it": "Jag fick också detta", "thanks": "Tack"},
    "en": {"all": "Härnösand, Kramfors and Sollefteå", "test": "TEST – sent to staff only, not to residents",
           "withdrawn": "WITHDRAWN – this warning no longer applies.",
           "corrected": "CORRECTED – see the new message with the right details.",
           "digest": "This week's warnings", "footer": "Is it happening right now? Call 112. Report to the police on 114 14.",
           "got_it": "I got this too", "thanks": "Thanks"},
}


@dataclass(frozen=True)
class AlertText:
    heading: str  # icon + severity + title
    body: str
    where: str
    footer: str
    marker: str = ""  # TEST / WITHDRAWN / CORRECTED line shown first


def alert_text(alert: Alert, lang: str, *, marker: str = "") -> AlertText:
    words = WORDS.get(lang, WORDS["sv"])
    where = ", ".join(alert.municipalities) if alert.municipalities else words["all"]
    heading = f"{ICON[alert.severity]} {SEVERITY_LABEL[lang if lang in SEVERITY_LABEL else 'sv'][alert.severity]}: {alert.title(lang)}"
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
    return WORDS.get(lang, WORDS["sv"])
