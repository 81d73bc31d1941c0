"""Guided sessions as Telegram HTML and inline keyboards: steps, reveals, summaries, refreshers.

Everything from scenarios is escaped here. Callback data: `ses:<action>:...`, at most 64 bytes.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.knowledge.model import KnowledgeBase
from bot.core.sessions.engine import SessionState, StepTally, Summary
from bot.core.sessions.model import CONFIDENCE_SCALE, Option, Refresher, Scenario, Step
from bot.telegram.keyboards import pack

PREFIX = "ses"
NEW, PRACTICE, VOTE, CONFIDENCE, REVEAL, NEXT, FOLLOW_UP, REFRESHER = "new", "ova", "v", "c", "r", "n", "f", "q"
LETTERS = "ABCD"
KIND_ICONS = {"sms": "📱", "call": "☎️", "door": "🚪", "ad": "📰", "chat": "💬", "email": "✉️", "letter": "📄"}
CONFIDENCE_HINT = "1 = inte alls säker, 5 = helt säker"

REFUSALS = {
    "not_facilitator": "Bara ledaren – den som startade sessionen – kan göra det.",
    "not_owner": "Bara den som skrev /session kan välja scenario.",
    "revealed": "Svaret är redan visat. Din röst räknas inte längre.",
    "wrong_step": "Den frågan är inte öppen längre.",
    "not_revealed": "Visa svaret först.",
    "finished": "Sessionen är avslutad.",
    "bad_option": "Det svaret finns inte.",
    "unknown_session": "Sessionen finns inte längre.",
    "unknown_scenario": "Scenariot finns inte längre.",
    "stale": "Den här knappen gäller inte längre.",
}
CONTINUE_WORDS = ("fortsätt", "fortsatt", "continue")  # /session fortsätt reposts the current step
NO_SESSION = "Ingen session pågår här just nu. Starta en med /session."


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
    lines = [f"<b>{escape(scenario.title)}</b>", f"{escape(scenario.audience)} · cirka {scenario.minutes} minuter", ""]
    if group:
        lines += [
            "Alla svarar med knapparna. Man kan ändra sitt svar tills ledaren visar svaret. Ingen ser vem som svarat vad.",
            f"Utan Telegram? Gå till sidan /delta på Bedrägerikollens webbplats och skriv koden <b>{escape(code)}</b>.",
        ]
    else:
        lines.append("Du får svar direkt efter varje fråga. Ingen ser hur du svarar.")
    return "\n".join(lines)


def confidence_question(scenario: Scenario, state: SessionState, moment: str, *, group: bool) -> tuple[str, InlineKeyboardMarkup]:
    question = scenario.confidence_question if moment == "b" else scenario.confidence_after
    text = f"<b>{escape(question)}</b>\n{CONFIDENCE_HINT}"
    rows = [[InlineKeyboardButton(str(n), callback_data=data(CONFIDENCE, state.code, moment, n)) for n in CONFIDENCE_SCALE]]
    if group:
        label = "Starta ▶ (ledaren)" if moment == "b" else "Avsluta och visa sammanfattning ▶ (ledaren)"
        rows.append([InlineKeyboardButton(label, callback_data=data(NEXT, state.code, where(state)))])
    return text, InlineKeyboardMarkup(rows)


def _step_lines(scenario: Scenario, state: SessionState) -> list[str]:
    step = scenario.steps[state.step]
    lines = [
        f"<b>Steg {state.step + 1} av {len(scenario.steps)} · {KIND_ICONS.get(step.kind, '')} {escape(step.kind_label)}</b>",
        escape(step.situation), "", f"<b>{escape(step.question)}</b>",
    ]
    return lines + [f"{LETTERS[i]}. {escape(option.text)}" for i, option in enumerate(step.options)]


def step_message(scenario: Scenario, state: SessionState, *, group: bool) -> tuple[str, InlineKeyboardMarkup]:
    step = scenario.steps[state.step]
    lines = _step_lines(scenario, state)
    if group:
        lines += ["", "<i>Svara med knapparna. Du kan ändra dig tills ledaren visar svaret.</i>"]
    buttons = [InlineKeyboardButton(LETTERS[i], callback_data=data(VOTE, state.code, state.step, i)) for i in range(len(step.options))]
    rows = [buttons]
    if group:
        rows.append([InlineKeyboardButton("👁 Visa svaret (ledaren)", callback_data=data(REVEAL, state.code, where(state)))])
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
        lines.append(f"<b>Så svarade gruppen ({tally.answered} svar)</b>")
        for i, option in enumerate(step.options):
            mark = "✅" if option.safe else "▫️"
            lines.append(f"{mark} {LETTERS[i]}: {tally.counts[i]}")
        lines.append("")
    else:
        lines += [_verdict(step.options, mine), escape(step.options[mine].feedback), ""]
    lines += _feedback_lines(step, skip=mine)
    lines += ["", f"<b>Varför?</b> {escape(step.explanation)}"]
    if mine is None:
        lines += ["", f"💬 <b>Prata om:</b> {escape(step.discussion)}"]
    last = state.step + 1 >= len(scenario.steps)
    label = "Nästa steg ▶" if not last else ("Sista frågan ▶" if scenario.has_confidence else "Avsluta ▶")
    if mine is None:
        label += " (ledaren)"
    return "\n".join(lines), InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data(NEXT, state.code, where(state)))]])


def _verdict(options: tuple[Option, ...], mine: int, *, right: str = "Rätt val!") -> str:
    """The heading over the feedback to one's own answer; the right/wrong word is said here only, so the
    option's feedback (scenario text) starts with the reason. A wrong answer repeats what was chosen."""
    if options[mine].safe:
        return f"✅ <b>{right}</b>"
    return f"❌ <b>Inte det säkraste valet.</b> Du valde {LETTERS[mine]}: {escape(options[mine].text)}"


def _feedback_lines(step: Step, skip: int | None) -> list[str]:
    lines = []
    for i, option in enumerate(step.options):
        if i == skip:
            continue
        mark = "✅" if option.safe else "❌"
        lines.append(f"{mark} <b>{LETTERS[i]}</b> – {escape(option.feedback)}")
    return lines


def summary_message(scenario: Scenario, summary: Summary, kb: KnowledgeBase, code: str, *, group: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [f"<b>Klart! {escape(scenario.title)}</b>"]
    if group:
        lines.append(f"Deltagare: {summary.participants}")
    for i, tally in enumerate(summary.steps):
        safe = sum(tally.counts[j] for j in tally.safe)
        who = f"{safe} av {tally.answered} valde det säkra" if group else ("säkert val ✅" if safe else "värt att läsa om igen")
        lines.append(f"Steg {i + 1}: {who}")
    before, after = Summary.average(summary.before), Summary.average(summary.after)
    if before is not None or after is not None:
        lines.append(f"Hur säker: före {_avg(before)}, efter {_avg(after)} (av 5)")
    topics = [kb.topics[t] for t in scenario.topics if t in kb.topics]
    if topics:
        lines += ["", "<b>Läs mer om</b>"]
        lines += [f"• {escape(t.text('sv').title)}" for t in topics]
        lines.append("Skriv /amnen till mig, eller fråga med egna ord.")
    lines += [
        "", "🔔 Vill du få varningar när nya bedrägerier dyker upp i din kommun? Skriv /prenumerera till mig i en privat chatt.",
    ]
    markup = None
    if scenario.refresher is not None:
        lines.append("Vill du ha en kort repetitionsfråga om 2 och 6 veckor? Tryck på knappen (jag skickar den i en privat chatt).")
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja, påminn mig om 2 och 6 veckor", callback_data=data(FOLLOW_UP, code))]])
    lines += ["", "Händer det just nu? Ring 112. Polisen: 114 14. Stöd: Brottsofferjouren 116 006."]
    return "\n".join(lines), markup


def refresher_message(scenario: Scenario, refresher: Refresher, round_: int) -> tuple[str, InlineKeyboardMarkup]:
    weeks = "två" if round_ == 1 else "sex"
    lines = [f"<b>Repetition: {escape(scenario.title)}</b>", f"För {weeks} veckor sedan gick du igenom det här. En snabb fråga:", "",
             f"<b>{escape(refresher.question)}</b>"]
    lines += [f"{LETTERS[i]}. {escape(o.text)}" for i, o in enumerate(refresher.options)]
    buttons = [InlineKeyboardButton(LETTERS[i], callback_data=data(REFRESHER, scenario.id, round_, i)) for i in range(len(refresher.options))]
    return "\n".join(lines), InlineKeyboardMarkup([buttons])


def refresher_feedback(refresher: Refresher, option: int) -> str:
    """The answer to a refresher: `refresher` is the question of the round that was answered."""
    head = _verdict(refresher.options, option, right="Rätt!")
    return f"{head}\n{escape(refresher.options[option].feedback)}\n\nHänder det just nu? Ring 112. Polisen: 114 14."


def facilitator_notes(scenario: Scenario, code: str) -> str:
    return (f"<b>Ledaranteckningar: {escape(scenario.title)}</b>\n{escape(scenario.facilitator_notes)}\n\n"
            f"Kod för deltagare utan Telegram: <b>{escape(code)}</b> (sidan /delta). Storbild: /session/{escape(code)}")


def _avg(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")
