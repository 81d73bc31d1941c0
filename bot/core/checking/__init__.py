"""Checking a pasted SMS, e-mail or chat message for the signs of fraud.

`check_message(text, kb.signals)` rates the risk and says what to do now; `find_links(text)` is the
core's one link detector, for every channel that needs to know whether a text holds a link.
"""

from bot.core.checking.check import HIGH, LOW, MEDIUM, CheckResult, FoundSignal, check_message
from bot.core.checking.links import Link, find_links

__all__ = ["HIGH", "LOW", "MEDIUM", "CheckResult", "FoundSignal", "Link", "check_message", "find_links"]
