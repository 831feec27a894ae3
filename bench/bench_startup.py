"""Issue 2: process start → first rendered frame of the default scene, against a bare
PySide6+VTK cube window measured in the same run; and the app's import time.
Issue 26: the app's "first frame" is the first frame that shows the map, judged by its pixels
(`open --bench-first-frame`, console/startup.py `report_frames`: a frame of sky alone does not
count), no longer the moment the base layers finished loading.
Needs a display (run under xvfb-run)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import emit, median  # noqa: E402

RUNS = 5
ROOT = Path(__file__).resolve().parents[1]


CPU_S: dict[str, list] = {}  # command → the process's CPU seconds at its first frame (FIRST_FRAME cpu=…)


def first_frame(cmd: list[str], all_loaded: bool = False):
    """Seconds from process start to FIRST_FRAME (and to ALL_LOADED when asked)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    first = None
    for line in proc.stdout:
        if line.startswith("FIRST_FRAME"):
            first = time.perf_counter() - t0
            cpu = [float(w[4:]) for w in line.split() if w.startswith("cpu=")]
            CPU_S.setdefault(cmd[-1] if "cube" in cmd[-1] else "app", []).extend(cpu)
            if not all_loaded:
                break
        if line.startswith("ALL_LOADED"):
            done = time.perf_counter() - t0
            proc.wait(timeout=60)
            return first, done
    if first is None:
        raise RuntimeError(f"{cmd} exited without a first frame (code {proc.wait()})")
    proc.kill()
    proc.wait(timeout=60)
    return first


def import_time(module: str) -> float:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip())


def main():
    if not os.environ.get("DISPLAY"):
        sys.stderr.write("bench_startup needs a display: run under xvfb-run\n")
        return 1
    app_cmd = [sys.executable, "-m", "console", "open", "--bench-first-frame", "--lang", "zh"]
    cube_cmd = [sys.executable, str(ROOT / "bench" / "cube_window.py")]
    first_frame(cube_cmd)  # warm the file cache for both
    first_frame(app_cmd)
    app_s, cube_s, all_s = [], [], []
    for _ in range(RUNS):
        cube_s.append(first_frame(cube_cmd))
        first, done = first_frame(app_cmd, all_loaded=True)
        app_s.append(first)
        all_s.append(done)
    app_m, cube_m = median(app_s), median(cube_s)
    emit("first frame showing the map (its pixels), default Songjiang scene",
         round(app_m, 3), "s", "≤ 1.5× cube window", app_m <= 1.5 * cube_m)
    emit("everything loaded (every default layer: 200k sensors, 7 BIM models, 21,000 buildings, flows)",
         round(median(all_s), 3), "s", "≤ 2.5 s", median(all_s) <= 2.5)
    emit("first frame, bare PySide6+VTK cube window", round(cube_m, 3), "s", "baseline", True)
    emit("first frame ratio app/cube", round(app_m / cube_m, 2), "×", "≤ 1.5", app_m / cube_m <= 1.5)
    cube_key = str(ROOT / "bench" / "cube_window.py")
    if CPU_S.get("app") and CPU_S.get(cube_key):  # process CPU to the first frame: what other work cannot inflate
        app_cpu, cube_cpu = median(CPU_S["app"]), median(CPU_S[cube_key])
        emit("CPU seconds to the first frame, app / cube window", round(app_cpu / cube_cpu, 2), "×", "report",
             True, app_s=round(app_cpu, 3), cube_s=round(cube_cpu, 3))
    imports = [import_time("console.app") for _ in range(RUNS)]
    emit("import time of the app (console.app)", round(median(imports), 3), "s", "report", True)
    vtk_all = [import_time("vtk") for _ in range(3)]
    emit("import vtk (everything), for comparison", round(median(vtk_all), 3), "s", "report", True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
