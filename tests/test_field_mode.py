"""Field mode: the window on a field package with every socket blocked (needs a display: xvfb-run)."""
from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys

import pytest

from tests.helpers import REPO, has_display
from tests.test_hbim_gui import _index, _screen_pos_of

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    from offline.package import PackageRequest, create_package
    from offline.package.areas import district_area
    tmp = tmp_path_factory.mktemp("field")
    req = PackageRequest(out=tmp / "old-town.gpkg", area=district_area("old-town"), district="old-town",
                         hbim_store=tmp / "hbim.sqlite", history=tmp / "none.sqlite")
    create_package(req)
    return req


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach a network from this process fails, and is counted."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network blocked in field-mode test")
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture
def field_window(qtbot, package, tmp_path, no_network, monkeypatch):
    from layers import i18n
    from tests.helpers import open_workspace_window
    pkg = tmp_path / "field.gpkg"
    shutil.copy(package.out, pkg)
    i18n.set_language("en")
    win = open_workspace_window(qtbot, pkg)
    qtbot.waitUntil(lambda: sum(lyr.kind == "bim" for lyr in win.project.layers) == 5
                    and any(lyr.kind == "sensors" for lyr in win.project.layers) and not win.loader.busy(),
                    timeout=120000)
    qtbot.wait(100)
    yield win, pkg
    i18n.set_language("zh")
    win.close()


def test_field_mode_shows_the_package_with_no_network(field_window, package, no_network, qtbot):
    win, pkg = field_window
    assert win.errors == []
    kinds = {lyr.kind for lyr in win.project.layers}
    assert {"terrain", "imagery", "vector", "bim", "sensors"} <= kinds
    assert all(lyr.source.startswith((str(pkg), "sensors:package:", "annotations:package")) or lyr.kind == "bim"
               for lyr in win.project.layers)  # nothing from the embedded scene
    heritage = next(lyr for lyr in win.project.layers if lyr.meta.get("table") == "heritage_sites")
    assert len(heritage.data.geometries) == package.counts["heritage_sites"]
    sensors = win.panels.sensor_panel.model
    assert len(sensors) == package.counts["sensor_snapshot"] and sensors.pipeline is None  # snapshot, no feed
    assert "field mode" in win.windowTitle() and "field.gpkg" in win.windowTitle()
    status = win.statusBar().findChild(type(win.status.cursor_label), "field_mode").text()
    assert "field mode" in status and "offline snapshot" in status  # no live readings in the field
    win.set_language("zh")
    assert "外业模式" in win.windowTitle()
    win.set_language("en")
    # pick a component of the Dacang Bridge: its records come from the package
    layer = win.panels.hbim.model_layer("dacang_bridge")
    from layers import paths
    assert layer.source.startswith(str(paths.cache_dir() / "field-packages"))  # extracted from the package
    win.panels.hbim.fly_to_model("dacang_bridge", animate=False)
    qtbot.wait(50)
    i = _index(layer, "Arch ring 3")
    win.view.pick_at(*_screen_pos_of(win, win.scene.adapters[layer.id], i))
    inspector = win.panels.hbim.inspector
    assert inspector.guid == layer.data.elements[i]["guid"]
    assert win.panels.hbim.store.path == pkg
    items = [inspector.records.topLevelItem(r) for r in range(inspector.records.topLevelItemCount())]
    texts = {(it.child(c).text(0), it.child(c).text(1)) for it in items for c in range(it.childCount())}
    assert ("Classification", "arch ring") in texts and ("2023-04-12", "crack") in texts, texts
    assert inspector.records.topLevelItemCount() >= 4 and inspector.history.count() > 0
    assert no_network == []


def test_field_records_are_written_into_the_package(field_window, qtbot):
    from offline.package import verify
    win, pkg = field_window
    layer = win.panels.hbim.model_layer("dacang_bridge")
    win.panels.hbim.select(layer, _index(layer, "Arch ring 3"))
    before = len(win.panels.hbim.store.records("inspections", win.panels.hbim.inspector.guid))
    win.panels.hbim.inspector.set_grade(4)
    assert len(win.panels.hbim.store.records("inspections", win.panels.hbim.inspector.guid)) == before + 1
    win.project.undo.undo()
    assert len(win.panels.hbim.store.records("inspections", win.panels.hbim.inspector.guid)) == before
    win.panels.hbim.inspector.set_grade(4)
    assert verify(pkg) == []  # field edits never touch the checksummed content


def test_a_damaged_package_is_refused_before_any_window(tmp_path, package):
    bad = tmp_path / "bad.gpkg"
    data = bytearray(package.out.read_bytes())
    bad.write_bytes(bytes(data[: len(data) // 3]))
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    run = subprocess.run([sys.executable, "-m", "console", "--offline", str(bad), "--lang", "en"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 3 and run.stderr.count("\n") == 1, run.stderr
    assert str(bad) in run.stderr and "field package refused by the" in run.stderr
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_a_project_saved_in_field_mode_reopens_in_field_mode(field_window, qtbot, tmp_path, package):
    from console.app import MainWindow
    win, pkg = field_window
    saved = win.save_project(tmp_path / "survey.sjproj")
    from layers import paths
    shutil.rmtree(paths.cache_dir() / "field-packages")  # caches are safe to delete
    other = MainWindow()
    qtbot.addWidget(other)
    other.show()
    other.open_project(saved)
    qtbot.waitUntil(lambda: sum(lyr.kind == "bim" for lyr in other.project.layers) == 5
                    and any(lyr.kind == "sensors" for lyr in other.project.layers) and not other.loader.busy(),
                    timeout=120000)
    assert other.errors == [] and "field mode" in other.windowTitle()
    assert other.panels.hbim.store.path == pkg  # the surveyor's records, in the package
    assert len(other.panels.sensor_panel.model) == package.counts["sensor_snapshot"]
    assert {lyr.meta.get("table") for lyr in other.project.layers} >= {"heritage_sites", "districts", "DEM"}
    other.close()


SITECUSTOMIZE = '''
import os, socket
LOG = os.environ["SJ_NET_LOG"]
def _refuse(*args, **kwargs):
    with open(LOG, "a") as fh:
        fh.write(f"{os.getpid()} {args[1:2]}\\n")
    raise OSError("network blocked in field-mode test")
socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = _refuse
socket.create_connection = socket.getaddrinfo = _refuse
'''


def test_offline_command_opens_with_sockets_blocked_in_every_process(package, tmp_path):
    """`--offline` as a user runs it; every Python process it starts (IFC workers too) has no sockets."""
    import os
    import shutil
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "net.log"
    pkg = tmp_path / "field.gpkg"
    shutil.copy(package.out, pkg)
    shot = tmp_path / "field.png"
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{REPO}", "SJ_NET_LOG": str(log),
           "SONGJIANG_CACHE_DIR": str(tmp_path / "cache")}  # an empty cache: the IFC engine runs too
    run = subprocess.run([sys.executable, "-m", "console", "--offline", str(pkg), "--lang", "en",
                          "--screenshot", str(shot)], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 50_000
    assert not log.exists(), log.read_text()
