"""Remembered user settings: the typed, versioned ``layers.settings.Settings`` in the config folder's
settings.json (read once per process, written on each change). The window layout stays in QSettings
(console/layout.py: Qt's own bytes); the keys earlier consoles kept there are migrated on first read.
"""
from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings

from layers import paths
from layers import settings as typed

ORG, APP = "Songjiang", "songjiang-console"
LEGACY_KEYS = ("ui/language", "ui/theme", "sensors/operator", "sensors/mqtt_profiles", "sensors/mqtt_last")


def settings() -> QSettings:
    """Qt's store, for the window layout only."""
    return QSettings(ORG, APP)


def _legacy() -> dict:
    """Version 1: the keys in QSettings, handed to the migration and then removed from there."""
    s = settings()
    old = {k: s.value(k) for k in LEGACY_KEYS if s.contains(k)}
    for k in old:
        s.remove(k)
    s.sync()
    return {k: v for k, v in old.items() if v is not None}


def current() -> typed.Settings:
    return typed.load(paths.settings_file(), legacy=_legacy)


def change(**values) -> typed.Settings:
    s = current()
    for name, value in values.items():
        setattr(s, name, value)
    typed.save(paths.settings_file(), s)
    return s


def saved_language() -> str:
    """The remembered language, else the system locale's (Chinese for any zh locale)."""
    value = current().language
    if value in ("zh", "en"):
        return value
    return "zh" if QLocale.system().name().lower().startswith("zh") else "en"


def save_language(lang: str):
    change(language=lang)


def saved_theme() -> str:
    return current().theme


def save_theme(name: str):
    change(theme=name)


def mqtt_profiles() -> dict:
    """Saved broker profiles: name → connection fields (never a password; that is in the OS keyring)."""
    return dict(current().mqtt_profiles)


def save_mqtt_profile(name: str, fields: dict):
    profiles = mqtt_profiles()
    profiles[name] = {k: v for k, v in fields.items() if k != "password"}
    change(mqtt_profiles=profiles, mqtt_last=name)


def last_mqtt_profile() -> str:
    return current().mqtt_last


def operator_name() -> str:
    """Who acknowledges and clears alarms: the operator setting, else the OS user."""
    value = current().operator
    if value:
        return value
    import getpass
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


HISTORY_HOURS = (1, 6, 24, 72, 168)  # the choices Sensors › History span offers


def history_hours() -> float:
    """How many hours of readings the window keeps and its time slider spans ("sensors/history_hours", 24)."""
    from layers.sensors.model import HISTORY_RETENTION_S
    try:
        value = float(settings().value("sensors/history_hours", HISTORY_RETENTION_S / 3600.0))
    except (TypeError, ValueError):
        value = HISTORY_RETENTION_S / 3600.0
    return min(max(value, 1.0), 24.0 * 366) if value == value else HISTORY_RETENTION_S / 3600.0


def save_history_hours(hours: float):
    settings().setValue("sensors/history_hours", float(hours))
