"""Guided sessions as Telegram HTML and inline keyboards: steps, reveals, summaries, refreshers.

Everything from scenarios is escaped here. Callback data: `ses:<action>:...`, at most 64 bytes.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.knowledge.model import KnowledgeBase
from bot.core.sessions.engine import SessionState, StepTally, Summary
from bot.core.sessions.model import CONFIDENCE_SCALE, Option, Refresher, Scenario, Step
from bot.core.words import Texts, t
from bot.telegram.keyboards import pack

PREFIX = "ses"
NEW, PRACTICE, VOTE, CONFIDENCE, REVEAL, NEXT, FOLLOW_UP, REFRESHER = "new", "ova", "v", "c", "r", "n", "f", "q"
LETTERS = "ABCD"
KIND_ICONS = {"sms": "📱", "call": "☎️", "door": "🚪", "ad": "📰", "chat": "💬", "email": "✉️", "letter": "📄"}
REFUSALS = Texts("session.refused")  # from bot/locale/sv/LC_MESSAGES/fraudbot.po
CONTINUE_WORDS = ("fortsätt", "fortsatt", "continue")  # /session fortsätt reposts the current step


def __getattr__(name: str) -> str:
    # Module constants that are texts, read from the catalogue when used (never at import).
    if name == "NO_SESSION":
        return t("sv", "session.no_session")
    raise AttributeError(name)


def _s(key: str, **values: object) -> str:
    """A text of the guided sessions (Swedish, like the scenarios) from the catalogue's `session.` part."""
    return t("sv", f"session.{key}", **values)


def data(*parts: str | int) -> str:
    return pack(PREFIX, *(str(p) for p in parts))


def where(state: SessionState) -> str:
    """Which phase and step a "reveal" or "next" button belongs to: a press from an older message
    (or a second tap) is refused instead of skipping a step."""
    return f"{state.phase[0]}{state.step}"


def scenario_keyboard(scenarios: dict[str, Scenario], action: str, owner: int) -> InlineKeyboardMarkup:
    """One button per scenario; only `owner` (who asked for the menu) can pick one."""
    rows = [[InlineKeyboardButton(f"{s.title} ({s.minutes} min)", callback_data=data(action, s.id, owner))]
            for s in sorted(scenarios.values(), key=lambda s: s.title)]
    return InlineKeyboardMarkup(rows)


def intro(scenario: Scenario, code: str, *, group: bool) -> str:
    lines = [f"<b>{escape(scenario.title)}</b>", f"{escape(scenario.audience)} · {_s('minutes', minutes=scenario.minutes)}", ""]
    if group:
        lines += [
            _s("group_intro"),
            _s("join_without_telegram", code=f"<b>{escape(code)}</b>"),
        ]
    else:
        lines.append(_s("alone_intro"))
    return "\n".join(lines)


def confidence_question(scenario: Scenario, state: SessionState, moment: str, *, group: bool) -> tuple[str, InlineKeyboardMarkup]:
    question = scenario.confidence_question if moment == "b" else scenario.confidence_after
    text = f"<b>{escape(question)}</b>\n{t('sv', 'session.confidence_hint')}"
    rows = [[InlineKeyboardButton(str(n), callback_data=data(CONFIDENCE, state.code, moment, n)) for n in CONFIDENCE_SCALE]]
    if group:
        label = _s("start") if moment == "b" else _s("finish_and_summarise")
        rows.append([InlineKeyboardButton(label, callback_data=data(NEXT, state.code, where(state)))])
    return text, InlineKeyboardMarkup(rows)


def _step_lines(scenario: Scenario, state: SessionState) -> list[str]:
    step = scenario.steps[state.step]
    lines = [
        f"<b>{_s('step_of', n=state.step + 1, total=len(scenario.steps))} · {KIND_ICONS.get(step.kind, '')} {escape(step.kind_label)}</b>",
        escape(step.situation), "", f"<b>{escape(step.question)}</b>",
    ]
    return lines + [f"{LETTERS[i]}. {escape(option.text)}" for i, option in enumerate(step.options)]


def step_message(scenario: Scenario, state: SessionState, *, group: bool) -> tuple[str, InlineKeyboardMarkup]:
    step = scenario.steps[state.step]
    lines = _step_lines(scenario, state)
    if group:
        lines += ["", f"<i>{_s('answer_with_buttons')}</i>"]
    buttons = [InlineKeyboardButton(LETTERS[i], callback_data=data(VOTE, state.code, state.step, i)) for i in range(len(step.options))]
    rows = [buttons]
    if group:
        rows.append([InlineKeyboardButton(_s("show_answer"), callback_data=data(REVEAL, state.code, where(state)))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def revealed_step_message(scenario: Scenario, state: SessionState, tally: StepTally, *,
                          mine: int | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The step with its answer below it: the question's message becomes this, one edit."""
    text, markup = reveal_message(scenario, state, tally, mine=mine)
    return "\n".join(_step_lines(scenario, state)) + "\n\n" + text, markup


def reveal_message(scenario: Scenario, state: SessionState, tally: StepTally, *, mine: int | None = None) -> tuple[str, InlineKeyboardMarkup]:
    step = scenario.steps[state.step]
    lines: list[str] = []
    if mine is None:
        lines.append(f"<b>{_s('group_answered', n=tally.answered)}</b>")
        for i, option in enumerate(step.options):
            mark = "✅" if option.safe else "▫️"
            lines.append(f"{mark} {LETTERS[i]}: {tally.counts[i]}")
        lines.append("")
    else:
        lines += [_verdict(step.options, mine), escape(step.options[mine].feedback), ""]
    lines += _feedback_lines(step, skip=mine)
    lines += ["", f"<b>{_s('why')}</b> {escape(step.explanation)}"]
    if mine is None:
        lines += ["", f"💬 <b>{_s('discuss')}</b> {escape(step.discussion)}"]
    last = state.step + 1 >= len(scenario.steps)
    label = _s("next_step") if not last else (_s("last_question") if scenario.has_confidence else _s("finish"))
    if mine is None:
        label += f" {_s('by_facilitator')}"
    return "\n".join(lines), InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data(NEXT, state.code, where(state)))]])


def _verdict(options: tuple[Option, ...], mine: int, *, right: str = "right_choice") -> str:
    """The heading over the feedback to one's own answer; the right/wrong word is said here only, so the
    option's feedback (scenario text) starts with the reason. A wrong answer repeats what was chosen."""
    if options[mine].safe:
        return f"✅ <b>{_s(right)}</b>"
    return f"❌ <b>{_s('not_safest')}</b> {_s('you_chose', letter=LETTERS[mine], option=escape(options[mine].text))}"


def _feedback_lines(step: Step, skip: int | None) -> list[str]:
    lines = []
    for i, option in enumerate(step.options):
        if i == skip:
            continue
        mark = "✅" if option.safe else "❌"
        lines.append(f"{mark} <b>{LETTERS[i]}</b> – {escape(option.feedback)}")
    return lines


def summary_message(scenario: Scenario, summary: Summary, kb: KnowledgeBase, code: str, *, group: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [f"<b>{_s('done', title=escape(scenario.title))}</b>"]
    if group:
        lines.append(_s("participants", n=summary.participants))
    for i, tally in enumerate(summary.steps):
        safe = sum(tally.counts[j] for j in tally.safe)
        who = _s("chose_safe", safe=safe, answered=tally.answered) if group else (_s("safe_choice") if safe else _s("read_again"))
        lines.append(_s("step_result", n=i + 1, result=who))
    before, after = Summary.average(summary.before), Summary.average(summary.after)
    if before is not None or after is not None:
        lines.append(_s("how_sure", before=_avg(before), after=_avg(after)))
    topics = [kb.topics[t] for t in scenario.topics if t in kb.topics]
    if topics:
        lines += ["", f"<b>{_s('read_more')}</b>"]
        lines += [f"• {escape(t.text('sv').title)}" for t in topics]
        lines.append(_s("topics_hint"))
    lines += [
        "", _s("subscribe_hint"),
    ]
    markup = None
    if scenario.refresher is not None:
        lines.append(_s("refresher_offer"))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(_s("refresher_yes"), callback_data=data(FOLLOW_UP, code))]])
    lines += ["", t("sv", "session.numbers")]
    return "\n".join(lines), markup


def refresher_message(scenario: Scenario, refresher: Refresher, round_: int) -> tuple[str, InlineKeyboardMarkup]:
    weeks = _s("two") if round_ == 1 else _s("six")
    lines = [f"<b>{_s('refresher', title=escape(scenario.title))}</b>", _s("refresher_lead", weeks=weeks), "",
             f"<b>{escape(refresher.question)}</b>"]
    lines += [f"{LETTERS[i]}. {escape(o.text)}" for i, o in enumerate(refresher.options)]
    buttons = [InlineKeyboardButton(LETTERS[i], callback_data=data(REFRESHER, scenario.id, round_, i)) for i in range(len(refresher.options))]
    return "\n".join(lines), InlineKeyboardMarkup([buttons])


def refresher_feedback(refresher: Refresher, option: int) -> str:
    """The answer to a refresher: `refresher` is the question of the round that was answered."""
    head = _verdict(refresher.options, option, right="right")
    return f"{head}\n{escape(refresher.options[option].feedback)}\n\n{t('sv', 'session.numbers_short')}"


def facilitator_notes(scenario: Scenario, code: str) -> str:
    return (f"<b>{_s('facilitator_notes', title=escape(scenario.title))}</b>\n{escape(scenario.facilitator_notes)}\n\n"
            + _s("code_for_others", code=f"<b>{escape(code)}</b>", screen=f"/session/{escape(code)}"))


def _avg(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")
