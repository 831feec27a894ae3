"""Guard against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 released one reference to None on every static void call
(QCoreApplication.processEvents, QTimer.singleShot…). On Python 3.11 None is
not immortal, so a few thousand calls — a pytest-qt wait, a busy event loop —
abort the whole process with "deallocating None". pyproject excludes that
version; this test fails clearly if another version brings it back.
"""
from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 (PEP 683)")
def test_static_void_calls_keep_none_alive():
    from PySide6.QtCore import QCoreApplication, QTimer
    app = QCoreApplication.instance() or QCoreApplication([])
    before = sys.getrefcount(None)
    for _ in range(500):
        app.processEvents()
        QTimer.singleShot(0, app.thread)
    app.processEvents()
    assert sys.getrefcount(None) >= before - 50
