"""One flight to a place of its own: ``window.fly_to(Bookmark)``, the project's bookmarks untouched.

Four flights (to a layer, the hub's BIM, an HBIM model, a sensor) used to put a temporary
``_layer``/``_hub``/``_hbim``/``_sensor`` bookmark into the project, fly, and delete it: a bookmark
of the user's under that id was overwritten and then deleted (and saved so with the project).
Needs a display: run under xvfb-run.
"""
from __future__ import annotations

import pytest

from tests.helpers import has_display

pytestmark = [pytest.mark.gui,
              pytest.mark.skipif(not has_display(), reason="needs a display; the test command runs xvfb-run")]


@pytest.fixture
def window(qtbot):
    from console.app import MainWindow
    from layers.loading import embedded_specs
    from offline.workspace import Workspace
    win = MainWindow(Workspace.open(start_view="old-town"))
    qtbot.addWidget(win)
    win.resize(800, 500)
    win.show()
    win.load_specs(embedded_specs())
    qtbot.waitUntil(lambda: win.project.layers.by_name("四大重点区域") is not None and not win.loader.busy(),
                    timeout=60000)
    yield win
    win.close()


def _focal(win):
    return win.project.crs.from_scene([win.scene.renderer.GetActiveCamera().GetFocalPoint()])[0]


def test_flights_to_places_of_their_own_leave_the_users_bookmarks_alone(window, qtbot):
    from layers.bookmarks import Bookmark
    mine = {bid: Bookmark(bid, "我的", "mine", (0.0, 0.0, 0.0), 500.0) for bid in ("_layer", "_hub", "_hbim", "_sensor")}
    window.project.bookmarks.update(mine)
    before = dict(window.project.bookmarks)

    layer = window.project.layers.by_name("四大重点区域")
    window.zoom_to_layer(layer.id)
    qtbot.waitUntil(lambda: not window._fly.running, timeout=5000)
    b = layer.bounds
    assert _focal(window)[:2] == pytest.approx(((b[0] + b[3]) / 2, (b[1] + b[4]) / 2), abs=1.0)
    assert window.project.bookmarks == before

    window.panels.city.fly_to_hub(animate=False)
    from layers.hub import plan
    assert _focal(window)[:2] == pytest.approx(plan.to_xy(-60.0, 330.0), abs=1.0)
    assert window.project.bookmarks == before

    place = Bookmark("anywhere", "", "", (b[0] + 100.0, b[1] + 100.0, 0.0), 300.0)
    window.fly_to(place, animate=False)
    assert _focal(window)[:2] == pytest.approx(place.focal[:2], abs=1.0)
    assert window.project.bookmarks == before and "anywhere" not in window.project.bookmarks
