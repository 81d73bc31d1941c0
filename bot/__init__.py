"""Bedrägerikollen – a fraud-awareness chatbot and warning service."""

__version__ = "0.1.0"
