"""The dashboard's words: Swedish names for the codes staff would otherwise see, and the fixed
messages that `?ok=` and `?fel=` may name (a message never comes from the address itself)."""

from __future__ import annotations

from bot.core.alerts.text import problem_text  # noqa: F401  (the views' name for it)
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.matching.models import MAX_TAUGHT
from bot.core.words import Texts, fill

ROLES = {"viewer": "läsare", "editor": "redaktör", "approver": "godkännare", "admin": "administratör"}
STATES = {
    "draft": "utkast", "awaiting_approval": "väntar på godkännande", "approved": "godkänd", "scheduled": "schemalagd",
    "sending": "skickas", "sent": "skickad", "cancelled": "avbruten", "expired": "utgången",
}
SEVERITIES = {"info": "Information", "warning": "Varning", "urgent": "Brådskande"}
SEVERITY_HELP = {
    "info": "Information: går ut mellan 08 och 21 till dem som valt ämnet.",
    "warning": "Varning: går ut mellan 08 och 21 till dem som valt ämnet.",
    "urgent": "Brådskande: går ut direkt, också på natten, till alla prenumeranter i kommunerna oavsett ämne.",
}
OUTCOMES = {"answer": "Svar", "clarify": "Motfråga (flera ämnen passar)", "fallback": "Inget svar"}
REACTIONS = {"got_it_too": "”Jag fick också detta”", "thanks": "”Tack”"}
CATEGORY_NAMES = {key: names["sv"] for key, names in CATEGORIES.items()}
KINDS = {"warning": "Varning", "correction": "Rättelse", "withdrawal": "Återkallelse"}

AUDIT_ACTIONS = {
    "staff.login": "loggade in", "staff.logout": "loggade ut", "staff.login_failed": "misslyckad inloggning",
    "staff.password_check_failed": "fel nuvarande lösenord vid lösenordsbyte", "staff.add": "lade till ett konto",
    "staff.reset_password": "gav ett nytt engångslösenord", "staff.disable": "stängde av ett konto",
    "staff.change_password": "bytte sitt lösenord", "staff.link_code": "hämtade en kod för att koppla Telegram",
    "staff.link_telegram": "kopplade sitt Telegramkonto",
    "alert.create": "skrev en varning", "alert.submit": "skickade en varning för godkännande",
    "alert.approve": "godkände", "alert.cancel": "avbröt", "alert.send_test": "skickade ett test till personalen",
    "alert.propose_correction": "skrev en rättelse", "alert.propose_withdrawal": "skrev en återkallelse",
    "alert.correct": "godkände rättelsen – den ersätter varningen", "alert.withdraw": "godkände återkallelsen",
    "alert.sending": "utskicket började", "alert.sent": "utskicket är klart", "alert.expired": "varningen gick ut",
    "question.handled": "markerade frågor som hanterade", "question.link_topic": "kopplade frågor till ett ämne",
    "phrase.suggest": "föreslog en fras", "phrase.close": "markerade ett frasförslag som klart",
    "taught.add": "lärde boten en fråga", "taught.remove": "tog bort en inlärd fråga",
    "tip.forwarded": "skickade vidare ett tips",
}
AUDIT_OBJECTS = {"alert": "varning", "staff": "konto", "question": "fråga", "phrase_suggestion": "frasförslag",
                 "taught_question": "inlärd fråga", "welfare_tip": "tips"}
AUDIT_DETAILS = {
    "title": "rubrik", "severity": "allvar", "municipalities": "kommuner", "state": "läge", "recipients": "mottagare",
    "draft": "utkast nr", "correction": "rättelse nr", "written_by": "skriven av", "approved_by": "godkänd av",
    "previous_state": "läge innan", "count": "antal", "topic": "ämne", "username": "användarnamn", "role": "roll",
    "sent": "skickade", "failed": "misslyckade", "blocked": "blockerade",
}
_HIDDEN_DETAILS = {"ids"}  # long lists of question numbers say nothing to a reader


def audit_details(details: dict) -> list[tuple[str, str]]:
    """An audit entry's details as (Swedish name, readable value) pairs."""
    pairs = []
    for key, value in details.items():
        if key in _HIDDEN_DETAILS:
            continue
        if key == "severity":
            value = SEVERITIES.get(value, value)
        elif key in ("state", "previous_state"):
            value = STATES.get(value, value)
        elif key == "role":
            value = ROLES.get(value, value)
        elif key == "municipalities":
            value = "alla" if value == "all" else ", ".join(value) if isinstance(value, list) else value
        pairs.append((AUDIT_DETAILS.get(key, key), str(value)))
    return pairs


# Fixed messages for ?ok=KEY and ?fel=KEY. An unknown key shows nothing.
NOTICES = {
    "losenord": "Ditt lösenord är bytt. Andra inloggningar med ditt konto är avslutade.",
    "skriven": "Varningen är sparad och väntar på att en annan godkännare godkänner den.",
    "godkand": "Godkänd. Varningen skickas så snart den får gå ut.",
    "ersatt": "Godkänd. Den ersätter nu den tidigare varningen överallt: i Telegram, på /varningar och i flödena.",
    "test": "Testet är köat till personalen som har kopplat Telegram.",
    "avbruten": "Avbruten. Inget skickas.",
    "rattelse": "Rättelsen är sparad. Den ändrar ingenting förrän en annan godkännare har godkänt den.",
    "aterkallelse": "Återkallelsen är sparad. Den ändrar ingenting förrän en annan godkännare har godkänt den.",
    "hanterade": "Frågorna är markerade som hanterade.",
    "vidare": "Sparat vart tipset skickades.",
    "borttagen": "Frågan är borttagen ur det boten lär sig av. Boten tränas om inom en halv minut.",
}
ERRORS = Texts("staff.error")  # from bot/locale/sv/LC_MESSAGES/fraudbot.po, like every refusal staff read
PROBLEMS = Texts("staff.problem")


def flash(query) -> tuple[str, str]:
    """The (notice, error) named by ?ok= and ?fel= in this address, from the fixed messages only."""
    return NOTICES.get(query.get("ok", ""), ""), fill(ERRORS.get(query.get("fel", ""), ""), {"max_taught": MAX_TAUGHT})
