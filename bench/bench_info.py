"""`songjiang-console info` speed: one small file against ogrinfo/gdalinfo, and the public corpus.

Each tool runs as a user runs it, one process per file, alternating, in the same run:
- one small GeoJSON (a few features in Songjiang, written here) against ``ogrinfo -so -al -ro``
  and one small GeoTIFF (../shared/data) against ``gdalinfo``: medians of SMALL_RUNS whole
  processes each, and the ratio (issue 25: ≤ 2.5× GDAL's tool; the path imports only what the
  format needs, tests/test_info_imports.py);
- the GeoJSON/GeoPackage/GeoTIFF files of the corpus (bench/corpus.py): files/s, medians of 3 runs.
Run: python -m bench.bench_info [--small]   (--small: the small files only, no corpus)
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import emit, median
from bench.corpus import ROOT, fetch

RUNS = 3
SMALL_RUNS = 9
GDAL_TIFF = (".tif", ".tiff")
SMALL_TIFF = ROOT.parent / "shared" / "data" / "raster" / "rasterio_cogeo.tif"


def _console(path: Path) -> list[str]:
    return [sys.executable, "-m", "console", "info", str(path), "--json"]


def _gdal(path: Path) -> list[str]:
    if path.suffix.lower() in GDAL_TIFF:
        return ["gdalinfo", str(path)]
    return ["ogrinfo", "-so", "-al", "-ro", str(path)]


def _seconds(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, timeout=300)
    return time.perf_counter() - start


def small_geojson(folder: Path) -> Path:
    """A small, valid GeoJSON as users hand it to `info`: a few named points, WGS84."""
    points = [(121.22, 31.03, "松江新城"), (121.26, 31.12, "泗泾"), (121.23, 31.01, "仓城"), (121.19, 31.05, "广富林")]
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": n, "id": i},
         "geometry": {"type": "Point", "coordinates": [x, y]}} for i, (x, y, n) in enumerate(points)]}
    path = folder / "songjiang-points.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def small_files() -> int:
    """info against GDAL's own tool on one small file of each kind, alternating, whole processes."""
    if shutil.which("ogrinfo") is None:
        sys.stderr.write("no gdal-bin: nothing to compare with\n")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-info-") as tmp:
        cases = [("GeoJSON", small_geojson(Path(tmp)), "ogrinfo -so -al")]
        if SMALL_TIFF.is_file():
            cases.append(("GeoTIFF", SMALL_TIFF, "gdalinfo"))
        for label, path, peer in cases:
            _seconds([_console(path)])  # warm the page cache and PROJ's database for both tools
            mine, gdal = [], []
            for _ in range(SMALL_RUNS):
                mine.append(_seconds([_console(path)]))
                gdal.append(_seconds([_gdal(path)]))
            m, g = median(mine), median(gdal)
            size = path.stat().st_size
            emit(f"info on one small file ({size} B {label})", round(m, 3), "s", "report", True, runs=SMALL_RUNS)
            emit(f"{peer} on the same file", round(g, 3), "s", "report", True)
            emit(f"info / {peer}, small {label}", round(m / g, 2), "ratio", "≤ 2.5", m / g <= 2.5)
    return 0


def corpus() -> int:
    files, failed = fetch()
    if failed:
        sys.stderr.write(f"corpus incomplete: {failed}\n")
    files = [p for p in files if p.suffix.lower() not in (".ifc", ".ifczip")]
    if not files or shutil.which("ogrinfo") is None:
        sys.stderr.write("no corpus or no gdal-bin: nothing to measure\n")
        return 1
    mine, gdal = [], []
    for _ in range(RUNS):
        mine.append(len(files) / _seconds([_console(p) for p in files]))
        gdal.append(len(files) / _seconds([_gdal(p) for p in files]))
    emit("info on the corpus (GeoJSON/GPKG/GeoTIFF)", round(median(mine), 2), "files/s", "report",
         True, files=len(files))
    emit("ogrinfo -so / gdalinfo on the same files", round(median(gdal), 2), "files/s", "report", True)
    ratio = median(mine) / median(gdal)
    emit("info speed / GDAL's", round(ratio, 3), "ratio", "≥ 0.5", ratio >= 0.5)
    return 0


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    code = small_files()
    return code if "--small" in args else max(code, corpus())


if __name__ == "__main__":
    raise SystemExit(main())
