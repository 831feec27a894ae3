"""`songjiang-console info` speed: one small file against ogrinfo/gdalinfo, and the public corpus.

Each tool runs as a user runs it, one whole process per file, alternating, in the same run:
- one small GeoJSON (a few features in Songjiang, written here) against ``ogrinfo -so -al -ro``
  and one small GeoTIFF (../shared/data) against ``gdalinfo``: medians of SMALL_RUNS whole
  processes each, wall and CPU time (user+system of the child), and the ratios (issue 25: ≤ 2.5×
  GDAL's tool; the path imports only what the format needs, tests/test_info_imports.py);
- the GeoJSON/GeoPackage/GeoTIFF files of the corpus (bench/corpus.py): files/s, medians of RUNS
  alternating passes (issue 25: ≥ 0.5× GDAL's files/s).
As installed: Python keeps its bytecode (PYTHONDONTWRITEBYTECODE is dropped for the children) and the
cache folder is the run's own, warmed by the first pass like a user's second `info` (PROJ's route
choices, layers/route_cache.py). The machine is shared: read the ratios, measured in the same run.
Run: python -m bench.bench_info [--small] [--runs N]   (--small: the small files only, no corpus)
"""
from __future__ import annotations

import json
import os
import resource
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


ENV: dict = {}
WHY = ("per file, the interpreter and the libraries a report needs (numpy, pyproj, shapely; rasterio for "
       "rasters) are paid where GDAL's tools are one C++ binary: see BENCHMARKS.md")


def _env() -> dict:
    """The children's environment: bytecode kept, a cache folder of this run's own (set in main)."""
    return ENV or {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed(commands: list[list[str]]) -> tuple[float, float]:
    """(wall s, CPU s of the children) of running the commands one after another."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, timeout=300, env=_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
            _timed([_console(path)])  # warm the page cache, bytecode and PROJ's database for both tools
            _timed([_gdal(path)])
            mine, gdal = [], []
            for _ in range(SMALL_RUNS):
                mine.append(_timed([_console(path)]))
                gdal.append(_timed([_gdal(path)]))
            m, g = median([w for w, _ in mine]), median([w for w, _ in gdal])
            mc, gc = median([c for _, c in mine]), median([c for _, c in gdal])
            size = path.stat().st_size
            emit(f"info on one small file ({size} B {label})", round(m, 3), "s", "report", True, runs=SMALL_RUNS,
                 cpu_s=round(mc, 3))
            emit(f"{peer} on the same file", round(g, 3), "s", "report", True, cpu_s=round(gc, 3))
            emit(f"info / {peer}, small {label}", round(m / g, 2), "ratio", "≤ 2.5", m / g <= 2.5, note=WHY)
            emit(f"info / {peer}, small {label}, CPU time", round(mc / gc, 2), "ratio", "report", True)
    return 0


def corpus(runs: int = RUNS) -> int:
    files, failed = fetch()
    if failed:
        sys.stderr.write(f"corpus incomplete: {failed}\n")
    files = [p for p in files if p.suffix.lower() not in (".ifc", ".ifczip")]
    if not files or shutil.which("ogrinfo") is None:
        sys.stderr.write("no corpus or no gdal-bin: nothing to measure\n")
        return 1
    mine, gdal = [], []
    _timed([_console(p) for p in files])  # the first pass warms the page cache and the route cache
    for _ in range(runs):
        mine.append(_timed([_console(p) for p in files]))
        gdal.append(_timed([_gdal(p) for p in files]))
    m, g = median([len(files) / w for w, _ in mine]), median([len(files) / w for w, _ in gdal])
    mc, gc = median([c for _, c in mine]), median([c for _, c in gdal])
    emit("info on the corpus (GeoJSON/GPKG/GeoTIFF)", round(m, 2), "files/s", "report", True, files=len(files),
         cpu_s=round(mc, 2))
    emit("ogrinfo -so / gdalinfo on the same files", round(g, 2), "files/s", "report", True, cpu_s=round(gc, 2))
    emit("info speed / GDAL's", round(m / g, 3), "ratio", "≥ 0.5", m / g >= 0.5, note=WHY)
    emit("info speed / GDAL's, CPU time", round(gc / mc, 3), "ratio", "report", True)
    return 0


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory(prefix="bench-info-cache-") as cache:
        ENV.update(_env(), SONGJIANG_CACHE_DIR=cache)
        try:
            code = small_files()
            runs = int(args[args.index("--runs") + 1]) if "--runs" in args else RUNS
            return code if "--small" in args else max(code, corpus(runs))
        finally:
            ENV.clear()


if __name__ == "__main__":
    raise SystemExit(main())
