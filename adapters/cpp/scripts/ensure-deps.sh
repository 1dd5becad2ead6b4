#!/usr/bin/env bash
# Installs what the C++ adapter's build and tests need, only when missing (idempotent):
# a C++20 compiler with the ASan/UBSan/TSan runtimes, CMake >= 3.18, GoogleTest, pkg-config.
set -euo pipefail

missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# GoogleTest: the Debian packages ship the CMake config and the prebuilt static libraries.
have_gtest=no
for f in /usr/lib/*/cmake/GTest/GTestConfig.cmake /usr/lib/cmake/GTest/GTestConfig.cmake; do
  [ -f "$f" ] && have_gtest=yes
done
[ "$have_gtest" = yes ] || missing+=(libgtest-dev googletest)
# Sanitizer runtimes (normally pulled in by g++ itself; checked by linking a tiny program).
if command -v g++ >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo 'int main(){return 0;}' >"$tmp/t.cpp"
  g++ -fsanitize=address,undefined "$tmp/t.cpp" -o "$tmp/a" >/dev/null 2>&1 || missing+=(libasan8 libubsan1)
  g++ -fsanitize=thread "$tmp/t.cpp" -o "$tmp/t" >/dev/null 2>&1 || missing+=(libtsan2)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-deps (cpp): installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq "${missing[@]}" >&2
