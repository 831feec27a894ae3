"""`package create --out` replaces only what it may, and bad areas are one line (issue 20, item 8).

On today's main the finished package is renamed onto whatever ``--out`` names: as root,
``--out /dev/full`` turned the device into a regular file. A FIFO made here stands in for the
device (replacing a real one would damage the machine the test runs on): it must stay a FIFO.
A folder, a text file and another program's database must stay as they were unless ``--force``
says so (a device never); an older field package is replaced, as a build is meant to. A polygon
over no data ended in a rasterio traceback and a 50,000-deep GeoJSON in a RecursionError (a
50,000-deep WKT collection crashed GEOS outright).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO

CANGCHENG = "POLYGON((121.200 31.004, 121.212 31.004, 121.212 31.012, 121.200 31.012, 121.200 31.004))"


def create(*args, lang="en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "console", "package", "create", *map(str, args), "--lang", lang],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def one_line(run, *words):
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    for w in words:
        assert w in run.stderr, run.stderr


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_device_like_out_is_never_replaced(tmp_path):
    fifo = tmp_path / "pipe.gpkg"
    os.mkfifo(fifo)
    for force in ((), ("--force",)):
        run = create("--polygon", CANGCHENG, "--out", fifo, *force)
        one_line(run, str(fifo), "is a device, pipe or socket, not a file")
        assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.gpkg"]  # no temporary file left either


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "survey.gpkg"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    one_line(create("--polygon", CANGCHENG, "--out", folder), str(folder), "is a folder")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_a_file_that_is_not_a_package_is_replaced_only_with_force(tmp_path):
    text = tmp_path / "report.gpkg"
    text.write_text("the survey report, not a package\n")
    other = tmp_path / "other.gpkg"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    before = {p: _sha(p) for p in (text, other)}
    for path in (text, other):
        one_line(create("--polygon", CANGCHENG, "--out", path), str(path), "is not a field package",
                 "--force")
        assert _sha(path) == before[path]
    zh = create("--polygon", CANGCHENG, "--out", text, lang="zh")
    one_line(zh, "不是外业数据包", "--force")
    forced = create("--polygon", CANGCHENG, "--out", text, "--force")
    assert forced.returncode == 0, forced.stderr
    again = create("--polygon", CANGCHENG, "--out", text)  # now a field package: rebuilt without --force
    assert again.returncode == 0, again.stderr
    from offline.package import verify
    assert verify(text) == []


def test_a_polygon_over_no_data_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "pacific.gpkg"
    run = create("--polygon", "POLYGON((150 10, 151 10, 151 11, 150 11, 150 10))", "--out", out)
    one_line(run, str(out), "the area holds none of the console's data")
    assert list(tmp_path.iterdir()) == []
    one_line(create("--polygon", "POLYGON((150 10, 151 10, 151 11, 150 11, 150 10))", "--out", out, lang="zh"),
             "该范围内没有任何数据")


def test_a_deeply_nested_polygon_is_one_line(tmp_path):
    geojson = tmp_path / "deep.geojson"
    geojson.write_text('{"type": "Polygon", "coordinates": ' + "[" * 50_000 + "]" * 50_000 + "}")
    wkt = tmp_path / "deep.wkt"
    wkt.write_text("GEOMETRYCOLLECTION" + "(GEOMETRYCOLLECTION" * 50_000 + "(POINT(1 2)" + ")" * 50_001)
    for source in (geojson, wkt):
        run = create("--polygon", source, "--out", tmp_path / "x.gpkg")
        one_line(run, str(source), "not a polygon in WKT or GeoJSON", "levels deep")
        assert "RecursionError" not in run.stderr
    assert not (tmp_path / "x.gpkg").exists()
