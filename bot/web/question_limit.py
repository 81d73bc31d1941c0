"""One per-address limit for everything that answers a question: the chat page and the JSON API.

The limit keeps one script from filling the question log (and so the dashboard's and the yearly
report's figures); a refused request is answered 429 and neither answered nor logged.
"""

from __future__ import annotations

from aiohttp import web

from bot.core.residents.rate_limit import OK, SlidingWindowLimiter
from bot.web.client_address import client_address

QUESTIONS_PER_MINUTE = 30  # plenty for a person typing; a script is stopped after half a minute's worth
WINDOW_SECONDS = 60
# Refused requests count in the window too, so a client that stops for one whole window is sure to
# be let in again: that is what Retry-After says.
RETRY_AFTER = str(WINDOW_SECONDS)
QUESTION_LIMITER = web.AppKey("question_limiter", SlidingWindowLimiter)


def setup_question_limit(app: web.Application) -> None:
    if QUESTION_LIMITER not in app:
        app[QUESTION_LIMITER] = SlidingWindowLimiter(QUESTIONS_PER_MINUTE, window=float(WINDOW_SECONDS))


def over_question_limit(request: web.Request) -> bool:
    """Counts this request against its address; True when the address has asked too often."""
    return request.app[QUESTION_LIMITER].check(client_address(request)) != OK
