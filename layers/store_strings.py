"""The words a conflict is described in (offline/store/describe.py), for the dialog and `package conflicts` alike:
a catalogue ``layers.i18n.load_all()`` registers."""
from __future__ import annotations

STRINGS = {
    "field.record_deleted": ("（记录已删除）", "(record deleted)"),
    "field.whole_record": ("整条记录", "whole record"),
    "field.quarantined": ("已隔离的损坏编辑", "damaged edit, quarantined"),
    "field.table.photos": ("照片", "Photo"),
    "field.table.inspections": ("检查", "Inspection"),
    "field.table.damage": ("病害", "Damage"),
    "field.table.interventions": ("干预", "Intervention"),
    "field.table.components": ("构件", "Component"),
    "field.conflicts.none": ("没有待处理的冲突", "No conflicts waiting"),
    "field.col.base": ("原值", "Base value"),
    "field.col.field_value": ("现场值", "Field value"),
    "field.col.store_value": ("中心值", "Centre value"),
    "field.col.who": ("调查员 / 时间", "Surveyor / when"),
    "field.conflict.line": ("冲突 {id}", "conflict {id}"),
}
