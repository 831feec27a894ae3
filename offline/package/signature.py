"""The centre's signature on a field package: HMAC-SHA256 of its content checksum, keyed.

The content checksum (checksum.py) has no key: whoever edits a package outside the console
recomputes it, and the package still passes. The signature is keyed with a secret kept in the
user's config folder (layers/paths.py, created with mode 0600 by the first ``package create``)
and never written into a package, so only the centre that made a package can sign it, and
that centre tells a package edited elsewhere (or made by another centre) by its signature.
A surveyor's laptop has no key and cannot check it: there a package rests on its checksum (is
it whole?) and on the rules that make it data, never paths (verify.py). The signature covers
what the checksum covers; field edits (``hbim_*``, ``field_*``) change and are not signed.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3

from layers import paths
from offline.guard import StoreRefused
from offline.package.checksum import content_sha256

KEY_BYTES = 32
_DOMAIN = b"songjiang-console field package signature v1\n"


def load_key() -> bytes | None:
    """This machine's centre key; None where no package was ever made (a surveyor's laptop)."""
    path = paths.package_key()
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise StoreRefused(f"{path}: unreadable package signing key ({exc}); restore it from a backup") from None
    if len(key) < KEY_BYTES:
        raise StoreRefused(f"{path}: unreadable package signing key (shorter than {KEY_BYTES} bytes); "
                           "restore it from a backup")
    return key


def ensure_key() -> bytes:
    """The key, made on first use: random, readable by this user only, written once (never replaced)."""
    key = load_key()
    if key is not None:
        return key
    path = paths.package_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return load_key()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(KEY_BYTES) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return load_key()


def sign(digest: str, key: bytes) -> str:
    return hmac.new(key, _DOMAIN + digest.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def seal(con: sqlite3.Connection):
    """Write the content checksum and this centre's signature into package_meta (the last step of create)."""
    digest = content_sha256(con)
    con.executemany("INSERT OR REPLACE INTO package_meta VALUES (?, ?)",
                    [("content_sha256", digest), ("signature", sign(digest, ensure_key()))])


def signature_problem(meta: dict) -> str | None:
    """None when this machine has no key or the package carries this centre's signature; else the problem."""
    key = load_key()
    if key is None:
        return None
    if hmac.compare_digest(str(meta.get("signature", "")), sign(str(meta.get("content_sha256", "")), key)):
        return None
    return ("signature: not signed by this centre; made by another centre or an older console, or its "
            "delivered content was changed outside the console")
