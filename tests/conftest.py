"""Shared fixtures: the public data in ../shared, an isolated settings/home, headless defaults.

Helpers that test modules import (REPO, has_display, open_default_window…) live in
tests/helpers.py: this module has side effects (it moves HOME) and must run exactly once.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest


def _refuse_a_second_copy() -> None:
    """pytest imports this file as ``conftest``; ``import tests.conftest`` would run it again as a
    second module, and that copy would point HOME at a second folder the guard below never
    watches (a test writing into the home it really used then passed). Refuse that import."""
    me = Path(__file__).resolve()
    for name, mod in list(sys.modules.items()):
        path = getattr(mod, "__file__", None)
        if name != __name__ and path and Path(path).resolve() == me:
            raise ImportError(f"tests/conftest.py is already loaded as {name!r}; import shared "
                              f"helpers from tests/helpers.py, never from conftest")


_refuse_a_second_copy()

from tests.helpers import REPO, SHARED, SHARED_IFC, has_display, open_default_window  # noqa: E402,F401
from layers import i18n  # noqa: E402

i18n.load_all()  # as the console's entry points do: every catalogue, before any test builds a widget

# Nothing the suite runs may write into the user's home. HOME points at an empty
# folder of our own for the whole run (subprocesses inherit it), the XDG folders
# and the console's own data/cache folders at a sandbox beside it, and
# ``_home_stays_empty`` fails the test after which anything appeared in that home
# (or after which HOME no longer names it): a write there means code that ignores
# the platform's folders (layers/paths.py).
REAL_HOME = Path(os.path.expanduser("~"))
_REAL_HOME_BEFORE = sorted(p.name for p in REAL_HOME.iterdir()) if REAL_HOME.is_dir() else []
TEST_HOME = Path(tempfile.mkdtemp(prefix="songjiang-test-home-"))
SANDBOX = Path(tempfile.mkdtemp(prefix="songjiang-test-xdg-"))
os.environ["HOME"] = str(TEST_HOME)
for _var, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_DATA_HOME", "data"),
                   ("XDG_STATE_HOME", "state"), ("SONGJIANG_DATA_DIR", "songjiang-data"),
                   ("SONGJIANG_CACHE_DIR", "songjiang-cache")):
    os.environ[_var] = str(SANDBOX / _sub)
os.environ["MESA_SHADER_CACHE_DISABLE"] = "true"  # llvmpipe's shader cache is not ours to keep

# Error dialogs would block a test: a Workspace made in code has none (``dialogs=False``, its default);
# the window still reports through its status bar and .errors.


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is absent (public test files live beside the repo, not in it)")
    return data


@pytest.fixture
def copy_shared(shared_data, tmp_path):
    """Copy a shared file before anything may write to it."""
    def _copy(rel: str) -> Path:
        dst = tmp_path / Path(rel).name
        shutil.copy2(shared_data / rel, dst)
        return dst
    return _copy


@pytest.fixture(autouse=True)
def _home_stays_empty(monkeypatch, tmp_path):
    """Fail the test after which anything was written into the home folder; stores go to tmp (the data
    folder of each test: its HBIM records, sensor history and operations-centre store)."""
    monkeypatch.setenv("SONGJIANG_DATA_DIR", str(tmp_path / "data"))
    yield
    problems = []
    home = Path(os.environ.get("HOME", ""))
    if home != TEST_HOME and not home.is_relative_to(tmp_path):
        # whatever moved it (a second copy of this module did), the test ran with a home nobody
        # watches; a test may give itself a home inside its own tmp_path (monkeypatch.setenv)
        problems.append(f"HOME was moved from {TEST_HOME} to {home}")
        os.environ["HOME"] = str(TEST_HOME)
    written = sorted(str(p.relative_to(TEST_HOME)) for p in TEST_HOME.rglob("*"))
    if written:
        for p in list(TEST_HOME.iterdir()):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        problems.append(f"the test wrote into the home folder: {', '.join(written[:10])}")
    if problems:
        pytest.fail("; ".join(problems))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(TEST_HOME, ignore_errors=True)
    shutil.rmtree(SANDBOX, ignore_errors=True)
    after = sorted(p.name for p in REAL_HOME.iterdir()) if REAL_HOME.is_dir() else []
    if after != _REAL_HOME_BEFORE:
        session.exitstatus = 1
        print(f"\nFAILED: the suite changed {REAL_HOME}: {sorted(set(after) ^ set(_REAL_HOME_BEFORE))}")


@pytest.fixture
def default_window(qtbot, monkeypatch, make_window):
    """open_default_window on old-town with no live feed and no modal dialogs; closed afterwards,
    and the test fails if the window outlives it (make_window)."""
    win = open_default_window(qtbot, demo_feed=False, make=make_window)
    yield win
    win.set_language("zh")


@pytest.fixture
def shared_ifc(tmp_path):
    """Copy one shared IFC file into tmp (the IFC tests may write caches or records beside it)."""
    if not SHARED_IFC.is_dir():
        pytest.skip(f"shared IFC test data not found at {SHARED_IFC}")

    def copy(name):
        dst = tmp_path / name
        shutil.copy(SHARED_IFC / name, dst)
        return dst
    return copy


@pytest.fixture
def memory_keyring():
    """An in-memory OS keyring for the test (the real one is the user's): yields its dict."""
    import keyring
    from keyring.backend import KeyringBackend
    store: dict = {}

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def get_password(self, service, user):
            return store.get((service, user))

        def set_password(self, service, user, pw):
            store[(service, user)] = pw

        def delete_password(self, service, user):
            store.pop((service, user), None)

    old = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield store
    finally:
        keyring.set_keyring(old)


@pytest.fixture
def jpeg(tmp_path):
    """A small JPEG as a phone camera writes it: EXIF time and GPS position (Dacang Bridge)."""
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational as R
    img = Image.new("RGB", (64, 48), (120, 90, 60))
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2026:11:28 10:15:42"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (R(31), R(0), R(5.4)), "E", (R(121), R(13), R(30))
    path = tmp_path / "IMG_0001.jpg"
    img.save(path, exif=exif)
    return path


QT_FIXTURES = {"qtbot", "qapp", "make_window", "default_window"}


def pytest_collection_modifyitems(config, items):
    """One rule for tests that need a display: a test using a Qt fixture is marked ``gui``
    (so ``-m "not gui"`` leaves it out), and every ``gui`` test skips with a reason when there
    is no display, instead of failing or hanging in its fixture."""
    skip = None if has_display() else pytest.mark.skip(reason="needs a display; the test command runs xvfb-run")
    for item in items:
        if QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)
        if skip is not None and "gui" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test (``make_window`` skips its leak check after a failure)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def make_window(request, qapp):
    """Open MainWindows for the test; at teardown close them and FAIL if any is still alive
    (Python objects, VTK render window/renderers, top-level widgets): tests/window_leaks.py."""
    from tests.window_leaks import window_factory
    yield from window_factory(request, qapp)
