#!/usr/bin/env bash
# Runs every benchmark kind once, in sequence, and renders the report.
#   run-all.sh full  RESULTS_DIR MARKDOWN   (make bench)
#   run-all.sh smoke RESULTS_DIR MARKDOWN   (make test-bench: few samples, small sizes)
# Expects: ZINC_BENCH (zinc-bench binary), BENCH_C (dir with the C overhead program),
# ROOT (repo root). Optional results (iceoryx2, Python, adapters) record why they are missing.
set -euo pipefail
mode="$1"; out="$2"; md="$3"
here="$(cd "$(dirname "$0")/.." && pwd)"
smoke=(); [ "$mode" = smoke ] && smoke=(--smoke)
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.error.txt "$out"/*.png "$out"/system.txt "$out"/hugepages.txt
rm -rf "$out/adapters"

py="$("$here/scripts/ensure-venv.sh")"
iox=""
if iox="$("$here/scripts/ensure-iceoryx2.sh" 2>"$out/iceoryx2.build.log")"; then :; else
    { echo "iceoryx2 did not build here: $(grep -E 'ensure-iceoryx2|error' "$out/iceoryx2.build.log" | head -3 | tr '\n' ' ')"; } > "$out/iceoryx2.error.txt"
    iox=""
fi

{
    echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') ($mode)"
    echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared; see 'after')"
    echo "uptime before: $(uptime)"
    echo "Memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); /dev/shm: $(df -h /dev/shm | awk 'NR==2 {print $2}')"
    echo "Toolchain: $(rustc --version), $(gcc --version | head -1), Python $("$py" -c 'import sys, numpy; print(sys.version.split()[0], "+ numpy", numpy.__version__)')"
    if [ -n "$iox" ]; then
        echo "iceoryx2: $(awk '/^name = "iceoryx2"$/ {getline; print $3}' "$here/iceoryx2/Cargo.lock" | tr -d '"') (crates.io; ipc::Service defaults)"
    fi
    echo "cpuidle driver: $(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo none); clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null || echo unknown)"
} > "$out/system.txt"

"$ZINC_BENCH" all --out "$out" "${smoke[@]}"
# ZINC_SPIN is read once per process: Zinc's blocking rows need a process of their own.
ZINC_SPIN=never "$ZINC_BENCH" never --out "$out" "${smoke[@]}"

# Huge pages: the set-up rows again with ZINC_SHM_DIR pointing at a temporary tmpfs mounted
# with huge=always (needs root or CAP_SYS_ADMIN; unmounted right after). Only possible when the
# core has a directory setting.
if grep -rqn ZINC_SHM_DIR "$ROOT/core/src"; then
    mnt="$(mktemp -d /tmp/zinc-bench-huge.XXXXXX)"
    size=$([ "$mode" = smoke ] && echo 64m || echo 1400m)
    if mount -t tmpfs -o "huge=always,size=$size,mode=1777" zinc-bench-huge "$mnt" 2> "$out/hugepages.mount.log"; then
        if ZINC_SHM_DIR="$mnt" "$ZINC_BENCH" setup --out "$out/zinc_huge.json" "${smoke[@]}"; then
            echo "a tmpfs mounted for this run with huge=always,size=$size (transparent huge pages for shared memory: 2 MiB pages) and ZINC_SHM_DIR pointing at it" > "$out/hugepages.txt"
        else
            echo "not measured: the set-up run in the huge=always tmpfs failed (see make output)" > "$out/hugepages.txt"
            rm -f "$out/zinc_huge.json"
        fi
        umount "$mnt" || echo "run-all: could not unmount $mnt" >&2
    else
        echo "not measured: mounting a tmpfs with huge=always failed here ($(head -1 "$out/hugepages.mount.log")); it needs root or CAP_SYS_ADMIN" > "$out/hugepages.txt"
    fi
    rmdir "$mnt" 2>/dev/null || true
    rm -f "$out/hugepages.mount.log"
else
    echo "not available in this core: regions always live in /dev/shm (no ZINC_SHM_DIR or other directory setting in core/src), so a huge-page mount cannot be measured" > "$out/hugepages.txt"
fi

if [ -n "$iox" ]; then
    # iceoryx2 leaves its node-management segment in /dev/shm after a clean exit; remove the
    # ones this run created (and only those) so the benchmark leaves nothing behind.
    iox_before=$(ls /dev/shm | grep '^iox2_' || true)
    if ! "$iox" --out "$out/iceoryx2.json" "${smoke[@]}" 2> >(tee "$out/iceoryx2.run.log" >&2); then
        echo "iceoryx2 benchmark failed at run time: $(tail -1 "$out/iceoryx2.run.log")" > "$out/iceoryx2.error.txt"
        rm -f "$out/iceoryx2.json"
    fi
    for f in $(ls /dev/shm | grep '^iox2_' || true); do
        grep -qxF "$f" <<<"$iox_before" || rm -f "/dev/shm/$f"
    done
fi

if ! "$py" "$here/python/mp_handoff.py" --out "$out/python_mp.json" "${smoke[@]}"; then
    echo "the Python multiprocessing.shared_memory script failed (see make output)" > "$out/python_mp.error.txt"
    rm -f "$out/python_mp.json"
fi

"$BENCH_C/overhead" $([ "$mode" = smoke ] && echo 100000 || echo 5000000) > "$out/overhead_c.json"

if [ "$mode" = full ]; then
    mkdir -p "$out/adapters"
    for t in $(grep -ho '^bench-[a-z0-9]*:' "$ROOT"/mk/*.mk | tr -d ':' | sort -u); do
        lang="${t#bench-}"
        echo "[run-all] make $t" >&2
        if ! timeout 600 make -C "$ROOT" --no-print-directory "$t" > "$out/adapters/$lang.txt" 2>&1; then
            echo "(make $t failed or timed out)" >> "$out/adapters/$lang.txt"
        fi
    done
fi

echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/system.txt"
echo "uptime after: $(uptime)" >> "$out/system.txt"
"$py" "$here/report.py" "$out" --markdown "$md"
