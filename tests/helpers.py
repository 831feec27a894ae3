"""Helpers test modules share: the repository's paths, the display check, the default window.

They live here, not in conftest.py: pytest loads conftest.py once as ``conftest``, and a
``from tests.helpers import …`` would execute it a second time as another module, which
pointed HOME at a second temporary folder the home guard never looked at. This module
has no side effects, so importing it under any name is harmless.
"""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_IFC = SHARED / "data" / "ifc"


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_workspace_window(qtbot, package):
    """The window on a field package as `songjiang-console --offline PACKAGE` builds it (console/app.py run):
    one Workspace opened on the file (checked first), its layers, the window given that workspace."""
    from console.app import MainWindow
    from console.field import workspace_specs
    from layers.project import Project
    from offline.workspace import Workspace
    workspace = Workspace.open(package)
    project = Project()
    specs = workspace_specs(workspace, project)
    win = MainWindow(workspace, project)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    win.load_specs(specs)
    return win


def field_profile(monkeypatch, tmp_path, text: str):
    """A surveyor for this test only, as ``--profile "NAME[/TEAM]"`` saves one: in a config folder of its own."""
    from offline.field import profile as profiles
    monkeypatch.setenv("SONGJIANG_CONFIG_DIR", str(tmp_path / "config"))
    return profiles.set_from_text(text)


def open_default_window(qtbot, view: str = "old-town", timeout: int = 90000, demo_feed: bool = True, make=None):
    """The window as a user opens it on ``view``: every default layer loaded, and on (``demo_feed=False``:
    no simulator, as ``--no-feed``). ``make`` is the ``make_window`` fixture: the test then fails if the
    window outlives it."""
    from layers import i18n
    from layers.loading import default_specs
    i18n.set_language("zh")
    if make is not None:
        win = make(start_view=view, demo_feed=demo_feed, size=(1200, 800))
    else:
        from console.app import MainWindow
        from offline.workspace import Workspace
        win = MainWindow(Workspace.open(start_view=view, demo_feed=demo_feed))
        qtbot.addWidget(win)
        win.resize(1200, 800)
        win.show()
    win.load_specs(default_specs())
    from layers.bim.defaults import default_specs as bim_defaults
    models = len(bim_defaults())  # the heritage models and the hub's
    qtbot.waitUntil(lambda: sum(lyr.kind == "bim" for lyr in win.project.layers) == models
                    and any(lyr.kind == "sensors" for lyr in win.project.layers)
                    and not win.loader.busy(), timeout=timeout)
    assert all(lyr.visible for lyr in win.project.layers)  # every default layer on, as a user has it
    wait_for_frame(qtbot, win)
    return win


def wait_for_frame(qtbot, win, timeout: int = 10000) -> None:
    """Wait (on the event, not a sleep) until the window's view has drawn a frame after this call."""
    before = win.view._last_end
    win.view.request_render()
    qtbot.waitUntil(lambda: win.view._last_end != before, timeout=timeout)


def console_cli(*args, timeout: int = 300):
    """`songjiang-console ARGS…` as a user runs it: a subprocess of this checkout, output captured."""
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "console", *map(str, args)], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def old_town_package_fixture():
    """A module-scoped fixture: `package create --district old-town`, as a surveyor's office runs it."""
    import pytest

    @pytest.fixture(scope="module")
    def created(tmp_path_factory):
        out = tmp_path_factory.mktemp("created") / "old-town.gpkg"
        run = console_cli("package", "create", "--district", "old-town", "--out", out)
        assert run.returncode == 0, run.stderr[-2000:]
        return out
    return created
