"""``package qgis FILE``: the package's QGIS project as a ``.qgz`` file beside it, what QField opens.

QGIS opens the project kept inside the package (qgis_project.py). QField and QFieldCloud open
project *files* only: a folder (or ZIP) holding a .qgs/.qgz and the data it names by a relative
path (QField's "Import project from folder/ZIP"). This writes that file for the package as it is
named now (a package renamed since it was made names itself again), from the package's own
content after every check of ``package verify`` passed; the package is only read. The file's name
and folder come from the user (default: beside the package, its name with ``.qgz``), never from
the package, and it is written under a temporary name and renamed into place; only a regular file
(or nothing) is ever replaced.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from pathlib import Path, PurePosixPath

from layers.sqlite_uri import connect_ro
from offline.guard import StoreRefused
from offline.package import qgis_project
from offline.package.verify import open_package


def _relative(package: Path, out: Path) -> str:
    """The package as the project names it: a path relative to the project file's folder, with forward slashes."""
    rel = os.path.relpath(package.resolve(), out.resolve().parent)
    return str(PurePosixPath(*Path(rel).parts))


def write_qgz(package, out=None, language: str = "zh") -> Path:
    package = Path(package)
    meta = open_package(package)  # StoreRefused (exit 3) naming the check; the package is left as it was
    out = Path(out) if out else package.with_suffix(".qgz")
    if out.suffix.lower() != ".qgz":
        raise ValueError(f"{out}: a QGIS project file for QField ends in .qgz")
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise ValueError(f"{out}: is not a regular file; the project is written only as a new or replaced file")
    con = connect_ro(package)
    try:
        xml, _ = qgis_project.project_xml(con, _relative(package, out), package.stem, language,
                                          meta.get("project_crs") or "EPSG:4549")
    except sqlite3.DatabaseError as exc:  # damage the checks did not reach: one line naming the package
        raise StoreRefused(f"{package}: damaged field package ({exc})") from None
    finally:
        con.close()
    with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.stem}.", suffix=".part", delete=False) as fh:
        tmp = Path(fh.name)  # a new file of our own (O_EXCL), never one already there
        fh.write(qgis_project.qgz(xml, package.stem))
    os.chmod(tmp, 0o644)  # a project file to share, not a secret (a temporary file is made 0600)
    try:
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
