#!/usr/bin/env bash
# Install the console into ./.venv (and, when root on Debian/Ubuntu, the system
# packages it needs: OpenGL/EGL, Xvfb, CJK fonts, Mosquitto, GDAL tools).
# Usage: bash tools/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  pkgs=(libgl1 libegl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
        libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libdbus-1-3
        libfontconfig1 fonts-wqy-microhei fonts-noto-cjk)
  # python3-gdal: the reference the public-corpus test compares `info` with (tests/test_corpus.py)
  # postgresql + postgis (postgresql-postgis: the extension itself; "postgis" is only its tools): the store
  # tests start a throw-away cluster (tests/postgres.py)
  # qgis + python3-qgis: tests/test_package_in_qgis.py opens, draws and edits a field package in QGIS itself
  # (PyQGIS is not pip-installable; the test drives the system python and skips with the reason without it)
  [ -n "$extras" ] && pkgs+=(xvfb xauth mosquitto mosquitto-clients gdal-bin python3-gdal poppler-utils
                             postgresql postgis postgresql-postgis qgis python3-qgis)
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  # npm packs the corpus's npm sources (tests/test_corpus.py); any npm on PATH will do
  [ -n "$extras" ] && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extras}"
