#!/usr/bin/env bash
# Usage: scripts/readme-examples.sh README OUTDIR
# Writes every code block of README that follows a `<!-- file: PATH -->` line to OUTDIR/PATH and
# prints the paths. The README's writer/reader pair is examples/*/main.go verbatim: the suite
# compares the two, and tests/dist/go.sh builds the extracted copies.
set -euo pipefail
readme="$1"; out="$2"
awk -v out="$out" '
    /^<!-- file: .* -->$/ { path = $3; next }
    path != "" && /^```/ && file == "" { file = out "/" path; system("mkdir -p \"$(dirname \"" file "\")\""); printf "" > file; next }
    file != "" && /^```$/ { close(file); print path; path = ""; file = ""; next }
    file != "" { print > file }
' "$readme"
