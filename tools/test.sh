#!/usr/bin/env bash
# Install everything and run the whole test suite headless (GUI tests on Xvfb).
# Usage: bash tools/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --test
export QT_QPA_PLATFORM=xcb
exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -p no:cacheprovider "$@"
