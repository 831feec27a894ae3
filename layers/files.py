"""Writing a file so that a crash, a full disk or a kill never leaves half of it.

The content goes to a temporary file beside the target, is flushed to disk,
gets the permissions a normal new file would get (the umask's, not mkstemp's
0600), and only then replaces the target. On any failure the temporary file is
removed and the previous target, if any, is left as it was.

A process killed outright (SIGKILL, a power cut) cannot remove its temporary file,
so each write first sweeps the ones of its own target that a dead process left:
named as we name them (".<target>.<8 characters>.part"), older than this process,
and (where the system has advisory locks) not locked — a writer holds a lock on its
temporary file until it is done, and the system drops it when the writer dies.
SIGTERM ends the headless commands through their ``finally`` blocks (console/stop.py),
so they remove theirs themselves.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Callable

try:
    import fcntl
except ImportError:  # Windows: a file another process has open cannot be removed anyway
    fcntl = None

log = logging.getLogger(__name__)
_STARTED = time.time()  # temporary files newer than this may belong to a writer that is still going


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _temp_name(name: str) -> re.Pattern:
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.part")  # tempfile.mkstemp's names


def sweep_stale(target) -> list[Path]:
    """Remove the temporary files of ``target`` that a killed writer left; returns what was removed."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = _temp_name(target.name)
    removed = []
    try:
        candidates = [p for p in folder.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return removed
    for path in candidates:
        try:
            if path.stat().st_mtime >= _STARTED:
                continue
            with open(path, "rb") as fh:
                if fcntl is not None:
                    try:
                        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        continue  # its writer is alive and holds it
                path.unlink()
        except OSError:
            continue
        log.info("removed %s, left by a writer that was killed", path)
        removed.append(path)
    return removed


def try_lock(fd: int) -> bool:
    """An exclusive advisory lock on an open file, without waiting; the system frees it when the holder
    closes the file or dies (a recorder's member number, the one alarm service of an SQLite store)."""
    if fcntl is None:  # Windows: a byte-range lock, likewise freed when the process ends
        import msvcrt
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def atomic_write(target, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)``, then move the result onto ``target``; OSError names the target."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    sweep_stale(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OSError(f"{target}: cannot write here ({exc.strerror or exc})") from exc
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until we are done: "alive" for sweep_stale
    else:
        os.close(fd)
        fd = None
    tmp = Path(tmp)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise OSError(f"{target}: cannot write ({exc.strerror or exc})") from exc
    finally:
        tmp.unlink(missing_ok=True)
        if fd is not None:
            os.close(fd)
    return target
