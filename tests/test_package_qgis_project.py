"""A field package carries its QGIS project and styles, and a user re-saving them changes no verdict (issue 23).

On main a package held no QGIS project and no styles (QGIS drew its layers in random colours), and
a project stored in it (QGIS's ``geopackage:`` project storage, table ``qgis_projects``) made
``package verify`` refuse it on the content checksum. Now ``package create`` writes the project
(offline/package/qgis_project.py) and each feature table's default style (``layer_styles``) from
templates, without QGIS; this file reads them as plain SQLite, zip and XML (the PyQGIS test,
tests/test_package_in_qgis.py, opens them in QGIS where it is installed). The checksum leaves both
tables out, so a package whose project and styles were rewritten still verifies; a change to
delivered data still fails. Both tables are hostile input like the rest of the file: no command
of the console reads them (a source scan), and a project naming paths outside the package makes
nothing read or write there. A photo another tool adds to the photos layer (as QField or GDAL
would: a row with the bytes, no hash) reaches the centre with its SHA-256.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import shapely

from offline.hbim_records import ICOMOS_ISCS
from offline.package import PackageRequest, create_package, verify
from tests.field_package import copy_sqlite, make_package
from tests.helpers import REPO, console_cli

AREA = shapely.box(121.200, 31.003, 121.222, 31.011)  # Cangcheng: the five HBIM buildings
RELATIONS = {("hbim_inspections", "hbim_components"), ("hbim_damage", "hbim_components"),
             ("hbim_interventions", "hbim_components"), ("field_photos", "hbim_components"),
             ("field_photos", "hbim_damage")}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("qgis-project")
    return create_package(PackageRequest(out=tmp / "cangcheng.gpkg", area=AREA, district="custom", language="zh",
                                         hbim_store=tmp / "hbim.sqlite", history=tmp / "none.sqlite"))


def _project(path: Path) -> tuple[str, ElementTree.Element]:
    con = sqlite3.connect(path)
    try:
        [(name, meta, content)] = con.execute("SELECT name, metadata, content FROM qgis_projects").fetchall()
    finally:
        con.close()
    assert set(json.loads(meta)) == {"last_modified_time", "last_modified_user"}
    with zipfile.ZipFile(io.BytesIO(bytes.fromhex(content))) as z:  # hex text of a .qgz, as QGIS stores it
        [member] = z.namelist()
        assert member.endswith(".qgs")
        return name, ElementTree.fromstring(z.read(member))


def _value_map(layer: ElementTree.Element, field: str) -> dict:
    [widget] = layer.findall(f"fieldConfiguration/field[@name='{field}']/editWidget")
    assert widget.get("type") == "ValueMap"
    return {o.get("value"): o.get("name") for o in widget.iter("Option") if o.get("value") is not None}


def test_a_package_carries_its_qgis_project_with_every_layer_relations_and_forms(package):
    name, root = _project(package)
    assert name == "cangcheng"
    con = sqlite3.connect(package)
    listed = {t for (t,) in con.execute("SELECT table_name FROM gpkg_contents")} - {"layer_styles"}
    con.close()
    layers = {lyr.findtext("datasource"): lyr for lyr in root.iter("maplayer")}
    tables = {re.sub(r"^(GPKG:\./cangcheng\.gpkg:|\./cangcheng\.gpkg\|layername=)", "", s) for s in layers}
    assert tables == listed and "field_photos" in tables  # the package by its name beside the project, no path
    assert root.find("projectCrs/spatialrefsys/authid").text == "EPSG:4549"
    by_table = {lyr.findtext("datasource").rsplit("=", 1)[-1]: lyr for lyr in root.iter("maplayer")}
    relations = {(r.get("referencingLayer"), r.get("referencedLayer")) for r in root.iter("relation")}
    assert relations == {(f"{a}_songjiang", f"{b}_songjiang") for a, b in RELATIONS}
    assert {lyr.findtext("id") for lyr in root.iter("maplayer")} >= {f"{t}_songjiang" for t, _ in RELATIONS}
    grades = _value_map(by_table["hbim_inspections"], "condition_grade")
    assert grades == {"1": "1 良好 / good", "2": "2 一般 / fair", "3": "3 较差 / poor", "4": "4 差 / very poor",
                      "5": "5 危险 / dangerous"}
    types = _value_map(by_table["hbim_damage"], "type")
    assert set(types) == set(ICOMOS_ISCS) and types["crack"] == "裂隙 / crack"
    aliases = {a.get("field"): a.get("name") for a in by_table["hbim_inspections"].iter("alias")}
    assert aliases["condition_grade"] == "状况等级 / Condition grade" and aliases["notes"] == "备注 / Notes"
    photo = by_table["field_photos"].find("fieldConfiguration/field[@name='data']/editWidget")
    assert photo.get("type") == "Binary"  # the attachment: the photo's bytes, kept in the package


def test_each_feature_layer_has_the_consoles_style_as_its_default(package):
    con = sqlite3.connect(package)
    try:
        features = {t for (t,) in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type='features'")}
        records = {t for (t,) in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type='attributes'")}
        rows = con.execute("SELECT f_table_name, f_geometry_column, styleName, styleQML, useAsDefault, styleSLD "
                           "FROM layer_styles").fetchall()
        heritage = json.loads(con.execute("SELECT style FROM package_styles WHERE table_name='heritage_sites'")
                              .fetchone()[0])["colour"]
    finally:
        con.close()
    # each map layer its colours, each record table its form (a table added alone in QGIS gets both)
    assert {r[0] for r in rows} == features | records - {"layer_styles"} and all(r[4] == 1 for r in rows)
    assert {r[0]: r[1] for r in rows}["heritage_sites"] == "geom"
    qml = {r[0]: ElementTree.fromstring(r[3].split("\n", 1)[1]) for r in rows}  # past the DOCTYPE line
    colours = {o.get("value") for o in qml["heritage_sites"].iter("Option") if o.get("name") == "color"}
    r, g, b = (int(heritage[i:i + 2], 16) for i in (1, 3, 5))
    assert colours == {f"{r},{g},{b},255"}
    sld = ElementTree.fromstring({r[0]: r[5] for r in rows}["heritage_sites"].encode())  # for tools reading SLD
    fills = {p.text for p in sld.iter("{http://www.opengis.net/se}SvgParameter") if p.get("name") == "fill"}
    assert fills == {heritage}
    categories = {c.get("value") for c in qml["districts"].iter("category")}
    assert "old-town" in categories  # the districts coloured by district, as the console colours them


def _rewrite_project_and_styles(path: Path, project_xml: str):
    """What a surveyor's QGIS does on Project › Save and Style › Save as default (and a second project)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("re-saved.qgs", project_xml)
    con = sqlite3.connect(path)
    con.execute("UPDATE qgis_projects SET content = ?, metadata = ?", (buf.getvalue().hex(), json.dumps(
        {"last_modified_time": "2026-12-08T09:00:00", "last_modified_user": "li.wei"})))
    con.execute("INSERT INTO qgis_projects VALUES ('mine', '{}', ?)", (buf.getvalue().hex(),))
    con.execute("UPDATE layer_styles SET styleQML = replace(styleQML, '139,26,26,255', '0,0,255,255')")
    con.execute("INSERT INTO layer_styles (f_table_name, f_geometry_column, styleName, styleQML, useAsDefault) "
                "VALUES ('districts', 'geom', 'mine', '<qgis/>', 0)")
    con.execute("UPDATE gpkg_contents SET last_change = '2026-12-08T09:00:00Z' WHERE table_name = 'layer_styles'")
    con.commit()
    con.close()


def test_a_package_whose_project_and_styles_were_re_saved_still_verifies(package, tmp_path):
    path = Path(copy_sqlite(package, tmp_path / "cangcheng.gpkg"))
    _rewrite_project_and_styles(path, "<qgis projectname='re-saved'/>")
    assert verify(path) == []
    con = sqlite3.connect(path)
    con.execute("UPDATE package_styles SET style = replace(style, '#8b1a1a', '#0000ff')")  # delivered data
    con.commit()
    con.close()
    assert [p.split(":")[0] for p in verify(path)] == ["content checksum"]


QGIS_TEMPLATE = ("<qgis><projectlayers><maplayer><editform/><editforminit/><editforminitcodesource>0"
                 "</editforminitcodesource><editforminitcode><![CDATA[# -*- coding: utf-8 -*-\n\"\"\"\nQGIS forms "
                 "can have a Python function that is called when the form is opened.\n\"\"\"\n"
                 "def my_form_open(dialog, layer, feature):\n    geom = feature.geometry()\n]]></editforminitcode>"
                 "<attributeactions><defaultAction key=\"Canvas\" value=\"{00000000-0000-0000-0000-000000000000}\"/>"
                 "</attributeactions></maplayer></projectlayers></qgis>")


@pytest.mark.parametrize("where, code", [
    ("project", "<qgis><properties><Macros><pythonCode type='QString'>import os; os.system('id')</pythonCode>"
                "</Macros></properties></qgis>"),
    ("project", QGIS_TEMPLATE.replace("<editforminit/>", "<editforminit>my_form_open</editforminit>")),
    ("project", QGIS_TEMPLATE.replace(">0</editforminitcodesource>", ">2</editforminitcodesource>")),
    ("style", "<qgis><attributeactions><actionsetting type='4' name='x' action='rm -rf ~'/></attributeactions></qgis>"),
    ("project", "<!DOCTYPE q [<!ENTITY a 'aaaa'>]><qgis>&a;</qgis>"),
])
def test_a_project_or_style_carrying_code_qgis_would_run_is_refused(package, tmp_path, where, code):
    """The project and styles are outside the checksum (a surveyor may re-save them), so anyone can put
    something there after the centre signed the package: macros, form init code, command actions run in
    QGIS when the surveyor opens it. The console writes none of them; verify refuses each, naming the
    check, before a command writes to the package; QGIS's own form template (code source 0) passes."""
    path = Path(copy_sqlite(package, tmp_path / "cangcheng.gpkg"))
    _rewrite_project_and_styles(path, QGIS_TEMPLATE)
    assert verify(path) == [], "what QGIS itself writes on save is not refused"
    con = sqlite3.connect(path)
    if where == "project":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("mine.qgs", code)
        con.execute("UPDATE qgis_projects SET content = ? WHERE name = 'mine'", (buf.getvalue().hex(),))
    else:
        con.execute("UPDATE layer_styles SET styleQML = ? WHERE styleName = 'mine'", (code,))
    con.commit()
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    problems = verify(path)
    assert problems and all(p.startswith("qgis project: ") and "which QGIS would run" in p for p in problems), problems
    run = console_cli("package", "sync", path, "--store", tmp_path / "ops.sqlite", "--lang", "en")
    assert run.returncode == 3 and "qgis project check" in run.stderr, run.stdout + run.stderr[-2000:]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "a refused package is left as it was"


def test_no_command_of_the_console_reads_the_project_or_the_styles():
    """They are QGIS's: the console writes them when it builds a package and never reads them back, so nothing
    a user or a crafted package puts there (a path, a script) reaches a command; only the checksum names them."""
    allowed = {"offline/package/qgis_project.py", "offline/package/qgis_style.py", "offline/package/checksum.py",
               "layers/package_strings.py",  # the layer's name in each language
               "offline/package/qgis_code.py"}  # verify looks for code QGIS would run, and only refuses
    named = {str(p.relative_to(REPO)) for top in ("console", "layers", "widgets", "offline", "assets")
             for p in (REPO / top).rglob("*.py")
             if re.search(r"\b(qgis_projects|layer_styles)\b", p.read_text(encoding="utf-8"))}
    assert named <= allowed, sorted(named - allowed)
    assert "offline/package/qgis_project.py" in named


def test_a_project_naming_paths_outside_the_package_makes_sync_read_and_write_nothing_there(package, tmp_path):
    path = Path(copy_sqlite(package, tmp_path / "cangcheng.gpkg"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    bait = elsewhere / "secret.txt"
    bait.write_text("not for the centre")
    hostile = (f"<qgis><homePath path='{elsewhere}'/><projectlayers><maplayer><datasource>{bait}|layername=x"
               f"</datasource></maplayer><maplayer><datasource>{elsewhere}/new.gpkg</datasource></maplayer>"
               "</projectlayers></qgis>")
    _rewrite_project_and_styles(path, hostile)
    con = sqlite3.connect(path)
    con.execute("UPDATE layer_styles SET styleQML = ?, description = ?", (hostile, str(elsewhere / "x.qml")))
    con.commit()
    con.close()
    run = console_cli("package", "sync", path, "--store", tmp_path / "ops.sqlite", "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["secret.txt"]
    assert bait.read_text() == "not for the centre"


COMPONENT = "3vB2YO$MX4xv5uCqZZG05x"
DAMAGE = "9d7f4c1e-0d0e-4c7e-9a51-1b1f0c2f6a11"
RECORDS = {
    "components": [{"guid": COMPONENT, "model": "cangcheng_bridge", "classification": "arch ring",
                    "illustrative": "0"}],
    "damage": [{"guid": COMPONENT, "type": "crack", "severity": "2", "extent": "", "location": "east spandrel",
                "photos": "[]", "date": "2026-10-02", "illustrative": "0", "id": DAMAGE}],
}


def _photo_bytes() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (139, 26, 26)).save(buf, "JPEG")
    return buf.getvalue()


def test_a_photo_another_tool_adds_reaches_the_centre_with_its_sha256(tmp_path):
    from offline.store import open_store
    package = make_package(tmp_path / "old-town.gpkg", RECORDS)
    centre = tmp_path / "ops.sqlite"
    store = open_store(centre, seed=False)
    for table, rows in RECORDS.items():
        store.import_rows(table, rows)
    store.close()
    data = _photo_bytes()
    con = sqlite3.connect(package)  # as QField or GDAL add a row: the bytes and the links, no hash, no size
    for name in ("IMG_0001.jpg", "IMG_0001 copy.jpg"):  # the same photo twice: kept and sent once
        con.execute("INSERT INTO field_photos (name, guid, record_id, data) VALUES (?, ?, ?, ?)",
                    (name, COMPONENT, DAMAGE, data))
    con.commit()
    con.close()
    run = console_cli("package", "sync", package, "--store", centre, "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["photos"], report["quarantined"]) == (1, 0), report
    sha = hashlib.sha256(data).hexdigest()
    store = open_store(centre, seed=False)
    try:
        assert store.photo(sha) == data
        row = store.q("SELECT name, guid, record_id, size FROM photos WHERE sha256 = ?", (sha,)).fetchone()
    finally:
        store.close()
    assert tuple(row) == ("IMG_0001.jpg", COMPONENT, DAMAGE, len(data))
    con = sqlite3.connect(package)
    assert con.execute("SELECT sha256, size FROM field_photos").fetchall() == [(sha, len(data))]
    con.close()
    assert verify(package) == []


def test_package_qgis_writes_the_project_file_qfield_opens_for_the_package_as_now_named(package, tmp_path):
    """QField opens project files, not projects kept in a GeoPackage: ``package qgis`` writes one beside the
    package, naming it by its current name (a renamed package's own project still names the old one)."""
    path = Path(copy_sqlite(package, tmp_path / "li-wei's copy.gpkg"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    run = console_cli("package", "qgis", path, "--lang", "en")
    assert run.returncode == 0, run.stdout + run.stderr
    qgz = tmp_path / "li-wei's copy.qgz"
    with zipfile.ZipFile(qgz) as z:
        [member] = z.namelist()
        root = ElementTree.fromstring(z.read(member))
    sources = {lyr.findtext("datasource") for lyr in root.iter("maplayer")}
    assert "./li-wei's copy.gpkg|layername=hbim_damage" in sources
    assert all("cangcheng.gpkg" not in s for s in sources)
    names = {lyr.findtext("layername") for lyr in root.iter("maplayer")}
    assert "Heritage sites" in names  # --lang en
    (tmp_path / "sub").mkdir()
    run = console_cli("package", "qgis", path, "--out", tmp_path / "sub" / "p.qgz")
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "sub" / "p.qgz") as z:
        assert "../li-wei's copy.gpkg|layername=field_photos" in z.read(z.namelist()[0]).decode()
    for bad in (tmp_path / "sub", tmp_path / "p.txt"):  # a folder, a name that is no project file: refused
        run = console_cli("package", "qgis", path, "--out", bad, "--lang", "en")
        assert run.returncode == 2 and run.stderr.count("\n") == 1 and str(bad) in run.stderr, run.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # the package is only read
