"""Checking a pasted SMS, e-mail or chat message for the signs of fraud.

The check never calls a message safe: a "low" result still tells the resident what to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.core.language import detect_language
from bot.core.text import fold

HIGH, MEDIUM, LOW = "high", "medium", "low"

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][a-z0-9-]{1,62}(?:\.[a-z0-9-]{1,62})*\.(?:com|net|org|info|top|xyz|online|site|live|click|shop|app|link|icu|vip|cc|co|io|me|se|nu|eu)(?:/[^\s<>\"']*)?", re.I)
_SHORTENERS = {"bit.ly", "tinyurl.com", "t.ly", "is.gd", "goo.gl", "cutt.ly", "rebrand.ly", "shorturl.at", "t.co", "ow.ly", "s.id", "rb.gy", "tiny.cc", "bl.ink", "short.io"}
_RISKY_TLDS = {"top", "xyz", "online", "site", "live", "click", "shop", "app", "link", "icu", "vip", "cc", "info", "buzz", "rest", "sbs", "cfd"}
# Brand or authority -> its real domains. A link that names the brand on another domain is a look-alike.
_BRANDS = {
    "postnord": ("postnord.se", "postnord.com"),
    "dhl": ("dhl.com", "dhl.se"),
    "bring": ("bring.se", "bring.com"),
    "budbee": ("budbee.com",),
    "instabox": ("instabox.io", "instabox.se"),
    "skatteverket": ("skatteverket.se",),
    "forsakringskassan": ("forsakringskassan.se",),
    "kronofogden": ("kronofogden.se",),
    "tullverket": ("tullverket.se",),
    "transportstyrelsen": ("transportstyrelsen.se",),
    "polisen": ("polisen.se",),
    "bankid": ("bankid.com",),
    "swedbank": ("swedbank.se", "swedbank.com"),
    "handelsbanken": ("handelsbanken.se", "handelsbanken.com"),
    "nordea": ("nordea.se", "nordea.com"),
    "seb": ("seb.se",),
    "swish": ("swish.nu", "getswish.se"),
    "klarna": ("klarna.com", "klarna.se"),
    "blocket": ("blocket.se",),
    "tradera": ("tradera.com", "tradera.se"),
    "netflix": ("netflix.com",),
    "apple": ("apple.com",),
    "microsoft": ("microsoft.com",),
    "paypal": ("paypal.com",),
    "1177": ("1177.se",),
    "kivra": ("kivra.com", "kivra.se"),
}


@dataclass(frozen=True)
class Signal:
    id: str
    weight: int  # 4 = fraud on its own, 3 = strong sign, 2 = clear warning sign, 1 = worth noticing
    topics: tuple[str, ...]
    sv: str
    en: str
    pattern: re.Pattern[str] | None = None

    def explanation(self, lang: str) -> str:
        return self.en if lang == "en" else self.sv


def _p(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


# Patterns run on folded text (lowercase, å/ä/ö -> a/a/o).
SIGNALS: tuple[Signal, ...] = (
    Signal("lookalike-link", 4, ("sms-phishing", "email-phishing"),
           "Länken går till en adress som liknar ett känt företag eller en myndighet men inte är deras riktiga webbplats.",
           "The link goes to an address that looks like a known company or authority but is not their real website."),
    Signal("short-link", 2, ("sms-phishing",),
           "Länken är förkortad, så du kan inte se vart den leder.",
           "The link is shortened, so you cannot see where it leads."),
    Signal("risky-link", 2, ("sms-phishing", "email-phishing"),
           "Länken har en ovanlig adress (t.ex. siffror eller en ovanlig ändelse) som seriösa avsändare sällan använder.",
           "The link has an unusual address (such as numbers or an odd ending) that real senders rarely use."),
    Signal("link", 1, (),
           "Meddelandet innehåller en länk. Klicka inte på länkar du inte väntat dig – gå hellre själv till den riktiga webbplatsen eller appen.",
           "The message contains a link. Don't click links you didn't expect – go to the real website or app yourself instead."),
    Signal("bankid-or-login", 3, ("bankid-misuse", "bank-impersonation"),
           "Du ombeds logga in, legitimera dig, signera eller lämna koder. Riktiga banker och myndigheter ber aldrig om det i ett sms, mejl eller samtal.",
           "You are asked to log in, identify yourself, sign or give codes. Real banks and authorities never ask for that in a text, e-mail or call.",
           _p(r"\b(logga in|loggar in|logga pa|legitimera|signera|verifiera|bekrafta (dina|din|ditt|era|adress|leverans|betalning|kontot)|uppdatera (dina|din|ditt)|identifiera dig)",
              r"\bbank ?id\b.*\b(oppna|signera|legitimera|skanna|godkann|logga)", r"\b(oppna|signera|legitimera|skanna|godkann)\b.*\bbank ?id\b",
              r"\bbank ?id(t)? (redo|till hands|framme)",
              r"\b(log ?in|sign in|verify your|confirm your|update your (details|account|payment)|validate your)")),
    Signal("codes-or-card", 3, ("card-fraud", "bank-impersonation"),
           "Du ombeds lämna kortuppgifter, koder eller lösenord. Sådant ska du aldrig lämna till någon som hör av sig till dig.",
           "You are asked for card details, codes or passwords. Never give those to anyone who contacts you.",
           _p(r"\b(ange|uppge|lamna|skicka|las upp|berata|ge mig|skriv in) (din |dina |ditt |koden|kortuppgifter|kortnummer|cvc|cvv|pinkod|losenord|sakerhetskod|engangskod)",
              r"\b(kortuppgifter|kortnummer|cvc|cvv)\b",
              r"\b(send|give|tell|enter|provide|read) (me |us )?(your |the )?(card (details|number)|cvv|cvc|pin|password|code)")),
    Signal("money-request", 2, ("family-impersonation", "marketplace-scam"),
           "Du ombeds betala, swisha eller föra över pengar. Dubbelkolla alltid med avsändaren på ett annat sätt först.",
           "You are asked to pay, Swish or transfer money. Always double-check with the sender another way first.",
           _p(r"\b(swisha|betala|betalas|overfor|overfora|skicka (tillbaka )?(pengar|pengarna|\d)|lana ut|\w*avgift(en)?|frakt(kostnad)|lan(a)? mig|deposition\w*|handpenning\w*|forskott\w*)\b",
              r"\b(pay|transfer|send (me )?money|send (it|them) back|wire|fee|lend me|outstanding|deposit|upfront|advance fee)\b")),
    Signal("gift-cards-crypto", 3, ("investment-scam", "tech-support-scam"),
           "Betalning med presentkort, kryptovaluta eller via okända appar är ett vanligt kännetecken för bedrägeri.",
           "Payment with gift cards, crypto currency or unfamiliar apps is a common sign of fraud.",
           _p(r"\b(presentkort|gift ?cards?|itunes|google play|steam ?kort|bitcoin|btc|krypto\w*|crypto\w*|usdt|western union)\b")),
    Signal("urgency-threat", 2, ("authority-impersonation", "sms-phishing"),
           "Meddelandet skapar stress eller hotar (\"inom 24 timmar\", \"annars stängs kontot\"). Bedragare vill att du ska agera innan du hinner tänka.",
           "The message creates stress or threatens (\"within 24 hours\", \"or your account is closed\"). Fraudsters want you to act before you think.",
           _p(r"\b(inom|senast) \d+ ?(timmar|tim|h|dagar|minuter)\b", r"\b(omedelbart|snarast|sista (dagen|chansen|paminnelsen|varningen)|akut|brad(skande)?|innan kl)\b",
              r"\b(annars|spar(ras|rat|rad)|avslutas|inkasso|kronofogden|rattsliga atgarder|polisanmalan|straffavgift|dras in)\b",
              r"\b(kontot|kortet|tjansten|abonnemanget|bankid|konto|kort)\b.{0,30}\b(stangs|stangts|stangt|blockeras|spars)\b",
              r"\b(urgent|immediately|within \d+ ?hours|final (notice|warning|reminder)|suspended|blocked|will be (closed|deleted|cancelled)|legal action|last chance|expires? today)\b")),
    Signal("new-number", 4, ("family-impersonation",),
           "\"Jag har nytt nummer\" följt av en begäran om pengar är det vanliga \"Hej mamma\"-bedrägeriet. Ring ditt barn på det gamla numret.",
           "\"I have a new number\" followed by a request for money is the common \"Hi mum\" fraud. Call your child on the old number.",
           _p(r"\b(nytt nummer|ny telefon|nya nummer|bytt nummer|tappat (min )?(telefon|mobil)|telefonen (gick sonder|ar trasig)|mobilen (gick sonder|ar trasig)|spara (mitt )?(nya )?nummer)",
              r"\b(new (phone|number)|changed my number|lost my phone|phone (broke|is broken)|save (my )?(new )?number)")),
    Signal("family-greeting", 1, ("family-impersonation",),
           "Meddelandet låtsas komma från en nära anhörig. Kontrollera genom att ringa personen på numret du redan har.",
           "The message claims to be from a close relative. Check by calling the person on the number you already have.",
           _p(r"\b(hej|hallo|hi|hey) (mamma|pappa|mormor|morfar|farmor|farfar|mom|mum|dad|grandma|grandpa)\b")),
    Signal("prize-refund", 2, ("prize-inheritance-scam", "authority-impersonation"),
           "Du lovas en vinst, ett arv eller en återbetalning. Äkta vinster och återbetalningar kräver aldrig att du betalar eller loggar in via en länk.",
           "You are promised a prize, an inheritance or a refund. Real prizes and refunds never require you to pay or log in through a link.",
           _p(r"\b(grattis|vunnit|vinnare|vinst|arv|arvinge|dodsbo|aterbetalning|aterbaring|skatteaterbaring|utbetalning|pengar tillbaka|belon(ing|ning))\b",
              r"\b(congratulations|you (have )?won|winner|prize|inheritance|heirs?|estate of|refund|reward|claim (your|his|her|the))\b",
              r"\b\d+([.,]\d+)? ?(miljoner|million|mio)\b")),
    Signal("remote-access", 4, ("tech-support-scam",),
           "Du ombeds installera en app för fjärrstyrning (t.ex. AnyDesk eller TeamViewer). Då kan en främling styra din dator eller telefon.",
           "You are asked to install a remote-control app (such as AnyDesk or TeamViewer). Then a stranger can control your computer or phone.",
           _p(r"\b(anydesk|teamviewer|quicksupport|rustdesk|supremo|fjarrstyr\w*|fjarrhjalp|remote (access|desktop|control)|screen ?share)\b")),
    Signal("secrecy", 4, ("bank-impersonation", "police-impersonation", "romance-scam"),
           "Du ombeds hålla det hemligt. Ingen bank, polis eller myndighet ber dig att inte berätta för dina närstående.",
           "You are asked to keep it secret. No bank, police or authority asks you not to tell your family.",
           _p(r"\b(beratta inte|sag (inget|ingenting|inte)|hall (det )?(hemligt|tyst)|mellan oss|ingen (annan )?far veta|prata inte med)",
              r"\b(don'?t tell|do not tell|keep (this|it) (secret|between us)|between you and me)")),
    Signal("investment-promise", 2, ("investment-scam",),
           "Meddelandet lovar hög eller säker avkastning. Ingen seriös investering kan lova det.",
           "The message promises high or guaranteed returns. No honest investment can promise that.",
           _p(r"\b(avkastning|garanterad|investera|investering|trading|tjana \d+|dubbla (dina )?pengar|passiv inkomst|riskfri)\b",
              r"\b(guaranteed|returns?|invest(ment)?|profit|double your money|passive income|risk[- ]free)\b")),
    Signal("easy-job", 3, ("job-scam", "money-mule"),
           "Ett erbjudande om snabba pengar för enkla uppgifter (gilla, recensera, ta emot pengar) är ett vanligt lockbete.",
           "An offer of quick money for easy tasks (liking, reviewing, receiving money) is a common lure.",
           _p(r"\b(tjana|tjanar|extrainkomst|extra inkomst|jobba hemifran|gilla (videor|inlagg)|betygsatt\w*|recensera)\b.{0,60}\b(kr|kronor|sek|\$|usd|eur)\b",
              r"\b\d[\d ]*(kr|kronor|sek) (per|om|i) (dag|dagen|timme|timmen)\b",
              r"\b(earn|make) \$?\d+", r"\b(work from home|per day|a day|rating products|like videos)\b.{0,60}\b(earn|\$|usd|eur|kr|sek)\b")),
    Signal("wrong-payment", 3, ("money-mule",),
           "Någon säger att de skickat pengar till dig av misstag och ber dig skicka dem vidare. Det kan göra dig till penningmålvakt – kontakta din bank i stället.",
           "Someone says they sent you money by mistake and asks you to send it on. That can make you a money mule – contact your bank instead.",
           _p(r"\b(swishat|swishade|skickat|skickade|overfort|overforde|satt in)\b.{0,40}\b(av misstag|fel nummer|till fel|felaktigt)",
              r"\b(sent|transferred|paid)\b.{0,40}\b(by mistake|wrong (number|account|person))")),
    Signal("too-good-offer", 2, ("fake-webshop", "subscription-trap"),
           "Erbjudandet är för bra för att vara sant (jätterabatt, gratis, \"allt ska bort\"). Falska butiker lockar så.",
           "The offer is too good to be true (huge discount, free, \"everything must go\"). Fake shops lure you that way.",
           _p(r"\b([5-9]\d) ?% (rabatt|off|discount)", r"(^|\s)-\s?[5-9]\d ?%", r"\b(stangningsrea|slutrea|allt ska bort|gratis provperiod|betala bara frakten|everything must go|free trial|just pay (the )?shipping)\b")),
    Signal("qr-code", 2, ("qr-code-scam",),
           "Du ombeds skanna en QR-kod. En QR-kod kan leda till en falsk sida eller starta en BankID-inloggning åt en bedragare.",
           "You are asked to scan a QR code. A QR code can lead to a fake page or start a BankID login for a fraudster.",
           _p(r"\b(skanna|scanna|scan)\b.*\b(qr|kod|koden|code)\b", r"\bqr ?(kod|koden|code)\b")),
    Signal("safe-account", 4, ("bank-impersonation", "police-impersonation"),
           "Du ombeds flytta pengar till ett \"säkert konto\" eller lämna ifrån dig kort och värdesaker. Det gör aldrig en riktig bank eller polis.",
           "You are asked to move money to a \"safe account\" or hand over cards and valuables. A real bank or police never does that.",
           _p(r"\b(sakert konto|skyddat konto|sakerhetskonto|flytta (dina |era )?pengar|hamta (dina |ditt )?(kort|bankkort|smycken|kontanter|vardesaker))",
              r"\b(kontanter|bankkort|kort|korten|smycken|vardesaker)( och \w+)? (framme|redo|till hands)",
              r"\bga igenom (dina |era )?(vardesaker|smycken|kontanter)",
              r"\b(safe account|secure account|move your money|collect your (card|cards|cash|jewel))")),
    Signal("romance-money", 2, ("romance-scam",),
           "Någon du bara känner på nätet pratar om kärlek och behöver pengar. Det är det vanliga mönstret i kärleksbedrägerier.",
           "Someone you only know online talks about love and needs money. That is the usual pattern of romance scams.",
           _p(r"\b(alskling|min kara|alskar dig|langtar|my love|darling|sweetheart|i love you|miss you)\b.*\b(pengar|swish|biljett|tull|sjukhus|\d+ ?kr\b|money|ticket|hospital|customs|fee)",
              r"\b(pengar|money)\b.*\b(alskling|alskar dig|my love|darling)\b")),
    Signal("changed-payment-details", 4, ("ceo-fraud", "invoice-fraud"),
           "Meddelandet säger att betalningar ska gå till ett nytt konto eller bankgiro. Kontrollera alltid ändrade betaluppgifter genom att ringa ett nummer du redan har.",
           "The message says payments should go to a new account. Always check changed payment details by calling a number you already have.",
           _p(r"\b(nytt|nya|andrat|andrade) (bankgiro|plusgiro|kontonummer|konto|betalningsuppgifter|bankuppgifter)\b", r"\bbytt bank\b",
              r"\b(new|changed|updated) (bank|account|payment) (details|account|number)\b")),
    Signal("personal-details", 3, ("prize-inheritance-scam", "identity-theft"),
           "Du ombeds skicka personuppgifter eller bankuppgifter. Sådant kan användas för att ta lån eller pengar i ditt namn.",
           "You are asked to send personal or bank details. They can be used to take loans or money in your name.",
           _p(r"\b(skicka|ange|uppge|svara med|lamna)\b.{0,40}\b(personnummer|bankuppgifter|kontouppgifter|kontonummer|adress)\b",
              r"\b(reply|send|provide|give)\b.{0,40}\b(full name|address|bank details|account details|date of birth|passport)\b")),
    Signal("call-this-number", 2, ("bank-impersonation", "authority-impersonation"),
           "Du ombeds ringa ett nummer som står i meddelandet. Ring hellre numret du själv hittar på kortet, i appen eller på den riktiga webbplatsen.",
           "You are asked to call a number given in the message. Call the number you find yourself on your card, in the app or on the real website instead.",
           _p(r"\b(ring|kontakta) (oss|mig|upp|tillbaka|handlaggaren|var \w+)? ?(omgaende|snarast|direkt|genast)? ?(pa|via)? ?(nummer |numret )?\+?\d",
              r"\bcall (us|me|back)? ?(immediately|now|urgently)? ?(on|at) \+?\d")),
    Signal("bank-security-department", 2, ("bank-impersonation",),
           "Avsändaren säger sig vara bankens säkerhets- eller bedrägeriavdelning. Det är den vanligaste förklädnaden i bankbedrägerier.",
           "The sender claims to be the bank's security or fraud department. That is the most common disguise in bank fraud.",
           _p(r"\b(sakerhetsavdelning\w*|bedrageriavdelning\w*|sakerhetsteam\w*)", r"\b(security|fraud) (department|team)\b")),
    Signal("fundraising", 2, ("charity-scam",),
           "Meddelandet ber om pengar till en insamling. Ge hellre via organisationens egen webbplats, och kontrollera att den har 90-konto.",
           "The message asks for money for a fundraiser. Give through the organisation's own website instead, and check that it is registered.",
           _p(r"\b(insamling\w*|skank|skanka|donera|donation\w*|varje krona|bidra med|stod (oss|de drabbade))\b",
              r"\b(donate|donation|fundrais\w*|every (penny|pound|krona) counts|help the (children|victims))\b")),
    Signal("large-amount", 1, (),
           "Det handlar om ett stort belopp. Ta god tid på dig och fråga någon du litar på innan du betalar.",
           "It is about a large amount. Take your time and ask someone you trust before you pay."),
    Signal("authority-name", 1, ("authority-impersonation",),
           "Meddelandet använder en myndighets, banks eller ett företags namn. Det är lätt att fejka – kontakta dem själv via deras riktiga webbplats eller app.",
           "The message uses the name of an authority, bank or company. That is easy to fake – contact them yourself through their real website or app.",
           _p(r"\b(skatteverket|forsakringskassan|kronofogden|tullverket|transportstyrelsen|polisen|postnord|dhl|bankid|swedbank|handelsbanken|nordea|seb|klarna|netflix|apple|microsoft|paypal|vagtull|trangselskatt)\b")),
)
_BY_ID = {s.id: s for s in SIGNALS}
_OFFICIAL_DOMAINS = {d for domains in _BRANDS.values() for d in domains} | {
    "harnosand.se", "kramfors.se", "solleftea.se", "krisinformation.se", "verksamt.se", "regionvasternorrland.se",
}
_STRONG_PAIRS = {
    frozenset({"money-request", "link"}), frozenset({"new-number", "money-request"}),
    frozenset({"authority-name", "link"}), frozenset({"prize-refund", "link"}),
    frozenset({"urgency-threat", "link"}), frozenset({"urgency-threat", "money-request"}),
    frozenset({"prize-refund", "money-request"}), frozenset({"family-greeting", "money-request"}),
    frozenset({"romance-money", "money-request"}), frozenset({"authority-name", "money-request"}),
    frozenset({"call-this-number", "bank-security-department"}), frozenset({"call-this-number", "urgency-threat"}),
    frozenset({"money-request", "investment-promise"}), frozenset({"money-request", "risky-link"}),
    frozenset({"money-request", "short-link"}), frozenset({"money-request", "large-amount"}),
    frozenset({"money-request", "fundraising"}), frozenset({"risky-link", "too-good-offer"}),
}
_LOW_ADVICE = {
    "sv": "Jag hittade inga tydliga tecken på bedrägeri, men det betyder inte att meddelandet är säkert. Kontrollera avsändaren på ett annat sätt, klicka inte på länkar du inte väntat dig och lämna aldrig koder, kortuppgifter eller BankID till någon som hör av sig.",
    "en": "I found no clear signs of fraud, but that does not mean the message is safe. Check the sender another way, don't click links you didn't expect, and never give codes, card details or BankID to anyone who contacts you.",
}


@dataclass(frozen=True)
class FoundSignal:
    id: str
    explanation: str


@dataclass(frozen=True)
class CheckResult:
    risk: str
    signals: tuple[FoundSignal, ...]
    topics: tuple[str, ...]
    lang: str
    advice: str

    def as_dict(self) -> dict:
        return {
            "risk": self.risk,
            "signals": [{"id": s.id, "explanation": s.explanation} for s in self.signals],
            "topics": list(self.topics),
            "lang": self.lang,
            "advice": self.advice,
        }


def check_message(text: str, default_lang: str = "sv") -> CheckResult:
    """Look for the signs of fraud in a pasted message and rate the risk high, medium or low."""
    text = (text or "")[:20_000]
    lang = detect_language(text, default_lang)
    folded = fold(text)
    links, official_only = _link_signals(text)
    found: list[str] = [*links]
    if _largest_amount(folded) >= LARGE_AMOUNT:
        found.append("large-amount")
    found += [s.id for s in SIGNALS if s.pattern is not None and _affirmed(s.pattern, folded)]
    found = list(dict.fromkeys(found))
    if "link" in found:
        found = [i for i in found if i != "link"] + ["link"]  # the plain link advice goes last
    weights = {i: _BY_ID[i].weight for i in found}
    if official_only and "bankid-or-login" in weights:
        weights["bankid-or-login"] = 1  # "log in at 1177.se": the only links go to the real site
    others = [i for i in found if weights[i] >= 2]
    # A link to the sender's real website is no warning sign in itself.
    paired = set(found) - {"link"} if official_only else set(found)
    score = sum(w for i, w in weights.items() if i != "link")
    if (
        any(w >= 4 for w in weights.values())
        or any(w >= 3 for w in weights.values()) and len(found) >= 2
        or any(pair <= paired for pair in _STRONG_PAIRS)
        or score >= 5
    ):
        risk = HIGH
    elif score >= 3 or len(others) >= 2:
        risk = MEDIUM
    else:
        risk = LOW
    topics: list[str] = []
    for i in found:
        for t in _BY_ID[i].topics:
            if t not in topics:
                topics.append(t)
    signals = tuple(FoundSignal(i, _BY_ID[i].explanation(lang)) for i in found)
    advice = _LOW_ADVICE[lang] if risk == LOW else ""
    return CheckResult(risk, signals, tuple(topics[:4]), lang, advice)


LARGE_AMOUNT = 1000  # kronor
_AMOUNT = re.compile(r"\b(\d{1,3}(?:[ .\u00a0]\d{3})+|\d+)(?:[.,]\d+)? ?(?:kr|kronor|sek|:-)(?!\w)")


def _largest_amount(folded: str) -> int:
    amounts = [int(re.sub(r"\D", "", m.group(1))) for m in _AMOUNT.finditer(folded)]
    return max(amounts, default=0)


_NEGATION = re.compile(r"\b(aldrig|inte|ej|ingen|inga|never|not|no|don'?t|won'?t)\b")


def _affirmed(pattern: re.Pattern[str], folded: str) -> bool:
    """True when `pattern` occurs without a negation just before it ("vi ber aldrig om koder")."""
    for match in pattern.finditer(folded):
        before = folded[max(0, match.start() - 80): match.start()]
        sentence = re.split(r"[.!?\n,;]|\bmen\b|\bbut\b", before)[-1]
        if not _NEGATION.search(sentence):
            return True
    return False


def _link_signals(text: str) -> tuple[list[str], bool]:
    """Signals from the links in `text`, and whether every link goes to a known real domain."""
    found: list[str] = []
    official = True
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        host = (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower()
        if not host or "." not in host:
            continue
        found.append("link")
        if host.startswith("www."):
            host = host[4:]
        if not any(host == d or host.endswith("." + d) for d in _OFFICIAL_DOMAINS):
            official = False
        if host in _SHORTENERS:
            found.append("short-link")
            continue
        labels = host.split(".")
        if re.fullmatch(r"[\d.]+", host) or host.startswith("xn--") or ".xn--" in host or labels[-1] in _RISKY_TLDS or host.count("-") >= 2:
            found.append("risky-link")
        squashed = host.replace("-", "").replace(".", "")
        for brand, domains in _BRANDS.items():
            if brand in squashed and not any(host == d or host.endswith("." + d) for d in domains):
                found.append("lookalike-link")
                break
    return found, official and bool(found)
