#!/usr/bin/env bash
# Installs clang-format (Debian's, 14 on bookworm) when it is missing. Idempotent.
set -euo pipefail
command -v clang-format >/dev/null 2>&1 && exit 0
echo "ensure-clang-format: installing clang-format" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq clang-format >&2
