"""The region the service runs in, as data: municipalities, police area, numbers and time zone.

One file (`knowledge/_region.yaml`, or the one `region.path` names) says who runs the service and
where; nothing in `bot/` names a municipality, a phone number or a time zone. `load_region` checks
the file like the other content files (problems name file, line and field).

The region in use is process-wide, like the message catalogues: `use_region` is called once at
start by the composition root, and `current()` falls back to the shipped file so a bare import (the
CLI's help, a test of one function) still works. Code that lists municipalities reads
`MUNICIPALITIES` below, a live view of the region in use, so it never needs to be passed around.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.content.fields import display_path, open_document
from bot.core.content.yaml_lines import Problem

REGION_FILE = "_region.yaml"
SHIPPED = Path(__file__).resolve().parent.parent.parent / "knowledge" / REGION_FILE
NUMBER_KINDS = ("emergency", "police", "support")
_NUMBER = re.compile(r"^\+?[0-9][0-9 -]{1,18}[0-9]$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


class RegionError(Exception):
    """The region file is unusable; `problems` names file, line and field for each mistake."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Municipality:
    name: str
    domain: str = ""


@dataclass(frozen=True)
class Region:
    police_area: str
    municipalities: tuple[Municipality, ...]
    numbers: dict[str, str]  # emergency, police, support: as people read them, with spaces
    timezone: str
    example_group: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.municipalities)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def listed(self, conjunction: str) -> str:
        """'A, B och C' with the language's word for "and"."""
        names = self.names
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def load_region(path: Path) -> Region:
    """Read and check the region file at `path`; raises RegionError naming every problem."""
    problems: list[Problem] = []
    display = display_path(Path(path))
    if not Path(path).is_file():
        raise RegionError([Problem(display, 0, "", "region file not found (setting region.path)")])
    opened = open_document(Path(path), display, problems)
    if opened is None:
        raise RegionError(problems)
    data, r = opened
    r.unknown(data, {"kind", "police_area", "municipalities", "numbers", "timezone", "example_group"})
    if data.get("kind") != "region":
        r.problem(("kind",), f"expected kind: region, got {data.get('kind')!r}")
    police_area = r.text(data, "police_area", max_len=80)
    municipalities: list[Municipality] = []
    items = data.get("municipalities")
    if not isinstance(items, list) or not items:
        r.problem(("municipalities",), "needs at least one municipality with name:")
        items = []
    for i, item in enumerate(items):
        where: tuple[str | int, ...] = ("municipalities", i)
        item = r.mapping(item, where)
        r.unknown(item, {"name", "domain"}, where)
        name = r.text(item, "name", where, max_len=40)
        domain = r.text(item, "domain", where, required=False, max_len=80)
        if domain and not _DOMAIN.match(domain):
            r.problem((*where, "domain"), f"expected a web domain such as example.se, got {domain!r}")
        if name in (m.name for m in municipalities):
            r.problem((*where, "name"), f"{name!r} is listed twice")
        # Names travel in button data and addresses (?kommun=…): keep them short and without colons.
        if ":" in name:
            r.problem((*where, "name"), "must not contain ':'")
        municipalities.append(Municipality(name, domain))
    numbers_block = r.mapping(data.get("numbers"), ("numbers",))
    r.unknown(numbers_block, set(NUMBER_KINDS), ("numbers",))
    numbers: dict[str, str] = {}
    for kind in NUMBER_KINDS:
        number = r.text(numbers_block, kind, ("numbers",), max_len=20)
        if number and not _NUMBER.match(number):
            r.problem(("numbers", kind), f"expected a phone number of digits and spaces, got {number!r}")
        numbers[kind] = number
    timezone = r.text(data, "timezone", max_len=60)
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            r.problem(("timezone",), f"expected an IANA time zone name (Area/City), got {timezone!r}")
    example = r.text(data, "example_group", required=False, max_len=60)
    problems.extend(r.problems)
    if problems:
        raise RegionError(problems)
    return Region(police_area, tuple(municipalities), numbers, timezone, example)


_current: Region | None = None


def use_region(region: Region | None) -> Region | None:
    """Make `region` the one in use (None: the shipped file again); returns the one it replaces."""
    global _current
    previous, _current = _current, region
    return previous


def current() -> Region:
    """The region in use; the shipped file until `use_region` says otherwise."""
    global _current
    if _current is None:
        _current = load_region(SHIPPED)
    return _current


class _Municipalities(Sequence[str]):
    """The names of the current region's municipalities, read at each use (never frozen at import)."""

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return current().names[index]

    def __len__(self) -> int:
        return len(current().names)

    def __contains__(self, value: object) -> bool:
        return value in current().names

    def __repr__(self) -> str:
        return repr(current().names)


MUNICIPALITIES: Sequence[str] = _Municipalities()
