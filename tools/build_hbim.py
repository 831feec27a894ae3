"""Generate the HBIM models of Songjiang's old town as IFC4 files in assets/hbim/.

    python tools/build_hbim.py [--out assets/hbim]

Reproducible: GlobalIds and record UUIDs are uuid5 of a fixed namespace, the
header time stamp is fixed, so a re-run writes byte-identical files.
Dimensions and positions come from docs geofacts (table A); the forms are
simplified reconstructions for a demo, not surveys. Every physical component is
its own IFC element with an IfcExtrudedAreaSolid or IfcTriangulatedFaceSet body,
a material, and an ``SJ_HBIM_Component`` pset; seed inspections, damage records
and interventions come from assets/hbim/records.json (all marked illustrative).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import uuid
from pathlib import Path

import ifcopenshell
import ifcopenshell.api.aggregate
import ifcopenshell.api.material
import ifcopenshell.api.root
import ifcopenshell.api.spatial
import ifcopenshell.api.style
import ifcopenshell.api.type
import ifcopenshell.api.unit
import ifcopenshell.guid
from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from offline.hbim import Component, Damage, Inspection, Intervention  # noqa: E402
from offline.records import open_records  # noqa: E402
from offline.hbim_ifc import export_records  # noqa: E402

NS = uuid.UUID("6f1c2d0e-5a1b-4c3e-9d7f-50e0a1b2c3d4")  # namespace of all generated ids
TIMESTAMP = "2026-11-24T00:00:00"
MATERIALS = {  # name: (category, rgb)
    "bluestone": ("stone", (0.45, 0.50, 0.52)), "granite": ("stone", (0.66, 0.64, 0.60)),
    "grey brick": ("brick", (0.52, 0.52, 0.50)), "timber (fir)": ("wood", (0.50, 0.33, 0.20)),
    "grey clay tile": ("ceramic", (0.30, 0.31, 0.33)), "lime-plastered brick": ("brick", (0.90, 0.89, 0.85)),
    "cast iron": ("metal", (0.15, 0.15, 0.15)), "gilded bronze": ("metal", (0.75, 0.60, 0.25)),
}


def gid(*parts) -> str:
    return ifcopenshell.guid.compress(uuid.uuid5(NS, "/".join(map(str, parts))).hex)


class Builder:
    """One IFC4 model: spatial tree, georeference, materials, element helpers."""

    palette = MATERIALS  # material name: (category, rgb); tools/build_hub_bim.py brings its own

    def __init__(self, key: str, title: str, lat: float, lon: float, height: float, rotation_deg: float,
                 centre=(0.0, 0.0)):
        self.key, self.f = key, ifcopenshell.file(schema="IFC4")
        f = self.f
        self.project = ifcopenshell.api.root.create_entity(f, ifc_class="IfcProject", name=title)
        ifcopenshell.api.unit.assign_unit(f, length={"is_metric": True, "raw": "METRE"})
        self.ctx = f.createIfcGeometricRepresentationContext(None, "Model", 3, 1e-5, self._ax((0, 0, 0)), None)
        self.project.RepresentationContexts = [self.ctx]
        self.body_context = f.createIfcGeometricRepresentationSubContext("Body", "Model", None, None, None, None,
                                                                 self.ctx, None, "MODEL_VIEW", None)
        e, n = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(lon, lat)
        crs = f.createIfcProjectedCRS("EPSG:4549", "CGCS2000 / 3-degree Gauss-Kruger CM 120E", "CGCS2000",
                                      None, "Gauss-Kruger", None, f.by_type("IfcSIUnit")[0])
        r = math.radians(rotation_deg)
        # The geofacts point is the middle of the footprint (model ``centre``), not the model origin.
        e -= math.cos(r) * centre[0] - math.sin(r) * centre[1]
        n -= math.sin(r) * centre[0] + math.cos(r) * centre[1]
        f.createIfcMapConversion(self.ctx, crs, round(e, 3), round(n, 3), height, math.cos(r), math.sin(r), None)
        self.site = self._spatial("IfcSite", "site", f"{title} site", self.project)
        self.site.RefLatitude, self.site.RefLongitude = dms(lat), dms(lon)
        self.site.RefElevation = height
        self.building = self._spatial("IfcBuilding", "building", title, self.site)
        self.storeys: dict = {}
        self.materials: dict = {}
        self.types: dict = {}
        self.components: list[Component] = []
        self.names: dict = {}

    def _ax(self, o, z=(0, 0, 1), x=(1, 0, 0)):
        f = self.f
        return f.createIfcAxis2Placement3D(f.createIfcCartesianPoint([float(v) for v in o]),
                                           f.createIfcDirection([float(v) for v in z]),
                                           f.createIfcDirection([float(v) for v in x]))

    def _spatial(self, cls, key, name, parent):
        el = ifcopenshell.api.root.create_entity(self.f, ifc_class=cls, name=name)
        el.GlobalId = gid(self.key, key)
        el.ObjectPlacement = self.f.createIfcLocalPlacement(None, self._ax((0, 0, 0)))
        ifcopenshell.api.aggregate.assign_object(self.f, products=[el], relating_object=parent)
        return el

    def storey(self, name: str, elevation: float):
        if name not in self.storeys:
            s = self._spatial("IfcBuildingStorey", f"storey/{name}", name, self.building)
            s.Elevation = elevation
            self.storeys[name] = s
        return self.storeys[name]

    def material(self, name):
        if name not in self.materials:
            cat, rgb = self.palette[name]
            m = ifcopenshell.api.material.add_material(self.f, name=name, category=cat)
            style = ifcopenshell.api.style.add_style(self.f, name=name)
            ifcopenshell.api.style.add_surface_style(self.f, style=style, ifc_class="IfcSurfaceStyleShading",
                                                     attributes={"SurfaceColour": {"Name": None, "Red": rgb[0],
                                                                                   "Green": rgb[1], "Blue": rgb[2]}})
            ifcopenshell.api.style.assign_material_style(self.f, material=m, style=style, context=self.body_context)
            self.materials[name] = (m, style)
        return self.materials[name]

    def heritage_type(self, cls, element_type):
        key = (cls, element_type)
        if key not in self.types:
            t = ifcopenshell.api.root.create_entity(self.f, ifc_class=cls + "Type", name=element_type,
                                                    predefined_type="USERDEFINED")
            t.GlobalId = gid(self.key, "type", cls, element_type)
            t.ElementType = element_type
            self.types[key] = t
        return self.types[key]

    def body(self, items):
        """The Body representation of ``items``, typed as IFC4's where-rule CorrectItemsForType asks: extruded
        solids are "SweptSolid", triangulated face sets "Tessellation" (one kind per representation)."""
        if all(i.is_a("IfcSweptAreaSolid") for i in items):
            rep = "SweptSolid"
        elif all(i.is_a("IfcTessellatedItem") for i in items):
            rep = "Tessellation"
        else:
            raise ValueError(f"{self.key}: a body mixes extruded solids and meshes; make two elements")
        return self.f.createIfcShapeRepresentation(self.body_context, "Body", rep, items)

    def element(self, cls, name, kind, items, material, storey=None, role=""):
        """Create one component: ``kind`` is its heritage element type (e.g. 'arch ring')."""
        f = self.f
        el = ifcopenshell.api.root.create_entity(f, ifc_class=cls, name=name)
        el.GlobalId = gid(self.key, "element", name)
        el.ObjectPlacement = f.createIfcLocalPlacement(None, self._ax((0, 0, 0)))
        mat, style = self.material(material)
        shape = self.body(items)
        for item in items:
            f.createIfcStyledItem(item, [style], None)
        el.Representation = f.createIfcProductDefinitionShape(None, None, [shape])
        ifcopenshell.api.material.assign_material(f, products=[el], material=mat)
        if cls == "IfcBuildingElementProxy":
            ifcopenshell.api.type.assign_type(f, related_objects=[el],
                                              relating_type=self.heritage_type(cls, kind))
        el.ObjectType = kind
        ifcopenshell.api.spatial.assign_container(f, products=[el], relating_structure=storey or self.site)
        self.names[name] = el.GlobalId
        self.components.append(Component(el.GlobalId, self.key, kind, "", "", material, role, True))
        return el

    # -- geometry items --------------------------------------------------------------
    def prism(self, pts2d, depth, origin=(0, 0, 0), z=(0, 0, 1), x=(1, 0, 0)):
        """Polygon (local XY) extruded ``depth`` along local Z of the placement."""
        f = self.f
        poly = f.createIfcPolyline([f.createIfcCartesianPoint([float(a), float(b)]) for a, b in pts2d]
                                   + [f.createIfcCartesianPoint([float(v) for v in pts2d[0]])])
        prof = f.createIfcArbitraryClosedProfileDef("AREA", None, poly)
        return f.createIfcExtrudedAreaSolid(prof, self._ax(origin, z, x), f.createIfcDirection([0., 0., 1.]),
                                            float(depth))

    def box(self, x0, y0, z0, dx, dy, dz):
        return self.prism([(0, 0), (dx, 0), (dx, dy), (0, dy)], dz, (x0, y0, z0))

    def mesh(self, verts, tris):
        f = self.f
        pl = f.createIfcCartesianPointList3D([[float(c) for c in v] for v in verts])
        return f.createIfcTriangulatedFaceSet(pl, None, True, [[a + 1, b + 1, c + 1] for a, b, c in tris], None)

    def finish(self, records: dict, out: Path):
        """Seed records as psets, make every remaining GlobalId deterministic, write."""
        by_guid = {c.guid: c for c in self.components}
        extra = []
        for rec in records.get("components", []):
            guid = self.names[rec["element"]]
            by_guid[guid].period = rec.get("period", by_guid[guid].period)
            by_guid[guid].phase = rec.get("phase", by_guid[guid].phase)
            for i, r in enumerate(rec.get("inspections", [])):
                extra.append(Inspection(guid, illustrative=True, id=str(uuid.uuid5(NS, f"{guid}/i{i}")), **r))
            for i, r in enumerate(rec.get("damage", [])):
                extra.append(Damage(guid, illustrative=True, id=str(uuid.uuid5(NS, f"{guid}/d{i}")), **r))
            for i, r in enumerate(rec.get("interventions", [])):
                extra.append(Intervention(guid, illustrative=True, id=str(uuid.uuid5(NS, f"{guid}/v{i}")), **r))
        for c in self.components:
            c.period = c.period or records.get("period", "")
        with tempfile.TemporaryDirectory() as tmp:
            store = open_records(Path(tmp) / "seed.sqlite", seed=False)
            store.put_many(self.components + extra, undoable=False)
            export_records(store, self.f)
            store.close()
        named = set(self.names.values()) | {e.GlobalId for e in self.f.by_type("IfcSpatialStructureElement")}
        named |= {t.GlobalId for t in self.types.values()}
        for ent in self.f.by_type("IfcRoot"):
            if ent.GlobalId not in named:
                ent.GlobalId = gid(self.key, "auto", ent.id())
        self.f.header.file_name.time_stamp = TIMESTAMP
        self.f.header.file_name.name = out.name
        out.parent.mkdir(parents=True, exist_ok=True)
        self.f.write(str(out))


def dms(deg: float) -> list[int]:
    """An IfcCompoundPlaneAngleMeasure: degrees, minutes, seconds and millionths of a second, all of one sign.

    Counted in whole millionths first, so no part reaches its limit (IFC4's where-rules: |minutes| and
    |seconds| < 60, |millionths| < 1,000,000); rounding each part on its own once gave 30°59'5" plus
    1,000,000 millionths for 30.985°."""
    sign = -1 if deg < 0 else 1
    d, rest = divmod(round(abs(deg) * 3600 * 10**6), 3600 * 10**6)
    m, rest = divmod(rest, 60 * 10**6)
    s, micro = divmod(rest, 10**6)
    return [sign * d, sign * m, sign * s, sign * micro]


# -- shape helpers -----------------------------------------------------------------------
def xz_prism(b, pts, y0, width):
    """Polygon in the XZ plane (x, z) extruded across Y from y0 to y0+width."""
    return b.prism(pts, width, (0, y0 + width, 0), z=(0, -1, 0), x=(1, 0, 0))


def yz_prism(b, pts, x0, length):
    """Polygon in the YZ plane (y, z) extruded along X from x0 to x0+length."""
    return b.prism(pts, length, (x0, 0, 0), z=(1, 0, 0), x=(0, 1, 0))


def arc(cx, cz, r, a0, a1, n=12):
    return [(cx + r * math.cos(a0 + (a1 - a0) * k / n), cz + r * math.sin(a0 + (a1 - a0) * k / n))
            for k in range(n + 1)]


def frustum(b, r0, r1, z0, z1, n=8, phase=math.pi / 8):
    """Closed n-gonal frustum as a triangulated face set."""
    ring = lambda r, z: [(r * math.cos(phase + 2 * math.pi * k / n), r * math.sin(phase + 2 * math.pi * k / n), z)
                         for k in range(n)]
    v = ring(r0, z0) + ring(r1, z1) + [(0, 0, z0), (0, 0, z1)]
    t = []
    for k in range(n):
        k1 = (k + 1) % n
        t += [(k, k1, n + k1), (k, n + k1, n + k), (2 * n, k1, k), (2 * n + 1, n + k, n + k1)]
    return b.mesh(v, t)


def column(b, x, y, z0, h, r=0.14):
    f = b.f
    prof = f.createIfcCircleProfileDef("AREA", None, f.createIfcAxis2Placement2D(f.createIfcCartesianPoint([0., 0.])), r)
    return f.createIfcExtrudedAreaSolid(prof, b._ax((x, y, z0)), f.createIfcDirection([0., 0., 1.]), float(h))


# -- the five models -------------------------------------------------------------------------
def dacang_bridge(b):
    spans, pier, spring, ring, w = [6, 8, 10, 8, 6], 2.0, 1.0, 0.5, 5.0
    top = lambda x: 2.6 + 4.6 * max(0.0, 1 - ((x - 25) / 25) ** 2) ** 0.6
    bottom = lambda x: top(x) - 0.4
    x, centres = 2.0, []
    for i, s in enumerate(spans):
        centres.append((x + s / 2, s / 2))
        x += s + (pier if i < 4 else 0)
    for i, (cx, r) in enumerate(centres, 1):
        outer, inner = arc(cx, spring, r + ring, 0, math.pi, 16), arc(cx, spring, r, math.pi, 0, 16)
        b.element("IfcBuildingElementProxy", f"Arch ring {i}", "arch ring", [xz_prism(b, outer + inner, -w / 2, w)],
                  "bluestone", role="primary load-bearing (arch)")
        xl, xr = cx - r - pier / 2, cx + r + pier / 2
        deck = [(xl + (xr - xl) * k / 12, bottom(xl + (xr - xl) * k / 12)) for k in range(13)]
        fill = [(xl, spring)] + deck + [(xr, spring)] + arc(cx, spring, r + ring, 0, math.pi, 16)[1:-1]
        b.element("IfcBuildingElementProxy", f"Spandrel fill {i}", "spandrel fill",
                  [xz_prism(b, fill, -w / 2 + 0.3, w - 0.6)], "bluestone", role="infill, transfers deck load")
    for i, (cx, r) in enumerate(centres[:-1], 1):
        x0 = cx + r
        cut = [(x0, -1.5), (x0 + pier, -1.5), (x0 + pier, spring), (x0, spring)]
        b.element("IfcBuildingElementProxy", f"Pier {i}", "pier", [xz_prism(b, cut, -w / 2 - 0.3, w + 0.6)],
                  "granite", role="primary load-bearing (pier)")
    for name, x0 in (("South abutment", 0.0), ("North abutment", 48.0)):
        pts = [(x0, -1.5), (x0 + 2, -1.5)] + [(x0 + 2 - k / 4, bottom(x0 + 2 - k / 4)) for k in range(9)]
        b.element("IfcBuildingElementProxy", name, "abutment", [xz_prism(b, pts, -w / 2, w)], "granite",
                  role="primary load-bearing (abutment)")
    xs = [50 * k / 40 for k in range(41)]
    deck = [(x, top(x)) for x in xs] + [(x, bottom(x)) for x in reversed(xs)]
    b.element("IfcSlab", "Deck and steps", "deck", [xz_prism(b, deck, -w / 2, w)], "granite",
              role="walking surface (92 steps)")
    rail = [(x, top(x) + 0.8) for x in xs] + [(x, top(x)) for x in reversed(xs)]
    for name, y0 in (("West parapet", -w / 2), ("East parapet", w / 2 - 0.3)):
        b.element("IfcRailing", name, "parapet", [xz_prism(b, rail, y0, 0.3)], "bluestone", role="non-structural")


def xilin_pagoda(b):
    heights = [5.8, 5.2, 4.8, 4.5, 4.2, 4.0, 3.8]
    b.element("IfcSlab", "Platform", "platform (台基)", [frustum(b, 7.0, 6.5, 0.0, 1.5)], "granite",
              b.storey("Platform", 0.0), role="foundation")
    z = 1.5
    for i, h in enumerate(heights):
        st = b.storey(f"Storey {i + 1}", z)
        ro = 3.985 * (1 - 0.035 * i)  # 3.05 m per side at ground level
        ri = ro - 1.2 * (1 - 0.03 * i)
        for k in range(8):
            a0, a1 = math.pi / 8 + k * math.pi / 4, math.pi / 8 + (k + 1) * math.pi / 4
            plan = [(ro * math.cos(a0), ro * math.sin(a0)), (ro * math.cos(a1), ro * math.sin(a1)),
                    (ri * math.cos(a1), ri * math.sin(a1)), (ri * math.cos(a0), ri * math.sin(a0))]
            b.element("IfcWall", f"Storey {i + 1} wall {k + 1}", "pagoda wall", [b.prism(plan, h, (0, 0, z))],
                      "grey brick", st, role="primary load-bearing (masonry tube)")
        b.element("IfcSlab", f"Storey {i + 1} floor", "timber floor", [frustum(b, ri + 0.1, ri + 0.1, z, z + 0.3)],
                  "timber (fir)", st, role="floor diaphragm")
        ze = z + 0.8 * h
        eave = [frustum(b, ro, ro + 1.8, ze, ze - 0.6)]
        b.element("IfcRoof", f"Storey {i + 1} eave", "eave (腰檐)", eave, "grey clay tile", st,
                  role="weather protection")
        z += h
    top = b.storey("Roof", z)
    b.element("IfcRoof", "Top roof", "pyramidal roof", [frustum(b, 3.985 * 0.79 + 1.8, 0.35, z, z + 3.8)],
              "grey clay tile", top, role="weather protection")
    parts, zf = [frustum(b, 0.3, 0.3, z + 3.8, 46.0)], z + 4.3
    for k in range(7):  # the seven bronze rings (相轮)
        r = 0.9 - 0.05 * k
        parts.append(frustum(b, r, r, zf + 0.6 * k, zf + 0.6 * k + 0.15, 12))
    parts.append(frustum(b, 0.45, 0.0, 46.0, 46.5, 12))
    b.element("IfcBuildingElementProxy", "Finial", "finial (塔刹)", parts, "gilded bronze", top,
              role="ornamental, lightning conductor")


def hall(b, name, x0, y0, width, depth, bays, storeys, storey_h, ridge=2.6, gables=True, hip=False):
    """A timber column-and-tie hall: columns, beams, floors, walls, roof (all separate elements)."""
    H = storeys * storey_h
    st = b.storey(f"{name} ground floor", 0.0)
    xs = [x0 + 0.3 + (width - 0.6) * k / bays for k in range(bays + 1)]
    rows = [y0 + 0.4, y0 + depth - 0.4] + ([y0 + depth / 2] if depth > 8 else [])
    for i, x in enumerate(xs):
        for j, y in enumerate(rows):
            b.element("IfcColumn", f"{name} column {i + 1}-{j + 1}", "timber column", [column(b, x, y, 0, H)],
                      "timber (fir)", st, role="primary load-bearing (frame)")
        b.element("IfcBeam", f"{name} tie beam {i + 1}", "tie beam (穿枋)", [b.box(x - 0.1, y0 + 0.2, H - 0.35, 0.2,
                  depth - 0.4, 0.3)], "timber (fir)", st, role="primary load-bearing (frame)")
    for s in range(1, storeys):
        up = b.storey(f"{name} floor {s + 1}", s * storey_h)
        b.element("IfcSlab", f"{name} floor {s + 1}", "timber floor", [b.box(x0 + 0.3, y0 + 0.3, s * storey_h - 0.15,
                  width - 0.6, depth - 0.6, 0.15)], "timber (fir)", up, role="floor diaphragm")
        for j, y in enumerate(rows[:2]):
            b.element("IfcBeam", f"{name} floor beam {s + 1}-{j + 1}", "longitudinal beam (枋)",
                      [b.box(x0 + 0.3, y - 0.1, s * storey_h - 0.45, width - 0.6, 0.2, 0.3)], "timber (fir)", up,
                      role="primary load-bearing (frame)")
    b.element("IfcWall", f"{name} front lattice", "carved timber lattice facade",
              [b.box(x0 + 0.3, y0 + 0.35, 0, width - 0.6, 0.1, H - 0.4)], "timber (fir)", st, role="non-structural")
    b.element("IfcWall", f"{name} back wall", "brick wall", [b.box(x0, y0 + depth - 0.35, 0, width, 0.35, H)],
              "lime-plastered brick", st, role="enclosure, bracing")
    if gables:
        gable = [(y0, 0), (y0 + depth, 0), (y0 + depth, H), (y0 + depth / 2, H + ridge), (y0, H)]
        for side, xg in (("west", x0 - 0.35), ("east", x0 + width)):
            b.element("IfcWall", f"{name} {side} gable wall", "hard gable wall (硬山)", [yz_prism(b, gable, xg, 0.35)],
                      "grey brick", st, role="enclosure, fire wall")
    o, zr = 0.8, H + ridge
    if hip:
        v = [(x0 - o, y0 - o, H - 0.3), (x0 + width + o, y0 - o, H - 0.3), (x0 + width + o, y0 + depth + o, H - 0.3),
             (x0 - o, y0 + depth + o, H - 0.3), (x0 + depth / 2, y0 + depth / 2, zr),
             (x0 + width - depth / 2, y0 + depth / 2, zr)]
        t = [(0, 1, 5), (0, 5, 4), (1, 2, 5), (2, 3, 4), (2, 4, 5), (3, 0, 4), (0, 3, 2), (0, 2, 1)]
        items = [b.mesh(v, t)]
    else:
        sec = [(y0 - o, H - 0.3), (y0 + depth / 2, zr), (y0 + depth + o, H - 0.3), (y0 + depth + o, H - 0.55),
               (y0 + depth / 2, zr - 0.3), (y0 - o, H - 0.55)]
        items = [yz_prism(b, sec, x0 - (0.35 if gables else o), width + (0.7 if gables else 2 * o))]
    b.element("IfcRoof", f"{name} roof", "tiled roof", items, "grey clay tile", st, role="weather protection")


def du_mansion(b):
    w, d = 12.2, 44.5
    halls = [("Front hall", 0.0, 7.0), ("Second hall", 11.5, 7.0), ("Carved hall (雕花楼)", 23.0, 8.0),
             ("Rear hall", 35.5, 9.0)]
    for name, y0, depth in halls:
        hall(b, name, 0.4, y0, w - 0.8, depth, 3, 2, 3.6, gables=False)
    step = [(0, 0), (d, 0), (d, 8.0)]
    for name, y0, depth in reversed(halls):  # horse-head gables step up over each hall
        step += [(y0 + depth, 8.0), (y0 + depth, 9.6), (y0, 9.6), (y0, 8.0)]
    step += [(0, 8.0)]
    for side, x0 in (("West", 0.0), ("East", w - 0.4)):
        b.element("IfcWall", f"{side} horse-head fire wall", "horse-head gable wall (马头墙)",
                  [yz_prism(b, step, x0, 0.4)], "lime-plastered brick", b.storey("Front hall ground floor", 0.0),
                  role="enclosure, fire wall")
    b.element("IfcRailing", "Carved hall balcony railing", "cast-iron balcony railing",
              [b.box(0.6, 22.6, 3.6, w - 1.2, 0.08, 1.0)], "cast iron", b.storey("Carved hall (雕花楼) floor 2", 3.6),
              role="non-structural")


def xu_pawnshop(b):
    w = 7 * 3.6
    hall(b, "Gatehouse and pawn hall", 0.35, 0.0, w - 0.7, 9.0, 7, 2, 3.6)
    hall(b, "Storage tower", 0.35 + 7.2, 14.0, 10.8 - 0.7, 8.0, 3, 3, 3.3)
    hall(b, "Residence", 0.35, 27.0, w - 0.7, 9.0, 7, 2, 3.4)
    b.element("IfcWall", "Rear garden wall", "brick wall", [b.box(0, 39.7, 0, w, 0.3, 3.5)], "grey brick",
              b.storey("Residence ground floor", 0.0), role="enclosure")


def guanding_hall(b):
    b.element("IfcSlab", "Stone platform", "platform (台基)", [b.box(-1.5, -1.5, -0.9, 21.0, 15.0, 0.9)], "granite",
              b.storey("Main hall ground floor", 0.0), role="foundation")
    hall(b, "Main hall", 0.0, 0.0, 18.0, 12.0, 5, 1, 5.5, ridge=4.5, gables=False, hip=True)


# key: (title, (WGS84 lat, lon from geofacts table A, height a.s.l. of model z=0, rotation of model X
# anticlockwise from grid east, model point at the geofacts position), recipe)
MODELS = {
    "dacang_bridge": ("Dacang Bridge (大仓桥)", (31.00767, 121.20483, 2.0, 90.0, (25.0, 0.0)), dacang_bridge),
    "xilin_pagoda": ("Xilin Pagoda (西林塔)", (31.00893, 121.21977, 4.0, 0.0, (0.0, 0.0)), xilin_pagoda),
    "du_mansion": ("Du Family Carved Mansion (杜氏雕花楼)", (31.00850, 121.20796, 4.0, 0.0, (6.1, 22.25)), du_mansion),
    "xu_pawnshop": ("Xu Family Pawnshop (徐氏当铺)", (31.00840, 121.20585, 4.0, 0.0, (12.6, 20.0)), xu_pawnshop),
    "guanding_hall": ("Guanding Chan Temple hall (灌顶禅院)", (31.00496, 121.20451, 4.0, 0.0, (9.0, 6.0)),
                      guanding_hall),
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "assets" / "hbim"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    records = json.loads((ROOT / "assets" / "hbim" / "records.json").read_text(encoding="utf-8"))
    for key, (title, site, recipe) in MODELS.items():
        b = Builder(key, title, *site)
        recipe(b)
        b.finish(records.get(key, {}), out / f"{key}.ifc")
        sys.stdout.write(f"{out / (key + '.ifc')}: {len(b.components)} components\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
