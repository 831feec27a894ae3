"""A throw-away PostgreSQL + PostGIS cluster on a free loopback port, for the store tests.

Like tests/mosquitto.py: initdb into a temp folder and ``pg_ctl start``, once per run. Each
test (tests/stores.py) gets a fresh database made with ``CREATE DATABASE … TEMPLATE`` from one
that already has PostGIS, so a test costs milliseconds, not a cluster. initdb refuses to run as root: as root
the cluster runs as the system user ``postgres`` (Debian's package makes it) through
``runuser``. Skips with the reason when no PostgreSQL binaries or no PostGIS are installed.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from mosquitto import free_port


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _has_postgis(bindir: Path) -> bool:
    version = bindir.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="songjiang-pg-"))
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")

    def _run(self, *args, **kw):
        return subprocess.run([*self.as_user, *map(str, args)], check=True, capture_output=True, text=True,
                              timeout=120, **kw)

    def start(self) -> "Cluster":
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self._run(self.bindir / "initdb", "-D", self.dir / "db", "-A", "trust", "-U", self.user, "-E", "UTF8",
                  "--no-sync")
        self._pg_start()
        import psycopg
        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            con.execute("CREATE DATABASE template_gis")
        with psycopg.connect(self.url("template_gis"), autocommit=True) as con:
            con.execute("CREATE EXTENSION postgis")
        return self

    def _pg_start(self):
        self._run(self.bindir / "pg_ctl", "-D", self.dir / "db", "-l", self.dir / "log", "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def halt(self):
        """The server stopped, every connection cut (a fast shutdown); ``_pg_start`` brings it back on its port."""
        self._run(self.bindir / "pg_ctl", "-D", self.dir / "db", "-m", "fast", "-w", "-t", "60", "stop")

    def restart(self):
        self.halt()
        self._pg_start()

    def url(self, db: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{db}"

    def new_database(self, owner: str | None = None) -> str:
        import psycopg
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name} TEMPLATE template_gis" + (f" OWNER {owner}" if owner else ""))
        url = self.url(name)
        return url.replace(f"//{self.user}@", f"//{owner}@") if owner else url

    def password_role(self, password: str) -> str:
        """A new role that must log in with ``password`` (scram-sha-256 on loopback TCP; the cluster's
        own user keeps ``trust``); returns its name. pg_hba takes the first matching line: ours go first."""
        import psycopg
        from psycopg import sql
        name = "r_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            con.execute("SET password_encryption = 'scram-sha-256'")
            con.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name),
                                                                         sql.Literal(password)))
            hba = self.dir / "db" / "pg_hba.conf"
            hba.write_text(f"host all {name} 127.0.0.1/32 scram-sha-256\n"
                           f"local all {name} scram-sha-256\n" + hba.read_text())
            con.execute("SELECT pg_reload_conf()")
        import time
        for _ in range(200):  # the postmaster reloads on its signal: wait until the role needs its password
            try:
                psycopg.connect(f"postgresql://{name}@127.0.0.1:{self.port}/postgres").close()
            except psycopg.OperationalError:
                return name
            time.sleep(0.05)
        raise RuntimeError("pg_hba.conf reload did not take effect")

    def stop(self):
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.dir / "db", "-m", "immediate", "-w", "stop")
        except subprocess.SubprocessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


_cluster: Cluster | None = None


def require_postgres() -> Cluster:
    """The session's cluster, started on first use (stopped at exit by ``pg_cluster``)."""
    global _cluster
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not installed (Debian packages 'postgresql' and 'postgis')")
    if not _has_postgis(bindir):
        pytest.skip("PostGIS not installed for PostgreSQL (Debian package 'postgresql-postgis')")
    if _cluster is None:
        _cluster = Cluster(bindir).start()
        import atexit
        atexit.register(_cluster.stop)
    return _cluster
