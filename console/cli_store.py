"""`songjiang-console store init`: give an operations-centre store the records field packages are cut from.

A new store gets them when it is first opened (offline/store ``open_store``); this command is for a
store that was used before it had them (made by an older console: every field edit of an existing
record then met a record the centre never had). It adds each record the store lacks and its change
log never names (a record the centre deleted or changed stays as the centre left it), in one
transaction, and prints how many it added.

On PostgreSQL it also brings the schema to the latest version (offline/store/migrations.py) and makes
the group roles with their least privileges (offline/store/roles.py), run as the store's owner; run
again it changes nothing. ``--login-role NAME:GROUP`` adds a login role to a group, without a password
(its owner sets one with psql's ``\\password NAME``: a password never goes on a command line).
SQLite has no roles: ``--login-role`` there is a usage error.
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
                      "(default hbim.sqlite in the data folder)")
    init.add_argument("--login-role", action="append", default=[], metavar="NAME:GROUP",
                      help="PostgreSQL: a login role NAME (made without a password) in GROUP: viewer, operator, alarms, "
                      "recorder or field_sync (repeatable)")
    init.add_argument("--project", metavar="FILE.sjproj", help="PostgreSQL: the project whose restricted layers "
                      "only the centre's roles may read")
    init.add_argument("--lang", choices=("zh", "en"), help="language of errors")
    init.set_defaults(func=cmd_init)


def cmd_init(args) -> int:
    from console.store_login import open_store, refuse_argv_password
    from offline.hbim_seeding import source_records
    from offline.store import conninfo, roles
    from layers import paths
    refuse_argv_password(args.store)
    logins = [_login(text) for text in args.login_role]
    postgres = conninfo.is_postgres(str(args.store or paths.ops_store()))
    if not postgres and (logins or args.project):
        raise ValueError(f"{'--login-role' if logins else '--project'}: an SQLite store has no roles (whoever may "
                         "read the file reads all of it); roles are PostgreSQL's")
    restricted = ()
    if args.project:
        from offline.package.create import restricted_of
        restricted = restricted_of(args.project)
    if args.records and not Path(args.records).is_file():  # never a new record store made where a name was mistyped
        raise FileNotFoundError(f"{args.records}: HBIM record store not found")
    rows = source_records(args.records)  # a refused record store is told before the centre is touched
    store = open_store(args.store)  # a new one fills itself here
    try:
        added = store.initialise(rows, force=True)
        sys.stdout.write(f"{store.url}: {added} records added, {sum(map(len, rows.values()))} in the source\n")
        if postgres:
            with store.tx("create the store's roles and grant their privileges"):
                hidden = roles.apply(store, restricted, logins)
            sys.stdout.write(f"{store.url}: roles {', '.join(roles.PREFIX + g for g in roles.GROUPS)} set"
                             + (f"; restricted: {', '.join(hidden)}" if hidden else "") + "\n")
    finally:
        store.close()
    return 0


def _login(text: str) -> tuple[str, str]:
    """``NAME:GROUP`` (a usage error otherwise)."""
    from offline.store import roles
    name, sep, group = text.partition(":")
    if not sep or not name:
        raise ValueError(f"--login-role {text}: expected NAME:GROUP (GROUP one of {', '.join(roles.GROUPS)})")
    roles.ident(name)
    return name, roles.group(group)
