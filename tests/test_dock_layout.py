"""Each dock shows its minimum at the default sizes (issue 26, item 7).

A new user found the docks unreadable: vital-sign figures cut to "3…" at 1600 and 1366 px, the
alarm list 1 row at 1366×768, the heritage record tree 2–4 rows. In the real window, in the
default layout, at 1366×768, 1920×1080 and a 3840×2160 wall with the font scaled 2× (read from
3 m: `open --font-scale 2`, console/ui_scale.py), each dock is raised in turn and measured with
Qt's own geometry (tests/dock_fit.py): ≥ 8 alarm rows, every vital sign whole, ≥ 8 record rows.
The window holds the base map, the 200,000 terminals and the Dacang Bridge (the rest of the
default scene changes no dock).
"""
from __future__ import annotations

import pytest

from tests.dock_fit import alarm_fit, record_rows, vitals_clipped

pytestmark = pytest.mark.gui
SIZES = [((1366, 768), 1.0), ((1920, 1080), 1.0), ((3840, 2160), 2.0)]


@pytest.fixture
def dock_window(make_window, qtbot, monkeypatch):
    from console import layout
    from layers import i18n, layer_kinds
    monkeypatch.setenv("SONGJIANG_NO_DIALOGS", "1")
    layout.forget()  # the default arrangement, as at a first start
    i18n.set_language("en")  # the longer words
    win = make_window(start_view="old-town", demo_feed=False)
    win.load_specs([s for s in layer_kinds.default_specs()
                    if s.source.startswith("sensors:") or "dacang_bridge" in s.source])
    qtbot.waitUntil(lambda: not win.loader.busy() and win.panels.sensor_panel.model is not None
                    and win.panels.hbim.model_layer("dacang_bridge") is not None, timeout=120000)
    win.panels.sensor_panel.model.prime()
    win.panels.sensor_panel.refresh_vitals()
    assert win.panels.hbim.select_by_name("dacang_bridge", "Arch ring 3")
    yield win
    i18n.set_language("zh")
    layout.forget()


@pytest.fixture
def font_scale(qapp):
    """Scale the interface font as `--font-scale` does; the suite's font is put back afterwards."""
    font = qapp.font()
    scale = qapp.property("songjiang_font_scale")

    def apply(k: float):
        qapp.setFont(font)
        if k != 1.0:
            from console import ui_scale
            ui_scale.apply(qapp, k)
    yield apply
    qapp.setFont(font)
    qapp.setProperty("songjiang_font_scale", scale)


def test_each_dock_shows_its_minimum_at_1366_1920_and_on_a_wall(dock_window, qtbot, font_scale):
    win = dock_window
    report = []
    for size, scale in SIZES:
        font_scale(scale)
        win.resize(*size)
        qtbot.waitUntil(lambda s=size: (win.width(), win.height()) == s, timeout=5000)
        qtbot.wait(300)
        alarms, clipped, records = alarm_fit(win), vitals_clipped(win), record_rows(win)
        report.append((size, scale, round(alarms["rows"], 1), len(clipped), round(records, 1)))
        assert alarms["rows"] >= 8, f"{alarms['rows']:.1f} alarm rows at {size}: {report}"
        assert not clipped, f"vital signs cut at {size}: {clipped[:4]} {report}"
        assert records >= 8, f"{records:.1f} record rows at {size}: {report}"


def test_dock_tab_titles_whole_and_legend_unclipped(dock_window, qtbot):
    """A new user saw the right column's tabs as "A… Se… Ci… At… H…" and the legend's rows drawn
    over each other: every dock tab names its dock in full (the tab row scrolls instead), and the
    legend's pane holds all its rows without scrolling, at the default size and at 1366×768."""
    from PySide6.QtWidgets import QScrollArea, QTabBar
    win = dock_window
    for size in ((1600, 950), (1366, 768)):
        win.resize(*size)
        qtbot.waitUntil(lambda s=size: (win.width(), win.height()) == s, timeout=5000)
        qtbot.wait(300)
        bars = [b for b in win.findChildren(QTabBar) if b.parent() is win and b.isVisible() and b.count() > 1]
        assert bars, f"no dock tab group at {size}"
        for bar in bars:
            fm = bar.fontMetrics()
            cut = [bar.tabText(i) for i in range(bar.count())
                   if bar.tabRect(i).width() < fm.horizontalAdvance(bar.tabText(i))]
            assert not cut, f"tab titles cut at {size}: {cut}"
        legend = win.findChild(QScrollArea, "legend-scroll")
        assert legend.isVisible() and win.docks.legend.sections(), "the legend shows the sensor layer's section"
        assert legend.verticalScrollBar().maximum() == 0, \
            f"legend needs scrolling at {size}: {legend.viewport().height()} px for {legend.widget().sizeHint().height()}"
        note = win.panels.sensor_panel.alarms.note  # the acknowledgement note: its hint readable, not "N…"
        assert note.width() >= note.fontMetrics().horizontalAdvance(note.placeholderText()), \
            f"alarm note field {note.width()} px at {size} for {note.placeholderText()!r}"
