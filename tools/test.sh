#!/usr/bin/env bash
# Install everything and run the whole test suite headless (GUI tests on Xvfb).
# Usage: bash tools/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --test
export QT_QPA_PLATFORM=xcb
# One pytest worker per core, at most four (each peaks near 2.5 GB resident); a test file stays on one worker
# (its module fixtures: one broker, one corpus fetch). `-n 0` as an argument runs in this process.
workers=$(nproc); [ "$workers" -gt 4 ] && workers=4
exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -p no:cacheprovider \
    -n "$workers" --dist loadfile "$@"
