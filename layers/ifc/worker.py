"""Parse and tessellate IFC in child processes with memory and time limits.

ifcopenshell/OpenCASCADE can crash natively on hostile files, which Python
cannot catch, so all parsing happens in 'spawn' children. Every way a child can
fail (exception, abort, segfault, memory limit, timeout) becomes one
``IfcReadError(path, reason)``; cancelling (``Progress.cancel``) terminates the
children and re-raises ``Cancelled``. With ``processes > 1`` each child
tessellates a round-robin shard of the products (a process pool was the only
parallelism that helped here; iterator threads did not).

Test hook: ``SJ_IFC_WORKER_TEST_CRASH=abort|exit|hang`` makes children misbehave
on purpose so tests can prove the caller survives.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from multiprocessing.connection import Connection, wait
from pathlib import Path

from layers.child_env import child_environment
from layers.ifc.errors import IfcReadError
from layers.progress import NULL_PROGRESS, Progress

DEFAULT_MEMORY_MB = 4096
DEFAULT_TIMEOUT_S = 600.0
TEST_HOOK_ENV = "SJ_IFC_WORKER_TEST_CRASH"


def _limit_memory(memory_mb: int | None):
    if not memory_mb:
        return
    import resource
    limit = int(memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _test_hook():
    mode = os.environ.get(TEST_HOOK_ENV, "")
    if mode == "abort":
        os.abort()
    if mode == "exit":
        os._exit(3)
    if mode == "hang":
        time.sleep(3600)


def _work(conn, path: str, job: dict, shard: tuple[int, int]) -> dict:
    import ifcopenshell

    last = [0.0]

    def report(fraction, message):
        now = time.monotonic()
        if now - last[0] > 0.1:
            last[0] = now
            conn.send(("progress", fraction, message))

    report(0.0, "parsing")
    f = ifcopenshell.open(path)
    out = {"schema": f.schema_identifier, "warnings": []}
    if shard[0] == 0:
        from layers.ifc.elements import read_records
        from layers.ifc.georef_params import read_params
        out["params"] = read_params(f)
        if job.get("records", True) == "counts":  # the info command needs no psets
            out["counts"] = dict(Counter(p.is_a() for p in f.by_type("IfcProduct")))
            out["n_types"] = len(f.by_type("IfcTypeObject"))
            out["n_templates"] = len(f.by_type("IfcPropertySetTemplate")) if f.schema != "IFC2X3" else 0
        elif job.get("records", True):
            out.update(read_records(f, report))
    if job.get("geometry", True):
        from layers.ifc.tessellate import tessellate
        out["meshes"], out["warnings"] = tessellate(f, job.get("kernel", "auto"), shard, report)
    return out


def _child(conn, path: str, job: dict, shard, memory_mb):
    try:
        _limit_memory(memory_mb)
        _test_hook()
        conn.send(("result", _work(conn, path, job, tuple(shard))))
    except MemoryError:
        conn.send(("memory", ""))
    except Exception as exc:  # every parser complaint becomes one line for the user (framed in run_job)
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        if memory_mb and any(w in text.lower() for w in ("memory", "alloc", "failed to map")):
            conn.send(("memory", text))
        else:
            conn.send(("error", text))
    finally:
        conn.close()


def _died(path, exitcode, memory_mb, tail: str) -> IfcReadError:
    """What the user reads when the engine process died; ``tail`` is its last stderr line (its own words)."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGKILL" and tail:
            return IfcReadError(path, f"the IFC engine was killed (SIGKILL; out of memory? limit {memory_mb} MB): {tail}")
        if name == "SIGKILL":
            return IfcReadError(path, f"the IFC engine was killed (SIGKILL; out of memory? limit {memory_mb} MB)")
        if tail:
            return IfcReadError(path, f"the IFC engine crashed ({name}): {tail}")
        return IfcReadError(path, f"the IFC engine crashed ({name})")
    if tail:
        return IfcReadError(path, f"the IFC engine stopped unexpectedly (exit code {exitcode}): {tail}")
    return IfcReadError(path, f"the IFC engine stopped unexpectedly (exit code {exitcode})")


def _tail(fh) -> str:
    fh.seek(0)
    lines = [ln.strip() for ln in fh.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""


def _start(path, job, shard, memory_mb):
    read_fd, write_fd = os.pipe()
    root = str(Path(__file__).resolve().parents[2])
    env = child_environment(PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    err = tempfile.TemporaryFile()
    args = json.dumps({"path": str(path), "job": job, "shard": list(shard), "memory_mb": memory_mb})
    proc = subprocess.Popen([sys.executable, "-m", "layers.ifc.worker", str(write_fd), args],
                            pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=err, env=env, close_fds=True)
    os.close(write_fd)
    return proc, Connection(read_fd, writable=False), err


def run_job(path, job: dict, *, processes: int = 1, timeout: float = DEFAULT_TIMEOUT_S,
            memory_mb: int | None = DEFAULT_MEMORY_MB, progress: Progress = NULL_PROGRESS) -> list[dict]:
    """Run ``job`` on ``path`` in ``processes`` children; return their results (shard 0 first)."""
    n = max(1, processes)
    started = [_start(path, job, (i, n), memory_mb) for i in range(n)]
    procs = [s[0] for s in started]
    conns = [s[1] for s in started]
    errs = [s[2] for s in started]
    results: dict[int, dict] = {}
    fractions = [0.0] * len(procs)
    message = "starting IFC engine"
    deadline = time.monotonic() + timeout
    try:
        while len(results) < len(procs):
            pending = [c for i, c in enumerate(conns) if i not in results]
            for conn in wait(pending, timeout=0.1):
                i = conns.index(conn)
                try:
                    msg = conn.recv()
                except (EOFError, OSError):
                    code = procs[i].wait(5)
                    raise _died(path, code, memory_mb, _tail(errs[i])) from None
                if msg[0] == "progress":
                    fractions[i], message = msg[1], msg[2]
                elif msg[0] == "result":
                    results[i], fractions[i] = msg[1], 1.0
                elif msg[0] == "memory" and msg[1]:
                    raise IfcReadError(path, f"the IFC engine ran out of memory (limit {memory_mb} MB): {msg[1]}")
                elif msg[0] == "memory":
                    raise IfcReadError(path, f"the IFC engine ran out of memory (limit {memory_mb} MB)")
                else:  # the parser's own words (English, whatever the interface) inside a sentence of ours
                    raise IfcReadError(path, f"the IFC engine cannot read it ({msg[1]})")
            if time.monotonic() > deadline:
                raise IfcReadError(path, f"reading took longer than {timeout:g} s and was stopped")
            progress.update(sum(fractions) / len(fractions), message)  # raises Cancelled
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(2)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(2)
        for c, e in zip(conns, errs):
            c.close()
            e.close()
    return [results[i] for i in range(len(procs))]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    conn = Connection(int(argv[0]), readable=False)
    spec = json.loads(argv[1])
    _child(conn, spec["path"], spec["job"], spec["shard"], spec["memory_mb"])


if __name__ == "__main__":
    main()
