"""Child process of the sync crash test: one sync, in small batches, until done or killed.

Usage: python tests/sync_child.py PACKAGE STORE BATCH. Prints "start" once the store is
open and one line per committed batch, so the parent kills it mid-sync.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from offline.store import open_store  # noqa: E402
from offline.store.sync import sync  # noqa: E402


def main(package: str, url: str, batch: int):
    store = open_store(url)
    print("start", flush=True)
    sync(package, store, batch=batch, progress=lambda done, total: print(done, total, flush=True))
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
