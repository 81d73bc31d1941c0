"""Social media cards: both sizes, small files, å/ä/ö drawn, readable contrast, no boxes for emoji."""

import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image, ImageChops, ImageDraw

from bot.core.alerts import cards
from bot.storage.alert_model import Alert

NOW = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
ADDRESS = "https://bedragerikollen.example.se/"
LONG_TEXT = ("Någon som säger sig vara polis ringer och säger att din bank är hackad. Polisen ber aldrig om koder, "
             "kort eller pengar. Lägg på och ring 114 14 själv. Öppna inte dörren för någon som vill hämta kortet. ") * 4


def alert(**changes) -> Alert:
    values = dict(id=7, title_sv="Falska poliser ringer äldre och ber om bankdosan", text_sv=LONG_TEXT,
                  title_en="Fake police officers call older people", text_en="Hang up. Call 114 14 yourself.",
                  severity="urgent", topics=(), municipalities=("Härnösand",), expires_at=None, scheduled_at=None,
                  state="sent", created_by=1, approved_by=2, created_at=NOW, sent_at=NOW, correction_of=None,
                  withdrawn=False)
    return Alert(**{**values, **changes})


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("severity", ["info", "warning", "urgent"])
def test_both_sizes_render_as_small_pngs(kb, severity):
    text = cards.card_text(alert(severity=severity), "sv", ADDRESS, kb.contacts.text("sv"))
    for size, expected in (("kvadrat", (1080, 1080)), ("bred", (1200, 630))):
        data = cards.render_card(text, size)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        image = _png(data)
        assert image.size == expected
        assert len(data) < 500 * 1024, f"{severity} {size}: {len(data)} bytes"
        # Something is written on it: far more than the two or three flat colours of an empty card.
        assert len(image.getcolors(maxcolors=100_000)) > 20


def _glyph(text: str, bold: bool = True) -> Image.Image:
    image = Image.new("L", (400, 160), 0)
    ImageDraw.Draw(image).text((10, 10), text, font=cards._font(bold, 100), fill=255)
    return image


def test_swedish_letters_are_in_the_font_and_drawn_unlike_the_missing_glyph_box():
    assert all(ord(c) in cards.covered() for c in "ÅÄÖåäöÉé–…")
    missing = chr(0x1F6A8)  # 🚨 POLICE CARS REVOLVING LIGHT: not in DejaVu, so drawn as .notdef
    assert ord(missing) not in cards.covered()
    box = _glyph(missing)
    assert box.getbbox() is not None  # the .notdef box is visible: comparing with it means something
    for letter in "ÅÄÖåäö":
        drawn = _glyph(letter)
        assert drawn.getbbox() is not None, letter
        assert ImageChops.difference(drawn, box).getbbox() is not None, f"{letter} drawn as the missing-glyph box"
    # Å is A with a ring: the ring adds ink above the A.
    assert _glyph("Å").getbbox()[1] < _glyph("A").getbbox()[1]


def test_text_and_background_colours_pass_wcag_aa():
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for severity, palette in cards.PALETTES.items():
        for fg, bg in palette.text_pairs():
            light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
            ratio = (light + 0.05) / (dark + 0.05)
            assert ratio >= 4.5, f"{severity}: {fg} on {bg} is {ratio:.2f}:1"


def test_the_card_uses_the_palette_colours_it_declares(kb):
    """The contrast test above is about the colours really painted: band and page show them."""
    text = cards.card_text(alert(severity="warning"), "sv", ADDRESS, kb.contacts.text("sv"))
    image = _png(cards.render_card(text, "bred")).convert("RGB")
    palette = cards.PALETTES["warning"]
    as_rgb = lambda c: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))  # noqa: E731
    assert image.getpixel((2, 2)) == as_rgb(palette.band)
    assert image.getpixel((2, image.height - 2)) == as_rgb(palette.background)


def test_emoji_are_left_out_so_nothing_shows_as_a_box(kb):
    contacts = kb.contacts.text("sv")
    with_emoji = alert(title_sv="🚨 Falska sms 📱 om vägtull ⚠️", text_sv="Klicka inte 👉 på länken 🔗.")
    plain = alert(title_sv="Falska sms om vägtull ⚠", text_sv="Klicka inte på länken.")
    for field in (cards.card_text(with_emoji, "sv", ADDRESS, contacts).title, "👩‍👩‍👧 familj 🏳️‍🌈"):
        shown = cards.drawable(field)
        assert shown and all(ord(c) in cards.covered() for c in shown), shown
    for size in cards.SIZES:
        emoji_card = _png(cards.render_card(cards.card_text(with_emoji, "sv", ADDRESS, contacts), size))
        plain_card = _png(cards.render_card(cards.card_text(plain, "sv", ADDRESS, contacts), size))
        # Identical pixels: the emoji the font lacks left no box, the ⚠ it has is drawn in both.
        assert ImageChops.difference(emoji_card.convert("RGB"), plain_card.convert("RGB")).getbbox() is None
    assert "🚨" not in cards.alt_text(cards.card_text(with_emoji, "sv", ADDRESS, contacts))


def test_a_long_title_and_text_are_wrapped_and_shortened_to_fit(kb):
    long = alert(title_sv="Bedragare " * 30, text_sv=LONG_TEXT * 3)
    text = cards.card_text(long, "sv", ADDRESS, kb.contacts.text("sv"))
    for size in cards.SIZES:
        image = _png(cards.render_card(text, size)).convert("RGB")
        background = tuple(int(cards.PALETTES["urgent"].background[i:i + 2], 16) for i in (1, 3, 5))
        margin = round(image.width * 0.06)
        # Nothing is drawn in the side margins: every line was wrapped inside them.
        for x in (margin // 2, image.width - margin // 2):
            column = {image.getpixel((x, y)) for y in range(image.height // 5, image.height)}
            assert column == {background}, (size, x)


def test_post_and_alt_text_say_what_to_do_with_the_address_and_the_numbers(kb):
    contacts = kb.contacts.text("en")
    post = cards.post_text(alert(), "en", ADDRESS, contacts)
    assert post.startswith("URGENT WARNING: Fake police officers call older people (Härnösand)")
    assert "Hang up. Call 114 14 yourself." in post and ADDRESS.rstrip("/") in post
    for number in ("112", "114 14", "116 006"):
        assert number in post
    assert len(post) < 700
    swedish = cards.post_text(alert(), "sv", ADDRESS, kb.contacts.text("sv"))
    assert "…" in swedish and len(swedish) < 800  # the long text is shortened, the numbers stay
    alt = cards.alt_text(cards.card_text(alert(), "sv", ADDRESS, kb.contacts.text("sv")))
    assert alt.startswith("BRÅDSKANDE VARNING: Falska poliser") and "Härnösand" in alt and "112" in alt
    assert "bedragerikollen.example.se" in alt and "https://" not in alt


def test_shortened_text_never_ends_in_half_a_phone_number(kb):
    text = "Lägg på direkt och ring sedan polisen på 114 14 och berätta vad som hände. " * 10
    post = cards.post_text(alert(text_sv=text), "sv", ADDRESS, kb.contacts.text("sv"))
    body = post.split("\n")[2]
    assert body.endswith("…") and not any(c.isdigit() for c in body.rsplit(" ", 2)[-2])
    assert cards._cut_before("ring polisen på 114") == "ring polisen på"
    assert cards._cut_before("ring 114 14") == "ring"


def test_only_approved_warnings_in_force_can_be_posted():
    assert cards.postable(alert(), NOW)
    assert cards.postable(alert(state="approved"), NOW) and cards.postable(alert(state="scheduled"), NOW)
    for not_yet in ("draft", "awaiting_approval", "cancelled", "expired"):
        assert not cards.postable(alert(state=not_yet), NOW), not_yet
    assert not cards.postable(alert(withdrawn=True), NOW)
    assert not cards.postable(alert(withdrawal_of=3), NOW)
    assert not cards.postable(alert(expires_at=NOW - timedelta(minutes=1)), NOW)
