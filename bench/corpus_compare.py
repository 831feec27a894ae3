"""`songjiang-console info` against the reference tools on every corpus file.

GDAL (bench/corpus_reference.py under the system Python with python3-gdal) for GeoJSON,
GeoPackage and GeoTIFF; ifcopenshell (in a child process) for IFC. A file agrees when
both refuse it, or both read it with the same layers and feature/element counts and
WGS84 bounds within 0.5 % of the span. A traceback never agrees.

Usage: python -m bench.corpus_compare [--markdown]   (the table for docs/corpus.md)
"""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

from bench.corpus import ROOT, fetch

SYSTEM_PYTHON = "/usr/bin/python3"
TOLERANCE = 0.005  # of the span
MIN_SPAN = 1e-6  # degrees (about 0.1 m): the floor for points and lines along a parallel
_IFC_COUNTS = ("import collections, json, sys, ifcopenshell\n"
               "f = ifcopenshell.open(sys.argv[1])\n"
               "print(json.dumps(dict(collections.Counter(p.is_a() for p in f.by_type('IfcProduct')))))")


def gdal_available() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import osgeo.gdal"], capture_output=True).returncode == 0


def gdal_reference(files: list[Path]) -> dict[str, dict]:
    out = subprocess.run([SYSTEM_PYTHON, str(ROOT / "bench" / "corpus_reference.py"), *map(str, files)],
                         capture_output=True, text=True, timeout=1800)
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {r["file"]: r for r in rows}


def ifc_reference(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _IFC_COUNTS, str(path)], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        return {"refused": lines[-1] if lines else f"exit {proc.returncode}"}
    return {"refused": None, "counts": json.loads(proc.stdout)}


def run_info(path: Path) -> dict:
    """The CLI in this process, as a user runs it: exit code, stdout, stderr, or the traceback."""
    from console.cli import main
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["info", str(path), "--json"])
    except BaseException as exc:  # what would have been a traceback
        return {"code": None, "traceback": f"{type(exc).__name__}: {exc}"}
    result = {"code": code, "stderr": err.getvalue()}
    if code == 0:
        result["report"] = json.loads(out.getvalue())
    return result


def _close(a, b, ref) -> bool:
    if a is None or b is None:
        return a is b
    span_x = max(abs(ref[2] - ref[0]), MIN_SPAN)
    span_y = max(abs(ref[3] - ref[1]), MIN_SPAN)
    tol = (span_x, span_y, span_x, span_y)
    return all(abs(x - y) <= max(TOLERANCE * t, MIN_SPAN) for x, y, t in zip(a, b, tol))


def _refusal_ok(path: Path, result: dict) -> str | None:
    """None when the refusal is one line naming the file, else what is wrong with it."""
    lines = result["stderr"].strip().splitlines()
    if len(lines) != 1:
        return f"refusal is {len(lines)} lines on stderr"
    if str(path) not in lines[0]:
        return "refusal does not name the file"
    return None


def compare_gdal(path: Path, ref: dict, result: dict) -> str | None:
    """None when info agrees with GDAL, else the reason it does not."""
    if result["code"] != 0:
        bad = _refusal_ok(path, result)
        if bad:
            return bad
        if ref["refused"]:
            return None
        return f"console refuses what GDAL reads: {result['stderr'].strip().split(f'{path}: ', 1)[-1][:160]}"
    if ref["refused"]:
        return f"console reads what GDAL refuses ({ref['refused'][:80]})"
    layers = result["report"]["layers"]
    vectors = {lyr.get("table") or "": lyr for lyr in layers if lyr["kind"] == "vector"}
    rasters = [lyr for lyr in layers if lyr["kind"] != "vector"]
    problems = []
    for r in ref["layers"]:
        mine = vectors.get(r["name"]) or (next(iter(vectors.values())) if len(vectors) == 1 == len(ref["layers"]) else None)
        if mine is None:
            problems.append(f"layer {r['name']} missing")
            continue
        if mine["feature_count"] != r["count"]:
            problems.append(f"layer {r['name']}: {mine['feature_count']} features, GDAL {r['count']}")
        elif r["count"] and r["wgs84"] and not _close(mine["bounds"].get("wgs84"), r["wgs84"], r["wgs84"]):
            problems.append(f"layer {r['name']}: WGS84 bounds {mine['bounds'].get('wgs84')} vs GDAL {r['wgs84']}")
    readable = [r for r in ref["rasters"] if not r.get("refused")]
    if len(readable) != len(rasters):
        problems.append(f"{len(rasters)} raster layers, GDAL {len(readable)}")
    for r, mine in zip(readable, rasters):
        if r.get("size") and mine.get("size") != r["size"] and "table" not in mine:
            problems.append(f"raster size {mine.get('size')} vs GDAL {r['size']}")
        if r["wgs84"] and not _close(mine["bounds"].get("wgs84"), r["wgs84"], r["wgs84"]):
            problems.append(f"raster WGS84 bounds {mine['bounds'].get('wgs84')} vs GDAL {r['wgs84']}")
    return "; ".join(problems) or None


def compare_ifc(path: Path, ref: dict, result: dict) -> str | None:
    if result["code"] != 0:
        bad = _refusal_ok(path, result)
        return bad or (None if ref["refused"] else "console refuses what ifcopenshell reads")
    if ref["refused"]:
        return f"console reads what ifcopenshell refuses ({ref['refused'][:80]})"
    mine = result["report"].get("element_counts", {})
    if mine != ref["counts"]:
        diff = sorted(k for k in set(mine) | set(ref["counts"]) if mine.get(k) != ref["counts"].get(k))
        return f"element counts differ: {', '.join(diff[:5])}"
    return None


def compare_all(files: list[Path]) -> list[dict]:
    """One row per file: file, kind, reason (None = agrees), traceback (bool)."""
    gdal_files = [p for p in files if p.suffix.lower() not in (".ifc", ".ifczip")]
    refs = gdal_reference(gdal_files) if gdal_files else {}
    rows = []
    for path in files:
        result = run_info(path)
        is_ifc = path.suffix.lower() in (".ifc", ".ifczip")
        if result["code"] is None:
            rows.append({"file": path, "ifc": is_ifc, "reason": f"traceback: {result['traceback']}",
                         "traceback": True})
            continue
        if is_ifc:
            reason = compare_ifc(path, ifc_reference(path), result)
        else:
            reason = compare_gdal(path, refs[str(path)], result)
        rows.append({"file": path, "ifc": is_ifc, "reason": reason, "traceback": False})
    return rows


def markdown(rows: list[dict]) -> str:
    agree = sum(r["reason"] is None for r in rows)
    lines = [f"{len(rows)} files, {agree} agree ({100.0 * agree / max(1, len(rows)):.1f} %).", "",
             "| file | why it does not agree |", "|---|---|"]
    lines += [f"| {Path(r['file']).name} | {r['reason']} |" for r in rows if r["reason"] is not None]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    files, failed = fetch()
    rows = compare_all(files)
    if "--markdown" in args:
        sys.stdout.write(markdown(rows) + "\n")
    else:
        for r in rows:
            sys.stdout.write(f"{'ok ' if r['reason'] is None else 'NO '} {Path(r['file']).name}: {r['reason'] or ''}\n")
        agree = sum(r["reason"] is None for r in rows)
        sys.stdout.write(f"{agree}/{len(rows)} agree; not fetched: {failed}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
