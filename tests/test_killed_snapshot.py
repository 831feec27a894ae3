"""A snapshot killed while it writes leaves no temporary file beside its target.

Files are written to ".<name>.<random>.part" and renamed (layers/files.atomic_write).
SIGTERM used to kill the process before its ``finally`` removed that file; SIGKILL
still does, so the next write to the same target sweeps what a dead writer left.
The snapshot is a real `snapshot` run; to stop it at a known point, mid-write, its
``os.fsync`` (called once the temporary file is complete, before the rename) is made
to announce itself and wait — fault injection, the write itself is the real one.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.helpers import REPO

HELD = r'''
import os, sys, time
def held(fd):
    sys.stdout.write("writing\n")
    sys.stdout.flush()
    time.sleep(600)
os.fsync = held
from console.cli import main
raise SystemExit(main(sys.argv[1:]))
'''


@pytest.fixture(scope="module")
def extent_project(tmp_path_factory):
    """A project with one small embedded layer: a quick snapshot with the new-city view."""
    from layers.loading import embedded_specs, load_spec
    from layers.project import Project
    project = Project()
    spec = next(s for s in embedded_specs() if s.source.endswith("new_city_extent.geojson"))
    project.layers.extend(load_spec(spec, project.crs))
    return project.save(tmp_path_factory.mktemp("project") / "extent.sjproj")


def _snapshot_args(project, out):
    return ["snapshot", "--view", "new-city", "--size", "320x240", "--out", str(out), str(project)]


def _env():
    return {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}


def _killed_mid_write(project, out, sig) -> int:
    proc = subprocess.Popen([sys.executable, "-c", HELD, *_snapshot_args(project, out)], cwd=REPO, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line == "writing\n", line + proc.stderr.read()
        assert [p.name for p in out.parent.glob(f".{out.name}.*.part")], "the write is under way"
        proc.send_signal(sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    return proc.returncode


def test_sigterm_mid_write_leaves_no_temporary_file(tmp_path, extent_project):
    out = tmp_path / "map.png"
    out.write_bytes(b"the previous map")
    status = _killed_mid_write(extent_project, out, signal.SIGTERM)
    assert status == 128 + signal.SIGTERM
    assert list(tmp_path.glob(".*")) == [], "a temporary file was left beside the map"
    assert out.read_bytes() == b"the previous map"  # the old one, whole


def test_the_next_write_sweeps_what_a_sigkilled_snapshot_left(tmp_path, extent_project):
    out = tmp_path / "map.png"
    assert _killed_mid_write(extent_project, out, signal.SIGKILL) == -signal.SIGKILL
    orphans = list(tmp_path.glob(f".{out.name}.*.part"))
    assert len(orphans) == 1  # nothing can clean up after SIGKILL …
    other = tmp_path / ".other.png.abcd1234.part"  # … and another target's is not ours to touch
    other.write_bytes(b"x")
    run = subprocess.run([sys.executable, "-m", "console", *_snapshot_args(extent_project, out)], cwd=REPO,
                         env=_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.glob(".*")) == [other.name]


def test_a_live_writers_temporary_file_is_not_swept(tmp_path, extent_project):
    out = tmp_path / "map.png"
    proc = subprocess.Popen([sys.executable, "-c", HELD, *_snapshot_args(extent_project, out)], cwd=REPO,
                            env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "writing\n"
        from layers import files
        live = list(tmp_path.glob(f".{out.name}.*.part"))
        os.utime(live[0], (1, 1))  # as old as can be: only its writer's lock says it is alive
        assert files.sweep_stale(out) == [] and live[0].exists()
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
