"""Issue 24 item 5: the daily report's pages as an operations manager reads them.

The report said "松江新城 · 松江新城" on page 1, printed 城市体征 twice (the table's title and its
header), the station headcount on every district page (only the hub has a station), "制图 —"
with no author, and left the lower part of each page empty. Run as cron runs it (the real
`report` CLI on the embedded data and a small recorded history), read with poppler's pdftotext.
"""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

from tests.helpers import REPO
from tests.test_export import needs

MARGIN_MM = 10.0  # the report's page margins (console/export/writers.py)


def _history(path):
    """The whole city reported once; two old-town noise terminals alarmed, the older one second."""
    from layers.sensors.kinds import kind_code
    from layers.sensors.model import default_registry
    from layers.sensors.state import CRITICAL
    from offline.history import HistoryStore
    reg = default_registry()
    t0 = 1_764_400_000.0
    noise = np.flatnonzero((reg.kind == kind_code("noise")) & (reg.district == reg.district_names.index("old-town")))
    young, old = int(noise[0]), int(noise[1])
    with HistoryStore(path) as store:
        store.append(reg.datastream, np.full(len(reg), t0), np.where(np.isfinite(reg.warn), reg.warn * 0.5, 0.0))
        store.append([reg.datastream[young], reg.datastream[old]], [t0 + 50, t0 + 5],
                     [reg.crit[young] + 10, reg.crit[old] + 10])
        store.append_alarm_events([(8, int(reg.datastream[young]), "raised", CRITICAL, t0 + 50, "", reg.crit[young] + 10),
                                   (7, int(reg.datastream[old]), "raised", CRITICAL, t0 + 5, "", reg.crit[old] + 10)])
    return t0, str(reg.ids[young]), str(reg.ids[old])


def _lowest_text_mm(pdf, page: int) -> tuple[float, float]:
    """(lowest word's bottom, page height), in mm from the top of page ``page``."""
    words = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
                           capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', words).group(1))
    bottom = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', words))
    return bottom * 25.4 / 72, height * 25.4 / 72


def test_the_daily_report_says_each_thing_once_where_it_belongs_and_fills_its_pages(tmp_path):
    needs("pdftotext")
    from layers.districts import HUB, WHOLE
    from layers.sensors.strings import STRINGS
    t0, young, old = _history(tmp_path / "history.sqlite")
    pdf = tmp_path / "daily.pdf"
    out = subprocess.run([sys.executable, "-m", "console", "report", "--out", pdf, "--time", str(t0 + 60), "--dpi",
                          "60", "--portrait", "--history", tmp_path / "history.sqlite"],
                         cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    pages = [p for p in subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                                       check=True).stdout.split("\f") if p.strip()]
    assert len(pages) == 5
    assert "松江新城每日运行报告" in pages[0] and "松江新城 · 松江新城" not in pages[0]
    vitals, station = STRINGS["sensors.dock_vitals"][0], STRINGS["sensors.vital.station_occupancy"][0]
    for i, page in enumerate(pages, 1):
        assert page.count(vitals) == 1, f"page {i}: {vitals} said {page.count(vitals)} times"
        assert "制图" not in page, f"page {i}: no author, no \"制图 —\" line"
        assert "导出" in page, "the export time stays"
        lowest, height = _lowest_text_mm(pdf, i)
        assert lowest > height - MARGIN_MM - 12.0, f"page {i}: nothing below {lowest:.0f} mm of {height:.0f}"
    with_station = [i for i, page in enumerate(pages) if station in page]
    hub = next(i for i, page in enumerate(pages) if f"松江新城 · {HUB.name[0]}" in page)
    assert with_station == sorted({0, hub}), f"the station's headcount on pages {with_station} ({WHOLE} and hub only)"
    old_town = next(p for p in pages if "松江新城 · 老城历史风貌片区" in p)
    assert "未关闭告警 2 条" in old_town
    assert old_town.index(old) < old_town.index(young), "the oldest unacknowledged alarm first"
