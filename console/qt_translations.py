"""Qt's own words (OK/Cancel, file dialogs, colour pickers) in the interface language.

PySide6 ships qtbase_zh_CN.qm; installed on the application when the language is Chinese and
removed again for English, so standard buttons and dialogs follow the switch.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_installed: list = []


def apply(lang: str) -> bool:
    """Install Qt's translation for ``lang`` (zh → zh_CN); True when one is in use."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Chinese, QLocale.China) if lang == "zh" else QLocale(QLocale.English,
                                                                                           QLocale.UnitedKingdom))
    if lang != "zh":
        return False
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    t = QTranslator(app)
    if t.load("qtbase_zh_CN", folder) and app.installTranslator(t):
        _installed.append(t)
        return True
    return False
