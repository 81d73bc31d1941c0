"""The dashboard's words: Swedish names for the codes staff would otherwise see, and the fixed
messages that `?ok=` and `?fel=` may name (a message never comes from the address itself)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.alerts.text import problem_text  # noqa: F401  (the views' name for it)
from bot.core.knowledge.taxonomy import CATEGORIES
from bot.core.matching.models import MAX_TAUGHT
from bot.core.words import Texts, fill

# Each a view of one part of the Swedish catalogue (bot/locale/sv/LC_MESSAGES/fraudbot.po), read at use,
# where the dashboard's templates once read a dict: `w.ROLES[role]`, `w.STATES.get(state, state)`.
ROLES = Texts("staff.role")
STATES = Texts("staff.state")
SEVERITIES = Texts("staff.severity")
SEVERITY_HELP = Texts("staff.severity_help")
OUTCOMES = Texts("staff.outcome")
REACTIONS = Texts("staff.reaction")
CATEGORY_NAMES = {key: names["sv"] for key, names in CATEGORIES.items()}
KINDS = Texts("staff.kind")


class _Codes(Texts):
    """A view whose codes hold a dot ("staff.login"), written "__" in the catalogue's key (`staff.audit_action.staff__login`)."""

    def __getitem__(self, code: str) -> str:
        return super().__getitem__(code.replace(".", "__"))

    def __iter__(self) -> Iterator[str]:
        return (name.replace("__", ".") for name in super().__iter__())


AUDIT_ACTIONS = _Codes("staff.audit_action")
AUDIT_OBJECTS = Texts("staff.audit_object")
AUDIT_DETAILS = Texts("staff.audit_detail")
AUDIT = Texts("staff.audit")
_HIDDEN_DETAILS = {"ids"}  # long lists of question numbers say nothing to a reader


def audit_details(details: dict) -> list[tuple[str, str]]:
    """An audit entry's details as (Swedish name, readable value) pairs."""
    pairs = []
    for key, value in details.items():
        if key in _HIDDEN_DETAILS:
            continue
        if key == "severity":
            value = SEVERITIES.get(value, value)
        elif key in ("state", "previous_state"):
            value = STATES.get(value, value)
        elif key == "role":
            value = ROLES.get(value, value)
        elif key == "municipalities":
            value = AUDIT["all_municipalities"] if value == "all" else ", ".join(value) if isinstance(value, list) else value
        pairs.append((AUDIT_DETAILS.get(key, key), str(value)))
    return pairs


# Fixed messages for ?ok=KEY and ?fel=KEY. An unknown key shows nothing.
NOTICES = Texts("staff.notice")
ERRORS = Texts("staff.error")  # from bot/locale/sv/LC_MESSAGES/fraudbot.po, like every refusal staff read
PROBLEMS = Texts("staff.problem")


def flash(query) -> tuple[str, str]:
    """The (notice, error) named by ?ok= and ?fel= in this address, from the fixed messages only."""
    return NOTICES.get(query.get("ok", ""), ""), fill(ERRORS.get(query.get("fel", ""), ""), {"max_taught": MAX_TAUGHT})
