"""A core `ReplyView` as an SMS: plain text, GSM-7 where possible, within a segment budget.

The order is the resident's: the urgent line (112) first when something is happening now, then the
verdict or the topic, then what to do, and always last the numbers from the knowledge base's
contacts. What does not fit is left out from the least needed end (the signs, the summary), never
the first step or the numbers.
"""

from __future__ import annotations

from bot.core.answering.reply import ReplyView, labels
from bot.core.matching.matcher import ANSWER, CLARIFY
from bot.sms.segments import count_segments, to_gsm7
from bot.sms.texts import choice_list, sms_text

MAX_SEGMENTS = 3


def reply_sms(view: ReplyView, max_segments: int = MAX_SEGMENTS) -> str:
    """The SMS for a reply; never more than `max_segments` segments."""
    lab = labels(view.lang)
    head = [line for line in (view.urgent, view.title) if line]
    wanted: list[str] = []
    by_heading = {s.heading: s for s in view.sections}
    todo = by_heading.get(lab["what_to_do"]) or by_heading.get(lab["if_it_happened"])
    if todo:
        wanted += [f"- {item}" for item in todo.items]
    if view.status == CLARIFY and view.choices:
        wanted.append(f"{sms_text(view.lang, 'clarify_choices')}: {choice_list(view.lang, [t for _, t in view.choices])}? "
                      f"{sms_text(view.lang, 'write_more')}")
    if view.intro:
        wanted.append(view.intro)
    for section in view.sections:  # the rest: reporting, the signs found, the signs to know it by
        if section is not todo:
            wanted += [f"- {item}" for item in section.items]
    footer = list(view.footer)
    return fit(head, wanted, footer, max_segments)


def warning_sms(heading: str, body: str, where: str, footer: str, max_segments: int = MAX_SEGMENTS) -> str:
    """A warning as an SMS: the heading, where, the text (shortened if need be), the numbers."""
    return fit([heading, where], [body], [footer], max_segments, shorten=True)


def fit(head: list[str], wanted: list[str], footer: list[str], max_segments: int, shorten: bool = True) -> str:
    """`head`, the leading lines of `wanted` that fit, then `footer`, within `max_segments`.

    When the first wanted line does not fit whole it is cut at a word (with "...") rather than
    dropped, so the first step always shows. If even head and footer are too long, the head is cut.
    """
    def text(lines: list[str]) -> str:
        plain = (to_gsm7(line).strip() for line in lines)  # a dropped emoji leaves no leading space
        return "\n".join(line for line in plain if line)

    def fits(lines: list[str]) -> bool:
        return count_segments(text(lines)) <= max_segments

    chosen: list[str] = []
    for i, line in enumerate(wanted):
        if fits([*head, *chosen, line, *footer]):
            chosen.append(line)
            continue
        if shorten and i == 0:
            cut = _cut_to_fit(line, lambda candidate: fits([*head, candidate, *footer]))
            if cut:
                chosen.append(cut)
        break  # in order or not at all: a later, shorter line (a sign) must not pass for a step
    if fits([*head, *chosen, *footer]):
        return text([*head, *chosen, *footer])
    # the fixed parts alone are too long (a very long title): cut the head, keep the numbers
    joined = " ".join(head)
    cut = _cut_to_fit(joined, lambda candidate: fits([candidate, *footer]))
    if cut:
        return text([cut, *footer])
    return _hard_cut(text(footer), max_segments)


def _cut_to_fit(line: str, fits) -> str:
    """The longest word-boundary prefix of `line` (+ "...") that `fits`; "" if not even a few words."""
    words = line.split()
    low, high = 0, len(words)
    while low < high:  # binary search on the number of words
        mid = (low + high + 1) // 2
        if fits(" ".join(words[:mid]) + "..."):
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low]).rstrip(",;:-") + "..." if low >= 3 else ""


def _hard_cut(text: str, max_segments: int) -> str:
    while text and count_segments(text) > max_segments:
        text = text[:-10]
    return text


__all__ = ["reply_sms", "warning_sms", "fit", "MAX_SEGMENTS", "ANSWER"]
