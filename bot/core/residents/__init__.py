"""Residents: subscriptions and settings, privacy notice, pseudonyms, redaction, rate limits."""
