"""IFC tessellation throughput: kernels, process counts, cache, against a naive create_shape loop.

    python bench/bench_ifc.py [--runs 3]

Prints one JSON line per figure {"name","value","unit","target","ok"}; values are
medians of ``--runs`` runs, ratios are against the naive way measured in the same run.
Models: a generated 2,000-element IFC4 file of plain extrusions, and the shared
public files (../shared/data/ifc) when present.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data" / "ifc"


def emit(name, value, unit, target=None, higher_is_better=True):
    ok = None if target is None else (value >= target if higher_is_better else value <= target)
    sys.stdout.write(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "target": target,
                                 "ok": ok}) + "\n")
    sys.stdout.flush()


def median_time(fn, runs):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def make_model(path: Path, n: int = 2000):
    """n extruded blocks (walls/piers/columns mix) on a grid, one storey: simple extrusions."""
    import ifcopenshell
    import ifcopenshell.api.root
    import ifcopenshell.api.unit
    import ifcopenshell.guid
    f = ifcopenshell.file(schema="IFC4")
    project = ifcopenshell.api.root.create_entity(f, ifc_class="IfcProject", name="bench")
    ifcopenshell.api.unit.assign_unit(f, length={"is_metric": True, "raw": "METRE"})
    origin = f.createIfcAxis2Placement3D(f.createIfcCartesianPoint([0., 0., 0.]), None, None)
    ctx = f.createIfcGeometricRepresentationContext(None, "Model", 3, 1e-5, origin, None)
    body = f.createIfcGeometricRepresentationSubContext("Body", "Model", None, None, None, None, ctx, None,
                                                        "MODEL_VIEW", None)
    project.RepresentationContexts = [ctx]
    storey = f.createIfcBuildingStorey(ifcopenshell.guid.new(), None, "Level 0", None, None,
                                       f.createIfcLocalPlacement(None, origin), None, None, "ELEMENT", 0.0)
    f.createIfcRelAggregates(ifcopenshell.guid.new(), None, None, None, project, [storey])
    up = f.createIfcDirection([0., 0., 1.])
    elements = []
    for i in range(n):
        x, y = (i % 50) * 4.0, (i // 50) * 4.0
        w, d, h = 0.3 + (i % 7) * 0.2, 2.0 + (i % 5) * 0.3, 3.0 + (i % 3)
        pts = [f.createIfcCartesianPoint(p) for p in ([0., 0.], [w, 0.], [w, d], [0., d], [0., 0.])]
        prof = f.createIfcArbitraryClosedProfileDef("AREA", None, f.createIfcPolyline(pts))
        solid = f.createIfcExtrudedAreaSolid(prof, None, up, h)
        shape = f.createIfcProductDefinitionShape(None, None, [f.createIfcShapeRepresentation(
            body, "Body", "SweptSolid", [solid])])
        place = f.createIfcLocalPlacement(None, f.createIfcAxis2Placement3D(f.createIfcCartesianPoint([x, y, 0.]),
                                                                           None, None))
        cls = ("IfcWall", "IfcColumn", "IfcBuildingElementProxy")[i % 3]
        elements.append(f.create_entity(cls, GlobalId=ifcopenshell.guid.new(), Name=f"E{i}",
                                        ObjectPlacement=place, Representation=shape))
    f.createIfcRelContainedInSpatialStructure(ifcopenshell.guid.new(), None, None, None, elements, storey)
    f.write(str(path))


def naive(path):
    """The obvious way: open + create_shape per element (OpenCASCADE), in this process."""
    import ifcopenshell
    import ifcopenshell.geom
    f = ifcopenshell.open(str(path))
    s = ifcopenshell.geom.settings()
    s.set("use-world-coords", True)
    n = tris = 0
    for el in f.by_type("IfcProduct"):
        if el.Representation is None or el.is_a("IfcOpeningElement") or el.is_a("IfcAnnotation"):
            continue
        try:
            shape = ifcopenshell.geom.create_shape(s, el)
        except RuntimeError:
            continue
        n += 1
        tris += len(shape.geometry.faces) // 3
    return n, tris


def in_process(path, kernel):
    import ifcopenshell
    from layers.ifc.tessellate import tessellate
    out, _ = tessellate(ifcopenshell.open(str(path)), kernel)
    return len(out), sum(len(v[1]) for v in out.values())


def full_read(path, kernel, processes):
    from layers.ifc import read_ifc
    m = read_ifc(path, kernel=kernel, processes=processes, use_cache=False)
    return len(set(m.triangle_element.tolist())), len(m.triangles)


def bench_file(label, path, runs, cache_dir):
    t_naive, (n, tris) = median_time(lambda: naive(path), runs)
    emit(f"{label}: naive create_shape loop (OCC, 1 process)", n / t_naive, "elements/s")
    emit(f"{label}: naive create_shape loop triangles", tris / t_naive, "triangles/s")
    for kernel in ("hybrid-cgal-simple-opencascade", "opencascade"):
        t, (n, tris) = median_time(lambda: in_process(path, kernel), runs)
        emit(f"{label}: iterator {kernel}, in process", n / t, "elements/s")
        emit(f"{label}: iterator {kernel} triangles", tris / t, "triangles/s")
        # Same kernel as the naive loop for OpenCASCADE: a ratio near 1 is expected, no target.
        emit(f"{label}: iterator {kernel} speed-up vs naive", t_naive / t, "x",
             1.0 if kernel != "opencascade" else None)
    for kernel in ("auto", "opencascade"):
        for procs in (1, 2):
            t, (n, tris) = median_time(lambda: full_read(path, kernel, procs), runs)
            emit(f"{label}: read_ifc {kernel}, {procs} worker process(es), uncached", n / t, "elements/s")
            emit(f"{label}: read_ifc {kernel} x{procs} speed-up vs naive (incl. spawn, records, georef)",
                 t_naive / t, "x", 1.0 if kernel == "auto" else None)
    from layers.ifc import read_ifc
    firsts, seconds = [], []
    for i in range(runs):
        d = Path(cache_dir) / f"{label}-{i}"
        t = time.perf_counter()
        read_ifc(path, cache_dir=d)
        firsts.append(time.perf_counter() - t)
        t = time.perf_counter()
        m = read_ifc(path, cache_dir=d)
        seconds.append(time.perf_counter() - t)
        assert m.from_cache
    emit(f"{label}: second open through the cache", statistics.median(seconds) * 1000, "ms")
    emit(f"{label}: cache speed-up (first open / second open)",
         statistics.median(firsts) / statistics.median(seconds), "x", 20.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        gen = Path(tmp) / "bench_2000.ifc"
        make_model(gen)
        bench_file("generated 2000 extrusions", gen, args.runs, tmp)
        for name in ("webifc_AC20-FZK-Haus.ifc", "webifc_duplex.ifc"):
            if (SHARED / name).is_file():
                bench_file(name, SHARED / name, args.runs, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
