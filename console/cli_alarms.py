"""``songjiang-console alarms serve --store URL``: the operations centre's one alarm service (headless).

    songjiang-console alarms serve --store URL [--registry SRC | --terminals N] [--once] [--standby]
    (ack, clear, note, list: console/cli_alarm_requests.py)

Reads the readings the recorders store, in commit order, and keeps the alarms and their history in
the store (offline/store/alarm_service.py; why: docs/alarm-service.md). Progress lines go to stderr;
when it ends (Ctrl+C, SIGTERM, ``--once`` done) exactly one JSON line to stdout:
{"readings":…, "unknown":…, "events":…, "steps":…, "reconnects":…, "checkpoint":…}.
Exit status: 0; 2 usage, or the store unreachable past ``--store-timeout``, or another service took
over; 3 a refused store (damaged, foreign, a role without the right) or another service running.
"""
from __future__ import annotations

import json
import sys


def add_subcommand(sub):
    al = sub.add_parser("alarms", help="the operations centre's alarm service")
    cmds = al.add_subparsers(dest="alarms_command", required=True)
    serve = cmds.add_parser("serve", help="evaluate the alarm rules over the stored readings, in commit order, "
                            "keeping alarms and their history in the store")
    serve.add_argument("--store", required=True, metavar="URL",
                       help="the operations-centre store (an SQLite file or postgresql://; its password from "
                       "PGPASSWORD, ~/.pgpass or the OS keyring)")
    serve.add_argument("--registry", help="CSV, GeoPackage or SensorThings URL of the terminals (default: built-in; "
                       "the recorders' own)")
    serve.add_argument("--terminals", type=int, default=200_000, help="size of the built-in registry")
    serve.add_argument("--once", action="store_true", help="evaluate what is stored now, then stop")
    serve.add_argument("--standby", action="store_true",
                       help="when another service runs, wait and take over when it stops (instead of refusing)")
    serve.add_argument("--poll", type=float, default=0.5, metavar="S", help="seconds between looks when idle")
    serve.add_argument("--store-timeout", type=float, default=300.0, metavar="S",
                       help="how long an unreachable store is waited for before the service stops with status 2")
    serve.add_argument("--lang", choices=("zh", "en"), help="language of errors")
    serve.set_defaults(func=cmd_serve)
    from console.cli_alarm_requests import add_arguments
    add_arguments(cmds)  # ack, clear, note, list: the operators' side


def cmd_serve(args) -> int:
    from console.cli_sensors import _registry, _Stopper
    from layers.messages import localize, system_language
    from console.store_login import password_for, refuse_argv_password
    from offline.store.alarm_lease import Busy
    from offline.store.alarm_service import AlarmService, StoreLost
    from offline.store.alarm_state import TakenOver

    refuse_argv_password(args.store)
    stop = _Stopper()  # SIGINT/SIGTERM end the step under way, then stop: a step is committed whole or not
    reg = _registry(args)

    def report(text):
        sys.stderr.write(f"alarms: {text}\n")
        sys.stderr.flush()

    service = AlarmService(args.store, reg, password_for(args.store), poll_s=args.poll,
                           give_up_after_s=args.store_timeout, report=report)
    status = 0
    try:
        service.run(stop.event, once=args.once, standby=args.standby)
    except Busy as exc:
        report(localize(str(exc), args.lang or system_language()))
        status = 3
    except (StoreLost, TakenOver) as exc:
        report(localize(str(exc), args.lang or system_language()))
        status = 2
    out = {**service.counts, "checkpoint": service.position}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return status
