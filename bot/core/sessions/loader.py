"""Load and validate the scenarios folder: a pure function of the files in it."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from bot.core.content.fields import ID_PATTERN as _ID
from bot.core.content.fields import FieldReader, check_file_id, display_path, open_document
from bot.core.content.yaml_lines import Problem
from bot.core.knowledge.taxonomy import TOPIC_IDS
from bot.core.sessions.model import KINDS, REFRESHER_ROUNDS, Option, Refresher, Scenario, Step

_FIELDS = {"id", "title", "audience", "minutes", "topics", "facilitator_notes", "confidence", "steps", "refreshers"}
_STEP_FIELDS = {"id", "kind", "situation", "question", "options", "explanation", "discussion"}
_OPTION_FIELDS = {"text", "safe", "feedback"}
MAX_STEPS = 12
MAX_ID = 40
MAX_SCENARIO_ID = 32  # travels in Telegram button data with a user id (64 bytes at most)


class ScenarioError(Exception):
    """The folder does not hold valid scenarios; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the scenarios:\n" + "\n".join(map(str, problems)))


def load_scenarios(folder: Path, topic_ids: Collection[str] = TOPIC_IDS) -> dict[str, Scenario]:
    """Every scenario in `folder` by id, or raise ScenarioError listing every problem found."""
    scenarios, problems = validate_scenarios(folder, topic_ids)
    if problems:
        raise ScenarioError(problems)
    return scenarios


def validate_scenarios(folder: Path, topic_ids: Collection[str] = TOPIC_IDS) -> tuple[dict[str, Scenario], list[Problem]]:
    """Check every file in `folder`; return the valid scenarios and all problems.

    `topic_ids` are the knowledge topics a scenario may point to (the taxonomy by default).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return {}, [Problem(str(folder), 0, "", "scenarios folder not found")]
    problems: list[Problem] = []
    scenarios: dict[str, Scenario] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and not p.name.startswith("_")):
        scenario = _read_scenario(path, display_path(path), set(topic_ids), problems)
        if scenario is None:
            continue
        if scenario.id in scenarios:
            problems.append(Problem(scenario.file, 1, "id", f"duplicate id {scenario.id!r} (also in {scenarios[scenario.id].file})"))
            continue
        scenarios[scenario.id] = scenario
    if not scenarios and not problems:
        problems.append(Problem(str(folder), 0, "", "no scenario files (*.yaml) found"))
    return scenarios, problems


def _read_scenario(path: Path, display: str, topic_ids: set[str], problems: list[Problem]) -> Scenario | None:
    opened = open_document(path, display, problems)
    if opened is None:
        return None
    data, r = opened
    if "refresher" in data:  # the one-question form used before refreshers had a question per round
        r.problem(("refresher",), f"replaced by refreshers: a list of {REFRESHER_ROUNDS} different questions "
                                  "(the first after two weeks, the second after six)")
    r.unknown({k: v for k, v in data.items() if k != "refresher"}, _FIELDS)
    scenario_id = r.text(data, "id", max_len=MAX_SCENARIO_ID)
    check_file_id(r, scenario_id, path)
    title = r.text(data, "title", max_len=120)
    audience = r.text(data, "audience", max_len=300)
    minutes = r.integer(data, "minutes", low=5, high=180)
    notes = r.text(data, "facilitator_notes", max_len=3000)
    topics = r.text_list(data, "topics", max_len=60)
    for i, topic in enumerate(topics):
        if topic not in topic_ids:
            r.problem(("topics", i), f"no knowledge topic with id {topic!r}")
    question, after = _confidence(r, data)
    steps = _steps(r, data)
    refreshers = _refreshers(r, data)
    problems.extend(r.problems)
    if r.problems:
        return None
    return Scenario(scenario_id, title, audience, minutes, notes, topics, steps, question, after, refreshers, display)


def _refreshers(r: FieldReader, data: dict[str, Any]) -> tuple[Refresher, ...]:
    """`refreshers:` is optional; when given it holds one different question per round, in round order."""
    raw = data.get("refreshers")
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) != REFRESHER_ROUNDS:
        count = f"has {len(raw)}" if isinstance(raw, list) else "is not a list"
        r.problem(("refreshers",), f"needs exactly {REFRESHER_ROUNDS} questions, one per round (after two weeks, "
                                   f"then after six); {count}")
        if not isinstance(raw, list):
            return ()
    refreshers: list[Refresher] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = ("refreshers", i)
        block = r.mapping(item, path)
        if not block:
            continue
        r.unknown(block, {"question", "options"}, path)
        question = r.text(block, "question", path, max_len=400)
        key = " ".join(question.casefold().split())
        if key and key in seen:
            r.problem((*path, "question"), f"same question as refreshers[{seen[key]}]: each round asks something different")
        seen.setdefault(key, i)
        refreshers.append(Refresher(question, _options(r, block, path)))
    return tuple(refreshers)


def _confidence(r: FieldReader, data: dict[str, Any]) -> tuple[str, str]:
    if data.get("confidence") is None:
        return "", ""
    block = r.mapping(data["confidence"], ("confidence",))
    r.unknown(block, {"question", "after"}, ("confidence",))
    question = r.text(block, "question", ("confidence",), max_len=300)
    after = r.text(block, "after", ("confidence",), required=False, max_len=300)
    return question, after or question


def _steps(r: FieldReader, data: dict[str, Any]) -> tuple[Step, ...]:
    raw = data.get("steps")
    if not isinstance(raw, list) or not raw:
        r.problem(("steps",), "needs at least one step")
        return ()
    if len(raw) > MAX_STEPS:
        r.problem(("steps",), f"too many steps ({len(raw)}, at most {MAX_STEPS})")
    steps: list[Step] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = ("steps", i)
        block = r.mapping(item, path)
        if not block:
            continue
        r.unknown(block, _STEP_FIELDS, path)
        step_id = r.text(block, "id", path, max_len=MAX_ID)
        if step_id and not _ID.match(step_id):
            r.problem((*path, "id"), f"expected lowercase letters, digits and dashes, got {step_id!r}")
        if step_id in seen:
            r.problem((*path, "id"), f"step id {step_id!r} is used twice")
        seen.add(step_id)
        kind = r.text(block, "kind", path, max_len=20)
        if kind and kind not in KINDS:
            r.problem((*path, "kind"), f"expected one of {', '.join(KINDS)}, got {kind!r}")
        steps.append(Step(
            id=step_id,
            kind=kind,
            situation=r.text(block, "situation", path, max_len=1200),
            question=r.text(block, "question", path, max_len=300),
            options=_options(r, block, path),
            explanation=r.text(block, "explanation", path, max_len=1200),
            discussion=r.text(block, "discussion", path, max_len=600),
        ))
    return tuple(steps)


def _options(r: FieldReader, block: dict[str, Any], path: tuple[Any, ...]) -> tuple[Option, ...]:
    raw = block.get("options")
    if not isinstance(raw, list) or not 2 <= len(raw) <= 4:
        count = len(raw) if isinstance(raw, list) else 0
        r.problem((*path, "options"), f"needs 2 to 4 options, has {count}")
        if not isinstance(raw, list):
            return ()
    options: list[Option] = []
    for i, item in enumerate(raw):
        opath = (*path, "options", i)
        option = r.mapping(item, opath)
        if not option:
            continue
        r.unknown(option, _OPTION_FIELDS, opath)
        options.append(Option(
            text=r.text(option, "text", opath, max_len=300),
            safe=_boolean(r, option, "safe", opath),
            feedback=r.text(option, "feedback", opath, max_len=600),
        ))
    if options and not any(o.safe for o in options):
        r.problem((*path, "options"), "no option is marked safe: true")
    if options and all(o.safe for o in options):
        r.problem((*path, "options"), "every option is marked safe: at least one must be unsafe")
    return tuple(options)


def _boolean(r: FieldReader, data: dict[str, Any], key: str, path: tuple[Any, ...]) -> bool:
    value: Any = data.get(key)
    if not isinstance(value, bool):
        r.problem((*path, key), f"expected true or false, got {value!r}")
        return False
    return value
