"""Issue 22 item 2: single SensorThings messages at QoS 1 stored by 1 and by 2 `record --share` members.

One Mosquitto (queues unbounded, 1000 in flight), one PostgreSQL store (bench/pg_cluster.py: fsync
on), a 200,000-terminal registry. For N = 1 then 2: N members of one group (`record --store URL
--share GROUP --client-id GROUP-k`, a group per store) subscribe and are stopped with Ctrl+C (their persistent
sessions stay); two `simulate --rate 0 --qos 1` publishers then send COUNT single messages each,
which the broker queues in the members' sessions, round robin; the N members are started again and
drain them. The rate is the store's new rows over the time from the first to the last of them, so
the publishers (the terminals, on other machines in a city) do not share the two cores with what is
measured: the broker, the members and PostgreSQL. An SQLite store with 1 member is measured the
same way for comparison (two members on one SQLite file take turns at its one write lock).
Both N in the same run, and their ratio.

The first version measured with the publishers running and waited on them with a 60 s timeout:
on this shared machine two members on one SQLite file stored ~300 msg/s, the publishers outlived
the wait and the script ended on TimeoutExpired before printing a figure.
Run: python -m bench.bench_record_share
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import emit  # noqa: E402

COUNT = 60_000  # per publisher
PUBLISHERS = 2
TERMINALS = 200_000
TARGET = 20_000


def cli(*args, log: Path | None = None) -> subprocess.Popen:
    err = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 — the child holds it
    return subprocess.Popen([sys.executable, "-m", "console.cli_sensors", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=err, text=True)


def proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far."""
    import os
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Probe:
    """The store's row count, and the CPU used so far by the broker, the members and (PostgreSQL) their
    server processes: per message, the per-core figures docs/scaling.md sizes from."""

    def __init__(self, url: str, broker_pid: int):
        self.url, self.broker_pid, self.con = url, broker_pid, None
        if url.startswith("postgresql://"):
            import psycopg
            self.con = psycopg.connect(url, autocommit=True)

    def count(self) -> int:
        try:
            if self.con is not None:
                return self.con.execute("SELECT count(*) FROM observations").fetchone()[0]
            from layers.sqlite_uri import connect_ro
            con = connect_ro(Path(self.url), timeout=5)
            try:
                return con.execute("SELECT count(*) FROM observations").fetchone()[0]
            finally:
                con.close()
        except Exception:  # noqa: BLE001 — not made yet
            return 0

    def cpu(self, procs) -> tuple[float, float, float]:
        """(broker, members, PostgreSQL backends of the members) CPU seconds so far."""
        server = 0.0
        if self.con is not None:
            pids = self.con.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid()").fetchall()
            server = sum(proc_cpu_s(p) for (p,) in pids)
        return proc_cpu_s(self.broker_pid), sum(proc_cpu_s(p.pid) for p in procs), server

    def close(self):
        if self.con is not None:
            self.con.close()


def members(port: int, url: str, n: int, tmp: Path, round_: str):
    procs, logs = [], []
    group = f"bench-{Path(url).stem}-{n}"  # one group, and sessions, per store: nothing left over from another run
    for k in range(1, n + 1):
        log = tmp / f"{group}-{k}-{round_}.log"
        procs.append(cli("record", "--mqtt", f"127.0.0.1:{port}", "--store", url, "--share", group,
                         "--client-id", f"{group}-{k}", "--terminals", TERMINALS, log=log))
        logs.append(log)
        if k == 1 and round_ == "subscribe":  # the first member makes the store's schema; the next ones open it
            wait_subscribed(procs[:1], logs[:1])
    return procs, logs


def wait_subscribed(procs, logs, seconds: float = 180):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if all("record: subscribed on " in log.read_text() for log in logs):
            return
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a member stopped: " + " | ".join(log.read_text()[-300:] for log in logs))
        time.sleep(0.2)
    raise RuntimeError("members did not subscribe")


def stop(procs):
    for p in procs:
        p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()


def run(port: int, broker_pid: int, url: str, n: int, tmp: Path) -> dict:
    """Messages stored per second by ``n`` members draining what was queued for them, rows stored, and
    CPU seconds per 1,000 messages: broker (publish in + delivery out), members, PostgreSQL."""
    procs, logs = members(port, url, n, tmp, "subscribe")
    wait_subscribed(procs, logs)
    stop(procs)  # the sessions keep the group's share from here
    probe = Probe(url, broker_pid)
    before = probe.count()
    broker0 = proc_cpu_s(broker_pid)
    pubs = [cli("simulate", "--mqtt", f"127.0.0.1:{port}", "--rate", 0, "--count", COUNT, "--qos", 1,
                "--terminals", TERMINALS, "--seed", seed + 10 * n) for seed in range(1, PUBLISHERS + 1)]
    for p in pubs:
        p.communicate(timeout=900)
    broker_in = proc_cpu_s(broker_pid) - broker0
    procs, logs = members(port, url, n, tmp, "drain")
    # two publishers may send the same (Datastream, time) now and then: the store keeps one, so the
    # count may end a little under COUNT × PUBLISHERS; done when it stays put for 5 s
    first = last = None
    got = before
    end = time.monotonic() + 900
    while time.monotonic() < end:
        now_count, now = probe.count(), time.perf_counter()
        if now_count != got:
            if first is None:
                first, base, cpu0 = now, got, probe.cpu(procs)
            got, last, cpu1 = now_count, now, probe.cpu(procs)
        elif last is not None and (got - before >= COUNT * PUBLISHERS or now - last > 5.0):
            break
        time.sleep(0.2)
    stop(procs)
    probe.close()
    if first is None or last <= first:
        return {"rate": 0.0, "stored": got - before}
    drained = got - base
    per_k = [(b - a) * 1000.0 / drained for a, b in zip(cpu0, cpu1)]
    sent = COUNT * PUBLISHERS
    return {"rate": drained / (last - first), "stored": got - before,
            "broker": per_k[0] + broker_in * 1000.0 / sent, "members": per_k[1], "server": per_k[2]}


def main():
    from bench import pg_cluster
    from bench.bench_sensors import start_broker
    tmp = Path(tempfile.mkdtemp(prefix="bench-record-share-"))
    broker, port = start_broker(tmp)
    cluster = pg_cluster.start()
    try:
        one = run(port, broker.pid, cluster.new_database(), 1, tmp)
        two = run(port, broker.pid, cluster.new_database(), 2, tmp)
        lite = run(port, broker.pid, str(tmp / "store.sqlite"), 1, tmp)
    finally:
        broker.kill()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    sent = COUNT * PUBLISHERS
    emit("record --share: single STA messages QoS 1 stored, 1 member (PostgreSQL store)", round(one["rate"]),
         "msg/s", "report", True, stored=one["stored"], sent=sent)
    emit("record --share: single STA messages QoS 1 stored, 2 members (PostgreSQL store)", round(two["rate"]),
         "msg/s", f"≥ {TARGET:,}", two["rate"] >= TARGET, stored=two["stored"], sent=sent)
    emit("record --share: 2 members / 1 member, same run", round(two["rate"] / one["rate"], 2) if one["rate"] else 0.0,
         "x", "report", True)
    for what, key in (("Mosquitto (publish in + deliver out)", "broker"), ("the record members", "members"),
                      ("PostgreSQL (the members' backends)", "server")):
        emit(f"CPU per 1,000 single messages, {what}, 2 members", round(two.get(key, 0.0), 3), "CPU-s", "report", True)
    emit("record: single STA messages QoS 1 stored, 1 recorder, SQLite store (same run)", round(lite["rate"]),
         "msg/s", "report", True, stored=lite["stored"], sent=sent)


if __name__ == "__main__":
    main()
