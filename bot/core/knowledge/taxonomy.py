"""The topic ids the knowledge base must have, and how topics are grouped for browsing.

The ids are the stable keys of the API, the CLI's JSON output, alerts, scenarios and statistics:
renaming one breaks links from outside, so a new topic is added here on purpose.
"""

FRAUD_METHODS = (
    "bank-impersonation",
    "police-impersonation",
    "authority-impersonation",
    "bankid-misuse",
    "sms-phishing",
    "email-phishing",
    "family-impersonation",
    "romance-scam",
    "investment-scam",
    "recovery-scam",
    "marketplace-scam",
    "fake-webshop",
    "tech-support-scam",
    "invoice-fraud",
    "ceo-fraud",
    "doorstep-fraud",
    "identity-theft",
    "money-mule",
    "prize-inheritance-scam",
    "subscription-trap",
    "loan-fraud",
    "rental-scam",
    "job-scam",
    "qr-code-scam",
    "deepfake-voice",
    "card-fraud",
    "welfare-crime",
    "charity-scam",
    "account-takeover",
    "phone-sales",
    "caller-id-spoofing",
    "secondhand-purchase",
    "rogue-traders",
    "debt-collection-scam",
    "booking-scam",
    "fake-customer-service",
)
GUIDANCE = ("already-scammed", "report-fraud", "protect-yourself", "local-work")
TOPIC_IDS = FRAUD_METHODS + GUIDANCE

# Category id -> label per language, in the order residents browse them.
CATEGORIES = {
    "phone-and-door": {"sv": "Samtal och besök", "en": "Calls and visits"},
    "messages": {"sv": "SMS, e-post och chatt", "en": "Texts, e-mail and chat"},
    "online": {"sv": "Köp, sälj och nätet", "en": "Buying, selling and online"},
    "money": {"sv": "Pengar, lån och investeringar", "en": "Money, loans and investments"},
    "identity": {"sv": "BankID, kort och identitet", "en": "BankID, cards and identity"},
    "organisations": {"sv": "Företag, föreningar och välfärd", "en": "Businesses, associations and welfare"},
    "guidance": {"sv": "Hjälp och råd", "en": "Help and advice"},
}
