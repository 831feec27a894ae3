"""Headless render of the embedded base layers against QGIS 3.22 rendering the same files (issue 25: ≤ 1.0×).

Both sides are whole processes, as a user runs them, alternating, RUNS times each, medians:
- ours: `python -m bench.bench_qgis_render --ours OUT WxH`: the console's headless snapshot path
  (console/snapshot.py: build the layers, `render_view` offscreen, `console.png.write_png`) over the
  embedded base layers only (assets.DEFAULT_LAYERS: terrain, imagery, six GeoJSON vector layers),
  framed on the new-city view;
- QGIS: bench/qgis_render.py under Debian's /usr/bin/python3 (python3-qgis), QgsMapSettings +
  QgsMapRendererParallelJob → PNG, the same eight files (copies: QGIS writes .aux.xml statistics
  beside a raster) in EPSG:4549 at the same size, framed on the new city's extent.
QGIS draws the layers flat with its default symbology; the console drapes them over the terrain in 3D.
Wall time and CPU time (user+system of the child) are both reported; the machine is shared, so the
ratio from the same run is the figure. Skipped, saying why, where QGIS is not installed.
Run: python -m bench.bench_qgis_render [--size 1600x900] [--runs 5]
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

ROOT = Path(__file__).resolve().parents[1]
QGIS_PYTHON = "/usr/bin/python3"
RUNS = 5
SIZE = "1600x900"
TARGET = 1.0


def base_files() -> list[Path]:
    import assets
    return [assets.path(d["file"]) for d in assets.DEFAULT_LAYERS]


def qgis_missing() -> str | None:
    """Why QGIS cannot be compared with, or None."""
    if not Path(QGIS_PYTHON).is_file():
        return f"{QGIS_PYTHON} not found (QGIS comes as Debian's qgis + python3-qgis)"
    probe = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True,
                           env=qgis_env(), timeout=120)
    if probe.returncode != 0:
        return "PyQGIS not importable (apt-get install qgis python3-qgis): " + \
            (probe.stderr.strip().splitlines() or ["?"])[-1]
    return None


def qgis_env() -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GDAL_PAM_ENABLED": "NO"}


def timed(cmd: list[str], env=None) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one whole process; a failure stops the bench."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}…: exit {out.returncode}: {out.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def render_ours(out: str, size: str) -> None:
    """The console's snapshot path over the base layers only (child process)."""
    from console.png import write_png
    from console.snapshot import frame_rgb, render_view
    from layers.bookmarks import default_bookmarks
    from layers.districts import WHOLE
    from layers.loading import embedded_specs, load_spec
    from layers.project import Project
    width, height = (int(v) for v in size.lower().split("x"))
    project = Project()
    for spec in embedded_specs():
        project.layers.extend(load_spec(spec, project.crs))
    project.bookmarks = default_bookmarks(project.layers)
    window, _ = render_view(project, WHOLE, width, height)
    write_png(frame_rgb(window), out)
    window.Finalize()


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        sys.stdout.write(__doc__)
        return 0
    if args[:1] == ["--ours"]:
        render_ours(args[1], args[2])
        return 0
    size = args[args.index("--size") + 1] if "--size" in args else SIZE
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else RUNS
    why = qgis_missing()
    if why:
        sys.stderr.write(f"skipped: {why}\n")
        emit("snapshot of the base layers vs QGIS 3.22 (skipped)", "skipped", "", "report", True, reason=why)
        return 0
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode kept
    with tempfile.TemporaryDirectory(prefix="bench-qgis-") as tmp:
        tmp = Path(tmp)
        files = []
        for f in base_files():
            files.append(tmp / f.name)
            shutil.copy2(f, files[-1])
        extent = str(tmp / "new_city_extent.geojson")
        ours_cmd = [sys.executable, "-m", "bench.bench_qgis_render", "--ours", str(tmp / "ours.png"), size]
        qgis_cmd = [QGIS_PYTHON, str(ROOT / "bench" / "qgis_render.py"), str(tmp / "qgis.png"), size, extent,
                    *map(str, files)]
        timed(ours_cmd, env)  # warm both: page cache, bytecode, fonts, PROJ's database
        timed(qgis_cmd, qgis_env())
        ours, qgis = [], []
        for _ in range(runs):
            ours.append(timed(ours_cmd, env))
            qgis.append(timed(qgis_cmd, qgis_env()))
        for png in ("ours.png", "qgis.png"):
            if not (tmp / png).is_file() or (tmp / png).stat().st_size < 1000:
                raise RuntimeError(f"{png} was not written")
    ow, qw = median([w for w, _ in ours]), median([w for w, _ in qgis])
    oc, qc = median([c for _, c in ours]), median([c for _, c in qgis])
    label = f"{len(files)} base layers, {size}"
    emit(f"snapshot of the base layers, whole process ({label})", round(ow, 3), "s", "report", True, runs=runs,
         cpu_s=round(oc, 3))
    emit(f"QGIS 3.22 render of the same files, whole process ({label})", round(qw, 3), "s", "report", True,
         runs=runs, cpu_s=round(qc, 3))
    emit("snapshot / QGIS 3.22, wall time", round(ow / qw, 2), "ratio", f"≤ {TARGET}", ow / qw <= TARGET,
         note="the first frame on software GL (the base map draped on the terrain in 3D; QGIS draws flat) and "
              "the imports of VTK, rasterio, numpy, pyproj, shapely: see BENCHMARKS.md")
    emit("snapshot / QGIS 3.22, CPU time", round(oc / qc, 2), "ratio", "report", True)
    sys.stderr.write(json.dumps({"ours": ours, "qgis": qgis}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
