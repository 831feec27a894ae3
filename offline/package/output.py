"""Where ``package create`` may write: a new file, an empty one, a field package, or (with force) a file.

The package is renamed onto ``--out`` when complete, and a rename replaces whatever the name
holds: run as root, ``--out /dev/full`` turned the device into a regular file. So the name is
looked at first (and again just before the rename): a folder, a device, a pipe or a socket is
refused, ``--force`` or not; a regular file that is not a field package (a text, another
program's database) is replaced only with ``--force``; an older field package is replaced,
as a build is meant to. A symbolic link is judged by what it names; the rename replaces the
link itself, never the file it points to.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


class OutputRefused(ValueError):
    """``--out`` names something a package must not replace; str() is one line naming it (exit 2)."""


def check_output(out: Path, force: bool = False):
    out = Path(out)
    try:
        st = os.stat(out)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputRefused(f"{out}: cannot be written ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{out}: is a folder; give the package's file name")
    if not stat.S_ISREG(st.st_mode):
        raise OutputRefused(f"{out}: is a device, pipe or socket, not a file; a package only replaces a regular "
                            "file")
    if st.st_size == 0 or force:
        return
    from offline.package.verify import is_package
    if not is_package(out):
        raise OutputRefused(f"{out}: is not a field package; give --force to replace it")
