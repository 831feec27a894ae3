"""Writing a file so that a crash, a full disk or a kill never leaves half of it.

The content goes to a temporary file beside the target, is flushed to disk,
gets the permissions a normal new file would get (the umask's, not mkstemp's
0600), and only then replaces the target. On any failure the temporary file is
removed and the previous target, if any, is left as it was.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(target, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)``, then move the result onto ``target``; OSError names the target."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OSError(f"{target}: cannot write here ({exc.strerror or exc})") from exc
    os.close(fd)
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
    return target
