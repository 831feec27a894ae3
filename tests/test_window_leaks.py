"""Closing a window frees it: the suite's memory stays flat however many windows its tests open.

The default suite once peaked at 8.7 GiB resident in one process: every closed MainWindow
stayed alive with its project, scene and render window. ``make_window`` (tests/window_leaks.py)
fails any test whose windows outlive it; here one window with the embedded layers is opened and
closed, then ten in a row, measuring resident memory (a memory bound, not a timing).
"""
from __future__ import annotations

import pytest

from tests.helpers import has_display
from tests.window_leaks import WindowFactory, resident_mib, settle

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]

EMBEDDED = 8
GROWTH_MIB = 50


def _open_and_close(qapp, qtbot):
    """One window as a user opens it (the embedded layers loaded), closed again; its leaks."""
    from layers import i18n
    from layers.loading import embedded_specs
    i18n.set_language("zh")
    factory = WindowFactory(qapp)
    win = factory(start_view="old-town", demo_feed=False, size=(1200, 800))
    win.load_specs(embedded_specs())
    qtbot.waitUntil(lambda: len(win.project.layers) >= EMBEDDED and not win.loader.busy(), timeout=60000)
    qtbot.waitExposed(win)
    win.view.window.Render()
    del win
    factory.close_all()
    return factory.leaks()


def test_a_closed_window_is_freed(qapp, qtbot):
    assert _open_and_close(qapp, qtbot) == []


def test_ten_windows_opened_and_closed_grow_memory_by_at_most_50_mib(qapp, qtbot):
    _open_and_close(qapp, qtbot)  # first use loads fonts, GL and the embedded assets' caches
    settle(qapp)
    before = resident_mib()
    for _ in range(10):
        _open_and_close(qapp, qtbot)
    settle(qapp)
    grown = resident_mib() - before
    print(f"10 windows opened and closed: resident memory {before:.0f} → {before + grown:.0f} MiB")
    assert grown <= GROWTH_MIB, f"10 windows opened and closed grew resident memory by {grown:.0f} MiB"
