"""100 damaged field packages, made deterministically: every one refused at open, none touched.

Bit flips land in the bytes that hold the package's delivered content (the cells of
its tables' leaf pages and their overflow pages, found through SQLite's dbstat), and
each must change what SQLite reads back (its own ``iterdump``, independent of the
package's checksum): a flip in free space, or in the unused NULL that stands for an
INTEGER PRIMARY KEY in a record, changes no content, so no reader could or should refuse it.
"""
from __future__ import annotations

import hashlib
import random
import sqlite3
import struct
from pathlib import Path

import pytest
import shapely

from layers.sqlite_uri import connect_ro
from offline.guard import StoreRefused
from offline.package import PackageRequest, create_package, open_package
from offline.package.checksum import covered_tables

SEED = 12
AREA = shapely.box(121.200, 31.003, 121.222, 31.011)  # Cangcheng: the five HBIM buildings, few terminals


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("mut")
    req = PackageRequest(out=tmp / "good.gpkg", area=AREA, district="custom", hbim_store=tmp / "hbim.sqlite",
                         history=tmp / "none.sqlite")
    return create_package(req)


def _content_ranges(path: Path) -> list[tuple[int, int]]:
    """Byte ranges [start, end) of the file holding cells of covered tables (leaf and overflow pages)."""
    con = connect_ro(path)
    try:
        covered = set(covered_tables(con)) | {"gpkg_contents", "gpkg_geometry_columns", "gpkg_tile_matrix"}
        rows = con.execute("SELECT name, pageno, pagetype, unused, pgsize FROM dbstat").fetchall()
    finally:
        con.close()
    data = path.read_bytes()
    ranges = []
    for name, pageno, pagetype, unused, size in rows:
        base = (pageno - 1) * size
        if name not in covered:
            continue
        if pagetype == "leaf":
            header = base + (100 if pageno == 1 else 0)
            start = struct.unpack(">H", data[header + 5:header + 7])[0] or 65536
            ranges.append((base + start, base + size))
        elif pagetype == "overflow":
            ranges.append((base, base + size - unused))
    return [r for r in ranges if r[1] > r[0]]


def _drop_row(path: Path, rng: random.Random, tables: list[str]):
    con = sqlite3.connect(path)
    try:
        table = rng.choice([t for t in tables if con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]])
        ids = [r[0] for r in con.execute(f'SELECT rowid FROM "{table}"')]
        con.execute(f'DELETE FROM "{table}" WHERE rowid=?', (rng.choice(ids),))
        con.commit()
    finally:
        con.close()


def _dump(path: Path):
    con = connect_ro(path)
    try:
        return list(con.iterdump())
    except sqlite3.DatabaseError:
        return None  # damage SQLite itself sees
    finally:
        con.close()


def _mutants(good: Path, out: Path) -> list[tuple[str, Path]]:
    rng = random.Random(SEED)
    data = good.read_bytes()
    ranges = _content_ranges(good)
    weights = [e - s for s, e in ranges]
    original = _dump(good)
    made = []
    for k in range(100):
        path = out / f"m{k:03d}.gpkg"
        b = bytearray(data)
        if k < 50:
            while True:
                b = bytearray(data)
                start, end = rng.choices(ranges, weights)[0]
                at = rng.randrange(start, end)
                b[at] ^= 1 << rng.randrange(8)
                path.write_bytes(bytes(b))
                if _dump(path) != original:  # the flip changed what is stored
                    break
            kind = f"bit flip at {at}"
        elif k < 65:
            cut = rng.randrange(100, len(data) - 1)
            b = b[:cut]
            kind = f"truncated to {cut}"
        elif k < 75:
            b[68:72] = rng.choice([b"GP10", b"SJHB", b"\x00\x00\x00\x00", rng.randbytes(4)])
            kind = "wrong application_id"
        path.write_bytes(bytes(b))
        if k >= 75:
            feature = ["sensor_snapshot", "heritage_sites", "districts"]
            _drop_row(path, rng, feature if k < 90 else ["package_files"])
            kind = "dropped row" + (" of package_files" if k >= 90 else " of a feature table")
        assert path.read_bytes() != data, kind  # a real mutation
        made.append((kind, path))
    return made


def test_hundred_damaged_packages_refused_and_left_byte_identical(package, tmp_path):
    assert open_package(package)["district"] == "custom"
    mutants = _mutants(package, tmp_path)
    missed = []
    for kind, path in mutants:
        before = _sha(path)
        try:
            open_package(path)
            missed.append(kind)
        except StoreRefused as exc:
            text = str(exc)
            assert text.startswith(f"{path}: field package refused by the ") and "\n" not in text, text
        assert _sha(path) == before, f"{kind}: the file changed"
        assert not Path(f"{path}-journal").exists()
    assert not missed, f"accepted: {missed}"
