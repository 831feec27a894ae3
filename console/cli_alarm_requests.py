"""``songjiang-console alarms ack|clear|note|assign|list``: an operator's word on the store's alarms (issue 22 item 4).

    songjiang-console alarms ack ALARM_ID --store URL --as NAME [--note TEXT] [--wait S]
    songjiang-console alarms clear ALARM_ID --store URL --as NAME [--note TEXT] [--wait S]
    songjiang-console alarms note ALARM_ID --store URL --as NAME --note TEXT [--wait S]
    songjiang-console alarms assign ALARM_ID --to NAME --store URL --as NAME [--wait S]
    songjiang-console alarms list --store URL [--json]

ack/clear/note/assign insert a request (offline/store/alarm_requests.py) that the alarm service applies in its
next step, and print one JSON line: {"request", "alarm", "action", "outcome"} (``outcome`` null while
pending; ``--wait S`` waits up to S seconds for the service). ``list`` shows the open alarms with who
acknowledged them (every operator, in order), whom they are assigned to, their notes and the requests
still pending.
Exit status: 0; 2 usage (no such alarm, already cleared, no name); 3 a refused store or a role that
may not ask (the viewer: one line naming the role).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def add_arguments(cmds):
    for action, text in (("ack", "acknowledge an alarm"), ("clear", "clear an alarm (a known fault)"),
                         ("note", "add a note to an alarm")):
        p = cmds.add_parser(action, help=f"{text}: a request the alarm service applies in its next step")
        p.add_argument("alarm", type=int, metavar="ALARM_ID")
        _store(p)
        p.add_argument("--as", dest="who", required=True, metavar="NAME", help="the operator's name (the history's who)")
        p.add_argument("--note", default="", required=action == "note", metavar="TEXT", help="the operator's words")
        p.add_argument("--wait", type=float, default=0.0, metavar="S",
                       help="wait up to S seconds for the alarm service to apply it")
        p.set_defaults(func=cmd_request, action=action)
    p = cmds.add_parser("assign", help="assign an alarm to someone: a request the alarm service applies in its next step")
    p.add_argument("alarm", type=int, metavar="ALARM_ID")
    _store(p)
    p.add_argument("--to", dest="note", required=True, metavar="NAME", help="whom the alarm is assigned to")
    p.add_argument("--as", dest="who", required=True, metavar="NAME", help="the operator's name (the history's who)")
    p.add_argument("--wait", type=float, default=0.0, metavar="S",
                   help="wait up to S seconds for the alarm service to apply it")
    p.set_defaults(func=cmd_request, action="assign")
    ls = cmds.add_parser("list", help="the open alarms, who acknowledged them, their notes and pending requests")
    _store(ls)
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=cmd_list)


def _store(p):
    p.add_argument("--store", required=True, metavar="URL", help="the operations-centre store (SQLite file or "
                   "postgresql://; its password from PGPASSWORD, ~/.pgpass or the OS keyring)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of errors")


def _open(url):
    from console.store_login import password_for, refuse_argv_password
    from offline.store import conninfo, open_store
    refuse_argv_password(url)
    if not conninfo.is_postgres(url) and not Path(url).is_file():  # never make a store by asking about one
        raise ValueError(f"{url}: no store there (store init or alarms serve makes one)")
    return open_store(url, password_for(url), seed=False)


def cmd_request(args) -> int:
    from offline.store import alarm_requests
    store = _open(args.store)
    try:
        rid = alarm_requests.submit(store, args.alarm, args.action, args.who, args.note)
        end = time.monotonic() + max(0.0, args.wait)
        row = alarm_requests.request(store, rid)
        while row["outcome"] is None and time.monotonic() < end:
            time.sleep(0.1)
            row = alarm_requests.request(store, rid)
    finally:
        store.close()
    out = {"request": rid, "alarm": args.alarm, "action": args.action, "outcome": row["outcome"]}
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


def cmd_list(args) -> int:
    from offline.store.alarm_history import open_with_acknowledgements
    store = _open(args.store)
    try:
        alarms = open_with_acknowledgements(store)
    finally:
        store.close()
    if args.json:
        sys.stdout.write(json.dumps(alarms, ensure_ascii=False) + "\n")
        return 0
    for a in alarms:
        acks = ", ".join(k["who"] for k in a["acknowledgements"]) or "-"
        pending = f"  pending: {', '.join(p['action'] + ' by ' + p['who'] for p in a['pending'])}" if a["pending"] else ""
        sys.stdout.write(f"{a['id']}\tdatastream {a['datastream']}\tseverity {a['severity']}\t{a['status']}\t"
                         f"acknowledged by {acks}\tassigned to {a['assignee'] or '-'}{pending}\n")
    return 0
