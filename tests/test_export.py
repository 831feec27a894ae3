"""Map exports as a report writer checks them: with poppler and GDAL, the reference tools."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import REPO

XILIN_PAGODA = (121.21977, 31.00893)  # a heritage site of the embedded data (its marker is red)


def snapshot(*args, timeout=300):
    out = subprocess.run([sys.executable, "-m", "console", "snapshot", *map(str, args)], cwd=REPO,
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def needs(tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (the test command installs poppler-utils and gdal-bin)")


def test_a_pdf_report_keeps_its_chinese_as_text_with_the_font_embedded(tmp_path):
    needs("pdftotext")
    pdf = tmp_path / "简报.pdf"
    snapshot("--views", "old-town,hub", "--out", pdf, "--paper", "A3", "--title", "松江新城 每日运行简报",
             "--author", "运行中心 王工", "--dpi", 150)
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "松江新城 每日运行简报" in text, "the title, exactly (no look-alike radicals)"
    for district in ("老城历史风貌片区", "松江枢纽核心区"):
        assert district in text, f"{district} is text in the PDF, not pixels"
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), "every font embedded:\n" + "\n".join(fonts)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M) and "运行中心 王工" in info
    assert oct(pdf.stat().st_mode & 0o777) == oct(0o666 & ~_umask()), "a normal file, not 0600"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_geotiff_export_puts_a_heritage_site_where_its_coordinates_project(tmp_path):
    needs("gdalinfo")
    from pyproj import Transformer
    tif = tmp_path / "old-town.tif"
    # at 800×600 the pagoda is under a few pixels wide and drawn as its red symbol (console/scene/bim.py)
    snapshot("--view", "old-town", "--out", tif, "--size", "800x600")
    info = json.loads(subprocess.run(["gdalinfo", "-json", tif], capture_output=True, text=True, check=True).stdout)
    assert info["stac"]["proj:epsg"] == 4549 or "4549" in json.dumps(info["coordinateSystem"])
    x0, dx, _, y0, _, dy = info["geoTransform"]
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(*XILIN_PAGODA)
    col, row = int((x - x0) / dx), int((y - y0) / dy)
    import rasterio
    with rasterio.open(tif) as src:
        rgb = np.moveaxis(src.read(), 0, 2).astype(int)
    assert 0 <= row < 600 and 0 <= col < 800
    window = rgb[row - 15:row + 16, col - 15:col + 16]
    red = (window[..., 0] > 110) & (window[..., 1] < 70) & (window[..., 2] < 70)
    assert red.sum() >= 9, f"the heritage marker is drawn near ({row}, {col})"
    ys, xs = np.nonzero(red)
    assert abs(ys.mean() - 15) <= 1.0 and abs(xs.mean() - 15) <= 1.0, \
        f"the marker's centre is {ys.mean() - 15:+.1f}, {xs.mean() - 15:+.1f} px from where its coordinates project"


def test_a_png_export_carries_its_provenance_and_batch_export_writes_each_view(tmp_path):
    from PySide6.QtGui import QImage
    out_dir = tmp_path / "daily"
    snapshot("--views", "hub,old-town", "--out-dir", out_dir, "--size", "960x540", "--lang", "en",
             "--author", "ops.li")
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == ["hub.png", "old-town.png"]
    image = QImage(str(out_dir / "hub.png"))
    assert (image.width(), image.height()) == (960, 540)
    prov = json.loads(image.text("songjiang:provenance"))
    assert prov["view"] == "hub" and prov["crs"] == "EPSG:4549" and prov["author"] == "ops.li"
    assert len(prov["camera"]["position"]) == 3 and any(lyr["source"] == "sensors:default" for lyr in prov["layers"])
    assert image.text("Title") == "Songjiang New City · Songjiang Hub core area" or "Hub" in image.text("Title")


def test_a_large_png_is_rendered_at_its_size_not_upscaled(tmp_path):
    from PySide6.QtGui import QImage
    big = tmp_path / "big.png"
    snapshot("--view", "old-town", "--out", big, "--size", "3840x2160")
    image = QImage(str(big))
    assert (image.width(), image.height()) == (3840, 2160)
    rgb = image.convertToFormat(QImage.Format_RGB888)  # kept alive while numpy reads its bytes
    a = np.frombuffer(rgb.constBits(), np.uint8, count=rgb.bytesPerLine() * 2160).copy()
    px = a.reshape(2160, rgb.bytesPerLine())[:, :3840 * 3].reshape(2160, 3840, 3).astype(int)
    # a 2× upscale repeats pixels in pairs, so colour changes only ever start at even columns
    change = (px[:, 1:] != px[:, :-1]).any(axis=2)      # change[:, j-1]: column j differs from j-1
    at_even, at_odd = change[:, 1::2].sum(), change[:, 0::2].sum()
    assert at_odd > 0.3 * at_even, f"edges at odd columns {at_odd}, at even {at_even}: looks upscaled"


def _png_complete(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"\x89PNG\r\n\x1a\n") and data[-12:-4] == b"\x00\x00\x00\x00IEND"


@pytest.mark.parametrize("kills", [6, pytest.param(20, marks=pytest.mark.slow)])  # 20: the acceptance
def test_killing_an_export_leaves_no_file_or_the_previous_one(tmp_path, kills):
    out = tmp_path / "report.png"
    snapshot("--view", "hub", "--out", out, "--size", "320x180")
    previous = out.read_bytes()
    rng = random.Random(8)
    env = {**os.environ}
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-m", "console", "snapshot", "--view", "old-town", "--out", out,
                                 "--size", "640x360"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert out.exists() and _png_complete(out), "the previous export, or the new one whole"
        if out.read_bytes() != previous:
            previous = out.read_bytes()  # this run finished before the kill: the new one is whole


def test_the_daily_report_has_a_page_per_district_with_its_vital_signs_and_open_alarms(tmp_path, monkeypatch):
    needs("pdftotext")
    from layers.sensors.kinds import kind_code
    from layers.sensors.model import default_registry
    from layers.sensors.state import CRITICAL
    from offline.history import HistoryStore
    reg = default_registry()
    t0 = 1_764_400_000.0
    noise = np.flatnonzero((reg.kind == kind_code("noise")) & (reg.district == reg.district_names.index("old-town")))
    i = int(noise[0])
    history = tmp_path / "history.sqlite"
    with HistoryStore(history) as store:  # the whole city reported; one old-town noise terminal alarmed
        store.append(reg.datastream, np.full(len(reg), t0), np.where(np.isfinite(reg.warn), reg.warn * 0.5, 0.0))
        store.append([reg.datastream[i]], [t0 + 5], [reg.crit[i] + 10])
        store.append_alarm_events([(7, int(reg.datastream[i]), "raised", CRITICAL, t0 + 5, "", reg.crit[i] + 10)])
        store.set_meta("feed", "simulated")
    pdf = tmp_path / "daily.pdf"
    out = subprocess.run([sys.executable, "-m", "console", "report", "--out", pdf, "--time", str(t0 + 60),
                          "--dpi", "100", "--history", history], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    pages = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == 5
    old_town = next(p for p in pages if "松江新城 · 老城历史风貌片区" in p)
    assert "未关闭告警 1 条" in old_town and str(reg.ids[i]) in old_town, "its one open alarm, by terminal id"
    assert "在线终端 / 总数" in old_town and "感知数据：模拟（演示）" in old_town, "a simulated feed says so"
    hub = next(p for p in pages if "松江新城 · 松江枢纽" in p)
    assert "未关闭告警 0 条" in hub and str(reg.ids[i]) not in hub


def test_export_from_the_window_runs_the_headless_command_on_the_current_view(default_window, qtbot, tmp_path):
    win = default_window
    dialog = win.exporter.dialog()
    out = tmp_path / "窗口导出.pdf"
    dialog.path.setText(str(out))
    dialog.map_title.setText("老城 现场核查底图")
    dialog.accept()
    proc = win.exporter.process
    from PySide6.QtCore import QProcess
    qtbot.waitUntil(lambda: proc.state() == QProcess.ProcessState.NotRunning, timeout=120_000)
    assert out.exists(), win.errors
    assert str(out) in win.statusBar().currentMessage()
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True, check=True).stdout
        assert "老城 现场核查底图" in text and "老城历史风貌片区" in text
