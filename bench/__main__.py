"""Run every bench/bench_*.py, collect their JSON lines, rewrite the table in BENCHMARKS.md.

Usage: python -m bench [name-filter]   (GUI benchmarks need a display: run under xvfb-run)
"""
from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def run(script: Path) -> list[dict]:
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=3600)
    rows = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append({"script": script.stem, **json.loads(line)})
            except json.JSONDecodeError:
                continue
    if proc.returncode != 0:
        rows.append({"script": script.stem, "name": "error", "value": proc.returncode, "unit": "exit code",
                     "target": "0", "ok": False, "note": proc.stderr.strip().splitlines()[-1:]})
    return rows


def table(rows: list[dict]) -> str:
    out = [f"Machine: {machine()}  ", f"Date: {dt.datetime.now().isoformat(timespec='minutes')}", "",
           "| script | figure | value | unit | target | ok |", "|---|---|---|---|---|---|"]
    for r in rows:
        v = r["value"]
        value = f"{v:.4g}" if isinstance(v, float) else str(v)
        target = r.get("target")
        report_only = target in (None, "", "None", "report") or str(target).startswith("report")
        ok = "—" if report_only else ("yes" if r.get("ok") else "NO")
        out.append(f"| {r['script']} | {r['name']} | {value} | {r['unit']} | "
                   f"{'report' if target in (None, '', 'None') else target} | {ok} |")
    return "\n".join(out)


def previous_rows(table_text: str) -> list[dict]:
    """Rows of the table written last time (so `python -m bench NAME` updates only NAME)."""
    rows = []
    for line in table_text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] in ("script", "---") or set(cells[0]) <= {"-"}:
            continue
        try:
            value = float(cells[2])
        except ValueError:
            value = cells[2]
        rows.append({"script": cells[0], "name": cells[1], "value": value, "unit": cells[3],
                     "target": cells[4], "ok": cells[5] == "yes"})
    return rows


def main(argv=None) -> int:
    pattern = (argv or sys.argv[1:] or [""])[0]
    rows = []
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        if pattern in script.stem:
            sys.stderr.write(f"running {script.name}…\n")
            rows.extend(run(script))
    for r in rows:
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
    doc = ROOT / "BENCHMARKS.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    head, _, rest = text.partition(START)
    old, _, tail = rest.partition(END)
    if pattern:  # a partial run keeps the rows of the scripts it did not run
        rerun = {r["script"] for r in rows}
        rows = [r for r in previous_rows(old) if r["script"] not in rerun] + rows
        rows.sort(key=lambda r: r["script"])
    doc.write_text(f"{head}{START}\n{table(rows)}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
