#!/usr/bin/env bash
# Usage: tests/dist/hide-checkout.sh WORKDIR COMMAND [ARGS...]
# Runs COMMAND in WORKDIR as a user outside the repository would: in a private mount namespace
# where the checkout is covered by an empty tmpfs (so nothing can be found in it by accident,
# not even by walking up from the working directory), with ZINC_LIB and every *_LIBRARY_PATH
# that could point into the checkout removed. Copy what the test needs (the artifacts from
# dist/) into WORKDIR first. Needs root (unshare -m), which CI and the dev machines have.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
workdir="$1"; shift
case "$(realpath "$workdir")/" in
    "$ROOT"/*) echo "hide-checkout: WORKDIR must be outside the checkout" >&2; exit 2 ;;
esac
exec env -u ZINC_LIB -u LD_LIBRARY_PATH -u DYLD_LIBRARY_PATH -u PYTHONPATH -u NODE_PATH \
    -u CLASSPATH -u GOFLAGS \
    unshare -m --propagation private -- bash -c '
        set -euo pipefail
        root="$1"; workdir="$2"; shift 2
        mount -t tmpfs -o size=1m,mode=0755 zinc-hidden-checkout "$root"
        cd "$workdir"
        exec "$@"' hide-checkout "$ROOT" "$workdir" "$@"
