"""Every sentence the SMS channel says itself (answers and checks come from the core).

Plain GSM-7 text, short: at most two segments each with the municipality filled in (the consent
question needs the room to say what is kept and how to stop).
"""

from __future__ import annotations

TEXTS = {
    "sv": {
        "ask_consent": "Vill du få varningar om bedrägerier i {municipality} med sms? Svara JA. Vi sparar ditt nummer, "
                       "kommunen och dagen du svarar, tills du skickar STOPP. RADERA tar bort allt.",
        "subscribed": "Klart! Du får varningar om bedrägerier i {municipality}. Sluta när du vill: skicka STOPP.",
        "moved": "Du får nu varningar för {municipality} i stället. Sluta: skicka STOPP.",
        "stopped": "Du får inga fler varningar och ditt nummer är borttaget. Börja igen: skicka VARNING och din kommun.",
        "not_subscribed": "Du får inga varningar från oss och vi har inte ditt nummer sparat.",
        "erased": "Allt om ditt nummer är raderat: prenumeration och frågor. Du kan fortfarande fråga oss.",
        "nothing_to_confirm": "Det finns inget att bekräfta. Vill du få varningar? Skicka VARNING och din kommun ({choices}).",
        "which_municipality": "Vilken kommun? Skicka VARNING och kommunen: {choices}.",
        "or": "eller",
        "clarify_choices": "Menar du",
        "write_more": "Skriv gärna lite mer om vad som hänt.",
        "slow_down": "Du har skickat många sms på kort tid. Vänta en stund och skriv igen. Händer det just nu? Ring 112.",
    },
    "en": {
        "ask_consent": "Do you want fraud warnings for {municipality} by SMS? Reply JA. We keep your number, the "
                       "municipality and the day you reply until you send STOPP. RADERA deletes everything.",
        "subscribed": "Done! You will get fraud warnings for {municipality}. Stop any time: send STOPP.",
        "moved": "You now get warnings for {municipality} instead. Stop: send STOPP.",
        "stopped": "You will get no more warnings and your number is deleted. Start again: send VARNING and your municipality.",
        "not_subscribed": "You get no warnings from us and we have not stored your number.",
        "erased": "Everything about your number is deleted: subscription and questions. You can still ask us.",
        "nothing_to_confirm": "There is nothing to confirm. Want warnings? Send VARNING and your municipality ({choices}).",
        "which_municipality": "Which municipality? Send VARNING and the municipality: {choices}.",
        "or": "or",
        "clarify_choices": "Do you mean",
        "write_more": "Please write a little more about what happened.",
        "slow_down": "You have sent many texts in a short time. Please wait a while and write again. Happening now? Call 112.",
    },
}


def sms_text(lang: str, key: str, **values: str) -> str:
    return TEXTS.get(lang, TEXTS["sv"])[key].format(**values)


def choice_list(lang: str, items: tuple[str, ...] | list[str]) -> str:
    """"A, B eller C" in the resident's language."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {sms_text(lang, 'or')} {items[-1]}"
