"""Every word the service shows, from one gettext catalogue per language (`bot/locale/<lang>/LC_MESSAGES/fraudbot.po`).

The catalogues are read with Babel when first needed, straight from the .po files, so editing a
.po file is all a translator does (no compiled .mo to forget), and adding a language is adding a
folder with one file. Message ids are stable keys (`reply.signs`, `telegram.greeting`), not the
Swedish text: the same Swedish words mean different things in different places, a key survives a
reworded Swedish text without orphaning every translation, and a test can check that every key used
in code exists in every catalogue with the same placeholders.

Texts name the region only through placeholders – `{municipalities}`, `{police_area}`,
`{emergency}`, `{police}`, `{support}`, `{example_group}` – filled from the region in use
(`bot.core.region`), so the catalogues, like the code, name no place and no number.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from pathlib import Path

from babel.messages.pofile import read_po

from bot.core import region as regions

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "fraudbot"
SOURCE_LANGUAGE = "sv"  # what a language without a catalogue falls back to

_catalogues: dict[str, dict[str, str]] | None = None
_folder: Path = LOCALE_DIR


def load_catalogues(folder: Path) -> dict[str, dict[str, str]]:
    """Every `<lang>/LC_MESSAGES/fraudbot.po` under `folder`, as {lang: {key: text}}."""
    catalogues: dict[str, dict[str, str]] = {}
    for po in sorted(Path(folder).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as f:
            catalogue = read_po(f, locale=None, domain=DOMAIN)
        catalogues[po.parent.parent.name] = {str(m.id): str(m.string) for m in catalogue if m.id and m.string}
    if SOURCE_LANGUAGE not in catalogues:
        raise FileNotFoundError(f"{folder}: no {SOURCE_LANGUAGE}/LC_MESSAGES/{DOMAIN}.po")
    return catalogues


def use_catalogues(folder: Path | None) -> Path:
    """Read the catalogues from `folder` from now on (None: the shipped ones); returns the previous folder."""
    global _catalogues, _folder
    previous, _folder, _catalogues = _folder, Path(folder or LOCALE_DIR), None
    return previous


def _all() -> dict[str, dict[str, str]]:
    global _catalogues
    if _catalogues is None:
        _catalogues = load_catalogues(_folder)
    return _catalogues


def languages() -> tuple[str, ...]:
    """The languages that have a catalogue, Swedish first."""
    return tuple(sorted(_all(), key=lambda lang: (lang != SOURCE_LANGUAGE, lang)))


def catalogue(lang: str) -> dict[str, str]:
    """The raw texts of `lang` (placeholders unfilled); Swedish for a language without a catalogue."""
    found = _all()
    return found.get(lang) or found[SOURCE_LANGUAGE]


def region_params(lang: str) -> dict[str, str]:
    """The region's names and numbers as the placeholders in the catalogues call them."""
    region = regions.current()
    return {"municipalities": region.listed(catalogue(lang)["words.and"]), "police_area": region.police_area,
            "example_group": region.example_group or region.names[0], **region.numbers}


def t(lang: str, key: str, **params: object) -> str:
    """The text `key` in `lang` with the region and `params` filled in; a missing key raises KeyError."""
    return catalogue(lang)[key].format(**{**region_params(lang), **params})


class _KeepUnknown(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: Mapping[str, object]) -> str:
    """`text` with the placeholders named in `values` filled; others stay for a later `.format`."""
    return text.format_map(_KeepUnknown(values))


def section(lang: str, prefix: str, **params: object) -> dict[str, str]:
    """Every text under `prefix.` in `lang`, by its short name, with the region (and `params`) filled in."""
    values = {**region_params(lang), **params}
    start = prefix + "."
    return {key[len(start):]: fill(text, values) for key, text in catalogue(lang).items()
            if key.startswith(start) and "." not in key[len(start):]}


class Section(Mapping[str, dict[str, str]]):
    """`Section("web")[lang]["tip"]`: one part of the catalogues, by language, read at each use.

    It stands where a module once held a {lang: {name: text}} dict, so its callers did not change;
    `lang in UI` is true for every language with a catalogue.
    """

    def __init__(self, prefix: str, **params: object):
        self.prefix = prefix
        self.params = params

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in _all():
            raise KeyError(lang)
        return section(lang, self.prefix, **self.params)

    def get(self, lang: str, default: dict[str, str] | None = None) -> dict[str, str] | None:  # type: ignore[override]
        return self[lang] if lang in _all() else default

    def __iter__(self) -> Iterator[str]:
        return iter(languages())

    def __len__(self) -> int:
        return len(_all())

    def __contains__(self, lang: object) -> bool:
        return lang in _all()


def placeholders(text: str) -> set[str]:
    """The {names} a text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Texts(Mapping[str, str]):
    """`Texts("session.refused", "sv")["stale"]`: one part of one language's catalogue, read at each use.

    It stands where a module once held a {name: text} dict of one language (staff pages and guided
    sessions are Swedish only for now), so its callers did not change.
    """

    def __init__(self, prefix: str, lang: str = SOURCE_LANGUAGE):
        self.prefix = prefix
        self.lang = lang

    def __getitem__(self, name: str) -> str:
        return section(self.lang, self.prefix)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(section(self.lang, self.prefix))

    def __len__(self) -> int:
        return len(section(self.lang, self.prefix))
