"""A queued conflict in words a reviewer reads: which record, which fields, old and new values, which photos.

The conflict dialog (widgets/field/conflicts.py) and `package conflicts` both show a conflict
through ``describe``, in the interface language (layers.i18n): the record as its kind, its own
term (a damage record's ICOMOS-ISCS type, an inspection's date) and its component's name from
the embedded HBIM model (``Arch ring 3`` → 拱圈 3, and the monument), never "病害 55b2bbef"; each
disagreeing field by its label with the base, field and centre values; a photo list as the
photos' file names (their SHA-256s kept in ``photos`` for thumbnails), never a JSON hash list.
"""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache

from layers.bim.glossary import term
from layers.bim.heritage import MODELS, models_dir
from layers.i18n import STRINGS, language, tr
from offline.store.merge import SETS, WHOLE
from offline.store.quarantine import QUARANTINED

log = logging.getLogger(__name__)
VALUES = ("base", "field_value", "store_value")
HASH = re.compile(r"[0-9a-f]{64}")  # a photo the store holds no name for is shown by its hash's start


def _join(items, semicolon: bool = False) -> str:
    zh = language() == "zh"
    return ("；" if zh else "; ").join(items) if semicolon else ("、" if zh else ", ").join(items)


def _colon() -> str:
    return "：" if language() == "zh" else ": "


def _label(key: str, fallback: str) -> str:
    return tr(key) if key in STRINGS else fallback


@lru_cache(maxsize=None)
def element_names(model: str) -> dict:
    """GlobalId → Name of the elements of an embedded HBIM model (the files are small: read once)."""
    if model not in MODELS:
        return {}
    import ifcopenshell
    try:
        f = ifcopenshell.open(str(models_dir() / f"{model}.ifc"))
        return {e.GlobalId: e.Name for e in f.by_type("IfcElement") if e.Name}
    except Exception as exc:  # noqa: BLE001 — no names: the record is still named by its kind and terms
        log.warning("cannot read the component names of %s: %s", model, exc)
        return {}


def component_name(store, guid: str) -> str:
    """The component's name in the interface language, with its monument: "拱圈 3 · 大仓桥"."""
    comp = store.get("components", guid) or {}
    model = comp.get("model") or ""
    name = element_names(model).get(guid) or comp.get("classification") or guid[:8]
    monument = MODELS.get(model, (model, model))[0 if language() == "zh" else 1]
    return " · ".join(x for x in (term(name), monument) if x)


def _record(c: dict) -> dict:
    """The record as the centre holds it, else as the field or the base knew it."""
    for k in ("store_value", "field_value", "base"):
        if isinstance(c.get(k), dict):
            return c[k]
    return {}


def record_name(store, c: dict) -> str:
    rec = store.get(c["tbl"], c["key"]) if c["tbl"] != "photos" else None
    rec = rec or _record(c)
    kind = _label(f"field.table.{c['tbl']}", c["tbl"])
    own = term(rec.get("type")) if rec.get("type") else (rec.get("date") or "")
    guid = c["key"] if c["tbl"] == "components" else rec.get("guid")
    where = component_name(store, guid) if guid else c["key"][:8]
    if not own:
        return f"{kind} · {where}"
    return f"{kind}「{own}」 · {where}" if language() == "zh" else f'{kind} "{own}" · {where}'


def photo_names(store, shas) -> list[str]:
    named = {}
    if shas:
        marks = ", ".join("?" * len(shas))
        named = dict(store.q(f"SELECT sha256, name FROM photos WHERE sha256 IN ({marks})", list(shas)).fetchall())
    return [named.get(s) or (f"{s[:8]}…" if HASH.fullmatch(str(s)) else str(s)) for s in shas]


def photo_list(value) -> list[str] | None:
    """A photo/document list's items (its text is JSON), or None when it is not one."""
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def show_value(store, name: str, value) -> str:
    if name == "photos" and photo_list(value) is not None:
        return _join(photo_names(store, photo_list(value))) or "—"
    if name in SETS and photo_list(value) is not None:
        return _join(map(str, photo_list(value))) or "—"
    return "—" if value in (None, "") else term(str(value))


def differing(c: dict) -> list[str]:
    rows = [r for r in (c[k] for k in VALUES) if isinstance(r, dict)]
    keys = sorted({k for r in rows for k in r})
    return [k for k in keys if len({json.dumps(r.get(k)) for r in rows}) > 1]


def describe(store, c: dict) -> dict:
    """``record``, ``field``, ``fields`` (name → label), the three values shown and their ``photos`` (SHA-256s)."""
    whole = c["field"] in (WHOLE, QUARANTINED)
    names = differing(c) if whole else [c["field"]]
    labels = {n: _label(f"hbim.field.{n}", n) for n in names}
    if c["field"] == QUARANTINED:
        from layers.messages import localize
        field = f"{tr('field.quarantined')}{_colon()}{localize(c.get('reason') or '')}"
    elif whole:
        field = f"{tr('field.whole_record')}{_colon()}{_join(labels.values())}" if labels else tr("field.whole_record")
    else:
        field = labels[c["field"]]
    out = {"record": record_name(store, c), "field": field, "fields": labels, "photos": {}}
    for k in VALUES:
        value = c[k]
        if whole and value is None:
            out[k] = "—" if c["field"] == QUARANTINED else tr("field.record_deleted")
        elif whole and isinstance(value, dict):
            out[k] = _join((f"{labels[n]} {show_value(store, n, value.get(n))}" for n in names), True) or "—"
        elif whole:
            out[k] = str(value)  # a damaged row's text, as read
        else:
            out[k] = show_value(store, c["field"], value)
        photos = (value or {}).get("photos") if isinstance(value, dict) else value if c["field"] == "photos" else None
        if "photos" in names and photo_list(photos):
            out["photos"][k] = photo_list(photos)
    return out
