"""One way to open HBIM records (offline/records.py), and the field journey through it, headless.

Issue 20 found field-mode edits that were never synced: the window opened the package's
records with a bare HbimStore, so no outbox row was written and `package sync` said
"edits": 0. These tests hold the one opener to its rule (a package is always journalled,
decided by the file) and drive a surveyor's day — a record edited, a photo taken, an
annotation placed on a component — from `package create` to `package sync`, through the
real CLI, into both store backends. The window's version of the journey is
tests/test_field_journey_gui.py.
"""
from __future__ import annotations

import ast
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from offline.field.profile import FieldProfile
from offline.records import open_records
from stores import store_url_param  # noqa: F401  (fixture: SQLite and PostgreSQL)
from tests.helpers import REPO, console_cli, old_town_package_fixture

LI = FieldProfile("Li Wei", "old-town team", "laptop-1")
OPENERS = {"offline/records.py", "offline/field/package.py", "offline/hbim_seeding.py"}  # the opener, its halves


cli = console_cli
created = old_town_package_fixture()


@pytest.fixture
def package(created, tmp_path) -> Path:
    pkg = tmp_path / "old-town.gpkg"
    shutil.copy(created, pkg)
    return pkg


def _python_files():
    for top in ("layers", "offline", "console", "widgets", "tests", "tools", "bench"):
        yield from (REPO / top).rglob("*.py")


def test_hbim_records_are_opened_only_through_the_one_opener():
    """No second way to open records can come back: HbimStore( and the package half live in the opener only."""
    offenders = []
    for path in _python_files():
        rel = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if name == "HbimStore" and rel not in OPENERS:
                    offenders.append(f"{rel}:{node.lineno} constructs HbimStore")
            if isinstance(node, ast.ImportFrom) and node.module == "offline.field.package" \
                    and any(a.name == "open_package" for a in node.names) and rel != "offline/records.py":
                offenders.append(f"{rel}:{node.lineno} imports the package half (open_package)")
    assert offenders == []


def test_the_file_decides_whether_edits_are_journalled(package, tmp_path):
    """A package is journalled whatever it is named; a workstation store is not, even when named .gpkg."""
    disguised = tmp_path / "records.sqlite"
    shutil.copy(package, disguised)
    workstation = tmp_path / "looks-like-a-package.gpkg"
    for path, journalled in ((package, True), (disguised, True), (workstation, False)):
        store = open_records(path, profile=LI, seed=False)
        try:
            assert (store.journal is not None) is journalled, path
        finally:
            store.close()


def test_a_package_cannot_be_opened_as_a_workstation_store(package):
    """The bare path is closed at its depth: the workstation store's own check refuses a package, unchanged."""
    from offline.guard import StoreRefused, check_store
    from offline.hbim import APPLICATION_ID
    before = hashlib.sha256(package.read_bytes()).hexdigest()
    with pytest.raises(StoreRefused, match="not a HBIM record store"):
        check_store(package, APPLICATION_ID, "HBIM record store", {"hbim_*"})
    assert hashlib.sha256(package.read_bytes()).hexdigest() == before


def test_package_only_commands_refuse_anything_else_untouched(tmp_path):
    from offline.guard import StoreRefused
    plain = tmp_path / "records.sqlite"
    open_records(plain, seed=False).close()
    before = plain.read_bytes()
    with pytest.raises(StoreRefused, match="not a field package"):
        open_records(plain, profile=LI, package=True)
    assert plain.read_bytes() == before
    run = cli("package", "photo", tmp_path / "missing.gpkg", tmp_path / "x.jpg", "--component", "g", "--lang", "en")
    assert run.returncode == 3 and not (tmp_path / "missing.gpkg").exists(), run.stderr


def test_annotations_in_a_package_are_journalled_undoable_and_shown_again(package):
    from layers.annotations import Annotation, AnnotationCommand, AnnotationSet
    from layers.undo import UndoStack
    from offline.field.annotations import annotations, write_annotation
    from offline.field.package import outbox
    stack = UndoStack()
    store = open_records(package, stack, profile=LI)
    guid = store.records("components")[0].guid
    data = AnnotationSet()
    sink = lambda before, after: write_annotation(store, before, after)  # noqa: E731
    pin = Annotation("marker", [[1.0, 2.0, 3.0]], text="拱脚渗水", anchor=guid)
    stack.push(AnnotationCommand(data, "add", None, pin, sink=sink))
    moved = Annotation(**{**pin.to_dict(), "points": [[4.0, 5.0, 6.0]]})
    stack.push(AnnotationCommand(data, "move", pin, moved, sink=sink))
    stack.undo()  # a compensating edit with its own outbox row
    rows = outbox(store)
    assert [(r["op"], r["tbl"], r["key"]) for r in rows] == [("annotation", "annotations", pin.id)] * 3
    assert json.loads(rows[-1]["after"])["points"] == [[1.0, 2.0, 3.0]] and rows[0]["author"] == "Li Wei"
    store.close()
    again = open_records(package, profile=LI)
    assert annotations(again) == [pin.to_dict()]
    again.close()
    from console.field import package_annotations  # what field mode loads as the package's annotations layer
    assert package_annotations(package) == [pin.to_dict()]


def test_the_field_journey_headless_loses_no_edit(package, store_url_param, jpeg):  # noqa: F811
    """Record edits, a photo, an annotation on a component → close → `package sync` (CLI) → all at the centre."""
    from field_package import seed_rows
    from layers.annotations import Annotation
    from offline.field.annotations import write_annotation
    from offline.field.photos import add_photo
    from offline.hbim import Inspection
    from offline.store import open_store
    centre = open_store(store_url_param)  # the centre holds the records the office cut the package from
    for table, rows in seed_rows().items():
        centre.import_rows(table, rows)
    centre.close()
    store = open_records(package, profile=LI)
    comp = next(c for c in store.records("components") if c.classification)
    comp.material = "青石（现场复核）"
    store.put(comp)
    inspection = store.put(Inspection(comp.guid, "2026-12-07", surveyor="Li Wei", condition_grade=4))
    sha = add_photo(store, jpeg, comp.guid)
    note = Annotation("callout", [[0.0, 0.0, 5.0], [3.0, 3.0, 8.0]], text="东侧拱圈裂缝", anchor=comp.guid)
    write_annotation(store, None, note.to_dict())
    gone = Annotation("marker", [[9.0, 9.0, 0.0]], text="误放")
    write_annotation(store, None, gone.to_dict())
    write_annotation(store, gone.to_dict(), None)
    store.close()
    run = cli("package", "sync", package, "--store", store_url_param)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert (report["edits"], report["applied"], report["photos"], report["annotations"]) == (6, 6, 1, 3), report
    centre = open_store(store_url_param)
    try:
        assert centre.get("components", comp.guid)["material"] == "青石（现场复核）"
        assert centre.get("inspections", inspection)["condition_grade"] == "4"
        assert hashlib.sha256(centre.photo(sha)).hexdigest() == sha
        assert [(a["id"], a["guid"], a["body"], a["author"]) for a in centre.annotations()] == \
            [(note.id, comp.guid, note.to_dict(), "Li Wei")]
    finally:
        centre.close()
    again = cli("package", "sync", package, "--store", store_url_param)
    assert json.loads(again.stdout.strip().splitlines()[-1])["edits"] == 0  # nothing sent twice


def test_gdal_reading_the_package_in_this_process_loses_no_edit(package, tmp_path):
    """Field mode reads the package's map layers with GDAL (rasterio, pyogrio) in the window's process.

    GDAL has its own copy of SQLite, which does not see our locks: with the package in WAL mode it
    deleted the WAL, edits and all, when it closed the file (field edits then never reached sync).
    """
    import pyogrio
    import rasterio
    from offline.hbim import Inspection
    store = open_records(package, profile=LI)
    guid = store.records("components")[0].guid
    store.put(Inspection(guid, "2026-12-07", surveyor="Li Wei", condition_grade=3))
    with rasterio.open(f"GPKG:{package}:DEM") as dem:  # as the window's loaders do, while the store is open
        dem.read(1, window=((0, 1), (0, 1)))
    pyogrio.read_info(package, layer="sensor_snapshot")
    store.put(Inspection(guid, "2026-12-07", surveyor="Li Wei", condition_grade=4))
    assert {p.name for p in tmp_path.iterdir()} == {package.name}  # one file to carry, edits inside
    run = cli("package", "sync", package, "--store", tmp_path / "centre.sqlite")
    store.close()
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1])["edits"] == 2


def test_a_saved_field_project_shows_the_packages_annotations_not_its_own_copy(package):
    """A project saved in field mode keeps a copy of the annotations; reopened, the package (newer) wins."""
    from types import SimpleNamespace

    from console.panels.field_annotations import refresh_from_package
    from layers.annotations import PACKAGE_SOURCE, Annotation, source_layers
    from layers.spec import LayerSpec
    from offline.field.annotations import write_annotation
    saved = Annotation("text", [[0.0, 0.0, 0.0]], text="保存项目时")
    later = Annotation("marker", [[1.0, 1.0, 0.0]], text="之后新增")
    store = open_records(package, profile=LI)
    write_annotation(store, None, saved.to_dict())
    write_annotation(store, None, later.to_dict())
    store.close()
    (layer,) = source_layers(LayerSpec(source=PACKAGE_SOURCE, data=[saved.to_dict()]), None)
    from offline.workspace import Workspace
    window = SimpleNamespace(workspace=Workspace.open(package))  # the window's workspace, re-entered on the package
    refresh_from_package(window, layer)
    assert [a.text for a in layer.data] == ["保存项目时", "之后新增"]
