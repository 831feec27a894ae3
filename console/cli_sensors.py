"""``simulate`` and ``record`` subcommands (headless; no Qt is imported here).

    songjiang-console simulate --mqtt HOST:PORT [--rate N] [--count N | --duration S] [--batch K]
    songjiang-console record   --mqtt HOST:PORT (--db FILE | --store URL) [--duration S] [--client-id ID | --clean-session]
                               [--share GROUP [--leave]]

Both write a progress line (throughput, drops) to stderr every second and, when
done or on SIGINT/SIGTERM, exactly one JSON line to stdout:
{"received":…, "stored":…, "duplicates":…, "rejected":…, "reconnects":…, "dropped":…};
`simulate` adds "unacknowledged", `record` the broker's own drop counts ("broker_dropped":
what it dropped while record ran, "broker_dropped_total": its counter; null when unknown).
``console/cli.py`` calls ``add_subcommands``; ``python -m console.cli_sensors`` works alone.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)


def _hostport(text: str):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def _group(text: str) -> str:
    from console.feeds.shared import group_name
    try:
        return group_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _settings(args):
    from console.feeds.mqtt import MqttSettings

    host, port = args.mqtt
    return MqttSettings(host=host, port=port, username=args.username or "", tls=bool(args.tls_ca),
                        ca_certs=args.tls_ca or "", client_id=getattr(args, "client_id", "") or "",
                        qos=args.qos, allow_insecure=args.allow_insecure, share=getattr(args, "share", "") or "",
                        leave=bool(getattr(args, "leave", False)))


def _registry(args):
    from layers.sensors import loaders
    from layers.sensors.generate import generate

    src = args.registry
    if not src:
        return generate(args.terminals)
    if src.startswith(("http://", "https://")):
        from console.feeds.sta_http import read_sensorthings
        return read_sensorthings(src)
    return loaders.read_gpkg(src) if src.lower().endswith(".gpkg") else loaders.read_csv(src)


class _Stopper:
    """SIGINT/SIGTERM set an event instead of raising in the middle of a write; a second one, ``hurry``."""

    def __init__(self):
        self.event = threading.Event()
        self.hurry = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._signalled)

    def _signalled(self, *_):
        (self.hurry if self.event.is_set() else self.event).set()


def _said(error) -> str:
    """One line in the system locale's language (the English text is the catalogue key)."""
    from layers.messages import localize, system_language
    return localize(" ".join(str(error).split()), system_language())


def _final(counts: dict, extra: dict | None = None) -> None:
    keys = ("received", "stored", "duplicates", "rejected", "reconnects", "dropped", "dropped_at_stop", "held_back")
    out = {k: int(counts.get(k, 0)) for k in keys}
    out.update(extra or {})
    if counts.get("reasons"):
        out["rejected_reasons"] = counts["reasons"]
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _progress(name: str, counts: dict, rate: float, extra: str = "") -> None:
    sys.stderr.write(f"{name}: received={counts['received']} stored={counts['stored']} "
                     f"rate={rate:,.0f}/s dropped={counts['dropped']} rejected={counts['rejected']} "
                     f"reconnects={counts['reconnects']}{extra}\n")
    sys.stderr.flush()


def cmd_simulate(args) -> int:
    """Publish until --count/--duration, a signal, or a broker gone for --give-up-after seconds (status 2).

    The JSON line accounts for every reading handed to the publisher: received = stored
    (acknowledged) + dropped (refused) + unacknowledged (sent or queued, never confirmed).
    """
    from console.feeds.publisher import BrokerGone, Publisher
    from layers.sensors.simulator import Simulator

    stop = _Stopper()
    try:
        reg = _registry(args)
        pub = Publisher(_settings(args), batch=args.batch, give_up_after=args.give_up_after)
    except Exception as exc:  # bad registry, no keyring password: one clear line, no traceback
        sys.stderr.write(f"simulate: {_said(exc)}\n")
        return 1
    sim = Simulator(reg, seed=args.seed, rate=args.rate or 100_000.0)
    pub.start()
    start = last = time.monotonic()
    last_n, done, gone = 0, 0, None
    while not stop.event.is_set():
        now = time.monotonic()
        if args.duration is not None and now - start >= args.duration:
            break
        if args.count is not None and done >= args.count:
            break
        want = 2000
        if args.rate:
            want = min(want, int((now - start) * args.rate) - done)
        if args.count is not None:
            want = min(want, args.count - done)
        if want <= 0:
            stop.event.wait(0.002)
        else:
            b = sim.batch(want)
            try:
                pub.publish(reg.datastream[b.idx], b.times, b.values, stop.event)
            except BrokerGone as exc:
                gone = exc
                break
            done += len(b)
        if now - last >= 1.0:
            c = pub.counters.as_dict()
            _progress("simulate", c, (c["received"] - last_n) / (now - last))
            last, last_n = now, c["received"]
    signalled = stop.event.is_set()  # then only a connected broker's acknowledgements are waited for
    pub.finish(timeout=5.0 if signalled else 30.0, hurry=stop.hurry, reconnect=not signalled)
    if gone is None and pub.gone:
        gone = BrokerGone(pub.gone_reason())
    summary = pub.summary()
    _final(summary, {"unacknowledged": summary["unacknowledged"]})
    if gone is not None:
        sys.stderr.write(f"simulate: {_said(gone)}\n")
        return 2
    if summary["unacknowledged"]:
        sys.stderr.write(f"simulate: {summary['unacknowledged']} readings were never acknowledged by the broker "
                         f"({pub.last_error or 'no answer'})\n")
    return 0


def cmd_record(args) -> int:
    from layers.sensors.alarms import AlarmBook
    from console.feeds.mqtt import MqttFeed
    from console.record_session import DropWatch, SlowWatch, session_of
    from offline.guard import StoreRefused
    from offline.history import HistoryError
    from offline.pipeline import Pipeline
    from layers.sensors.state import SensorState

    stop = _Stopper()
    settings = _settings(args)
    try:
        history = _history(args)
    except ValueError as exc:  # a password on the command line
        sys.stderr.write(f"record: {_said(exc)}\n")
        return 2
    if args.share and not args.store or args.leave and not args.share:
        sys.stderr.write("record: --share splits the feed between recorders: it needs --store (a history file "
                         "evaluates alarms, which need every reading of a terminal); --leave needs --share\n")
        return 2
    try:
        settings.client_id, said, member = session_of(args.store or args.db, settings.client_id,
                                                      args.clean_session, args.share or "")
    except (OSError, RuntimeError) as exc:  # no cache folder to hold a member number in; 64 members here already
        sys.stderr.write(f"record: {_said(exc)}\n")
        return 2
    sys.stderr.write(f"record: {said}\n")
    if args.leave:
        sys.stderr.write("record: --leave: this member unsubscribes, stores what its session still holds, then "
                         "ends the session and stops\n")
    try:
        reg = _registry(args)
        state = SensorState(reg)
        feed = MqttFeed(reg, settings, watch_broker_drops=not args.leave)
        # into the store, alarms are not evaluated by each recorder (offline/store/recording.py)
        pipe = Pipeline(feed, state, None if args.store else AlarmBook(state), give_up_after_s=args.store_timeout,
                        **history).start()
    except (StoreRefused, HistoryError) as exc:  # a damaged or foreign history: named, left as it was
        sys.stderr.write(f"record: {_said(exc)}\n")
        return 3
    except Exception as exc:  # an unreadable registry, no keyring password: one line (README's exit codes)
        sys.stderr.write(f"record: {_said(exc)}\n")
        return 2
    drops, slow = DropWatch(feed), SlowWatch(reg, args.rate_window)
    start = last = time.monotonic()
    last_n, said_subscribed = 0, False
    while not stop.event.wait(0.2):
        now = time.monotonic()
        if not said_subscribed and feed.subscribed.is_set():  # from here the broker keeps readings for us
            sys.stderr.write(f"record: subscribed on {settings.host}:{settings.port} (QoS {settings.qos}): "
                             f"readings are stored from here\n")
            said_subscribed = True
        if args.duration is not None and now - start >= args.duration:
            break
        if pipe.error or not pipe.running or feed.fatal:
            break  # the recording ended itself: say why at once, never carry on storing nothing
        if args.leave and feed.drained():
            break  # what the broker kept for this member is stored: its session ends as record stops
        drops.check()
        slow.check(now, pipe.counters["received"])
        if now - last >= 1.0:
            c = pipe.counters.as_dict()
            note = drops.progress_note() + slow.progress_note()
            note += "" if feed.connected else f" DISCONNECTED {feed.last_error}"
            note += f" STORE RETRYING {pipe.retrying}" if pipe.retrying else ""
            _progress("record", c, (c["stored"] - last_n) / (now - last), note)
            last, last_n = now, c["stored"]
    if args.leave:
        sys.stderr.write(f"record: {_left(feed, settings)}\n")
    elif not (pipe.error or feed.fatal):
        drops.settle(stop.hurry)  # the broker's count as of now, not of its last tick up to 10 s ago
    pipe.stop(timeout=args.stop_timeout)
    if member is not None:
        member.close()  # the member number is free for the next recorder of the group on this machine
    _final(pipe.counters.as_dict(with_reasons=True), drops.summary())
    if pipe.error or feed.fatal:
        sys.stderr.write(f"record: {_said(pipe.error or feed.fatal)}\n")
        return 2
    return 0


def _left(feed, settings) -> str:
    if feed.drained():
        return (f"{settings.client_id} left group {settings.share!r}: what the broker kept for it is stored and "
                "its session ends; the group's other members take the whole feed")
    return (f"{settings.client_id} stopped before its session was emptied: the broker keeps the rest for it "
            "(run record --leave again)")


def _history(args) -> dict:
    """The pipeline's history: ``--db`` (a history file) or ``--store`` (the operations-centre store)."""
    retention = args.retention_days * 86400.0 if args.retention_days else None
    if not args.store:
        return {"history_path": args.db, "retention_s": retention}
    from console.store_login import password_for, refuse_argv_password
    from offline.store import conninfo
    from offline.store.recording import opener
    refuse_argv_password(args.store)
    name = conninfo.redact(args.store) if conninfo.is_postgres(args.store) else args.store
    return {"history_path": name, "retention_s": retention,
            "open_history": opener(args.store, password_for(args.store), retention)}


def _common(p):
    p.add_argument("--mqtt", required=True, type=_hostport, metavar="HOST:PORT")
    p.add_argument("--username", help="MQTT user; the password is read from the OS keyring")
    p.add_argument("--tls-ca", metavar="FILE", help="CA bundle; enables TLS")
    p.add_argument("--allow-insecure", action="store_true",
                   help="send the MQTT password without TLS (only on a network you trust)")
    p.add_argument("--qos", type=int, choices=(0, 1), default=1)
    p.add_argument("--registry", help="CSV, GeoPackage or SensorThings URL (default: built-in)")
    p.add_argument("--terminals", type=int, default=200_000, help="size of the built-in registry")


def add_subcommands(subparsers) -> None:
    p = subparsers.add_parser("simulate", help="publish simulated observations to an MQTT broker")
    _common(p)
    p.add_argument("--rate", type=float, default=1000.0, help="observations/s (0 = as fast as possible)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--count", type=int, help="publish exactly N observations, then stop")
    g.add_argument("--duration", type=float, metavar="S")
    p.add_argument("--batch", type=int, default=0, metavar="K",
                   help="K observations per message on the compact batch topic (0 = STA messages)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--give-up-after", type=float, default=5.0, metavar="S",
                   help="a broker unreachable this long ends simulate with status 2 (default 5)")
    p.set_defaults(func=cmd_simulate)
    p = subparsers.add_parser("record", help="store a broker's observations in the history database")
    _common(p)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", metavar="FILE", help="a sensor history file")
    where.add_argument("--store", metavar="URL", help="the operations-centre store (an SQLite file or postgresql://; "
                       "its password from PGPASSWORD, ~/.pgpass or the OS keyring): readings go to its observations")
    p.add_argument("--duration", type=float, metavar="S")
    p.add_argument("--retention-days", type=float)
    p.add_argument("--client-id", help="MQTT client id of the persistent session (default: songjiang-rec- and "
                   "a hash of the --db path, the same at every start, so the broker queues while record is away)")
    p.add_argument("--store-timeout", type=float, default=120.0, metavar="S",
                   help="how long a locked or full history is retried before record stops with status 2 (default 120)")
    p.add_argument("--share", metavar="GROUP", type=_group,
                   help="split the feed with the other recorders of GROUP (MQTT 5 shared subscription "
                   "$share/GROUP/…; needs --store); each keeps its own persistent session")
    p.add_argument("--leave", action="store_true",
                   help="with --share: take a member out of the group for good (the lowest member number no "
                   "recorder here holds, or --client-id): store what its session holds, then end the session")
    p.add_argument("--clean-session", action="store_true",
                   help="start a clean MQTT session: what is published while record is away is lost")
    p.add_argument("--rate-window", type=float, default=60.0, metavar="S",
                   help="warn when fewer readings than the registry's intervals promise arrive over S seconds "
                   "(under 80 %%; default 60)")
    p.add_argument("--stop-timeout", type=float, default=60.0, metavar="S",
                   help="on Ctrl+C/SIGTERM, seconds to store what is queued (the rest is counted as dropped_at_stop)")
    p.set_defaults(func=cmd_record)
    p = subparsers.add_parser("broker-config", help="print a mosquitto.conf with the settings record needs "
                              "(persistence, a session queue that outlasts a restart of record)")
    p.add_argument("--port", type=int, default=1883, help="the listener's port (default 1883)")
    p.add_argument("--persistence-location", default="/var/lib/mosquitto/", metavar="DIR",
                   help="where the broker saves sessions and queued readings (default /var/lib/mosquitto/)")
    p.set_defaults(func=cmd_broker_config)


def cmd_broker_config(args) -> int:
    from console.record_session import broker_config
    sys.stdout.write(broker_config(args.port, args.persistence_location))
    return 0


def main(argv=None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    parser = argparse.ArgumentParser(prog="songjiang-console")
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
