"""The message check's signals, link lists and advice, read from `_signals.yaml`.

Validated like a topic: every problem names file, line and field – a pattern that does not compile,
one that can never match folded text, an unbounded gap that would make the check slow, a signal or
topic that does not exist, a number in the advice that its topic does not back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.content.fields import ID_PATTERN, FieldReader, read_document
from bot.core.content.text import fold
from bot.core.content.yaml_lines import Problem
from bot.core.knowledge.taxonomy import TOPIC_IDS

SIGNALS_FILE = "_signals.yaml"
LANGS = ("sv", "en")
RISKS = ("high", "medium", "low")
# Found by the check's own code (links and amounts), not by patterns; the file gives their words.
BUILT_IN = ("link", "short-link", "risky-link", "lookalike-link", "large-amount")
_SIGNAL_FIELDS = {"id", "weight", "topics", "patterns", "asks", "needs", "unless", *LANGS}
_ACTION_FIELDS = {"id", "when", "risks", "topic", "group", *LANGS}
_TOP_FIELDS = {"kind", "reviewed", "risk", "large_amount", "max_actions", "negations", "shorteners", "risky_tlds",
               "official_domains", "brands", "signals", "actions", "low"}
_UNBOUNDED_GAP = re.compile(r"(?<!\\)\.(\*|\+|\{\d*,\})")
_NUMBER = re.compile(r"\d[\d ]*\d|\d")


class FoldedPattern:
    """A regular expression over folded text, fast on long messages.

    Python's `re` scans quickly for a pattern that starts with literal words, but a leading `\\b`
    turns that off and makes every pattern visit every position. So the pattern is scanned
    without its leading `\\b`, and the word boundary is checked at each candidate start: the
    same matches, in the same order, several times faster on a 4,096-character paste.
    """

    __slots__ = ("regex", "_scan", "_boundary")

    def __init__(self, regex: re.Pattern[str]):
        self.regex = regex
        branches = _top_level_branches(regex.pattern)
        # Only where a word follows the \\b: "\\b\\w*avgift" without its \\b would try every position.
        self._boundary = all(_WORD_AFTER_BOUNDARY.match(b) for b in branches)
        self._scan = re.compile("|".join(b[2:] for b in branches)) if self._boundary else regex

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        pos = 0
        while pos <= len(text):
            match = self._scan.search(text, pos)
            if match is None:
                return
            start = match.start()
            if self._boundary and not _at_boundary(text, start):
                pos = start + 1
                continue
            yield match
            pos = match.end() if match.end() > start else start + 1

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def __repr__(self) -> str:
        return f"FoldedPattern({self.regex.pattern!r})"


_WORD_AFTER_BOUNDARY = re.compile(r"\\b(\(\?:)?\(*[a-z0-9]")


def _top_level_branches(pattern: str) -> list[str]:
    """`a|b(c|d)|e` -> [a, b(c|d), e]: the alternatives outside any group or character class."""
    branches, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[i + 1: i + 2] == "]":
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _at_boundary(text: str, i: int) -> bool:
    before = i > 0 and _word(text[i - 1])
    after = i < len(text) and _word(text[i])
    return before != after


@dataclass(frozen=True)
class Signal:
    """One sign of fraud: how much it weighs, where it points, and how it is explained."""

    id: str
    weight: int  # 4 fraud on its own, 3 strong sign, 2 clear warning sign, 1 worth noticing
    topics: tuple[str, ...]
    texts: dict[str, str]
    patterns: tuple[FoldedPattern, ...] = ()
    asks: bool = False  # the signal asks the reader to act (click, pay, give a code, call, install …)
    needs: tuple[str, ...] = ()  # counts only when one of these was found too
    unless: tuple[FoldedPattern, ...] = ()  # does not count when one of these is in the message

    def explanation(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["sv"]


@dataclass(frozen=True)
class Action:
    """One step of "Gör så här nu", shown at `risks` when one of `when` was found (or always)."""

    id: str
    texts: dict[str, str]
    risks: tuple[str, ...]
    when: tuple[str, ...] = ()
    topic: str = ""  # the knowledge topic whose sources back the advice
    group: str = ""  # of the actions in one group, only the first that fits is shown

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["sv"]

    def fits(self, risk: str, found: set[str]) -> bool:
        return risk in self.risks and (not self.when or bool(found.intersection(self.when)))


@dataclass(frozen=True)
class Signals:
    """Everything the message check knows: signals, link lists, thresholds and advice."""

    signals: tuple[Signal, ...] = ()
    actions: tuple[Action, ...] = ()
    brands: dict[str, tuple[str, ...]] = field(default_factory=dict)
    official_domains: tuple[str, ...] = ()  # besides the brands' own domains
    shorteners: frozenset[str] = frozenset()
    risky_tlds: frozenset[str] = frozenset()
    negation: re.Pattern[str] | None = None
    large_amount: int = 1000
    high: int = 5
    medium: int = 3
    max_actions: int = 4
    low: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Signal] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {s.id: s for s in self.signals})

    @property
    def real_domains(self) -> tuple[str, ...]:
        """Every domain a link may go to without being a warning sign in itself."""
        return tuple(dict.fromkeys([*self.official_domains, *(d for ds in self.brands.values() for d in ds)]))

    def low_text(self, lang: str) -> str:
        return self.low.get(lang) or self.low.get("sv", "")

    def actions_for(self, risk: str, found: set[str]) -> tuple[Action, ...]:
        """What to do now for a message rated `risk` with the signals `found`, in order."""
        chosen: list[Action] = []
        groups: set[str] = set()
        for action in self.actions:
            if action.fits(risk, found) and not (action.group and action.group in groups):
                chosen.append(action)
                groups.add(action.group)
        return tuple(chosen[: self.max_actions])


def read_signals(folder: Path, problems: list[Problem], topics: dict[str, Any] | None = None,
                 authority_domains: tuple[str, ...] = ()) -> Signals | None:
    """Read `_signals.yaml` in `folder`; a missing or broken file adds problems and returns None.

    `topics` (id -> Topic) lets the advice be checked against the topic that backs it;
    `authority_domains` join the file's own list of real domains.
    """
    return read_document(Path(folder) / SIGNALS_FILE, problems,
                         lambda data, r: _read(data, r, topics or {}, authority_domains),
                         "the message check reads its signals from it")


def _read(data: dict[str, Any], r: FieldReader, topics: dict[str, Any], authority_domains: tuple[str, ...]) -> Signals:
    r.unknown(data, _TOP_FIELDS)
    if data.get("reviewed") is not None:
        r.day(data, "reviewed")
    risk = r.mapping(data.get("risk"), ("risk",))
    r.unknown(risk, {"high", "medium"}, ("risk",))
    high = r.integer(risk, "high", ("risk",), low=1, high=20)
    medium = r.integer(risk, "medium", ("risk",), low=1, high=20)
    if medium > high:
        r.problem(("risk", "medium"), f"must not be above risk.high ({high})")
    large_amount = r.integer(data, "large_amount", low=1, high=10_000_000)
    max_actions = r.integer(data, "max_actions", low=1, high=10)
    negations = r.text_list(data, "negations", max_len=30)
    shorteners = _hosts(r, data, "shorteners")
    risky_tlds = tuple(t.lower().lstrip(".") for t in r.text_list(data, "risky_tlds", max_len=30))
    for i, tld in enumerate(risky_tlds):
        if not re.fullmatch(r"[a-z0-9-]+", tld):
            r.problem(("risky_tlds", i), f"expected a top-level domain such as top, got {tld!r}")
    official = _hosts(r, data, "official_domains")
    brands = _brands(r, data)
    signals = _signals(r, data)
    ids = {s.id for s in signals}
    actions = _actions(r, data, ids, topics)
    low = r.mapping(data.get("low"), ("low",))
    r.unknown(low, set(LANGS), ("low",))
    low_texts = {lang: r.text(low, lang, ("low",), max_len=300) for lang in LANGS}
    negation = re.compile(r"\b(" + "|".join(re.escape(fold(n)) for n in negations) + r")\b") if negations else None
    return Signals(
        signals=signals, actions=actions, brands=brands,
        official_domains=tuple(dict.fromkeys([*official, *authority_domains])),
        shorteners=frozenset(shorteners), risky_tlds=frozenset(risky_tlds), negation=negation,
        large_amount=large_amount, high=high, medium=medium, max_actions=max_actions, low=low_texts,
    )


def _hosts(r: FieldReader, data: dict[str, Any], key: str, path: tuple[Any, ...] = ()) -> tuple[str, ...]:
    hosts = tuple(h.lower().removeprefix("www.") for h in r.text_list(data, key, path, max_len=100))
    for i, host in enumerate(hosts):
        if "/" in host or "." not in host or " " in host:
            r.problem((*path, key, i), f"expected a host name such as postnord.se, got {host!r}")
    return hosts


def _brands(r: FieldReader, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    block = r.mapping(data.get("brands"), ("brands",))
    brands: dict[str, tuple[str, ...]] = {}
    for name in block:
        key = str(name)
        if not re.fullmatch(r"[a-z0-9]+", key):
            r.problem(("brands", name), f"expected the brand as it appears in a folded host name (a–z, 0–9), got {key!r}")
            continue
        brands[key] = _hosts(r, block, name, ("brands",))
    return brands


def _blocks(r: FieldReader, data: dict[str, Any], key: str, fields: set[str]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path, block) for each block of the list `key`; a missing list or a non-block is a problem."""
    items = data.get(key)
    if not isinstance(items, list) or not items:
        r.problem((key,), f"expected a list of blocks with {', '.join(sorted(fields))}")
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            r.problem((key, i), f"expected a block with {', '.join(sorted(fields))}")
            continue
        r.unknown(item, fields, (key, i))
        yield (key, i), item


def _signals(r: FieldReader, data: dict[str, Any]) -> tuple[Signal, ...]:
    out: list[Signal] = []
    seen: dict[str, int] = {}
    for path, item in _blocks(r, data, "signals", _SIGNAL_FIELDS):
        i = path[1]
        signal_id = r.text(item, "id", path, max_len=60)
        if signal_id and not ID_PATTERN.match(signal_id):
            r.problem((*path, "id"), f"expected lowercase letters, digits and dashes, got {signal_id!r}")
        if signal_id in seen:
            r.problem((*path, "id"), f"same id as signals[{seen[signal_id]}]")
        seen.setdefault(signal_id, i)
        weight = r.integer(item, "weight", path, low=1, high=4)
        topics = r.text_list(item, "topics", path, min_items=0)
        for j, topic in enumerate(topics):
            if topic not in TOPIC_IDS:
                r.problem((*path, "topics", j), f"no topic with id {topic!r}")
        asks = item.get("asks", False)
        if not isinstance(asks, bool):
            r.problem((*path, "asks"), f"expected true or false, got {asks!r}")
            asks = False
        patterns = _patterns(r, item, "patterns", path)
        unless = _patterns(r, item, "unless", path)
        if signal_id in BUILT_IN and "patterns" in item:
            r.problem((*path, "patterns"), f"{signal_id!r} is found by the check itself: it takes no patterns")
        elif signal_id not in BUILT_IN and not patterns and "patterns" not in item:
            r.problem((*path, "patterns"), "missing: a signal needs at least one pattern")
        texts = {lang: r.text(item, lang, path, max_len=400) for lang in LANGS}
        needs = r.text_list(item, "needs", path, min_items=0, required=False)
        out.append(Signal(signal_id, weight, topics, texts, patterns, asks, needs, unless))
    ids = {s.id for s in out}
    for i, signal in enumerate(out):
        for j, need in enumerate(signal.needs):
            if need not in ids:
                r.problem(("signals", i, "needs", j), f"no signal with id {need!r}")
            elif need == signal.id:
                r.problem(("signals", i, "needs", j), "a signal cannot need itself")
    for missing in sorted(set(BUILT_IN) - ids):
        r.problem(("signals",), f"missing the signal {missing!r}: the check finds it and needs its words")
    return tuple(out)


def _patterns(r: FieldReader, item: dict[str, Any], key: str, path: tuple[Any, ...]) -> tuple[FoldedPattern, ...]:
    texts = r.text_list(item, key, path, min_items=0, required=False, max_len=1000)
    compiled: list[FoldedPattern] = []
    for j, text in enumerate(texts):
        where = (*path, key, j)
        try:
            pattern = re.compile(text)
        except re.error as exc:
            r.problem(where, f"not a valid regular expression: {exc}")
            continue
        literal = re.sub(r"\\.", "", text)  # escapes such as \b or \D are not letters to fold
        if fold(literal) != literal:
            r.problem(where, "patterns run over folded text (lowercase, å/ä as a, ö as o, é as e): this one can never match as written")
            continue
        if _UNBOUNDED_GAP.search(text):
            r.problem(where, "an unbounded gap (.* or .+) makes the check slow on long messages: use a bounded one such as .{0,40}")
            continue
        if pattern.search(""):
            r.problem(where, "matches an empty message: it would be found in every message")
            continue
        compiled.append(FoldedPattern(pattern))
    return tuple(compiled)


def _actions(r: FieldReader, data: dict[str, Any], ids: set[str], topics: dict[str, Any]) -> tuple[Action, ...]:
    out: list[Action] = []
    for path, item in _blocks(r, data, "actions", _ACTION_FIELDS):
        action_id = r.text(item, "id", path, max_len=60)
        risks = r.text_list(item, "risks", path)
        for j, risk in enumerate(risks):
            if risk not in RISKS:
                r.problem((*path, "risks", j), f"expected one of {', '.join(RISKS)}, got {risk!r}")
        when = r.text_list(item, "when", path, min_items=0, required=False)
        for j, signal_id in enumerate(when):
            if signal_id not in ids:
                r.problem((*path, "when", j), f"no signal with id {signal_id!r}")
        topic = r.text(item, "topic", path)
        group = r.text(item, "group", path, required=False, max_len=40)
        if topic and topic not in TOPIC_IDS:
            r.problem((*path, "topic"), f"no topic with id {topic!r}")
        texts = {lang: r.text(item, lang, path, max_len=300) for lang in LANGS}
        if topic in topics:
            _numbers_backed(r, path, texts, topics[topic])
        out.append(Action(action_id, texts, risks, when, topic, group))
    for risk in RISKS:
        if not any(risk in a.risks for a in out):
            r.problem(("actions",), f"no action for risk {risk!r}: every result must say what to do now")
    return tuple(out)


def _numbers_backed(r: FieldReader, path: tuple[Any, ...], texts: dict[str, str], topic: Any) -> None:
    """Every phone number or figure in the advice must appear in the topic that backs it."""
    for lang, text in texts.items():
        body = topic.text(lang)
        known = " ".join([body.summary, *body.signs, *body.what_to_do, *body.if_it_happened, body.report])
        for number in _NUMBER.findall(text):
            if number not in known:
                r.problem((*path, lang), f"the number {number!r} is not in the topic {topic.id!r} that backs this advice")
