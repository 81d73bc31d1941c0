"""Typed reading of one YAML document, collecting a Problem (file, line, field) per mistake."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.core.content.yaml_lines import LineIndex, Problem, read_yaml

T = TypeVar("T")

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$")


def is_url(text: str) -> bool:
    """An http(s) address, as sources must be."""
    return bool(_URL.match(text))


class FieldReader:
    """Reads fields from a parsed document and records what is missing or of the wrong type."""

    def __init__(self, display: str, index: LineIndex):
        self.display = display
        self.index = index
        self.problems: list[Problem] = []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        name = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        self.problems.append(Problem(self.display, self.index.line(*path), name, message))

    def mapping(self, data: Any, path: tuple[Any, ...]) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(path, f"expected a block of fields, got {_kind(data)}")
            return {}
        return data

    def unknown(self, data: dict[str, Any], allowed: set[str], path: tuple[Any, ...] = ()) -> None:
        for key in data:
            if key not in allowed:
                self.problem((*path, key), f"unknown field (expected one of {', '.join(sorted(allowed))})")

    def text(self, data: dict[str, Any], key: str, path: tuple[Any, ...] = (), *, required: bool = True, max_len: int = 2000) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), "missing")
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem((*path, key), f"expected text, got {_kind(value)}")
            return ""
        if len(value) > max_len:
            self.problem((*path, key), f"too long ({len(value)} characters, at most {max_len})")
        return value.strip()

    def text_list(
        self, data: dict[str, Any], key: str, path: tuple[Any, ...] = (), *, min_items: int = 1, required: bool = True, max_len: int = 400
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem((*path, key), "missing")
            return ()
        if not isinstance(value, list):
            self.problem((*path, key), f"expected a list, got {_kind(value)}")
            return ()
        items: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problem((*path, key, i), f"expected text, got {_kind(item)}")
                continue
            if len(item) > max_len:
                self.problem((*path, key, i), f"too long ({len(item)} characters, at most {max_len})")
            items.append(item.strip())
        if len(items) < min_items:
            self.problem((*path, key), f"needs at least {min_items} item(s), has {len(items)}")
        return tuple(items)

    def integer(self, data: dict[str, Any], key: str, path: tuple[Any, ...] = (), *, low: int, high: int) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem((*path, key), f"expected a whole number from {low} to {high}, got {value!r}")
            return low
        return value

    def day(self, data: dict[str, Any], key: str, path: tuple[Any, ...] = (), *, future_ok: bool = False) -> date:
        value = data.get(key)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, date):
            self.problem((*path, key), f"expected a date as YYYY-MM-DD, got {value!r}")
            return date.min
        if value > date.today() and not future_ok:
            self.problem((*path, key), f"date {value} is in the future")
        return value

    def urls(self, data: dict[str, Any], key: str, path: tuple[Any, ...] = ()) -> list[tuple[str, str, str]]:
        """Sources as (url, title, note); `note` says why a non-authority source is kept."""
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.problem((*path, key), "needs at least one source with url and title")
            return []
        out: list[tuple[str, str, str]] = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.problem((*path, key, i), "expected url: and title:")
                continue
            self.unknown(item, {"url", "title", "note"}, (*path, key, i))
            url = self.text(item, "url", (*path, key, i))
            title = self.text(item, "title", (*path, key, i))
            note = self.text(item, "note", (*path, key, i), required=False, max_len=300)
            if url and not _URL.match(url):
                self.problem((*path, key, i, "url"), f"expected an http(s):// address, got {url!r}")
            out.append((url, title, note))
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a block", list: "a list", str: "text", bool: "true/false", int: "a number"}.get(
        type(value), type(value).__name__
    )


def display_path(path: Path) -> str:
    """A content file's name as problems show it: relative to the working directory when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def open_document(path: Path, display: str, problems: list[Problem]) -> tuple[dict[str, Any], FieldReader] | None:
    """Parse one content file into its top-level block and a reader naming it.

    Returns None, with the problems added, when the file cannot be used at all.
    """
    data, index, parse_problems = read_yaml(path, display)
    problems.extend(parse_problems)
    if data is None and parse_problems:
        return None
    reader = FieldReader(display, index)
    data = reader.mapping(data, ())
    if not data:
        problems.extend(reader.problems)
        return None
    return data, reader


def read_document(path: Path, problems: list[Problem], reader: Callable[[dict[str, Any], FieldReader], T],
                  needed_for: str) -> T | None:
    """Read one content file with `reader(data, FieldReader)`.

    Returns None, with the problems added, when the file is missing (`needed_for` says why it must
    be there), unreadable, or has any problem.
    """
    display = display_path(path)
    if not path.is_file():
        problems.append(Problem(display, 0, "", f"missing: {needed_for}"))
        return None
    opened = open_document(path, display, problems)
    if opened is None:
        return None
    data, r = opened
    result = reader(data, r)
    problems.extend(r.problems)
    return None if r.problems else result


def check_file_id(reader: FieldReader, value: str, path: Path) -> bool:
    """An id must be lowercase-with-dashes and equal the file name; records a problem otherwise."""
    if not value:
        return False
    if not ID_PATTERN.match(value):
        reader.problem(("id",), f"expected lowercase letters, digits and dashes, got {value!r}")
        return False
    if value != path.stem:
        reader.problem(("id",), f"id {value!r} does not match the file name {path.name!r}")
        return False
    return True
