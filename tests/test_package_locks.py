"""Checking a package never releases the locks the window holds on it.

Closing any descriptor of a file drops every POSIX lock the process holds on that file. The
package checks (`package verify`, the field journal's check before the window writes) used to
read the SQLite header with a plain open()/close(): run in the window's process while its store
was inside a write, they silently let another process (a `package sync`, QField on a shared
folder) write the same package at the same time. The history checks had the same hazard
(issue 26 item 1, tests/test_history_while_recording.py); SQLite reads the header now.
"""
from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from offline.field.journal import FieldJournal
from offline.guard import StoreRefused
from offline.package.verify import verify

OTHER_WRITER = ("import sqlite3, sys\n"
                "con = sqlite3.connect(sys.argv[1], timeout=0)\n"
                "con.execute('BEGIN IMMEDIATE')\n")


def _another_process_can_write(path) -> bool:
    run = subprocess.run([sys.executable, "-c", OTHER_WRITER, str(path)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 or "locked" in run.stderr, run.stderr
    return run.returncode == 0


def test_checking_a_package_inside_a_write_keeps_it_locked(tmp_path):
    path = tmp_path / "held.gpkg"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("CREATE TABLE edits (x)")
    con.execute("BEGIN IMMEDIATE")  # the window's store in the middle of a surveyor's edit
    con.execute("INSERT INTO edits VALUES (1)")
    assert not _another_process_can_write(path)

    assert verify(path)  # not a package: problems found, and the file was looked at
    with pytest.raises(StoreRefused):
        FieldJournal().check(path)

    assert not _another_process_can_write(path), "a check released the window's lock on the package"
    con.execute("COMMIT")
    con.close()
    assert _another_process_can_write(path)


def test_a_file_that_is_not_sqlite_is_still_named_so(tmp_path):
    path = tmp_path / "notes.gpkg"
    path.write_text("field notes, not a database " * 10)
    assert verify(path) == ["sqlite header: not an SQLite database"]
    with pytest.raises(StoreRefused, match="not a field package \\(not an SQLite database\\)"):
        FieldJournal().check(path)
    assert path.read_text() == "field notes, not a database " * 10
