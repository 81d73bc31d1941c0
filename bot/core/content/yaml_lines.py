"""YAML loading that remembers the line of every value, so content errors can name file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class LineIndex:
    """Maps a path of keys/indexes inside a YAML document to its 1-based line."""

    def __init__(self, node: yaml.Node | None):
        self._lines: dict[Path_, int] = {}
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, path: Path_) -> None:
        self._lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                self._lines[(*path, key)] = key_node.start_mark.line + 1
                self._walk_value(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, i))

    def _walk_value(self, node: yaml.Node, path: Path_) -> None:
        line = self._lines[path]
        self._walk(node, path)
        # A key's line is more useful than the line its block value starts on.
        self._lines[path] = line

    def line(self, *path: str | int) -> int:
        """The line of `path`, or of its nearest ancestor that exists."""
        p: Path_ = tuple(path)
        while p and p not in self._lines:
            p = p[:-1]
        return self._lines.get(p, 1)

    def duplicate_keys(self, node: yaml.Node | None) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                if key_node.value in seen:
                    found.append((key_node.value, key_node.start_mark.line + 1))
                seen.add(key_node.value)
                found.extend(self.duplicate_keys(value_node))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                found.extend(self.duplicate_keys(item))
        return found


def read_yaml(path: Path, display: str) -> tuple[Any, LineIndex, list[Problem]]:
    """Parse one file; a syntax error comes back as a Problem with its line, never as an exception."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, LineIndex(None), [Problem(display, 0, "", f"cannot read the file ({exc})")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        return None, LineIndex(None), [Problem(display, line, "", f"not valid YAML: {problem}")]
    index = LineIndex(node)
    problems = [
        Problem(display, line, key, "appears twice in the same block; the second one would silently win")
        for key, line in index.duplicate_keys(node)
    ]
    return data, index, problems
