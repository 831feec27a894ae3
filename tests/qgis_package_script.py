"""Drives PyQGIS (Debian's qgis + python3-qgis, system python) on a field package, as a surveyor's QGIS would.

Run by tests/test_package_in_qgis.py as ``/usr/bin/python3 tests/qgis_package_script.py PACKAGE OUT_DIR EDITS_JSON``
with QT_QPA_PLATFORM=offscreen; imports nothing of the console (the system python has none of its
dependencies). Opens the project the package carries (``geopackage:`` project storage), reports each
layer (valid, kind, renderer colour, form widgets, aliases) and the relations, renders the map to
``OUT_DIR/map.png``, checks that a layer added from the file alone gets the console's style (the
package's ``layer_styles``), then makes the edits through QGIS's editing API (each layer's edit
buffer, committed through GDAL, as the attribute table and the forms do) and saves the project back
into the package. Prints one JSON object.
"""
import json
import os
import sys

from qgis.core import (QgsApplication, QgsFeature, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QByteArray, QSize
from qgis.PyQt.QtGui import QColor


def _colour(layer):
    r = layer.renderer()
    if r is None:
        return None
    if r.type() == "singleSymbol":
        return r.symbol().color().name()
    if r.type() == "categorizedSymbol":
        return {c.value(): c.symbol().color().name() for c in r.categories()}
    return r.type()


def _feature(layer, expression):
    found = [f for f in layer.getFeatures(expression)]
    assert len(found) == 1, (layer.name(), expression, len(found))
    return found[0]


def _by_table(project, table):
    return next(l for l in project.mapLayers().values() if l.source().endswith(f"layername={table}"))


def main(package, out_dir, edits):
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    uri = f"geopackage:{package}?projectName={edits['project']}"
    out = {"read": project.read(uri), "error": project.error(), "crs": project.crs().authid(), "layers": {}}
    for layer in project.mapLayers().values():
        entry = {"name": layer.name(), "valid": layer.isValid(), "type": layer.type(), "source": layer.source()}
        if isinstance(layer, QgsVectorLayer):
            entry.update(colour=_colour(layer), count=layer.featureCount(),
                         widgets={f.name(): layer.editorWidgetSetup(i).type() for i, f in enumerate(layer.fields())},
                         aliases={f.name(): layer.attributeAlias(i) for i, f in enumerate(layer.fields())})
        out["layers"][layer.id()] = entry
    out["relations"] = sorted((r.referencingLayer().source().split("layername=")[-1],
                               r.referencedLayer().source().split("layername=")[-1], r.isValid())
                              for r in project.relationManager().relations().values())
    # the map as QGIS draws it: the feature layers shown, over white
    root = project.layerTreeRoot()
    shown = [l for l in root.checkedLayers() if isinstance(l, QgsVectorLayer) and l.isSpatial()]
    settings = QgsMapSettings()
    settings.setLayers(shown)
    settings.setDestinationCrs(project.crs())
    settings.setExtent(project.viewSettings().defaultViewExtent())
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(f"{out_dir}/map.png", "PNG")
    out["rendered"] = [l.source().split("layername=")[-1] for l in shown]
    # a layer added from the file alone (Layer › Add Layer): QGIS applies the package's default style
    alone = QgsVectorLayer(f"{package}|layername=heritage_sites", "alone", "ogr")
    out["default_style_colour"] = _colour(alone)

    # a surveyor's edits, through QGIS's edit buffers
    damage = _by_table(project, "hbim_damage")
    damage.startEditing()
    f = _feature(damage, f"\"id\" = '{edits['damage']}'")
    assert damage.changeAttributeValue(f.id(), damage.fields().indexOf("severity"), "5")
    out["damage_commit"] = damage.commitChanges(), damage.commitErrors()
    inspections = _by_table(project, "hbim_inspections")
    inspections.startEditing()
    new = QgsFeature(inspections.fields())
    for name, value in (("guid", edits["component"]), ("date", "2026-12-01"), ("condition_grade", "3"),
                        ("notes", edits["notes"])):
        new[name] = value
    assert inspections.addFeature(new)
    out["inspection_commit"] = inspections.commitChanges(), inspections.commitErrors()
    repairs = _by_table(project, "hbim_interventions")
    repairs.startEditing()
    assert repairs.deleteFeature(_feature(repairs, f"\"id\" = '{edits['repair']}'").id())
    out["repair_commit"] = repairs.commitChanges(), repairs.commitErrors()
    photos = _by_table(project, "field_photos")
    photos.startEditing()
    photo = QgsFeature(photos.fields())
    with open(edits["photo"], "rb") as fh:
        photo["data"] = QByteArray(fh.read())
    photo["name"], photo["guid"], photo["record_id"] = "qgis-photo.jpg", edits["component"], edits["damage"]
    assert photos.addFeature(photo)
    out["photo_commit"] = photos.commitChanges(), photos.commitErrors()
    out["saved"] = project.write()  # the project saved back into the package
    print(json.dumps(out, ensure_ascii=False), flush=True)
    project.clear()
    app.exitQgis()
    os._exit(0)  # QGIS 3.22 may abort while tearing its providers down after a clean run: not what is tested


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
