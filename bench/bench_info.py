"""`songjiang-console info` speed: the public corpus against ogrinfo -so / gdalinfo, and one small file.

Each tool runs as a user runs it, one process per file, on the same GeoJSON/GeoPackage/GeoTIFF
files of the corpus (bench/corpus.py) in the same run; the figures are medians of 3 runs.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import emit, median
from bench.corpus import ROOT, fetch

RUNS = 3
GDAL_TIFF = (".tif", ".tiff")


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


def main() -> int:
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
    emit("info speed / GDAL's", round(median(mine) / median(gdal), 3), "ratio", "report", True)
    small = min(files, key=lambda p: p.stat().st_size if p.suffix.lower() == ".geojson" else 1 << 40)
    wall = median([_seconds([_console(small)]) for _ in range(5)])
    emit(f"info on one small file ({small.stat().st_size} B GeoJSON)", round(wall, 3), "s", "<= 0.6",
         wall <= 0.6)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
