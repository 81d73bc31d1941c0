"""Social media posts from a warning: PNG image cards, their alt text and the post text.

Staff publish an approved warning on the municipality's and the police's accounts: a card
(1080×1080 for Instagram/Facebook, 1200×630 for link previews, X and LinkedIn) with large text,
the severity, the municipalities and the service's address, plus a short post text with the numbers.

Drawn with Pillow in DejaVu Sans, the font matplotlib ships (Debian's fonts-dejavu as a fallback),
so å, ä and ö always render. DejaVu has no colour emoji: every character the font cannot draw is
dropped before drawing (checked against the font's own character map with fontTools), so a title
like "🚨 Falska sms" never shows a box. Channel-independent: no HTTP here, only bytes and strings.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.core.alerts.text import SEVERITY_LABEL, words
from bot.core.knowledge.model import ContactText
from bot.storage.alert_model import APPROVED, SCHEDULED, SENDING, SENT, Alert

SIZES = {"kvadrat": (1080, 1080), "bred": (1200, 630)}  # square for feeds, wide for link previews
POSTABLE_STATES = (APPROVED, SCHEDULED, SENDING, SENT)
MAX_POST_BODY = 400  # characters of the warning's text in the post; the card shows less
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufe00-\ufe0f\U000e0000-\U000e007f]")  # ZWJ, variation selectors, tags
_PHONE = re.compile(r"\d")


@dataclass(frozen=True)
class Palette:
    """Colours of one severity: text on the page and on the top band. Every pair ≥ 4.5:1 (WCAG AA)."""

    background: str
    text: str
    band: str
    band_text: str
    rule: str  # the line above the address: decoration, not text

    def text_pairs(self) -> tuple[tuple[str, str], ...]:
        """(text colour, background colour) for everything written on the card."""
        return ((self.text, self.background), (self.band_text, self.band))


PALETTES = {
    "info": Palette(background="#0b2545", text="#ffffff", band="#cfe3ff", band_text="#0b2545", rule="#8fb8ff"),
    "warning": Palette(background="#0b2545", text="#ffffff", band="#ffc928", band_text="#111111", rule="#ffc928"),
    "urgent": Palette(background="#0b2545", text="#ffffff", band="#b3001b", band_text="#ffffff", rule="#ff6b7d"),
}


@dataclass(frozen=True)
class CardText:
    """What a card says, already in the reader's language."""

    severity: str
    label: str  # "BRÅDSKANDE VARNING"
    title: str
    body: str
    where: str  # one municipality, or all of them
    address: str  # the service's public address, without https://
    call_now: str  # "Pågår det just nu? Ring 112."
    lang: str = "sv"


def postable(alert: Alert, now: datetime) -> bool:
    """Only an approved warning still in force: not a draft, withdrawn, replaced, expired or a withdrawal notice."""
    return (alert.state in POSTABLE_STATES and not alert.withdrawn and not alert.withdrawal_of
            and not alert.is_expired(now))


def _display_address(url: str) -> str:
    return re.sub(r"^https?://", "", url).rstrip("/")


def _numbers(contacts: ContactText) -> list[str]:
    """The lines of the contacts footer that give a number to call (the bank line gives none)."""
    return [line for line in contacts.footer if _PHONE.search(line)]


def card_text(alert: Alert, lang: str, address: str, contacts: ContactText) -> CardText:
    lang = lang if lang in SEVERITY_LABEL else "sv"
    where = ", ".join(alert.municipalities) if alert.municipalities else words(lang)["all"]
    numbers = _numbers(contacts)
    return CardText(severity=alert.severity, label=SEVERITY_LABEL[lang][alert.severity].upper(), title=alert.title(lang),
                    body=alert.text(lang), where=where, address=_display_address(address),
                    call_now=numbers[0] if numbers else "", lang=lang)


def alt_text(text: CardText) -> str:
    """The image's description for screen readers: everything the card says, in reading order
    (without the emoji the card leaves out, which a screen reader would otherwise read by name)."""
    parts = [f"{text.label}: {drawable(text.title)}.", drawable(text.body), text.where + ".", text.call_now, text.address]
    return " ".join(" ".join(p.split()) for p in parts if p.strip())


def post_text(alert: Alert, lang: str, address: str, contacts: ContactText) -> str:
    """A short post: what is going on, what to do, where to ask, the numbers."""
    text = card_text(alert, lang, address, contacts)
    body = _shorten(text.body, MAX_POST_BODY)
    ask = "Fråga Bedrägerikollen" if text.lang == "sv" else "Ask Bedrägerikollen"
    lines = [f"{SEVERITY_LABEL[text.lang][alert.severity]}: {text.title} ({text.where})", "", body, "",
             f"{ask}: {address.rstrip('/')}", *_numbers(contacts)]
    return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return _cut_before(text[:limit - 1].rsplit(" ", 1)[0]) + "…"


def _cut_before(kept: str) -> str:
    """Shortened text ends before a number: "ring 114 …" would give half a phone number."""
    while " " in kept and re.search(r"\d", kept.rsplit(" ", 1)[1]):
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(",;:– ")


# --- fonts -------------------------------------------------------------------------------------

def font_path(bold: bool = False) -> Path:
    """DejaVu Sans from matplotlib's data folder, else from Debian's fonts-dejavu."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in (Path(matplotlib.get_data_path()) / "fonts" / "ttf", Path("/usr/share/fonts/truetype/dejavu")):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} not found: install matplotlib or Debian's fonts-dejavu")


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points both the regular and the bold font can draw (read from their character maps)."""
    from fontTools.ttLib import TTFont

    maps = []
    for bold in (False, True):
        with TTFont(font_path(bold), lazy=True) as font:
            maps.append(set(font.getBestCmap()))
    return frozenset(maps[0] & maps[1])


def drawable(text: str) -> str:
    """`text` with every character the font cannot draw left out (emoji, symbols), spaces tidied."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    can = covered()
    kept = "".join(c if ord(c) in can else (" " if c.isspace() else "") for c in text)
    if len(kept) < len(text):  # "länken 🔗." would leave "länken ."
        kept = re.sub(r"[ \t]+([.,;:!?)])", r"\1", kept)
    return "\n".join(" ".join(line.split()) for line in kept.splitlines()).strip()


@lru_cache(maxsize=64)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size)


# --- drawing -----------------------------------------------------------------------------------

def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of `text` no wider than `width`; a word too long for a line is broken."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while draw.textlength(word, font=font) > width:  # e.g. a long address
                cut = max(1, next((i for i in range(len(word), 0, -1) if draw.textlength(word[:i], font=font) <= width), 1))
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
    return lines


def _fit_lines(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont, width: int,
               max_lines: int) -> list[str]:
    """At most `max_lines`, the last ending in … when text was left out."""
    if len(lines) <= max_lines:
        return lines
    if max_lines <= 0:
        return []
    kept = lines[:max_lines]
    last = kept[-1]
    while last and draw.textlength(last + " …", font=font) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    kept[-1] = (_cut_before(last) + " …").strip()
    return kept


def render_card(text: CardText, size: str) -> bytes:
    """The card as PNG bytes at one of `SIZES` ("kvadrat" or "bred")."""
    width, height = SIZES[size]
    palette = PALETTES[text.severity]
    image = Image.new("RGB", (width, height), palette.background)
    draw = ImageDraw.Draw(image)
    unit = min(width, height)
    margin = round(width * 0.06)
    inner = width - 2 * margin

    band_h = round(unit * (0.15 if size == "bred" else 0.13))
    draw.rectangle((0, 0, width, band_h), fill=palette.band)
    label_font = _font(True, round(band_h * 0.42))
    draw.text((margin, band_h // 2), drawable(text.label), font=label_font, fill=palette.band_text, anchor="lm")

    # From the bottom up: the address and the number to call always show, whole.
    foot_font = _font(False, round(unit * 0.045))
    addr_font = _font(True, round(unit * 0.06))
    y_bottom = height - margin
    call_lines = _wrap(draw, drawable(text.call_now), foot_font, inner)
    addr_lines = _wrap(draw, drawable(text.address), addr_font, inner)
    foot_h = len(call_lines) * round(foot_font.size * 1.25) + len(addr_lines) * round(addr_font.size * 1.2)
    y = y_bottom - foot_h
    draw.line((margin, y - round(unit * 0.03), width - margin, y - round(unit * 0.03)), fill=palette.rule, width=max(3, unit // 200))
    for line in addr_lines:
        draw.text((margin, y), line, font=addr_font, fill=palette.text)
        y += round(addr_font.size * 1.2)
    for line in call_lines:
        draw.text((margin, y), line, font=foot_font, fill=palette.text)
        y += round(foot_font.size * 1.25)

    # Between band and foot: the municipalities, the title, then as much of the text as fits.
    top = band_h + round(unit * 0.05)
    bottom = y_bottom - foot_h - round(unit * 0.07)
    where_font = _font(False, round(unit * 0.04))
    draw.text((margin, top), drawable(text.where), font=where_font, fill=palette.text)
    top += round(where_font.size * 1.6)
    title, body = drawable(text.title), drawable(text.body)
    for title_size in range(round(unit * (0.11 if size == "bred" else 0.09)), round(unit * 0.045) - 1, -2):
        title_font = _font(True, title_size)
        body_font = _font(False, max(round(title_size * 0.62), round(unit * 0.035)))
        title_lines = _wrap(draw, title, title_font, inner)
        title_h = len(title_lines) * round(title_size * 1.15)
        body_line_h = round(body_font.size * 1.3)
        room = bottom - top - title_h - round(unit * 0.03)
        if room >= body_line_h * min(2, len(_wrap(draw, body, body_font, inner))) or title_size <= round(unit * 0.045) + 1:
            break
    body_room = 2 * body_line_h + round(unit * 0.03) if body else 0  # a long title still leaves two lines of text
    title_lines = _fit_lines(draw, title_lines, title_font, inner, max(1, (bottom - top - body_room) // round(title_size * 1.15)))
    for line in title_lines:
        draw.text((margin, top), line, font=title_font, fill=palette.text)
        top += round(title_size * 1.15)
    top += round(unit * 0.03)
    body_lines = _fit_lines(draw, _wrap(draw, body, body_font, inner), body_font, inner, max(0, (bottom - top) // body_line_h))
    for line in body_lines:
        draw.text((margin, top), line, font=body_font, fill=palette.text)
        top += body_line_h

    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()

