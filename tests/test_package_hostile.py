"""A crafted field package never writes outside its own cache folder (issue 20, items 2 and 3).

A package is a file from outside: its ``package_id`` chose the folder field mode extracted its
IFC members into, and its content checksum has no key, so whoever crafts one recomputes it. On
today's main an id that is an absolute path (or climbs out with ``..``) and a member named
``.bashrc`` overwrite the user's start-up file on ``--offline``/``snapshot --offline``, and
``package verify``/``sync``/``photo`` accept it. Each command is run here as a user runs it, in a
subprocess whose HOME, XDG folders and console folders all lie in one temporary tree; the whole
tree (file list and SHA-256, the package itself included) must be the same afterwards, and the
command must say in one line which file it refused. The machine has no centre key, as a
surveyor's laptop: the refusal must come from the package being data, not from the signature.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from offline.guard import StoreRefused
from offline.package import PackageRequest, create_package
from offline.package.checksum import content_sha256
from tests.helpers import REPO, has_display

AREA = shapely.box(121.200, 31.003, 121.222, 31.011)  # Cangcheng: the five HBIM buildings


@pytest.fixture(scope="module")
def sound(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    return create_package(PackageRequest(out=tmp / "sound.gpkg", area=AREA, district="custom",
                                         hbim_store=tmp / "hbim.sqlite", history=tmp / "none.sqlite"))


def craft(sound: Path, out: Path, package_id: str | None = None, member: str | None = None) -> Path:
    """The sound package with its id and/or first IFC member's name replaced, checksum recomputed."""
    shutil.copy(sound, out)
    con = sqlite3.connect(out)
    if package_id is not None:
        con.execute("UPDATE package_meta SET value=? WHERE key='package_id'", (package_id,))
    if member is not None:
        con.execute("UPDATE package_files SET name=? WHERE id=(SELECT min(id) FROM package_files)", (member,))
    con.execute("UPDATE package_meta SET value=? WHERE key='content_sha256'", (content_sha256(con),))
    con.execute("DELETE FROM package_meta WHERE key='signature'")  # the attacker has no key
    con.commit()
    con.close()
    return out


def laptop(root: Path) -> dict:
    """An environment whose every folder the console may write lies under ``root``."""
    env = {**os.environ, "HOME": str(root / "home")}
    for var, sub in (("XDG_CONFIG_HOME", "xdg/config"), ("XDG_CACHE_HOME", "xdg/cache"),
                     ("XDG_DATA_HOME", "xdg/data"), ("XDG_STATE_HOME", "xdg/state"),
                     ("SONGJIANG_DATA_DIR", "data"), ("SONGJIANG_CACHE_DIR", "cache"),
                     ("SONGJIANG_CONFIG_DIR", "config"), ("SONGJIANG_STORE", "data/ops.sqlite")):
        env[var] = str(root / sub)
    (root / "home").mkdir(parents=True, exist_ok=True)
    (root / "home" / ".bashrc").write_text("# the user's own start-up file\n")
    return env


def tree(root: Path) -> dict:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}


def variants(sound: Path, work: Path, home: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    return {
        "absolute id": craft(sound, work / "abs.gpkg", package_id=str(home), member=".bashrc"),
        "climbing id": craft(sound, work / "dotdot.gpkg", package_id="../../home", member=".bashrc"),
        "member with a folder": craft(sound, work / "slash.gpkg", member="../../home/.profile"),
        "hidden member": craft(sound, work / "hidden.gpkg", member=".bashrc"),
    }


COMMANDS = {
    "verify": lambda pkg, w: ["package", "verify", pkg],
    "sync": lambda pkg, w: ["package", "sync", pkg, "--store", w / "ops.sqlite"],
    "photo": lambda pkg, w: ["package", "photo", pkg, w / "IMG_0001.jpg", "--component", "0bXbkPq1v0ZPNxdIYMc4Yd",
                             "--profile", "Li Wei/old town"],
    "snapshot --offline": lambda pkg, w: ["snapshot", "--offline", pkg, "--bare", "--out", w / "shot.png",
                                          "--size", "320x200"],
    "--offline": lambda pkg, w: ["--offline", pkg, "--no-dialogs", "--exit-after", "5", "--screenshot", w / "window.png"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_crafted_package_writes_nothing_anywhere(sound, tmp_path, jpeg, command):
    if command == "--offline" and not has_display():
        pytest.skip("the window needs a display; the test command runs xvfb-run")
    root = tmp_path / "machine"
    env = laptop(root)
    work = root / "work"
    packages = variants(sound, work, root / "home")
    shutil.copy(jpeg, work / "IMG_0001.jpg")
    for kind, pkg in packages.items():
        before = tree(root)
        run = subprocess.run([sys.executable, "-m", "console", *map(str, COMMANDS[command](pkg, work)), "--lang",
                              "en"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 3, f"{kind}: rc {run.returncode}\n{run.stdout}{run.stderr[-1500:]}"
        assert run.stderr.count("\n") == 1 and str(pkg) in run.stderr, f"{kind}: {run.stderr}"
        assert "field package refused by the package_" in run.stderr, f"{kind}: {run.stderr}"
        after = tree(root)
        assert after == before, f"{kind}: {command} changed {sorted(set(after.items()) ^ set(before.items()))}"
    assert (root / "home" / ".bashrc").read_text() == "# the user's own start-up file\n"


def test_extraction_refuses_a_path_even_when_verify_is_skipped(sound, tmp_path, monkeypatch):
    """Defence in depth: extract_models itself joins no id that is not a UUID and no member that is a path."""
    from offline.package.extract import extract_models
    monkeypatch.setenv("SONGJIANG_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "home"
    target.mkdir()
    crafted = craft(sound, tmp_path / "abs.gpkg", package_id=str(target), member=".bashrc")
    with pytest.raises(StoreRefused, match="package_id .* is not a UUID"):
        extract_models(crafted, str(target))
    with pytest.raises(StoreRefused, match="package_id .* is not a UUID"):
        extract_models(crafted, "../../home")
    climbing = craft(sound, tmp_path / "member.gpkg", member="../x.ifc")
    with pytest.raises(StoreRefused, match=r"member name '\.\./x\.ifc' is not a plain file name"):
        extract_models(climbing, "4b0c1f8e-6a55-4a1e-9a53-1c1d5c0e2f11")
    assert list(target.iterdir()) == [] and not (tmp_path / "cache").exists()


def test_the_centre_tells_a_package_edited_outside_the_console(sound, tmp_path):
    """The checksum has no key; the signature has: a recomputed checksum passes on a laptop, not at the centre."""
    edited = tmp_path / "edited.gpkg"
    shutil.copy(sound, edited)
    con = sqlite3.connect(edited)
    con.execute("UPDATE package_meta SET value='9' WHERE key='base_version'")  # would rebase the field edits
    con.execute("UPDATE package_meta SET value=? WHERE key='content_sha256'", (content_sha256(con),))
    con.commit()
    con.close()
    before = hashlib.sha256(edited.read_bytes()).hexdigest()

    def verify(env):
        return subprocess.run([sys.executable, "-m", "console", "package", "verify", str(edited), "--lang", "en"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    centre = verify(os.environ)  # this session's config folder holds the key that signed `sound`
    assert centre.returncode == 3 and centre.stderr.count("\n") == 1, centre.stdout + centre.stderr
    assert f"{edited}: field package refused by the signature check (not signed by this centre;" in centre.stderr
    zh = subprocess.run([sys.executable, "-m", "console", "package", "verify", str(edited), "--lang", "zh"],
                        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert zh.returncode == 3 and "外业数据包未通过签名检查（不是本中心签发的数据包" in zh.stderr, zh.stderr
    field = verify(laptop(tmp_path / "laptop"))
    assert field.returncode == 0 and "who made it is not checked" in field.stdout, field.stderr
    ok = subprocess.run([sys.executable, "-m", "console", "package", "verify", str(sound)], cwd=REPO,
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "signed by this centre" in ok.stdout
    assert hashlib.sha256(edited.read_bytes()).hexdigest() == before


def test_the_centre_vouches_for_an_unsigned_package_only_by_a_persons_decision(sound, tmp_path):
    """A package made before signatures is refused where the key is, until `package sign`; sign checks all else."""
    old = tmp_path / "before-signatures.gpkg"
    shutil.copy(sound, old)
    con = sqlite3.connect(old)
    con.execute("DELETE FROM package_meta WHERE key='signature'")
    con.commit()
    con.close()

    def console(*args):
        return subprocess.run([sys.executable, "-m", "console", "package", *map(str, args), "--lang", "en"],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
    refused = console("verify", old)
    assert refused.returncode == 3 and "not signed by this centre" in refused.stderr
    signed = console("sign", old)
    assert signed.returncode == 0 and signed.stdout == f"{old}: signed by this centre\n", signed.stderr
    assert console("verify", old).returncode == 0
    crafted = craft(sound, tmp_path / "abs.gpkg", package_id=str(tmp_path), member=".bashrc")
    before = hashlib.sha256(crafted.read_bytes()).hexdigest()
    run = console("sign", crafted)
    assert run.returncode == 3 and run.stderr.count("\n") == 1, run.stderr
    assert f"{crafted}: field package refused by the package_meta check (package_id" in run.stderr
    assert hashlib.sha256(crafted.read_bytes()).hexdigest() == before
