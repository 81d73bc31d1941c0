"""Pseudonymous user keys: a keyed hash, so statistics never hold a chat id."""

from __future__ import annotations

import hashlib
import hmac


def user_key(secret: str, channel: str, user_id: str | int) -> str:
    """A stable key for one user of one channel that cannot be turned back into the id."""
    return hmac.new(secret.encode(), f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]
