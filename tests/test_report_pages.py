"""Issue 24 item 5: the daily report's pages as an operations manager reads them.

The report said "松江新城 · 松江新城" on page 1, printed 城市体征 twice (the table's title and its
header), the station headcount on every district page (only the hub has a station), "制图 —"
with no author, and left the lower part of each page empty. A manager also reads each vital sign
against the same moment a day earlier ("—" when the history has no reading then, never a fake 0)
and the open alarms counted by severity and acknowledgement above the list. Run as cron runs it
(the real `report` CLI on the embedded data and a small recorded history), read with poppler's
pdftotext.
"""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

from tests.helpers import REPO
from tests.test_export import needs

MARGIN_MM = 10.0  # the report's page margins (console/export/writers.py)
DAY_S = 24 * 3600.0


def _history(path, day_before: bool = False):
    """The whole city reported once; two old-town noise terminals alarmed, the older one second.

    ``day_before``: the whole city also reported a day earlier, AQI lower and PM2.5 higher then, and
    an old-town warning alarm raised then and acknowledged since (still open)."""
    from layers.sensors.kinds import kind_code
    from layers.sensors.model import default_registry
    from layers.sensors.state import CRITICAL, WARNING
    from offline.history import HistoryStore
    reg = default_registry()
    t0 = 1_764_400_000.0
    noise = np.flatnonzero((reg.kind == kind_code("noise")) & (reg.district == reg.district_names.index("old-town")))
    young, old = int(noise[0]), int(noise[1])
    with HistoryStore(path) as store:
        if day_before:
            store.append(reg.datastream, np.full(len(reg), t0 - DAY_S), _day_before_values(reg))
        store.append(reg.datastream, np.full(len(reg), t0), _today_values(reg))
        store.append([reg.datastream[young], reg.datastream[old]], [t0 + 50, t0 + 5],
                     [reg.crit[young] + 10, reg.crit[old] + 10])
        store.append_alarm_events([(8, int(reg.datastream[young]), "raised", CRITICAL, t0 + 50, "", reg.crit[young] + 10),
                                   (7, int(reg.datastream[old]), "raised", CRITICAL, t0 + 5, "", reg.crit[old] + 10)])
        if day_before:
            third = int(noise[2])
            store.append_alarm_events([(6, int(reg.datastream[third]), "raised", WARNING, t0 - DAY_S, "", reg.warn[third]),
                                       (6, int(reg.datastream[third]), "acknowledged", WARNING, t0 - 100, "值班员", 0.0)])
    return t0, str(reg.ids[young]), str(reg.ids[old])


def _today_values(reg):
    return np.where(np.isfinite(reg.warn), reg.warn * 0.5, 0.0)


def _day_before_values(reg):
    from layers.sensors.kinds import kind_code
    return np.where(reg.kind == kind_code("pm25"), _today_values(reg) * 1.6, _today_values(reg) * 0.6)


def _report(tmp_path, t0):
    """`report` as cron runs it, of the moment a minute after ``t0``; the PDF's path."""
    pdf = tmp_path / "daily.pdf"
    out = subprocess.run([sys.executable, "-m", "console", "report", "--out", pdf, "--time", str(t0 + 60), "--dpi",
                          "60", "--portrait", "--history", tmp_path / "history.sqlite"],
                         cwd=REPO, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return pdf


def _pages(pdf, *layout: str) -> list[str]:
    """The pages' text (``"-layout"``: each line as laid out, a table row on one line)."""
    return [p for p in subprocess.run(["pdftotext", *layout, pdf, "-"], capture_output=True, text=True,
                                      check=True).stdout.split("\f") if p.strip()]


def _said(page: str) -> str:
    """The page's text, any run of spaces as one."""
    return re.sub(r"\s+", " ", page)


def _expected_summary(**counts) -> str:
    from layers.sensors.strings import STRINGS
    return re.sub(r"\s+", " ", STRINGS["sensors.report_alarm_summary"][0].format(**counts))


def _row(page: str, label: str) -> list[str]:
    """The cells of the vital-signs row ``label`` (pdftotext -layout: cells apart by 2+ spaces)."""
    line = next(ln for ln in page.splitlines() if label in ln)
    return re.split(r"\s{2,}", line[line.index(label) + len(label):].strip())


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
    pdf = _report(tmp_path, t0)
    pages = _pages(pdf)
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
    # no reading a day earlier in this history: no change is made up
    laid = next(p for p in _pages(pdf, "-layout") if "松江新城 · 老城历史风貌片区" in p)
    for key in ("aqi", "online", "alarms"):
        value, change = _row(laid, STRINGS[f"sensors.vital.{key}"][0])[:2]
        assert change == "—", f"{key}: {value} changed by {change!r} with no reading a day earlier"
    assert _expected_summary(critical=2, warning=0, unacked=2, acked=0) in _said(laid)


def test_each_vital_sign_is_read_against_a_day_earlier_and_the_alarms_are_counted_by_severity(tmp_path):
    """The figures a day earlier come from the same history; the change is today's minus then's."""
    needs("pdftotext")
    from layers.sensors.kinds import kind_code
    from layers.sensors.model import default_registry
    from layers.sensors.strings import STRINGS
    t0, young, old = _history(tmp_path / "history.sqlite", day_before=True)
    laid = next(p for p in _pages(_report(tmp_path, t0), "-layout") if "松江新城 · 老城历史风貌片区" in p)
    reg = default_registry()
    inside = reg.district == reg.district_names.index("old-town")
    for name, digits in (("aqi", 0), ("pm25", 1)):
        mine = inside & (reg.kind == kind_code(name))
        change = round(float(_today_values(reg)[mine].mean() - _day_before_values(reg)[mine].mean()), digits)
        assert change != 0
        assert _row(laid, STRINGS[f"sensors.vital.{name}"][0])[1] == f"{change:+,.{digits}f}", name
    # three open in old town now (two critical, one warning acknowledged), one a day earlier (the warning)
    assert _row(laid, STRINGS["sensors.vital.alarms"][0])[1] == f"{3 - 1:+d}"
    assert _expected_summary(critical=2, warning=1, unacked=2, acked=1) in _said(laid)
    assert laid.index(old) < laid.index(young), "the oldest unacknowledged alarm first"


def test_a_day_earlier_comes_from_the_minute_samples_when_the_readings_of_then_are_pruned(tmp_path):
    """The default history keeps a day of raw readings, so by report time those of a day earlier are gone;
    the vital-sign samples the recording keeps every minute outlive them, and the change is read from those."""
    needs("pdftotext")
    from layers.sensors.kinds import kind_code
    from layers.sensors.model import default_registry
    from layers.sensors.strings import STRINGS
    from offline.history import HistoryStore
    t0, _, _ = _history(tmp_path / "history.sqlite")  # no raw readings a day earlier
    then_aqi = 37.0
    with HistoryStore(tmp_path / "history.sqlite") as store:
        store.append_vitals(t0 + 60 - DAY_S + 30, [("old-town", "aqi", then_aqi)])
    laid = next(p for p in _pages(_report(tmp_path, t0), "-layout") if "松江新城 · 老城历史风貌片区" in p)
    reg = default_registry()
    mine = (reg.district == reg.district_names.index("old-town")) & (reg.kind == kind_code("aqi"))
    change = round(float(_today_values(reg)[mine].mean()) - then_aqi)
    assert _row(laid, STRINGS["sensors.vital.aqi"][0])[1] == f"{change:+,d}"
    assert _row(laid, STRINGS["sensors.vital.pm25"][0])[1] == "—", "no sample of PM2.5 then: no change"
