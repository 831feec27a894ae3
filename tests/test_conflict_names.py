"""A conflict is shown in a reviewer's words, in the dialog and by `package conflicts` (issue 26).

The conflict dialog showed "病害 55b2bbef / 整条记录" and a photo list as a JSON list of SHA-256s,
and `package conflicts` printed raw JSON: a reviewer could not tell which damage record of which
monument was meant, which fields disagreed or which photos were involved. Both now describe a
conflict through offline/store/describe.py: the record by its kind, its term and its component's
name in the interface language (拱圈 3 · 大仓桥), the fields by their labels, the base, field and
centre values, the photos by file name — and the dialog shows the photos' thumbnails.
A real package (`package create`) is edited in the field while the centre changes one damage
record and deletes another; the real sync queues both conflicts.
"""
from __future__ import annotations

import re
import shutil

import pytest

from stores import store_url
from tests.helpers import console_cli, old_town_package_fixture

created = old_town_package_fixture()
HASH = re.compile(r"[0-9a-f]{64}")


def _component_name(guid: str, model: str) -> str:
    """The element's name as the embedded model file writes it, read here independently of the console."""
    import ifcopenshell
    from layers.bim.heritage import models_dir
    return ifcopenshell.open(str(models_dir() / f"{model}.ifc")).by_guid(guid).Name


@pytest.fixture
def conflicted(created, tmp_path, jpeg):
    """(centre store URL, the damage record both changed, the centre's severity, the one the centre deleted)."""
    from offline.field.profile import FieldProfile
    from offline.field.photos import add_photo
    from offline.records import open_records
    from offline.store import open_store
    from offline.store.sync import sync
    pkg = tmp_path / "old-town.gpkg"
    shutil.copyfile(created, pkg)
    url = store_url("sqlite", tmp_path)
    store = open_store(url)  # a new centre store: it starts with the records the package was cut from
    field = open_records(pkg, profile=FieldProfile("李伟", "老城遗产组", "laptop-1"))
    try:
        changed, deleted = field.records("damage")[:2]
        changed.severity = 2 if changed.severity != 2 else 3
        field.put(changed)
        add_photo(field, jpeg, deleted.guid, deleted.id)
    finally:
        field.close()
    centre_severity = 5 if changed.severity != 5 else 4
    store.put("damage", {**store.get("damage", changed.id), "severity": str(centre_severity)}, "运营中心 王")
    store.delete("damage", deleted.id, "运营中心 王")
    report = sync(pkg, store).to_dict()
    assert (report["conflict"], report["photos"]) == (2, 1), report
    store.close()
    return url, changed, centre_severity, deleted


def test_package_conflicts_names_records_fields_values_and_photos(conflicted):
    from layers.bim.glossary import term
    from layers.bim.heritage import MODELS
    url, changed, centre_severity, deleted = conflicted
    run = console_cli("package", "conflicts", "--store", url, "--lang", "zh")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    from offline.store import open_store
    store = open_store(url)
    try:
        model = store.get("components", changed.guid)["model"]
        other_model = store.get("components", deleted.guid)["model"]
    finally:
        store.close()
    name = term(_component_name(changed.guid, model), "zh")
    assert f"病害「{term(changed.type, 'zh')}」 · {name} · {MODELS[model][0]} — 严重程度" in out, out
    assert f"现场值: {changed.severity}" in out and f"中心值: {centre_severity}" in out, out
    other = term(_component_name(deleted.guid, other_model), "zh")
    assert f"病害「{term(deleted.type, 'zh')}」 · {other} · {MODELS[other_model][0]} — 整条记录：照片" in out, out
    photos = "、".join([*deleted.photos, "IMG_0001.jpg"])  # the photo joins those the record had
    assert f"现场值: 照片 {photos}\n" in out and "中心值: （记录已删除）" in out, out
    assert not HASH.search(out) and changed.id[:8] not in out and deleted.id[:8] not in out, out
    raw = console_cli("package", "conflicts", "--store", url, "--json")  # for scripts: raw values kept
    assert raw.returncode == 0 and len(raw.stdout.splitlines()) == 2, raw.stderr


def test_the_conflict_dialog_shows_names_values_and_photo_thumbnails(conflicted, qtbot):
    from layers import i18n
    from layers.bim.glossary import term
    from offline.store import open_store
    from widgets.field.conflicts import COLUMNS, ConflictDialog
    from widgets.field.thumbnails import PhotoStrip
    url, changed, centre_severity, deleted = conflicted
    i18n.set_language("zh")
    store = open_store(url)
    try:
        dlg = ConflictDialog(store, follow=False)
        qtbot.addWidget(dlg)
        dlg.show()
        table = dlg.table
        rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
        assert len(rows) == 2, rows
        (sev,) = [r for t, r in rows.items() if t.startswith(f"病害「{term(changed.type, 'zh')}」")]
        cell = {c: table.item(sev, i).text() for i, c in enumerate(COLUMNS)}
        assert (cell["field"], cell["field_value"], cell["store_value"]) == \
            ("严重程度", str(changed.severity), str(centre_severity)), cell
        (gone,) = [r for r in rows.values() if r != sev]
        cell = {c: table.item(gone, i).text() for i, c in enumerate(COLUMNS)}
        assert (cell["field"], cell["field_value"], cell["store_value"]) == \
            ("整条记录：照片", f"照片 {'、'.join([*deleted.photos, 'IMG_0001.jpg'])}", "（记录已删除）"), cell
        strip = table.cellWidget(gone, COLUMNS.index("field_value"))
        assert isinstance(strip, PhotoStrip) and len(strip.thumbs) == 1 and strip.isVisible()
        assert not strip.thumbs[0].pixmap().isNull() and strip.thumbs[0].pixmap().height() <= 48
        assert not any(HASH.search(table.item(r, c).text()) for r in range(2) for c in range(len(COLUMNS)))
        dlg.close()
    finally:
        store.close()
