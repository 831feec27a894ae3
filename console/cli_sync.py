"""`songjiang-console package sync|conflicts|photo`: field packages against the operations-centre store.

``sync`` sends a package's outbox into the store (offline/store/sync.py), then brings the
centre's changes since the package's base version into it (offline/store/pull.py), and prints
one JSON line of counts (``"received"``: what came back); a damaged outbox row is quarantined,
with one line on stderr naming the package and the edit. ``conflicts`` lists what waits for
review (quarantined edits included), or with ``--package`` a package's own list; ``photo`` adds photos (files or a camera folder) to a package headless,
as the window does. STORE is an SQLite file or a PostgreSQL ``postgresql://user@host:port/db``
URL or keyword string (default: $SONGJIANG_STORE, else ops-store.sqlite in the user data
folder); its password never on the command line (console/store_login.py says where it comes from).
"""
from __future__ import annotations

import json
import sys


def add_subcommands(sub, package=None):
    """Add ours under ``package`` (made here when part of the CLI has not made it yet)."""
    if package is None:
        pk = sub.add_parser("package", help="field packages: sync into the operations-centre store, conflicts, photos")
        package = pk.add_subparsers(dest="package_command", required=True)
    sy = package.add_parser("sync", help="send a package's field edits into the operations-centre store "
                            "(idempotent, resumable)")
    sy.add_argument("file", help="the field package (.gpkg)")
    sy.add_argument("--store", help="SQLite file or postgresql://… URL (default $SONGJIANG_STORE or ops-store.sqlite)")
    sy.add_argument("--lang", choices=("zh", "en"), help="language of errors (default: the system locale)")
    sy.set_defaults(func=cmd_sync)
    co = package.add_parser("conflicts", help="list the conflicts waiting for review in the store (or a package's)")
    co.add_argument("--store", help="as for sync")
    co.add_argument("--package", metavar="FILE", help="list a field package's conflicts instead, as its last sync "
                    "left them (the centre's conflicts of that package, and those found before its edits were sent)")
    co.add_argument("--lang", choices=("zh", "en"), help="language of the listing (default: the system locale)")
    co.add_argument("--json", action="store_true", help="one JSON line per conflict (raw values, and as shown)")
    co.set_defaults(func=cmd_conflicts)
    ph = package.add_parser("photo", help="add photos (files, or every photo in a camera folder) to a package")
    ph.add_argument("file", help="the field package (.gpkg)")
    ph.add_argument("photos", nargs="+", help="photo files or camera folders")
    ph.add_argument("--component", required=True, metavar="GLOBALID", help="the HBIM component photographed")
    ph.add_argument("--damage", default="", metavar="ID", help="a damage record the photos document")
    ph.add_argument("--profile", metavar="NAME[/TEAM]", help="who took them (saved as this machine's field profile)")
    ph.add_argument("--lang", choices=("zh", "en"))
    ph.set_defaults(func=cmd_photo)


def _store(args):
    from console.store_login import open_store, refuse_argv_password
    refuse_argv_password(args.store)
    return open_store(args.store)


def cmd_sync(args) -> int:
    from console.store_login import refuse_argv_password
    from offline.store.sync import check_package, sync
    refuse_argv_password(args.store)  # a usage error first: nothing read, nothing written
    check_package(args.file)  # a refused package creates no store (sync() checks it again before it reads)
    store = _store(args)
    try:
        report = sync(args.file, store)
    except Exception as exc:
        if type(exc).__module__.startswith("psycopg"):  # the server went away mid-sync: resumable, say so
            from offline.store.conninfo import scrub
            raise OSError(f"{store.url}: sync interrupted ({scrub(' '.join(str(exc).split()))}); run it again to "
                          "resume") from None
        raise
    finally:
        store.close()
    from layers.messages import localize, system_language
    lang = args.lang or system_language()
    for line in report.lines():  # a damaged edit: named, set aside, and the rest synced
        sys.stderr.write(f"songjiang-console: {localize(line, lang)}\n")
    sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    return 0


RAW = ("id", "tbl", "key", "field", "base", "field_value", "store_value", "author", "edited_at", "package_id",
       "edit_id", "reason")


def cmd_conflicts(args) -> int:
    """Each conflict as a reviewer reads it (the record's and fields' names, old and new values, photos by
    name: offline/store/describe.py), or with ``--json`` one line each, raw and as shown. ``--package``: the
    package's own list (offline/field/pulled.py), read without writing to it."""
    from layers import i18n
    from layers.messages import system_language
    from offline.store.describe import describe
    i18n.set_language(args.lang or system_language())
    if args.package:
        from offline.field.pulled import PackageRecords
        from offline.store.sync import check_package
        check_package(args.package)  # every check of `package verify` (read only)
        source = PackageRecords(args.package)
    else:
        source = _store(args)
    try:
        for c in source.conflicts():
            d = describe(source, c)
            if args.json:
                shown = {k: d[k] for k in ("record", "field", "base", "field_value", "store_value", "photos")}
                raw = {k: c.get(k) for k in RAW}
                if args.package:
                    raw.update(origin=c["origin"], status=c["status"])
                sys.stdout.write(json.dumps({**raw, "shown": shown}, ensure_ascii=False) + "\n")
                continue
            when = (c["edited_at"] or "")[:16].replace("T", " ")
            sys.stdout.write(f"{d['record']} — {d['field']}\n"
                             + "".join(f"  {i18n.tr('field.col.' + k)}: {d[k]}\n"
                                       for k in ("base", "field_value", "store_value"))
                             + f"  {c['author']} · {when} · {i18n.tr('field.conflict.line', id=c['id'])}\n\n")
    finally:
        source.close()
    return 0


def cmd_photo(args) -> int:
    from pathlib import Path

    from offline.field import profile
    from offline.field.photos import add_photo, import_folder
    from offline.records import open_records
    store = open_records(args.file, package=True)  # checked first: a refused package leaves no profile written
    try:
        if args.profile:
            store.journal.profile = profile.set_from_text(args.profile)
        for p in map(Path, args.photos):
            shas = import_folder(store, p, args.component, args.damage) if p.is_dir() else \
                [add_photo(store, p, args.component, args.damage)]
            sys.stdout.write("".join(f"{sha}  {p}\n" for sha in shas))
    finally:
        store.close()
    return 0
