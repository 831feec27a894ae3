"""Shared fixtures: the public data in ../shared, an isolated settings/home, headless defaults."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Nothing the suite runs may write into the user's home. HOME points at an empty
# folder of our own for the whole run (subprocesses inherit it), the XDG folders
# and the console's own data/cache folders at a sandbox beside it, and
# ``_home_stays_empty`` fails the test after which anything appeared in that home:
# a write there means code that ignores the platform's folders (layers/paths.py).
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

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_IFC = SHARED / "data" / "ifc"

# Error dialogs would block a test; the window still reports through its status bar and .errors.
os.environ.setdefault("SONGJIANG_NO_DIALOGS", "1")


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
    """Fail the test after which anything was written into the home folder; stores go to tmp."""
    monkeypatch.setenv("SONGJIANG_HBIM_DB", str(tmp_path / "hbim-test.sqlite"))
    monkeypatch.setenv("SONGJIANG_SENSOR_HISTORY", str(tmp_path / "sensor-history.sqlite"))
    yield
    written = sorted(str(p.relative_to(TEST_HOME)) for p in TEST_HOME.rglob("*"))
    if written:
        for p in list(TEST_HOME.iterdir()):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        pytest.fail(f"the test wrote into the home folder: {', '.join(written[:10])}")


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(TEST_HOME, ignore_errors=True)
    shutil.rmtree(SANDBOX, ignore_errors=True)
    after = sorted(p.name for p in REAL_HOME.iterdir()) if REAL_HOME.is_dir() else []
    if after != _REAL_HOME_BEFORE:
        session.exitstatus = 1
        print(f"\nFAILED: the suite changed {REAL_HOME}: {sorted(set(after) ^ set(_REAL_HOME_BEFORE))}")


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_default_window(qtbot, view: str = "old-town", timeout: int = 90000):
    """The window as a user opens it on ``view``: every default layer loaded, and on."""
    from layers import i18n
    from console.app import MainWindow
    from layers.loading import default_specs
    i18n.set_language("zh")
    win = MainWindow(start_view=view)
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
    qtbot.wait(100)
    return win


@pytest.fixture
def default_window(qtbot, monkeypatch):
    """open_default_window on old-town with no live feed and no modal dialogs; closed afterwards."""
    if not has_display():
        pytest.skip("needs a display; the test command runs xvfb-run")
    monkeypatch.setenv("SONGJIANG_NO_FEED", "1")
    monkeypatch.setenv("SONGJIANG_NO_DIALOGS", "1")
    win = open_default_window(qtbot)
    yield win
    win.set_language("zh")
    win.close()


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
