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
