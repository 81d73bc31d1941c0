"""Matching residents' questions to knowledge topics."""
