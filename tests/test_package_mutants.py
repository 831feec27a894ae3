"""200 damaged field packages against the commands that write them: refused untouched, or synced around the damage.

A package from ``package create``, edited in the field (records and a photo, so its outbox
is not empty), is damaged 200 ways: bit flips in the content it delivers, truncation, a
dropped full-text shadow table, R*Tree damage (``rtreecheck`` says so), and outbox damage
(a byte of a row's text, its key, its hash blanked, its operation, the bytes of a photo).
Each mutant must either be refused by ``package sync`` AND ``package photo`` (exit 3, one
line naming the file, the file byte for byte as it was, no -wal/-journal beside it), or be
synced with exactly its damaged outbox rows quarantined, each named with the package on
stderr, and every other edit sent. When SQLite finds the file well formed and only outbox
rows are damaged, refusing the whole package is wrong too: the rest must sync. Which rows
are damaged is found independently of the product: the outbox as raw bytes compared with
the undamaged package, a photo's bytes with its SHA-256. Every mutation is checked to be
real damage before it is used (a bit flip must change what SQLite reads, R*Tree damage must
fail rtreecheck).

All 200 run as a slow test; a 40-mutant sample (every fifth, so every kind) runs by default.
The commands run in-process through the command line's own ``main`` (parsing, error
handling, exit status), and the first mutant of each kind through a real subprocess.
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import shapely

from layers.sqlite_uri import connect_ro
from tests.helpers import field_profile

SEED = 20
REPO = Path(__file__).resolve().parents[1]
AREA = shapely.box(121.2040, 31.0070, 121.2062, 31.0090)  # Dacang Bridge, Xu pawnshop: small, with HBIM
KINDS = [("bit flip", 40), ("truncated", 20), ("fts shadow dropped", 15), ("rtree damaged", 25), ("outbox", 100)]
PLAN = [kind for kind, n in KINDS for _ in range(n)]  # mutant k is of kind PLAN[k]
SAMPLE = list(range(0, len(PLAN), 5))
OUTBOX = ("uuid", "at", "author", "team", "device", "tbl", "key", "op", "before", "after", "base_version", "sha256")


def _ro(path: Path) -> sqlite3.Connection:
    # immutable: a read-only open of a WAL-mode file would leave -wal/-shm files beside it (nothing writes here)
    return connect_ro(path, immutable=True)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Base:
    package: Path
    data: bytes
    store: Path       # an operations-centre store holding the package's records as cut
    outbox: dict      # seq → raw row (bytes for text)
    pages: dict       # table → byte ranges [start, end) of its leaf cells and overflow pages
    tables: dict      # covered table → digest of its rows
    guid: str
    jpeg: Path


def _raw_outbox(path: Path) -> dict:
    con = _ro(path)
    con.text_factory = bytes
    try:
        return {r[0]: r[1:] for r in con.execute(f"SELECT seq, {', '.join(OUTBOX)} FROM field_outbox")}
    finally:
        con.close()


def _pages(path: Path) -> dict:
    """table → byte ranges of its cells (leaf pages from the cell area on, overflow pages), from dbstat."""
    con = _ro(path)
    try:
        rows = con.execute("SELECT name, pageno, pagetype, unused, pgsize FROM dbstat").fetchall()
    finally:
        con.close()
    data, out = path.read_bytes(), {}
    for name, pageno, pagetype, unused, size in rows:
        base = (pageno - 1) * size
        if pagetype == "leaf":
            header = base + (100 if pageno == 1 else 0)
            start = struct.unpack(">H", data[header + 5:header + 7])[0] or 65536
            out.setdefault(name, []).append((base + start, base + size))
        elif pagetype == "overflow":
            out.setdefault(name, []).append((base, base + size - unused))
    return out


def _digest(con, table: str) -> str:
    h = hashlib.sha256()
    for row in con.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid'):
        h.update(repr(row).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _covered(path: Path) -> dict:
    from offline.package.checksum import covered_tables
    con = _ro(path)
    try:
        return {t: _digest(con, t) for t in covered_tables(con)}
    finally:
        con.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    from PIL import Image
    from offline.records import open_records
    from offline.field.photos import add_photo
    from offline.field.profile import FieldProfile
    from offline.hbim import Inspection
    from offline.package import PackageRequest, create_package
    from offline.store import open_store
    tmp = tmp_path_factory.mktemp("mutants")
    package = create_package(PackageRequest(out=tmp / "good.gpkg", area=AREA, district="custom",
                                            hbim_store=tmp / "hbim.sqlite", history=tmp / "none.sqlite"))
    store = open_store(tmp / "ops.sqlite")
    con = _ro(package)
    con.row_factory = sqlite3.Row
    for table in ("components", "inspections", "damage", "interventions"):
        store.import_rows(table, [dict(r) for r in con.execute(f"SELECT * FROM hbim_{table}")])
    con.close()
    store.close()
    jpeg = tmp / "IMG_0001.jpg"
    Image.new("RGB", (64, 48), (120, 90, 60)).save(jpeg)
    field = open_records(package, profile=FieldProfile("Li Wei", "old-town team", "laptop-1"))
    comps = field.records("components")
    for i, comp in enumerate(comps[:5]):
        comp.phase = f"field phase {i}"
        field.put(comp)
    for i, rec in enumerate(field.records("inspections")[:2]):
        rec.notes = f"checked in the field, round {i}"
        field.put(rec)
    field.put(Inspection(comps[0].guid, "2026-11-29", surveyor="Li Wei", condition_grade=4, notes="new crack"))
    field.delete("interventions", field.records("interventions")[0].id)
    damage = field.records("damage")[0]
    add_photo(field, jpeg, damage.guid, damage.id)  # the photo, and the damage record's photo list
    field.close()
    return Base(package, package.read_bytes(), tmp / "ops.sqlite", _raw_outbox(package), _pages(package),
                _covered(package), comps[0].guid, jpeg)


# -- the mutations: each returns a description and leaves real damage at ``path`` -------------------------

def _flip(data: bytes, ranges: list, rng: random.Random) -> tuple[bytearray, int]:
    start, end = rng.choices(ranges, [e - s for s, e in ranges])[0]
    at = rng.randrange(start, end)
    b = bytearray(data)
    b[at] ^= 1 << rng.randrange(8)
    return b, at


def _bit_flip(base: Base, path: Path, rng: random.Random) -> str:
    tables = sorted(base.tables)
    ranges = [r for t in tables for r in base.pages.get(t, [])]
    while True:
        b, at = _flip(base.data, ranges, rng)
        path.write_bytes(bytes(b))
        table = next(t for t in tables for s, e in base.pages.get(t, []) if s <= at < e)
        try:
            con = _ro(path)
            try:
                if _digest(con, table) != base.tables[table]:
                    return f"bit flip at {at} in {table}"
            finally:
                con.close()
        except sqlite3.DatabaseError:
            return f"bit flip at {at} in {table} (SQLite sees it)"


def _truncated(base: Base, path: Path, rng: random.Random) -> str:
    cut = rng.randrange(100, len(base.data) - 1)
    path.write_bytes(base.data[:cut])
    return f"truncated to {cut} bytes"


def _sql(path: Path, *statements):
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for sql, *params in statements:
            con.execute(sql, *params)
    finally:
        con.close()


def _fts_dropped(base: Base, path: Path, rng: random.Random) -> str:
    path.write_bytes(base.data)
    name = f"hbim_{rng.choice(['components', 'inspections', 'damage', 'interventions'])}_fts_" \
           f"{rng.choice(['data', 'idx', 'docsize', 'config'])}"
    _sql(path, (f'DROP TABLE "{name}"',))
    return f"{name} dropped"


def _rtree_damaged(base: Base, path: Path, rng: random.Random) -> str:
    con = _ro(Path(base.package))
    rtrees = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree_%' AND sql LIKE "
                                        "'CREATE VIRTUAL TABLE%'")]
    con.close()
    while True:
        path.write_bytes(base.data)
        rtree = rng.choice(rtrees)
        how = rng.choice(["node byte", "rowid row", "parent row", "node byte"])
        con = sqlite3.connect(path, isolation_level=None)
        try:
            if how == "node byte":
                nodeno, blob = rng.choice(con.execute(f'SELECT nodeno, data FROM "{rtree}_node"').fetchall())
                b = bytearray(blob)
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
                con.execute(f'UPDATE "{rtree}_node" SET data = ? WHERE nodeno = ?', (bytes(b), nodeno))
            else:
                table = f"{rtree}_{how.split()[0]}"
                ids = [r[0] for r in con.execute(f'SELECT rowid FROM "{table}"')]
                if not ids:
                    continue
                con.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rng.choice(ids),))
            if con.execute("SELECT rtreecheck(?)", (rtree,)).fetchone()[0] != "ok":
                return f"{rtree}: {how}"
        finally:
            con.close()


def _outbox(base: Base, path: Path, rng: random.Random) -> str:
    seqs = sorted(base.outbox)
    while True:
        path.write_bytes(base.data)
        seq = rng.choice(seqs)
        how = rng.choice(["after byte", "after byte", "before byte", "text byte", "text byte", "key", "sha blanked",
                          "sha column blanked", "op", "tbl", "after cut", "photo byte"])
        row = dict(zip(OUTBOX, base.outbox[seq]))
        if how.endswith(" byte") and how != "photo byte":
            column = how.split()[0] if how != "text byte" else rng.choice(["uuid", "at", "author", "device", "key",
                                                                           "op", "sha256"])
            value = row[column]
            if not value:
                continue
            ranges = base.pages["field_outbox"]
            spots = [i for s, e in ranges for i in _find_all(base.data, value, s, e)]
            if not spots:
                continue
            b = bytearray(base.data)
            at = rng.choice(spots) + rng.randrange(len(value))
            b[at] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(b))
            what = f"row {seq}: a bit of its {column}"
        elif how == "photo byte":
            ranges = base.pages["field_photos"]
            b, at = _flip(base.data, ranges, rng)
            path.write_bytes(bytes(b))
            what = f"a bit of field_photos at {at}"
        elif how == "key":
            others = [r[0] for r in _sql_rows(path, "SELECT key FROM field_outbox WHERE tbl = ? AND key != ?",
                                               (row["tbl"].decode(), row["key"].decode()))]
            if not others:
                continue
            _sql(path, ("UPDATE field_outbox SET key = ? WHERE seq = ?", (rng.choice(others), seq)))
            what = f"row {seq}: key changed"
        elif how == "sha blanked":
            _sql(path, ("UPDATE field_outbox SET sha256 = ? WHERE seq = ?", (rng.choice([None, ""]), seq)))
            what = f"row {seq}: sha256 blanked"
        elif how == "sha column blanked":
            _sql(path, ("UPDATE field_outbox SET sha256 = NULL",))
            what = "every row's sha256 blanked"
        elif how in ("op", "tbl"):
            value = rng.choice({"op": ["put", "delete", "photo", "pux", "PUT"],
                                "tbl": ["components", "inspections", "photos", "damage", "users"]}[how])
            _sql(path, (f"UPDATE field_outbox SET {how} = ? WHERE seq = ?", (value, seq)))
            what = f"row {seq}: {how} set to {value!r}"
        else:
            _sql(path, ("UPDATE field_outbox SET after = substr(after, 1, ?) WHERE seq = ? AND after IS NOT NULL",
                        (rng.randrange(1, 40), seq)))
            what = f"row {seq}: after cut short"
        if _damaged_rows(base, path) or _unreadable(path):
            return what


def _find_all(data: bytes, needle: bytes, start: int, end: int):
    at = data.find(needle, start, end)
    while at >= 0:
        yield at
        at = data.find(needle, at + 1, end)


def _sql_rows(path: Path, sql: str, params=()):
    con = _ro(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _unreadable(path: Path) -> bool:
    try:
        _raw_outbox(path)
        return False
    except sqlite3.DatabaseError:
        return True


def _sound(path: Path) -> bool:
    """SQLite's own view: the file is well formed (damage is in values only)."""
    try:
        con = _ro(path)
        try:
            return con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False


def _damaged_rows(base: Base, path: Path) -> dict:
    """seq → the damaged row's UUID as sync can name it: outbox rows whose bytes changed, photos whose bytes did."""
    try:
        rows = _raw_outbox(path)
        con = _ro(path)
        try:
            photos = dict(con.execute("SELECT sha256, data FROM field_photos").fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return {}
    out = {}
    for seq, row in rows.items():
        r = dict(zip(OUTBOX, row))
        photo_bad = r["op"] == b"photo" and isinstance(r["key"], bytes) and (
            hashlib.sha256(photos.get(r["key"].decode("utf-8", "replace"), b"") or b"").hexdigest()
            != r["key"].decode("utf-8", "replace"))
        if row != base.outbox.get(seq) or photo_bad:
            uuid = r["uuid"]
            out[seq] = uuid.decode("utf-8", "replace").replace("\x00", "\ufffd") if isinstance(uuid, bytes) \
                else str(uuid or "")
    return out


MAKERS = {"bit flip": _bit_flip, "truncated": _truncated, "fts shadow dropped": _fts_dropped,
          "rtree damaged": _rtree_damaged, "outbox": _outbox}


# -- running the commands -------------------------------------------------------------------------------

def _run(args: list[str], subprocess_: bool, capsys) -> tuple[int, str, str]:
    if subprocess_:
        out = subprocess.run([sys.executable, "-m", "console", *args], cwd=REPO, capture_output=True, text=True,
                             timeout=180)
        return out.returncode, out.stdout, out.stderr
    from console.cli import main
    capsys.readouterr()
    rc = main(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def _refused(rc: int, err: str, path: Path, before: str, what: str) -> str | None:
    if rc != 3 or err.count("\n") != 1 or str(path) not in err:
        return f"{what}: exit {rc}, {err.strip()[:200]!r}"
    if _sha(path) != before:
        return f"{what}: refused, but the file changed"
    left = [s for s in ("-wal", "-journal") if Path(f"{path}{s}").exists()]
    return f"{what}: refused, but {left} left beside it" if left else None


def _check(base: Base, k: int, tmp: Path, subprocess_: bool, capsys) -> str | None:
    """None when mutant ``k`` is handled as it must be, else what went wrong."""
    kind = PLAN[k]
    folder = tmp / f"m{k:03d}"
    folder.mkdir()
    path = folder / "field.gpkg"
    what = f"#{k} {kind}: " + MAKERS[kind](base, path, random.Random(f"{SEED}/{k}"))
    assert path.read_bytes() != base.data, what
    damaged = _damaged_rows(base, path)
    store = shutil.copy(base.store, folder / "ops.sqlite")
    before = _sha(path)
    rc, out, err = _run(["package", "sync", str(path), "--store", str(store), "--lang", "en"], subprocess_, capsys)
    if rc == 0:
        report = json.loads(out)
        named = [line for line in err.splitlines() if " quarantined (" in line]
        report = {k: v for k, v in report.items() if k not in ("package", "store")}
        if not damaged:
            return f"{what}: synced in full, nothing quarantined ({report})"
        if report["quarantined"] != len(damaged) or report["edits"] != len(base.outbox) or len(named) != len(damaged):
            return f"{what}: rows {sorted(damaged)} damaged, report {report}, stderr {err!r}"
        missing = [u for u in damaged.values() if not any(f"{path}: edit {u or '(no UUID)'} quarantined (" in line
                                                           for line in named)]
        return f"{what}: damaged edits {missing} not named on stderr: {err!r}" if missing else None
    if kind == "outbox" and damaged and _sound(path):
        return f"{what}: refused ({err.strip()[:200]!r}), but only outbox rows are damaged: quarantine them"
    problem = _refused(rc, err, path, before, f"{what}: package sync")
    if problem:
        return problem
    rc, out, err = _run(["package", "photo", str(path), str(base.jpeg), "--component", base.guid, "--lang", "en"],
                        subprocess_, capsys)
    return _refused(rc, err, path, before, f"{what}: package photo")


def _run_all(base: Base, tmp: Path, indices: list[int], capsys):
    firsts = {PLAN.index(kind) for kind, _ in KINDS}  # through a real subprocess
    failures = []
    for k in indices:
        problem = _check(base, k, tmp, k in firsts, capsys)
        if problem:
            failures.append(problem)
        shutil.rmtree(tmp / f"m{k:03d}", ignore_errors=True)
    by_kind = {kind: sum(1 for f in failures if f.split(": ")[0].split(" ", 1)[1] == kind) for kind, _ in KINDS}
    assert not failures, f"{len(failures)} of {len(indices)} mutants mishandled ({by_kind}):\n" + "\n".join(failures)


@pytest.fixture
def field_config(monkeypatch, tmp_path):
    field_profile(monkeypatch, tmp_path, "Li Wei")  # `package photo` signs with it


def test_forty_damaged_packages_are_refused_untouched_or_synced_around_the_damage(base, tmp_path, capsys,
                                                                                   field_config):
    _run_all(base, tmp_path, SAMPLE, capsys)


@pytest.mark.slow
def test_two_hundred_damaged_packages_are_refused_untouched_or_synced_around_the_damage(base, tmp_path, capsys,
                                                                                        field_config):
    _run_all(base, tmp_path, list(range(len(PLAN))), capsys)
