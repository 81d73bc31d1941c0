"""Laying out a core `ReplyView` as Telegram HTML, escaped and split under the 4,096-character limit."""

from __future__ import annotations

from html import escape

from bot.core.answering.reply import ReplyView, labels

MAX_MESSAGE = 4096


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def view_to_lines(view: ReplyView) -> list[str]:
    """Each returned line is complete HTML on its own (tags open and close on the same line)."""
    lines: list[str] = []
    if view.urgent:
        lines += [f"⚠️ {bold(view.urgent)}", ""]
    if view.title:
        lines.append(bold(view.title))
    if view.intro:
        lines += [escape(view.intro), ""]
    for section in view.sections:
        lines.append(bold(section.heading))
        lines += [f"• {escape(item)}" for item in section.items]
        lines.append("")
    if view.alternatives:  # the buttons marked ↪ below the message
        lines += [f"<i>{escape(labels(view.lang)['not_right'])}: ↪</i>", ""]
    lines += [escape(line) for line in view.footer]
    return lines


def view_to_messages(view: ReplyView) -> list[str]:
    return split_lines(view_to_lines(view))


def plain_messages(text: str) -> list[str]:
    """Escape plain text for HTML parse mode and split it safely."""
    return split_lines([escape(line) for line in text.split("\n")])


def split_lines(lines: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join lines into messages of at most `limit` characters, breaking only between lines.

    A single line longer than the limit (never made by us, but a pasted text could be) is cut at a
    space where possible, and never inside an HTML entity such as &amp;.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for piece in _cut(line, limit):
            extra = len(piece) + (1 if current else 0)
            if current and size + extra > limit:
                messages.append("\n".join(current).strip())
                current, size = [], 0
                extra = len(piece)
            current.append(piece)
            size += extra
    if current:
        messages.append("\n".join(current).strip())
    return [m for m in messages if m] or [""]


def _cut(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        amp = line.rfind("&", 0, cut)
        if amp != -1 and ";" not in line[amp:cut]:
            cut = amp  # do not split "&amp;"
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces
