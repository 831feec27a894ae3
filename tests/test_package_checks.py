"""What `package verify` holds a package to, and that every command that writes one holds it to the same.

Issue 20, items 3, 6 and 7. On today's main: a name holding ``#`` or ``%`` is opened as another file
(and an empty one is created beside it); a dropped full-text shadow table (every later edit of that
record kind fails), a full-text index out of step with its records and a corrupt R*Tree node (GDAL
and QGIS spatial filters miss features) all pass `verify`; and `package sync`/`package photo` write a
package `verify` refuses. Here each damage is made on a package that already holds field edits, and
verify, the writable opener (photos, field mode's records) and sync must all refuse it, leaving the
file byte-identical and the centre's store without a single edit from it.
"""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from offline.records import open_records
from offline.field.profile import FieldProfile
from offline.guard import StoreRefused
from offline.package import PackageRequest, create_package, verify
from tests.helpers import REPO

AREA = shapely.box(121.200, 31.003, 121.222, 31.011)  # Cangcheng: the five HBIM buildings, few terminals
LI = FieldProfile("Li Wei", "old-town team", "laptop-1")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A package as `package create` writes it (rollback journal: a read-only open leaves no -wal/-shm)."""
    tmp = tmp_path_factory.mktemp("checks")
    return create_package(PackageRequest(out=tmp / "fresh.gpkg", area=AREA, district="custom",
                                         hbim_store=tmp / "hbim.sqlite", history=tmp / "none.sqlite"))


@pytest.fixture(scope="module")
def edited(fresh) -> Path:
    """A package with two field edits waiting to be synced."""
    out = fresh.with_name("edited.gpkg")
    shutil.copy(fresh, out)
    store = open_records(out, profile=LI)
    for inspection in store.records("inspections")[:2]:
        inspection.notes = "东侧拱圈新增裂缝"
        store.put(inspection)
    store.close()
    assert verify(out) == []
    return out


def _drop_fts_shadow(con):
    con.execute("DROP TABLE hbim_inspections_fts_idx")


def _stale_fts(con):
    """A tool that edits the records without the full-text triggers leaves the index out of step."""
    con.execute("DROP TRIGGER hbim_inspections_au")
    con.execute("UPDATE hbim_inspections SET notes = notes || ' 已复核'")


def _corrupt_rtree(con):
    """The root's first child box moved to (0, 0): the features under it are no longer found by a box query."""
    import struct
    node = bytearray(con.execute("SELECT data FROM rtree_sensor_snapshot_geom_node WHERE nodeno=1").fetchone()[0])
    assert struct.unpack(">H", node[:2])[0] > 0, "the root must be an inner node"
    node[12:28] = struct.pack(">4f", 0, 0, 0, 0)  # header 4 bytes, child id 8, then minx maxx miny maxy
    con.execute("UPDATE rtree_sensor_snapshot_geom_node SET data=? WHERE nodeno=1", (bytes(node),))


def _dropped_feature(con):
    con.execute("DELETE FROM heritage_sites WHERE fid = (SELECT min(fid) FROM heritage_sites)")


DAMAGE = {"fts shadow table dropped": (_drop_fts_shadow, "fts"), "fts index stale": (_stale_fts, "fts"),
          "rtree node corrupt": (_corrupt_rtree, "rtreecheck"), "feature dropped": (_dropped_feature, "")}


def damaged(edited: Path, tmp_path: Path, kind: str) -> Path:
    """The edited package damaged in place, after it passed once (an hour ago, as far as its times say)."""
    import os
    import time
    from offline.package import open_package
    out = tmp_path / f"{kind.replace(' ', '-')}.gpkg"
    shutil.copy(edited, out)
    os.utime(out, (time.time() - 3600, time.time() - 3600))
    assert open_package(out)["district"] == "custom"  # what passed then must not pass for the damaged file
    con = sqlite3.connect(out)
    DAMAGE[kind][0](con)
    con.commit()
    con.close()
    return out


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_verify_refuses_index_damage_and_every_writer_leaves_the_package_alone(edited, tmp_path, kind, jpeg):
    from offline.store import open_store
    from offline.store.sync import sync
    pkg = damaged(edited, tmp_path, kind)
    before = _sha(pkg)
    problems = verify(pkg)
    assert problems and problems[0].startswith(DAMAGE[kind][1]), problems
    store = open_store(tmp_path / "ops.sqlite")
    try:
        version = store.version()
        with pytest.raises(StoreRefused, match=f"^{pkg}: field package refused by the "):
            sync(pkg, store)
        assert store.version() == version  # not one edit of the package reached the centre
    finally:
        store.close()
    with pytest.raises(StoreRefused, match=f"^{pkg}: field package refused by the "):
        open_records(pkg, profile=LI)  # package photo and field mode's records open it so
    photo = subprocess.run([sys.executable, "-m", "console", "package", "photo", str(pkg), str(jpeg),
                            "--component", "x", "--lang", "en"], cwd=REPO, capture_output=True, text=True,
                           timeout=120)
    assert photo.returncode == 3 and photo.stderr.count("\n") == 1 and str(pkg) in photo.stderr, photo.stderr
    assert _sha(pkg) == before, f"{kind}: the package changed"


def test_sync_checks_the_package_before_it_opens_the_store(edited, tmp_path):
    pkg = damaged(edited, tmp_path, "fts shadow table dropped")
    before = _sha(pkg)
    store = tmp_path / "ops.sqlite"

    def sync(path):
        return subprocess.run([sys.executable, "-m", "console", "package", "sync", str(path), "--store", str(store),
                               "--lang", "en"], cwd=REPO, capture_output=True, text=True, timeout=120)
    run = sync(pkg)
    assert run.returncode == 3 and run.stderr.count("\n") == 1, run.stdout + run.stderr
    assert f"{pkg}: field package refused by the fts check" in run.stderr
    assert _sha(pkg) == before and not store.exists()
    sound = tmp_path / "sound.gpkg"
    shutil.copy(edited, sound)
    run = sync(sound)  # the same edits, undamaged: all of them arrive
    assert run.returncode == 0 and '"edits": 2' in run.stdout, run.stdout + run.stderr


def test_a_name_with_hash_question_mark_or_percent_opens_as_itself(fresh, tmp_path):
    """`file:{path}?mode=ro` cut `老城 #2 %41.gpkg` at the `#`: a sound package refused, a stray `老城 ` made."""
    folder = tmp_path / "外业"
    folder.mkdir()
    pkg = folder / "老城 #2 %41.gpkg"
    shutil.copy(fresh, pkg)
    before = _sha(pkg)
    run = subprocess.run([sys.executable, "-m", "console", "package", "verify", str(pkg)], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.startswith(f"{pkg}: ok"), run.stdout + run.stderr
    assert sorted(p.name for p in folder.iterdir()) == [pkg.name] and _sha(pkg) == before
    odd = folder / "what?.gpkg"
    shutil.copy(fresh, odd)
    assert verify(odd) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted([pkg.name, odd.name])


def test_every_read_only_open_builds_its_uri_safely():
    """The one helper (layers/sqlite_uri.py) is used everywhere a file is opened read-only."""
    import re
    by_hand = re.compile(r"""f["']file:\{|\?mode=ro["'&]""")
    offenders = [str(path.relative_to(REPO)) for folder in ("console", "layers", "offline", "widgets", "tests",
                                                            "bench", "tools")
                 for path in (REPO / folder).rglob("*.py")
                 if path.name != "sqlite_uri.py" and by_hand.search(path.read_text(encoding="utf-8"))]
    assert offenders == [], offenders
