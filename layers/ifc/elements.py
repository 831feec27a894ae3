"""Element records: what the inspector shows for every IFC product.

Runs in the worker. Values are made plain (tuples → lists, IFC entities →
step ids) so records pickle, JSON-encode into the cache and compare equal to
what ifcopenshell reports directly after the same ``plain()``.
"""
from __future__ import annotations

import ifcopenshell.util.element as uel


def plain(value):
    """Recursively turn ifcopenshell results into JSON-able Python values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "id") and hasattr(value, "is_a"):
        return {"ref": value.id(), "class": value.is_a()}
    return str(value)


def _above(element, ifc_class: str):
    """The name of the nearest ``ifc_class`` above an element (through containment and aggregation:
    spaces are aggregated into storeys, storeys into buildings)."""
    node = element
    for _ in range(32):
        parent = uel.get_container(node) or uel.get_aggregate(node)
        if parent is None:
            return None
        if parent.is_a(ifc_class):
            return parent.Name
        node = parent
    return None


def _storey(element):
    return _above(element, "IfcBuildingStorey")


def _building(element):
    """A model may hold several buildings (the hub's towers)."""
    return _above(element, "IfcBuilding")


def _materials(element) -> list[str]:
    try:
        mats = uel.get_materials(element)
    except Exception:  # odd material usages in old exporters
        return []
    return [m.Name or f"#{m.id()}" for m in mats]


def element_record(element) -> dict:
    etype = uel.get_type(element)
    return {
        "guid": element.GlobalId, "step_id": element.id(), "ifc_class": element.is_a(),
        "name": element.Name, "description": getattr(element, "Description", None),
        "object_type": getattr(element, "ObjectType", None),
        "predefined_type": plain(uel.get_predefined_type(element)),
        "type_name": etype.Name if etype is not None else None,
        "type_guid": etype.GlobalId if etype is not None else None,
        "storey": _storey(element), "building": _building(element), "materials": _materials(element),
        "psets": plain(uel.get_psets(element)),
    }


def type_record(etype) -> dict:
    return {"guid": etype.GlobalId, "step_id": etype.id(), "ifc_class": etype.is_a(), "name": etype.Name,
            "predefined_type": plain(uel.get_predefined_type(etype)),
            "materials": _materials(etype), "psets": plain(uel.get_psets(etype))}


def template_record(tpl) -> dict:
    props = []
    for p in tpl.HasPropertyTemplates or ():
        enum = getattr(p, "Enumerators", None)
        props.append({"name": p.Name, "description": p.Description,
                      "kind": getattr(p, "TemplateType", None), "measure": getattr(p, "PrimaryMeasureType", None),
                      "enumeration": plain([v.wrappedValue for v in enum.EnumerationValues]) if enum else None})
    return {"guid": tpl.GlobalId, "name": tpl.Name, "description": tpl.Description,
            "template_type": tpl.TemplateType, "applicable_to": tpl.ApplicableEntity, "properties": props}


def read_records(f, progress=None) -> dict:
    """All products, types and property-set templates of an open file."""
    products = f.by_type("IfcProduct")
    elements = []
    for i, el in enumerate(products):
        elements.append(element_record(el))
        if progress is not None and i % 200 == 0:
            progress(i / max(1, len(products)), "reading properties")
    types = [type_record(t) for t in f.by_type("IfcTypeObject")]
    templates = [template_record(t) for t in f.by_type("IfcPropertySetTemplate")] if f.schema != "IFC2X3" else []
    return {"elements": elements, "types": types, "templates": templates}
