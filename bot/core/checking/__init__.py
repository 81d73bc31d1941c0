"""Checking a pasted SMS, e-mail or chat message for the signs of fraud."""
