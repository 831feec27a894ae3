"""The base map's layers reach the scene after its terrain, whatever finishes first (console/load_gate.py).

Two loader threads read the terrain and the base-map imagery at once; the imagery often finished first,
was built on flat ground, and was built again (texture and mesh) when the terrain came, on the GUI thread
on the way to the first frame. Here the terrain's read is made slow on purpose (it sleeps before
reading), so the imagery and the vectors finish first: each layer is still built once, on the terrain.
A terrain that fails lets the others through.
"""
from __future__ import annotations

import time

import pytest

from tests.helpers import has_display

pytestmark = [pytest.mark.gui, pytest.mark.skipif(not has_display(), reason="needs a display (xvfb-run)")]


@pytest.fixture
def slow_terrain(monkeypatch):
    """The terrain's read takes a second longer; ``broken`` makes it fail instead."""
    import console.loader as loader
    read, state = loader.load_spec, {"broken": False}

    def load_spec(spec, *args):
        if spec.role == "terrain":
            time.sleep(1.0)
            if state["broken"]:
                raise loader.ReadError(f"{spec.source}: cannot read (test)")
        return read(spec, *args)
    monkeypatch.setattr(loader, "load_spec", load_spec)
    return state


@pytest.fixture
def builds(monkeypatch):
    """How often each adapter kind's scene objects were built (first build and rebuilds)."""
    from console.scene.imagery import ImageryAdapter
    from console.scene.vector import VectorAdapter
    counts = {"imagery": 0, "vector": 0}
    for kind, cls in (("imagery", ImageryAdapter), ("vector", VectorAdapter)):
        def counted(self, _build=cls.build, _kind=kind):
            counts[_kind] += 1
            return _build(self)
        monkeypatch.setattr(cls, "build", counted)
    return counts


def test_layers_finished_before_the_terrain_are_built_once_on_it(make_window, qtbot, slow_terrain, builds):
    from layers.loading import embedded_specs
    specs = embedded_specs()
    vectors = sum(1 for s in specs if s.role == "vector")
    win = make_window(demo_feed=False, size=(1000, 700))
    win.load_specs(specs)
    qtbot.waitUntil(lambda: len(win.project.layers) == len(specs) and not win.loader.busy(), timeout=60000)
    assert [lyr.kind for lyr in win.project.layers][:2] == ["terrain", "imagery"]
    assert builds == {"imagery": 1, "vector": vectors}, builds  # none built flat, then again


def test_a_terrain_that_fails_lets_the_others_through(make_window, qtbot, slow_terrain, monkeypatch):
    from console.app import MainWindow
    from layers.loading import embedded_specs
    slow_terrain["broken"] = True
    specs = embedded_specs()
    errors = []
    monkeypatch.setattr(MainWindow, "report_error", lambda self, msg, *a: errors.append(msg))
    win = make_window(demo_feed=False, size=(1000, 700))
    win.load_specs(specs)
    qtbot.waitUntil(lambda: not win.loader.busy(), timeout=60000)
    assert len(win.project.layers) == len(specs) - 1 and "terrain" not in {lyr.kind for lyr in win.project.layers}
    assert len(errors) == 1 and "dem.tif" in errors[0]
