"""The privacy notice residents see, in one place for every channel.

It must say exactly what `bot.core.residents.redact` removes and what the storage keeps: when one changes,
change the other (tests/core/test_redact.py and tests/web/test_public.py pin both).
"""

from __future__ import annotations

REMOVED = {
    "sv": ("namn som du skriver efter till exempel ”jag heter” eller ”mitt namn är”, gatuadresser, postnummer, "
           "registreringsnummer, personnummer, telefon-, kort- och kontonummer och e-postadresser"),
    "en": ("names you write after for example “my name is” or “I'm called”, street addresses, postcodes, "
           "registration numbers, personal ID numbers, phone, card and account numbers and e-mail addresses"),
}


def privacy_notice(lang: str, retention_days: int, channel: str = "telegram") -> list[str]:
    """Short paragraphs: what is stored, why, for how long, and how to erase it.

    `channel` is "telegram", "web" or "sms": they store different things and are erased differently.
    """
    if channel == "web":
        return _web_notice(lang, retention_days)
    if channel == "sms":
        return _sms_notice(lang, retention_days)
    if lang == "en":
        return [
            f"We store your questions to improve the answers and to count what people ask about. Before a question is stored we remove {REMOVED['en']}. We cannot recognise every name, so please leave names and addresses out.",
            f"The text of your questions is deleted after {retention_days} days; only counts are kept.",
            "If you subscribe to warnings we store your municipality, language and choices, and when you said yes.",
            "We never store your phone number or your name in Telegram, and messages you ask us to check are not saved.",
            "You can erase everything about you at any time with /glom.",
        ]
    return [
        f"Vi sparar dina frågor för att förbättra svaren och räkna vad folk frågar om. Innan en fråga sparas tar vi bort {REMOVED['sv']}. Vi känner inte igen alla namn, så skriv helst inte namn eller adress.",
        f"Texten i dina frågor raderas efter {retention_days} dagar; bara antal sparas.",
        "Om du prenumererar på varningar sparar vi din kommun, ditt språk och dina val, och när du sa ja.",
        "Vi sparar aldrig ditt telefonnummer eller ditt namn i Telegram, och meddelanden du ber oss kolla sparas inte.",
        "Du kan radera allt om dig när du vill med /glom.",
    ]


def _web_notice(lang: str, retention_days: int) -> list[str]:
    if lang == "en":
        return [
            f"We store the questions you ask on this website to improve the answers and to count what people ask about. Before a question is stored we remove {REMOVED['en']}. We cannot recognise every name, so please leave names and addresses out.",
            "With each question we store when it was asked, its language, which topic the answer was about, and a random code for this browser window (only as a one-way hash), so that you can delete your questions. We store no IP address and no account; your address is held in memory for at most a minute, to limit how many questions can be sent.",
            f"The text of your questions is deleted after {retention_days} days; only counts are kept. Messages you ask us to check are not saved.",
            "The site sets no tracking cookies. It remembers your display choice (larger text, high contrast) and, if you choose one, your municipality for warnings, in cookies on your own device.",
            "The button “Delete my questions” on the question page deletes the text of the questions asked in this browser window at once and unlinks them from the code. Once the window is closed we can no longer tell which questions were yours; they are deleted after the time above.",
        ]
    return [
        f"Vi sparar frågorna du ställer på webbplatsen för att förbättra svaren och räkna vad folk frågar om. Innan en fråga sparas tar vi bort {REMOVED['sv']}. Vi känner inte igen alla namn, så skriv helst inte namn eller adress.",
        "Med varje fråga sparar vi när den ställdes, språket, vilket ämne svaret gällde och en slumpad kod för det här webbläsarfönstret (bara som en hash som inte går att vända tillbaka), så att du kan radera dina frågor. Vi sparar ingen IP-adress och inget konto; din adress hålls i minnet i högst en minut för att begränsa hur många frågor som kan skickas.",
        f"Texten i dina frågor raderas efter {retention_days} dagar; bara antal sparas. Meddelanden du ber oss kolla sparas inte.",
        "Webbplatsen sätter inga spårningskakor. Den kommer ihåg ditt val av visning (större text, hög kontrast) och, om du väljer en, din kommun för varningar, i kakor på din egen enhet.",
        "Knappen ”Radera mina frågor” på frågesidan raderar direkt texten i frågorna som ställts i det här webbläsarfönstret och tar bort kopplingen till koden. När fönstret är stängt kan vi inte längre se vilka frågor som var dina; de raderas då efter tiden ovan.",
    ]


def _sms_notice(lang: str, retention_days: int) -> list[str]:
    if lang == "en":
        return [
            f"Questions you send by SMS are stored like questions in Telegram: {REMOVED['en']} are removed first, and instead of your phone number we store a code made from it with a secret key, which cannot be turned back into the number. The text is deleted after {retention_days} days; only counts are kept. Messages you ask us to check are not saved.",
            "Your phone number is stored only if you subscribe to warnings by SMS and confirm with JA: then we keep the number, the municipality and the day you said yes, until you send STOPP, which deletes the number at once.",
            "Sending RADERA deletes everything about your number: the subscription and the questions stored under its code.",
        ]
    return [
        f"Frågor du skickar med sms sparas som frågor i Telegram: först tar vi bort {REMOVED['sv']}, och i stället för ditt telefonnummer sparar vi en kod som görs av numret med en hemlig nyckel och inte går att vända tillbaka till numret. Texten raderas efter {retention_days} dagar; bara antal sparas. Meddelanden du ber oss kolla sparas inte.",
        "Ditt telefonnummer sparas bara om du prenumererar på varningar med sms och bekräftar med JA: då sparar vi numret, kommunen och dagen du sa ja, tills du skickar STOPP, som raderar numret direkt.",
        "Skickar du RADERA raderas allt om ditt nummer: prenumerationen och frågorna som sparats under dess kod.",
    ]
