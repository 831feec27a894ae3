"""The workspace model (offline/workspace.py), headless: what is open is decided in one place.

Issue 21: field mode used to be three window attributes set from outside the window plus two
process-wide environment variables written by the CLI, and the field-mode edit path came to open
its store differently from every other path. Here the field journey (package → edits signed and
journalled → sync) and the operations-centre journey (the store, named only redacted) run through
one ``Workspace`` with no window and no environment variable written; the window's journeys are
tests/test_field_journey_gui.py and tests/test_field_gui.py.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.helpers import console_cli, old_town_package_fixture


cli = console_cli
created = old_town_package_fixture()


@pytest.fixture
def package(created, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SONGJIANG_CONFIG_DIR", str(tmp_path / "config"))  # the field profile goes here
    pkg = tmp_path / "old-town.gpkg"
    shutil.copy(created, pkg)
    return pkg


def test_a_package_opens_field_mode_with_no_feed_and_no_history(package):
    from offline.workspace import FIELD, PACKAGE_BOOKMARK, Workspace
    environ = dict(os.environ)
    ws = Workspace.open(package)
    assert (ws.mode, ws.package, ws.hbim_path) == (FIELD, package.resolve(), package.resolve())
    assert ws.package_meta["district"] == "old-town" and ws.package_meta["package_id"]
    assert (ws.live_feed, ws.demo_feed, ws.sensor_history) == (False, False, None)
    assert not ws.wants_feed(broker=True)  # not even a broker given with --mqtt: no network in the field
    assert ws.start_view == PACKAGE_BOOKMARK and ws.clock.live
    assert dict(os.environ) == environ  # field mode is the workspace's, not the process's


def test_the_workstation_workspace_uses_the_users_stores(tmp_path):
    from layers import paths
    from offline.workspace import WORKSTATION, Workspace
    ws = Workspace.open(start_view="old-town")
    assert (ws.mode, ws.hbim_path, ws.sensor_history) == (WORKSTATION, paths.hbim_store(), paths.sensor_history())
    assert ws.live_feed and ws.demo_feed and ws.start_view == "old-town" and ws.package is None
    assert Workspace.open(history="").sensor_history is None  # record nothing
    assert Workspace.open(history=tmp_path / "h.sqlite").sensor_history == tmp_path / "h.sqlite"
    quiet = Workspace.open(demo_feed=False)  # --no-feed: no simulator, a broker still listened to
    assert (quiet.wants_feed(broker=False), quiet.wants_feed(broker=True)) == (False, True)


def test_a_window_following_the_store_starts_no_feed_and_records_nothing(package, tmp_path):
    from offline.workspace import Workspace
    store = tmp_path / "ops.sqlite"
    ws = Workspace.open(store=store, follow=True)  # `open --store URL`
    assert ws.follow_store and ws.sensor_history is None  # the store holds the history, the recorders the feed
    assert not ws.wants_feed(broker=False) and not ws.wants_feed(broker=True)
    assert ws.describe()["follow_store"] and ws.store_target() == str(store)
    synced_only = Workspace.open(store=store)  # a store to sync into (or `--mqtt` given): the window's own feed
    assert not synced_only.follow_store and synced_only.wants_feed(broker=False)
    field = Workspace.open(package, store=store, follow=True)  # a field package syncs into a store, never follows
    assert not field.follow_store and not field.wants_feed(broker=True)


def test_a_file_that_is_not_a_package_is_refused_unchanged(tmp_path):
    from offline.guard import StoreRefused
    from offline.records import open_records
    from offline.workspace import Workspace
    plain = tmp_path / "records.gpkg"
    open_records(plain, seed=False).close()  # a workstation store, named like a package
    before = hashlib.sha256(plain.read_bytes()).hexdigest()
    with pytest.raises(StoreRefused, match="records.gpkg"):
        Workspace.open(plain)
    assert hashlib.sha256(plain.read_bytes()).hexdigest() == before


def test_a_saved_field_project_enters_field_mode_once_and_says_so(package):
    from offline.workspace import FIELD, Workspace
    ws = Workspace.open()
    seen = []
    ws.changed.connect(seen.append)
    ws.enter_package(package)
    ws.enter_package(package)  # the same package again: nothing changed
    assert seen == [FIELD] and ws.is_field and not ws.live_feed and ws.sensor_history is None


def test_the_field_journey_runs_headless_through_the_workspace(package, tmp_path):
    """Open the package → its scene (no embedded layer, no history) → an edit signed and journalled → sync."""
    from field_package import seed_rows
    from offline.field.package import outbox
    from offline.field.profile import set_from_text
    from offline.hbim import Inspection
    from offline.store.sync import sync
    from offline.workspace import OPS_CENTRE, PACKAGE_BOOKMARK, Workspace
    from console.snapshot import build_project
    set_from_text("Li Wei/old-town team")
    field = Workspace.open(package)
    project = build_project(workspace=field)
    assert all(lyr.source.startswith((str(package), "sensors:package:", "annotations:package"))
               or lyr.kind == "bim" for lyr in project.layers)
    assert PACKAGE_BOOKMARK in project.bookmarks
    sensors = next(lyr for lyr in project.layers if lyr.kind == "sensors")
    assert sensors.data.history_path is None and sensors.data.pipeline is None
    records = field.open_records()
    try:
        assert records.journal is not None and records.path == package.resolve()
        guid = records.records("components")[0].guid
        inspection = records.put(Inspection(guid, "2026-12-07", surveyor="Li Wei", condition_grade=4))
        signed = [(r["op"], r["author"], r["team"]) for r in outbox(records)]
        assert signed[-1:] == [("put", "Li Wei", "old-town team")]
    finally:
        records.close()

    centre = Workspace.ops_centre(tmp_path / "centre.sqlite")
    assert centre.mode == OPS_CENTRE
    store = centre.open_store()
    try:
        for table, rows in seed_rows().items():  # the records the office cut the package from
            store.import_rows(table, rows)
        report = sync(package, store)
        assert (report.to_dict()["edits"], report.to_dict()["applied"]) == (1, 1), report.to_dict()
        assert store.get("inspections", inspection)["condition_grade"] == "4"
    finally:
        store.close()


def test_the_operations_centre_store_is_named_only_redacted(tmp_path):
    from offline.workspace import Workspace
    ws = Workspace.ops_centre("postgresql://centre:s3cret@db.example:5432/ops")
    assert "s3cret" not in ws.store_url and "db.example" in ws.store_url
    assert "s3cret" not in repr(ws.describe())
    field = Workspace.open(store="postgresql://centre:s3cret@db.example:5432/ops")  # what a window syncs into
    assert "s3cret" not in field.store_url and field.store_target().endswith("/ops")


def test_the_clock_is_live_or_a_replay_time_and_says_when_it_moves():
    from offline.workspace import Workspace
    ws = Workspace.open(at_time=1_700_000_000.0)
    assert not ws.clock.live and ws.clock.now() == 1_700_000_000.0
    moved = []
    ws.clock.changed.connect(moved.append)
    ws.clock.replay(None)
    assert ws.clock.live and moved == [None]
