"""The dashboard's words: Swedish names for the codes staff would otherwise see, and the fixed
messages that `?ok=` and `?fel=` may name (a message never comes from the address itself)."""

from __future__ import annotations

from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.matching.models import MAX_TAUGHT

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
ERRORS = {
    "role": "Din roll räcker inte till det här.",
    "not_found": "Den varningen finns inte.",
    "own_warning": "Du skrev den här själv. En annan godkännare måste godkänna den (fyra ögon).",
    "not_awaiting": "Den här varningen väntar inte på godkännande.",
    "expired": "Varningen har redan gått ut och kan inte godkännas.",
    "replaced_already": "Den tidigare varningen är redan rättad eller återkallad; det här utkastet behövs inte längre.",
    "changed": "Någon ändrade varningen samtidigt. Titta igen och försök på nytt.",
    "not_cancellable": "Den kan inte avbrytas längre. Skriv en rättelse eller en återkallelse i stället.",
    "not_sent": "Bara en varning som har skickats kan rättas eller återkallas. Avbryt den i stället.",
    "already_withdrawn": "Den här varningen är redan rättad eller återkallad.",
    "pending_replacement": "Det finns redan en rättelse eller återkallelse av den här varningen som väntar på godkännande.",
    "not_draft": "Varningen är inte ett utkast.",
    "no_linked_staff": "Ingen i personalen har kopplat Telegram än, så testet har ingen mottagare. "
                       "Koppla ditt eget konto under Mitt konto.",
    "telegram_off": "Telegram är inte påslaget i tjänsten, så inget kan skickas dit än.",
    "invalid": "Formuläret har fel. Rätta det som står nedan.",
    "kontrollera": "Bekräfta att texten inte innehåller personuppgifter innan boten får lära sig den.",
    "for_lang": f"Texten att lära boten får ha högst {MAX_TAUGHT} tecken. Korta den och försök igen.",
}
PROBLEMS = {
    "title_length": "Rubriken ska ha 1–{max} tecken.",
    "text_length": "Texten ska ha 1–{max} tecken.",
    "english_length": "Den engelska rubriken och texten får inte vara längre än de svenska får vara.",
    "severity": "Välj hur allvarlig varningen är.",
    "municipality": "Okänd kommun: {names}.",
    "topic": "Okänt ämne: {ids}.",
    "expiry_passed": "Tiden för ”Gäller till” har redan passerat.",
    "expires_before_send": "Varningen skulle sluta gälla innan den skickas.",
    "english_pair": "Skriv både engelsk rubrik och engelsk text, eller ingen av dem.",
    "time_format": "Tiden gick inte att läsa. Välj datum och klockslag i fältet.",
}


def problem_text(code: str, details: dict) -> str:
    template = PROBLEMS.get(code) or ERRORS.get(code) or code
    return template.format(**{k: ", ".join(v) if isinstance(v, list) else v for k, v in details.items()})


def flash(query) -> tuple[str, str]:
    """The (notice, error) named by ?ok= and ?fel= in this address, from the fixed messages only."""
    return NOTICES.get(query.get("ok", ""), ""), ERRORS.get(query.get("fel", ""), "")
