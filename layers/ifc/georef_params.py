"""Read georeferencing parameters out of an open IFC file (runs in the worker).

Returns a plain dict (picklable, JSON-able) that ``georef.resolve`` turns into
a transform; keeping the math out of here keeps it testable without files.
"""
from __future__ import annotations

import ifcopenshell.util.element as uel
import ifcopenshell.util.placement as upl
import ifcopenshell.util.unit as uunit


def _unit_scale(f) -> float:
    try:
        return float(uunit.calculate_unit_scale(f))
    except Exception:  # broken unit assignment: metres is the IFC default
        return 1.0


_PREFIX = {None: 1.0, "MILLI": 1e-3, "CENTI": 1e-2, "DECI": 0.1, "KILO": 1e3}


def _map_unit_scale(unit) -> float | None:
    """Metres per map unit (IfcProjectedCRS.MapUnit), None when not given."""
    if unit is None:
        return None
    if unit.is_a("IfcSIUnit"):
        return _PREFIX.get(unit.Prefix, 1.0)
    try:  # IfcConversionBasedUnit, e.g. US survey foot
        factor = unit.ConversionFactor
        return float(factor.ValueComponent.wrappedValue) * (_map_unit_scale(factor.UnitComponent) or 1.0)
    except Exception:
        return None


def _ifc4_map_conversion(f) -> dict | None:
    convs = [c for c in f.by_type("IfcMapConversion")]
    if not convs:
        return None
    c = convs[0]
    target = c.TargetCRS
    return {
        "source": c.is_a(), "eastings": float(c.Eastings or 0.0), "northings": float(c.Northings or 0.0),
        "height": float(c.OrthogonalHeight or 0.0),
        "xaa": float(c.XAxisAbscissa) if c.XAxisAbscissa is not None else 1.0,
        "xao": float(c.XAxisOrdinate) if c.XAxisOrdinate is not None else 0.0,
        "scale": float(c.Scale) if c.Scale is not None else None,
        "crs_name": getattr(target, "Name", None),
        "map_unit_scale": _map_unit_scale(getattr(target, "MapUnit", None)),
    }


def _pset_map_conversion(f) -> dict | None:
    """The buildingSMART guide's property sets, on IfcProject or (as many exporters put them) IfcSite."""
    for owner in f.by_type("IfcProject") + f.by_type("IfcSite"):
        conv = uel.get_pset(owner, "ePSet_MapConversion")
        if not conv:
            continue
        crs = uel.get_pset(owner, "ePSet_ProjectedCRS") or {}
        if not crs:  # the CRS set may sit on the other entity
            crs = next((c for o in f.by_type("IfcProject") + f.by_type("IfcSite")
                        for c in [uel.get_pset(o, "ePSet_ProjectedCRS")] if c), {})
        return {
            "source": f"ePSet_MapConversion on {owner.is_a()}", "eastings": float(conv.get("Eastings") or 0.0),
            "northings": float(conv.get("Northings") or 0.0), "height": float(conv.get("OrthogonalHeight") or 0.0),
            "xaa": float(conv.get("XAxisAbscissa") or 1.0), "xao": float(conv.get("XAxisOrdinate") or 0.0),
            "scale": float(conv["Scale"]) if conv.get("Scale") is not None else None,
            "crs_name": crs.get("Name") or _epsg_name(crs), "map_unit_scale": None,
        }
    return None


def _epsg_name(crs: dict) -> str | None:
    code = crs.get("EPSGCode") or crs.get("EPSG")
    return f"EPSG:{int(code)}" if isinstance(code, (int, float)) else None


def _site(f, unit_scale: float) -> dict | None:
    sites = f.by_type("IfcSite")
    if not sites:
        return None
    site = sites[0]
    origin = (0.0, 0.0, 0.0)
    if site.ObjectPlacement is not None:
        try:
            origin = tuple(float(v) * unit_scale for v in upl.get_local_placement(site.ObjectPlacement)[:3, 3])
        except Exception:
            pass
    return {
        "lat": list(site.RefLatitude) if site.RefLatitude else None,
        "lon": list(site.RefLongitude) if site.RefLongitude else None,
        "elevation": float(site.RefElevation) if site.RefElevation is not None else None,
        "origin": origin,
    }


def _true_north(f):
    for ctx in f.by_type("IfcGeometricRepresentationContext", include_subtypes=False):
        if ctx.TrueNorth is not None:
            return [float(v) for v in ctx.TrueNorth.DirectionRatios[:2]]
    return None


def read_params(f) -> dict:
    unit_scale = _unit_scale(f)
    warnings = []
    mc = None
    try:
        mc = _pset_map_conversion(f) if f.schema == "IFC2X3" else _ifc4_map_conversion(f) or _pset_map_conversion(f)
    except Exception as exc:  # a malformed conversion must not stop the import
        warnings.append(f"map conversion unreadable: {exc}")
    return {"unit_scale": unit_scale, "map_conversion": mc, "site": _site(f, unit_scale),
            "true_north": _true_north(f), "warnings": warnings}
