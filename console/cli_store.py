"""`songjiang-console store init`: give an operations-centre store the records field packages are cut from.

A new store gets them when it is first opened (offline/store ``open_store``); this command is for a
store that was used before it had them (made by an older console: every field edit of an existing
record then met a record the centre never had). It adds each record the store lacks and its change
log never names (a record the centre deleted or changed stays as the centre left it), in one
transaction, and prints how many it added.
"""
from __future__ import annotations

import sys
from pathlib import Path


def add_subcommand(sub):
    st = sub.add_parser("store", help="the operations-centre store")
    cmds = st.add_subparsers(dest="store_command", required=True)
    init = cmds.add_parser("init", help="add the records field packages are cut from (those the store lacks)")
    init.add_argument("--store", help="SQLite file or postgresql://… URL (default $SONGJIANG_STORE or ops-store.sqlite)")
    init.add_argument("--records", metavar="HBIM_DB", help="the record store packages are cut from "
                      "(default $SONGJIANG_HBIM_DB or hbim.sqlite in the data folder)")
    init.add_argument("--lang", choices=("zh", "en"), help="language of errors")
    init.set_defaults(func=cmd_init)


def cmd_init(args) -> int:
    from console.store_login import open_store, refuse_argv_password
    from offline.hbim_seeding import source_records
    refuse_argv_password(args.store)
    if args.records and not Path(args.records).is_file():  # never a new record store made where a name was mistyped
        raise FileNotFoundError(f"{args.records}: HBIM record store not found")
    rows = source_records(args.records)  # a refused record store is told before the centre is touched
    store = open_store(args.store)  # a new one fills itself here
    try:
        added = store.initialise(rows, force=True)
        sys.stdout.write(f"{store.url}: {added} records added, {sum(map(len, rows.values()))} in the source\n")
    finally:
        store.close()
    return 0
