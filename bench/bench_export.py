"""Issue 13: exports of the default scene with 50 annotations, as `songjiang-console snapshot` runs them.

Each figure is the whole command (process start, reading the scene, rendering offscreen on
Mesa llvmpipe at the output's own size, composing the page, writing), median of RUNS; peak
memory is the child's maximum resident set. The batch figure exports the five bookmarks.
Run: python -m bench.bench_export
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit, median  # noqa: E402

RUNS = 3
VIEWS = "new-city,hub,film-city,old-town,industry"


def project_with_annotations(folder: Path) -> Path:
    import numpy as np
    from console.snapshot import build_project
    from layers.annotations import KINDS, Annotation, new_layer
    project = build_project()
    fx, fy, fz = project.bookmarks["old-town"].focal
    rng = np.random.default_rng(3)
    layer = new_layer()
    for i in range(50):
        kind = KINDS[i % len(KINDS)]
        x, y = fx + rng.uniform(-1500, 1500), fy + rng.uniform(-900, 900)
        pts = [[x + 60 * k, y + 40 * (k % 2), fz] for k in range(3 if kind == "polygon" else 2)]
        layer.data.add(Annotation(kind, pts, text=f"标注 {i + 1}" if kind in ("text", "callout", "marker") else ""))
    project.layers.append(layer)
    return project.save(folder / "bench.sjproj")


def run(*args) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "console", "snapshot", *map(str, args)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far, KiB
    return seconds, max(peak, before) / 1024.0


def main():
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    project = project_with_annotations(tmp)
    for size, runs, target in (("3840x2160", RUNS, 5.0), ("7680x4320", 1, None)):
        results = [run(project, "--view", "old-town", "--size", size, "--out", tmp / f"{size}.png")
                   for _ in range(runs)]
        secs = median(r[0] for r in results)
        emit(f"PNG {size}, default scene + 50 annotations (whole command)", round(secs, 2), "s",
             "≤ 5 s" if target else "report", secs <= target if target else True)
        emit(f"peak memory of the PNG {size} export", round(max(r[1] for r in results)), "MiB", "report", True)
    pdf = [run(project, "--view", "old-town", "--paper", "A3", "--out", tmp / "a3.pdf") for _ in range(RUNS)]
    emit("A3 PDF at 300 dpi, default scene + 50 annotations", round(median(r[0] for r in pdf), 2), "s", "report",
         True)
    batch = [run(project, "--views", VIEWS, "--out-dir", tmp / "batch", "--size", "1920x1080") for _ in range(RUNS)]
    emit("batch export of the five bookmarks, 1920x1080 PNG", round(median(r[0] for r in batch), 2), "s", "report",
         True)


if __name__ == "__main__":
    main()
