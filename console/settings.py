"""Remembered user settings (QSettings: the registry, a plist or an ini file per platform)."""
from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings

ORG, APP = "Songjiang", "songjiang-console"


def settings() -> QSettings:
    return QSettings(ORG, APP)


def saved_language() -> str:
    """The remembered language, else the system locale's (Chinese for any zh locale)."""
    value = settings().value("ui/language", "")
    if value in ("zh", "en"):
        return value
    return "zh" if QLocale.system().name().lower().startswith("zh") else "en"


def save_language(lang: str):
    s = settings()
    s.setValue("ui/language", lang)
    s.sync()


def saved_theme() -> str:
    value = settings().value("ui/theme", "light")
    return value if value in ("light", "wall") else "light"


def save_theme(name: str):
    s = settings()
    s.setValue("ui/theme", name)
    s.sync()


def mqtt_profiles() -> dict:
    """Saved broker profiles: name → connection fields (never a password; that is in the OS keyring)."""
    import json
    raw = settings().value("sensors/mqtt_profiles", "")
    try:
        profiles = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return profiles if isinstance(profiles, dict) else {}


def save_mqtt_profile(name: str, fields: dict):
    import json
    profiles = mqtt_profiles()
    profiles[name] = {k: v for k, v in fields.items() if k != "password"}
    s = settings()
    s.setValue("sensors/mqtt_profiles", json.dumps(profiles, ensure_ascii=False))
    s.setValue("sensors/mqtt_last", name)
    s.sync()


def last_mqtt_profile() -> str:
    return str(settings().value("sensors/mqtt_last", "") or "")


def operator_name() -> str:
    """Who acknowledges and clears alarms: the "sensors/operator" setting, else the OS user."""
    value = str(settings().value("sensors/operator", "") or "")
    if value:
        return value
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"
