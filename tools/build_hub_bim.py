"""Generate the hub's BIM models (IFC4): Shanghai Songjiang station and the CBD towers north of it.

    python tools/build_hub_bim.py [--out assets/hbim]

Writes ``hub_station.ifc`` and ``hub_towers.ifczip`` (the towers' IFC zipped: ~2,200
elements). Layout from layers/hub/plan.py; reproducible as tools/build_hbim.py is
(uuid5 GlobalIds, fixed time stamp), and georeferenced the same way: IfcProjectedCRS
EPSG:4549 and IfcMapConversion whose origin is the station centre and whose X axis
runs along the railway. Simple extruded solids keep the files small. Every tower has
its storeys ("T3 L12"), a slab, core and façade per storey, office spaces, two
elevators, and per storey an energy meter, a fire detector and a hydrant with
property sets naming the sensor terminal that reports for them (``SJ_Hub_System``).
The forms are plausible massing for a demo, **not** the real station or towers.
"""
from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

import ifcopenshell
import ifcopenshell.api.aggregate
import ifcopenshell.api.material
import ifcopenshell.api.pset
import ifcopenshell.api.root
import ifcopenshell.api.spatial
import ifcopenshell.api.style
import ifcopenshell.api.system

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
from build_hbim import TIMESTAMP, Builder, gid  # noqa: E402  (the same georeferencing and id scheme)
from layers.hub import plan  # noqa: E402

MATERIALS = {  # name: (category, rgb)
    "glass curtain wall": ("glass", (0.55, 0.72, 0.86)), "concrete": ("concrete", (0.76, 0.75, 0.72)),
    "steel": ("steel", (0.62, 0.64, 0.68)), "granite paving": ("stone", (0.60, 0.58, 0.55)),
    "device red": ("plastic", (0.85, 0.12, 0.10)), "device yellow": ("plastic", (0.95, 0.75, 0.10)),
    "device blue": ("plastic", (0.15, 0.35, 0.85)), "lift car": ("steel", (0.35, 0.36, 0.40)),
}
SENSOR_KIND = {"energy": "energy_power", "fire": "smoke_detector", "hydrant": "hydrant_pressure",
               "elevator": "elevator_status", "gate": "gate_flow"}  # layers/sensors/kinds.py
DISCIPLINE = {"IfcFlowMeter": "Electrical", "IfcAlarm": "Fire protection", "IfcFireSuppressionTerminal": "Fire protection",
              "IfcTransportElement": "Vertical transport", "IfcSlab": "Structure", "IfcColumn": "Structure",
              "IfcWall": "Structure", "IfcCurtainWall": "Architecture", "IfcRoof": "Architecture",
              "IfcBuildingElementProxy": "Architecture", "IfcSpace": "Architecture"}


def sensor_id(kind: str, guid: str) -> str:
    """The terminal id of a hub building system (layers/sensors: hub terminals carry the element's GlobalId)."""
    return f"SJ-HUB-{kind}-{guid[:8]}"


class HubBuilder(Builder):
    palette = MATERIALS
    def __init__(self, key: str, title: str):
        lon, lat = plan.STATION_LONLAT
        super().__init__(key, title, lat, lon, 4.0, plan.AXIS_DEG)
        self.systems: dict = {}
        self.count = 0
        self.terminals: list[dict] = []   # written to hub_terminals.json for the sensor registry

    def building_named(self, code: str, name: str):
        if code == "first":
            self.building.Name = name
            return self.building
        return self._spatial("IfcBuilding", f"building/{code}", name, self.site)

    def storey_of(self, building, name: str, elevation: float, long_name: str = ""):
        s = self._spatial("IfcBuildingStorey", f"storey/{name}", name, building)
        s.Elevation, s.LongName = elevation, long_name or None
        self.storeys[name] = s
        return s

    def space(self, name: str, storey, long_name: str, area: float):
        sp = ifcopenshell.api.root.create_entity(self.f, ifc_class="IfcSpace", name=name)
        sp.GlobalId, sp.LongName = gid(self.key, "space", name), long_name
        sp.ObjectPlacement = self.f.createIfcLocalPlacement(None, self._ax((0, 0, 0)))
        ifcopenshell.api.aggregate.assign_object(self.f, products=[sp], relating_object=storey)
        self.pset(sp, "Qto_SpaceBaseQuantities_SJ", {"NetFloorArea": round(area, 1)})
        self.names[name] = sp.GlobalId
        self.count += 1
        return sp

    def pset(self, el, name: str, props: dict):
        ps = ifcopenshell.api.pset.add_pset(self.f, product=el, name=name)
        ifcopenshell.api.pset.edit_pset(self.f, pset=ps, properties=props)

    def part(self, cls, name, items, material, storey, predefined=None, system=None, props=None):
        f = self.f
        el = ifcopenshell.api.root.create_entity(f, ifc_class=cls, name=name, predefined_type=predefined)
        el.GlobalId = gid(self.key, "element", name)
        el.ObjectPlacement = f.createIfcLocalPlacement(None, self._ax((0, 0, 0)))
        mat, style = self.material(material)
        for item in items:
            f.createIfcStyledItem(item, [style], None)
        shape = self.body(items)
        el.Representation = f.createIfcProductDefinitionShape(None, None, [shape])
        ifcopenshell.api.material.assign_material(f, products=[el], material=mat)
        ifcopenshell.api.spatial.assign_container(f, products=[el], relating_structure=storey)
        self.pset(el, "SJ_Hub_Element", {"Discipline": DISCIPLINE.get(cls, "Architecture"), **(props or {})})
        if system:
            self.join(el, system)
        self.names[name] = el.GlobalId
        self.count += 1
        return el

    def join(self, el, system: str):
        if system not in self.systems:
            distribution = el.is_a("IfcDistributionElement")  # lifts join an IfcBuildingSystem
            s = ifcopenshell.api.system.add_system(
                self.f, ifc_class="IfcDistributionSystem" if distribution else "IfcBuildingSystem")
            s.Name, s.GlobalId = system, gid(self.key, "system", system)
            self.systems[system] = s
        ifcopenshell.api.system.assign_system(self.f, products=[el], system=self.systems[system])

    def device(self, cls, predefined, kind, name, x, y, z, material, storey, system, extra=None):
        el = self.part(cls, name, [self.box(x - 0.3, y - 0.3, z, 0.6, 0.6, 0.9)], material, storey, predefined,
                       system)
        self.terminal(el, kind, storey, x, y, z + 0.45, extra)
        return el

    def terminal(self, el, kind, storey, u, v, z, extra=None):
        """The terminal reporting for ``el``: its pset, and a row of hub_terminals.json (EPSG:4549, z above ground)."""
        # a gate line's id says which way it counts: the station occupancy is entries × dwell (vital signs)
        tag = kind + {"entrance": "in", "exit": "out"}.get((extra or {}).get("Direction"), "")
        self.pset(el, "SJ_Hub_System", {"SystemKind": kind, "SensorId": sensor_id(tag, el.GlobalId), **(extra or {})})
        x, y = plan.to_xy(u, v)
        self.terminals.append({"guid": el.GlobalId, "sensor_id": sensor_id(tag, el.GlobalId), "kind": SENSOR_KIND[kind],
                               "model": self.key, "storey": storey.Name, "name": el.Name,
                               "centre": [round(x, 3), round(y, 3), round(z, 3)]})

    def hollow(self, cx, cy, z, w, d, t, h):
        """A rectangular tube (a façade ring) centred on (cx, cy)."""
        f = self.f
        prof = f.createIfcRectangleHollowProfileDef("AREA", None, f.createIfcAxis2Placement2D(
            f.createIfcCartesianPoint([0.0, 0.0]), None), float(w), float(d), float(t), None, None)
        return f.createIfcExtrudedAreaSolid(prof, self._ax((cx, cy, z)), f.createIfcDirection([0., 0., 1.]), float(h))

    def finish_hub(self, out: Path, zipped: bool = False):
        named = set(self.names.values()) | {e.GlobalId for e in self.f.by_type("IfcSpatialStructureElement")}
        named |= {s.GlobalId for s in self.systems.values()}
        for ent in self.f.by_type("IfcRoot"):
            if ent.GlobalId not in named:
                ent.GlobalId = gid(self.key, "auto", ent.id())
        self.f.header.file_name.time_stamp = TIMESTAMP
        out.parent.mkdir(parents=True, exist_ok=True)
        if not zipped:
            self.f.header.file_name.name = out.name
            self.f.write(str(out))
            return
        inner = out.with_suffix(".ifc")
        self.f.header.file_name.name = inner.name
        self.f.write(str(inner))
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            info = zipfile.ZipInfo(inner.name, date_time=(2026, 11, 24, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, inner.read_bytes())
        inner.unlink()


def station(b: HubBuilder):
    L, D, H = plan.STATION_SIZE
    hall = b.building_named("first", "上海松江站站房 Shanghai Songjiang station")
    tracks = b.storey_of(hall, "站台层 Platforms", 0.0)
    waiting = b.storey_of(hall, "候车层 Waiting hall", plan.STATION_LEVELS[1])
    roof = b.storey_of(hall, "屋面 Roof", H)
    pl, pw, ph = plan.PLATFORM_SIZE
    for i in range(plan.PLATFORMS):
        v = -36.0 + 24.0 * i
        b.part("IfcSlab", f"Platform {i + 1}", [b.box(-pl / 2, v - pw / 2, 0.0, pl, pw, ph)], "granite paving",
               tracks, "LANDING")
        b.space(f"Platform {i + 1} area", tracks, f"{i + 1}号站台", pl * pw)
    for i, u in enumerate(range(-100, 101, 40)):
        for j, v in enumerate((-50.0, -12.0, 12.0, 50.0)):
            b.part("IfcColumn", f"Column {i + 1}-{j + 1}", [b.box(u - 0.8, v - 0.8, 0.0, 1.6, 1.6, H - 2.0)],
                   "concrete", tracks)
    z = plan.STATION_LEVELS[1]
    b.part("IfcSlab", "Waiting hall floor", [b.box(-L / 2, -D / 2, z - 0.6, L, D, 0.6)], "concrete", waiting, "FLOOR")
    b.space("Waiting hall", waiting, "候车大厅", L * D * 0.8)
    b.space("Ticket hall", waiting, "售票厅", L * D * 0.1)
    b.part("IfcCurtainWall", "Hall facade", [b.hollow(0.0, 0.0, 0.0, L, D, 0.5, H - 2.0)], "glass curtain wall", waiting)
    b.part("IfcRoof", "Hall roof", [b.prism([(-L / 2 - 8, -D / 2 - 8), (L / 2 + 8, -D / 2 - 8), (L / 2 + 8, D / 2 + 8),
                                            (-L / 2 - 8, D / 2 + 8)], 2.0, (0, 0, H - 2.0))], "steel", roof, "FLAT_ROOF")
    for k, u in enumerate((-90.0, -30.0, 30.0, 90.0)):
        b.part("IfcWall", f"Core {k + 1}", [b.box(u - 5, D / 2 - 16, 0.0, 10, 10, H - 2.0)], "concrete", tracks)
        b.device("IfcTransportElement", "ELEVATOR", "elevator", f"Elevator {k + 1}", u, D / 2 - 11, 0.5, "lift car",
                 tracks, "Vertical transport", {"Floors": "Platforms, Waiting hall"})
        b.device("IfcFlowMeter", "ENERGYMETER", "energy", f"Energy meter {k + 1}", u + 6, D / 2 - 11, z, "device blue",
                 waiting, "Electrical metering")
    for k, u in enumerate(range(-105, 106, 30)):
        b.device("IfcAlarm", "SMOKE", "fire", f"Fire detector {k + 1}", float(u), -D / 2 + 6, z, "device red",
                 waiting, "Fire protection")
        b.device("IfcFireSuppressionTerminal", "FIREHYDRANT", "hydrant", f"Hydrant {k + 1}", float(u), D / 2 - 4, z,
                 "device red", waiting, "Fire protection")
    for k, (u, v) in enumerate(((-L / 2, -20.0), (-L / 2, 20.0), (L / 2, -20.0), (L / 2, 20.0))):
        gate = b.part("IfcBuildingElementProxy", f"Gate line {k + 1}", [b.box(u - 2, v - 6, z, 4, 12, 1.1)], "steel",
                      waiting, "USERDEFINED")
        gate.ObjectType = "ticket gate line"
        b.terminal(gate, "gate", waiting, u, v, z + 0.6, {"Direction": "entrance" if k % 2 == 0 else "exit"})


def towers(b: HubBuilder):
    for n, t in enumerate(plan.TOWERS):
        bld = b.building_named("first" if n == 0 else t.code, f"{t.name_zh} {t.name_en}")
        core_w, core_d = t.width * 0.36, t.depth * 0.36
        ground = None
        for s in range(t.storeys):
            z = s * plan.STOREY_HEIGHT
            st = b.storey_of(bld, f"{t.code} L{s + 1:02d}", z, f"{t.name_zh} {s + 1}层 / level {s + 1}")
            ground = ground or st
            tag = f"{t.code} L{s + 1:02d}"
            b.part("IfcSlab", f"{tag} slab", [b.box(t.u - t.width / 2, t.v - t.depth / 2, z, t.width, t.depth, 0.3)],
                   "concrete", st, "FLOOR")
            b.part("IfcWall", f"{tag} core", [b.box(t.u - core_w / 2, t.v - core_d / 2, z + 0.3, core_w, core_d,
                                                   plan.STOREY_HEIGHT - 0.3)], "concrete", st, "SHEAR")
            b.part("IfcCurtainWall", f"{tag} facade", [b.hollow(t.u, t.v, z + 0.3, t.width, t.depth, 0.25,
                                                                plan.STOREY_HEIGHT - 0.3)], "glass curtain wall", st)
            b.space(f"{tag} office", st, f"{t.name_zh} {s + 1}层办公区", t.width * t.depth - core_w * core_d)
            x0, y0 = t.u - core_w / 2 - 1.0, t.v - core_d / 2 - 1.0
            b.device("IfcFlowMeter", "ENERGYMETER", "energy", f"{tag} energy meter", x0, y0, z + 0.3, "device blue",
                     st, f"{t.code} electrical metering")
            b.device("IfcAlarm", "SMOKE", "fire", f"{tag} fire detector", t.u + core_w / 2 + 1.0, y0, z + 0.3,
                     "device red", st, f"{t.code} fire protection")
            b.device("IfcFireSuppressionTerminal", "FIREHYDRANT", "hydrant", f"{tag} hydrant", x0, t.v + core_d / 2 + 1.0,
                     z + 0.3, "device red", st, f"{t.code} fire protection")
        for k in range(2):
            lift = b.part("IfcTransportElement", f"{t.code} elevator {k + 1}",
                          [b.box(t.u - core_w / 2 + 1 + k * core_w / 2, t.v - 1.2, 0.3, core_w / 2 - 2, 2.4,
                                 t.height - 0.6)], "lift car", ground, "ELEVATOR", f"{t.code} vertical transport")
            b.terminal(lift, "elevator", ground, t.u - core_w / 2 + 1 + k * core_w / 2 + core_w / 4 - 1, t.v, 1.5,
                       {"Floors": t.storeys})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "assets" / "hbim"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    terminals = []
    for key, title, recipe, name, zipped in (
            ("hub_station", "Shanghai Songjiang station (上海松江站)", station, "hub_station.ifc", False),
            ("hub_towers", "Songjiang hub CBD towers (松江枢纽商务区)", towers, "hub_towers.ifczip", True)):
        b = HubBuilder(key, title)
        recipe(b)
        b.finish_hub(out / name, zipped)
        terminals += b.terminals
        sys.stdout.write(f"{out / name}: {b.count} elements, {(out / name).stat().st_size / 1e6:.2f} MB\n")
    index = {"crs": "EPSG:4549", "note": "hub building-system terminals; centre z is metres above the ground",
             "terminals": terminals}
    (out / "hub_terminals.json").write_text(json.dumps(index, ensure_ascii=False, indent=0), encoding="utf-8")
    sys.stdout.write(f"{out / 'hub_terminals.json'}: {len(terminals)} terminals\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
