#!/usr/bin/env bash
# Prints the home of the newest JDK >= 22 (final FFM API) on this machine, or fails.
# Looks at $JAVA_HOME first when it is already >= 22, then at every /usr/lib/jvm/* (and
# $ZINC_JDK_DIRS, colon-separated extra parent folders). Needs only bash and a `release` file or
# a runnable bin/java in each candidate.
set -euo pipefail

major_of() { # $1 = JDK home -> major version on stdout, or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] || return 0
  [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n1)
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1)
  fi
  v=${v#1.}            # 1.8 -> 8
  echo "${v%%[.+-]*}"  # 25.0.3 -> 25
}

best="" best_major=0
consider() {
  local home m
  home=$(readlink -f "$1" 2>/dev/null) || return 0
  [ -d "$home" ] || return 0
  m=$(major_of "$home")
  [[ "$m" =~ ^[0-9]+$ ]] || return 0
  if [ "$m" -ge 22 ] && [ "$m" -gt "$best_major" ]; then best=$home best_major=$m; fi
}

dirs="/usr/lib/jvm${ZINC_JDK_DIRS:+:$ZINC_JDK_DIRS}"
IFS=: read -r -a parents <<<"$dirs"
for parent in "${parents[@]}"; do
  for cand in "$parent"/*; do consider "$cand"; done
done
# An explicit JAVA_HOME that is new enough wins over the scan.
if [ -n "${JAVA_HOME:-}" ]; then
  m=$(major_of "$JAVA_HOME" || true)
  if [[ "$m" =~ ^[0-9]+$ ]] && [ "$m" -ge 22 ]; then best=$(readlink -f "$JAVA_HOME"); fi
fi

if [ -z "$best" ]; then
  echo "zinc-java: no JDK >= 22 found (looked at \$JAVA_HOME and /usr/lib/jvm/*); the FFM API is final only from Java 22" >&2
  exit 1
fi
echo "$best"
