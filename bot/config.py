"""Settings: defaults, an optional YAML file and the environment, validated before anything starts.

`load_config(path, environ)` is the only entry point; it never reads the process environment by
itself, so tests pass a mapping. Every problem is reported by its dotted name with what was expected.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

import yaml

DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
LANGUAGES = ("sv", "en")


class ConfigError(Exception):
    """One or more settings are wrong; `problems` holds one line per setting."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Secret:
    """A string that never shows itself in `repr`, logs or tracebacks."""

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True)
class StorageConfig:
    path: Path = Path("fraudbot.db")


@dataclass(frozen=True)
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    # Behind HTTPS (a reverse proxy), cookies are marked Secure. Plain http on localhost is not.
    secure_cookies: bool = False
    session_idle_minutes: int = 30
    # The address residents reach the service at, e.g. https://bedragerikollen.se: every absolute
    # link (the join address and QR code on the big screen, feeds, messages) is built from it, never
    # from a request's Host header.
    public_url: str = ""
    # Origins (scheme://host[:port]) whose pages may embed the warnings and ask boxes (bot.web.embed:
    # CORS and frame-ancestors) and show the resident pages in a frame; empty refuses embedding.
    # The staff pages may never be framed.
    embed_origins: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        """`public_url` without a trailing slash; when unset, the address the web app listens on."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"


@dataclass(frozen=True)
class KnowledgeConfig:
    path: Path = Path("knowledge")
    review_days: int = 180
    scenarios_path: Path = Path("scenarios")
    # Where trained answer models are cached (derived files, safe to delete); empty = ~/.cache/fraudbot/models
    model_cache: str = ""


@dataclass(frozen=True)
class TelegramConfig:
    token: Secret = field(default_factory=lambda: Secret(""))
    base_url: str = DEFAULT_TELEGRAM_BASE_URL
    mode: str = "polling"  # polling | webhook
    webhook_url: str = ""
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    channel_id: str = ""
    messages_per_minute: int = 20
    retry_minutes: float = 10.0  # replies and session steps: network errors and 5xx retried this long

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class PrivacyConfig:
    retention_days: int = 30
    # How long the bot remembers a conversation's last topic (in memory only) for follow-up questions.
    conversation_minutes: int = 30
    # Key for the pseudonymous user key; when empty one is generated and kept in the database.
    hash_key: Secret = field(default_factory=lambda: Secret(""))


@dataclass(frozen=True)
class AlertsConfig:
    messages_per_second: float = 30.0
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    # Empty: the region file's time zone (region.path). Set it only to override the region's.
    timezone: str = ""
    retry_hours: float = 6.0  # a warning meeting network errors or 5xx keeps trying this long


@dataclass(frozen=True)
class SmsConfig:
    provider: str = ""  # "" (off) | "46elks"
    api_user: str = ""
    api_password: Secret = field(default_factory=lambda: Secret(""))
    number: str = ""  # the service's number in E.164 (+46...), the sender of every SMS
    # Part of the webhook's path (/sms/incoming/<secret>): only the gateway knows the address.
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    price_per_segment: float = 0.35  # in the account's currency, for the dashboard's cost estimate
    rate_per_second: float = 5.0  # outgoing SMS per second, under the gateway's limit
    base_url: str = "https://api.46elks.com/a1"

    @property
    def enabled(self) -> bool:
        return bool(self.provider)


@dataclass(frozen=True)
class RegionConfig:
    # The region file: municipalities, police area, the numbers answers end with, the time zone.
    # A relative path is looked for in the working directory, then beside the package.
    path: Path = Path("knowledge/_region.yaml")


@dataclass(frozen=True)
class Config:
    storage: StorageConfig = field(default_factory=StorageConfig)
    web: WebConfig = field(default_factory=WebConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    sms: SmsConfig = field(default_factory=SmsConfig)
    region: RegionConfig = field(default_factory=RegionConfig)
    default_language: str = "sv"
    log_level: str = "INFO"
    source: str = "defaults"  # where the settings came from, for the start-up banner


# --- reading ---------------------------------------------------------------------------------

_SECTIONS = {
    "storage": StorageConfig,
    "web": WebConfig,
    "knowledge": KnowledgeConfig,
    "telegram": TelegramConfig,
    "privacy": PrivacyConfig,
    "alerts": AlertsConfig,
    "sms": SmsConfig,
    "region": RegionConfig,
}
_TOP_LEVEL = {"default_language", "log_level"}
_ENV = {
    "FRAUDBOT_DB": ("storage", "path"),
    "FRAUDBOT_TELEGRAM_TOKEN": ("telegram", "token"),
    "FRAUDBOT_TELEGRAM_BASE_URL": ("telegram", "base_url"),
    "FRAUDBOT_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
    "FRAUDBOT_HASH_KEY": ("privacy", "hash_key"),
    "FRAUDBOT_SMS_API_PASSWORD": ("sms", "api_password"),
}
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Build the settings from defaults, the YAML file at `path` (if given) and `environ`.

    A path given explicitly must exist; `FRAUDBOT_CONFIG` in `environ` names one too. Raises
    `ConfigError` naming every bad setting.
    """
    environ = environ or {}
    raw: dict[str, Any] = {}
    source = "defaults"
    path = path or environ.get("FRAUDBOT_CONFIG") or None
    if path:
        p = Path(path)
        if not p.is_file():
            raise ConfigError([f"config file {p}: not found"])
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark else ""
            raise ConfigError([f"config file {p}{where}: not valid YAML ({getattr(exc, 'problem', exc)})"]) from exc
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError([f"config file {p}: expected a mapping of sections at the top"])
        raw = loaded
        source = str(p)
    for var, (section, key) in _ENV.items():
        if environ.get(var):
            raw.setdefault(section, {})
            if isinstance(raw[section], dict):
                raw[section][key] = environ[var]
    return _build(raw, source)


def _build(raw: dict[str, Any], source: str) -> Config:
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for key in raw:
        if key not in _SECTIONS and key not in _TOP_LEVEL:
            problems.append(f"{key}: unknown setting (expected one of {', '.join(sorted([*_SECTIONS, *_TOP_LEVEL]))})")
    for name, cls in _SECTIONS.items():
        values = raw.get(name) or {}
        if not isinstance(values, dict):
            problems.append(f"{name}: expected a mapping of settings, got {type(values).__name__}")
            values = {}
        sections[name] = _build_section(name, cls, values, problems)
    lang = raw.get("default_language", "sv")
    if lang not in LANGUAGES:
        problems.append(f"default_language: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    level = str(raw.get("log_level", "INFO")).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        problems.append(f"log_level: expected DEBUG, INFO, WARNING or ERROR, got {raw.get('log_level')!r}")
    _check_semantics(sections, problems)
    if problems:
        raise ConfigError(problems)
    return Config(**sections, default_language=lang, log_level=level, source=source)


def _build_section(name: str, cls: type, values: dict[str, Any], problems: list[str]) -> Any:
    defaults = cls()
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            problems.append(f"{name}.{key}: unknown setting (expected one of {', '.join(fields)})")
            continue
        default = getattr(defaults, key)
        try:
            kwargs[key] = _coerce(value, default)
        except ValueError as exc:
            problems.append(f"{name}.{key}: {exc}")
    return cls(**kwargs)


def _coerce(value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"true", "yes", "1"}:
            return True
        if str(value).lower() in {"false", "no", "0"}:
            return False
        raise ValueError(f"expected true or false, got {value!r}")
    if isinstance(default, int):
        if isinstance(value, bool) or not str(value).strip().lstrip("-").isdigit():
            raise ValueError(f"expected a whole number, got {value!r}")
        return int(value)
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {value!r}") from None
    if isinstance(default, Secret):
        if value is None:
            return Secret("")
        if not isinstance(value, (str, int)):
            raise ValueError("expected a string")
        return Secret(str(value))
    if isinstance(default, Path):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"expected a file or folder path, got {value!r}")
        return Path(value).expanduser()
    if isinstance(default, tuple):
        items = value.split() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ValueError(f"expected a list of strings, got {value!r}")
        return tuple(items)
    if isinstance(default, time):
        match = _CLOCK.match(str(value).strip())
        if not match:
            raise ValueError(f"expected a time of day as HH:MM, got {value!r}")
        return time(int(match.group(1)), int(match.group(2)))
    if value is None:
        return default
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _check_semantics(s: dict[str, Any], problems: list[str]) -> None:
    web: WebConfig = s["web"]
    if not 0 < web.port < 65536:
        problems.append(f"web.port: expected a port number from 1 to 65535, got {web.port}")
    if web.session_idle_minutes < 1:
        problems.append("web.session_idle_minutes: expected at least 1")
    if web.public_url and not re.fullmatch(r"https?://[^\s/?#@]+(/[^\s?#]*)?", web.public_url):
        problems.append(f"web.public_url: expected the site's address such as https://bedragerikollen.se, got {web.public_url!r}")
    for origin in web.embed_origins:
        if not _ORIGIN.match(origin):
            problems.append(f"web.embed_origins: expected origins such as https://www.example.se (no path), got {origin!r}")
    tg: TelegramConfig = s["telegram"]
    if tg.mode not in {"polling", "webhook"}:
        problems.append(f"telegram.mode: expected polling or webhook, got {tg.mode!r}")
    if tg.mode == "webhook" and tg.token:
        if not tg.webhook_url.startswith("https://"):
            problems.append("telegram.webhook_url: webhook mode needs the public https:// address of /telegram/webhook")
        if not tg.webhook_secret:
            problems.append("telegram.webhook_secret: webhook mode needs a secret token (1-256 characters A-Z a-z 0-9 _ -)")
    if not tg.base_url.startswith(("http://", "https://")):
        problems.append(f"telegram.base_url: expected an http(s) URL such as {DEFAULT_TELEGRAM_BASE_URL}, got {tg.base_url!r}")
    if tg.messages_per_minute < 1:
        problems.append("telegram.messages_per_minute: expected at least 1")
    if tg.retry_minutes < 0:
        problems.append("telegram.retry_minutes: expected 0 or more")
    if s["knowledge"].review_days < 1:
        problems.append("knowledge.review_days: expected at least 1")
    if s["privacy"].retention_days < 1:
        problems.append("privacy.retention_days: expected at least 1")
    if not 1 <= s["privacy"].conversation_minutes <= 24 * 60:
        problems.append("privacy.conversation_minutes: expected 1 to 1440 (a conversation is remembered for a short while only)")
    alerts: AlertsConfig = s["alerts"]
    if alerts.messages_per_second <= 0:
        problems.append("alerts.messages_per_second: expected a number above 0")
    if alerts.retry_hours <= 0:
        problems.append("alerts.retry_hours: expected a number above 0")
    _check_sms(s["sms"], problems)
    if alerts.timezone:
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(alerts.timezone)
        except Exception:
            problems.append(f"alerts.timezone: expected an IANA time zone name (Area/City), got {alerts.timezone!r}")
    else:
        _region_timezone(s, problems)


def _region_timezone(s: dict[str, Any], problems: list[str]) -> None:
    """Fill an empty `alerts.timezone` from the region file, so the region decides the local time."""
    from bot.core.region import RegionError, load_region

    try:
        region = load_region(resolve_content_dir(s["region"].path))
    except RegionError as exc:
        problems.extend(f"region.path: {problem}" for problem in exc.problems)
        return
    s["alerts"] = dataclasses.replace(s["alerts"], timezone=region.timezone)


def _check_sms(sms: SmsConfig, problems: list[str]) -> None:
    if sms.provider not in ("", "46elks"):
        problems.append(f"sms.provider: expected 46elks or empty (off), got {sms.provider!r}")
    if sms.rate_per_second <= 0:
        problems.append("sms.rate_per_second: expected a number above 0")
    if sms.price_per_segment < 0:
        problems.append("sms.price_per_segment: expected 0 or more")
    if not sms.base_url.startswith(("http://", "https://")):
        problems.append(f"sms.base_url: expected an http(s) URL such as https://api.46elks.com/a1, got {sms.base_url!r}")
    if not sms.enabled:
        return
    if not sms.api_user or not sms.api_password:
        problems.append("sms.api_user / sms.api_password: the gateway needs both (the password from FRAUDBOT_SMS_API_PASSWORD)")
    if not re.fullmatch(r"\+\d{7,15}", sms.number):
        problems.append(f"sms.number: expected the service's number in E.164 form such as +46766861004, got {sms.number!r}")
    if len(sms.webhook_secret.reveal()) < 16 or not re.fullmatch(r"[A-Za-z0-9_-]+", sms.webhook_secret.reveal()):
        problems.append("sms.webhook_secret: expected at least 16 characters A-Z a-z 0-9 _ - (it is part of the webhook's address)")


def resolve_content_dir(path: Path) -> Path:
    """A relative content folder is looked for in the working directory, then beside the package.

    That way `fraudbot` finds the shipped `knowledge/` and `scenarios/` both when run from a clone
    and from elsewhere after an editable install.
    """
    if path.is_absolute() or path.exists():
        return path
    beside_package = Path(__file__).resolve().parent.parent / path
    return beside_package if beside_package.exists() else path
