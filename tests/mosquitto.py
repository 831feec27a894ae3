"""A real Mosquitto broker on a free loopback port, for the sensor/MQTT tests.

Import the fixture in a test module: ``from mosquitto import mosquitto_broker  # noqa``.
Skips (with the reason) when the ``mosquitto`` binary is not installed.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

BINARY = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accepting(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Broker:
    def __init__(self, workdir: Path, port: int | None = None, extra_conf: str = "", persistent: bool = False,
                 stock: bool = False):
        """``stock``: Mosquitto's own queue limits (max_queued_messages 1000, max_inflight_messages 20), as a
        user's broker has them, instead of the large ones most tests use. Every broker here publishes its
        $SYS counters every second (stock: 10 s), so `record`'s wait for a current drop count is short."""
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.conf = self.workdir / f"mosquitto-{self.port}.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            f"{'allow_anonymous true' if 'password_file' not in extra_conf else ''}\n"
            # as root mosquitto would switch to user "mosquitto", who cannot read pytest's tmp dirs
            + ("user root\n" if os.geteuid() == 0 else "")
            + (f"persistence true\npersistence_location {self.workdir}/\nautosave_interval 1\n" if persistent
               else "persistence false\n")
            + ("" if stock else "max_queued_messages 200000\nmax_inflight_messages 1000\n")
            + ("sys_interval 1\n" if "sys_interval" not in extra_conf else "")
            + extra_conf)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> "Broker":
        self.proc = subprocess.Popen([BINARY, "-c", str(self.conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if _accepting(self.port):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited with {self.proc.returncode} ({self.conf})")
            time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {timeout} s")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    def stop(self):
        """A clean shutdown (SIGTERM): a persistent broker saves its sessions and queued messages."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def restart(self):
        self.kill()
        return self.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def require_mosquitto():
    if BINARY is None:
        pytest.skip("mosquitto binary not installed (Debian package 'mosquitto')")


def _throwaway(tmp_path):
    require_mosquitto()
    b = Broker(tmp_path).start()
    yield b
    b.kill()


@pytest.fixture
def mosquitto_broker(tmp_path):
    yield from _throwaway(tmp_path)


@pytest.fixture
def broker(tmp_path):
    """The same throw-away broker, under the shorter name the record tests use."""
    yield from _throwaway(tmp_path)
