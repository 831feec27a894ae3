"""``package sign``: the centre vouches for a package it did not sign, as a person's decision.

A package made before signatures (or by another centre) is refused where the centre's key is
(signature.py). Someone who has looked at it may sign it as it is now: every other check of
``verify`` must pass, and the signature is the one row written.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from offline.guard import StoreRefused
from offline.package.checksum import content_sha256
from offline.package.signature import ensure_key, sign
from offline.package.verify import verify


def adopt(path) -> str:
    """The centre vouches for a package it did not sign (made before signatures, or by another centre).

    A person's decision (``package sign``), never automatic: every other check must pass, and the
    one row written is the signature, over the content as it is now; returns that signature."""
    path = Path(path)
    problems = verify(path)
    if problems and not problems[0].startswith("signature:"):
        check, _, detail = problems[0].partition(": ")
        raise StoreRefused(f"{path}: field package refused by the {check} check ({detail})")
    con = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")  # no edit between the check of the checksum and the signature
        digest = content_sha256(con)
        recorded = con.execute("SELECT value FROM package_meta WHERE key='content_sha256'").fetchone()
        if recorded is None or recorded[0] != digest:
            con.execute("ROLLBACK")
            raise StoreRefused(f"{path}: field package refused by the content checksum check (the delivered "
                               "content differs from what was packaged)")
        signature = sign(digest, ensure_key())
        con.execute("INSERT OR REPLACE INTO package_meta VALUES ('signature', ?)", (signature,))
        con.execute("COMMIT")
    finally:
        con.close()
    return signature
