"""The daily report on a machine with no sensor history says so; with one, it is as of its last reading.

Issue 20 item 11: with no history the report printed "0 / 200,000 online", the export moment as
its data time and the history as a source, said nothing and exited 0: a manager read a total
outage. Run as cron runs it (the real CLI), read with poppler's pdftotext.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np

from tests.helpers import REPO
from tests.test_export import needs


def report(pdf, history, monkeypatch, *extra):
    return subprocess.run([sys.executable, "-m", "console", "report", "--out", pdf, "--dpi", "60",
                           "--history", str(history), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


def pdf_pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_a_report_with_no_sensor_history_says_so_on_every_page_and_on_stderr(tmp_path, monkeypatch):
    needs("pdftotext")
    pdf = tmp_path / "daily.pdf"
    out = report(pdf, tmp_path / "nothing-recorded.sqlite", monkeypatch, "--lang", "en")
    assert out.returncode == 4, out.stderr[-3000:]  # written, without sensor data (README: exit codes)
    assert "no sensor history for this period" in out.stderr and "nothing-recorded.sqlite" in out.stderr
    assert "Traceback" not in out.stderr
    pages = pdf_pages(pdf)
    assert len(pages) == 5
    for page in pages:
        assert "no sensor history for this period" in page
        assert "200,000" not in page and "online" not in page.lower(), "no zeros that read as an outage"
        assert "IoT sensor history" not in page, "a history with nothing in it is no source"
        assert "Data time — (no sensor history for this period)" in page, "not the export moment"
    assert not (tmp_path / "nothing-recorded.sqlite").exists(), "the report creates no history"


def test_a_report_without_time_is_as_of_the_last_observation(tmp_path, monkeypatch):
    needs("pdftotext")
    from layers.sensors.model import default_registry
    from layers.sensors.strings import fmt_time
    from offline.history import HistoryStore
    reg = default_registry()
    t0 = 1_764_400_000.0  # 2025-11-29 15:06 in Shanghai: days before any run of this test
    history = tmp_path / "history.sqlite"
    with HistoryStore(history) as store:
        store.append(reg.datastream, np.full(len(reg), t0), np.where(np.isfinite(reg.warn), reg.warn * 0.5, 0.0))
    pdf = tmp_path / "daily.pdf"
    out = report(pdf, history, monkeypatch)
    assert out.returncode == 0, out.stderr[-3000:]
    pages = pdf_pages(pdf)
    assert all(f"数据时间 {fmt_time(t0)}" in p for p in pages), "the last reading's time, not the export's"
    assert all("物联感知历史" in p for p in pages)
    assert "200,000 / 200,000" in pages[0]
