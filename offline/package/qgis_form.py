"""The record tables' forms in QGIS and QField: bilingual aliases, value maps, check boxes, the photo widget.

Each field of a record table (``hbim_*``) and of the photos (``field_photos``) is named in both
languages, the package's language first ("状况等级 / Condition grade"), so a surveyor whose QGIS
or QField speaks the other one still reads it. A condition grade is picked from the five grades
(value "1"…"5", shown "3 较差 / poor"), a damage type from the ICOMOS-ISCS glossary (value the
English term the records keep, shown with its Chinese name), an intervention type from the
console's vocabulary; ``illustrative`` is a check box ("1"/"0", as the records keep it). A
photo's bytes are the ``data`` field, edited with QGIS's attachment widget for binary fields
(``Binary``: "embed file", "save to file", a preview): a photo is kept inside the package, never
as a path beside it (a package names no file the console reads or writes). QField has no widget for
binary fields (it shows them as text): its camera's photos are files beside the project, which
``package photo`` brings in.
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from layers.bim.glossary import TERMS
from layers.bim.strings import STRINGS as BIM
from layers.package_strings import STRINGS as PACKAGE
from offline.hbim_records import CONDITION_GRADES, ICOMOS_ISCS

INTERVENTIONS = ("repointing", "restoration", "plaster repair", "timber repair (mortise-and-tenon)", "re-roofing",
                 "consolidation", "cleaning", "desalination", "monitoring")
RECORD_TABLES = ("hbim_components", "hbim_inspections", "hbim_damage", "hbim_interventions", "field_photos")


def label(column: str) -> tuple[str, str] | None:
    """(zh, en) of a record field, from the inspector's words, else the package's own."""
    return BIM.get(f"hbim.field.{column}") or PACKAGE.get(f"package.field.{column}") or (
        BIM["hbim.guid"] if column == "guid" else None)


def alias(column: str, language: str) -> str:
    pair = label(column)
    if not pair:
        return ""
    first, second = (pair[1], pair[0]) if language == "en" else pair
    return f"{first} / {second}"


def _both(term: str, language: str) -> str:
    zh = TERMS.get(term, term)
    return f"{term} / {zh}" if language == "en" else f"{zh} / {term}"


def value_maps(table: str, language: str) -> dict[str, list[tuple[str, str]]]:
    """column → [(shown, stored)] of the fields picked from a list."""
    if table == "hbim_inspections":
        return {"condition_grade": [(f"{n} {_both(word, language)}", str(n)) for n, word in CONDITION_GRADES.items()]}
    if table == "hbim_damage":
        return {"type": [(_both(t, language), t) for t in ICOMOS_ISCS],
                "severity": [(str(n), str(n)) for n in range(1, 6)]}
    if table == "hbim_interventions":
        return {"type": [(_both(t, language), t) for t in INTERVENTIONS]}
    return {}


def _widget(kind: str, options: str = "") -> str:
    config = f'<Option type="Map">{options}</Option>' if options else "<Option/>"
    return f'<editWidget type="{kind}"><config>{config}</config></editWidget>'


def _value_map(pairs) -> str:
    items = "".join(f'<Option type="Map"><Option type="QString" name={quoteattr(shown)} value={quoteattr(stored)}/>'
                    "</Option>" for shown, stored in pairs)
    return _widget("ValueMap", f'<Option type="List" name="map">{items}</Option>')


def widget(table: str, column: str, language: str) -> str:
    maps = value_maps(table, language)
    if column in maps:
        return _value_map(maps[column])
    if column == "illustrative":
        return _widget("CheckBox", '<Option type="QString" name="CheckedState" value="1"/>'
                                   '<Option type="QString" name="UncheckedState" value="0"/>')
    if table == "field_photos" and column == "data":  # the attachment: a photo's bytes, kept in the package
        return _widget("Binary")
    if column == "fid":
        return _widget("Hidden")
    return _widget("TextEdit", '<Option type="bool" name="IsMultiline" value="false"/>')


def form(table: str, columns: list[str], language: str) -> str:
    """``<fieldConfiguration>``, ``<aliases>`` and the read-only fields of one table (empty: not a record table)."""
    if table not in RECORD_TABLES:
        return ""
    fields = "".join(f'<field name={quoteattr(c)} configurationFlags="None">{widget(table, c, language)}</field>'
                     for c in columns)
    aliases = "".join(f'<alias field={quoteattr(c)} index="{i}" name={quoteattr(alias(c, language))}/>'
                      for i, c in enumerate(columns))
    # the console computes a photo's SHA-256 and size when it takes the photo in (offline/field/drain.py)
    editable = "".join(f'<field name={quoteattr(c)} editable="{0 if c in ("fid", "sha256", "size") else 1}"/>'
                       for c in columns)
    return (f"<fieldConfiguration>{fields}</fieldConfiguration><aliases>{aliases}</aliases>"
            f"<editable>{editable}</editable>")
