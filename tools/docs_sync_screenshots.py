"""Rebuild the README's picture of the conflict dialog after a sync (run under Xvfb):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/docs_sync_screenshots.py

A store seeded with the old-town records; a surveyor's package edits the Dacang Bridge's
records while the operations centre changes some of the same fields and deletes one damage
record; the window's HBIM › Sync field package… runs the sync and the conflict dialog opens.
Writes docs/conflicts.png (the dialog, in Chinese).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_common import ROOT, open_window, pump, quiet_environment  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
quiet_environment()


def scene(tmp: Path):
    from field_package import cut_from, seed_rows
    from offline.field.profile import FieldProfile
    from offline.records import open_records
    from offline.store import open_store
    store = open_store(tmp / "ops-store.sqlite")
    for table, rows in seed_rows().items():
        store.import_rows(table, rows)
    insp, dmg = store.records("inspections")[0], store.records("damage")
    store.put("inspections", {**insp, "notes": "栏板两块已复位，题刻清晰"}, "运营中心 王敏")
    package = cut_from(store, tmp / "old-town.gpkg")
    field = open_records(package, profile=FieldProfile("李伟", "老城遗产组", "laptop-07"))
    rec = field.get("inspections", insp["id"])
    rec.notes, rec.condition_grade = "东侧拱圈新增裂缝约 30 cm，需复核", 3
    field.put(rec)
    for d, (severity, extent) in zip(dmg[:3], ((4, "约 0.6 m²"), (3, "北侧三处"), (2, "局部"))):
        r = field.get("damage", d["id"])
        r.severity, r.extent = severity, extent
        field.put(r)
    field.close()
    store.put("inspections", {**insp, "notes": "已加固，待验收"}, "运营中心 王敏")
    store.put("damage", {**dmg[0], "severity": "5"}, "运营中心 王敏")
    store.put("damage", {**dmg[1], "extent": "北侧两处"}, "运营中心 赵强")
    store.delete("damage", dmg[2]["id"], "运营中心 赵强")
    store.close()
    return store.url, package


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="songjiang-docs-field-"))
    url, package = scene(tmp)
    os.environ["SONGJIANG_STORE"] = url
    app, win = open_window("zh")
    sync = win.panels.field.sync_dialog(str(package))
    sync.start()
    for _ in range(600):
        pump(app, 0.05)
        if win.panels.field.dialog is not sync:
            break
    dialog = win.panels.field.dialog
    dialog.resize(1180, 380)
    dialog.table.selectRow(0)
    pump(app, 0.5)
    dialog.grab().save(str(ROOT / "docs" / "conflicts.png"))
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
