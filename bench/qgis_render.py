"""The QGIS side of bench/bench_qgis_render.py: render files headless to a PNG with PyQGIS, whole process.

Run by the system Python that Debian's python3-qgis installs into (/usr/bin/python3, QGIS 3.22), never
imported by the console's own environment:
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 bench/qgis_render.py OUT.png WIDTHxHEIGHT EXTENT_FILE FILE...
FILEs are drawn bottom first (terrain, imagery, then vectors, as the console's DEFAULT_LAYERS list them),
in EPSG:4549 (the console's project CRS), framed on EXTENT_FILE's extent; QgsMapRendererParallelJob,
the job QGIS's own map canvas and "Export as image" use. Prints one JSON line: the layers it drew.
"""
import json
import os
import sys


def main() -> int:
    out, size, extent_file, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    width, height = (int(v) for v in size.lower().split("x"))
    from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsCoordinateTransform,
                           QgsMapRendererParallelJob, QgsMapSettings, QgsProject, QgsRasterLayer,
                           QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    crs = QgsCoordinateReferenceSystem("EPSG:4549")
    layers = []
    for f in files:
        layer = QgsRasterLayer(f, f) if f.lower().endswith((".tif", ".tiff")) else QgsVectorLayer(f, f, "ogr")
        if not layer.isValid():
            sys.stderr.write(f"QGIS cannot open {f}\n")
            return 2
        layers.append(layer)
    frame = QgsVectorLayer(extent_file, "extent", "ogr")
    extent = QgsCoordinateTransform(frame.crs(), crs, QgsProject.instance()).transformBoundingBox(frame.extent())
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))  # QGIS lists the top layer first
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    if not job.renderedImage().save(out, "PNG"):
        sys.stderr.write(f"QGIS could not write {out}\n")
        return 2
    print(json.dumps({"layers": len(layers), "errors": len(job.errors())}), flush=True)
    del job, settings, layers, frame
    app.exitQgis()
    os._exit(0)  # PyQGIS 3.22 crashes in the interpreter's teardown after exitQgis (a known standalone-script issue)


if __name__ == "__main__":
    raise SystemExit(main())
