#!/usr/bin/env bash
# Idempotently provides bench/.venv with numpy (the Python handoff) and matplotlib (the plots).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.venv"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import numpy, matplotlib' 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'numpy>=1.24' 'matplotlib>=3.7'
fi
echo "$venv/bin/python"
