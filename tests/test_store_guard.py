"""Stores refuse damaged and foreign files with one line, and leave them byte for byte as they were."""
from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pytest

from offline.guard import StoreRefused
from offline.hbim import Component, Inspection
from offline.history import HistoryError, HistoryStore
from offline.records import open_records

PAGE = 4096


def _hbim(path):
    store = open_records(path, seed=False)
    for i in range(300):  # enough rows for several pages per table
        store.put(Component(guid=f"G{i:04d}", classification="arch ring", material="granite " * 20))
        store.put(Inspection(guid=f"G{i:04d}", date="2026-11-29", condition_grade=1 + i % 5, notes="n" * 200))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


def _history(path):
    with HistoryStore(path) as store:
        n = 20_000
        store.append(np.arange(n) % 500, 1_764_400_000 + np.arange(n, dtype=float), np.random.default_rng(1).random(n))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _damaged(good, out_dir, count=10):
    """Truncations and wrecked b-tree pages: what a dead battery or a bad card does."""
    data = good.read_bytes()
    pages = len(data) // PAGE
    assert pages > 8
    variants = []
    for k in range(count):
        b = bytearray(data)
        if k % 2 == 0:
            b = b[: PAGE * (2 + k * (pages - 3) // count) + 100]
        else:
            page = 1 + (k * 7) % (pages - 1)
            b[page * PAGE: page * PAGE + 64] = b"\xff" * 64  # a b-tree page header of garbage
        path = out_dir / f"damaged{k}.sqlite"
        path.write_bytes(bytes(b))
        variants.append(path)
    return variants


def _foreign(tmp_path, shared_gpkg):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers VALUES (1, 'x')")
    con.commit()
    con.close()
    gpkg = tmp_path / "field.gpkg"
    shutil.copy2(shared_gpkg, gpkg)
    return [other, gpkg]


@pytest.fixture
def gpkg(shared_data):
    return shared_data / "gpkg" / "ngageoint_gdal_sample.gpkg"


def _hbim_store(path):
    return open_records(path, seed=False)


def test_damaged_and_foreign_files_are_refused_unchanged(tmp_path, gpkg):
    hbim = _hbim(tmp_path / "hbim.sqlite")
    history = _history(tmp_path / "history.sqlite")
    (tmp_path / "h").mkdir()
    (tmp_path / "s").mkdir()
    cases = [(_hbim_store, StoreRefused, p) for p in _damaged(hbim, tmp_path / "h", 10)]
    cases += [(HistoryStore, HistoryError, p) for p in _damaged(history, tmp_path / "s", 10)]
    foreign = _foreign(tmp_path, gpkg)
    cases += [(_hbim_store, StoreRefused, p) for p in foreign] + [(HistoryStore, HistoryError, p) for p in foreign]
    cases += [(_hbim_store, StoreRefused, history), (HistoryStore, HistoryError, hbim)]  # each other's file
    assert sum(1 for _, _, p in cases if "damaged" in p.name) == 20 and len(foreign) + 1 >= 3
    for store_cls, error, path in cases:
        before = path.read_bytes()
        with pytest.raises(error) as info:
            store_cls(path)
        message = str(info.value)
        assert str(path) in message and "\n" not in message, message
        assert path.read_bytes() == before, f"{path.name} was changed by being refused"


def test_our_own_files_still_open_and_old_ones_are_adopted(tmp_path):
    hbim = _hbim(tmp_path / "hbim.sqlite")
    store = open_records(hbim, seed=False)
    assert len(store.records("components")) == 300
    store.close()
    legacy = tmp_path / "legacy.sqlite"  # a store from before application ids
    con = sqlite3.connect(legacy)
    con.execute("CREATE TABLE obs (sensor INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, "
                "PRIMARY KEY (sensor, time)) WITHOUT ROWID")
    con.commit()
    con.close()
    with HistoryStore(legacy) as h:
        assert h.count() == 0
    assert sqlite3.connect(legacy).execute("PRAGMA application_id").fetchone()[0] != 0
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    open_records(empty, seed=False).close()  # an empty file becomes a new store


def _with_bad_text(path, table, column):
    """One cell's text made of bytes that are not UTF-8 (a bad card or another tool), journal mode DELETE."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute(f"UPDATE {table} SET {column} = CAST(x'4772616e69746520ff20e5bc' AS TEXT) "
                f"WHERE rowid = (SELECT min(rowid) FROM {table})")
    con.close()
    return path


def test_a_store_with_text_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path):
    # it used to open (switching the file to WAL) and fail later in records() without the file's name
    from field_package import make_package
    from layers.messages import localize
    hbim = _with_bad_text(_hbim(tmp_path / "hbim.sqlite"), "hbim_components", "material")
    package = make_package(tmp_path / "field.gpkg", {"components": [
        {"guid": "G0001", "classification": "arch ring", "material": "granite"}]})
    _with_bad_text(package, "hbim_components", "material")
    for path in (hbim, package):
        before = path.read_bytes()
        with pytest.raises(StoreRefused) as info:
            open_records(path, seed=False)
        message = str(info.value)
        assert str(path) in message and "hbim_components.material" in message and "UTF-8" in message, message
        assert "\n" not in message
        assert "hbim_components.material 中有不是 UTF-8 的文本" in localize(message, "zh")
        assert path.read_bytes() == before, f"{path.name} was changed by being refused"
        assert not path.with_name(path.name + "-wal").exists()
