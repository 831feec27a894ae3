"""Windows a test opens are freed when it ends (the ``make_window`` fixture in conftest.py).

Why: the default suite once peaked at 8.7 GiB resident in one process, because every closed
``MainWindow`` stayed alive with its project, scene and render window: VTK observers holding
Python callbacks (a cycle through C++ that Python's collector cannot see), model signals
connected to window methods. Like napari's ``make_napari_viewer(strict_qt=True)``, the
fixture closes what it made and FAILS the test when, after deferred deletes and a collection,

- the ``MainWindow`` (or its ``Scene``) Python object is still alive (weak references),
- its vtkRenderWindow or either vtkRenderer was never destroyed (a ``DeleteEvent`` observer
  that holds nothing of the object), or
- a top-level QWidget appeared during the test and is still there.

A test that failed on its own is not checked again: its traceback holds the window.
"""
from __future__ import annotations

import gc
import weakref

import pytest


class _Deleted:
    """Set when a VTK object's C++ side is destroyed. Holds nothing of the object itself."""

    def __init__(self, obj, name: str):
        self.name, self.done = name, False
        obj.AddObserver("DeleteEvent", self._fire)

    def _fire(self, *_):
        self.done = True


def settle(app) -> None:
    """Run deferred deletes and collect cycles until a round frees nothing (a Qt object's
    deletion can free Python cycles, and a collection can post more deferred deletes)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    for _ in range(10):
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        if gc.collect() == 0:
            break


def resident_mib() -> float:
    """This process's resident memory (VmRSS), after handing freed heap back to the system."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed arenas resident otherwise
    except OSError:
        pass
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class WindowFactory:
    """``make_window(**kwargs)`` → a shown ``MainWindow``; ``close_all()`` then ``leaks()``."""

    def __init__(self, app):
        self.app = app
        self._windows: list = []
        self._refs: list[tuple[str, weakref.ref]] = []
        self._vtk: list[_Deleted] = []
        self._toplevel_before = {id(w) for w in app.topLevelWidgets()}

    def __call__(self, *, size=None, show=True, workspace=None, project=None, **kwargs):
        """``kwargs`` open the window's Workspace (start_view, demo_feed, …) unless one is given."""
        from console.app import MainWindow
        from offline.workspace import Workspace
        win = MainWindow(workspace or Workspace.open(**kwargs), project)
        self.track(win)
        if size is not None:
            win.resize(*size)
        if show:
            win.show()
        return win

    def track(self, win) -> None:
        """Watch a window made elsewhere (the field-mode opener) as if this factory made it."""
        self._windows.append(win)
        self._refs += [("MainWindow", weakref.ref(win)), ("Scene", weakref.ref(win.scene))]
        self._vtk += [_Deleted(win.view.GetRenderWindow(), "vtkRenderWindow"),
                      _Deleted(win.scene.renderer, "vtkRenderer (scene)"),
                      _Deleted(win.scene.markup, "vtkRenderer (markup)")]

    def close_all(self) -> None:
        windows, self._windows = self._windows, []
        from shiboken6 import isValid
        for win in windows:
            if not isValid(win):
                continue
            if not getattr(win.view, "_closed", False):
                win.close()
            win.deleteLater()
        windows.clear()
        win = None  # the loop variable would keep the last window alive through settle()
        settle(self.app)

    def leaks(self) -> list[str]:
        alive = [name for name, ref in self._refs if ref() is not None]
        kept = [d.name for d in self._vtk if not d.done]
        stray = [f"{type(w).__name__} {w.objectName()!r}" for w in self.app.topLevelWidgets()
                 if id(w) not in self._toplevel_before and not w.isHidden()]
        out = []
        if alive:
            out.append(f"still alive after close and gc: {', '.join(sorted(set(alive)))} "
                       f"({len(alive)} objects)")
            out += _referrers(next(ref() for name, ref in self._refs if ref() is not None))
        if kept:
            out.append(f"VTK objects never destroyed: {', '.join(kept)}")
        if stray:
            out.append(f"top-level widgets left open: {', '.join(stray[:8])}")
        return out


def _referrers(obj, limit: int = 6) -> list[str]:
    """What still holds ``obj`` (the first few referrers' types), to start the hunt."""
    import types
    holders = [r for r in gc.get_referrers(obj) if not isinstance(r, types.FrameType)]
    return [f"  held by {type(r).__name__}: {_safe_repr(r)}" for r in holders[:limit]]


def _safe_repr(obj) -> str:
    if isinstance(obj, dict):
        return "dict with keys " + ", ".join(map(str, list(obj)[:8]))
    try:
        return repr(obj)[:160]
    except Exception:  # noqa: BLE001 — a Qt wrapper whose C++ side is gone
        return object.__repr__(obj)


def window_factory(request, qapp):
    """The fixture body (conftest.py wraps it): yields the factory, checks it at teardown."""
    from tests.helpers import has_display
    if not has_display():
        pytest.skip("needs a display; the test command runs xvfb-run")
    factory = WindowFactory(qapp)
    yield factory
    # fixtures that returned a window keep it in funcargs until pytest drops them after teardown
    funcargs = getattr(request.node, "funcargs", {}) or {}
    made = {id(w) for w in factory._windows}
    for key, value in list(funcargs.items()):
        if id(value) in made:
            funcargs[key] = None
    factory.close_all()
    if any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call")):
        return
    problems = factory.leaks()
    if problems:
        pytest.fail("the test leaked its window:\n" + "\n".join(problems), pytrace=False)
