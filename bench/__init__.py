"""Benchmarks: each bench_*.py prints one JSON line per figure; `python -m bench` runs them all."""
