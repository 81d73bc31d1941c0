"""The examples the learned models are trained on, besides the topics' own phrases.

- `_out_of_scope.yaml`: everyday questions that are not about fraud (the model's "not about fraud"
  class). Staff add the ones the bot answered by mistake.
- `_urgency.yaml`: texts that say something is happening right now, each with its situation (which
  decides the one action an urgent reply leads with), and texts that do not.
- `_followups.yaml`: what residents write after an answer ("vad gör jag nu?", "jag har redan gett
  dem koden", "gjorde jag rätt?", "det var inte det").

All three are validated like topics: every problem names file, line and field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bot.core.content.fields import FieldReader, read_document
from bot.core.content.yaml_lines import Problem

T = TypeVar("T")

OUT_OF_SCOPE_FILE = "_out_of_scope.yaml"
URGENCY_FILE = "_urgency.yaml"
FOLLOWUPS_FILE = "_followups.yaml"

# What is going on right now -> decides the action an urgent reply leads with.
SITUATIONS = ("call", "door", "inside", "pay", "remote")
# What a follow-up asks about the previous answer.
FOLLOWUP_INTENTS = ("what_now", "already_did", "did_right", "not_that")
_MIN_EXAMPLES = {OUT_OF_SCOPE_FILE: 20, URGENCY_FILE: 20, FOLLOWUPS_FILE: 5}


@dataclass(frozen=True)
class Examples:
    out_of_scope: tuple[str, ...] = ()
    urgent: tuple[tuple[str, str], ...] = ()  # (text, situation)
    not_urgent: tuple[str, ...] = ()
    followups: tuple[tuple[str, str], ...] = ()  # (text, intent)


def read_examples(folder: Path, problems: list[Problem]) -> Examples:
    """Read the three example files in `folder`; a missing or broken file adds a problem."""
    out_of_scope = _read(folder, OUT_OF_SCOPE_FILE, problems, _out_of_scope)
    urgency = _read(folder, URGENCY_FILE, problems, _urgency)
    followups = _read(folder, FOLLOWUPS_FILE, problems, _followups)
    urgent, not_urgent = urgency or ((), ())
    return Examples(out_of_scope or (), urgent, not_urgent, followups or ())


def _read(folder: Path, name: str, problems: list[Problem], reader: Callable[[dict[str, Any], FieldReader], T]) -> T | None:
    return read_document(folder / name, problems, reader, "the answer model is trained on it")


def _unique(r: FieldReader, items: tuple[str, ...], path: tuple[Any, ...]) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = " ".join(item.lower().split())
        if key in seen:
            r.problem((*path, i), f"same text as item {seen[key]}")
        seen.setdefault(key, i)


def _out_of_scope(data: dict[str, Any], r: FieldReader) -> tuple[str, ...]:
    r.unknown(data, {"kind", "questions"})
    questions = r.text_list(data, "questions", min_items=_MIN_EXAMPLES[OUT_OF_SCOPE_FILE], max_len=900)
    _unique(r, questions, ("questions",))
    return questions


def _labelled(data: dict[str, Any], r: FieldReader, key: str, label: str, allowed: tuple[str, ...], max_len: int = 900) -> tuple[tuple[str, str], ...]:
    items = data.get(key)
    if not isinstance(items, list):
        r.problem((key,), f"expected a list of {{text: …, {label}: …}}")
        return ()
    out: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            r.problem((key, i), f"expected text: and {label}:")
            continue
        r.unknown(item, {"text", label}, (key, i))
        text = r.text(item, "text", (key, i), max_len=max_len)
        value = r.text(item, label, (key, i))
        if value and value not in allowed:
            r.problem((key, i, label), f"expected one of {', '.join(allowed)}, got {value!r}")
            continue
        if text and value:
            out.append((text, value))
    _unique(r, tuple(t for t, _ in out), (key,))
    return tuple(out)


def _urgency(data: dict[str, Any], r: FieldReader) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    r.unknown(data, {"kind", "urgent", "not_urgent"})
    urgent = _labelled(data, r, "urgent", "situation", SITUATIONS)
    not_urgent = r.text_list(data, "not_urgent", min_items=_MIN_EXAMPLES[URGENCY_FILE], max_len=900)
    _unique(r, not_urgent, ("not_urgent",))
    for situation in SITUATIONS:
        if not any(s == situation for _, s in urgent):
            r.problem(("urgent",), f"no example of the situation {situation!r}")
    return urgent, not_urgent


def _followups(data: dict[str, Any], r: FieldReader) -> tuple[tuple[str, str], ...]:
    r.unknown(data, {"kind", *FOLLOWUP_INTENTS})
    out: list[tuple[str, str]] = []
    for intent in FOLLOWUP_INTENTS:
        for text in r.text_list(data, intent, min_items=_MIN_EXAMPLES[FOLLOWUPS_FILE], max_len=300):
            out.append((text, intent))
    return tuple(out)
