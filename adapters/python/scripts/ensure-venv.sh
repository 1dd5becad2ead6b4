#!/usr/bin/env bash
# Idempotently create adapters/python/.venv with everything the Python adapter's tests, agent and
# benchmark need (cffi, numpy, pytest). Installs only what is missing; prints the venv's python.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.venv"
py="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "ensure-venv: creating $venv" >&2
    "$py" -m venv "$venv" >&2 || {
        # Debian/Ubuntu ship venv without ensurepip unless pythonX.Y-venv is installed.
        if command -v apt-get >/dev/null 2>&1; then
            ver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
            (apt-get install -y "python${ver}-venv" || { apt-get update && apt-get install -y "python${ver}-venv"; }) >&2
            rm -rf "$venv"
            "$py" -m venv "$venv" >&2
        else
            exit 1
        fi
    }
fi

if ! "$venv/bin/python" -c 'import cffi, numpy, pytest' >/dev/null 2>&1; then
    echo "ensure-venv: installing cffi numpy pytest into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        'cffi>=1.15' numpy pytest >&2
fi
echo "$venv/bin/python"
