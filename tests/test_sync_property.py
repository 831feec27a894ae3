"""Property (hypothesis): 2-4 devices edit offline copies and sync in any order.

Every field an edit changed is applied, already equal, or in the conflict queue with the
surveyor's value; edits only one device made are applied; identical concurrent edits give
no conflict; the store never holds a value nobody wrote. On SQLite and PostgreSQL.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from field_package import cut_from
from offline.field.package import outbox
from offline.field.profile import FieldProfile
from offline.records import open_records
from offline.store import open_store
from offline.store.sync import sync
from stores import store_url

GUIDS = ("2O2Fr$t4X7Zf8NOew3FLOH", "1hOSvn6df7F8_7GcBWlRGQ", "0K7w7JP4z3IQqVfXm5VhsM")
FIELDS = ("material", "period", "classification")
VALUES = ("granite", "bluestone", "brick")

edit = st.tuples(st.integers(0, len(GUIDS) - 1), st.sampled_from(FIELDS), st.sampled_from(VALUES))
scenario = st.lists(st.lists(edit, max_size=5), min_size=2, max_size=4).flatmap(
    lambda devices: st.tuples(st.just(devices), st.permutations(range(len(devices)))))


def _run(url: str, folder: Path, devices: list, order: list):
    store = open_store(url, seed=False)  # its own records only: a new store's starting records are not its subject
    store.import_rows("components", [{"guid": g, "model": "dacang_bridge", "material": "stone", "period": "Qing",
                                      "classification": "arch ring", "illustrative": "0"} for g in GUIDS])
    base = {r["guid"]: r for r in store.records("components")}
    packages = []
    for d, edits in enumerate(devices):
        package = cut_from(store, folder / f"device-{d}.gpkg")
        field = open_records(package, profile=FieldProfile(f"surveyor {d}", "team", f"device-{d}"))
        for g, name, value in edits:
            comp = field.get("components", GUIDS[g])
            setattr(comp, name, value)
            field.put(comp)
        packages.append((package, outbox(field)))
        field.close()
    for d in order:
        sync(packages[d][0], store)
    return store, base, packages


def _check(store, base, packages):
    conflicts = {(c["edit_id"], c["field"]): c for c in store.conflicts()}
    detail = {r[0]: json.loads(r[1]) for r in store.q("SELECT edit_id, detail FROM sync_journal").fetchall()}
    touched: dict = {}  # (guid, field) → {device: [values]}
    for d, (_, rows) in enumerate(packages):
        for row in rows:
            before, after = json.loads(row["before"]), json.loads(row["after"])
            for name in (k for k in after if after[k] != before.get(k)):
                d_ = detail[row["uuid"]]
                assert name in d_["applied"] + d_["same"] + d_["conflicts"], (row, d_)
                if name in d_["conflicts"]:
                    assert conflicts[(row["uuid"], name)]["field_value"] == after[name]
                touched.setdefault((row["key"], name), {}).setdefault(d, []).append(after[name])
    final = {r["guid"]: r for r in store.records("components")}
    queued = {(c["key"], c["field"]) for c in conflicts.values()}
    for (guid, name), by_device in touched.items():
        written = {v for vs in by_device.values() for v in vs} | {base[guid][name]}
        assert final[guid][name] in written
        finals = {vs[-1] for vs in by_device.values()}
        if len(by_device) == 1:  # only one device changed it: its last value is there, no conflict
            assert final[guid][name] == next(iter(finals)) and (guid, name) not in queued
        elif all(len(vs) == 1 for vs in by_device.values()) and len(finals) == 1:
            assert (guid, name) not in queued and final[guid][name] in finals  # identical edits


def _property(backend: str, max_examples: int):
    @settings(max_examples=max_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenario)
    def prop(case):
        devices, order = case
        with tempfile.TemporaryDirectory() as tmp:
            store, base, packages = _run(store_url(backend, Path(tmp)), Path(tmp), devices, list(order))
            try:
                _check(store, base, packages)
            finally:
                store.close()
    return prop


def test_devices_syncing_in_any_order_lose_nothing_sqlite():
    _property("sqlite", 40)()


def test_devices_syncing_in_any_order_lose_nothing_postgresql():
    _property("postgresql", 15)()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_devices_making_the_same_change_give_no_conflict(backend, tmp_path):
    store, base, packages = _run(store_url(backend, tmp_path), tmp_path, [[(0, "material", "granite")]] * 2, [0, 1])
    assert not store.conflicts() and store.get("components", GUIDS[0])["material"] == "granite"
    store.close()
