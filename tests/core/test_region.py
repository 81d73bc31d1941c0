"""The region as data: the shipped file loads, mistakes name file, line and field, and nothing in bot/
names a municipality, a phone number or a time zone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.core import region as regions
from bot.core.region import MUNICIPALITIES, RegionError, load_region, use_region
from tests.made_up_region import MADE_UP_REGION

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "knowledge" / "_region.yaml"


@pytest.fixture
def restore_region():
    previous = use_region(None)
    yield
    use_region(previous)


def test_the_shipped_region_loads():
    region = load_region(SHIPPED)
    assert len(region.municipalities) >= 1 and all(m.name for m in region.municipalities)
    assert set(region.numbers) == {"emergency", "police", "support"}
    assert region.zone.key == region.timezone


def test_the_region_in_use_is_what_the_code_lists(tmp_path, restore_region):
    other = tmp_path / "region.yaml"
    other.write_text(_region_text(), encoding="utf-8")
    use_region(load_region(other))
    assert list(MUNICIPALITIES) == ["Norrvik", "Sjöby"] and "Norrvik" in MUNICIPALITIES and len(MUNICIPALITIES) == 2
    assert regions.current().listed("och") == "Norrvik och Sjöby"
    use_region(None)
    assert "Norrvik" not in MUNICIPALITIES


def test_mistakes_name_file_line_and_field(tmp_path):
    bad = tmp_path / "region.yaml"
    bad.write_text(_region_text().replace("Europe/Helsinki", "Europe/Nowhere").replace('police: "123 45"', 'police: "ring oss"')
                   .replace("domain: sjoby.example", "domain: 'not a domain'") + "colour: blue\n", encoding="utf-8")
    with pytest.raises(RegionError) as raised:
        load_region(bad)
    problems = [str(p) for p in raised.value.problems]
    text = "\n".join(problems)
    assert re.search(r"region.yaml:\d+: timezone: expected an IANA time zone", text), text
    assert re.search(r"region.yaml:\d+: numbers.police: expected a phone number", text), text
    assert re.search(r"region.yaml:\d+: municipalities\[1\].domain: expected a web domain", text), text
    assert re.search(r"region.yaml:\d+: colour: unknown field", text), text
    line = next(p for p in raised.value.problems if p.field == "timezone").line
    assert bad.read_text(encoding="utf-8").splitlines()[line - 1].startswith("timezone:")


def test_the_setting_names_the_file_and_the_time_zone_follows_it(tmp_path):
    other = tmp_path / "region.yaml"
    other.write_text(_region_text(), encoding="utf-8")
    settings = tmp_path / "config.yaml"
    settings.write_text(f"region:\n  path: {other}\n", encoding="utf-8")
    assert load_config(settings, {}).alerts.timezone == "Europe/Helsinki"
    assert load_config(None, {}).alerts.timezone == load_region(SHIPPED).timezone
    settings.write_text(f"region:\n  path: {other}\nalerts:\n  timezone: Europe/Oslo\n", encoding="utf-8")
    assert load_config(settings, {}).alerts.timezone == "Europe/Oslo"  # an explicit setting still wins
    settings.write_text(f"region:\n  path: {tmp_path / 'missing.yaml'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="region.path: .*missing.yaml: region file not found"):
        load_config(settings, {})


# Ours, also spelled without å/ä/ö and written without spaces, besides whatever the shipped region file says.
OURS = ("Härnösand", "Harnosand", "Kramfors", "Sollefteå", "Solleftea", "Ångermanland", "114 14", "11414", "116 006", "116006")
TIME_ZONE = re.compile(r"\b(Europe|America|Asia|Africa|Australia|Pacific|Atlantic|Arctic)/[A-Z][A-Za-z_]+")


def test_nothing_in_bot_names_a_municipality_a_phone_number_or_a_time_zone():
    """They live in the region file and the knowledge folder; the code and its catalogues only refer to them."""
    region = load_region(SHIPPED)
    numbers = [n for n in region.numbers.values() if len(n.replace(" ", "")) > 3]  # "112" is too short to grep
    needles = {*OURS, *region.names, region.police_area, *numbers, *(n.replace(" ", "") for n in numbers),
               *(m.domain for m in region.municipalities if m.domain)}
    found = []
    for path in sorted((ROOT / "bot").rglob("*")):
        if not path.is_file() or path.suffix in {".pyc", ".ico", ".png"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace").lower()
        found += [f"{path.relative_to(ROOT)}: {needle}" for needle in sorted(needles) if needle.lower() in text]
        if TIME_ZONE.search(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(ROOT)}: a time zone")
    assert not found, "\n".join(found)


def _region_text() -> str:
    return MADE_UP_REGION
