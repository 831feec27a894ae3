"""Issue 2: loading the largest shared GeoTIFF and GeoPackage — seconds and peak memory.

Each load runs in a fresh process so peak RSS belongs to that load alone."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, median  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RUNS = 5

CHILD = r"""
import json, resource, sys, time
from layers.crs import ProjectCRS
from layers.loading import prepare
from layers.readers import read_path
project = ProjectCRS()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
layers = [prepare(l) for l in read_path(sys.argv[1], project)]
elapsed = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"s": elapsed, "peak_mib": peak / 1024, "delta_mib": (peak - base) / 1024, "layers": len(layers)}))
"""


def measure(path: Path) -> dict:
    runs = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                             cwd=ROOT, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: median([r[k] for r in runs]) for k in ("s", "peak_mib", "delta_mib", "layers")}


def largest(folder: str, suffix: str) -> Path:
    return max((SHARED / folder).glob(f"*{suffix}"), key=lambda p: p.stat().st_size)


def main():
    if not SHARED.is_dir():
        sys.stderr.write("../shared/data is absent\n")
        return 1
    for folder, suffix in (("raster", ".tif"), ("gpkg", ".gpkg")):
        path = largest(folder, suffix)
        m = measure(path)
        emit(f"load {path.name} ({int(m['layers'])} layers)", round(m["s"], 3), "s", "report (< 2 s)", m["s"] < 2)
        emit(f"peak memory loading {path.name}", round(m["peak_mib"], 1), "MiB",
             f"report (+{m['delta_mib']:.0f} MiB over the interpreter)", True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
