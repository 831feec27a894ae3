"""A field package opened and edited in QGIS itself (issue 23, item 1 and its acceptance).

On main QGIS found no project and no styles in a package (its layers came up in random colours), and
a project saved into it made ``package verify`` refuse the package. Here Debian's QGIS (``qgis`` and
``python3-qgis``, installed by ``tools/setup.sh --test``) opens a fresh package's own project through
its GeoPackage project storage, in the system python (PyQGIS is not pip-installable) with
QT_QPA_PLATFORM=offscreen, driven by tests/qgis_package_script.py: every layer valid, in the
console's colours (the renderers, a layer added from the file alone through the package's
``layer_styles``, and the map QGIS renders: its dominant colours are the console's palette),
relations from components to their inspections, damage, repairs and photos, bilingual forms. Then,
as a surveyor in QGIS, a damage record's severity is changed, an inspection added, a repair
deleted and a photo added through QGIS's editing API, and the project saved back into the package;
the package still verifies and ``package sync`` brings all four into the centre store. Skipped with
the reason where QGIS is not installed.
"""
from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import shapely

from offline.package import PackageRequest, create_package
from tests.helpers import REPO, console_cli

PYTHON = "/usr/bin/python3"  # Debian's, with python3-qgis
AREA = shapely.box(121.200, 31.003, 121.222, 31.011)  # Cangcheng, in the old town: the five HBIM buildings


def _has_qgis() -> bool:
    try:
        return subprocess.run([PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.skipif(not _has_qgis(), reason=f"needs QGIS's python bindings ({PYTHON} -c 'import "
                                "qgis.core'; Debian qgis + python3-qgis, tools/setup.sh --test installs them)")


def _photo(path: Path) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


@pytest.fixture(scope="module")
def qgis(tmp_path_factory) -> dict:
    """A fresh old-town package, what QGIS saw in it, and the package after a surveyor's edits in QGIS."""
    tmp = tmp_path_factory.mktemp("qgis")
    req = PackageRequest(out=tmp / "old-town.gpkg", area=AREA, district="old-town",
                         hbim_store=tmp / "hbim.sqlite", history=tmp / "none.sqlite", language="zh")
    create_package(req)
    con = sqlite3.connect(req.out)
    damage, component = con.execute("SELECT id, guid FROM hbim_damage ORDER BY fid LIMIT 1").fetchone()
    repair = con.execute("SELECT id FROM hbim_interventions ORDER BY fid LIMIT 1").fetchone()[0]
    styles = {t: json.loads(s) for t, s in con.execute("SELECT table_name, style FROM package_styles")}
    listed = {t for (t,) in con.execute("SELECT table_name FROM gpkg_contents")}
    con.close()
    edits = {"project": "old-town", "damage": damage, "component": component, "repair": repair,
             "photo": str(tmp / "crack.jpg"), "notes": "seen in QGIS"}
    photo = _photo(tmp / "crack.jpg")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([PYTHON, str(REPO / "tests" / "qgis_package_script.py"), str(req.out), str(tmp),
                          json.dumps(edits)], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    return {"package": req.out, "seen": seen, "edits": edits, "styles": styles, "listed": listed,
            "png": tmp / "map.png", "photo": photo, "tmp": tmp}


def _table(layer: dict) -> str:
    return layer["source"].split("layername=")[-1].split(":")[-1]


def test_every_layer_of_the_packages_project_is_valid_in_qgis(qgis):
    seen = qgis["seen"]
    assert seen["read"] is True and seen["error"] == "" and seen["crs"] == "EPSG:4549"
    layers = {_table(lyr): lyr for lyr in seen["layers"].values()}
    assert set(layers) == qgis["listed"] - {"layer_styles"}  # every layer the package lists, nothing else
    assert [t for t, lyr in layers.items() if not lyr["valid"]] == []
    assert layers["heritage_sites"]["name"] == "历史文化遗产" and layers["heritage_sites"]["count"] > 5
    assert layers["hbim_components"]["count"] > 100


def _rgb(hex_colour: str) -> tuple:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _over_white(hex_colour: str, alpha: float) -> tuple:
    return tuple(round(alpha * c + (1 - alpha) * 255) for c in _rgb(hex_colour))


def test_qgis_draws_the_package_in_the_consoles_palette(qgis):
    from PIL import Image
    seen, styles = qgis["seen"], qgis["styles"]
    layers = {_table(lyr): lyr for lyr in seen["layers"].values()}
    single = [t for t in layers if "colour" in styles.get(t, {}) and "colours" not in styles[t]]
    assert {"heritage_sites", "songjiang_outline"} <= set(single)
    for table in single:
        assert layers[table]["colour"] == styles[table]["colour"], table
    assert layers["districts"]["colour"] == styles["districts"]["colours"]  # coloured by district
    assert seen["default_style_colour"] == styles["heritage_sites"]["colour"]  # added alone: layer_styles
    # the rendered map: every colour covering 0.5 % of it or more (white excepted) is one the console draws with
    palette = []
    for table in seen["rendered"]:
        style = styles.get(table, {})
        colours = list((style.get("colours") or {}).values()) or [style.get("colour")]
        for c in filter(None, colours):
            palette += [_rgb(c), _over_white(c, style.get("fill_opacity", 1.0))]
    palette.append((0x5a, 0x64, 0x70))  # the sensor snapshot (a style of the package's own: the console has none)
    image = Image.open(qgis["png"]).convert("RGB")
    counts = Counter(image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata())
    total = sum(counts.values())
    dominant = [c for c, n in counts.most_common(12) if n >= 0.005 * total and c != (255, 255, 255)]
    assert len(dominant) >= 3, counts.most_common(5)

    def near(c):
        return min(sum((a - b) ** 2 for a, b in zip(c, p)) ** 0.5 for p in palette)
    assert [c for c in dominant if near(c) > 24] == [], (dominant, palette)
    heritage = _rgb(styles["heritage_sites"]["colour"])  # few small points: drawn, in their own colour
    assert counts[heritage] >= 0.001 * total, counts.most_common(12)


def test_relations_and_bilingual_forms_in_qgis(qgis):
    seen = qgis["seen"]
    assert sorted(map(tuple, seen["relations"])) == sorted([
        ("field_photos", "hbim_components", True), ("field_photos", "hbim_damage", True),
        ("hbim_damage", "hbim_components", True), ("hbim_inspections", "hbim_components", True),
        ("hbim_interventions", "hbim_components", True)])
    layers = {_table(lyr): lyr for lyr in seen["layers"].values()}
    assert layers["hbim_inspections"]["widgets"]["condition_grade"] == "ValueMap"
    assert layers["hbim_damage"]["widgets"]["type"] == "ValueMap"
    assert layers["field_photos"]["widgets"]["data"] == "Binary"
    assert layers["hbim_damage"]["aliases"]["type"] == "类型 / Type"


def test_edits_made_in_qgis_reach_the_centre_and_the_centres_come_back(qgis):
    from offline.store import open_store
    seen, edits, package = qgis["seen"], qgis["edits"], qgis["package"]
    for step in ("damage_commit", "inspection_commit", "repair_commit", "photo_commit"):
        assert seen[step][0] is True, (step, seen[step])
    assert seen["saved"] is True
    con = sqlite3.connect(package)
    saved = json.loads(con.execute("SELECT metadata FROM qgis_projects WHERE name='old-town'").fetchone()[0])
    con.close()
    assert saved["last_modified_user"]  # QGIS wrote the project back into the package…
    verified = console_cli("package", "verify", package)
    assert verified.returncode == 0, verified.stdout + verified.stderr  # …which still verifies
    centre = qgis["tmp"] / "ops.sqlite"
    run = console_cli("package", "sync", package, "--store", centre, "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["edits"], report["applied"], report["photos"], report["conflict"], report["quarantined"]) == \
        (4, 4, 1, 0, 0), report
    import hashlib
    store = open_store(centre)
    try:
        assert store.get("damage", edits["damage"])["severity"] == "5"
        assert store.get("interventions", edits["repair"]) is None
        added = [r for r in store.records("inspections") if r["notes"] == edits["notes"]]
        assert len(added) == 1 and added[0]["guid"] == edits["component"] and added[0]["condition_grade"] == "3"
        sha = hashlib.sha256(qgis["photo"]).hexdigest()
        assert store.photo(sha) == qgis["photo"]
        row = store.q("SELECT guid, record_id FROM photos WHERE sha256 = ?", (sha,)).fetchone()
        assert tuple(row) == (edits["component"], edits["damage"])
        store.put("damage", {"id": edits["damage"], "guid": edits["component"], "location": "东侧拱脚（中心复核）"},
                  "运营中心 王")  # the centre's edit after the first sync
    finally:
        store.close()
    again = console_cli("package", "sync", package, "--store", centre, "--lang", "en")
    assert again.returncode == 0, again.stdout + again.stderr[-2000:]
    assert json.loads(again.stdout.strip().splitlines()[-1])["received"]["records"] == 1
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    read = subprocess.run([PYTHON, "-c", READ_DAMAGE, str(package), edits["damage"]], capture_output=True, text=True,
                          env=env, timeout=300)
    assert read.returncode == 0, read.stderr[-3000:]
    assert json.loads(read.stdout.strip().splitlines()[-1]) == {"location": "东侧拱脚（中心复核）", "severity": 5}, \
        "QGIS sees the centre's edit in the package, beside the surveyor's own"


READ_DAMAGE = """
import json, os, sys
from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
layer = QgsVectorLayer(sys.argv[1] + "|layername=hbim_damage", "damage", "ogr")
feature = next(layer.getFeatures(QgsFeatureRequest().setFilterExpression("id = '%s'" % sys.argv[2])))
print(json.dumps({"location": feature["location"], "severity": int(feature["severity"])}))
sys.stdout.flush()
os._exit(0)
"""


OPEN_PROJECT_FILE = """
import json, os, sys
from qgis.core import QgsApplication, QgsProject
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
read = project.read(sys.argv[1])
print(json.dumps({"read": read, "layers": {l.source(): l.isValid() for l in project.mapLayers().values()}}))
sys.stdout.flush()
os._exit(0)
"""


def test_qgis_opens_the_project_file_package_qgis_writes_for_a_renamed_package(qgis, tmp_path):
    """What QField needs: a .qgz beside the package in one folder (QField opens no project kept in a GeoPackage)."""
    from tests.field_package import copy_sqlite
    renamed = Path(copy_sqlite(qgis["package"], tmp_path / "cangcheng-li.gpkg"))
    run = console_cli("package", "qgis", renamed)
    assert run.returncode == 0, run.stderr
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([PYTHON, "-c", OPEN_PROJECT_FILE, str(tmp_path / "cangcheng-li.qgz")], capture_output=True,
                         text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["read"] is True and len(seen["layers"]) == len(qgis["listed"] - {"layer_styles"})
    assert all(seen["layers"].values()) and all(str(renamed) in s for s in seen["layers"]), seen
