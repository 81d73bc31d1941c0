"""The privacy notice residents see, in one place for every channel."""

from __future__ import annotations


def privacy_notice(lang: str, retention_days: int) -> list[str]:
    """Short paragraphs: what is stored, why, for how long, and how to erase it."""
    if lang == "en":
        return [
            "We store your questions without personal numbers (personal ID, phone, card and account numbers and e-mail addresses are removed) to improve the answers and to count what people ask about.",
            f"The text of your questions is deleted after {retention_days} days; only counts are kept.",
            "If you subscribe to warnings we store your municipality, language and choices, and when you said yes.",
            "We never store your name or phone number, and messages you ask us to check are not saved.",
            "You can erase everything about you at any time with /glom.",
        ]
    return [
        "Vi sparar dina frågor utan personliga nummer (personnummer, telefon-, kort- och kontonummer och e-postadresser tas bort) för att förbättra svaren och räkna vad folk frågar om.",
        f"Texten i dina frågor raderas efter {retention_days} dagar; bara antal sparas.",
        "Om du prenumererar på varningar sparar vi din kommun, ditt språk och dina val, och när du sa ja.",
        "Vi sparar aldrig ditt namn eller telefonnummer, och meddelanden du ber oss kolla sparas inte.",
        "Du kan radera allt om dig när du vill med /glom.",
    ]
