"""Guided sessions for seniors' groups: scenarios, the session state machine and follow-up refreshers."""
