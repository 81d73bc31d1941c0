"""Imports in `bot/` only point down.

From the bottom up:

    storage            all SQL and the rows it returns; imports nothing else of `bot`
    core               channel-independent rules and words; may import storage
    config, services   settings, and the composition root that builds the core from them
    telegram, web, sms the channels: thin adapters over core (and services); never each other
    host               the process: the aiohttp app with the bot and the periodic jobs inside it
    cli                the commands, on top of everything

A module may import its own layer and any layer below it, never one above it or a channel beside it.
Top-level leaves (`bot/tasks.py`, `bot/logging_setup.py`) import nothing of `bot` and may be used by all.
Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import bot

ROOT = Path(bot.__file__).parent
LEAVES = {"tasks", "logging_setup"}
FORBIDDEN = {
    "storage": {"core", "config", "services", "telegram", "web", "sms", "host", "cli"},
    "core": {"config", "services", "telegram", "web", "sms", "host", "cli"},
    "config": {"services", "telegram", "web", "sms", "host", "cli"},  # may read the region file (core)
    "services": {"telegram", "web", "sms", "host", "cli"},
    "telegram": {"web", "sms", "host", "cli"},
    "web": {"telegram", "sms", "host", "cli"},
    "sms": {"telegram", "web", "host", "cli"},
    "host": {"cli"},
}
FORBIDDEN.update({leaf: {"storage", "core", "config", "services", "telegram", "web", "sms", "host", "cli"} for leaf in LEAVES})


def layer_of(module: str) -> str | None:
    """'bot.core.alerts.workflow' → 'core'; None for anything outside `bot`."""
    parts = module.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 else None


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every `bot.…` module the file imports, with its line, resolving relative imports."""
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], *([base] if base else [])])
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if base == "bot"]
    return [(line, name) for line, name in found if name == "bot" or name.startswith("bot.")]


def violations(root: Path = ROOT) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        own = layer_of(module)
        for line, name in imports_of(path, root):
            target = layer_of(name)
            if own and target and target != own and target in FORBIDDEN.get(own, set()):
                problems.append(f"{path.relative_to(root.parent)}:{line}: {own} imports {name} ({target})")
    return problems


def test_every_import_points_down():
    assert violations() == []


def test_the_check_sees_imports_at_any_depth(tmp_path):
    """The walk finds lazy and relative imports, so the test above cannot pass by missing them."""
    probe = tmp_path / "bot" / "core" / "alerts" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from bot.storage import db\ndef f():\n    from bot.web import app\n    from ...telegram import runner\n",
                     encoding="utf-8")
    assert [name for _, name in imports_of(probe, tmp_path / "bot")] == ["bot.storage", "bot.web", "bot.telegram"]
    assert violations(tmp_path / "bot") == ["bot/core/alerts/probe.py:3: core imports bot.web (web)",
                                            "bot/core/alerts/probe.py:4: core imports bot.telegram (telegram)"]


def test_every_package_of_bot_has_a_rule():
    """A new top-level package or module must be placed in the order above before it is used."""
    names = {p.stem if p.is_file() else p.name for p in ROOT.iterdir()
             if (p.suffix == ".py" or (p / "__init__.py").exists()) and not p.name.startswith("__")}
    assert names - set(FORBIDDEN) - {"cli"} == set()
