"""HBIM records ↔ IFC: property sets on the components, IfcTask for interventions.

* ``SJ_HBIM_Component`` — one per component.
* ``SJ_HBIM_Inspection_NN`` / ``SJ_HBIM_Damage_NN`` — one pset per record
  (IFC has no repeated psets of one name), each carrying its ``RecordId`` UUID.
* Interventions are ``IfcTask`` (Name = type, Identification = UUID, TaskTime
  with ScheduleStart/Finish) assigned to the component by
  ``IfcRelAssignsToProduct``, with ``SJ_HBIM_Intervention`` on the task.

Properties are created directly (IfcLabel/IfcText/IfcInteger/IfcBoolean/IfcDate,
IfcPropertyListValue for lists) so types are stable across ifcopenshell versions.
"""
from __future__ import annotations

import ifcopenshell
import ifcopenshell.api.pset
import ifcopenshell.guid
import ifcopenshell.util.element as uel

from offline.hbim import Component, Damage, HbimStore, Inspection, Intervention

COMPONENT = "SJ_HBIM_Component"
INSPECTION = "SJ_HBIM_Inspection_"
DAMAGE = "SJ_HBIM_Damage_"
INTERVENTION = "SJ_HBIM_Intervention"

# dataclass field → IFC property name
_NAMES = {"id": "RecordId", "model": "Model", "classification": "HeritageClassification", "period": "Period", "phase": "Phase",
          "material": "Material", "structural_role": "StructuralRole", "illustrative": "Illustrative",
          "date": "Date", "surveyor": "Surveyor", "condition_grade": "ConditionGrade", "notes": "Notes",
          "type": "DamageType", "severity": "Severity", "extent": "Extent", "location": "LocationOnComponent",
          "photos": "Photos", "materials": "Materials", "contractor": "Contractor", "documents": "Documents"}
_TEXT = {"notes", "extent", "location"}
_DATES = {"date"}


def _value(f, name, v):
    if isinstance(v, bool):
        return f.create_entity("IfcBoolean", v)
    if isinstance(v, int):
        return f.create_entity("IfcInteger", v)
    if name in _DATES and v:
        return f.create_entity("IfcDate", v)
    return f.create_entity("IfcText" if name in _TEXT or len(v) > 255 else "IfcLabel", v)


def _props(f, rec, skip=("guid",)) -> list:
    props = []
    for name, v in vars(rec).items():
        if name in skip or v is None or v == "" or v == []:
            continue
        pname = _NAMES[name]
        if isinstance(v, list):
            props.append(f.createIfcPropertyListValue(pname, None, [f.createIfcLabel(x) for x in v], None))
        else:
            props.append(f.createIfcPropertySingleValue(pname, None, _value(f, name, v), None))
    return props


def _add_pset(f, product, name, props):
    old = uel.get_pset(product, name)
    if old:
        ifcopenshell.api.pset.remove_pset(f, product=product, pset=f.by_id(old["id"]))
    pset = ifcopenshell.api.pset.add_pset(f, product=product, name=name)
    pset.HasProperties = props


def export_records(store: HbimStore, f: ifcopenshell.file, guids=None) -> int:
    """Write the store's records for components found in ``f``; returns records written."""
    written = 0
    wanted = set(guids) if guids else None
    for comp in store.records("components"):
        if wanted is not None and comp.guid not in wanted:
            continue
        try:
            el = f.by_guid(comp.guid)
        except RuntimeError:  # component of another model
            continue
        _clear(f, el)  # the IFC mirrors the store for this component
        _add_pset(f, el, COMPONENT, _props(f, comp))
        written += 1
        for prefix, table in ((INSPECTION, "inspections"), (DAMAGE, "damage")):
            for i, rec in enumerate(store.records(table, comp.guid), 1):
                _add_pset(f, el, f"{prefix}{i:02d}", _props(f, rec))
                written += 1
        for rec in store.records("interventions", comp.guid):
            _add_task(f, el, rec)
            written += 1
    return written


def _clear(f, el):
    for name, pset in uel.get_psets(el).items():
        if name == COMPONENT or name.startswith((INSPECTION, DAMAGE)):
            ifcopenshell.api.pset.remove_pset(f, product=el, pset=f.by_id(pset["id"]))
    for rel in list(getattr(el, "ReferencedBy", ()) or ()):
        if rel.is_a("IfcRelAssignsToProduct"):
            for task in [t for t in rel.RelatedObjects if t.is_a("IfcTask") and INTERVENTION in uel.get_psets(t)]:
                for name, pset in uel.get_psets(task).items():
                    ifcopenshell.api.pset.remove_pset(f, product=task, pset=f.by_id(pset["id"]))
                rest = [t for t in rel.RelatedObjects if t != task]
                if task.TaskTime is not None:
                    f.remove(task.TaskTime)
                f.remove(task)
                if not rest:
                    f.remove(rel)
                    break
                rel.RelatedObjects = rest


def _add_task(f, el, rec: Intervention):
    tt = f.createIfcTaskTime(ScheduleStart=rec.start or None, ScheduleFinish=rec.end or None)
    task = f.createIfcTask(GlobalId=ifcopenshell.guid.new(), Name=rec.type, Identification=rec.id,
                           IsMilestone=False, TaskTime=tt, PredefinedType="MAINTENANCE")
    f.createIfcRelAssignsToProduct(ifcopenshell.guid.new(), None, None, None, [task], None, el)
    _add_pset(f, task, INTERVENTION, _props(f, rec, skip=("guid", "type", "start", "end")))


def _rec(cls, guid, pset: dict, **extra):
    back = {v: k for k, v in _NAMES.items()}
    kw = {back[k]: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in pset.items() if k in back}
    return cls(guid=guid, **kw, **extra)


def read_records(f: ifcopenshell.file, model: str = "") -> list:
    """All HBIM records found in ``f`` as dataclasses (for ``store.put_many``)."""
    out = []
    for el in f.by_type("IfcProduct"):
        psets = uel.get_psets(el)
        if COMPONENT in psets:
            comp = _rec(Component, el.GlobalId, psets[COMPONENT])
            comp.model = model or comp.model
            out.append(comp)
        for name in sorted(psets):
            if name.startswith(INSPECTION):
                out.append(_rec(Inspection, el.GlobalId, psets[name]))
            elif name.startswith(DAMAGE):
                out.append(_rec(Damage, el.GlobalId, psets[name]))
    for rel in f.by_type("IfcRelAssignsToProduct"):
        for task in rel.RelatedObjects:
            if task.is_a("IfcTask") and task.Identification:
                tt = task.TaskTime
                out.append(_rec(Intervention, rel.RelatingProduct.GlobalId,
                                uel.get_psets(task).get(INTERVENTION, {}), type=task.Name or "",
                                start=(tt.ScheduleStart or "") if tt else "",
                                end=(tt.ScheduleFinish or "") if tt else ""))
    return out


def import_records(store: HbimStore, f: ifcopenshell.file, model: str = "", undoable: bool = False) -> int:
    recs = read_records(f, model)
    store.put_many(recs, undoable=undoable)
    return len(recs)
